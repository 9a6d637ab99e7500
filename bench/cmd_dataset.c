/*
 * cmd_dataset.c: `exifbench dataset gen|load|verify|rm|profiles`. Parses options, calls the
 * datasets/ module, prints a human summary (or, with --json, one JSON object) on stdout and one
 * line per failed item on stderr, and maps the outcome onto the exit codes of cli.h.
 */
#include <getopt.h>
#include <jansson.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "gen.h"
#include "load.h"
#include "manifest.h"
#include "remove.h"
#include "s3.h"
#include "verify.h"

#define ERRLEN 640

static int gen_main(int argc, char **argv);
static int load_main(int argc, char **argv);
static int verify_main(int argc, char **argv);
static int rm_main(int argc, char **argv);
static int profiles_main(void);
static int parse_uint(const char *opt, const char *s, unsigned long min, unsigned long max,
    unsigned long *out);
static int setup_s3(struct s3_config *cfg, const char *uri, char *bucket, size_t bucketlen,
    char *prefix, size_t prefixlen);
static void print_item_error(const char *key, const char *error, void *arg);
static void print_json(json_t *o);

static const char gen_usage[] =
    "usage: exifbench dataset gen --profile P --out DIR [--seed N] [--count N]\n"
    "                             [--bad-fraction F] [--threads N] [--json]\n"
    "Writes deterministic JPEGs with camera-like EXIF and DIR/manifest.jsonl.\n"
    "  -p, --profile P       tiny, default or seed003 (see `exifbench dataset profiles`)\n"
    "  -o, --out DIR         output folder, created if missing\n"
    "  -s, --seed N          seed (default: the profile's); same seed, same bytes\n"
    "  -n, --count N         number of images (default: the profile's)\n"
    "  -b, --bad-fraction F  share of truncated, EXIF-less and corrupt files, 0..1 (0)\n"
    "  -t, --threads N       generator threads (default: the CPUs available)\n"
    "  -j, --json            print the summary as JSON\n";

static const char load_usage[] =
    "usage: exifbench dataset load DIR s3://BUCKET[/PREFIX] [--concurrency N] [--json]\n"
    "Uploads every regular file of DIR (not manifest.jsonl) as PREFIX/NAME, creating the\n"
    "bucket if needed, then LISTs PREFIX to prove every file arrived with its size.\n"
    "  -c, --concurrency N   uploads in flight (default 8)\n"
    "  -j, --json            print the summary as JSON\n";

static const char verify_usage[] =
    "usage: exifbench dataset verify MANIFEST|DIR s3://BUCKET[/PREFIX] [--list-only]\n"
    "                                [--concurrency N] [--json]\n"
    "Checks the bucket against a manifest (DIR means DIR/manifest.jsonl): every object is\n"
    "fetched and its size and SHA-256 compared, or with --list-only one LIST compares sizes.\n"
    "  -l, --list-only       compare names and sizes from a LIST, no downloads\n"
    "  -c, --concurrency N   downloads in flight (default 8)\n"
    "  -j, --json            print the summary as JSON\n";

static const char rm_usage[] =
    "usage: exifbench dataset rm s3://BUCKET[/PREFIX] [--bucket] [--concurrency N] [--json]\n"
    "Deletes the object PREFIX and every object under PREFIX/ (all objects when PREFIX is\n"
    "empty).\n"
    "  -B, --bucket          then delete the emptied bucket (needs no PREFIX)\n"
    "  -c, --concurrency N   deletes in flight (default 8)\n"
    "  -j, --json            print the summary as JSON\n";

static int
parse_uint(const char *opt, const char *s, unsigned long min, unsigned long max,
    unsigned long *out)
{
	char *end;
	unsigned long v;

	v = strtoul(s, &end, 10);
	if (*s == '\0' || *s == '-' || *end != '\0' || v < min || v > max) {
		fprintf(stderr, "exifbench: %s '%s' must be an integer from %lu to %lu\n", opt, s,
		    min, max);
		return -1;
	}
	*out = v;
	return 0;
}

static void
print_json(json_t *o)
{
	char *s = json_dumps(o, JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(6));

	if (s != NULL)
		printf("%s\n", s);
	free(s);
	json_decref(o);
}

static void
print_item_error(const char *key, const char *error, void *arg)
{
	fprintf(stderr, "%s: %s: %s\n", (const char *)arg, key, error);
}

/* Reads the AWS_* settings and the s3:// address; prints and returns the exit code on error. */
static int
setup_s3(struct s3_config *cfg, const char *uri, char *bucket, size_t bucketlen,
    char *prefix, size_t prefixlen)
{
	char err[ERRLEN];

	if (s3url_parse_uri(uri, bucket, bucketlen, prefix, prefixlen, err, sizeof(err)) < 0) {
		fprintf(stderr, "exifbench: %s\n", err);
		return EXIT_USAGE;
	}
	if (s3_config_from_env(cfg, err, sizeof(err)) < 0) {
		fprintf(stderr, "exifbench: %s\n", err);
		return EXIT_SETUP;
	}
	return 0;
}

static int
gen_main(int argc, char **argv)
{
	static const struct option longopts[] = {
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
	const struct gen_profile *p = NULL;
	struct gen_options o = { 0 };
	struct gen_stats st;
	unsigned long v;
	char err[ERRLEN], *end;
	int c, json = 0, have_seed = 0;

	while ((c = getopt_long(argc, argv, "p:o:s:n:b:t:jh", longopts, NULL)) != -1) {
		switch (c) {
		case 'p':
			if ((p = gen_profile_find(optarg)) == NULL) {
				fprintf(stderr, "exifbench: unknown profile '%s' (tiny, default, "
				    "seed003)\n", optarg);
				return EXIT_USAGE;
			}
			break;
		case 'o': o.out_dir = optarg; break;
		case 's':
			if (parse_uint("--seed", optarg, 0, ULONG_MAX, &v) < 0)
				return EXIT_USAGE;
			o.seed = v;
			have_seed = 1;
			break;
		case 'n':
			if (parse_uint("--count", optarg, 1, 10000000, &v) < 0)
				return EXIT_USAGE;
			o.count = (unsigned)v;
			break;
		case 'b':
			o.bad_fraction = strtod(optarg, &end);
			if (*optarg == '\0' || *end != '\0' || !(o.bad_fraction >= 0 &&
			    o.bad_fraction <= 1)) {
				fprintf(stderr, "exifbench: --bad-fraction '%s' must be a number "
				    "from 0 to 1\n", optarg);
				return EXIT_USAGE;
			}
			break;
		case 't':
			if (parse_uint("--threads", optarg, 0, 1024, &v) < 0)
				return EXIT_USAGE;
			o.threads = (unsigned)v;
			break;
		case 'j': json = 1; break;
		case 'h': fputs(gen_usage, stdout); return 0;
		default: fputs(gen_usage, stderr); return EXIT_USAGE;
		}
	}
	if (p == NULL || o.out_dir == NULL || optind != argc) {
		fprintf(stderr, "exifbench: dataset gen needs --profile and --out\n%s", gen_usage);
		return EXIT_USAGE;
	}
	if (!have_seed)
		o.seed = p->seed;
	if (o.count == 0)
		o.count = p->count;
	if (gen_run(&o, &st, err, sizeof(err)) < 0) {
		fprintf(stderr, "exifbench: %s\n", err);
		return EXIT_ITEMS;
	}
	if (json) {
		print_json(json_pack("{s:s, s:s, s:I, s:i, s:I, s:i, s:i, s:i, s:i, s:f, s:f}",
		    "profile", p->name, "out", o.out_dir, "seed", (json_int_t)o.seed, "files",
		    st.files, "bytes", (json_int_t)st.bytes, "ok", st.kinds[MANIFEST_OK],
		    "noexif", st.kinds[MANIFEST_NOEXIF], "truncated",
		    st.kinds[MANIFEST_TRUNCATED], "corrupt", st.kinds[MANIFEST_CORRUPT],
		    "seconds", st.seconds, "images_per_s", st.files / st.seconds));
	} else {
		printf("generated %u files, %.1f MB (%u ok, %u no EXIF, %u truncated, %u corrupt) "
		    "in %s in %.2f s (%.0f images/s), seed %llu\n", st.files, st.bytes / 1e6,
		    st.kinds[MANIFEST_OK], st.kinds[MANIFEST_NOEXIF],
		    st.kinds[MANIFEST_TRUNCATED], st.kinds[MANIFEST_CORRUPT], o.out_dir,
		    st.seconds, st.files / st.seconds, (unsigned long long)o.seed);
	}
	return 0;
}

static int
load_main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "concurrency", required_argument, NULL, 'c' },
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct s3_config cfg;
	struct load_options o = { .concurrency = 8, .on_error = print_item_error,
		.arg = "load" };
	struct load_stats st;
	char bucket[64], prefix[MANIFEST_KEY_MAX], err[ERRLEN];
	unsigned long v;
	int c, json = 0, rc;

	while ((c = getopt_long(argc, argv, "c:jh", longopts, NULL)) != -1) {
		switch (c) {
		case 'c':
			if (parse_uint("--concurrency", optarg, 1, 1024, &v) < 0)
				return EXIT_USAGE;
			o.concurrency = (unsigned)v;
			break;
		case 'j': json = 1; break;
		case 'h': fputs(load_usage, stdout); return 0;
		default: fputs(load_usage, stderr); return EXIT_USAGE;
		}
	}
	if (argc - optind != 2) {
		fputs(load_usage, stderr);
		return EXIT_USAGE;
	}
	if ((rc = setup_s3(&cfg, argv[optind + 1], bucket, sizeof(bucket), prefix,
	    sizeof(prefix))) != 0)
		return rc;
	o.cfg = &cfg;
	o.dir = argv[optind];
	o.bucket = bucket;
	o.prefix = prefix;
	rc = load_run(&o, &st, err, sizeof(err));
	if (rc < 0) {
		fprintf(stderr, "exifbench: %s\n", err);
		return EXIT_SETUP;
	}
	if (json) {
		print_json(json_pack("{s:s, s:i, s:i, s:i, s:i, s:I, s:f, s:f, s:f, s:f}", "dest",
		    argv[optind + 1], "files", (int)st.files, "uploaded", (int)st.uploaded,
		    "failed", (int)st.failed, "listed", (int)st.listed, "bytes",
		    (json_int_t)st.bytes, "seconds", st.seconds, "objects_per_s",
		    st.seconds > 0 ? st.uploaded / st.seconds : 0.0, "mib_per_s",
		    st.seconds > 0 ? st.bytes / 1048576.0 / st.seconds : 0.0, "list_seconds",
		    st.list_seconds));
	} else {
		printf("loaded %zu/%zu files (%.1f MB) to %s in %.2f s: %.0f objects/s, "
		    "%.1f MiB/s, %d in flight; LIST shows %zu/%zu (%.2f s)%s\n", st.uploaded,
		    st.files, st.bytes / 1e6, argv[optind + 1], st.seconds,
		    st.seconds > 0 ? st.uploaded / st.seconds : 0.0,
		    st.seconds > 0 ? st.bytes / 1048576.0 / st.seconds : 0.0, o.concurrency,
		    st.listed, st.files, st.list_seconds, rc ? ": INCOMPLETE" : "");
	}
	return rc ? EXIT_ITEMS : 0;
}

static int
verify_main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "list-only", no_argument, NULL, 'l' },
		{ "concurrency", required_argument, NULL, 'c' },
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct s3_config cfg;
	struct verify_options o = { .concurrency = 8, .on_error = print_item_error,
		.arg = "verify" };
	struct verify_stats st;
	char bucket[64], prefix[MANIFEST_KEY_MAX], err[ERRLEN], path[4096];
	unsigned long v;
	size_t n;
	int c, json = 0, rc;

	while ((c = getopt_long(argc, argv, "lc:jh", longopts, NULL)) != -1) {
		switch (c) {
		case 'l': o.list_only = 1; break;
		case 'c':
			if (parse_uint("--concurrency", optarg, 1, 1024, &v) < 0)
				return EXIT_USAGE;
			o.concurrency = (unsigned)v;
			break;
		case 'j': json = 1; break;
		case 'h': fputs(verify_usage, stdout); return 0;
		default: fputs(verify_usage, stderr); return EXIT_USAGE;
		}
	}
	if (argc - optind != 2) {
		fputs(verify_usage, stderr);
		return EXIT_USAGE;
	}
	if ((rc = setup_s3(&cfg, argv[optind + 1], bucket, sizeof(bucket), prefix,
	    sizeof(prefix))) != 0)
		return rc;
	n = strlen(argv[optind]);
	if (n > strlen(".jsonl") && strcmp(argv[optind] + n - strlen(".jsonl"), ".jsonl") == 0)
		snprintf(path, sizeof(path), "%s", argv[optind]);
	else
		snprintf(path, sizeof(path), "%s/%s", argv[optind], MANIFEST_NAME);
	o.cfg = &cfg;
	o.manifest = path;
	o.bucket = bucket;
	o.prefix = prefix;
	rc = verify_run(&o, &st, err, sizeof(err));
	if (rc < 0) {
		fprintf(stderr, "exifbench: %s\n", err);
		return strstr(err, path) == err ? EXIT_USAGE : EXIT_SETUP;
	}
	if (json) {
		print_json(json_pack("{s:s, s:s, s:i, s:i, s:i, s:i, s:i, s:f}", "dest",
		    argv[optind + 1], "mode", o.list_only ? "list" : "sha256", "entries",
		    (int)st.entries, "ok", (int)st.ok, "missing", (int)st.missing, "mismatched",
		    (int)st.mismatched, "failed", (int)st.failed, "seconds", st.seconds));
	} else {
		printf("verified %zu entries of %s against %s (%s) in %.2f s: %zu ok, %zu missing, "
		    "%zu mismatched, %zu failed\n", st.entries, path, argv[optind + 1],
		    o.list_only ? "names and sizes" : "SHA-256", st.seconds, st.ok, st.missing,
		    st.mismatched, st.failed);
	}
	return rc ? EXIT_ITEMS : 0;
}

static int
rm_main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "bucket", no_argument, NULL, 'B' },
		{ "concurrency", required_argument, NULL, 'c' },
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct s3_config cfg;
	struct remove_options o = { .concurrency = 8, .on_error = print_item_error,
		.arg = "rm" };
	struct remove_stats st;
	char bucket[64], prefix[MANIFEST_KEY_MAX], err[ERRLEN];
	unsigned long v;
	int c, json = 0, rc;

	while ((c = getopt_long(argc, argv, "Bc:jh", longopts, NULL)) != -1) {
		switch (c) {
		case 'B': o.bucket_too = 1; break;
		case 'c':
			if (parse_uint("--concurrency", optarg, 1, 1024, &v) < 0)
				return EXIT_USAGE;
			o.concurrency = (unsigned)v;
			break;
		case 'j': json = 1; break;
		case 'h': fputs(rm_usage, stdout); return 0;
		default: fputs(rm_usage, stderr); return EXIT_USAGE;
		}
	}
	if (argc - optind != 1) {
		fputs(rm_usage, stderr);
		return EXIT_USAGE;
	}
	if ((rc = setup_s3(&cfg, argv[optind], bucket, sizeof(bucket), prefix,
	    sizeof(prefix))) != 0)
		return rc;
	if (o.bucket_too && prefix[0]) {
		fprintf(stderr, "exifbench: --bucket removes a whole bucket: drop the prefix "
		    "from '%s'\n", argv[optind]);
		return EXIT_USAGE;
	}
	o.cfg = &cfg;
	o.bucket = bucket;
	o.prefix = prefix;
	rc = remove_run(&o, &st, err, sizeof(err));
	if (rc < 0) {
		fprintf(stderr, "exifbench: %s\n", err);
		return EXIT_SETUP;
	}
	if (json)
		print_json(json_pack("{s:s, s:i, s:i, s:i, s:b}", "target", argv[optind],
		    "matched", (int)st.matched, "removed", (int)st.removed, "failed",
		    (int)st.failed, "bucket_removed", st.bucket_removed));
	else
		printf("removed %zu object%s%s from %s, %zu failed\n", st.removed,
		    st.removed == 1 ? "" : "s", st.bucket_removed ? " and the bucket" : "",
		    argv[optind], st.failed);
	return rc ? EXIT_ITEMS : 0;
}

static int
profiles_main(void)
{
	const struct gen_profile *p;

	for (p = gen_profiles; p->name != NULL; p++)
		printf("%-8s  seed %-3llu  %s\n", p->name, (unsigned long long)p->seed, p->about);
	return 0;
}

int
cmd_dataset(int argc, char **argv)
{
	if (argc < 2 || strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
		fputs("usage: exifbench dataset gen|load|verify|rm|profiles [--help]\n",
		    argc < 2 ? stderr : stdout);
		return argc < 2 ? EXIT_USAGE : 0;
	}
	if (strcmp(argv[1], "gen") == 0)
		return gen_main(argc - 1, argv + 1);
	if (strcmp(argv[1], "load") == 0)
		return load_main(argc - 1, argv + 1);
	if (strcmp(argv[1], "verify") == 0)
		return verify_main(argc - 1, argv + 1);
	if (strcmp(argv[1], "rm") == 0)
		return rm_main(argc - 1, argv + 1);
	if (strcmp(argv[1], "profiles") == 0)
		return profiles_main();
	fprintf(stderr, "exifbench: unknown dataset command '%s' (gen, load, verify, rm, profiles)\n",
	    argv[1]);
	return EXIT_USAGE;
}
