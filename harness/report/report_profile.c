/*
 * report_profile.c: the report's "CPU profile" section, from each result folder's
 * profile.csv (harness/profile/profile_cols.h; `bench --cpu-profile`): per scenario and
 * profiled run, the samples, perf's own CPU against the run's, the throughput and client CPU
 * per image with the profile and, when the report holds runs of the same scenario, model
 * and level without one, without it; the library groups by self and inclusive share with
 * each group's top functions; the top functions by inclusive share; and the flame graph
 * (profiles/FILE.svg, which report.html puts inline). A scenario with no profile.csv has no
 * part here, and the section is absent when none has one; when perf recorded none of a
 * scenario's runs, one line says why. Each model's best run is shown in full, the other
 * profiled runs by a link to their flame graph; report.json's "cpu_profile" has them all.
 */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "report_profile.h"
#include "harness/profile/perfrec.h"
#include "harness/profile/profile_cols.h"

#define LIB_TOP 3		/* functions named per library group */
#define INCL_TOP 8		/* functions listed by inclusive share */

static void scenario(struct report_out *o, const struct report *rep,
    const struct report_scenario *s, struct prow *rows, size_t n, json_t *arr);
static void one_run(struct report_out *o, FILE *md, const struct report *rep,
    const struct report_scenario *s, const struct prow *run, const struct prow *rows, size_t n,
    json_t *arr);
static int is_best(const struct report_scenario *s, const struct prow *p);
static void libraries(struct report_out *o, FILE *md, const struct prow *run,
    const struct prow *rows, size_t n, json_t *j);
static void md_printf(FILE *md, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static const char *rel_dir(const struct report *rep, const struct rs_scenario *s);
static int by_self(const void *a, const void *b);
static const char *stop(const char *s);

void
report_profile(struct report_out *o, const struct report *rep)
{
	char path[PATH_MAX + 16];
	struct prow *rows;
	size_t i, n, any = 0;
	json_t *arr;

	for (i = 0; i < rep->n && !any; i++) {
		snprintf(path, sizeof(path), "%s/profile.csv", rep->sc[i].rs->dir);
		any = access(path, R_OK) == 0;
	}
	if (!any)
		return;
	report_out_section(o, "CPU profile: where the client's CPU went");
	fprintf(o->md, "Recorded by `perf record -e cpu-clock -F %d --call-graph dwarf` on each "
	    "run of a scenario with `cpu_profile = on` (`bench --cpu-profile`), perf attached "
	    "before the run's first key. *Self*: the samples in the function itself; "
	    "*inclusive*: with what it called. Shares are of the run's samples. perf's own CPU "
	    "is not in the run's: it is the profile's cost.\n\n", PERFREC_HZ);
	arr = json_array();
	for (i = 0; i < rep->n; i++)
		if ((n = profile_rows_load(rep->sc[i].rs, &rows)) > 0) {
			scenario(o, rep, &rep->sc[i], rows, n, arr);
			free(rows);
		}
	json_object_set_new(o->js, "cpu_profile", arr);
}

/* One scenario: one line when perf recorded none of its runs, else each run's part. */
static void
scenario(struct report_out *o, const struct report *rep, const struct report_scenario *s,
    struct prow *rows, size_t n, json_t *arr)
{
	const char *why = NULL;
	size_t i, recorded = 0, others;

	for (i = 0; i < n; i++)
		if (strcmp(rows[i].kind, "run") == 0) {
			if (strcmp(rows[i].note, "recorded") == 0)
				recorded++;
			else if (why == NULL)
				why = rows[i].note;
		}
	fprintf(o->md, "### %s\n\n", s->label);
	if (recorded == 0) {
		why = why != NULL ? why : "no run was recorded";
		fprintf(o->md, "No profile: %s%s\n\n", why, stop(why));
		json_array_append_new(arr, json_pack("{s:s, s:b, s:s}", "scenario", s->label,
		    "recorded", 0, "note", why));
		return;
	}
	fprintf(o->md, "Each model's best run in full; the other profiled runs after them, "
	    "each by its flame graph (every run is in report.json).\n\n");
	for (i = 0; i < n; i++)
		if (strcmp(rows[i].kind, "run") == 0 && is_best(s, &rows[i]))
			one_run(o, o->md, rep, s, &rows[i], rows, n, arr);
	for (i = 0, others = 0; i < n; i++)
		if (strcmp(rows[i].kind, "run") == 0 && !is_best(s, &rows[i])) {
			if (others++ == 0)
				fprintf(o->md, "Other profiled runs:");
			fprintf(o->md, " [%s c=%u](%s%sprofiles/%s.svg)", rows[i].model,
			    rows[i].level, rel_dir(rep, s->rs), rel_dir(rep, s->rs)[0] ? "/" : "",
			    rows[i].file);
			one_run(o, NULL, rep, s, &rows[i], rows, n, arr);	/* JSON only */
		}
	if (others > 0)
		fprintf(o->md, ".\n\n");
}

/* fprintf to md, or nothing when md is NULL (a run whose part is in report.json only). */
static void
md_printf(FILE *md, const char *fmt, ...)
{
	va_list ap;

	if (md == NULL)
		return;
	va_start(ap, fmt);
	vfprintf(md, fmt, ap);
	va_end(ap);
}

/* Whether profiled run p is its model's best run in s (the one the other sections show). */
static int
is_best(const struct report_scenario *s, const struct prow *p)
{
	const struct rs_run *r = profile_rows_run(s->rs, p);
	size_t k;

	for (k = 0; r != NULL && k < s->n_models; k++)
		if (s->models[k].best == r)
			return 1;
	return 0;
}

static void
one_run(struct report_out *o, FILE *md, const struct report *rep,
    const struct report_scenario *s, const struct prow *run, const struct prow *rows, size_t n,
    json_t *arr)
{
	const struct rs_run *r = profile_rows_run(s->rs, run);
	double ips = r != NULL ? r->v[RS_images_per_s] : NAN, base_cpu = NAN, base;
	double cpu_ms = r != NULL && r->v[RS_ok] > 0 ? r->v[RS_model_cpu_s] * 1e3 /
	    r->v[RS_ok] : NAN;
	json_t *j;

	if (strcmp(run->note, "recorded") != 0) {
		md_printf(md, "**%s c=%u** (`%s`): no profile: %s%s\n\n", run->model, run->level,
		    run->file, run->note, stop(run->note));
		json_array_append_new(arr, json_pack("{s:s, s:s, s:i, s:s, s:b, s:s}", "scenario",
		    s->label, "model", run->model, "level", (int)run->level, "file", run->file,
		    "recorded", 0, "note", run->note));
		return;
	}
	base = profile_rows_without(rep, s, run, &base_cpu);
	md_printf(md, "**%s c=%u** (`%s`): %s samples; perf's own CPU %s s, %s%% of the "
	    "run's %s s. With the profile: %s images/s, %s ms of client CPU per image",
	    run->model, run->level, run->file, report_count(o, run->samples),
	    report_num(o, run->perf_cpu_s, 2), report_num(o, run->model_cpu_s > 0 ?
	    100 * run->perf_cpu_s / run->model_cpu_s : NAN, 1), report_num(o, run->model_cpu_s, 2),
	    report_num(o, ips, 1), report_num(o, cpu_ms, 2));
	if (base > 0)
		md_printf(md, "; without it (the same scenario, model and level, unprofiled): %s "
		    "images/s, %s ms (throughput %+.1f%% with it).\n\n", report_num(o, base, 1),
		    report_num(o, base_cpu, 2), 100 * (ips / base - 1));
	else
		md_printf(md, " (no unprofiled run of it in this report to compare with).\n\n");
	j = json_pack("{s:s, s:s, s:i, s:i, s:s, s:b, s:f, s:o, s:o, s:o, s:o, s:o, s:o}",
	    "scenario", s->label, "model", run->model, "level", (int)run->level, "rep",
	    (int)run->rep, "file", run->file, "recorded", 1, "samples", run->samples,
	    "perf_cpu_s", report_jnum(run->perf_cpu_s), "model_cpu_s",
	    report_jnum(run->model_cpu_s), "images_per_s", report_jnum(ips),
	    "cpu_ms_per_image", report_jnum(cpu_ms), "unprofiled_images_per_s",
	    report_jnum(base), "unprofiled_cpu_ms_per_image", report_jnum(base_cpu));
	libraries(o, md, run, rows, n, j);
	md_printf(md, "![flame graph: %s c=%u](%s%sprofiles/%s.svg)\n\n", run->model,
	    run->level, rel_dir(rep, s->rs), rel_dir(rep, s->rs)[0] ? "/" : "", run->file);
	json_array_append_new(arr, j);
}

/*
 * The groups' table with their top functions, then the top functions by inclusive share. A
 * frame's name holds a backtick (LIB`FUNCTION): it goes in double-backtick code spans.
 */
static void
libraries(struct report_out *o, FILE *md, const struct prow *run, const struct prow *rows,
    size_t n, json_t *j)
{
	const struct prow *lib[FRAME_NLIB + 8], *fn[2 * PROFILE_TOP + 8];
	size_t nl = 0, nf = 0, i, k, shown;
	json_t *jl = json_array(), *jf = json_array();

	for (i = 0; i < n; i++) {
		if (strcmp(rows[i].file, run->file) != 0)
			continue;
		if (strcmp(rows[i].kind, "library") == 0 && nl < sizeof(lib) / sizeof(lib[0]))
			lib[nl++] = &rows[i];
		else if (strcmp(rows[i].kind, "function") == 0 &&
		    nf < sizeof(fn) / sizeof(fn[0]))
			fn[nf++] = &rows[i];
	}
	qsort(lib, nl, sizeof(lib[0]), by_self);
	qsort(fn, nf, sizeof(fn[0]), by_self);
	md_printf(md, "| library | self | inclusive | its top functions by self share |\n"
	    "|---|---:|---:|---|\n");
	for (i = 0; i < nl; i++) {
		md_printf(md, "| %s | %s%% | %s%% | ", lib[i]->name,
		    report_num(o, lib[i]->self_pct, 1), report_num(o, lib[i]->incl_pct, 1));
		for (shown = 0, k = 0; k < nf && shown < LIB_TOP; k++)
			if (strcmp(fn[k]->lib, lib[i]->name) == 0 && fn[k]->self_pct > 0)
				md_printf(md, "%s`` %s `` %s%%", shown++ ? ", " : "", fn[k]->name,
				    report_num(o, fn[k]->self_pct, 1));
		md_printf(md, " |\n");
		json_array_append_new(jl, json_pack("{s:s, s:o, s:o}", "name", lib[i]->name,
		    "self_pct", report_jnum(lib[i]->self_pct), "incl_pct",
		    report_jnum(lib[i]->incl_pct)));
	}
	for (k = 0; k < nf; k++)
		json_array_append_new(jf, json_pack("{s:s, s:s, s:o, s:o}", "name", fn[k]->name,
		    "library", fn[k]->lib, "self_pct", report_jnum(fn[k]->self_pct), "incl_pct",
		    report_jnum(fn[k]->incl_pct)));
	for (i = 1; i < nf; i++)	/* by inclusive share now: insertion, nf is small */
		for (k = i; k > 0 && fn[k - 1]->incl_pct < fn[k]->incl_pct; k--) {
			const struct prow *t = fn[k];

			fn[k] = fn[k - 1], fn[k - 1] = t;
		}
	md_printf(md, "\nBy inclusive share: ");
	for (k = 0; k < nf && k < INCL_TOP; k++)
		md_printf(md, "%s`` %s `` %s%%", k ? ", " : "", fn[k]->name,
		    report_num(o, fn[k]->incl_pct, 1));
	md_printf(md, ".\n\n");
	json_object_set_new(j, "libraries", jl);
	json_object_set_new(j, "functions", jf);
}

/* s's folder relative to the report's ("" when the same), for report.md's links. */
static const char *
rel_dir(const struct report *rep, const struct rs_scenario *s)
{
	size_t n = strlen(rep->dir);

	while (n > 1 && rep->dir[n - 1] == '/')
		n--;
	if (strncmp(s->dir, rep->dir, n) == 0 && (s->dir[n] == '/' || s->dir[n] == '\0')) {
		const char *r = s->dir + n;

		while (*r == '/')
			r++;
		return r;
	}
	return s->dir;
}

static int
by_self(const void *a, const void *b)
{
	const struct prow *x = *(const struct prow *const *)a, *y = *(const struct prow *const *)b;

	return x->self_pct < y->self_pct ? 1 : x->self_pct > y->self_pct ? -1 : 0;
}

/* The full stop a sentence ending in s still needs: "" when s ends in one. */
static const char *
stop(const char *s)
{
	size_t n = strlen(s);

	return n > 0 && s[n - 1] == '.' ? "" : ".";
}
