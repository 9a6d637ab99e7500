/*
 * cmd_compare.c: `exifbench compare A B`, the command line. Reads both folders with
 * resultset_load, pairs them with compare_make (harness/report/compare.h: the matching and the
 * noise rule live there) and prints, per scenario, one table row per run and the parameters
 * that differ; or the same as one JSON object with --json.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "harness/report/compare.h"

/* Where the options go. */
struct flags {
	int *json;
	double *threshold;
};

static int parse(int argc, char **argv, int *json, double *threshold);
static int on_option(int ch, const char *arg, void *ctx);
static void print_text(const struct compare *c, const char *a, const char *b);
static void print_scenario(const struct cmp_scenario *cs, double threshold);
static void print_row(const struct cmp_row *r, double threshold, int rated);
static void print_not_recorded(const char *side, const struct rs_scenario *s);
static const char *num(char *buf, int prec, double v);
static const char *pct(char *buf, double v);
static const char *dir_name(const char *dir);

static const char usage[] =
    "usage: exifbench compare [--json] [--threshold PCT] A B\n"
    "Two result folders side by side. A and B are each a folder written by `exifbench\n"
    "bench` or `exifbench run --results` (it holds meta.json) or a folder of several\n"
    "(what `make bench` fills).\n"
    "Scenarios pair by name (the k-th of a name in A with the k-th in B); runs by model,\n"
    "level and client PU set. For each scenario, a row per run: images/s in A and B and\n"
    "the change, e2e p50 and p99 A -> B and their change, errors A/B, and a note; then\n"
    "every scenario, dataset, machine and versions key of meta.json whose value differs.\n"
    "Runs and scenarios found on one side only are listed as such; a side that lacks\n"
    "figures (`exifbench run --results`: no sampler) says which.\n"
    "Noise rule (images/s): B - A is within noise when\n"
    "  |B - A| <= 2 sqrt(seA^2 + seB^2)\n"
    "where se is the standard error of the run's images/s from its per-second completion\n"
    "counts (runs of 5 s or more), or, for a run repeated, the spread of its repeats\n"
    "(sd / sqrt(reps); the run's figures are then the means, errors the sum). When a\n"
    "side has no standard error (a run under 5 s), the change is within noise when\n"
    "|change| <= the threshold. The note says which rule applied.\n"
    "  -t, --threshold PCT     the fallback threshold, percent (default 5)\n"
    "  -j, --json              one JSON object: threshold_pct, matched, scenarios[] with\n"
    "                          name, a, b (folders or null), runs[] (model, level,\n"
    "                          client_pus, in, a and b {reps, images_per_s, se,\n"
    "                          e2e_p50_ms, e2e_p99_ms, errors}, *_change_pct, noise,\n"
    "                          rule, within_noise, note), differences[] {key, a, b}\n"
    "                          and not_recorded {a, b} (what a side's meta.json says it\n"
    "                          lacks, e.g. a single `exifbench run`'s sampler figures)\n"
    "  -h, --help              this text\n"
    "Exit: 0 compared (whatever changed), 1 no scenario name is in both,\n"
    "2 usage, or a folder that is not a results folder or does not read.\n";

int
cmd_compare(int argc, char **argv)
{
	struct resultset a, b;
	struct compare c;
	char err[512];
	double threshold = 5;
	int json = 0, rc;

	memset(&a, 0, sizeof(a)), memset(&b, 0, sizeof(b)), memset(&c, 0, sizeof(c));
	if ((rc = parse(argc, argv, &json, &threshold)) >= 0)
		return rc;
	rc = EXIT_USAGE;
	if (resultset_load(&a, argv[optind], err, sizeof(err)) < 0 ||
	    resultset_load(&b, argv[optind + 1], err, sizeof(err)) < 0 ||
	    compare_make(&c, &a, &b, threshold, err, sizeof(err)) < 0) {
		fprintf(stderr, "exifbench: compare: %s\n", err);
		goto out;
	}
	if (json)
		cli_print_json(compare_json(&c));
	else
		print_text(&c, argv[optind], argv[optind + 1]);
	rc = 0;
	if (c.matched == 0) {
		fprintf(stderr, "exifbench: compare: no scenario of %s is in %s\n", argv[optind],
		    argv[optind + 1]);
		rc = EXIT_ITEMS;
	}
out:
	compare_free(&c);
	resultset_free(&a);
	resultset_free(&b);
	return rc;
}

/* Options into *json and *threshold: -1 to go on (A and B at argv[optind]), else the exit. */
static int
parse(int argc, char **argv, int *json, double *threshold)
{
	static const struct option longopts[] = {
		{ "threshold", required_argument, NULL, 't' },
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct flags fl = { json, threshold };
	int rc;

	if ((rc = cli_options(argc, argv, "t:jh", longopts, usage, on_option, &fl)) >= 0)
		return rc;
	if (argc - optind != 2) {
		fprintf(stderr, "exifbench: compare needs two folders, A and B (see --help)\n");
		return EXIT_USAGE;
	}
	return -1;
}

static int
on_option(int ch, const char *arg, void *ctx)
{
	struct flags *fl = ctx;

	if (ch == 'j')
		*fl->json = 1;
	else if (cli_parse_double("--threshold", arg, 0, 1000, fl->threshold) < 0)
		return EXIT_USAGE;
	return -1;
}

static void
print_text(const struct compare *c, const char *a, const char *b)
{
	size_t i;

	printf("A: %s\nB: %s\n", a, b);
	for (i = 0; i < c->n; i++)
		print_scenario(&c->sc[i], c->threshold_pct);
	printf("\nwithin noise: |B - A| <= 2 sqrt(seA^2 + seB^2) (se from the per-second "
	    "counts or the repeats);\nwithout se, |change| <= %g%%. %zu of %zu scenarios in "
	    "both.\n", c->threshold_pct, c->matched, c->n);
}

static void
print_scenario(const struct cmp_scenario *cs, double threshold)
{
	const json_t *d;
	char *va, *vb;
	size_t i;
	int rated;

	if (cs->a == NULL || cs->b == NULL) {
		printf("\n%s: only in %s (%s)\n", cs->name, cs->a != NULL ? "A" : "B",
		    dir_name(cs->a != NULL ? cs->a->dir : cs->b->dir));
		return;
	}
	printf("\n%s (A %s, B %s)\n", cs->name, dir_name(cs->a->dir), dir_name(cs->b->dir));
	print_not_recorded("A", cs->a);
	print_not_recorded("B", cs->b);
	for (i = 0, rated = 0; i < cs->n_rows; i++)
		rated |= cs->rows[i].rate > 0;
	printf("%-10s %5s %-5s%s %10s %10s %8s %22s %8s %22s %8s %11s  %s\n", "model", "level",
	    "PUs", rated ? "   rate /s" : "", "images/s A", "B", "change", "e2e p50 ms A -> B",
	    "change", "e2e p99 ms A -> B", "change", "errors A/B", "note");
	for (i = 0; i < cs->n_rows; i++)
		print_row(&cs->rows[i], threshold, rated);
	if (json_array_size(cs->diffs) == 0) {
		printf("parameters: the same scenario, dataset, machine and versions\n");
		return;
	}
	printf("parameters that differ (A -> B):\n");
	for (i = 0; i < json_array_size(cs->diffs); i++) {
		d = json_array_get(cs->diffs, i);
		va = json_dumps(json_object_get(d, "a"), JSON_ENCODE_ANY | JSON_COMPACT);
		vb = json_dumps(json_object_get(d, "b"), JSON_ENCODE_ANY | JSON_COMPACT);
		printf("  %-28s %s -> %s\n", json_string_value(json_object_get(d, "key")),
		    va != NULL ? va : "(absent)", vb != NULL ? vb : "(absent)");
		free(va);
		free(vb);
	}
}

/* What a side's meta.json says it lacks (a single `exifbench run`: no sampler). */
static void
print_not_recorded(const char *side, const struct rs_scenario *s)
{
	json_t *nr = rs_meta(s, "not_recorded");
	size_t k;

	if (json_array_size(nr) == 0)
		return;
	printf("not recorded in %s%s: ", side, strcmp(rs_meta_str(s, "command"), "run") == 0 ?
	    " (a single `exifbench run`: no sampler)" : "");
	for (k = 0; k < json_array_size(nr); k++)
		printf("%s%s", k ? "; " : "", json_string_value(json_array_get(nr, k)) ?: "?");
	printf("\n");
}

/* One row; rated: the comparison has open-loop runs, so each row names its offered rate. */
static void
print_row(const struct cmp_row *r, double threshold, int rated)
{
	char b[11][32], note[64], rate[16] = "";

	compare_note(r, threshold, note, sizeof(note));
	if (rated)
		snprintf(rate, sizeof(rate), " %9s", r->rate > 0 ? num(b[0], 1, r->rate) :
		    "closed");
	printf("%-10s %5u %-5s%s %10s %10s %8s %9s -> %-9s %8s %9s -> %-9s %8s %5s/%-5s  %s\n",
	    r->model, r->level, r->tag, rate, num(b[0], 3, r->a.ips),
	    num(b[1], 3, r->b.ips), pct(b[2], r->ips_pct),
	    num(b[3], 1, r->a.p50_ms), num(b[4], 1, r->b.p50_ms),
	    pct(b[5], r->p50_pct), num(b[6], 1, r->a.p99_ms),
	    num(b[7], 1, r->b.p99_ms), pct(b[8], r->p99_pct),
	    num(b[9], 0, r->a.errors), num(b[10], 0, r->b.errors), note);
}

/* v with prec decimals into buf (32 bytes), or "-" when unknown. */
static const char *
num(char *buf, int prec, double v)
{
	if (!isfinite(v))
		return "-";
	snprintf(buf, 32, "%.*f", prec, v);
	return buf;
}

/* A change in percent, signed, or "-" when unknown. */
static const char *
pct(char *buf, double v)
{
	if (!isfinite(v))
		return "-";
	snprintf(buf, 32, "%+.1f%%", v);
	return buf;
}

/* The last component of dir (a results folder's name says when and what). */
static const char *
dir_name(const char *dir)
{
	const char *s = strrchr(dir, '/');

	return s != NULL && s[1] != '\0' ? s + 1 : dir;
}
