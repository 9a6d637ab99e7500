/*
 * cmd_bench.c: `exifbench bench --scenario FILE`: the command line. Reads the scenario and its
 * overrides (--set, --client-cpus, --server-cpus) into a plan of runs, prints it with
 * --dry-run, else hands over to bench_setup and bench_run (bench.h). Each run of the plan is
 * a separate measured `exifbench run` process; the result folder is described in
 * harness/results/results.h and docs/harness.md.
 */
#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "bench.h"
#include "cli.h"
#include "harness/report/report.h"
#include "harness/engine/topo.h"

static int parse(struct bench *b, int argc, char **argv);
static void release(struct bench *b);
static void report(const struct bench *b);

static const char usage[] =
    "usage: exifbench bench --scenario FILE [options]\n"
    "Runs every model and concurrency level of a scenario (bench/*.conf) as separate\n"
    "measured processes, and writes results/<UTC>-<scenario>/: meta.json, summary.csv,\n"
    "samples.csv, trace.csv, logs/, then the report (report.md, report.json, plots/: see\n"
    "`exifbench report --help`). Starts the local S3 server when AWS_ENDPOINT_URL is\n"
    "unset, loads the scenario's dataset once (reused while it verifies), and runs the\n"
    "network shaper when the scenario asks for latency, bandwidth caps or faults.\n"
    "  -s, --scenario FILE     the scenario (format: docs/harness.md)\n"
    "  -p, --profile NAME      quick (default: the scenario's plain keys) or full (its\n"
    "                          full.KEY lines too: bigger dataset, wider sweeps)\n"
    "      --set KEY=VALUE     override one scenario key (repeatable)\n"
    "      --client-cpus LIST  bind the models to these PUs (hwloc list, e.g. 0 or 0-1);\n"
    "                          repeatable: one sweep per list (overrides client_cpus)\n"
    "      --server-cpus LIST  bind the S3 server and the shaper to these PUs\n"
    "      --results DIR       where result folders go (default results)\n"
    "      --data DIR          where datasets are generated (default data)\n"
    "      --no-report         do not write the report at the end\n"
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
		{ NULL, 0, NULL, 0 },
	};
	const char *sets[64], *cpus[SCENARIO_MAX_CPUSETS], *server = NULL;
	size_t nsets = 0, ncpus = 0, i;
	char err[512], key[64], list[SCENARIO_MAX_CPUSETS * 64], *eq;
	int ch;

	b->results_root = "results", b->data_dir = "data";
	optind = 1;
	while ((ch = getopt_long(argc, argv, "s:p:njqh", longopts, NULL)) != -1) {
		switch (ch) {
		case 's': b->scenario_path = optarg; break;
		case 'p': b->profile = optarg; break;
		case 'R': b->no_report = 1; break;
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
	if (scenario_load(b->scenario_path, b->profile, &b->sc, err, sizeof(err)) < 0) {
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
	if (topo_pus(b->sc.server_cpus, err, sizeof(err)) < 0) {
		fprintf(stderr, "exifbench: %s: server_cpus: %s\n", b->scenario_path, err);
		return EXIT_USAGE;
	}
	if (plan_make(&b->sc, &b->plan, err, sizeof(err)) < 0) {
		fprintf(stderr, "exifbench: %s%s: %s\n", b->scenario_path,
		    ncpus > 0 || nsets > 0 ? " (with the command line's settings)" : "", err);
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
	char err[1024];
	int rv;

	if (b->res.dir[0] == '\0')
		return;
	rv = report_make(b->res.dir, b->home, 1, b->quiet ? NULL : stderr, err, sizeof(err));
	if (rv != 0)
		fprintf(stderr, "exifbench: report: %s%s\n", rv > 0 ? "some figures failed: " : "",
		    err);
	else if (!b->quiet)
		fprintf(stderr, "bench: report in %s/report.md\n", b->res.dir);
}
