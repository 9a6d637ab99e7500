/*
 * cmd_report.c: `exifbench report RESULTS_DIR`: report.md, report.html, report.json and plots/
 * from one results folder (one scenario) or the parent of several (what `make bench` writes).
 * The work is report_make's; this file parses the options and prints where the report is.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>

#include "cli.h"
#include "harness/report/report.h"
#include "harness/report/usl.h"
#include "harness/engine/home.h"

/* The flags of the command line; usl_fit -1: each scenario's own key. */
struct flags {
	int draw, json, quiet, usl_fit;
};

static int on_option(int ch, const char *arg, void *ctx);

static const char usage[] =
    "usage: exifbench report [--no-plots] [--json] [--quiet] [--usl-fit relative|ols]\n"
    "                        RESULTS_DIR\n"
    "Reads RESULTS_DIR -- a folder `exifbench bench` or `exifbench run --results` wrote (it\n"
    "holds meta.json), or a folder of several (`make bench` writes one per run of it) --\n"
    "and writes into it (what a folder says it did not record, it says too):\n"
    "  report.md     the report: summary per model and scenario, where one image's time\n"
    "                goes, the verdict (I/O- or CPU-bound) and why, bounds and efficiency,\n"
    "                USL scaling fits and recommended concurrency, hardware scaling,\n"
    "                capacity planning with labelled what-if predictions, what could skew it\n"
    "  report.html   the same report as one self-contained web page: the tables, and the\n"
    "                figures inline as SVG (open it from the file; no server needed)\n"
    "  report.json   the same figures, for programs\n"
    "  plots/        the figures, PNG and SVG, drawn by gnuplot from plots/*.gp with their\n"
    "                data in plots/data/ (gnuplot's messages: plots/gnuplot.log)\n"
    "  -n, --no-plots   tables only: do not run gnuplot for the figures (the USL fit still\n"
    "                   runs gnuplot)\n"
    "  -j, --json       print one JSON line: report, html, json and plots (their paths) and\n"
    "                   figures (\"drawn\", \"not drawn\" or \"some failed\")\n"
    "  -q, --quiet      no progress lines on stderr\n"
    "  -u, --usl-fit W  weigh the USL fits so, in every scenario: relative (relative\n"
    "                   residuals, lambda pinned to X(1)) or ols (ordinary least squares,\n"
    "                   lambda fitted too); default: each scenario's usl_fit key, else\n"
    "                   relative. The scaling section says which, and why\n"
    "  -h, --help       this text\n"
    "The gnuplot scripts are read from plots/ in $EXIFBENCH_HOME, else in the checkout the\n"
    "binary runs from, else in PREFIX/share/exifbench (`exifbench --help` names the one\n"
    "found). docs/methodology.md says how every number is measured.\n"
    "Exit: 0 written; 1 written but some figures failed (the report says which);\n"
    "2 usage or not a results folder; 3 the report could not be written.\n";

int
cmd_report(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "no-plots", no_argument, NULL, 'n' },
		{ "json", no_argument, NULL, 'j' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "usl-fit", required_argument, NULL, 'u' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct flags fl = { 1, 0, 0, -1 };
	char home[4096], err[1024], path[4200];
	int rv;

	if ((rv = cli_options(argc, argv, "njqu:h", longopts, usage, on_option, &fl)) >= 0)
		return rv;
	if (argc - optind != 1) {
		fprintf(stderr, "exifbench: report: %s\n%s", argc == optind ?
		    "RESULTS_DIR missing" : "one RESULTS_DIR only", usage);
		return EXIT_USAGE;
	}
	if (home_find(home, sizeof(home), err, sizeof(err)) < 0) {
		fprintf(stderr, "exifbench: report: %s\n", err);
		return EXIT_SETUP;
	}
	rv = report_make(argv[optind], home, fl.draw, fl.usl_fit, fl.quiet ? NULL : stderr, err,
	    sizeof(err));
	if (rv < 0) {
		fprintf(stderr, "exifbench: report: %s\n", err);
		return rv == -1 ? EXIT_USAGE : EXIT_SETUP;
	}
	if (rv > 0)
		fprintf(stderr, "exifbench: report: some figures failed: %s\n", err);
	snprintf(path, sizeof(path), "%s/report.md", argv[optind]);
	if (fl.json)
		cli_print_json(json_pack("{s:s,s:s+,s:s+,s:s+,s:s}", "report", path, "html",
		    argv[optind], "/report.html", "json", argv[optind], "/report.json", "plots",
		    argv[optind], "/plots", "figures",
		    !fl.draw ? "not drawn" : rv == 0 ? "drawn" : "some failed"));
	else if (!fl.quiet)
		fprintf(stderr, "report: written to %s\n", path);
	return rv > 0 ? EXIT_ITEMS : 0;
}

static int
on_option(int ch, const char *arg, void *ctx)
{
	struct flags *fl = ctx;
	enum usl_weight w;

	switch (ch) {
	case 'u':
		if (usl_weight_parse(arg, &w) < 0) {
			fprintf(stderr, "exifbench: report: --usl-fit '%s': not relative or ols\n",
			    arg);
			return EXIT_USAGE;
		}
		fl->usl_fit = (int)w;
		break;
	case 'n': fl->draw = 0; break;
	case 'j': fl->json = 1; break;
	case 'q': fl->quiet = 1; break;
	}
	return -1;
}
