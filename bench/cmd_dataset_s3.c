/*
 * cmd_dataset_s3.c: `exifbench dataset load|verify|ls|rm`. Each command parses its options
 * through one shared parser (s3cmd_parse: the flags, the s3:// address, the AWS_* settings),
 * calls its datasets/ engine, prints a human summary (or, with --json, one JSON object) on
 * stdout and one line per failed item on stderr, and maps the outcome onto the exit codes of
 * cli.h.
 */
#include "cmd_dataset_s3.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "datasets/list.h"
#include "datasets/load.h"
#include "datasets/manifest.h"
#include "datasets/remove.h"
#include "datasets/verify.h"
#include "models/core/keyesc.h"
#include "models/core/s3.h"

struct s3cmd;
static int s3cmd_parse(struct s3cmd *c, int argc, char **argv);
static int s3cmd_option(int ch, const char *arg, void *ctx);
static void print_item_error(const char *key, const char *error, void *arg);
static void print_object(const char *key, uint64_t size, const char *sha256, void *arg);
static void print_object_json(const char *key, uint64_t size, const char *sha256, void *arg);

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

static const char ls_usage[] =
    "usage: exifbench dataset ls s3://BUCKET[/PREFIX] [--sha256] [--concurrency N] [--json]\n"
    "Lists the objects under PREFIX/ in key order, one line each: KEY<TAB>SIZE, KEY relative\n"
    "to PREFIX, so that two prefixes can be compared with diff. A backslash, tab, newline\n"
    "or carriage return in a key is written \\\\, \\t, \\n, \\r (jq's @tsv), as run --keys\n"
    "reads it back.\n"
    "      --sha256          fetch every object and add <TAB>SHA256 of its bytes\n"
    "  -c, --concurrency N   downloads in flight with --sha256 (default 8)\n"
    "  -j, --json            one JSON object per line instead: key, size[, sha256]\n";

static void
print_item_error(const char *key, const char *error, void *arg)
{
	fprintf(stderr, "%s: %s: %s\n", (const char *)arg, key, error);
}

/* What the S3 commands (load, verify, rm) share: options, arguments, the endpoint. */
struct s3cmd {
	const char *usage;
	const char *flags;	/* own flags: "l" --list-only, "B" --bucket, "S" --sha256 */
	int nargs;		/* positional arguments; the last is the s3:// address */
	unsigned concurrency;
	int json, list_only, bucket_too, sha256;
	char **argv;		/* the command line, for s3cmd_option's messages */
	char **args;		/* its operands, once parsed */
	struct s3_config cfg;
	char bucket[64], prefix[MANIFEST_KEY_MAX];
};

/*
 * Parses the command line and reads the AWS_* settings into c. Returns -1 to go on, or the
 * exit code to return now (after --help, or a usage or set-up error already printed).
 */
static int
s3cmd_parse(struct s3cmd *c, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "list-only", no_argument, NULL, 'l' },
		{ "sha256", no_argument, NULL, 'S' },
		{ "bucket", no_argument, NULL, 'B' },
		{ "concurrency", required_argument, NULL, 'c' },
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	char optstring[16], err[DATASET_ERRLEN];
	int rc;

	snprintf(optstring, sizeof(optstring), "c:jh%s", c->flags);
	c->argv = argv;
	if ((rc = cli_options(argc, argv, optstring, longopts, c->usage, s3cmd_option, c)) >= 0)
		return rc;
	if (argc - optind != c->nargs) {
		fputs(c->usage, stderr);
		return EXIT_USAGE;
	}
	c->args = argv + optind;
	if (s3url_parse_uri(c->args[c->nargs - 1], c->bucket, sizeof(c->bucket), c->prefix,
	    sizeof(c->prefix), err, sizeof(err)) < 0) {
		fprintf(stderr, "exifbench: %s\n", err);
		return EXIT_USAGE;
	}
	return cli_s3_config(&c->cfg);
}

/*
 * One option into the s3cmd ctx: -1 to go on, else the exit code. The long options of every
 * S3 command are known to each, so that one not among c->flags is named as not applying.
 */
static int
s3cmd_option(int ch, const char *arg, void *ctx)
{
	struct s3cmd *c = ctx;
	unsigned long v;

	if (ch != 'c' && ch != 'j' && strchr(c->flags, ch) == NULL) {
		fprintf(stderr, "exifbench: option '%s' does not apply here\n",
		    c->argv[optind - 1]);
		fputs(c->usage, stderr);
		return EXIT_USAGE;
	}
	switch (ch) {
	case 'l': c->list_only = 1; break;
	case 'S': c->sha256 = 1; break;
	case 'B': c->bucket_too = 1; break;
	case 'c':
		if (cli_parse_uint("--concurrency", arg, 1, 1024, &v) < 0)
			return EXIT_USAGE;
		c->concurrency = (unsigned)v;
		break;
	case 'j': c->json = 1; break;
	}
	return -1;
}

int
dataset_load(int argc, char **argv)
{
	struct s3cmd sc = { .usage = load_usage, .flags = "", .nargs = 2, .concurrency = 8 };
	struct load_options o = { .on_error = print_item_error, .arg = "load" };
	struct load_stats st;
	char err[DATASET_ERRLEN];
	int rc;

	if ((rc = s3cmd_parse(&sc, argc, argv)) >= 0)
		return rc;
	if (cli_check_dir("dataset load DIR", sc.args[0]) < 0)
		return EXIT_USAGE;
	o.cfg = &sc.cfg;
	o.dir = sc.args[0];
	o.bucket = sc.bucket;
	o.prefix = sc.prefix;
	o.concurrency = sc.concurrency;
	rc = load_run(&o, &st, err, sizeof(err));
	if (rc < 0) {
		fprintf(stderr, "exifbench: %s\n", err);
		return EXIT_SETUP;
	}
	if (sc.json) {
		cli_print_json(json_pack("{s:s, s:i, s:i, s:i, s:i, s:I, s:f, s:f, s:f, s:f}", "dest",
		    sc.args[1], "files", (int)st.files, "uploaded", (int)st.uploaded,
		    "failed", (int)st.failed, "listed", (int)st.listed, "bytes",
		    (json_int_t)st.bytes, "seconds", st.seconds, "objects_per_s",
		    st.seconds > 0 ? st.uploaded / st.seconds : 0.0, "mib_per_s",
		    st.seconds > 0 ? st.bytes / 1048576.0 / st.seconds : 0.0, "list_seconds",
		    st.list_seconds));
	} else {
		printf("loaded %zu/%zu files (%.1f MB) to %s in %.2f s: %.0f objects/s, "
		    "%.1f MiB/s, %d in flight; LIST shows %zu/%zu (%.2f s)%s\n", st.uploaded,
		    st.files, st.bytes / 1e6, sc.args[1], st.seconds,
		    st.seconds > 0 ? st.uploaded / st.seconds : 0.0,
		    st.seconds > 0 ? st.bytes / 1048576.0 / st.seconds : 0.0, o.concurrency,
		    st.listed, st.files, st.list_seconds, rc ? ": INCOMPLETE" : "");
	}
	return rc ? EXIT_ITEMS : 0;
}

int
dataset_verify(int argc, char **argv)
{
	struct s3cmd sc = { .usage = verify_usage, .flags = "l", .nargs = 2, .concurrency = 8 };
	struct verify_options o = { .on_error = print_item_error, .arg = "verify" };
	struct verify_stats st;
	char err[DATASET_ERRLEN], path[4096];
	size_t n;
	int rc;

	if ((rc = s3cmd_parse(&sc, argc, argv)) >= 0)
		return rc;
	o.list_only = sc.list_only;
	o.concurrency = sc.concurrency;
	n = strlen(sc.args[0]);
	if (n > strlen(".jsonl") && strcmp(sc.args[0] + n - strlen(".jsonl"), ".jsonl") == 0)
		snprintf(path, sizeof(path), "%s", sc.args[0]);
	else
		snprintf(path, sizeof(path), "%s/%s", sc.args[0], MANIFEST_NAME);
	o.cfg = &sc.cfg;
	o.manifest = path;
	o.bucket = sc.bucket;
	o.prefix = sc.prefix;
	rc = verify_run(&o, &st, err, sizeof(err));
	if (rc < 0) {
		fprintf(stderr, "exifbench: %s\n", err);
		return rc == -2 ? EXIT_USAGE : EXIT_SETUP;
	}
	if (sc.json) {
		cli_print_json(json_pack("{s:s, s:s, s:i, s:i, s:i, s:i, s:i, s:f}", "dest",
		    sc.args[1], "mode", o.list_only ? "list" : "sha256", "entries",
		    (int)st.entries, "ok", (int)st.ok, "missing", (int)st.missing, "mismatched",
		    (int)st.mismatched, "failed", (int)st.failed, "seconds", st.seconds));
	} else {
		printf("verified %zu entries of %s against %s (%s) in %.2f s: %zu ok, %zu missing, "
		    "%zu mismatched, %zu failed\n", st.entries, path, sc.args[1],
		    o.list_only ? "names and sizes" : "SHA-256", st.seconds, st.ok, st.missing,
		    st.mismatched, st.failed);
	}
	return rc ? EXIT_ITEMS : 0;
}

int
dataset_rm(int argc, char **argv)
{
	struct s3cmd sc = { .usage = rm_usage, .flags = "B", .nargs = 1, .concurrency = 8 };
	struct remove_options o = { .on_error = print_item_error, .arg = "rm" };
	struct remove_stats st;
	char err[DATASET_ERRLEN];
	int rc;

	if ((rc = s3cmd_parse(&sc, argc, argv)) >= 0)
		return rc;
	o.bucket_too = sc.bucket_too;
	o.concurrency = sc.concurrency;
	if (o.bucket_too && sc.prefix[0]) {
		fprintf(stderr, "exifbench: --bucket removes a whole bucket: drop the prefix "
		    "from '%s'\n", sc.args[0]);
		return EXIT_USAGE;
	}
	o.cfg = &sc.cfg;
	o.bucket = sc.bucket;
	o.prefix = sc.prefix;
	rc = remove_run(&o, &st, err, sizeof(err));
	if (rc < 0) {
		fprintf(stderr, "exifbench: %s\n", err);
		return EXIT_SETUP;
	}
	if (sc.json)
		cli_print_json(json_pack("{s:s, s:i, s:i, s:i, s:b}", "target", sc.args[0],
		    "matched", (int)st.matched, "removed", (int)st.removed, "failed",
		    (int)st.failed, "bucket_removed", st.bucket_removed));
	else
		printf("removed %zu object%s%s from %s, %zu failed\n", st.removed,
		    st.removed == 1 ? "" : "s", st.bucket_removed ? " and the bucket" : "",
		    sc.args[0], st.failed);
	return rc ? EXIT_ITEMS : 0;
}

/* KEY (escaped: keyesc.h) TAB SIZE [TAB SHA256]. */
static void
print_object(const char *key, uint64_t size, const char *sha256, void *arg)
{
	char *esc = malloc(KEYESC_SIZE(strlen(key)));

	(void)arg;
	if (esc != NULL)
		keyesc_encode(key, esc);
	printf("%s\t%llu%s%s\n", esc != NULL ? esc : key, (unsigned long long)size,
	    sha256 ? "\t" : "", sha256 ? sha256 : "");
	free(esc);
}

static void
print_object_json(const char *key, uint64_t size, const char *sha256, void *arg)
{
	json_t *o = json_pack("{s:s, s:I}", "key", key, "size", (json_int_t)size);

	if (o != NULL && sha256 != NULL)
		json_object_set_new(o, "sha256", json_string(sha256));
	cli_print_json(o);
}

int
dataset_ls(int argc, char **argv)
{
	struct s3cmd sc = { .usage = ls_usage, .flags = "S", .nargs = 1, .concurrency = 8 };
	struct list_options o = { .on_error = print_item_error, .arg = "ls" };
	struct list_stats st;
	char err[DATASET_ERRLEN];
	int rc;

	if ((rc = s3cmd_parse(&sc, argc, argv)) >= 0)
		return rc;
	o.sha256 = sc.sha256;
	o.cfg = &sc.cfg;
	o.bucket = sc.bucket;
	o.prefix = sc.prefix;
	o.concurrency = sc.concurrency;
	o.on_object = sc.json ? print_object_json : print_object;
	rc = list_run(&o, &st, err, sizeof(err));
	if (fflush(stdout) != 0) {
		fprintf(stderr, "exifbench: ls: writing the listing failed\n");
		return EXIT_ITEMS;
	}
	if (rc < 0) {
		fprintf(stderr, "exifbench: %s\n", err);
		return EXIT_SETUP;
	}
	return rc ? EXIT_ITEMS : 0;
}
