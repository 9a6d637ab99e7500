/*
 * cmd_plan.c: `exifbench plan RESULTS_DIR --images N --deadline T ...`, the capacity planner:
 * the command line. Reads the folder as the report does (report_build: the result set, each
 * model's runs and USL fit), has plan_doc.c build the plan as one JSON document, and prints
 * it as it is (--json) or as text (plan_text.c); --check hands over to plan_check.c.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "harness/engine/home.h"
#include "plan_cmd.h"

enum { O_IMAGES = 256, O_DEADLINE, O_SLO, O_PRICE, O_REQ, O_HEADROOM, O_LAT, O_CPU, O_CHECK };

static int on_option(int ch, const char *arg, void *ctx);

static const char usage[] =
    "usage: exifbench plan RESULTS_DIR --images N --deadline T [--slo-p99-ms X]\n"
    "           [--price-per-hour P] [--request-prices GET,PUT] [--headroom F]\n"
    "           [--latency-ms L] [--cpu-ms C] [--json]\n"
    "       exifbench plan --check PREDICTION.json RESULTS_DIR [--json]\n"
    "How many machines like the measured one a batch of N images needs to finish within T,\n"
    "from each model's best setting in RESULTS_DIR (a folder of `exifbench bench`, or a\n"
    "folder of several): the level (and offered rate, open loop) with the highest mean\n"
    "images/s over its repeats that ended ok; then machines N / (X (1 - F) T), fractional\n"
    "and rounded up, the hours on that many, and the cost per million images: machine time\n"
    "(machines x hours x P) and requests (GETs and PUTs per image, from the trace's attempt\n"
    "counts, x the prices per 1000). docs/planning.md has the formulas.\n"
    "  --images N            the batch: 10000000, 10M (k, M, G)\n"
    "  --deadline T          24h, 90m, 3600s or 3600 (seconds), 2d\n"
    "  --slo-p99-ms X        only settings whose p99 is at most X ms (resp_p99_ms of an\n"
    "                        open-loop run, else e2e_p99_ms: which one is said)\n"
    "  --price-per-hour P    price of one machine-hour (no currency assumed)\n"
    "  --request-prices G,P  prices per 1000 GET and per 1000 PUT requests\n"
    "  --headroom F          plan each machine at (1 - F) of its rate, 0 <= F < 1 (default 0)\n"
    "  --latency-ms L        what if the one-way latency were L ms (or Kx: K times the\n"
    "                        measured): a PREDICTION, at the level chosen for it\n"
    "  --cpu-ms C            what if the CPU stage (cpu_spin_ms) were C ms (or Kx)\n"
    "  --check PRED          compare PRED (plan --json with a what-if) with the runs of a\n"
    "                        later bench in RESULTS_DIR: predicted, measured, error %\n"
    "  -j, --json            the same as one JSON document on stdout (a prediction's\n"
    "                        \"kind\" is \"prediction\": keep it for --check)\n"
    "  -h, --help            this text\n"
    "Exit: 0 planned (or checked, whatever the errors); 2 usage (a bad N, T, price list,\n"
    "headroom, a missing folder); 3 a folder or file that does not read as results or a\n"
    "prediction (no meta.json, no summary.csv), or --check found no run to compare.\n";

int
cmd_plan(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "images", required_argument, NULL, O_IMAGES },
		{ "deadline", required_argument, NULL, O_DEADLINE },
		{ "slo-p99-ms", required_argument, NULL, O_SLO },
		{ "price-per-hour", required_argument, NULL, O_PRICE },
		{ "request-prices", required_argument, NULL, O_REQ },
		{ "headroom", required_argument, NULL, O_HEADROOM },
		{ "latency-ms", required_argument, NULL, O_LAT },
		{ "cpu-ms", required_argument, NULL, O_CPU },
		{ "check", required_argument, NULL, O_CHECK },
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct plan_opts o;
	struct report rep;
	char home[4096], err[1024];
	json_t *doc;
	int rv;

	memset(&o, 0, sizeof(o));
	o.in.price_hour = o.in.get_1k = o.in.put_1k = -1;
	if ((rv = cli_options(argc, argv, "jh", longopts, usage, on_option, &o)) >= 0)
		return rv;
	if (argc - optind != 1) {
		fprintf(stderr, "exifbench: plan: %s\n%s", argc == optind ? "RESULTS_DIR missing" :
		    "one RESULTS_DIR only", usage);
		return EXIT_USAGE;
	}
	if (cli_check_dir("plan RESULTS_DIR", argv[optind]) < 0)
		return EXIT_USAGE;
	if (o.check != NULL)
		return plan_check(&o, argv[optind]);
	if (!(o.in.images > 0) || !(o.in.deadline_s > 0)) {
		fprintf(stderr, "exifbench: plan: --images and --deadline are needed (see "
		    "--help)\n");
		return EXIT_USAGE;
	}
	if (home_find(home, sizeof(home), err, sizeof(err)) < 0) {
		fprintf(stderr, "exifbench: plan: %s\n", err);
		return EXIT_SETUP;
	}
	if (report_build(&rep, argv[optind], home, -1, err, sizeof(err)) < 0) {
		fprintf(stderr, "exifbench: plan: %s\n", err);
		return EXIT_SETUP;
	}
	doc = plan_doc(&o, &rep, err, sizeof(err));
	report_free(&rep);
	if (doc == NULL) {
		fprintf(stderr, "exifbench: plan: %s\n", err);
		return EXIT_SETUP;
	}
	json_object_set_new(json_object_get(doc, "inputs"), "results", json_string(argv[optind]));
	if (o.json) {
		json_dumpf(doc, stdout, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
		putchar('\n');
	} else
		plan_text(doc);
	json_decref(doc);
	return 0;
}

static int
on_option(int ch, const char *arg, void *ctx)
{
	struct plan_opts *o = ctx;
	char err[256];
	const char *name = "";
	double x;
	int bad = 0;

	switch (ch) {
	case O_IMAGES:
		name = "--images", bad = capacity_parse_count(arg, &o->in.images, err,
		    sizeof(err));
		break;
	case O_DEADLINE:
		name = "--deadline", bad = capacity_parse_duration(arg, &o->in.deadline_s, err,
		    sizeof(err));
		break;
	case O_REQ:
		name = "--request-prices", bad = capacity_parse_prices(arg, &o->in.get_1k,
		    &o->in.put_1k, err, sizeof(err));
		break;
	case O_SLO:
		return cli_parse_double("plan --slo-p99-ms", arg, 1e-6, 1e9, &o->slo_ms) < 0 ?
		    EXIT_USAGE : -1;
	case O_PRICE:
		return cli_parse_double("plan --price-per-hour", arg, 0, 1e12,
		    &o->in.price_hour) < 0 ? EXIT_USAGE : -1;
	case O_HEADROOM:
		if (cli_parse_double("plan --headroom", arg, 0, 1, &o->in.headroom) < 0)
			return EXIT_USAGE;
		if (o->in.headroom >= 1) {
			fprintf(stderr, "exifbench: plan --headroom '%s' must be under 1 (the "
			    "fraction of each machine's rate held back)\n", arg);
			return EXIT_USAGE;
		}
		return -1;
	case O_LAT:
	case O_CPU:
		/* checked now; "Kx" is resolved per scenario, against what it measured */
		name = ch == O_LAT ? "--latency-ms" : "--cpu-ms";
		bad = capacity_parse_scaled(arg, 1, &x, err, sizeof(err));
		*(ch == O_LAT ? &o->latency : &o->cpu) = arg;
		break;
	case O_CHECK: o->check = arg; return -1;
	case 'j': o->json = 1; return -1;
	}
	if (bad) {
		fprintf(stderr, "exifbench: plan %s %s\n", name, err);
		return EXIT_USAGE;
	}
	return -1;
}
