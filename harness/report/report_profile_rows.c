/*
 * report_profile_rows.c: the CPU profile section's data (report_profile.h): a folder's
 * profile.csv read by column name, the summary row of a profiled run, and the same
 * scenario's unprofiled runs elsewhere in the report.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report_profile.h"
#include "harness/profile/profile_cols.h"
#include "harness/results/csv.h"

#define MAX_ROWS 4096		/* a folder's profile rows read: ~50 a run */

size_t
profile_rows_load(const struct rs_scenario *s, struct prow **rows)
{
	char path[PATH_MAX + 16], *line = NULL, *cell[64];
	int at[PROFILE_NCOL], lab[6];
	size_t cap = 0, lineno = 0, nc, n = 0, i;
	struct prow *p;
	FILE *f;

	*rows = NULL;
	snprintf(path, sizeof(path), "%s/profile.csv", s->dir);
	if ((f = fopen(path, "r")) == NULL)
		return 0;
	if (csv_record(f, &line, &cap, &lineno) < 0 ||
	    (*rows = calloc(MAX_ROWS, sizeof(**rows))) == NULL)
		goto out;
	nc = csv_split(line, cell, 64);
#define AT(c) at[PROFILE_##c] = csv_index(cell, nc, #c);
	PROFILE_COLUMNS(AT)
#undef AT
	lab[0] = csv_index(cell, nc, "model"), lab[1] = csv_index(cell, nc, "level");
	lab[2] = csv_index(cell, nc, "client_cpus"), lab[3] = csv_index(cell, nc, "rep");
	for (i = 0; i < PROFILE_NCOL; i++)
		if (at[i] < 0)
			goto out;	/* not a profile.csv this report reads */
	while (n < MAX_ROWS && csv_record(f, &line, &cap, &lineno) == 0) {
		nc = csv_split(line, cell, 64);
		if (nc <= (size_t)at[PROFILE_note])
			continue;
		p = &(*rows)[n++];
#define S(dst, i) snprintf(dst, sizeof(dst), "%s", (i) >= 0 && (size_t)(i) < nc ? cell[i] : "")
#define D(i) ((i) >= 0 && (size_t)(i) < nc && cell[i][0] ? strtod(cell[i], NULL) : NAN)
		S(p->model, lab[0]), S(p->cpus, lab[2]), S(p->file, at[PROFILE_file]);
		S(p->kind, at[PROFILE_kind]), S(p->name, at[PROFILE_name]);
		S(p->lib, at[PROFILE_library]), S(p->note, at[PROFILE_note]);
		p->level = (unsigned)D(lab[1]), p->rep = (unsigned)D(lab[3]);
		p->self_pct = D(at[PROFILE_self_pct]), p->incl_pct = D(at[PROFILE_incl_pct]);
		p->samples = D(at[PROFILE_total_samples]);
		p->perf_cpu_s = D(at[PROFILE_perf_cpu_s]);
		p->model_cpu_s = D(at[PROFILE_model_cpu_s]);
#undef S
#undef D
	}
out:
	free(line);
	fclose(f);
	if (n == 0) {
		free(*rows);
		*rows = NULL;
	}
	return n;
}

const struct rs_run *
profile_rows_run(const struct rs_scenario *s, const struct prow *p)
{
	size_t i;

	for (i = 0; i < s->n_runs; i++) {
		const struct rs_run *r = &s->runs[i];

		if (strcmp(r->model, p->model) == 0 && r->level == p->level && r->rep == p->rep &&
		    (strcmp(r->client_cpus, p->cpus) == 0 || strcmp(r->tag, p->cpus) == 0))
			return r;
	}
	return NULL;
}

double
profile_rows_without(const struct report *rep, const struct report_scenario *s, const struct prow *p,
    double *cpu_ms)
{
	char path[PATH_MAX + 16];
	double sum = 0, cpu = 0, ok = 0;
	size_t i, k, n = 0;
	FILE *f;

	for (i = 0; i < rep->n; i++) {
		const struct rs_scenario *o = rep->sc[i].rs;

		if (o == s->rs || strcmp(o->name, s->rs->name) != 0)
			continue;
		snprintf(path, sizeof(path), "%s/profile.csv", o->dir);
		if ((f = fopen(path, "r")) != NULL) {
			fclose(f);
			continue;
		}
		for (k = 0; k < o->n_runs; k++) {
			const struct rs_run *r = &o->runs[k];

			if (strcmp(r->model, p->model) != 0 || r->level != p->level ||
			    !(strcmp(r->client_cpus, p->cpus) == 0 || strcmp(r->tag, p->cpus) == 0) ||
			    !(r->v[RS_images_per_s] > 0))
				continue;
			sum += r->v[RS_images_per_s], n++;
			if (r->v[RS_ok] > 0 && r->v[RS_model_cpu_s] >= 0)
				cpu += r->v[RS_model_cpu_s], ok += r->v[RS_ok];
		}
	}
	*cpu_ms = ok > 0 ? cpu * 1e3 / ok : NAN;
	return n > 0 ? sum / (double)n : -1;
}
