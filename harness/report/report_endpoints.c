/*
 * report_endpoints.c: the report's per-endpoint section, for the scenarios whose runs spread
 * their jobs over several gateways of one store (run --endpoints, the scenario's endpoints):
 * per run and endpoint, the jobs, ok, failed, the GET and PUT stage times (p50, p99) and the
 * bytes, from the trace's endpoint column, indexing meta.json's "endpoints" list
 * (harness/results/epstats.h computes the figures, as `exifbench run` does). A scenario with
 * one endpoint, or a folder written before the list was recorded, has no table; a report with
 * none has no section and no "endpoints" in report.json. The trace is streamed once per
 * scenario; memory is a histogram pair per run and endpoint.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report_out.h"
#include "harness/results/epstats.h"
#include "harness/results/trace_cols.h"

#define MiB (1024.0 * 1024.0)

struct ep_ctx {
	const struct rs_scenario *s;
	struct epstats **runs;		/* one per s->runs[i] */
};

static int ep_row(const struct rs_row *row, void *arg);
static double span_ms(const struct rs_row *row, enum trace_col start, enum trace_col end);
static json_t *scenario_table(struct report_out *o, const struct report_scenario *sc,
    json_t *urls);
static void table_row(struct report_out *o, const struct rs_run *r, unsigned ep,
    const char *url, const struct epstats_row *e);

void
report_endpoints(struct report_out *o, const struct report *rep)
{
	json_t *arr = NULL, *urls, *t;
	size_t i;

	for (i = 0; i < rep->n; i++) {
		urls = rs_meta(rep->sc[i].rs, "endpoints");
		if (!json_is_array(urls) || json_array_size(urls) < 2 ||
		    json_array_size(urls) > S3_ENDPOINTS_MAX || rep->sc[i].rs->n_runs == 0)
			continue;
		if (arr == NULL) {
			arr = json_array();
			report_out_section(o, "Per endpoint");
			fprintf(o->md, "Each run's jobs by the gateway of the store they went to "
			    "(a hash of the key picks it, so each gets about its share); GET and PUT "
			    "are the stages' wall times of the jobs that ended ok, retries "
			    "included, within 1%%.\n");
		}
		if ((t = scenario_table(o, &rep->sc[i], urls)) != NULL)
			json_array_append_new(arr, t);
	}
	if (arr != NULL)
		json_object_set_new(o->js, "endpoints", arr);
}

/* One scenario's table, and its JSON; NULL (and a line saying why) when it cannot be read. */
static json_t *
scenario_table(struct report_out *o, const struct report_scenario *sc, json_t *urls)
{
	const struct rs_scenario *s = sc->rs;
	struct ep_ctx c = { s, NULL };
	struct epstats_row e;
	json_t *js = NULL, *runs, *eps;
	unsigned n = (unsigned)json_array_size(urls), ep;
	char err[512] = "out of memory";
	size_t i;
	int rv = -1;

	if ((c.runs = calloc(s->n_runs, sizeof(*c.runs))) == NULL)
		goto out;
	for (i = 0; i < s->n_runs; i++)
		if ((c.runs[i] = epstats_new(n)) == NULL)
			goto out;
	if ((rv = rs_each(s, NULL, "trace.csv", ep_row, &c, err, sizeof(err))) < 0)
		goto out;
	fprintf(o->md, "\n**%s**:\n\n| model | in flight | rep | endpoint | URL | jobs | ok | "
	    "failed | GET p50 ms | GET p99 ms | PUT p50 ms | PUT p99 ms | MiB in | MiB out |\n"
	    "|---|--:|--:|--:|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|\n", sc->label);
	js = json_pack("{s:s, s:O, s:[]}", "scenario", sc->label, "urls", urls, "runs");
	runs = json_object_get(js, "runs");
	for (i = 0; js != NULL && i < s->n_runs; i++) {
		eps = json_array();
		for (ep = 0; ep < n; ep++) {
			epstats_get(c.runs[i], ep, &e);
			table_row(o, &s->runs[i], ep, json_string_value(json_array_get(urls, ep)),
			    &e);
			json_array_append_new(eps, epstats_json(c.runs[i], ep,
			    json_string_value(json_array_get(urls, ep))));
		}
		json_array_append_new(runs, json_pack("{s:o, s:i, s:o}", "run",
		    report_run_json(&s->runs[i]), "rep", (int)s->runs[i].rep, "endpoints", eps));
	}
out:
	if (rv < 0)
		fprintf(o->md, "\n**%s**: no per-endpoint table: %s\n", sc->label, err);
	for (i = 0; c.runs != NULL && i < s->n_runs; i++)
		epstats_free(c.runs[i]);
	free(c.runs);
	return js;
}

static void
table_row(struct report_out *o, const struct rs_run *r, unsigned ep, const char *url,
    const struct epstats_row *e)
{
	fprintf(o->md, "| %s | %u | %u | %u | %s | %llu | %llu | %llu | ", r->model, r->level,
	    r->rep, ep, url != NULL ? url : "-", (unsigned long long)e->jobs,
	    (unsigned long long)e->ok, (unsigned long long)e->failed);
	fprintf(o->md, "%s | %s | ", report_num(o, e->get_p50_ms, 1),
	    report_num(o, e->get_p99_ms, 1));
	fprintf(o->md, "%s | %s | ", report_num(o, e->put_p50_ms, 1),
	    report_num(o, e->put_p99_ms, 1));
	fprintf(o->md, "%s | %s |\n", report_num(o, (double)e->bytes_in / MiB, 2),
	    report_num(o, (double)e->bytes_out / MiB, 2));
}

/* A trace row into its run's figures; a row of no run, or with no endpoint, counts nowhere. */
static int
ep_row(const struct rs_row *row, void *arg)
{
	struct ep_ctx *c = arg;
	double ep = rs_num(row, trace_col_name[TRACE_endpoint]);
	double in = rs_num(row, trace_col_name[TRACE_bytes_in]);
	double out = rs_num(row, trace_col_name[TRACE_bytes_out]);
	size_t i;

	if (!(ep >= 0))
		return 0;
	for (i = 0; i < c->s->n_runs; i++)
		if (rs_row_is(row, &c->s->runs[i]))
			break;
	if (i == c->s->n_runs)
		return 0;
	epstats_add(c->runs[i], (unsigned)ep,
	    strcmp(rs_cell(row, trace_col_name[TRACE_outcome]), "ok") == 0,
	    span_ms(row, TRACE_get_start_us, TRACE_get_end_us),
	    span_ms(row, TRACE_put_start_us, TRACE_put_end_us),
	    in > 0 ? (uint64_t)in : 0, out > 0 ? (uint64_t)out : 0);
	return 0;
}

/* end - start of a stage in ms; -1 when either is unknown (the stage did not run). */
static double
span_ms(const struct rs_row *row, enum trace_col start, enum trace_col end)
{
	double a = rs_num(row, trace_col_name[start]), b = rs_num(row, trace_col_name[end]);

	return a >= 0 && b >= a ? (b - a) / 1e3 : -1;
}
