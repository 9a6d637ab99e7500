/*
 * s3_int.h: what the blocking client (s3.c) shares with its listing (s3list.c), internal to
 * them (the client's contract: s3.h). Nothing else includes this.
 */
#ifndef EXIFBENCH_S3_INT_H
#define EXIFBENCH_S3_INT_H

#include <stddef.h>

#include "s3.h"

/*
 * Describes one request (s3_req_init's arguments) and runs it to the end on c's handle, with
 * the retries and backoff of c's policy; res->wall_us covers it all. Returns 0, or -1 with
 * res->error set (also when c is NULL, if res is not).
 */
int s3_call(struct s3 *c, enum s3_method m, const char *bucket, const char *key,
    struct s3url_param *params, size_t nparams, const void *body, size_t len,
    const char *content_type, struct s3_buf *sink, struct s3_result *res);

/* Sets res->error (when res is not NULL) to "FN: invalid arguments" and returns -1. */
int s3_invalid(struct s3_result *res, const char *fn);

#endif
