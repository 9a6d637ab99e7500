/*
 * report_hosts.c: the clients of a multi-client run (mpirun, harness/mpi/merge.h), in the
 * report's summary: for each scenario whose folder has a hosts.csv, one row per client (its
 * host, images, rate, latency, CPU, its start against the first client's and its clock's
 * measured offset), the window the merged rate was taken over, and what the coordination
 * cost (the barrier, the gather); report.json's "clients". Read here, cell by cell by name.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report_out.h"
#include "harness/results/csv.h"

#define HOST_COLS 32

static void one(struct report_out *o, const struct report_scenario *s, FILE *f, json_t *arr);

void
report_hosts(struct report_out *o, const struct report *rep)
{
	char path[PATH_MAX + 16];
	json_t *arr = json_array();
	size_t i;
	FILE *f;

	for (i = 0; i < rep->n; i++) {
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
