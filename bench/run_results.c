/*
 * run_results.c: `exifbench run --results DIR`, the run as a one-run result folder. See
 * run_results.h. The run writes its trace into the folder's logs/ as `bench`'s runs do; once
 * it has ended, the trace is read back once (tracestats) into the summary row and copied
 * behind the run's labels into trace.csv, as bench_run.c does. What a plain run cannot
 * measure (no sampler: CPU shares, the server's and shaper's CPU, the machine's split) is
 * left blank in summary.csv and named in meta.json's "not_recorded"; its CPU time is the
 * process's own getrusage (rusage_cpu_s). Like a bench, it measures the endpoint's round trip
 * before the run (meta.json's "latency"; a run adds no latency).
 */
#include <ctype.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/resource.h>
#include <sys/time.h>
#include <unistd.h>

#include "run_results.h"
#include "harness/engine/home.h"
#include "harness/engine/plan.h"
#include "harness/engine/probe.h"
#include "harness/engine/scenario.h"
#include "harness/engine/topo.h"
#include "harness/engine/versions.h"
#include "harness/results/epstats.h"
#include "harness/results/netmeta.h"

#define RUN_EXIT_STOPPED 130	/* 128 + SIGINT: cmd_run.c's stopped run */

static json_t *command_line(int argc, char **argv, char *line, size_t len);
static const char *masked(const char *arg, char *buf, size_t len);
static void run_scenario(const struct run_args *a, struct scenario *sc);
static void where(char *buf, size_t len, const char *dir, const char *bucket,
    const char *prefix);
static json_t *latency(const struct run_args *a);
static json_t *meta_new(const struct run_args *a, int argc, char **argv);
static json_t *not_recorded(void);
static void fill_row(const struct run_args *a, struct result_row *row,
    struct runner_result *rr, const struct tracestats *ts, int exit_code, double wall_s);

int
run_folder_open(struct run_folder *f, struct run_args *a, int argc, char **argv, char *err,
    size_t errlen)
{
	memset(f, 0, sizeof(*f));
	if (results_open_dir(&f->res, a->results_dir, err, errlen) < 0)
		return -1;
	if ((f->meta = meta_new(a, argc, argv)) == NULL) {
		snprintf(err, errlen, "%s: out of memory", a->results_dir);
		results_close(&f->res);
		return -1;
	}
	if (results_meta(&f->res, f->meta, err, errlen) < 0) {
		json_decref(f->meta);
		results_close(&f->res);
		return -1;
	}
	snprintf(f->trace, sizeof(f->trace), "%s/logs/run.trace.csv", f->res.dir);
	if (a->trace_path == NULL)
		a->trace_path = f->trace, f->own_trace = 1;
	return 0;
}

int
run_folder_close(struct run_folder *f, const struct run_args *a, int exit_code,
    double wall_s, const struct run_totals *t, const char *error, char *err, size_t errlen)
{
	struct runner_result *rr = calloc(1, sizeof(*rr));
	char label[160], now[32], terr[512] = "";
	struct tracestats ts;
	struct result_row row;
	int rv = 0;
	double trim = json_number_value(json_object_get(json_object_get(f->meta, "scenario"),
	    "trim"));

	results_label(label, sizeof(label), a->model->name, a->opts.concurrency, "all", 1, 1,
	    a->rate.rate);
	if (tracestats_read(a->trace_path, trim, f->res.trace, label, RESULTS_LABEL_HEADER,
	    &f->res.trace_header, &ts, terr, sizeof(terr)) == 0 && f->own_trace)
		unlink(f->trace);
	if (rr != NULL) {
		fill_row(a, &row, rr, &ts, exit_code, wall_s);
		if (a->rate.kind != ARRIVALS_CLOSED && t != NULL) {	/* summary.csv's open loop */
			row.arrivals = arrivals_name(a->rate.kind);
			row.offered_per_s = a->rate.rate, row.unsustained = t->unsustained;
			row.behind_ms = (double)t->behind_ns / 1e6;
			row.behind_end_ms = (double)t->behind_end_ns / 1e6;
			row.backlog_max = (double)t->backlog_max;
		}
		results_row(&f->res, &row);
	}
	json_object_set_new(f->meta, "status", json_string(exit_code == 0 || exit_code == 1 ||
	    exit_code == EXIT_UNSUSTAINED ?
	    "complete" : exit_code == RUN_EXIT_STOPPED ? "partial" : "failed"));
	json_object_set_new(f->meta, "runs_done", json_integer(rr != NULL));
	json_object_set_new(f->meta, "finished_utc", json_string(plan_utc_now(now,
	    sizeof(now))));
	json_object_set_new(f->meta, "dataset", json_pack("{s:s, s:s, s:I}", "source",
	    json_string_value(json_object_get(json_object_get(f->meta, "run"), "source")),
	    "uri", json_string_value(json_object_get(json_object_get(f->meta, "run"), "source")),
	    "images", (json_int_t)ts.rows));
	if (t != NULL)
		json_object_set_new(f->meta, "breaker", run_breaker_json(t));
	if (error != NULL && *error != '\0')
		json_object_set_new(f->meta, "error", json_string(error));
	else if (terr[0] != '\0')
		json_object_set_new(f->meta, "error", json_string(terr));
	if (results_close(&f->res) < 0) {
		snprintf(err, errlen, "%s: a result file could not be written completely",
		    f->res.dir);
		json_object_set_new(f->meta, "error", json_string(err));
		rv = -1;
	}
	if (results_meta(&f->res, f->meta, err, errlen) < 0)
		rv = -1;
	json_decref(f->meta);
	free(rr);
	f->meta = NULL;
	return rv;
}

json_t *
run_breaker_json(const struct run_totals *t)
{
	return json_pack("{s:f, s:i, s:f, s:b, s:I, s:I}", "window_s", t->breaker.window_s,
	    "opened", (int)t->breaker.opened, "open_s", (double)t->breaker.open_ns / 1e9,
	    "gave_up", t->breaker.down, "retried", (json_int_t)t->breaker_retried,
	    "endpoint_down", (json_int_t)t->breaker_failed);
}

/* summary.csv's row: the trace's figures, what the model is, no sampler's. */
static void
fill_row(const struct run_args *a, struct result_row *row, struct runner_result *rr,
    const struct tracestats *ts, int exit_code, double wall_s)
{
	struct rusage self, kids;
	cpu_set_t set;
	unsigned pus = 0;

	if (sched_getaffinity(0, sizeof(set), &set) == 0)
		pus = (unsigned)CPU_COUNT(&set);
	getrusage(RUSAGE_SELF, &self);
	getrusage(RUSAGE_CHILDREN, &kids);
	timeradd(&self.ru_utime, &kids.ru_utime, &rr->ru.ru_utime);
	timeradd(&self.ru_stime, &kids.ru_stime, &rr->ru.ru_stime);
	rr->sys = (struct sampler_system){ -1, -1, -1, -1, -1, -1, -1, -1 };
	rr->exit_code = exit_code;	/* no group has a process: their columns stay blank */
	memset(row, 0, sizeof(*row));
	row->model = a->model->name, row->level = a->opts.concurrency, row->rep = 1;
	row->workers = a->model->uses_workers ? a->opts.workers : 0;
	row->client_cpus = "", row->client_pus = pus, row->exit_code = exit_code;
	row->in_flight = model_in_flight(a->model, a->opts.concurrency);
	row->cpu_threads = model_cpu_threads(a->model, &a->opts, pus);
	row->status = exit_code == 0 ? "ok" : exit_code == 1 ? "failed_keys" :
	    exit_code == EXIT_UNSUSTAINED ? "unsustained" : exit_code == RUN_EXIT_STOPPED ?
	    "stopped" : "error";
	row->wall_s = wall_s, row->ts = ts, row->rr = rr;
	row->littles_ips = ts->mean_requests_ms > 0 ? row->in_flight * 1e3 /
	    ts->mean_requests_ms : -1;
}

/* A side of the run as the user names it: the local folder, or s3://BUCKET[/PREFIX]. */
static void
where(char *buf, size_t len, const char *dir, const char *bucket, const char *prefix)
{
	if (dir[0] != '\0')
		snprintf(buf, len, "%s", dir);
	else
		snprintf(buf, len, "s3://%s%s%s", bucket, prefix[0] ? "/" : "", prefix);
}

/*
 * meta.json's "latency" (netmeta.h): a run adds none; the endpoint's round trip is measured
 * as a bench measures it (probe.h), with the probe's own object in the S3 destination, and
 * not at all when the destination is a local folder (the probe writes nothing into a source).
 */
static json_t *
latency(const struct run_args *a)
{
	char key[JOB_KEY_MAX + 16], err[512];
	struct netmeta nm;

	memset(&nm, 0, sizeof(nm));
	if (a->p.dst_dir[0] != '\0') {
		snprintf(nm.error, sizeof(nm.error), "not measured: the destination is a local "
		    "folder (the probe PUTs an object of its own into an S3 destination)");
	} else {
		snprintf(key, sizeof(key), "%s%s.rtt-probe", a->p.dst_prefix,
		    a->p.dst_prefix[0] ? "/" : "");
		if (probe_rtt(&a->p.s3, NULL, a->p.dst_bucket, key, PROBE_GETS, NULL, &nm.direct,
		    &nm.shaped, err, sizeof(err)) < 0)
			snprintf(nm.error, sizeof(nm.error), "%s", err);
	}
	return netmeta_json(&nm);
}

/* The first meta.json: the command, the run, its options as a scenario, the machine. */
static json_t *
meta_new(const struct run_args *a, int argc, char **argv)
{
	char src[LOCATION_DIR_MAX + 8], dst[LOCATION_DIR_MAX + 8], home[PATH_MAX], herr[256];
	char line[4096], now[32];
	const struct s3_config *s3 = &a->p.s3;
	struct scenario sc;
	json_t *meta;

	where(src, sizeof(src), a->p.src_dir, a->p.src_bucket, a->p.src_prefix);
	where(dst, sizeof(dst), a->p.dst_dir, a->p.dst_bucket, a->p.dst_prefix);
	run_scenario(a, &sc);
	meta = json_pack("{s:s, s:s, s:{s:o, s:s, s:s, s:i, s:i, s:s, s:s, s:I, s:f}, s:o, "
	    "s:o*, s:o*, s:s, s:s, s:{s:b}, s:n, s:i, s:i, s:s, s:{s:s}, s:o, s:o}",
	    "status", "running", "command", "run",
	    "run", "argv", command_line(argc, argv, line, sizeof(line)), "command_line", line,
	    "model", a->model->name, "concurrency", (int)a->opts.concurrency, "workers",
	    a->model->uses_workers ? (int)a->opts.workers : 0, "source", src, "destination",
	    dst, "limit", (json_int_t)a->limit, "duration_s", a->duration_s,
	    "scenario", scenario_json(&sc), "machine", topo_record(), "versions",
	    versions_record(home_find(home, sizeof(home), herr, sizeof(herr)) == 0 ? home :
	    NULL), "endpoint", s3->endpoint, "region", s3->region, "server", "sampled", 0,
	    "shaper", "runs_planned", 1, "runs_done", 0, "started_utc", plan_utc_now(now,
	    sizeof(now)), "outputs", "uri", dst, "methodology", plan_methodology(),
	    "not_recorded", not_recorded());
	if (meta != NULL)
		json_object_set_new(meta, "latency", latency(a));
	if (meta != NULL && a->shard.count > 1)
		json_object_set_new(json_object_get(meta, "run"), "shard", json_pack("{s:i, s:i}",
		    "index", (int)a->shard.index, "count", (int)a->shard.count));
	if (meta != NULL)
		json_object_set_new(meta, "endpoints", epstats_urls_json(s3));
	if (meta != NULL)
		json_object_set_new(meta, "endpoint_settings", json_pack("{s:s, s:b, s:s?, s:s?, "
		    "s:b}", "addressing", s3->virtual_hosted ? "virtual" : "path", "tls_verify",
		    !s3->tls_insecure, "ca_bundle", s3->ca_bundle[0] ? s3->ca_bundle : NULL,
		    "profile", s3->profile[0] ? s3->profile : NULL, "session_token",
		    s3->session_token[0] != '\0'));
	return meta;
}

/* What a folder of one plain run lacks (no sampler ran), for the report and compare to say. */
static json_t *
not_recorded(void)
{
	return json_pack("[s, s, s, s]", "samples.csv's rows",
	    "the client's CPU shares and CPU per process group (model_*; rusage_cpu_s is the "
	    "run's own getrusage)", "the server's and the shaper's CPU (server_*, shaper_*)",
	    "the machine's CPU split (sys_*)");
}

/* The run's options as scenario keys (the report and compare read them there). */
static void
run_scenario(const struct run_args *a, struct scenario *sc)
{
	char v[SCENARIO_PREFIX_MAX + 80];

	scenario_defaults(sc);
#define SET(key, ...) (snprintf(v, sizeof(v), __VA_ARGS__), \
	(void)scenario_set(sc, key, v, NULL, 0))
	SET("name", "run");
	SET("description", "a single exifbench run");
	SET("models", "%s", a->model->name);
	SET("concurrency", "%u", a->opts.concurrency);
	SET("workers", "%u", a->model->uses_workers ? a->opts.workers : 0);
	SET("source", "s3://%s/%s", a->p.src_bucket, a->p.src_prefix);
	SET("out_bucket", "%s", a->p.dst_bucket);
	SET("out_prefix", "%s", a->p.dst_prefix);
	SET("images", "%lu", a->limit);
	SET("duration", "%g", a->duration_s);
	SET("transform", "%s", transform_kind_name(a->p.transform.kind));
	SET("quality", "%d", a->p.transform.quality);
	SET("thumb_max", "%d", a->p.transform.thumb_max);
	SET("cpu_spin_ms", "%g", a->p.transform.spin_ms);
	SET("global_lock", "%s", a->opts.global_lock ? "yes" : "no");
	if (a->stage_text != NULL)
		SET(a->p.stage.kind == STAGE_CMD ? "stage_cmd" : "stage", "%s", a->stage_text);
#undef SET
}

/* argv as a JSON array and as one line, each argument masked (masked()). */
static json_t *
command_line(int argc, char **argv, char *line, size_t len)
{
	json_t *arr = json_array();
	char buf[1024];
	const char *s;
	size_t used = 0;
	int i;

	line[0] = '\0';
	for (i = -1; i < argc; i++) {	/* argv[0] is the command's name, "run" */
		s = i < 0 ? "exifbench" : masked(argv[i], buf, sizeof(buf));
		json_array_append_new(arr, json_string(s));
		if (used < len)
			used += (size_t)snprintf(line + used, len - used, "%s%s", i >= 0 ? " " : "",
			    s);
	}
	return arr;
}

/* NAME=VALUE with a NAME that says secret, token, password or an access/API key: NAME=***. */
static const char *
masked(const char *arg, char *buf, size_t len)
{
	static const char *const words[] = { "secret", "token", "password", "passwd",
		"access_key", "api_key", "apikey" };
	const char *eq = strchr(arg, '=');
	size_t i, n, k;

	if (eq == NULL)
		return arg;
	for (n = (size_t)(eq - arg), i = 0; i < sizeof(words) / sizeof(words[0]); i++)
		for (k = 0; k + strlen(words[i]) <= n; k++)
			if (strncasecmp(arg + k, words[i], strlen(words[i])) == 0) {
				snprintf(buf, len, "%.*s=***", (int)n, arg);
				return buf;
			}
	return arg;
}
