/*
 * cmd_dataset.c: `exifbench dataset gen|load|verify|rm|ls|index|profiles`. Dispatches to the
 * subcommand; the local ones are here (gen, profiles), the ones that talk to S3 in
 * cmd_dataset_s3.c. Each parses its options, calls the datasets/ module, prints a human summary
 * (or, with --json, one JSON object) on stdout and one line per failed item on stderr, and maps
 * the outcome onto the exit codes of cli.h.
 */
#include <jansson.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "cmd_dataset_index.h"
#include "cmd_dataset_s3.h"
#include "datasets/gen.h"
#include "datasets/manifest.h"

/* Where gen's options go. */
struct gen_args {
	struct gen_options *o;
	const struct gen_profile **p;
	int *json, have_seed;
};

static int gen_parse(int argc, char **argv, struct gen_options *o, const struct gen_profile **p,
    int *json);
static int gen_option(int ch, const char *arg, void *ctx);
static const char *profile_names(char *buf, size_t len);
static void gen_print(const struct gen_profile *p, const struct gen_options *o,
    const struct gen_stats *st, int json);
static int gen_main(int argc, char **argv);
static int profiles_main(int argc, char **argv);

/* The subcommands; argv[0] is the subcommand's name. */
static const struct {
	const char *name;
	int (*main)(int argc, char **argv);
} commands[] = {
	{ "gen", gen_main },
	{ "load", dataset_load },
	{ "verify", dataset_verify },
	{ "rm", dataset_rm },
	{ "ls", dataset_ls },
	{ "index", dataset_index },
	{ "profiles", profiles_main },
};

static const char gen_usage[] =
    "usage: exifbench dataset gen --profile P --out DIR [--seed N] [--count N]\n"
    "                             [--bad-fraction F] [--threads N] [--json]\n"
    "Writes deterministic JPEGs with camera-like EXIF and DIR/manifest.jsonl.\n"
    "  -p, --profile P       tiny, default or seed003 (see `exifbench dataset profiles`)\n"
    "  -o, --out DIR         output folder, created with its parents if missing\n"
    "  -s, --seed N          seed (default: the profile's); same seed, same bytes\n"
    "  -n, --count N         number of images (default: the profile's)\n"
    "  -b, --bad-fraction F  share of truncated, EXIF-less and corrupt files, 0..1 (0)\n"
    "  -t, --threads N       generator threads (default: the CPUs available)\n"
    "  -j, --json            print the summary as JSON\n";

static const struct option gen_longopts[] = {
	{ "profile", required_argument, NULL, 'p' },
	{ "out", required_argument, NULL, 'o' },
	{ "seed", required_argument, NULL, 's' },
	{ "count", required_argument, NULL, 'n' },
	{ "bad-fraction", required_argument, NULL, 'b' },
	{ "threads", required_argument, NULL, 't' },
	{ "json", no_argument, NULL, 'j' },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

/*
 * Parses gen's command line into o and *p. Returns -1 to go on, or the exit code to return
 * now (after --help, or a usage error already printed).
 */
static int
gen_parse(int argc, char **argv, struct gen_options *o, const struct gen_profile **p,
    int *json)
{
	struct gen_args g = { o, p, json, 0 };
	int rc;

	if ((rc = cli_options(argc, argv, "p:o:s:n:b:t:jh", gen_longopts, gen_usage, gen_option,
	    &g)) >= 0)
		return rc;
	if (*p == NULL || o->out_dir == NULL || optind != argc) {
		fprintf(stderr, "exifbench: dataset gen needs --profile and --out\n%s", gen_usage);
		return EXIT_USAGE;
	}
	if (!g.have_seed)
		o->seed = (*p)->seed;
	if (o->count == 0)
		o->count = (*p)->count;
	return -1;
}

/* One of gen's options into the gen_args ctx: -1 to go on, else the exit code. */
static int
gen_option(int ch, const char *arg, void *ctx)
{
	struct gen_args *g = ctx;
	unsigned long v;
	char buf[128];

	switch (ch) {
	case 'p':
		if ((*g->p = gen_profile_find(arg)) == NULL) {
			fprintf(stderr, "exifbench: unknown profile '%s' (%s)\n", arg,
			    profile_names(buf, sizeof(buf)));
			return EXIT_USAGE;
		}
		break;
	case 'o': g->o->out_dir = arg; break;
	case 's':
		if (cli_parse_uint("--seed", arg, 0, ULONG_MAX, &v) < 0)
			return EXIT_USAGE;
		g->o->seed = v;
		g->have_seed = 1;
		break;
	case 'n':
		if (cli_parse_uint("--count", arg, 1, 10000000, &v) < 0)
			return EXIT_USAGE;
		g->o->count = (unsigned)v;
		break;
	case 'b':
		if (cli_parse_double("--bad-fraction", arg, 0, 1, &g->o->bad_fraction) < 0)
			return EXIT_USAGE;
		break;
	case 't':
		if (cli_parse_uint("--threads", arg, 0, 1024, &v) < 0)
			return EXIT_USAGE;
		g->o->threads = (unsigned)v;
		break;
	case 'j': *g->json = 1; break;
	}
	return -1;
}

/* The names of gen_profiles, in table order, comma-separated, into buf. */
static const char *
profile_names(char *buf, size_t len)
{
	const struct gen_profile *p;

	buf[0] = '\0';
	for (p = gen_profiles; p->name != NULL; p++)
		cli_list_add(buf, len, p->name);
	return buf;
}

static void
gen_print(const struct gen_profile *p, const struct gen_options *o, const struct gen_stats *st,
    int json)
{
	if (json) {
		cli_print_json(json_pack("{s:s, s:s, s:I, s:i, s:I, s:i, s:i, s:i, s:i, s:f, s:f}",
		    "profile", p->name, "out", o->out_dir, "seed", (json_int_t)o->seed, "files",
		    st->files, "bytes", (json_int_t)st->bytes, "ok", st->kinds[MANIFEST_OK],
		    "noexif", st->kinds[MANIFEST_NOEXIF], "truncated",
		    st->kinds[MANIFEST_TRUNCATED], "corrupt", st->kinds[MANIFEST_CORRUPT],
		    "seconds", st->seconds, "images_per_s", st->files / st->seconds));
	} else {
		printf("generated %u files, %.1f MB (%u ok, %u no EXIF, %u truncated, %u corrupt) "
		    "in %s in %.2f s (%.0f images/s), seed %llu\n", st->files, st->bytes / 1e6,
		    st->kinds[MANIFEST_OK], st->kinds[MANIFEST_NOEXIF],
		    st->kinds[MANIFEST_TRUNCATED], st->kinds[MANIFEST_CORRUPT], o->out_dir,
		    st->seconds, st->files / st->seconds, (unsigned long long)o->seed);
	}
}

static int
gen_main(int argc, char **argv)
{
	const struct gen_profile *p = NULL;
	struct gen_options o = { 0 };
	struct gen_stats st;
	char err[DATASET_ERRLEN];
	int rc, json = 0;

	if ((rc = gen_parse(argc, argv, &o, &p, &json)) >= 0)
		return rc;
	if ((rc = gen_run(&o, &st, err, sizeof(err))) < 0) {
		fprintf(stderr, "exifbench: dataset gen --out: %s\n", err);
		return rc == -2 ? EXIT_USAGE : EXIT_SETUP;	/* else a write failed: no space, say */
	}
	gen_print(p, &o, &st, json);
	return 0;
}

static int
profiles_main(int argc, char **argv)
{
	const struct gen_profile *p;

	for (p = gen_profiles; p->name != NULL; p++)
		printf("%-8s  seed %-3llu  %s\n", p->name, (unsigned long long)p->seed, p->about);
	return 0;
}

/* The subcommands' names, from the table, joined by sep. */
static void
names(FILE *f, const char *sep)
{
	size_t i;

	for (i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		fprintf(f, "%s%s", i > 0 ? sep : "", commands[i].name);
}

int
cmd_dataset(int argc, char **argv)
{
	FILE *f = argc < 2 ? stderr : stdout;
	size_t i;

	if (argc < 2 || strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
		fputs("usage: exifbench dataset ", f);
		names(f, "|");
		fputs(" [--help]\n", f);
		return argc < 2 ? EXIT_USAGE : 0;
	}
	for (i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		if (strcmp(argv[1], commands[i].name) == 0)
			return commands[i].main(argc - 1, argv + 1);
	fprintf(stderr, "exifbench: unknown dataset command '%s' (", argv[1]);
	names(stderr, ", ");
	fputs(")\n", stderr);
	return EXIT_USAGE;
}
