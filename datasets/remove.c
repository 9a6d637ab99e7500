/*
 * remove.c: list, then delete with a pool of clients. The keys are listed first and deleted
 * after, rather than page by page, so that deleting never races the listing's continuation.
 */
#include "remove.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pool.h"

struct remove_ctx {
	const struct remove_options *o;
	char **keys;
	size_t n, cap;
	size_t plen;
	struct pool *pool;
};

static int on_listed(const char *key, uint64_t size, void *arg);
static int remove_one(struct pool_worker *w, size_t i, void *arg);

static int
on_listed(const char *key, uint64_t size, void *arg)
{
	struct remove_ctx *c = arg;
	char **v;

	/* PREFIX itself, or PREFIX/...: not PREFIXother. */
	if (c->plen > 0 && key[c->plen] != '\0' && key[c->plen] != '/')
		return 0;
	if (c->n == c->cap) {
		c->cap = c->cap ? 2 * c->cap : 256;
		if ((v = realloc(c->keys, c->cap * sizeof(*v))) == NULL)
			return -1;
		c->keys = v;
	}
	if ((c->keys[c->n] = strdup(key)) == NULL)
		return -1;
	c->n++;
	return 0;
}

static int
remove_one(struct pool_worker *w, size_t i, void *arg)
{
	struct remove_ctx *c = arg;
	struct s3_result res;
	struct s3 *s3;

	if ((s3 = pool_s3(w, c->keys[i])) == NULL)
		return -1;
	if (s3_delete(s3, c->o->bucket, c->keys[i], &res) != 0)
		return pool_fail(w, c->keys[i], res.error);
	return 0;
}

int
remove_run(const struct remove_options *o, struct remove_stats *st, char *err, size_t errlen)
{
	struct remove_ctx c = { .o = o };
	struct s3_result res;
	struct s3 *admin = NULL;
	long failed = 0;
	size_t i;
	int rc = -1;

	if (o == NULL || st == NULL || err == NULL || o->cfg == NULL || o->bucket == NULL ||
	    o->prefix == NULL || o->concurrency == 0 || (o->bucket_too && *o->prefix)) {
		if (err != NULL)
			snprintf(err, errlen, "rm: invalid options");
		return -1;
	}
	memset(st, 0, sizeof(*st));
	c.plen = strlen(o->prefix);
	if ((admin = s3_new(o->cfg)) == NULL) {
		snprintf(err, errlen, "rm: cannot create an S3 client");
		goto out;
	}
	if (s3_list(admin, o->bucket, o->prefix, 0, on_listed, &c, NULL, &res) != 0) {
		snprintf(err, errlen, "%s", res.error[0] ? res.error : "rm: out of memory");
		goto out;
	}
	st->matched = c.n;
	if (c.n > 0) {
		if ((c.pool = pool_new(o->cfg, o->concurrency, o->on_error, o->arg)) == NULL ||
		    (failed = pool_run(c.pool, c.n, remove_one, &c, "rm")) < 0) {
			snprintf(err, errlen, "rm: cannot start workers");
			goto out;
		}
	}
	st->failed = (size_t)failed;
	st->removed = c.n - st->failed;
	if (o->bucket_too && st->failed == 0) {
		if (s3_delete_bucket(admin, o->bucket, &res) < 0) {
			snprintf(err, errlen, "%s", res.error);
			goto out;
		}
		st->bucket_removed = 1;
	}
	rc = st->failed == 0 ? 0 : 1;
out:
	pool_free(c.pool);
	for (i = 0; i < c.n; i++)
		free(c.keys[i]);
	free(c.keys);
	s3_free(admin);
	return rc;
}
