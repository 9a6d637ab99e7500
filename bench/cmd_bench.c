/*
 * cmd_bench.c: `exifbench bench --scenario FILE`: runs a scenario's sweep (each client CPU
 * set, model, concurrency level and repeat) as separate measured `exifbench run` processes,
 * and writes results/<UTC>-<scenario>/ (see harness/results.h). Around the runs it starts
 * what the scenario needs: the local S3 server when AWS_ENDPOINT_URL is unset (by running
 * itself again under harness/with-s3-local), the dataset (loaded once, then reused), the
 * shaper (a child process, so its CPU is its own), and the CPU binding of client and server.
 *
 * Ctrl-C is passed to the run in progress once: it finishes its images in flight, its row
 * is written, and the result is marked "partial". A second Ctrl-C stops the harness at once.
 */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "model.h"
#include "plan.h"
#include "remove.h"
#include "results.h"
#include "runner.h"
#include "s3.h"
#include "scenario.h"
#include "setup.h"
#include "topo.h"
#include "versions.h"

#define EXIT_STOPPED 130
#define DATA_BUCKET "exifbench-data"
#define OUT_BUCKET "exifbench-out"

struct bench {
	struct scenario sc;
	const char *scenario_path, *results_root, *data_dir;
	int json, quiet, dry_run, progress;
	char exe[PATH_MAX], home[PATH_MAX];
	struct s3_config s3;
	pid_t server[16];
	size_t nserver, images;
	struct shaper shaper;
	struct results res;
	struct plan plan;
	size_t run_index;	/* the run in progress, from 1 */
	const struct plan_run *cur;
	json_t *meta, *rows;
	int any_failed, any_error;
};

static volatile sig_atomic_t interrupted;

static int parse(struct bench *b, int argc, char **argv);
static int setup(struct bench *b, int argc, char **argv);
static int run_all(struct bench *b);
static int run_one(struct bench *b, const struct plan_run *pr);
static void finish(struct bench *b, const char *status, const char *error);
static void on_progress(size_t done, double elapsed_s, void *arg);
static void on_signal(int sig);
static void clean_prefix(struct bench *b, const char *prefix);
static char **shaper_args(const struct scenario *sc, char buf[][32]);
static int shaping(const struct scenario *sc);

static const char usage[] =
    "usage: exifbench bench --scenario FILE [options]\n"
    "Runs every model and concurrency level of a scenario (bench/*.conf) as separate\n"
    "measured processes, and writes results/<UTC>-<scenario>/: meta.json, summary.csv,\n"
    "samples.csv, trace.csv, logs/. Starts the local S3 server when AWS_ENDPOINT_URL is\n"
    "unset, loads the scenario's dataset once (reused while it verifies), and runs the\n"
    "network shaper when the scenario asks for latency, bandwidth caps or faults.\n"
    "  -s, --scenario FILE     the scenario (format: docs/harness.md)\n"
    "      --set KEY=VALUE     override one scenario key (repeatable)\n"
    "      --client-cpus LIST  bind the models to these PUs (hwloc list, e.g. 0 or 0-1);\n"
    "                          repeatable: one sweep per list (overrides client_cpus)\n"
    "      --server-cpus LIST  bind the S3 server and the shaper to these PUs\n"
    "      --results DIR       where result folders go (default results)\n"
    "      --data DIR          where datasets are generated (default data)\n"
    "  -n, --dry-run           print the runs the scenario makes, run nothing\n"
    "  -j, --json              print the outcome as one JSON object on stdout\n"
    "  -q, --quiet             no progress line\n"
    "  -h, --help              this text\n"
    "Exit: 0 every run ok, 1 some images or runs failed, 2 usage or scenario error,\n"
    "3 setup (endpoint, dataset, results folder, shaper), 130 stopped by Ctrl-C (the\n"
    "result folder then says \"partial\" and keeps every finished run).\n";

int
cmd_bench(int argc, char **argv)
{
	struct bench b;
	int rc;

	memset(&b, 0, sizeof(b));
	if ((rc = parse(&b, argc, argv)) >= 0)
		return rc;
	if ((rc = setup(&b, argc, argv)) >= 0) {
		json_decref(b.meta);
		json_decref(b.rows);
		plan_free(&b.plan);
		return rc;
	}
	rc = run_all(&b);
	json_decref(b.meta);
	json_decref(b.rows);
	plan_free(&b.plan);
	return rc;
}

/* Options and scenario into b: -1 to go on, else the exit code. */
static int
parse(struct bench *b, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "scenario", required_argument, NULL, 's' },
		{ "set", required_argument, NULL, 'S' },
		{ "client-cpus", required_argument, NULL, 'C' },
		{ "server-cpus", required_argument, NULL, 'V' },
		{ "results", required_argument, NULL, 'r' },
		{ "data", required_argument, NULL, 'D' },
		{ "dry-run", no_argument, NULL, 'n' },
		{ "json", no_argument, NULL, 'j' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *sets[64], *cpus[SCENARIO_MAX_CPUSETS], *server = NULL;
	size_t nsets = 0, ncpus = 0, i;
	char err[512], key[64], list[SCENARIO_MAX_CPUSETS * 64], *eq;
	int ch;

	b->results_root = "results", b->data_dir = "data";
	optind = 1;
	while ((ch = getopt_long(argc, argv, "s:njqh", longopts, NULL)) != -1) {
		switch (ch) {
		case 's': b->scenario_path = optarg; break;
		case 'S':
			if (nsets == 64 || strchr(optarg, '=') == NULL) {
				fprintf(stderr, "exifbench: --set '%s': expected KEY=VALUE (at "
				    "most 64)\n", optarg);
				return EXIT_USAGE;
			}
			sets[nsets++] = optarg;
			break;
		case 'C':
			if (ncpus == SCENARIO_MAX_CPUSETS) {
				fprintf(stderr, "exifbench: at most %d --client-cpus\n",
				    SCENARIO_MAX_CPUSETS);
				return EXIT_USAGE;
			}
			cpus[ncpus++] = optarg;
			break;
		case 'V': server = optarg; break;
		case 'r': b->results_root = optarg; break;
		case 'D': b->data_dir = optarg; break;
		case 'n': b->dry_run = 1; break;
		case 'j': b->json = 1; break;
		case 'q': b->quiet = 1; break;
		case 'h': fputs(usage, stdout); return 0;
		default: fputs(usage, stderr); return EXIT_USAGE;
		}
	}
	if (optind < argc || b->scenario_path == NULL) {
		fprintf(stderr, "exifbench: bench needs --scenario FILE and no other argument "
		    "(see --help)\n");
		return EXIT_USAGE;
	}
	if (scenario_load(b->scenario_path, &b->sc, err, sizeof(err)) < 0) {
		fprintf(stderr, "exifbench: %s\n", err);
		return EXIT_USAGE;
	}
	for (i = 0; i < nsets; i++) {
		eq = strchr(sets[i], '=');
		snprintf(key, sizeof(key), "%.*s", (int)(eq - sets[i]), sets[i]);
		if (scenario_set(&b->sc, key, eq + 1, err, sizeof(err)) < 0) {
			fprintf(stderr, "exifbench: --set %s: %s\n", sets[i], err);
			return EXIT_USAGE;
		}
	}
	for (i = 0, list[0] = '\0'; i < ncpus; i++)
		snprintf(list + strlen(list), sizeof(list) - strlen(list), "%s%s", i ? " " : "",
		    cpus[i]);
	if ((ncpus > 0 && scenario_set(&b->sc, "client_cpus", list, err, sizeof(err)) < 0) ||
	    (server != NULL && scenario_set(&b->sc, "server_cpus", server, err,
	    sizeof(err)) < 0) || scenario_check(&b->sc, err, sizeof(err)) < 0) {
		fprintf(stderr, "exifbench: %s: %s\n", b->scenario_path, err);
		return EXIT_USAGE;
	}
	if (plan_make(&b->sc, &b->plan, err, sizeof(err)) < 0) {
		fprintf(stderr, "exifbench: %s: %s\n", b->scenario_path, err);
		return EXIT_USAGE;
	}
	if (b->dry_run) {
		plan_print(&b->plan, &b->sc, stdout);
		plan_free(&b->plan);
		return 0;
	}
	b->progress = !b->quiet && isatty(STDERR_FILENO);
	return -1;
}

/* Server, binding, dataset, results folder, shaper: -1 to go on, else the exit code. */
static int
setup(struct bench *b, int argc, char **argv)
{
	char err[512], bufs[16][32], *relaunch[128];
	const char *endpoint = getenv("AWS_ENDPOINT_URL");
	struct sigaction sa;
	ssize_t n;
	int i;

	if ((n = readlink("/proc/self/exe", b->exe, sizeof(b->exe) - 1)) < 0) {
		fprintf(stderr, "exifbench: cannot find my own binary: %s\n", strerror(errno));
		return EXIT_SETUP;
	}
	b->exe[n] = '\0';
	if (setup_find_home(b->exe, b->home, sizeof(b->home)) < 0)
		b->home[0] = '\0';
	if (endpoint == NULL || endpoint[0] == '\0') {
		/* No endpoint: run again under the local server's wrapper, which stops it. */
		if (b->home[0] == '\0' || argc > 120) {
			fprintf(stderr, "exifbench: AWS_ENDPOINT_URL is unset and harness/s3-local "
			    "is not found (set EXIFBENCH_HOME to the source folder)\n");
			return EXIT_SETUP;
		}
		snprintf(err, sizeof(err), "%s/harness/with-s3-local", b->home);
		relaunch[0] = err, relaunch[1] = b->exe, relaunch[2] = "bench";
		for (i = 1; i < argc; i++)
			relaunch[i + 2] = argv[i];
		relaunch[argc + 2] = NULL;
		fflush(NULL);
		execv(relaunch[0], relaunch);
		fprintf(stderr, "exifbench: cannot run %s: %s\n", err, strerror(errno));
		return EXIT_SETUP;
	}
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);	/* no SA_RESTART: sleeps wake up */
	sigaction(SIGTERM, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
	if (s3_config_from_env(&b->s3, err, sizeof(err)) < 0) {
		fprintf(stderr, "exifbench: %s\n", err);
		return EXIT_SETUP;
	}
	for (i = 0; i < (int)b->sc.n_client_cpus; i++)
		if (topo_pus(b->sc.client_cpus[i], err, sizeof(err)) < 0) {
			fprintf(stderr, "exifbench: client_cpus: %s\n", err);
			return EXIT_USAGE;
		}
	if (topo_pus(b->sc.server_cpus, err, sizeof(err)) < 0) {
		fprintf(stderr, "exifbench: server_cpus: %s\n", err);
		return EXIT_USAGE;
	}
	b->nserver = setup_server_pids(b->home, endpoint, b->server, 16);
	for (i = 0; i < (int)b->nserver && b->sc.server_cpus[0] != '\0'; i++)
		if (topo_bind(b->server[i], b->sc.server_cpus, err, sizeof(err)) < 0)
			fprintf(stderr, "exifbench: server_cpus: %s (left unbound)\n", err);
	if (setup_dataset(b->exe, b->data_dir, b->sc.dataset, DATA_BUCKET, &b->images, err,
	    sizeof(err)) < 0) {
		fprintf(stderr, "exifbench: %s\n", err);
		return EXIT_SETUP;
	}
	if (interrupted) {
		fprintf(stderr, "exifbench: stopped before the first run\n");
		return EXIT_STOPPED;
	}
	if (b->sc.images > 0 && b->sc.images < b->images)
		b->images = b->sc.images;
	if (results_open(&b->res, b->results_root, b->sc.name, err, sizeof(err)) < 0) {
		fprintf(stderr, "exifbench: %s\n", err);
		return EXIT_SETUP;
	}
	b->rows = json_array();
	b->meta = json_pack("{s:s, s:o, s:o*, s:o*, s:s, s:s, s:{s:s, s:I}, s:{s:b, s:i, s:s}, "
	    "s:i, s:i, s:s}", "status", "running", "scenario", scenario_json(&b->sc),
	    "machine", topo_record(), "versions", versions_record(b->home),
	    "endpoint", b->shaper.endpoint, "region", b->s3.region,
	    "dataset", "uri", b->sc.dataset, "images", (json_int_t)b->images,
	    "server", "local", b->nserver > 0, "processes", (int)b->nserver,
	    "cpus", b->sc.server_cpus[0] ? b->sc.server_cpus : "all",
	    "runs_planned", (int)b->plan.n, "runs_done", 0,
	    "started_utc", plan_utc_now(bufs[0], sizeof(bufs[0])));
	json_object_set_new(b->meta, "endpoint", json_string(endpoint));
	json_object_set_new(b->meta, "methodology", plan_methodology());
	if (shaping(&b->sc) && setup_shaper_start(&b->shaper, b->exe, endpoint,
	    shaper_args(&b->sc, bufs), b->sc.server_cpus, err, sizeof(err)) < 0) {
		fprintf(stderr, "exifbench: %s\n", err);
		finish(b, "failed", err);
		return EXIT_SETUP;
	}
	json_object_set_new(b->meta, "shaper", b->shaper.pid > 0 ? json_pack("{s:s}",
	    "endpoint", b->shaper.endpoint) : json_null());
	results_meta(&b->res, b->meta, err, sizeof(err));
	fprintf(stderr, "bench: %s: %zu runs of up to %zu images, endpoint %s%s, results in %s\n",
	    b->sc.name, b->plan.n, b->images, endpoint, b->shaper.pid > 0 ?
	    " through the shaper" : "", b->res.dir);
	return -1;
}

static int
run_all(struct bench *b)
{
	size_t i;
	int rc;

	for (i = 0; i < b->plan.n && !interrupted; i++) {
		b->run_index = i + 1;
		if (run_one(b, &b->plan.run[i]) < 0) {
			b->any_error = 1;
			if (!interrupted)
				continue;
		}
		json_object_set_new(b->meta, "runs_done", json_integer((json_int_t)i + 1));
	}
	finish(b, interrupted ? "partial" : "complete", NULL);
	rc = interrupted ? EXIT_STOPPED : b->any_failed || b->any_error ? EXIT_ITEMS : 0;
	if (b->json)
		cli_print_json(json_pack("{s:s, s:s, s:O}", "results", b->res.dir, "status",
		    interrupted ? "partial" : "complete", "runs", b->rows));
	else
		fprintf(stderr, "bench: %s results in %s\n", interrupted ? "partial" :
		    "complete", b->res.dir);
	return rc;
}

/* One model run: clean, run, sample, summarise. 0, or -1 when it could not be run. */
static int
run_one(struct bench *b, const struct plan_run *pr)
{
	char label[128], trace[PATH_MAX + 64], log[PATH_MAX + 64], prefix[256], err[512];
	char *argv[48];
	struct runner_spec spec;
	struct runner_result *rr;
	struct tracestats ts;
	struct result_row row;
	json_t *sum;
	int rv = -1;

	if ((rr = calloc(1, sizeof(*rr))) == NULL)
		return -1;
	results_label(label, sizeof(label), pr->model->name, pr->level, pr->client_pus, pr->rep);
	snprintf(prefix, sizeof(prefix), "%s/%s-c%u-p%u-r%u", b->sc.name, pr->model->name,
	    pr->level, pr->client_pus, pr->rep);
	snprintf(trace, sizeof(trace), "%s/logs/%s-c%u-p%u-r%u.trace.csv", b->res.dir,
	    pr->model->name, pr->level, pr->client_pus, pr->rep);
	snprintf(log, sizeof(log), "%s/logs/%s-c%u-p%u-r%u.log", b->res.dir, pr->model->name,
	    pr->level, pr->client_pus, pr->rep);
	clean_prefix(b, prefix);
	plan_argv(pr, &b->sc, b->exe, DATA_BUCKET, OUT_BUCKET, prefix, trace, b->images,
	    argv, 48);
	memset(&spec, 0, sizeof(spec));
	spec.argv = argv, spec.cpus = pr->client_cpus, spec.trace_path = trace;
	spec.endpoint = b->shaper.pid > 0 ? b->shaper.endpoint : NULL;
	spec.log_path = log, spec.hz = b->sc.sample_hz, spec.server = b->server;
	spec.nserver = b->nserver, spec.shaper = b->shaper.pid, spec.samples = b->res.samples;
	spec.label = label, spec.progress = b->progress ? on_progress : NULL, spec.arg = b;
	spec.interrupt = &interrupted;
	b->cur = pr;
	if (runner_run(&spec, rr, err, sizeof(err)) < 0) {
		fprintf(stderr, "%sexifbench: %s: %s\n", b->progress ? "\r\033[K" : "", label, err);
		goto out;
	}
	if (b->progress)
		fputs("\r\033[K", stderr);
	if (tracestats_read(trace, b->sc.trim, b->res.trace, label, RESULTS_LABEL_HEADER,
	    !b->res.trace_header, &ts, err, sizeof(err)) < 0) {
		fprintf(stderr, "exifbench: %s: %s (its log: %s)\n", label, err, log);
		memset(&ts, 0, sizeof(ts));
	} else {
		b->res.trace_header = 1;
		unlink(trace);
	}
	sum = json_loads(rr->summary, 0, NULL);
	memset(&row, 0, sizeof(row));
	row.model = pr->model->name, row.level = pr->level, row.rep = pr->rep;
	row.workers = pr->workers, row.client_cpus = pr->client_cpus;
	row.client_pus = pr->client_pus, row.exit_code = rr->exit_code, row.ts = &ts;
	row.rr = rr;
	row.wall_s = json_real_value(json_object_get(sum, "wall_s"));
	row.status = rr->exit_code == 0 ? "ok" : rr->exit_code == EXIT_ITEMS ? "failed_keys" :
	    rr->exit_code == EXIT_STOPPED ? "stopped" : "error";
	row.littles_ips = ts.mean_requests_ms > 0 ? plan_in_flight(pr) * 1e3 /
	    ts.mean_requests_ms : -1;
	results_row(&b->res, &row);
	b->any_failed |= rr->exit_code == EXIT_ITEMS;
	b->any_error |= rr->exit_code != 0 && rr->exit_code != EXIT_ITEMS &&
	    rr->exit_code != EXIT_STOPPED;
	json_array_append_new(b->rows, json_pack("{s:s, s:i, s:i, s:i, s:s, s:I, s:I, s:f, s:f, "
	    "s:f, s:f}", "model", row.model, "level", (int)row.level, "client_pus",
	    (int)row.client_pus, "rep", (int)row.rep, "status", row.status, "ok",
	    (json_int_t)ts.ok, "errors", (json_int_t)ts.failed, "images_per_s",
	    ts.images_per_s, "e2e_p50_ms", ts.lat_ms[TS_E2E][0], "e2e_p99_ms",
	    ts.lat_ms[TS_E2E][2], "model_cpu_pct", rr->group[SAMPLER_MODEL].cpu_pct));
	if (!b->json || b->progress)
		fprintf(stderr, "  %-10s c=%-4u pus=%u rep %u: %6zu ok %4zu failed  %8.1f images/s"
		    "  p50 %7.1f ms  p99 %7.1f ms  client CPU %5.1f%%  %s\n", row.model,
		    row.level, row.client_pus, row.rep, ts.ok, ts.failed, ts.images_per_s,
		    ts.lat_ms[TS_E2E][0], ts.lat_ms[TS_E2E][2],
		    rr->group[SAMPLER_MODEL].cpu_pct, row.status);
	if (rr->exit_code != 0 && rr->exit_code != EXIT_ITEMS && rr->exit_code != EXIT_STOPPED)
		fprintf(stderr, "exifbench: %s exited %d: %s (log: %s)\n", label, rr->exit_code,
		    json_string_value(json_object_get(sum, "error")) ?: "see its log", log);
	json_decref(sum);
	clean_prefix(b, prefix);
	rv = 0;
out:
	free(rr);
	return rv;
}

/* Stops the shaper, unbinds the server, and writes the final meta.json and CSV files. */
static void
finish(struct bench *b, const char *status, const char *error)
{
	char err[512], now[32];
	json_t *stats;
	size_t i;

	if ((stats = setup_shaper_stop(&b->shaper)) != NULL)
		json_object_set_new(b->meta, "shaper", stats);
	for (i = 0; i < b->nserver && b->sc.server_cpus[0] != '\0'; i++)
		topo_bind(b->server[i], "", err, sizeof(err));
	json_object_set_new(b->meta, "status", json_string(status));
	json_object_set_new(b->meta, "finished_utc",
	    json_string(plan_utc_now(now, sizeof(now))));
	if (error != NULL)
		json_object_set_new(b->meta, "error", json_string(error));
	if (results_close(&b->res) < 0)
		json_object_set_new(b->meta, "error", json_string("a result file could not be "
		    "written completely"));
	if (results_meta(&b->res, b->meta, err, sizeof(err)) < 0)
		fprintf(stderr, "exifbench: %s\n", err);
}

static void
on_progress(size_t done, double elapsed_s, void *arg)
{
	struct bench *b = arg;
	double rate = elapsed_s > 0 ? (double)done / elapsed_s : 0, eta = -1;

	if (rate > 0 && b->images > done)
		eta = (double)(b->images - done) / rate;
	if (b->sc.duration_s > 0 && (eta < 0 || eta > b->sc.duration_s - elapsed_s))
		eta = b->sc.duration_s - elapsed_s;
	fprintf(stderr, "\r\033[K  bench %s [%zu/%zu] %s c=%u pus=%u: %zu/%zu images, "
	    "%.1f/s, ETA %.0f s%s", b->sc.name, b->run_index, b->plan.n, b->cur->model->name,
	    b->cur->level, b->cur->client_pus, done, b->images, rate, eta > 0 ? eta : 0,
	    interrupted ? " (stopping)" : "");
}

static void
on_signal(int sig)
{
	if (interrupted)
		signal(sig, SIG_DFL), raise(sig);	/* a second Ctrl-C: stop now */
	interrupted = 1;
}

/* Deletes the run's output folder, so each run starts from an empty destination. */
static void
clean_prefix(struct bench *b, const char *prefix)
{
	struct remove_options o = { .cfg = &b->s3, .bucket = OUT_BUCKET, .prefix = prefix,
		.concurrency = 8 };
	struct remove_stats st;
	char err[256];

	/* The first run finds no bucket: `run` creates it. */
	if (remove_run(&o, &st, err, sizeof(err)) < 0 && strstr(err, "does not exist") == NULL)
		fprintf(stderr, "exifbench: cleaning s3://%s/%s: %s\n", OUT_BUCKET, prefix, err);
}

/* The shaper's options from the scenario, in buf's cells; NULL-terminated. */
static char **
shaper_args(const struct scenario *sc, char buf[][32])
{
	static char *args[24];
	size_t n = 0, k = 0;

#define ARG(opt, fmt, v) (args[n++] = opt, snprintf(buf[k], 32, fmt, v), args[n++] = buf[k++])
	ARG("--latency-ms", "%g", sc->latency_ms);
	ARG("--jitter-ms", "%g", sc->jitter_ms);
	ARG("--jitter", "%s", sc->jitter);
	if (sc->bandwidth_mbit > 0)
		ARG("--bandwidth-mbit", "%g", sc->bandwidth_mbit);
	if (sc->total_bandwidth_mbit > 0)
		ARG("--total-bandwidth-mbit", "%g", sc->total_bandwidth_mbit);
	ARG("--reset-fraction", "%g", sc->reset_fraction);
	ARG("--stall-fraction", "%g", sc->stall_fraction);
	ARG("--stall-ms", "%g", sc->stall_ms);
#undef ARG
	args[n] = NULL;
	return args;
}

static int
shaping(const struct scenario *sc)
{
	return sc->latency_ms > 0 || sc->jitter_ms > 0 || sc->bandwidth_mbit > 0 ||
	    sc->total_bandwidth_mbit > 0 || sc->reset_fraction > 0 || sc->stall_fraction > 0;
}
