/*
 * report_hosts.c: several clients in the report's summary. For each scenario whose folder has
 * a hosts.csv (one `mpirun ... exifbench run`, harness/mpi/merge.h), one row per client (its
 * host, images, rate, latency, CPU, its start against the first client's and its clock's
 * measured offset), the window the merged rate was taken over, and what the coordination
 * cost (the barrier, the gather): report.json's "clients". For each scenario of a bench that
 * swept the client count (the clients key, under mpirun), throughput against clients beside
 * throughput against concurrency: a row per model and level, a column per client count, the
 * rate and its ratio to one client's: report.json's "clients_sweep". (The concurrency
 * analysis elsewhere takes the runs of one client.)
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report_out.h"
#include "harness/results/csv.h"

#define HOST_COLS 32

static void one(struct report_out *o, const struct report_scenario *s, FILE *f, json_t *arr);
static void sweep(struct report_out *o, const struct report_scenario *s, json_t *arr);
static const struct rs_run *find(const struct rs_scenario *rs, const char *model,
    unsigned level, unsigned clients);
static void bound_cell(struct report_out *o, const struct report_scenario *s,
    const struct rs_run *r, json_t *row);

void
report_hosts(struct report_out *o, const struct report *rep)
{
	char path[PATH_MAX + 16];
	json_t *arr = json_array(), *sw = json_array();
	size_t i;
	FILE *f;

	for (i = 0; i < rep->n; i++) {
		sweep(o, &rep->sc[i], sw);
		snprintf(path, sizeof(path), "%s/hosts.csv", rep->sc[i].rs->dir);
		if ((f = fopen(path, "r")) == NULL)
			continue;
		one(o, &rep->sc[i], f, arr);
		fclose(f);
	}
	if (json_array_size(arr) > 0)
		json_object_set_new(o->js, "clients", arr);
	else
		json_decref(arr);
	if (json_array_size(sw) > 0)
		json_object_set_new(o->js, "clients_sweep", sw);
	else
		json_decref(sw);
}

/* Throughput against clients, when the scenario's runs have more than one client count. */
static void
sweep(struct report_out *o, const struct report_scenario *s, json_t *arr)
{
	const struct rs_scenario *rs = s->rs;
	unsigned counts[16], nc = 0, k, j;
	const struct rs_run *r, *one, *seen;
	size_t i, p;

	for (i = 0; i < rs->n_runs; i++) {
		for (k = 0; k < nc && counts[k] != rs->runs[i].clients; k++)
			;
		if (k == nc && nc < 16) {	/* kept in order */
			for (j = nc++; j > 0 && counts[j - 1] > rs->runs[i].clients; j--)
				counts[j] = counts[j - 1];
			counts[j] = rs->runs[i].clients;
		}
	}
	if (nc < 2)
		return;
	fprintf(o->md, "\nThroughput against clients, `%s` (images/s over the window all clients "
	    "ran; in brackets, against one client):\n\n| model | level |", s->label);
	for (k = 0; k < nc; k++)
		fprintf(o->md, " %u client%s |", counts[k], counts[k] > 1 ? "s" : "");
	fprintf(o->md, " tightest bound at %u |\n|---|---|", counts[nc - 1]);
	for (k = 0; k <= nc; k++)
		fputs("---|", o->md);
	fputs("\n", o->md);
	for (i = 0; i < rs->n_runs; i++) {
		r = &rs->runs[i];
		for (p = 0; p < i; p++)	/* each model and level once, in the runs' order */
			if (strcmp(rs->runs[p].model, r->model) == 0 &&
			    rs->runs[p].level == r->level)
				break;
		if (p < i || r->rep > 1)
			continue;
		json_t *row = json_pack("{s:s, s:s, s:i, s:[]}", "scenario", s->label, "model",
		    r->model, "level", (int)r->level, "images_per_s");

		fprintf(o->md, "| %s | %u |", r->model, r->level);
		one = find(rs, r->model, r->level, counts[0]);
		for (k = 0; k < nc; k++) {
			seen = find(rs, r->model, r->level, counts[k]);
			if (seen == NULL) {
				fputs(" - |", o->md);
				json_array_append_new(json_object_get(row, "images_per_s"),
				    json_null());
				continue;
			}
			fprintf(o->md, " %s", report_num(o, seen->v[RS_images_per_s], 1));
			if (k > 0 && one != NULL)
				fprintf(o->md, " (%sx)", report_num(o, seen->v[RS_images_per_s] /
				    one->v[RS_images_per_s], 2));
			fputs(" |", o->md);
			json_array_append_new(json_object_get(row, "images_per_s"),
			    json_pack("{s:i, s:o}", "clients", (int)counts[k], "value",
			    report_jnum(seen->v[RS_images_per_s])));
		}
		bound_cell(o, s, find(rs, r->model, r->level, counts[nc - 1]), row);
		fputs("\n", o->md);
		json_array_append_new(arr, row);
	}
	report_out_plot(o, "clients", s->label, NULL, "throughput against client hosts, each "
	    "model at its best level of one client");
}

/*
 * The tightest bound of run r (analysis.h: the resource that allows the fewest images/s, from
 * the run's own measured costs), the store's CPU among them: what more clients run into.
 */
static void
bound_cell(struct report_out *o, const struct report_scenario *s, const struct rs_run *r,
    json_t *row)
{
	const struct bound *b = r != NULL && s->bounds != NULL ? &s->bounds[r - s->rs->runs] :
	    NULL;

	if (b == NULL || b->limit == B_N || !isfinite(b->best)) {
		fputs(" not known (no sampler's figures) |", o->md);
		return;
	}
	fprintf(o->md, " %s, %s images/s |", analysis_bound_name(b->limit), report_num(o,
	    b->best, 0));
	json_object_set_new(row, "bound", json_pack("{s:s, s:o}", "kind",
	    analysis_bound_name(b->limit), "images_per_s", report_jnum(b->best)));
}

/* The first repeat of model at level with that many clients, or NULL. */
static const struct rs_run *
find(const struct rs_scenario *rs, const char *model, unsigned level, unsigned clients)
{
	size_t i;

	for (i = 0; i < rs->n_runs; i++)
		if (strcmp(rs->runs[i].model, model) == 0 && rs->runs[i].level == level &&
		    rs->runs[i].clients == clients && rs->runs[i].rep <= 1)
			return &rs->runs[i];
	return NULL;
}

/* The table of one folder's clients. */
static void
one(struct report_out *o, const struct report_scenario *s, FILE *f, json_t *arr)
{
	static const char *const want[] = { "rank", "host", "images", "ok", "errors",
	    "recovered", "images_per_s", "e2e_p50_ms", "e2e_p99_ms", "cpu_s", "start_ms",
	    "clock_offset_ms" };
	enum { N = sizeof(want) / sizeof(want[0]) };
	char *line = NULL, *cell[HOST_COLS];
	size_t cap = 0, lineno = 0, n, k;
	int at[N];
	json_t *rows = json_array(), *c = rs_meta(s->rs, "clients");

	fprintf(o->md, "\nClients of `%s` (%lld, one per MPI rank; rate over the %s s window in "
	    "which all ran; start against the first client's; barrier %s ms, gather %s s):\n\n"
	    "| rank | host | images | ok | failed | failed for a killed client | images/s | "
	    "e2e p50 ms | e2e p99 ms | CPU s | start ms | clock offset ms |\n"
	    "|---|---|---|---|---|---|---|---|---|---|---|---|\n", s->label,
	    (long long)json_integer_value(json_object_get(c, "ranks")),
	    report_num(o, json_number_value(json_object_get(json_object_get(c, "window"),
	    "to_s")) - json_number_value(json_object_get(json_object_get(c, "window"),
	    "from_s")), 2), report_num(o, json_number_value(json_object_get(c,
	    "barrier_max_ms")), 2), report_num(o, json_number_value(json_object_get(c,
	    "gather_s")), 3));
	while (csv_record(f, &line, &cap, &lineno) == 0) {
		n = csv_split(line, cell, HOST_COLS);
		if (lineno == 1) {
			for (k = 0; k < N; k++)
				at[k] = csv_index(cell, n, want[k]);
			continue;
		}
		json_t *row = json_object();

		fputs("|", o->md);
		for (k = 0; k < N; k++) {
			const char *v = at[k] >= 0 && (size_t)at[k] < n ? cell[at[k]] : "-";

			fprintf(o->md, " %s |", v);
			json_object_set_new(row, want[k], k == 1 ? json_string(v) :
			    json_real(strtod(v, NULL)));
		}
		fputs("\n", o->md);
		json_array_append_new(rows, row);
	}
	free(line);
	json_array_append_new(arr, json_pack("{s:s, s:o, s:O*}", "scenario", s->label, "rows",
	    rows, "coordination", c));
}
