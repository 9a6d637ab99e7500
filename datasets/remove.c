/*
 * remove.c: list, then delete with a pool of clients. The keys are listed first and deleted
 * after, rather than page by page, so that deleting never races the listing's continuation.
 */
#include "remove.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pool.h"

struct remove_ctx {
	const struct remove_options *o;
	char **keys;
	size_t n, cap;
	size_t plen;
	struct s3 **clients;
	pthread_mutex_t lock;
};

static int on_listed(const char *key, uint64_t size, void *arg);
static int remove_one(unsigned worker, size_t i, void *arg);

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
remove_one(unsigned worker, size_t i, void *arg)
{
	struct remove_ctx *c = arg;
	struct s3_result res;

	if (c->clients[worker] == NULL && (c->clients[worker] = s3_new(c->o->cfg)) == NULL) {
		snprintf(res.error, sizeof(res.error), "cannot create an S3 client");
	} else if (s3_delete(c->clients[worker], c->o->bucket, c->keys[i], &res) == 0) {
		return 0;
	}
	if (c->o->on_error != NULL) {
		pthread_mutex_lock(&c->lock);
		c->o->on_error(c->keys[i], res.error, c->o->arg);
		pthread_mutex_unlock(&c->lock);
	}
	return -1;
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
	pthread_mutex_init(&c.lock, NULL);
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
		if ((c.clients = calloc(o->concurrency, sizeof(*c.clients))) == NULL ||
		    (failed = pool_for(c.n, o->concurrency, remove_one, &c, "rm")) < 0) {
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
	for (i = 0; c.clients != NULL && i < o->concurrency; i++)
		s3_free(c.clients[i]);
	free(c.clients);
	for (i = 0; i < c.n; i++)
		free(c.keys[i]);
	free(c.keys);
	s3_free(admin);
	pthread_mutex_destroy(&c.lock);
	return rc;
}
