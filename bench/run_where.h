/*
 * run_where.h: where `exifbench run` reads and writes: its --src and --dst, each an S3 folder
 * or a local one (models/core/location.h), into the pipeline, with the refusals that need
 * both (the outputs inside the inputs), and the S3 settings the pair needs. Part of the run
 * command's option parsing (run_opts.c); prints its one-line errors as the CLI does.
 */
#ifndef EXIFBENCH_RUN_WHERE_H
#define EXIFBENCH_RUN_WHERE_H

#include "models/core/job.h"

/*
 * Parses src and dst into p's buckets and prefixes, or its src_dir / dst_dir: a local --src
 * must be a readable folder, and --dst may not lie inside --src (plan_inside's rule for S3,
 * real paths for two folders). -1 to go on, else EXIT_USAGE after a one-line error.
 */
int run_where(struct pipeline *p, const char *src, const char *dst);

/*
 * p->s3 from the AWS_* settings (cli_s3_config) when a side is S3: -1 to go on, else
 * EXIT_SETUP. Local to local needs no endpoint nor keys: only the defaults are set (the GET
 * size cap), whatever the settings say.
 */
int run_where_config(struct pipeline *p);

#endif
