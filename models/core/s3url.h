/*
 * s3url.h: path-style S3 request URLs, encoded the way SigV4 signs them. libcurl's signer signs
 * the path and query exactly as written, so the encoding here is the canonical one: every byte
 * except A-Z a-z 0-9 - _ . ~ becomes %XX (uppercase hex), '/' kept in object keys only, and
 * query parameters sorted by name.
 */
#ifndef EXIFBENCH_S3URL_H
#define EXIFBENCH_S3URL_H

#include <stddef.h>

/* Longest URL built here: endpoint + bucket + a 1,024-byte key fully encoded + a query. */
#define S3URL_MAX 8192

struct s3url_param {
	const char *name;	/* unencoded, e.g. "continuation-token" */
	const char *value;	/* unencoded; NULL or "" gives "name=" */
};

/*
 * Appends the SigV4 encoding of s to out (which holds a NUL-terminated string of outlen bytes at
 * most). '/' is kept when keep_slash is set. Returns 0, or -1 when out is too small (out is then
 * left unchanged).
 */
int s3url_encode(char *out, size_t outlen, const char *s, int keep_slash);

/*
 * Writes "<endpoint>/<bucket>[/<key>][?<params sorted by name>]" into out. endpoint is
 * scheme://host[:port] (a trailing '/' is dropped); key may be NULL for bucket requests. The
 * params array is sorted in place. Returns 0, or -1 when out is too small or an argument is
 * NULL.
 */
int s3url_build(char *out, size_t outlen, const char *endpoint, const char *bucket,
    const char *key, struct s3url_param *params, size_t nparams);

/*
 * Splits "s3://BUCKET[/PREFIX]" into bucket (3..63 characters: a-z 0-9 . -) and prefix (no
 * leading or trailing '/'; "" when absent). Returns 0, or -1 with a one-line reason in err.
 */
int s3url_parse_uri(const char *uri, char *bucket, size_t bucketlen, char *prefix,
    size_t prefixlen, char *err, size_t errlen);

/* Writes "prefix/name", or "name" when prefix is "". Returns 0, or -1 when out is too small. */
int s3url_join(char *out, size_t outlen, const char *prefix, const char *name);

#endif
