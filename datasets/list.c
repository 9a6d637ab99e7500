/*
 * list.c: a prefix, object by object. The listing is walked one page at a time: a page's keys
 * are copied, fetched and hashed by a pool of workers when SHA-256s are asked for, then
 * handed to the caller in key order and dropped. Each worker keeps its S3 client and body
 * buffer from one page to the next, so connections stay alive and memory stays one page
 * plus one object per worker.
 */
#include "list.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "manifest.h"
#include "pool.h"

#define LIST_PAGE_KEYS 1000

struct object {
	char *key;		/* full key */
	uint64_t size;
	int failed;
	char sha256[DIGEST_HEX_LEN + 1];
};

/* What one pool thread keeps across pages. */
struct fetcher {
	struct s3 *s3;
	struct s3_buf body;
};

struct list_ctx {
	const struct list_options *o;
	struct object *page;
	size_t n, cap;
	size_t skip;		/* strlen("PREFIX/") */
	struct fetcher *fetchers;
	pthread_mutex_t lock;	/* on_error calls */
};

static int add_listed(const char *key, uint64_t size, void *arg);
static int hash_one(unsigned worker, size_t i, void *arg);
static int object_failed(struct list_ctx *c, struct object *ob, const char *error);
static void pass_page(struct list_ctx *c, struct list_stats *st);

static int
add_listed(const char *key, uint64_t size, void *arg)
{
	struct list_ctx *c = arg;
	struct object *v;

	if (c->n == c->cap) {
		c->cap = c->cap ? 2 * c->cap : LIST_PAGE_KEYS;
		if ((v = realloc(c->page, c->cap * sizeof(*v))) == NULL)
			return 1;
		c->page = v;
	}
	c->page[c->n] = (struct object){ .key = strdup(key), .size = size };
	if (c->page[c->n].key == NULL)
		return 1;
	c->n++;
	return 0;
}

static int
object_failed(struct list_ctx *c, struct object *ob, const char *error)
{
	ob->failed = 1;
	if (c->o->on_error != NULL) {
		pthread_mutex_lock(&c->lock);
		c->o->on_error(ob->key, error, c->o->arg);
		pthread_mutex_unlock(&c->lock);
	}
	return -1;
}

static int
hash_one(unsigned worker, size_t i, void *arg)
{
	struct list_ctx *c = arg;
	struct fetcher *f = &c->fetchers[worker];
	struct object *ob = &c->page[i];
	struct s3_result res;

	if (f->s3 == NULL && (f->s3 = s3_new(c->o->cfg)) == NULL)
		return object_failed(c, ob, "cannot create an S3 client");
	f->body.len = 0;
	if (s3_get(f->s3, c->o->bucket, ob->key, &f->body, &res) < 0)
		return object_failed(c, ob, res.error);
	if (digest_sha256_hex(f->body.data, f->body.len, ob->sha256) < 0)
		return object_failed(c, ob, "SHA-256 failed (libcrypto)");
	/* The bytes hashed, should the object have been replaced since the LIST. */
	ob->size = f->body.len;
	return 0;
}

/* Passes the page's objects on in key order and empties the page. */
static void
pass_page(struct list_ctx *c, struct list_stats *st)
{
	struct object *ob;

	for (ob = c->page; ob < c->page + c->n; ob++) {
		if (ob->failed) {
			st->failed++;
		} else {
			st->objects++;
			st->bytes += ob->size;
			c->o->on_object(ob->key + c->skip, ob->size,
			    c->o->sha256 ? ob->sha256 : NULL, c->o->arg);
		}
		free(ob->key);
	}
	c->n = 0;
}

int
list_run(const struct list_options *o, struct list_stats *st, char *err, size_t errlen)
{
	struct list_ctx c = { .o = o };
	struct s3_result res;
	struct timespec t0, t1;
	struct s3 *lister = NULL;
	char folder[MANIFEST_KEY_MAX + 2], token[4096] = "";
	size_t i;
	int rv, rc = -1;

	if (o == NULL || st == NULL || err == NULL || o->cfg == NULL || o->bucket == NULL ||
	    o->prefix == NULL || o->on_object == NULL || o->concurrency == 0) {
		if (err != NULL)
			snprintf(err, errlen, "ls: invalid options");
		return -1;
	}
	memset(st, 0, sizeof(*st));
	pthread_mutex_init(&c.lock, NULL);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	/* "a/b/", not "a/b", which would also list "a/bc" */
	c.skip = *o->prefix ? strlen(o->prefix) + 1 : 0;
	s3url_join(folder, sizeof(folder), o->prefix, "");
	if ((lister = s3_new(o->cfg)) == NULL ||
	    (o->sha256 && (c.fetchers = calloc(o->concurrency, sizeof(*c.fetchers))) == NULL)) {
		snprintf(err, errlen, "ls: out of memory");
		goto out;
	}
	/* One set-up error for a wrong endpoint, secret or bucket. */
	if (s3_check_bucket(lister, o->bucket, &res) < 0) {
		snprintf(err, errlen, "%s", res.error);
		goto out;
	}
	do {
		rv = s3_list_page(lister, o->bucket, folder, LIST_PAGE_KEYS, token, sizeof(token),
		    add_listed, &c, &res);
		st->pages++;
		if (rv != 0) {
			snprintf(err, errlen, "listing s3://%s/%s: %s", o->bucket, o->prefix,
			    rv < 0 ? res.error : "out of memory");
			goto out;
		}
		if (o->sha256 && c.n > 0 && pool_for(c.n, o->concurrency, hash_one, &c, "ls") < 0) {
			snprintf(err, errlen, "ls: cannot start workers");
			goto out;
		}
		pass_page(&c, st);
	} while (token[0] != '\0');
	rc = st->failed > 0;
out:
	clock_gettime(CLOCK_MONOTONIC, &t1);
	st->seconds = (double)(t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) / 1e9;
	for (i = 0; c.fetchers != NULL && i < o->concurrency; i++) {
		s3_free(c.fetchers[i].s3);
		s3_buf_free(&c.fetchers[i].body);
	}
	free(c.fetchers);
	for (i = 0; i < c.n; i++)
		free(c.page[i].key);
	free(c.page);
	s3_free(lister);
	pthread_mutex_destroy(&c.lock);
	return rc;
}
