/*
 * run_where.c: `exifbench run`'s --src and --dst, S3 or local, into the pipeline, and the
 * S3 settings they need. See run_where.h.
 */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "run_where.h"
#include "models/core/location.h"
#include "harness/engine/plan.h"

static int parse_place(const char *opt, const char *arg, char *bucket, char *prefix,
    char *dir);
static int check_inside(const struct pipeline *p, const char *src, const char *dst);

int
run_where(struct pipeline *p, const char *src, const char *dst)
{
	char err[LOCATION_DIR_MAX + 64];

	if (parse_place("--src", src, p->src_bucket, p->src_prefix, p->src_dir) < 0 ||
	    parse_place("--dst", dst, p->dst_bucket, p->dst_prefix, p->dst_dir) < 0)
		return EXIT_USAGE;
	if (p->src_dir[0] != '\0' && location_readable(p->src_dir, err, sizeof(err)) < 0) {
		fprintf(stderr, "exifbench: --src %s\n", err);
		return EXIT_USAGE;
	}
	return check_inside(p, src, dst);
}

int
run_where_config(struct pipeline *p)
{
	char err[512];

	if (p->src_dir[0] == '\0' || p->dst_dir[0] == '\0')
		return cli_s3_config(&p->s3);
	(void)s3_config_from_env(&p->s3, err, sizeof(err));	/* sets the defaults first */
	return -1;
}

/* One of --src, --dst into bucket and prefix, or (a local folder) dir: 0, or -1 after the error. */
static int
parse_place(const char *opt, const char *arg, char *bucket, char *prefix, char *dir)
{
	struct location loc;
	char err[LOCATION_DIR_MAX + 64];

	if (location_parse(arg, &loc, err, sizeof(err)) < 0) {
		fprintf(stderr, "exifbench: %s: %s\n", opt, err);
		return -1;
	}
	snprintf(bucket, JOB_BUCKET_MAX, "%s", loc.bucket);
	snprintf(prefix, JOB_KEY_MAX, "%s", loc.prefix);
	snprintf(dir, LOCATION_DIR_MAX, "%s", loc.dir);
	return 0;
}

/* The "--dst inside --src" refusal: -1 to go on, else EXIT_USAGE. */
static int
check_inside(const struct pipeline *p, const char *src, const char *dst)
{
	char err[LOCATION_DIR_MAX + 64];
	int in = 0;

	if (p->src_dir[0] == '\0' && p->dst_dir[0] == '\0')
		in = plan_inside(p->dst_bucket, p->dst_prefix, p->src_bucket, p->src_prefix);
	else if (p->src_dir[0] != '\0' && p->dst_dir[0] != '\0' &&
	    (in = location_inside(p->dst_dir, p->src_dir, err, sizeof(err))) < 0) {
		fprintf(stderr, "exifbench: --dst %s: %s\n", dst, err);
		return EXIT_USAGE;
	}
	if (in) {
		fprintf(stderr, "exifbench: --dst %s lies inside --src %s: the outputs would be "
		    "listed as inputs\n", dst, src);
		return EXIT_USAGE;
	}
	return -1;
}
