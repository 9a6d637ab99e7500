/*
 * profile.c: a run's CPU profile into its result folder. See profile.h.
 */
#include <errno.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "flame.h"
#include "fold.h"
#include "profile.h"
#include "profile_cols.h"
#include "top.h"

static int write_files(struct profile_run *p, struct fold *f, const char *dir,
    const char *file, const char *title);
static void rows(FILE *csv, const char *label, const char *file, const struct top *t);
static void row(FILE *csv, const char *label, const char *file, const char *kind,
    const struct top_entry *e, size_t total);
static void put_cell(FILE *csv, const char *s);
static double cpu_s(const struct rusage *ru);

void
profile_csv_header(FILE *csv, const char *label_header)
{
#define NAME(c) ",", #c,
	static const char *const cols[] = { PROFILE_COLUMNS(NAME) };
#undef NAME
	size_t i;

	fputs(label_header, csv);
	for (i = 0; i < sizeof(cols) / sizeof(cols[0]); i++)
		fputs(cols[i], csv);
	fputc('\n', csv);
}

int
profile_start(struct profile_run *p, pid_t pid, const char *dir, const char *file)
{
	char sub[PATH_MAX + 16];

	memset(p, 0, sizeof(*p));
	snprintf(sub, sizeof(sub), "%s/profiles", dir);
	if (mkdir(sub, 0755) < 0 && errno != EEXIST) {
		snprintf(p->why, sizeof(p->why), "no profile: cannot make %s: %s", sub,
		    strerror(errno));
		return -1;
	}
	snprintf(p->data, sizeof(p->data), "%s/%s.perf.data", sub, file);
	snprintf(p->log, sizeof(p->log), "%s/logs/%s.perf.log", dir, file);
	return perfrec_start(pid, p->data, p->log, &p->rec, p->why, sizeof(p->why));
}

int
profile_finish(struct profile_run *p, const char *dir, const char *file,
    const char *label, const char *title, double model_cpu_s, FILE *csv)
{
	struct fold *f = NULL;
	struct rusage ru;
	struct top t = { 0 };
	int ok = p->rec != NULL, rv = -1;

	if (ok) {
		ok = perfrec_stop(p->rec, &ru, p->why, sizeof(p->why)) == 0;
		p->rec = NULL;
		p->perf_cpu_s = cpu_s(&ru);
	}
	if (ok && (f = fold_new(0)) == NULL) {
		snprintf(p->why, sizeof(p->why), "no profile: out of memory");
		ok = 0;
	}
	if (ok)
		ok = perfrec_fold(p->data, p->log, f, &ru, p->why, sizeof(p->why)) == 0;
	if (p->data[0] != '\0')
		unlink(p->data);
	if (ok && (ok = write_files(p, f, dir, file, title) == 0) &&
	    top_compute(f, &t) < 0) {
		snprintf(p->why, sizeof(p->why), "no profile: out of memory");
		ok = 0;
	}
	fputs(label, csv);
	fputc(',', csv);
	put_cell(csv, file);
	fprintf(csv, ",run,,,,,%zu,,,%.3f,%.3f,", ok ? t.total : 0, p->perf_cpu_s, model_cpu_s);
	put_cell(csv, ok ? "recorded" : p->why);
	fputc('\n', csv);
	if (ok) {
		rows(csv, label, file, &t);
		rv = 0;
	}
	fflush(csv);
	top_free(&t);
	fold_free(f);
	return rv;
}

/* profiles/FILE.folded and profiles/FILE.svg: 0, or -1 with p->why. */
static int
write_files(struct profile_run *p, struct fold *f, const char *dir, const char *file,
    const char *title)
{
	char path[PATH_MAX + 64];
	FILE *out;
	int i, rv = 0;

	for (i = 0; i < 2 && rv == 0; i++) {
		snprintf(path, sizeof(path), "%s/profiles/%s.%s", dir, file, i ? "svg" : "folded");
		if ((out = fopen(path, "w")) == NULL) {
			snprintf(p->why, sizeof(p->why), "no profile: %s: %s", path, strerror(errno));
			return -1;
		}
		rv = i ? flame_svg(f, title, out) : fold_write(f, out);
		if (fclose(out) != 0 || rv < 0) {
			snprintf(p->why, sizeof(p->why), "no profile: writing %s failed", path);
			rv = -1;
		}
	}
	return rv;
}

/* The library rows, then the top functions by self and by inclusive samples (each once). */
static void
rows(FILE *csv, const char *label, const char *file, const struct top *t)
{
	size_t self[PROFILE_TOP], incl[PROFILE_TOP], ns, ni, i, j;
	int dup;

	for (i = 0; i < FRAME_NLIB; i++)
		if (t->lib[i].incl > 0)
			row(csv, label, file, "library", &t->lib[i], t->total);
	ns = top_best(t, 0, self, PROFILE_TOP);
	ni = top_best(t, 1, incl, PROFILE_TOP);
	for (i = 0; i < ns; i++)
		row(csv, label, file, "function", &t->fn[self[i]], t->total);
	for (i = 0; i < ni; i++) {
		for (dup = 0, j = 0; j < ns && !dup; j++)
			dup = self[j] == incl[i];
		if (!dup)
			row(csv, label, file, "function", &t->fn[incl[i]], t->total);
	}
}

static void
row(FILE *csv, const char *label, const char *file, const char *kind,
    const struct top_entry *e, size_t total)
{
	double d = total > 0 ? 100.0 / (double)total : 0;

	fputs(label, csv);
	fputc(',', csv);
	put_cell(csv, file);
	fprintf(csv, ",%s,", kind);
	put_cell(csv, e->name);
	fprintf(csv, ",%s,%zu,%zu,%zu,%.2f,%.2f,,,\n", frame_lib_name(e->lib), e->self, e->incl,
	    total, (double)e->self * d, (double)e->incl * d);
}

/* s as one CSV cell, quoted (quotes doubled). */
static void
put_cell(FILE *csv, const char *s)
{
	fputc('"', csv);
	for (; *s != '\0'; s++) {
		if (*s == '"')
			fputc('"', csv);
		fputc(*s == '\n' ? ' ' : *s, csv);
	}
	fputc('"', csv);
}

static double
cpu_s(const struct rusage *ru)
{
	return (double)ru->ru_utime.tv_sec + (double)ru->ru_utime.tv_usec / 1e6 +
	    (double)ru->ru_stime.tv_sec + (double)ru->ru_stime.tv_usec / 1e6;
}
