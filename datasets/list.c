/*
 * list.c: a prefix, object by object. The listing is walked one page at a time: a page's keys
 * are copied, fetched and hashed by a pool of workers when SHA-256s are asked for, then
 * handed to the caller in key order and dropped. The pool's workers keep their S3 clients and
 * body buffers from one page to the next, so connections stay alive and memory stays one
 * page plus one object per worker.
 */
#include "list.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "manifest.h"
#include "pool.h"

#define LIST_PAGE_KEYS 1000

struct object {
	char *key;		/* full key */
	uint64_t size;
	int failed;
	char sha256[DIGEST_HEX_LEN + 1];
};

struct list_ctx {
	const struct list_options *o;
	struct object *page;
	size_t n, cap;
	size_t skip;		/* strlen("PREFIX/") */
	struct pool *pool;	/* with sha256 only */
};

static int add_listed(const char *key, uint64_t size, void *arg);
static int hash_one(struct pool_worker *w, size_t i, void *arg);
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
hash_one(struct pool_worker *w, size_t i, void *arg)
{
	struct list_ctx *c = arg;
	struct object *ob = &c->page[i];
	struct s3_buf *body = pool_buf(w);
	struct s3_result res;
	struct s3 *s3;

	ob->failed = 1;		/* until hashed */
	if ((s3 = pool_s3(w, ob->key)) == NULL)
		return -1;
	if (s3_get(s3, c->o->bucket, ob->key, body, &res) < 0)
		return pool_fail(w, ob->key, res.error);
	if (digest_sha256_hex(body->data, body->len, ob->sha256) < 0)
		return pool_fail(w, ob->key, "SHA-256 failed (libcrypto)");
	/* The bytes hashed, should the object have been replaced since the LIST. */
	ob->size = body->len;
	ob->failed = 0;
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
	struct s3 *lister = NULL;
	double t0;
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
	t0 = pool_now();
	/* "a/b/", not "a/b", which would also list "a/bc" */
	c.skip = *o->prefix ? strlen(o->prefix) + 1 : 0;
	s3url_join(folder, sizeof(folder), o->prefix, "");
	if ((lister = s3_new(o->cfg)) == NULL ||
	    (o->sha256 && (c.pool = pool_new(o->cfg, o->concurrency, o->on_error,
	    o->arg)) == NULL)) {
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
		if (o->sha256 && c.n > 0 && pool_run(c.pool, c.n, hash_one, &c, "ls") < 0) {
			snprintf(err, errlen, "ls: cannot start workers");
			goto out;
		}
		pass_page(&c, st);
	} while (token[0] != '\0');
	rc = st->failed > 0;
out:
	st->seconds = pool_now() - t0;
	pool_free(c.pool);
	for (i = 0; i < c.n; i++)
		free(c.page[i].key);
	free(c.page);
	s3_free(lister);
	return rc;
}
