/*
 * verify.c: bucket against manifest. The manifest is read whole into a compact array (key,
 * size, digest: about 100 bytes an entry), then either each worker GETs its objects and hashes
 * them, or one LIST ticks off names and sizes. Every entry ends in exactly one of ok, missing,
 * mismatched or failed, so the counts always add up to the manifest's.
 */
#include "verify.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "manifest.h"
#include "pool.h"

enum state { UNSEEN, OK, MISSING, MISMATCHED, FAILED };

struct item {
	char *key;		/* full key, prefix included */
	uint64_t size;
	char sha256[DIGEST_HEX_LEN + 1];
	enum state state;
};

struct verify_ctx {
	const struct verify_options *o;
	struct item *items;
	size_t n;
	struct pool *pool;	/* made once the bucket answers */
};

static int item_cmp(const void *a, const void *b);
static int load_manifest(struct verify_ctx *c, char *err, size_t errlen);
static int check_one(struct pool_worker *w, size_t i, void *arg);
static int on_listed(const char *key, uint64_t size, void *arg);
static int check_listed(struct verify_ctx *c, struct s3 *admin, char *err, size_t errlen);
static void tally(const struct verify_ctx *c, struct verify_stats *st);

static int
item_cmp(const void *a, const void *b)
{
	const struct item *x = a, *y = b;

	return strcmp(x->key, y->key);
}

static int
load_manifest(struct verify_ctx *c, char *err, size_t errlen)
{
	struct manifest_entry e;
	struct item *v;
	unsigned long line = 0;
	size_t cap = 0;
	char key[MANIFEST_KEY_MAX + 1];
	FILE *f = fopen(c->o->manifest, "re");
	int r;

	if (f == NULL) {
		snprintf(err, errlen, "%s: cannot open manifest", c->o->manifest);
		return -1;
	}
	while ((r = manifest_read(f, c->o->manifest, &line, &e, err, errlen)) == 1) {
		if (s3url_join(key, sizeof(key), c->o->prefix, e.key) < 0) {
			snprintf(err, errlen, "%s:%lu: key too long under prefix", c->o->manifest,
			    line);
			r = -1;
			break;
		}
		if (c->n == cap) {
			cap = cap ? cap * 2 : 1024;
			if ((v = realloc(c->items, cap * sizeof(*v))) == NULL) {
				r = -1;
				snprintf(err, errlen, "%s: out of memory", c->o->manifest);
				break;
			}
			c->items = v;
		}
		c->items[c->n] = (struct item){ .key = strdup(key), .size = e.size };
		memcpy(c->items[c->n].sha256, e.sha256, sizeof(e.sha256));
		if (c->items[c->n++].key == NULL) {
			r = -1;
			snprintf(err, errlen, "%s: out of memory", c->o->manifest);
			break;
		}
	}
	fclose(f);
	if (r < 0)
		return -1;
	if (c->n > 0)
		qsort(c->items, c->n, sizeof(*c->items), item_cmp);
	return 0;
}

static int
check_one(struct pool_worker *w, size_t i, void *arg)
{
	struct verify_ctx *c = arg;
	struct item *it = &c->items[i];
	struct s3_buf *body = pool_buf(w);
	struct s3_result res;
	struct s3 *s3;
	char sha[DIGEST_HEX_LEN + 1], msg[200];

	it->state = FAILED;
	if ((s3 = pool_s3(w, it->key)) == NULL)
		return -1;
	if (s3_get(s3, c->o->bucket, it->key, body, &res) < 0) {
		if (res.status == 404 && strcmp(res.code, "NoSuchBucket") != 0)
			it->state = MISSING;
		return pool_fail(w, it->key, res.error);
	}
	if (digest_sha256_hex(body->data, body->len, sha) < 0 || body->len != it->size ||
	    strcmp(sha, it->sha256) != 0) {
		it->state = MISMATCHED;
		snprintf(msg, sizeof(msg), "content differs: %zu bytes, sha256 %.12s…; manifest "
		    "says %llu bytes, %.12s…", body->len, sha, (unsigned long long)it->size,
		    it->sha256);
		return pool_fail(w, it->key, msg);
	}
	it->state = OK;
	return 0;
}

static int
on_listed(const char *key, uint64_t size, void *arg)
{
	struct verify_ctx *c = arg;
	struct item probe = { .key = (char *)(uintptr_t)key }, *it;

	it = bsearch(&probe, c->items, c->n, sizeof(*c->items), item_cmp);
	if (it != NULL)
		it->state = it->size == size ? OK : MISMATCHED;
	return 0;
}

/* --list-only: one LIST ticks off names and sizes; the entries it did not show are missing. */
static int
check_listed(struct verify_ctx *c, struct s3 *admin, char *err, size_t errlen)
{
	struct s3_result res;
	struct item *it;

	if (s3_list(admin, c->o->bucket, c->o->prefix, 0, on_listed, c, NULL, &res) < 0) {
		snprintf(err, errlen, "%s", res.error);
		return -1;
	}
	for (it = c->items; it < c->items + c->n; it++) {
		if (it->state == UNSEEN)
			it->state = MISSING;
		if (it->state != OK)
			pool_report(c->pool, it->key, it->state == MISSING ? "not in the bucket" :
			    "size differs from the manifest");
	}
	return 0;
}

static void
tally(const struct verify_ctx *c, struct verify_stats *st)
{
	size_t i;

	for (i = 0; i < c->n; i++) {
		switch (c->items[i].state) {
		case OK: st->ok++; break;
		case MISSING: st->missing++; break;
		case MISMATCHED: st->mismatched++; break;
		default: st->failed++; break;
		}
	}
}

int
verify_run(const struct verify_options *o, struct verify_stats *st, char *err, size_t errlen)
{
	struct verify_ctx c = { .o = o };
	struct s3_result res;
	struct s3 *admin = NULL;
	double t0;
	size_t i;
	int rc = -1;

	if (o == NULL || st == NULL || err == NULL || o->cfg == NULL || o->manifest == NULL ||
	    o->bucket == NULL || o->prefix == NULL || o->concurrency == 0) {
		if (err != NULL)
			snprintf(err, errlen, "verify: invalid options");
		return -1;
	}
	memset(st, 0, sizeof(*st));
	if (load_manifest(&c, err, errlen) < 0) {
		rc = -2;
		goto out;
	}
	st->entries = c.n;
	if ((admin = s3_new(o->cfg)) == NULL) {
		snprintf(err, errlen, "verify: cannot create an S3 client");
		goto out;
	}
	/* One setup error for a wrong endpoint, secret or bucket, not one per key. */
	if (s3_check_bucket(admin, o->bucket, &res) < 0) {
		snprintf(err, errlen, "%s", res.error);
		goto out;
	}
	t0 = pool_now();
	if ((c.pool = pool_new(o->cfg, o->concurrency, o->on_error, o->arg)) == NULL ||
	    (!o->list_only && c.n > 0 && pool_run(c.pool, c.n, check_one, &c, "verify") < 0)) {
		snprintf(err, errlen, "verify: cannot start workers");
		goto out;
	}
	if (o->list_only && check_listed(&c, admin, err, errlen) < 0)
		goto out;
	st->seconds = pool_now() - t0;
	tally(&c, st);
	rc = st->ok == st->entries ? 0 : 1;
out:
	pool_free(c.pool);
	for (i = 0; i < c.n; i++)
		free(c.items[i].key);
	free(c.items);
	s3_free(admin);
	return rc;
}
