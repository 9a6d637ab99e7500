/*
 * cmd_bench.c: `exifbench bench --scenario FILE`: the command line. Reads the scenario and its
 * overrides (--set, --client-cpus, --server-cpus) into a plan of runs, prints it with
 * --dry-run, else hands over to bench_setup and bench_run (bench.h). Each run of the plan is
 * a separate measured `exifbench run` process; the result folder is described in
 * harness/results/results.h and docs/harness.md.
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
	const char *sets[64], *cpus[SCENARIO_MAX_CPUSETS], *server, *source;
	size_t nsets, ncpus;
};

static int parse(struct bench *b, int argc, char **argv);
static int on_option(int ch, const char *arg, void *ctx);
static int find_scenario(struct bench *b);
static int load(struct bench *b, const struct overrides *o);
static void release(struct bench *b);
static void report(const struct bench *b);

static const char usage[] =
    "usage: exifbench bench --scenario FILE [options]\n"
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
    "      --set KEY=VALUE     override one scenario key (repeatable)\n"
    "      --source s3://B/P   run over the objects already under B/P (your photos):\n"
    "                          nothing generated or uploaded (--set source=s3://B/P)\n"
    "      --client-cpus LIST  bind the models to these PUs (hwloc list, e.g. 0 or 0-1);\n"
    "                          repeatable: one sweep per list (overrides client_cpus)\n"
    "      --server-cpus LIST  bind the S3 server and the shaper to these PUs\n"
    "      --results DIR       where result folders go (default results)\n"
    "      --data DIR          where datasets are generated (default data)\n"
    "      --no-report         do not write the report at the end\n"
    "  -n, --dry-run           print the runs the scenario makes and the latency they\n"
    "                          add, run nothing\n"
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
		{ "source", required_argument, NULL, 'U' },
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
	struct overrides o = { .b = b };
	int rc;

	b->results_root = "results", b->data_dir = "data";
	if ((rc = cli_options(argc, argv, "s:p:njqh", longopts, usage, on_option, &o)) >= 0)
		return rc;
	if (optind < argc || b->scenario_path == NULL) {
		fprintf(stderr, "exifbench: bench needs --scenario FILE and no other argument "
		    "(see --help)\n");
		return EXIT_USAGE;
	}
	if ((rc = find_scenario(b)) >= 0 || (rc = load(b, &o)) >= 0)
		return rc;
	if (b->dry_run) {
		plan_print(&b->plan, &b->sc, stdout);
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
	case 'U': o->source = arg; break;
	case 'r': b->results_root = arg; break;
	case 'D': b->data_dir = arg; break;
	case 'n': b->dry_run = 1; break;
	case 'j': b->json = 1; break;
	case 'q': b->quiet = 1; break;
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

/* The scenario with the command line's overrides, then its plan: -1, or EXIT_USAGE. */
static int
load(struct bench *b, const struct overrides *o)
{
	char err[512], key[64], list[SCENARIO_MAX_CPUSETS * 64], *eq;
	size_t i;

	if (scenario_load(b->scenario_path, b->profile, &b->sc, err, sizeof(err)) < 0) {
		fprintf(stderr, "exifbench: %s\n", err);
		return EXIT_USAGE;
	}
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
	if ((o->source != NULL && scenario_set(&b->sc, "source", o->source, err, sizeof(err)) < 0) ||
	    (o->ncpus > 0 && scenario_set(&b->sc, "client_cpus", list, err, sizeof(err)) < 0) ||
	    (o->server != NULL && scenario_set(&b->sc, "server_cpus", o->server, err,
	    sizeof(err)) < 0) || scenario_check(&b->sc, err, sizeof(err)) < 0) {
		fprintf(stderr, "exifbench: %s: %s\n", b->scenario_path, err);
		return EXIT_USAGE;
	}
	if (topo_pus(b->sc.server_cpus, err, sizeof(err)) < 0) {
		fprintf(stderr, "exifbench: %s: server_cpus: %s\n", b->scenario_path, err);
		return EXIT_USAGE;
	}
	if (plan_make(&b->sc, &b->plan, err, sizeof(err)) < 0) {
		fprintf(stderr, "exifbench: %s%s: %s\n", b->scenario_path,
		    o->ncpus > 0 || o->nsets > 0 || o->source != NULL ?
	    " (with the command line's settings)" : "",
		    err);
		return EXIT_USAGE;
	}
	return -1;
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
	rv = report_make(b->res.dir, home, 1, b->quiet ? NULL : stderr, err, sizeof(err));
	if (rv != 0)
		fprintf(stderr, "exifbench: report: %s%s\n", rv > 0 ? "some figures failed: " : "",
		    err);
	else if (!b->quiet)
		fprintf(stderr, "bench: report in %s/report.md\n", b->res.dir);
}
