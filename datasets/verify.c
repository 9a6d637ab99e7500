/*
 * verify.c: bucket against manifest. The manifest is read whole into a compact array (key,
 * size, digest: about 100 bytes an entry), then either each worker GETs its objects and hashes
 * them, or one LIST ticks off names and sizes. Every entry ends in exactly one of ok, missing,
 * mismatched or failed, so the counts always add up to the manifest's.
 */
#include "verify.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

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
	struct s3 **clients;
	struct s3_buf *bufs;
	pthread_mutex_t lock;
};

static int item_cmp(const void *a, const void *b);
static int load_manifest(struct verify_ctx *c, char *err, size_t errlen);
static int check_one(unsigned worker, size_t i, void *arg);
static int on_listed(const char *key, uint64_t size, void *arg);
static void report(struct verify_ctx *c, const char *key, const char *error);

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

static void
report(struct verify_ctx *c, const char *key, const char *error)
{
	if (c->o->on_error == NULL)
		return;
	pthread_mutex_lock(&c->lock);
	c->o->on_error(key, error, c->o->arg);
	pthread_mutex_unlock(&c->lock);
}

static int
check_one(unsigned worker, size_t i, void *arg)
{
	struct verify_ctx *c = arg;
	struct item *it = &c->items[i];
	struct s3_result res;
	char sha[DIGEST_HEX_LEN + 1], msg[200];

	if (c->clients[worker] == NULL && (c->clients[worker] = s3_new(c->o->cfg)) == NULL) {
		it->state = FAILED;
		report(c, it->key, "cannot create an S3 client");
		return -1;
	}
	c->bufs[worker].len = 0;
	if (s3_get(c->clients[worker], c->o->bucket, it->key, &c->bufs[worker], &res) < 0) {
		it->state = res.status == 404 && strcmp(res.code, "NoSuchBucket") != 0 ? MISSING :
		    FAILED;
		report(c, it->key, res.error);
		return -1;
	}
	if (digest_sha256_hex(c->bufs[worker].data, c->bufs[worker].len, sha) < 0 ||
	    c->bufs[worker].len != it->size || strcmp(sha, it->sha256) != 0) {
		it->state = MISMATCHED;
		snprintf(msg, sizeof(msg), "content differs: %zu bytes, sha256 %.12s…; manifest "
		    "says %llu bytes, %.12s…", c->bufs[worker].len, sha,
		    (unsigned long long)it->size, it->sha256);
		report(c, it->key, msg);
		return -1;
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

int
verify_run(const struct verify_options *o, struct verify_stats *st, char *err, size_t errlen)
{
	struct verify_ctx c = { .o = o };
	struct s3_result res;
	struct timespec t0, t1;
	struct s3 *admin = NULL;
	size_t i;
	int rc = -1;

	if (o == NULL || st == NULL || err == NULL || o->cfg == NULL || o->manifest == NULL ||
	    o->bucket == NULL || o->prefix == NULL || o->concurrency == 0) {
		if (err != NULL)
			snprintf(err, errlen, "verify: invalid options");
		return -1;
	}
	memset(st, 0, sizeof(*st));
	pthread_mutex_init(&c.lock, NULL);
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
	clock_gettime(CLOCK_MONOTONIC, &t0);
	if (o->list_only) {
		if (s3_list(admin, o->bucket, o->prefix, 0, on_listed, &c, NULL, &res) < 0) {
			snprintf(err, errlen, "%s", res.error);
			goto out;
		}
		for (i = 0; i < c.n; i++) {
			if (c.items[i].state == UNSEEN)
				c.items[i].state = MISSING;
			if (c.items[i].state != OK)
				report(&c, c.items[i].key, c.items[i].state == MISSING ?
				    "not in the bucket" : "size differs from the manifest");
		}
	} else {
		c.clients = calloc(o->concurrency, sizeof(*c.clients));
		c.bufs = calloc(o->concurrency, sizeof(*c.bufs));
		if (c.clients == NULL || c.bufs == NULL ||
		    (c.n > 0 && pool_for(c.n, o->concurrency, check_one, &c, "verify") < 0)) {
			snprintf(err, errlen, "verify: cannot start workers");
			goto out;
		}
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	st->seconds = (double)(t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) / 1e9;
	for (i = 0; i < c.n; i++) {
		switch (c.items[i].state) {
		case OK: st->ok++; break;
		case MISSING: st->missing++; break;
		case MISMATCHED: st->mismatched++; break;
		default: st->failed++; break;
		}
	}
	rc = st->ok == st->entries ? 0 : 1;
out:
	for (i = 0; i < o->concurrency; i++) {
		if (c.clients != NULL)
			s3_free(c.clients[i]);
		if (c.bufs != NULL)
			s3_buf_free(&c.bufs[i]);
	}
	free(c.clients);
	free(c.bufs);
	for (i = 0; i < c.n; i++)
		free(c.items[i].key);
	free(c.items);
	s3_free(admin);
	pthread_mutex_destroy(&c.lock);
	return rc;
}
