/*
 * cmd_dataset_index.c: `exifbench dataset index DIR|s3://BUCKET[/PREFIX] --out FILE`: a
 * manifest for photos as they are (datasets/index.h), written to FILE ("-": stdout), a line
 * per failed file on stderr, and a summary on stderr (or, with --json and a FILE, as one JSON
 * object on stdout).
 */
#include <errno.h>
#include <jansson.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "cmd_dataset_index.h"
#include "cmd_dataset_s3.h"
#include "datasets/index.h"
#include "models/core/s3url.h"

struct index_cli {
	const char *out_path;
	unsigned long concurrency;
	int json;
};

static int on_option(int ch, const char *arg, void *ctx);
static void print_error(const char *key, const char *error, void *arg);
static void print_summary(const struct index_cli *c, const char *what,
    const struct index_stats *st);

static const char usage[] =
    "usage: exifbench dataset index DIR|s3://BUCKET[/PREFIX] --out FILE [--concurrency N]\n"
    "                               [--json]\n"
    "Writes a manifest (the format of `dataset gen`'s manifest.jsonl) for photos as they are:\n"
    "per file its key, size, SHA-256, kind (ok: a JPEG with EXIF, noexif, corrupt: not a\n"
    "readable JPEG), frame size and EXIF values. DIR's regular files but manifest.jsonl (the\n"
    "files `dataset load` uploads), or the objects under PREFIX/ (each is downloaded once).\n"
    "  -o, --out FILE        the manifest to write ('-': stdout)\n"
    "  -c, --concurrency N   files read at once (default 8)\n"
    "  -j, --json            print the summary as JSON on stdout (needs --out FILE)\n";

static int
on_option(int ch, const char *arg, void *ctx)
{
	struct index_cli *c = ctx;

	switch (ch) {
	case 'o': c->out_path = arg; break;
	case 'c': return cli_parse_uint("--concurrency", arg, 1, 1024, &c->concurrency) < 0 ?
	    EXIT_USAGE : -1;
	case 'j': c->json = 1; break;
	}
	return -1;
}

static void
print_error(const char *key, const char *error, void *arg)
{
	fprintf(stderr, "dataset index: %s: %s\n", key, error);
}

static void
print_summary(const struct index_cli *c, const char *what, const struct index_stats *st)
{
	if (c->json) {
		cli_print_json(json_pack("{s:s, s:s, s:I, s:I, s:I, s:I, s:I, s:I, s:f}",
		    "source", what, "manifest", c->out_path, "files", (json_int_t)st->files,
		    "failed", (json_int_t)st->failed, "bytes", (json_int_t)st->bytes, "ok",
		    (json_int_t)st->kinds[MANIFEST_OK], "noexif",
		    (json_int_t)st->kinds[MANIFEST_NOEXIF], "corrupt",
		    (json_int_t)st->kinds[MANIFEST_CORRUPT], "seconds", st->seconds));
		return;
	}
	fprintf(stderr, "indexed %zu files of %s, %.1f MB (%zu with EXIF, %zu without, %zu not "
	    "readable JPEGs), %zu failed, in %.2f s\n", st->files, what, (double)st->bytes / 1e6,
	    st->kinds[MANIFEST_OK], st->kinds[MANIFEST_NOEXIF], st->kinds[MANIFEST_CORRUPT],
	    st->failed, st->seconds);
}

int
dataset_index(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "out", required_argument, NULL, 'o' },
		{ "concurrency", required_argument, NULL, 'c' },
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct index_cli c = { .concurrency = 8 };
	struct index_options o = { .on_error = print_error };
	char err[DATASET_ERRLEN], bucket[64], prefix[MANIFEST_KEY_MAX];
	struct s3_config cfg;
	struct index_stats st;
	const char *what;
	int rc;

	if ((rc = cli_options(argc, argv, "o:c:jh", longopts, usage, on_option, &c)) >= 0)
		return rc;
	if (argc - optind != 1 || c.out_path == NULL || (c.json && strcmp(c.out_path, "-") == 0)) {
		fprintf(stderr, "exifbench: dataset index needs DIR or s3://BUCKET[/PREFIX] and "
		    "--out FILE (a file, with --json)\n%s", usage);
		return EXIT_USAGE;
	}
	what = argv[optind];
	o.concurrency = (unsigned)c.concurrency;
	if (strncmp(what, "s3://", 5) != 0) {
		if (cli_check_dir("dataset index DIR", what) < 0)
			return EXIT_USAGE;
		o.dir = what;
	} else if (s3url_parse_uri(what, bucket, sizeof(bucket), prefix, sizeof(prefix), err,
	    sizeof(err)) < 0) {
		fprintf(stderr, "exifbench: %s\n", err);
		return EXIT_USAGE;
	} else if (s3_config_from_env(&cfg, err, sizeof(err)) < 0) {
		fprintf(stderr, "exifbench: %s\n", err);
		return EXIT_SETUP;
	} else {
		o.cfg = &cfg, o.bucket = bucket, o.prefix = prefix;
	}
	if (strcmp(c.out_path, "-") != 0 && cli_check_out("dataset index --out", c.out_path) < 0)
		return EXIT_USAGE;
	if ((o.out = strcmp(c.out_path, "-") == 0 ? stdout : fopen(c.out_path, "w")) == NULL) {
		fprintf(stderr, "exifbench: dataset index --out '%s': %s\n", c.out_path,
		    strerror(errno));
		return EXIT_USAGE;
	}
	rc = index_run(&o, &st, err, sizeof(err));
	if (o.out != stdout && fclose(o.out) != 0 && rc >= 0)
		snprintf(err, sizeof(err), "writing '%s' failed", c.out_path), rc = -1;
	if (rc < 0) {
		fprintf(stderr, "exifbench: dataset index: %s\n", err);
		return EXIT_SETUP;
	}
	print_summary(&c, what, &st);
	return rc > 0 ? EXIT_ITEMS : 0;
}
