/*
 * s3url.c: SigV4 percent-encoding of object keys and query strings, and path-style URL
 * assembly. Pure string code, no curl: the unit tests check it against AWS's documented rules.
 */
#include "s3url.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int param_cmp(const void *a, const void *b);
static int unreserved(unsigned char c);
static int append_raw(char *out, size_t outlen, const char *s);

static int
unreserved(unsigned char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
	    c == '-' || c == '_' || c == '.' || c == '~';
}

int
s3url_encode(char *out, size_t outlen, const char *s, int keep_slash)
{
	static const char hex[] = "0123456789ABCDEF";
	size_t n, need = 0;
	const unsigned char *p;

	if (out == NULL || s == NULL)
		return -1;
	n = strnlen(out, outlen);
	if (n == outlen)
		return -1;
	for (p = (const unsigned char *)s; *p; p++)
		need += (unreserved(*p) || (keep_slash && *p == '/')) ? 1 : 3;
	if (n + need + 1 > outlen)
		return -1;
	for (p = (const unsigned char *)s; *p; p++) {
		if (unreserved(*p) || (keep_slash && *p == '/')) {
			out[n++] = (char)*p;
		} else {
			out[n++] = '%';
			out[n++] = hex[*p >> 4];
			out[n++] = hex[*p & 15];
		}
	}
	out[n] = '\0';
	return 0;
}

static int
append_raw(char *out, size_t outlen, const char *s)
{
	size_t n = strlen(out), m = strlen(s);

	if (n + m + 1 > outlen)
		return -1;
	memcpy(out + n, s, m + 1);
	return 0;
}

static int
param_cmp(const void *a, const void *b)
{
	const struct s3url_param *x = a, *y = b;

	return strcmp(x->name, y->name);
}

int
s3url_build(char *out, size_t outlen, const char *endpoint, const char *bucket,
    const char *key, struct s3url_param *params, size_t nparams)
{
	size_t elen, i;

	if (out == NULL || outlen == 0 || endpoint == NULL || bucket == NULL ||
	    (nparams > 0 && params == NULL))
		return -1;
	elen = strlen(endpoint);
	while (elen > 0 && endpoint[elen - 1] == '/')
		elen--;
	if (elen + 2 > outlen)
		return -1;
	memcpy(out, endpoint, elen);
	out[elen] = '/';
	out[elen + 1] = '\0';
	if (s3url_encode(out, outlen, bucket, 0) < 0)
		return -1;
	if (key != NULL && (append_raw(out, outlen, "/") < 0 ||
	    s3url_encode(out, outlen, key, 1) < 0))
		return -1;
	for (i = 0; i < nparams; i++)
		if (params[i].name == NULL)
			return -1;
	if (nparams > 0)
		qsort(params, nparams, sizeof(*params), param_cmp);
	for (i = 0; i < nparams; i++) {
		if (append_raw(out, outlen, i == 0 ? "?" : "&") < 0 ||
		    s3url_encode(out, outlen, params[i].name, 0) < 0 ||
		    append_raw(out, outlen, "=") < 0)
			return -1;
		if (params[i].value != NULL && s3url_encode(out, outlen, params[i].value, 0) < 0)
			return -1;
	}
	return 0;
}

int
s3url_parse_uri(const char *uri, char *bucket, size_t bucketlen, char *prefix,
    size_t prefixlen, char *err, size_t errlen)
{
	const char *b, *slash;
	size_t bl, pl;

	if (uri == NULL || bucket == NULL || prefix == NULL || err == NULL)
		return -1;
	if (strncmp(uri, "s3://", 5) != 0) {
		snprintf(err, errlen, "'%s' is not an s3://BUCKET/PREFIX address", uri);
		return -1;
	}
	b = uri + 5;
	slash = strchr(b, '/');
	bl = slash ? (size_t)(slash - b) : strlen(b);
	if (bl < 3 || bl > 63 || bl >= bucketlen || strspn(b, "abcdefghijklmnopqrstuvwxyz"
	    "0123456789.-") < bl) {
		snprintf(err, errlen, "'%s': bucket names are 3 to 63 characters of a-z 0-9 . -",
		    uri);
		return -1;
	}
	memcpy(bucket, b, bl);
	bucket[bl] = '\0';
	b = slash ? slash : b + bl;
	while (*b == '/')
		b++;
	pl = strlen(b);
	while (pl > 0 && b[pl - 1] == '/')
		pl--;
	if (pl >= prefixlen) {
		snprintf(err, errlen, "'%s': prefix too long", uri);
		return -1;
	}
	memcpy(prefix, b, pl);
	prefix[pl] = '\0';
	return 0;
}

int
s3url_join(char *out, size_t outlen, const char *prefix, const char *name)
{
	int n;

	if (out == NULL || prefix == NULL || name == NULL)
		return -1;
	n = snprintf(out, outlen, "%s%s%s", prefix, *prefix ? "/" : "", name);
	return n < 0 || (size_t)n >= outlen ? -1 : 0;
}
