/*
 * cmd_bench.c: `exifbench bench --scenario FILE`: the command line. Reads the scenario and its
 * overrides (--set, --client-cpus, --server-cpus) into a plan of runs, prints it with
 * --dry-run, else hands over to bench_setup and bench_run (bench.h). Each run of the plan is
 * a separate measured `exifbench run` process; the result folder is described in
 * harness/results/results.h and docs/harness.md.
 *
 * Without --scenario, --model makes an ad-hoc scenario ("adhoc", or --name) from the
 * defaults. The flags that name one key (bench_keys.c: --model, --levels, --images...) go
 * through scenario_set like a file's line, so their checks and errors are the scenario's
 * own; --set comes after them, so it wins.
 */
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "bench.h"
#include "cli.h"
#include "harness/report/report.h"
#include "harness/engine/home.h"
#include "harness/engine/topo.h"

/* What the command line sets over the scenario, kept until the scenario is read. */
struct overrides {
	struct bench *b;
	const char *sets[64], *cpus[SCENARIO_MAX_CPUSETS], *server;
	const char *keys[BENCH_NKEYS];	/* bench_keys.c's flags' values, NULL: not given */
	size_t nsets, ncpus;
	int cpu_profile;		/* --cpu-profile: the key cpu_profile = on */
};

static int parse(struct bench *b, int argc, char **argv);
static int on_option(int ch, const char *arg, void *ctx);
static int find_scenario(struct bench *b);
static int load(struct bench *b, const struct overrides *o);
static int load_adhoc(struct bench *b, const struct overrides *o);
static int set_keys(struct bench *b, const struct overrides *o);
static void release(struct bench *b);
static void report(const struct bench *b);
static void print_folder(const struct bench *b);

/* What messages call the scenario of an ad-hoc bench (compared by address). */
static const char adhoc_path[] = "the ad-hoc scenario";

static const char usage[] =
    "usage: exifbench bench --scenario FILE [options]\n"
    "       exifbench bench --model LIST [--levels LIST] [--source s3://B/P] [options]\n"
    "Runs every model and concurrency level of a scenario (bench/*.conf) as separate\n"
    "measured processes, and writes results/<UTC>-<scenario>/: meta.json, summary.csv,\n"
    "samples.csv, trace.csv, logs/, then the report (report.md, report.json, plots/: see\n"
    "`exifbench report --help`). Starts the local S3 server when AWS_ENDPOINT_URL is\n"
    "unset, loads the scenario's dataset once (reused while it verifies), and runs the\n"
    "network shaper when the scenario asks for latency, bandwidth caps or faults\n"
    "(latency_ms = auto: 50 ms on the local server, 0 elsewhere). Before the runs it\n"
    "measures the endpoint's round trip (20 small GETs at 1 in flight) into meta.json.\n"
    "  -s, --scenario FILE     the scenario (format: docs/harness.md); a bare NAME that is\n"
    "                          not a file here is a shipped one: bench/NAME.conf (io-bound,\n"
    "                          cpu-bound, mixed, hardware-scaling) where `exifbench --help`\n"
    "                          says the files are\n"
    "  -p, --profile NAME      quick (default: the scenario's plain keys) or full (its\n"
    "                          full.KEY lines too: bigger dataset, wider sweeps)\n"
    "      --set KEY=VALUE     override one scenario key (repeatable; after the flags\n"
    "                          below, so it wins over them); dataset=DIR (a '/' in it,\n"
    "                          or a leading '.' or '~') is a folder of photos, indexed\n"
    "                          into DATA/dir-HASH once and loaded once\n"
    "Without --scenario, --model makes an ad-hoc scenario from the keys' defaults (the\n"
    "`default` generated dataset unless --source); each flag below sets one key, checked\n"
    "as in a file (with --scenario they override its keys, but for --model and --levels):\n"
    "  -m, --model LIST        models, comma-separated (sequential,pthreads,forkpool,\n"
    "                          async,hybrid): the key models\n"
    "      --levels LIST       concurrency levels, comma-separated (1,16,64): the key\n"
    "                          concurrency\n"
    "      --source s3://B/P   run over the objects already under B/P (your photos):\n"
    "                          nothing generated or uploaded (source)\n"
    "      --stage FILE.so[:ARG]  your plugin CPU stage (stage)\n"
    "      --stage-cmd CMD     your co-process CPU stage (stage_cmd)\n"
    "      --transform KIND    none, thumbnail or recompress (transform)\n"
    "      --cpu-spin-ms X     CPU burnt per image (cpu_spin_ms)\n"
    "      --images N          keys per run, 0 = the whole dataset (images)\n"
    "      --repeat N          runs of each model and level (repeat)\n"
    "      --workers N         hybrid's CPU-stage threads (workers)\n"
    "      --latency-ms MS     one-way delay through the shaper (latency_ms)\n"
    "      --name NAME         the scenario's name, default adhoc (name)\n"
    "      --cpu-profile       record each run with perf: top functions and a flame\n"
    "                          graph per run in profiles/ (cpu_profile = on)\n"
    "      --client-cpus LIST  bind the models to these PUs (hwloc list, e.g. 0 or 0-1);\n"
    "                          repeatable: one sweep per list (overrides client_cpus)\n"
    "      --server-cpus LIST  bind the S3 server and the shaper to these PUs\n"
    "      --results DIR       where result folders go (default results)\n"
    "      --data DIR          where datasets are generated and folders indexed (data)\n"
    "      --no-report         do not write the report at the end\n"
    "  -n, --dry-run           print the runs the scenario makes, the latency they add\n"
    "                          (and a folder dataset's file count), run nothing\n"
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
	if ((rc = bench_setup(&b, argc, argv)) < 0) {
		rc = bench_run(&b);
		if (rc != BENCH_EXIT_STOPPED && !b.no_report)
			report(&b);
	}
	release(&b);
	return rc;
}

/* Options and scenario into b: -1 to go on, else the exit code. */
static int
parse(struct bench *b, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "scenario", required_argument, NULL, 's' },
		{ "profile", required_argument, NULL, 'p' },
		{ "no-report", no_argument, NULL, 'R' },
		{ "set", required_argument, NULL, 'S' },
		{ "client-cpus", required_argument, NULL, 'C' },
		{ "server-cpus", required_argument, NULL, 'V' },
		{ "results", required_argument, NULL, 'r' },
		{ "data", required_argument, NULL, 'D' },
		{ "dry-run", no_argument, NULL, 'n' },
		{ "json", no_argument, NULL, 'j' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "help", no_argument, NULL, 'h' },
		{ "cpu-profile", no_argument, NULL, 'P' },
	};
	struct option opts[sizeof(longopts) / sizeof(longopts[0]) + BENCH_NKEYS + 1];
	struct overrides o = { .b = b };
	size_t i;
	int rc;

	memcpy(opts, longopts, sizeof(longopts));
	bench_key_options(opts + sizeof(longopts) / sizeof(longopts[0]));
	b->results_root = "results", b->data_dir = "data";
	if ((rc = cli_options(argc, argv, "s:p:m:njqh", opts, usage, on_option, &o)) >= 0)
		return rc;
	if (optind < argc) {
		fprintf(stderr, "exifbench: bench: unexpected argument '%s' (see --help)\n",
		    argv[optind]);
		return EXIT_USAGE;
	}
	if (b->scenario_path == NULL && o.keys[BENCH_KEY_MODEL] == NULL) {
		fprintf(stderr, "exifbench: bench needs --scenario FILE, or --model LIST for an "
		    "ad-hoc bench (see --help)\n");
		return EXIT_USAGE;
	}
	if (b->scenario_path != NULL && (o.keys[BENCH_KEY_MODEL] != NULL ||
	    o.keys[BENCH_KEY_LEVELS] != NULL)) {
		i = o.keys[BENCH_KEY_MODEL] != NULL ? BENCH_KEY_MODEL : BENCH_KEY_LEVELS;
		fprintf(stderr, "exifbench: bench: --%s is for an ad-hoc bench, not with --scenario "
		    "(with a scenario: --set %s=...)\n", bench_key_flag(i), bench_key_name(i));
		return EXIT_USAGE;
	}
	if (b->scenario_path == NULL && b->profile != NULL) {
		fprintf(stderr, "exifbench: bench: --profile needs --scenario (an ad-hoc bench "
		    "has no full.KEY lines)\n");
		return EXIT_USAGE;
	}
	if (b->scenario_path == NULL)
		rc = load_adhoc(b, &o);
	else if ((rc = find_scenario(b)) < 0)
		rc = load(b, &o);
	if (rc >= 0)
		return rc;
	if (b->dry_run) {
		plan_print(&b->plan, &b->sc, stdout);
		print_folder(b);
		plan_free(&b->plan);
		return 0;
	}
	b->progress = !b->quiet && isatty(STDERR_FILENO);
	return -1;
}

static int
on_option(int ch, const char *arg, void *ctx)
{
	struct overrides *o = ctx;
	struct bench *b = o->b;

	switch (ch) {
	case 's': b->scenario_path = arg; break;
	case 'p': b->profile = arg; break;
	case 'R': b->no_report = 1; break;
	case 'P': o->cpu_profile = 1; break;
	case 'S':
		if (o->nsets == 64 || strchr(arg, '=') == NULL) {
			fprintf(stderr, "exifbench: --set '%s': expected KEY=VALUE (at most 64)\n",
			    arg);
			return EXIT_USAGE;
		}
		o->sets[o->nsets++] = arg;
		break;
	case 'C':
		if (o->ncpus == SCENARIO_MAX_CPUSETS) {
			fprintf(stderr, "exifbench: at most %d --client-cpus\n",
			    SCENARIO_MAX_CPUSETS);
			return EXIT_USAGE;
		}
		o->cpus[o->ncpus++] = arg;
		break;
	case 'V': o->server = arg; break;
	case 'm': o->keys[BENCH_KEY_MODEL] = arg; break;
	case 'r': b->results_root = arg; break;
	case 'D': b->data_dir = arg; break;
	case 'n': b->dry_run = 1; break;
	case 'j': b->json = 1; break;
	case 'q': b->quiet = 1; break;
	default:
		if (ch >= BENCH_KEY_OPT && ch < BENCH_KEY_OPT + BENCH_NKEYS)
			o->keys[ch - BENCH_KEY_OPT] = arg;
	}
	return -1;
}

/*
 * The folder of the shipped files into b->home, and the scenario's file (a bare name may be a
 * shipped scenario's): -1, or EXIT_USAGE. No folder found is an error only for a bare name
 * that is not a file here; bench_setup and report say it again when they need the folder.
 */
static int
find_scenario(struct bench *b)
{
	static char file[PATH_MAX];
	char err[1024];
	const char *name = b->scenario_path;

	if (home_find(b->home, sizeof(b->home), err, sizeof(err)) < 0) {
		b->home[0] = '\0';
		if (strchr(name, '/') != NULL || access(name, F_OK) == 0)
			return -1;
		fprintf(stderr, "exifbench: scenario '%s' is not a file here, and %s\n", name, err);
		return EXIT_USAGE;
	}
	if (home_scenario(b->home, name, file, sizeof(file), err, sizeof(err)) < 0) {
		fprintf(stderr, "exifbench: %s\n", err);
		return EXIT_USAGE;
	}
	b->scenario_path = file;
	return -1;
}

/*
 * The scenario (its file's, or load_adhoc's already in b->sc) with the command line's
 * overrides, then its plan: -1, or EXIT_USAGE.
 */
static int
load(struct bench *b, const struct overrides *o)
{
	char err[512], key[64], list[SCENARIO_MAX_CPUSETS * 64], *eq;
	size_t i;
	int over;

	if (b->scenario_path != adhoc_path &&
	    scenario_load(b->scenario_path, b->profile, &b->sc, err, sizeof(err)) < 0) {
		fprintf(stderr, "exifbench: %s\n", err);
		return EXIT_USAGE;
	}
	if (set_keys(b, o) < 0)
		return EXIT_USAGE;
	for (i = 0; i < o->nsets; i++) {
		eq = strchr(o->sets[i], '=');
		snprintf(key, sizeof(key), "%.*s", (int)(eq - o->sets[i]), o->sets[i]);
		if (scenario_set(&b->sc, key, eq + 1, err, sizeof(err)) < 0) {
			fprintf(stderr, "exifbench: --set %s: %s\n", o->sets[i], err);
			return EXIT_USAGE;
		}
	}
	for (i = 0, list[0] = '\0'; i < o->ncpus; i++)
		snprintf(list + strlen(list), sizeof(list) - strlen(list), "%s%s", i ? " " : "",
		    o->cpus[i]);
	if ((o->ncpus > 0 && scenario_set(&b->sc, "client_cpus", list, err, sizeof(err)) < 0) ||
	    (o->server != NULL && scenario_set(&b->sc, "server_cpus", o->server, err,
	    sizeof(err)) < 0) || scenario_check(&b->sc, err, sizeof(err)) < 0) {
		fprintf(stderr, "exifbench: %s: %s\n", b->scenario_path, err);
		return EXIT_USAGE;
	}
	if (topo_pus(b->sc.server_cpus, err, sizeof(err)) < 0) {
		fprintf(stderr, "exifbench: %s: server_cpus: %s\n", b->scenario_path, err);
		return EXIT_USAGE;
	}
	for (i = 0, over = o->ncpus > 0 || o->nsets > 0 || o->server != NULL; i < BENCH_NKEYS; i++)
		over |= o->keys[i] != NULL;
	if (plan_make(&b->sc, &b->plan, err, sizeof(err)) < 0) {
		fprintf(stderr, "exifbench: %s%s: %s\n", b->scenario_path,
		    b->scenario_path != adhoc_path && over ? " (with the command line's settings)" :
		    "", err);
		return EXIT_USAGE;
	}
	return -1;
}

/* --dry-run: a folder dataset, its files counted (not indexed, not uploaded). */
static void
print_folder(const struct bench *b)
{
	char err[PATH_MAX + 64], name[DIRDATA_NAME_LEN + 1];
	struct dirdata_scan ds;

	if (b->sc.source[0] != '\0' || b->sc.dataset_dir[0] == '\0')
		return;
	if (dirdata_scan(b->sc.dataset_dir, &ds, err, sizeof(err)) < 0) {
		printf("dataset: the folder %s (%s): %s\n", b->sc.dataset, b->sc.dataset_dir, err);
		return;
	}
	printf("dataset: the folder %s (%s): %zu files, %.1f MB; ", b->sc.dataset,
	    b->sc.dataset_dir, ds.files, (double)ds.bytes / 1e6);
	if (dirdata_lookup(b->data_dir, b->sc.dataset_dir, &ds, name))
		printf("indexed as %s/%s, to load into s3://%s/%s unless it is there\n",
		    b->data_dir, name, b->plan.src_bucket, b->sc.data_prefix[0] ?
		    b->sc.data_prefix : name);
	else
		printf("not indexed yet: a bench indexes it into %s/dir-HASH and loads it into "
		    "s3://%s/%s\n", b->data_dir, b->plan.src_bucket, b->sc.data_prefix[0] ?
		    b->sc.data_prefix : "dir-HASH");
}

/*
 * The ad-hoc scenario: the defaults, named "adhoc" (--name changes it), then the same
 * overrides as a file's (load). -1, or EXIT_USAGE.
 */
static int
load_adhoc(struct bench *b, const struct overrides *o)
{
	char err[256];

	b->scenario_path = adhoc_path, b->adhoc = 1;
	scenario_defaults(&b->sc);
	if (home_find(b->home, sizeof(b->home), err, sizeof(err)) < 0)
		b->home[0] = '\0';	/* bench_setup and report say it when they need it */
	if (scenario_set(&b->sc, "name", "adhoc", err, sizeof(err)) < 0) {
		fprintf(stderr, "exifbench: %s\n", err);
		return EXIT_USAGE;
	}
	return load(b, o);
}

/* The key flags given, in bench_keys.c's order, over b->sc: 0, or -1 after a one-line error. */
static int
set_keys(struct bench *b, const struct overrides *o)
{
	size_t i;

	char err[256];

	for (i = 0; i < BENCH_NKEYS; i++)
		if (o->keys[i] != NULL && bench_key_set(&b->sc, i, o->keys[i]) < 0)
			return -1;
	if (o->cpu_profile && scenario_set(&b->sc, "cpu_profile", "on", err, sizeof(err)) < 0) {
		fprintf(stderr, "exifbench: --cpu-profile: %s\n", err);
		return -1;
	}
	return 0;
}

static void
release(struct bench *b)
{
	json_decref(b->meta);
	json_decref(b->rows);
	plan_free(&b->plan);
}

/* The report of the folder just written; its failure is reported, not the bench's. */
static void
report(const struct bench *b)
{
	char err[1024], dir[PATH_MAX];
	const char *home = b->home;
	int rv;

	if (b->res.dir[0] == '\0')
		return;
	if (home[0] == '\0' && (home = dir, home_find(dir, sizeof(dir), err, sizeof(err))) < 0) {
		fprintf(stderr, "exifbench: report: %s\n", err);
		return;
	}
	rv = report_make(b->res.dir, home, 1, -1, b->quiet ? NULL : stderr, err, sizeof(err));
	if (rv != 0)
		fprintf(stderr, "exifbench: report: %s%s\n", rv > 0 ? "some figures failed: " : "",
		    err);
	else if (!b->quiet)
		fprintf(stderr, "bench: report in %s/report.md\n", b->res.dir);
}
