/*
 * bench_setup.c: what `exifbench bench` does before its first run: with no endpoint (neither
 * AWS_ENDPOINT_URL nor the profile's endpoint_url) it runs itself again under
 * harness/with-s3-local; then it installs the Ctrl-C handler, checks
 * the PU lists, finds and binds the local server's processes, makes sure the dataset is
 * loaded (or, for a scenario's source, lists the objects there), resolves latency_ms = auto
 * (50 ms on the local server, 0 elsewhere), creates the result folder with a meta.json of
 * status "running", starts the shaper when the scenario shapes the network, and measures the
 * endpoint's round trip (harness/engine/probe.h) into meta.json's "latency"; bench_finish undoes it after the last run (bench_run.c) or a failed set-up. See
 * bench.h.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bench.h"
#include "cli.h"
#include "harness/engine/home.h"
#include "harness/engine/probe.h"
#include "harness/engine/topo.h"
#include "harness/engine/versions.h"
#include "harness/report/rs_dataset.h"
#include "harness/results/epstats.h"
#include "harness/results/netmeta.h"

volatile sig_atomic_t bench_interrupted;

static int relaunch(struct bench *b, const char *endpoint, int argc, char **argv);
static int prepare_dataset(struct bench *b, char *err, size_t errlen);
static json_t *dataset_json(const struct bench *b);
static void catch_signals(void);
static json_t *bind_server(struct bench *b, const char *endpoint);
static json_t *meta_running(const struct bench *b, const char *endpoint, json_t *shared);
static void on_signal(int sig);
static void probe(struct bench *b);
static char **shaper_args(const struct scenario *sc, char buf[][32]);
static int shaping(const struct scenario *sc);

int
bench_setup(struct bench *b, int argc, char **argv)
{
	char err[512], bufs[16][32];
	const char *endpoint = b->s3.endpoint;
	json_t *shared;
	int rc;

	/* The scenario's endpoints go to every run (and to the settings) as the variable. */
	if (b->sc.endpoints[0] != '\0' && setenv("EXIFBENCH_ENDPOINTS", b->sc.endpoints, 1) < 0) {
		fprintf(stderr, "exifbench: endpoints: %s\n", strerror(errno));
		return EXIT_SETUP;
	}
	/* The endpoint of the environment or of the profile; none: the local server. */
	(void)s3_config_from_env(&b->s3, err, sizeof(err));
	if ((rc = relaunch(b, endpoint, argc, argv)) >= 0)
		return rc;
	catch_signals();
	if (s3_config_from_env(&b->s3, err, sizeof(err)) < 0) {
		fprintf(stderr, "exifbench: %s\n", err);
		return EXIT_SETUP;
	}
	if (prepare_dataset(b, err, sizeof(err)) < 0 && !bench_interrupted) {
		fprintf(stderr, "exifbench: %s\n", err);
		return EXIT_SETUP;
	}
	if (bench_interrupted) {
		fprintf(stderr, "exifbench: stopped before the first run\n");
		return BENCH_EXIT_STOPPED;
	}
	b->images = (size_t)b->ds.count;
	if (b->sc.images > 0 && b->sc.images < b->images)
		b->images = b->sc.images;
	if (results_open(&b->res, b->results_root, b->sc.name, err, sizeof(err)) < 0) {
		fprintf(stderr, "exifbench: %s\n", err);
		return EXIT_SETUP;
	}
	/* From here on, bench_finish unbinds the server whatever happens. */
	b->rows = json_array();
	shared = bind_server(b, endpoint);
	scenario_resolve_latency(&b->sc, b->nserver > 0);
	b->meta = meta_running(b, endpoint, shared);
	if (shaping(&b->sc) && setup_shaper_start(&b->shaper, b->exe, endpoint,
	    shaper_args(&b->sc, bufs), b->sc.server_cpus, err, sizeof(err)) < 0) {
		if (bench_interrupted) {
			bench_finish(b, "partial", "stopped before the first run");
			return BENCH_EXIT_STOPPED;
		}
		fprintf(stderr, "exifbench: %s\n", err);
		bench_finish(b, "failed", err);
		return EXIT_SETUP;
	}
	json_object_set_new(b->meta, "shaper", b->shaper.pid > 0 ? json_pack("{s:s}",
	    "endpoint", b->shaper.endpoint) : json_null());
	fprintf(stderr, "bench: %s: %zu runs of up to %zu images, endpoint %s%s, results in %s\n",
	    b->sc.name, b->plan.n, b->images, endpoint, b->shaper.pid > 0 ?
	    " through the shaper" : "", b->res.dir);
	probe(b);
	results_meta(&b->res, b->meta, err, sizeof(err));
	if (bench_interrupted) {
		bench_finish(b, "partial", "stopped before the first run");
		return BENCH_EXIT_STOPPED;
	}
	return -1;
}

/*
 * The latency asked and added, and the endpoint's round trip (to the shaper too when it adds
 * latency), into meta.json's "latency" and on stderr. A probe that fails is noted, not fatal:
 * the runs say what is wrong with the endpoint, key by key.
 */
static void
probe(struct bench *b)
{
	struct netmeta nm;
	char key[PLAN_PREFIX_MAX + 16], err[512], asked[32];
	const char *via = b->shaper.pid > 0 && b->sc.latency_ms > 0 ? b->shaper.endpoint : NULL;

	memset(&nm, 0, sizeof(nm));
	nm.asked_auto = b->sc.latency_auto;
	nm.asked_ms = nm.added_ms = b->sc.latency_ms;
	snprintf(key, sizeof(key), "%s/.rtt-probe", b->plan.dst_prefix);
	if (probe_rtt(&b->s3, via, b->plan.dst_bucket, key, PROBE_GETS, &bench_interrupted,
	    &nm.direct, &nm.shaped, err, sizeof(err)) < 0) {
		snprintf(nm.error, sizeof(nm.error), "%s", err);
		if (!bench_interrupted)
			fprintf(stderr, "exifbench: note: %s (the runs go on)\n", err);
	}
	snprintf(asked, sizeof(asked), nm.asked_auto ? "auto" : "%g", nm.asked_ms);
	if (nm.direct.samples > 0)
		fprintf(stderr, "bench: added latency %g ms one-way (asked: %s); endpoint round trip "
		    "%.2f ms median (p90 %.2f) over %u small GETs%s", nm.added_ms, asked,
		    nm.direct.median_ms, nm.direct.p90_ms,
		    nm.direct.samples, nm.shaped.samples > 0 ? "" : "\n");
	if (nm.shaped.samples > 0)
		fprintf(stderr, ", through the shaper %.2f ms (p90 %.2f)\n", nm.shaped.median_ms,
		    nm.shaped.p90_ms);
	json_object_set_new(b->meta, "latency", netmeta_json(&nm));
}

/*
 * Finds this binary (the shipped files' folder, b->home, is cmd_bench's); with no endpoint,
 * runs the same command again under harness/with-s3-local. -1 to go on, else the exit code
 * (exec failed).
 */
static int
relaunch(struct bench *b, const char *endpoint, int argc, char **argv)
{
	char wrapper[PATH_MAX + 32], err[1024], *args[128];
	ssize_t n;
	int i;

	if (getenv("EXIFBENCH_EXE") != NULL) {	/* the MPI layer's: exifbench, not itself */
		snprintf(b->exe, sizeof(b->exe), "%s", getenv("EXIFBENCH_EXE"));
	} else if ((n = readlink("/proc/self/exe", b->exe, sizeof(b->exe) - 1)) < 0) {
		fprintf(stderr, "exifbench: cannot find my own binary: %s\n", strerror(errno));
		return EXIT_SETUP;
	} else {
		b->exe[n] = '\0';
	}
	if (endpoint != NULL && endpoint[0] != '\0')
		return -1;
	/* No endpoint: run again under the local server's wrapper, which stops it. */
	if (argc > 120) {
		fprintf(stderr, "exifbench: AWS_ENDPOINT_URL is unset, and %d arguments are too "
		    "many to run again under harness/with-s3-local\n", argc);
		return EXIT_SETUP;
	}
	if (b->home[0] == '\0' && home_find(b->home, sizeof(b->home), err, sizeof(err)) < 0) {
		fprintf(stderr, "exifbench: AWS_ENDPOINT_URL is unset (the local server's "
		    "harness/with-s3-local is needed): %s\n", err);
		return EXIT_SETUP;
	}
	snprintf(wrapper, sizeof(wrapper), "%s/harness/with-s3-local", b->home);
	args[0] = wrapper, args[1] = b->exe, args[2] = "bench";
	for (i = 1; i < argc; i++)
		args[i + 2] = argv[i];
	args[argc + 2] = NULL;
	fflush(NULL);
	execv(args[0], args);
	fprintf(stderr, "exifbench: cannot run %s: %s\n", wrapper, strerror(errno));
	return EXIT_SETUP;
}

/*
 * The dataset: a source's objects as they are (listed, nothing generated or uploaded), a
 * folder's photos (indexed into the data folder unless its index is current, then loaded
 * under data_prefix or dir-HASH unless they are there already, checked again against the
 * outputs now that the prefix is known), or the scenario's profile, loaded unless it is there
 * already. Its figures into b->ds.
 */
static int
prepare_dataset(struct bench *b, char *err, size_t errlen)
{
	if (b->sc.source[0] != '\0') {
		fprintf(stderr, "bench: source %s: its objects as they are\n", b->sc.source);
		return setup_source(&b->s3, b->plan.src_bucket, b->plan.src_prefix, &b->ds, err,
		    errlen);
	}
	if (b->sc.dataset_dir[0] != '\0') {
		if (b->sc.data_prefix[0] == '\0')
			b->plan.src_prefix[0] = '\0';	/* "dir-": setup_folder names it */
		if (setup_folder(b->exe, b->data_dir, b->sc.dataset_dir, b->plan.src_bucket,
		    b->plan.src_prefix, sizeof(b->plan.src_prefix), b->dir_name, &b->ds, err,
		    errlen) < 0)
			return -1;
		return plan_overlap(b->plan.src_bucket, b->plan.src_prefix, b->plan.dst_bucket,
		    b->plan.dst_prefix, 1, err, errlen);
	}
	return setup_dataset(b->exe, b->data_dir, b->sc.dataset, b->plan.src_bucket,
	    b->plan.src_prefix, &b->ds, err, errlen);
}

/*
 * meta.json's dataset: where it is, what it is (profile, folder or source), and its figures.
 * A folder's record holds its path as given, its absolute path and its index's name.
 */
static json_t *
dataset_json(const struct bench *b)
{
	char uri[512];
	int src = b->sc.source[0] != '\0';

	snprintf(uri, sizeof(uri), "s3://%s/%s", b->plan.src_bucket, b->plan.src_prefix);
	if (!src && b->sc.dataset_dir[0] != '\0')
		return json_pack("{s:s, s:s, s:s, s:s, s:I, s:o}", "folder", b->sc.dataset,
		    "path", b->sc.dataset_dir, "index", b->dir_name, "uri", uri, "images",
		    (json_int_t)b->ds.count, "stats", dsstats_json(&b->ds, "manifest"));
	return json_pack("{s:s, s:s, s:I, s:o}", src ? "source" : "profile", src ?
	    b->sc.source : b->sc.dataset, "uri", uri, "images", (json_int_t)b->ds.count,
	    "stats", dsstats_json(&b->ds, src ? "listing" : "manifest"));
}

static void
catch_signals(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);	/* no SA_RESTART: sleeps wake up */
	sigaction(SIGTERM, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
}

/*
 * Finds the local server's processes and binds them to server_cpus. Returns the client PU
 * lists that share PUs with the server, as a JSON array (noting each on stderr).
 */
static json_t *
bind_server(struct bench *b, const char *endpoint)
{
	char err[512];
	json_t *shared;
	int i;

	b->nserver = setup_server_pids(b->home, endpoint, b->server, 16);
	for (i = 0; i < (int)b->nserver && b->sc.server_cpus[0] != '\0'; i++)
		if (topo_bind(b->server[i], b->sc.server_cpus, err, sizeof(err)) < 0)
			fprintf(stderr, "exifbench: server_cpus: %s (left unbound)\n", err);
	for (i = 0, shared = json_array(); i < (int)b->sc.n_client_cpus; i++)
		if (topo_overlap(b->sc.client_cpus[i], b->sc.server_cpus) == 1) {
			json_array_append_new(shared, json_string(b->sc.client_cpus[i][0] ?
			    b->sc.client_cpus[i] : "all"));
			if (b->sc.client_cpus[i][0] != '\0' || b->sc.server_cpus[0] != '\0')
				fprintf(stderr, "bench: note: client PUs '%s' share PUs with the server "
				    "and shaper ('%s'): their CPU competes with the model's\n",
				    b->sc.client_cpus[i][0] ? b->sc.client_cpus[i] : "all",
				    b->sc.server_cpus[0] ? b->sc.server_cpus : "all");
		}
	return shared;
}

/* The first meta.json: status "running", the scenario, the machine, the dataset, the server. */
static json_t *
meta_running(const struct bench *b, const char *endpoint, json_t *shared)
{
	char out[512], now[32];
	json_t *meta;

	snprintf(out, sizeof(out), "s3://%s/%s", b->plan.dst_bucket, b->plan.dst_prefix);
	meta = json_pack("{s:s, s:o, s:o*, s:o*, s:s, s:s, s:o, "
	    "s:{s:b, s:i, s:s, s:o}, s:i, s:i, s:s}", "status", "running", "scenario",
	    scenario_json(&b->sc), "machine", topo_record(), "versions",
	    versions_record(b->home), "endpoint", endpoint, "region", b->s3.region,
	    "dataset", dataset_json(b),
	    "server", "local", b->nserver > 0, "processes", (int)b->nserver,
	    "cpus", b->sc.server_cpus[0] ? b->sc.server_cpus : "all", "shared_with_client",
	    shared,
	    "runs_planned", (int)b->plan.n, "runs_done", 0,
	    "started_utc", plan_utc_now(now, sizeof(now)));
	json_object_set_new(meta, "outputs", json_pack("{s:s}", "uri", out));
	json_object_set_new(meta, "endpoint_settings", json_pack("{s:s, s:b, s:s?, s:s?, s:b}",
	    "addressing", b->s3.virtual_hosted ? "virtual" : "path", "tls_verify",
	    !b->s3.tls_insecure, "ca_bundle", b->s3.ca_bundle[0] ? b->s3.ca_bundle : NULL,
	    "profile", b->s3.profile[0] ? b->s3.profile : NULL, "session_token",
	    b->s3.session_token[0] != '\0'));
	json_object_set_new(meta, "endpoints", epstats_urls_json(&b->s3));
	json_object_set_new(meta, "methodology", plan_methodology());
	json_object_set_new(meta, "scenario_file", b->adhoc ? json_null() :
	    json_string(b->scenario_path));
	return meta;
}

/*
 * Stops the shaper, unbinds the server, and writes the final meta.json and CSV files (with,
 * for a source, the dataset's figures from the trace).
 */
void
bench_finish(struct bench *b, const char *status, const char *error)
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
	/* A source has no manifest: its figures are those of the images the runs read. */
	if (b->sc.source[0] != '\0' && rs_dataset_trace(b->res.dir, &b->ds, err,
	    sizeof(err)) == 0 && b->ds.count > 0)
		json_object_set_new(json_object_get(b->meta, "dataset"), "stats",
		    dsstats_json(&b->ds, "trace"));
	if (results_meta(&b->res, b->meta, err, sizeof(err)) < 0)
		fprintf(stderr, "exifbench: %s\n", err);
}

static void
on_signal(int sig)
{
	if (bench_interrupted)
		signal(sig, SIG_DFL), raise(sig);	/* a second Ctrl-C: stop now */
	bench_interrupted = 1;
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
