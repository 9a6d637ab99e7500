/*
 * s3list.c: the blocking client's ListObjectsV2, page by page. Each page is one GET on the
 * bucket through the client's call (s3_int.h) into a buffer of its own, which s3xml_list_page
 * then walks, handing each key to the caller's callback; so memory stays one page whatever
 * the bucket holds. A listing follows the continuation tokens until the last page.
 */
#include "s3.h"

#include <stdio.h>

#include "s3_int.h"
#include "s3xml.h"

struct list_ctx {
	s3_list_cb cb;
	void *arg;
};

static int list_object(const char *key, uint64_t size, void *arg);

static int
list_object(const char *key, uint64_t size, void *arg)
{
	struct list_ctx *lc = arg;

	return lc->cb(key, size, lc->arg);
}

int
s3_list_page(struct s3 *c, const char *bucket, const char *prefix, unsigned page_size,
    char *token, size_t token_len, s3_list_cb cb, void *arg, struct s3_result *res)
{
	struct s3xml_page page;
	struct s3_buf body = { 0 };
	struct list_ctx lc = { cb, arg };
	struct s3url_param p[4];
	char maxkeys[16];
	size_t np = 0;
	int rv;

	if (c == NULL || cb == NULL || res == NULL || token == NULL ||
	    token_len < sizeof(page.next_token))
		return s3_invalid(res, "s3_list_page");
	snprintf(maxkeys, sizeof(maxkeys), "%u", page_size);
	p[np++] = (struct s3url_param){ "list-type", "2" };
	if (prefix != NULL && *prefix)
		p[np++] = (struct s3url_param){ "prefix", prefix };
	if (page_size > 0)
		p[np++] = (struct s3url_param){ "max-keys", maxkeys };
	if (token[0])
		p[np++] = (struct s3url_param){ "continuation-token", token };
	rv = s3_call(c, S3_GET, bucket, NULL, p, np, NULL, 0, NULL, &body, res);
	if (rv == 0) {
		rv = s3xml_list_page((const char *)body.data, body.len, list_object, &lc, &page);
		if (rv < 0)
			snprintf(res->error, sizeof(res->error),
			    "malformed ListObjectsV2 answer for bucket '%s' from %s%s%s", bucket,
			    s3_config(c)->endpoint, page.error[0] ? ": " : "", page.error);
	}
	if (rv == 0 && page.truncated && page.next_token[0] == '\0') {
		snprintf(res->error, sizeof(res->error),
		    "bucket '%s': truncated listing without a continuation token", bucket);
		rv = -1;
	}
	if (rv == 0)
		snprintf(token, token_len, "%s", page.truncated ? page.next_token : "");
	s3_buf_free(&body);
	return rv;
}

int
s3_list(struct s3 *c, const char *bucket, const char *prefix, unsigned page_size,
    s3_list_cb cb, void *arg, unsigned *pages, struct s3_result *res)
{
	char token[sizeof(((struct s3xml_page *)0)->next_token)] = "";
	int rv;

	if (pages != NULL)
		*pages = 0;
	do {
		rv = s3_list_page(c, bucket, prefix, page_size, token, sizeof(token), cb, arg,
		    res);
		if (rv == 0 && pages != NULL)
			(*pages)++;
	} while (rv == 0 && token[0] != '\0');
	return rv;
}
