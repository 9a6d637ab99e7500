/*
 * bench_run.c: the runs of `exifbench bench`, one after another: for each, delete the run's
 * destination prefix, start it as a measured child process (harness/engine/runner.h), compute
 * its figures from its trace (harness/results/tracestats.h), append its summary row and trace
 * rows, print its line, delete the prefix again. A Ctrl-C stops the plan after the run in
 * progress and marks the folder "partial". An open-loop run (the scenario's rates) that could
 * not keep its rate exits 4: its row says "unsustained", a result like any other, with what
 * its --json summary says of the schedule (how far behind, the backlog). See bench.h.
 */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bench.h"
#include "bench_profile.h"
#include "cli.h"
#include "datasets/remove.h"
#include "harness/engine/runner.h"
#include "run_rate.h"

/* What a run is called: in messages (label), in S3 (prefix), on disk (trace, log). */
struct run_names {
	char label[160], tag[64], prefix[PLAN_PREFIX_MAX + 160];
	char trace[PATH_MAX + 192], log[PATH_MAX + 192];
};

static int run_one(struct bench *b, const struct plan_run *pr);
static void run_names(const struct bench *b, const struct plan_run *pr, struct run_names *n);
static void run_spec(struct bench *b, const struct plan_run *pr, char **argv,
    const char *label, const char *log, struct runner_spec *sp);
static void print_run(struct bench *b, const struct result_row *row, const char *tag,
    const char *label, const char *log, json_t *sum);
static void on_progress(size_t done, double elapsed_s, void *arg);
static void clean_prefix(struct bench *b, const char *prefix);
static void row_model(struct result_row *row, const struct plan_run *pr,
    const struct scenario *sc);
static void row_open(struct result_row *row, const struct plan_run *pr, json_t *sum);
static double jnum(json_t *sum, const char *key);
static int check_clients(const struct bench *b);
static int spread(struct bench *b, const struct plan_run *pr, char **argv, int *gate,
    struct runner_spec *spec);
static void join(const struct plan_run *pr, const char *trace, struct runner_result *rr,
    struct timeline_window *w, int *have_w, const char *label);

const struct bench_clients *bench_clients;

int
bench_run(struct bench *b)
{
	char err[512];
	size_t i, done = 0;
	int rc, missing = 0;

	if (check_clients(b) < 0) {
		bench_finish(b, "failed", NULL);
		return EXIT_USAGE;
	}
	for (i = 0; i < b->plan.n && !bench_interrupted; i++) {
		b->run_index = i + 1;
		if (run_one(b, &b->plan.run[i]) < 0) {
			missing = 1;	/* a run that could not start, or was not started */
			continue;
		}
		/* Saved after every run: a folder cut short still says how far it got. */
		json_object_set_new(b->meta, "runs_done", json_integer((json_int_t)++done));
		results_meta(&b->res, b->meta, err, sizeof(err));
	}
	b->any_error |= missing && !bench_interrupted;
	bench_finish(b, bench_interrupted || missing ? "partial" : "complete", NULL);
	rc = bench_interrupted ? BENCH_EXIT_STOPPED :
	    b->any_failed || b->any_error ? EXIT_ITEMS : 0;
	if (b->json)
		cli_print_json(json_pack("{s:s, s:s, s:O}", "results", b->res.dir, "status",
		    bench_interrupted || missing ? "partial" : "complete", "runs", b->rows));
	else
		fprintf(stderr, "bench: %s results in %s\n", bench_interrupted || missing ?
		    "partial" : "complete", b->res.dir);
	return rc;
}

/* One model run: clean, run, sample, summarise. 0, or -1 when it could not be run. */
static int
run_one(struct bench *b, const struct plan_run *pr)
{
	struct run_names n;
	char err[512], *argv[48];
	struct runner_spec spec;
	struct runner_result *rr;
	struct tracestats ts;
	struct timeline_window w;
	struct result_row row;
	json_t *sum;
	int rv = -1, gate = -1, have_w = 0;

	if ((rr = calloc(1, sizeof(*rr))) == NULL)
		return -1;
	run_names(b, pr, &n);
	clean_prefix(b, n.prefix);
	plan_argv(&b->plan, pr, &b->sc, b->exe, n.prefix, n.trace, b->images, argv, 45);
	run_spec(b, pr, argv, n.label, n.log, &spec);
	b->cur = pr;
	if (pr->clients > 1 && spread(b, pr, argv, &gate, &spec) < 0) {
		free(rr);
		return -1;
	}
	bench_profile_arm(b, pr, &spec);
	rv = runner_run(&spec, rr, err, sizeof(err));
	if (gate >= 0)
		close(gate);
	if (pr->clients > 1)
		join(pr, n.trace, rr, &w, &have_w, n.label);
	if (rv != 0) {
		if (rv < 0)
			fprintf(stderr, "%sexifbench: %s: %s\n", b->progress ? "\r\033[K" : "",
			    n.label, err);
		rv = -1;
		goto out;
	}
	if (b->progress)
		fputs("\r\033[K", stderr);
	if (tracestats_read(n.trace, b->sc.trim, b->res.trace, n.label, RESULTS_LABEL_HEADER,
	    &b->res.trace_header, &ts, err, sizeof(err)) < 0)
		fprintf(stderr, "exifbench: %s: %s (its log: %s)\n", n.label, err, n.log);
	else
		unlink(n.trace);
	if (have_w)
		timeline_apply(&w, &ts);	/* the rate over the overlap of the clients */
	sum = json_loads(rr->summary, 0, NULL);
	memset(&row, 0, sizeof(row));
	row.model = pr->model->name, row.level = pr->level, row.rep = pr->rep;
	row.workers = pr->workers, row.client_cpus = pr->client_cpus, row.clients = pr->clients;
	row.client_pus = pr->client_pus, row.exit_code = rr->exit_code, row.ts = &ts;
	row.rr = rr;
	row.wall_s = json_is_real(json_object_get(sum, "wall_s")) ?
	    json_real_value(json_object_get(sum, "wall_s")) : -1;
	row.status = rr->exit_code == 0 ? "ok" : rr->exit_code == EXIT_ITEMS ? "failed_keys" :
	    rr->exit_code == EXIT_UNSUSTAINED ? "unsustained" :
	    rr->exit_code == BENCH_EXIT_STOPPED ? "stopped" : "error";
	row_model(&row, pr, &b->sc);
	row_open(&row, pr, sum);
	row.in_flight *= pr->clients, row.cpu_threads *= pr->clients;	/* every client's */
	row.littles_ips = ts.mean_requests_ms > 0 ? row.in_flight * 1e3 /
	    ts.mean_requests_ms : -1;
	results_row(&b->res, &row);
	results_waits(&b->res, n.label, &rr->waits);
	b->any_failed |= rr->exit_code == EXIT_ITEMS;
	b->any_error |= rr->exit_code != 0 && rr->exit_code != EXIT_ITEMS &&
	    rr->exit_code != BENCH_EXIT_STOPPED && rr->exit_code != EXIT_UNSUSTAINED;
	print_run(b, &row, n.tag, n.label, n.log, sum);
	json_decref(sum);
	clean_prefix(b, n.prefix);
	rv = 0;
out:
	bench_profile_done(b, pr, n.label, rr);
	free(rr);
	return rv;
}

/* What the model is at this run, recorded in its summary row for the report (models/model.h). */
static void
row_model(struct result_row *row, const struct plan_run *pr, const struct scenario *sc)
{
	struct model_opts o = { pr->level, pr->workers, sc->global_lock };

	row->in_flight = model_in_flight(pr->model, pr->level);
	row->cpu_threads = model_cpu_threads(pr->model, &o, pr->client_pus);
}

/*
 * An open-loop run's schedule, from its --json summary (the spec's fields; what was asked
 * when the summary lacks them: a run that failed before it wrote one).
 */
static void
row_open(struct result_row *row, const struct plan_run *pr, json_t *sum)
{
	static char arrivals[16];
	json_t *sust = json_object_get(sum, "sustained");
	const char *a = json_string_value(json_object_get(sum, "arrivals"));
	double offered = jnum(sum, "offered_per_s");

	if (pr->rate <= 0)
		return;
	snprintf(arrivals, sizeof(arrivals), "%s", a != NULL && strcmp(a, "closed") != 0 ? a :
	    "constant");
	row->arrivals = arrivals;
	row->offered_per_s = offered > 0 ? offered : pr->rate;
	row->unsustained = row->exit_code == EXIT_UNSUSTAINED || json_is_false(sust);
	row->behind_ms = jnum(sum, "behind_ms");
	row->behind_end_ms = jnum(sum, "behind_end_ms");
	row->backlog_max = jnum(sum, "backlog_max");
}

/* A number of the run's summary; -1 when it has none (null, or no summary). */
static double
jnum(json_t *sum, const char *key)
{
	json_t *v = json_object_get(sum, key);

	return json_is_number(v) ? json_number_value(v) : -1;
}

/* The run's label, its S3 prefix and its files' paths. */
static void
run_names(const struct bench *b, const struct plan_run *pr, struct run_names *n)
{
	char name[128];

	plan_cpus_tag(pr, n->tag, sizeof(n->tag));
	results_label(n->label, sizeof(n->label), pr->model->name, pr->level, n->tag, pr->rep,
	    pr->clients, pr->rate);
	plan_run_name(pr, name, sizeof(name));
	snprintf(n->prefix, sizeof(n->prefix), "%s/%s", b->plan.dst_prefix, name);
	snprintf(n->trace, sizeof(n->trace), "%s/logs/%s.trace.csv", b->res.dir, name);
	snprintf(n->log, sizeof(n->log), "%s/logs/%s.log", b->res.dir, name);
}

/* What runner_run needs for run pr, the measured process's argv given. */
static void
run_spec(struct bench *b, const struct plan_run *pr, char **argv, const char *label,
    const char *log, struct runner_spec *sp)
{
	memset(sp, 0, sizeof(*sp));
	sp->argv = argv, sp->cpus = pr->client_cpus;
	sp->endpoint = b->shaper.pid > 0 ? b->shaper.endpoint : NULL;
	sp->log_path = log, sp->hz = b->sc.sample_hz, sp->server = b->server;
	sp->nserver = b->nserver, sp->shaper = b->shaper.pid, sp->samples = b->res.samples;
	sp->label = label, sp->progress = b->progress ? on_progress : NULL, sp->arg = b;
	sp->interrupt = &bench_interrupted;
}

/* A run's outcome: a row of the JSON output, its line on stderr, and why it failed. */
static void
print_run(struct bench *b, const struct result_row *row, const char *tag, const char *label,
    const char *log, json_t *sum)
{
	const struct tracestats *ts = row->ts;
	const struct runner_result *rr = row->rr;

	char rate[48] = "";
	json_t *j;

	j = json_pack("{s:s, s:i, s:s, s:i, s:i, s:s, s:I, s:I, s:f, s:f, s:f, s:f}", "model",
	    row->model, "level", (int)row->level, "client_cpus", tag, "client_pus",
	    (int)row->client_pus, "rep", (int)row->rep, "status", row->status, "ok",
	    (json_int_t)ts->ok, "errors", (json_int_t)ts->failed, "images_per_s",
	    ts->images_per_s, "e2e_p50_ms", ts->lat_ms[TS_E2E][0], "e2e_p99_ms",
	    ts->lat_ms[TS_E2E][2], "model_cpu_pct", rr->group[SAMPLER_MODEL].cpu_pct);
	if (row->offered_per_s > 0) {
		json_object_set_new(j, "offered_per_s", json_real(row->offered_per_s));
		json_object_set_new(j, "sustained", json_boolean(!row->unsustained));
		json_object_set_new(j, "resp_p99_ms", json_real(ts->lat_ms[TS_RESP][2]));
		snprintf(rate, sizeof(rate), " rate %g/s%s", row->offered_per_s,
		    row->unsustained ? " (not kept)" : "");
	}
	json_array_append_new(b->rows, j);
	if (!b->json || b->progress)
		fprintf(stderr, "  %-10s c=%-4u pus=%u rep %u%s: %6zu ok %4zu failed  %8.1f "
		    "images/s  p50 %7.1f ms  p99 %7.1f ms  client CPU %5.1f%%  %s\n", row->model,
		    row->level, row->client_pus, row->rep, rate, ts->ok, ts->failed,
		    ts->images_per_s, ts->lat_ms[TS_E2E][0], ts->lat_ms[TS_E2E][2],
		    rr->group[SAMPLER_MODEL].cpu_pct, row->status);
	if (rr->exit_code != 0 && rr->exit_code != EXIT_ITEMS &&
	    rr->exit_code != BENCH_EXIT_STOPPED && rr->exit_code != EXIT_UNSUSTAINED)
		fprintf(stderr, "exifbench: %s exited %d: %s (log: %s)\n", label, rr->exit_code,
		    json_string_value(json_object_get(sum, "error")) ?: "see its log", log);
}

static void
on_progress(size_t done, double elapsed_s, void *arg)
{
	struct bench *b = arg;
	double rate = elapsed_s > 0 ? (double)done / elapsed_s : 0, eta = -1;
	char offered[32] = "";

	if (rate > 0 && b->images > done)
		eta = (double)(b->images - done) / rate;
	if (b->sc.duration_s > 0 && (eta < 0 || eta > b->sc.duration_s - elapsed_s))
		eta = b->sc.duration_s - elapsed_s;
	if (b->cur->rate > 0)
		snprintf(offered, sizeof(offered), " at %g/s", b->cur->rate);
	fprintf(stderr, "\r\033[K  bench %s [%zu/%zu] %s c=%u pus=%u%s: %zu/%zu images, "
	    "%.1f/s, ETA %.0f s%s", b->sc.name, b->run_index, b->plan.n, b->cur->model->name,
	    b->cur->level, b->cur->client_pus, offered, done, b->images, rate, eta > 0 ? eta : 0,
	    bench_interrupted ? " (stopping)" : "");
}

/* Deletes the run's output folder, so each run starts from an empty destination. */
static void
clean_prefix(struct bench *b, const char *prefix)
{
	struct remove_options o = { .cfg = &b->s3, .bucket = b->plan.dst_bucket, .prefix = prefix,
		.concurrency = 8 };
	struct remove_stats st;
	char err[256];

	/* The first run finds no bucket: `run` creates it. */
	if (remove_run(&o, &st, err, sizeof(err)) < 0 && strstr(err, "does not exist") == NULL)
		fprintf(stderr, "exifbench: cleaning s3://%s/%s: %s\n", b->plan.dst_bucket, prefix,
		    err);
}


/*
 * Runs of several clients need the MPI layer, with ranks enough, and no shaper (it runs
 * beside rank 0 only: the other clients could not reach it). 0, or -1 after saying why.
 */
static int
check_clients(const struct bench *b)
{
	unsigned most = 1, ranks = bench_clients != NULL ? bench_clients->ranks : 1;
	size_t i;

	for (i = 0; i < b->plan.n; i++)
		most = b->plan.run[i].clients > most ? b->plan.run[i].clients : most;
	if (most > ranks) {
		fprintf(stderr, "exifbench: bench: clients %u needs as many MPI ranks: mpirun -np "
		    "%u exifbench bench ... (%s)\n", most, most, bench_clients != NULL ?
		    "this mpirun has fewer" : "not started by mpirun");
		return -1;
	}
	if (most > 1 && b->shaper.pid > 0) {
		fprintf(stderr, "exifbench: bench: clients > 1 with latency_ms (the shaper) is not "
		    "taken: the shaper runs on rank 0's host only, out of the other clients' "
		    "reach; set latency_ms = 0\n");
		return -1;
	}
	return 0;
}

/*
 * A run of pr->clients clients: rank 0's (argv) takes share 0, the others start beside it
 * (bench_clients), all gated. 0, or -1 when they could not start.
 */
static int
spread(struct bench *b, const struct plan_run *pr, char **argv, int *gate,
    struct runner_spec *spec)
{
	static char shard[32];
	size_t n = 0;

	(void)b;
	while (argv[n] != NULL)
		n++;
	snprintf(shard, sizeof(shard), "0/%u", pr->clients);
	argv[n] = "--shard", argv[n + 1] = shard, argv[n + 2] = NULL;
	if (bench_clients->begin(pr->clients, argv, gate) < 0)
		return -1;
	spec->gate = gate, spec->started = bench_clients->started;
	return 0;
}

/* After a run of several clients: their traces joined to rank 0's, their CPU added. */
static void
join(const struct plan_run *pr, const char *trace, struct runner_result *rr,
    struct timeline_window *w, int *have_w, const char *label)
{
	double cpu_s = 0;
	char err[512];
	long us;

	(void)pr;
	if (bench_clients->end(trace, &cpu_s, w, err, sizeof(err)) < 0) {
		fprintf(stderr, "exifbench: %s: joining the clients' traces: %s\n", label, err);
		return;
	}
	*have_w = 1;
	us = (long)(cpu_s * 1e6) + rr->ru.ru_utime.tv_usec;
	rr->ru.ru_utime.tv_sec += us / 1000000, rr->ru.ru_utime.tv_usec = us % 1000000;
}
