/*
 * merge.c: rank 0's merged result folder of a multi-client run: the traces on one timeline
 * (timeline.h), the summary row, hosts.csv and meta.json. See merge.h.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "merge.h"
#include "timeline.h"
#include "harness/engine/plan.h"
#include "harness/results/csv.h"
#include "harness/results/trace.h"
#include "harness/results/trace_cols.h"
#include "harness/results/tracestats.h"

static void row_for(const struct model *m, const struct model_opts *opts, unsigned n, struct result_row *row,
    struct runner_result *rr, const struct tracestats *ts, const struct merge_totals *t,
    double cpu_s, int exit_code);
static int hosts_csv(const char *dir, const struct merge_client *c,
    const struct timeline_client *s,
    unsigned n, double trim, char *err, size_t errlen);

int
merge_write(struct results *res, const struct model *m, const struct model_opts *opts,
    struct merge_client *c,
    unsigned n, json_t *meta, json_t *coord, struct merge_totals *t, char *err,
    size_t errlen)
{
	char merged[PATH_MAX + 32], label[160], now[32];
	struct timeline_client *s = calloc(n, sizeof(*s));
	struct runner_result *rr = calloc(1, sizeof(*rr));
	struct timeline_window w;
	double trim, cpu_s = 0;
	struct tracestats ts;
	struct result_row row;
	int exit_code = 0, partial = 0, rv = -1;
	unsigned i;

	memset(t, 0, sizeof(*t));
	if (s == NULL || rr == NULL) {
		snprintf(err, errlen, "out of memory");
		goto done;
	}
	for (i = 0; i < n; i++) {
		s[i].trace = c[i].trace, s[i].start_ns = c[i].start_ns;
		cpu_s += c[i].cpu_s;
		exit_code = c[i].exit_code > exit_code ? c[i].exit_code : exit_code;
		partial |= c[i].signal != 0 || c[i].exit_code > 1;
	}
	snprintf(merged, sizeof(merged), "%s/logs/merged.trace.csv", res->dir);
	if (timeline_merge(s, n, merged, &w, err, errlen) < 0)
		goto done;
	t->listed = w.rows, t->ok = w.ok, t->failed = w.failed, t->wall_s = w.wall_s;
	t->window_s = w.window_s, t->images_per_s = w.images_per_s;
	t->status = partial ? "partial" : "complete";

	trim = json_number_value(json_object_get(json_object_get(meta, "scenario"), "trim"));
	results_label(label, sizeof(label), m->name, opts->concurrency, "all", 1, n, 0);
	if (tracestats_read(merged, trim, res->trace, label, RESULTS_LABEL_HEADER,
	    &res->trace_header, &ts, err, errlen) < 0)
		goto done;
	unlink(merged);
	timeline_apply(&w, &ts);
	row_for(m, opts, n, &row, rr, &ts, t, cpu_s, exit_code);
	results_row(res, &row);
	if (hosts_csv(res->dir, c, s, n, trim, err, errlen) < 0)
		goto done;

	json_object_set_new(coord, "window", timeline_window_json(&w));
	json_object_set_new(meta, "clients", json_incref(coord));
	json_object_set_new(meta, "status", json_string(t->status));
	json_object_set_new(meta, "runs_done", json_integer(1));
	json_object_set_new(meta, "finished_utc", json_string(plan_utc_now(now, sizeof(now))));
	json_object_set_new(json_object_get(meta, "dataset"), "images",
	    json_integer((json_int_t)t->listed));
	json_object_del(meta, "error");
	if (results_meta(res, meta, err, errlen) == 0)
		rv = 0;
done:
	free(s);
	free(rr);
	return rv;
}

/* summary.csv's row: the clients as one. */
static void
row_for(const struct model *m, const struct model_opts *opts, unsigned n, struct result_row *row,
    struct runner_result *rr, const struct tracestats *ts, const struct merge_totals *t,
    double cpu_s, int exit_code)
{
	long us = (long)llround(cpu_s * 1e6);

	rr->ru.ru_utime.tv_sec = us / 1000000, rr->ru.ru_utime.tv_usec = us % 1000000;
	rr->sys = (struct sampler_system){ -1, -1, -1, -1, -1, -1, -1, -1 };
	rr->exit_code = exit_code;
	memset(row, 0, sizeof(*row));
	row->model = m->name, row->level = opts->concurrency, row->rep = 1, row->clients = n;
	row->workers = m->uses_workers ? opts->workers : 0;
	row->client_cpus = "";
	row->client_pus = 0;	/* several hosts: their PUs are in hosts.csv's meta, not one figure */
	row->in_flight = n * model_in_flight(m, opts->concurrency);
	row->cpu_threads = n * model_cpu_threads(m, opts, 1);
	row->exit_code = exit_code;
	row->status = strcmp(t->status, "partial") == 0 ? "stopped" : exit_code == 0 ? "ok" :
	    exit_code == 1 ? "failed_keys" : "error";
	row->wall_s = t->wall_s, row->ts = ts, row->rr = rr;
	row->littles_ips = ts->mean_requests_ms > 0 ? row->in_flight * 1e3 /
	    ts->mean_requests_ms : -1;
}

/* hosts.csv: a row per client, its own figures from its own trace. */
static int
hosts_csv(const char *dir, const struct merge_client *c, const struct timeline_client *s,
    unsigned n, double trim, char *err, size_t errlen)
{
	char path[PATH_MAX + 16], terr[256];
	struct tracestats ts;
	FILE *f;
	unsigned i;

	snprintf(path, sizeof(path), "%s/hosts.csv", dir);
	if ((f = fopen(path, "w")) == NULL) {
		snprintf(err, errlen, "cannot write %s", path);
		return -1;
	}
	fputs("rank,host,exit_code,signal,images,ok,errors,recovered,start_ms,end_s,"
	    "images_per_s,e2e_p50_ms,e2e_p99_ms,cpu_s,max_rss_kib,clock_offset_ms,clock_rtt_ms,"
	    "barrier_in_ms\n", f);
	for (i = 0; i < n; i++) {
		if (tracestats_read(c[i].trace, trim, NULL, NULL, NULL, NULL, &ts, terr,
		    sizeof(terr)) < 0)
			ts.images_per_s = -1, ts.lat_ms[TS_E2E][0] = ts.lat_ms[TS_E2E][2] = -1;
		fprintf(f, "%u,\"%s\",%d,%d,%llu,%llu,%llu,%llu,%.3f,%.3f,%.3f,%.3f,%.3f,%.3f,%ld,"
		    "%.3f,%.3f,%.3f\n", c[i].rank, c[i].host, c[i].exit_code, c[i].signal,
		    (unsigned long long)s[i].rows, (unsigned long long)s[i].ok,
		    (unsigned long long)s[i].failed, (unsigned long long)c[i].recovered,
		    s[i].start_us / 1e3, s[i].end_us / 1e6, ts.images_per_s,
		    ts.lat_ms[TS_E2E][0], ts.lat_ms[TS_E2E][2], c[i].cpu_s, c[i].max_rss_kib,
		    c[i].offset_ms, c[i].rtt_ms, s[i].start_us / 1e3 - (double)(c[i].start_ns -
		    c[i].barrier_ns) / 1e6);
	}
	if (fclose(f) != 0) {
		snprintf(err, errlen, "%s: write error", path);
		return -1;
	}
	return 0;
}
