/*
 * index.c: manifests for photos as they are. See index.h. A batch is an array of items, each
 * read by a worker (a folder's file with read(2) into the worker's own buffer; an object with
 * a GET through the pool's client and buffer), indexed by index_entry, then written by the
 * calling thread in the batch's order, with the failures reported from there too, so the
 * caller's on_error is never called from two threads.
 */
#include "index.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "models/core/exif.h"
#include "models/core/s3url.h"
#include "models/core/transform.h"

struct item {
	char *key;			/* the file's name, or the object's full key */
	char error[256];		/* "" when indexed */
	struct manifest_entry e;
};

struct index_ctx {
	const struct index_options *o;
	struct item *batch;
	size_t n, skip;			/* skip: strlen("PREFIX/") for S3 */
	int dirfd;
	struct s3_buf *bufs;		/* a folder's: one per worker */
	struct pool *pool;		/* S3's */
};

static void put_text(const struct exif_value *v, char *dst, size_t len);
static double real_of(const struct exif_value *v);
static void exif_fill(const struct exif_record *rec, struct manifest_exif *x);
static int read_file(struct index_ctx *c, unsigned worker, struct item *it);
static int dir_one(unsigned worker, size_t i, void *arg);
static int s3_one(struct pool_worker *w, size_t i, void *arg);
static int add_listed(const char *key, uint64_t size, void *arg);
static int flush(struct index_ctx *c, struct index_stats *st, char *err, size_t errlen);
static int walk_dir(struct index_ctx *c, struct index_stats *st, char *err, size_t errlen);
static int walk_s3(struct index_ctx *c, struct index_stats *st, char *err, size_t errlen);

/* A text tag into dst when it is UTF-8, cut at a character boundary to fit. */
static void
put_text(const struct exif_value *v, char *dst, size_t len)
{
	size_t n;
	json_t *utf8;

	dst[0] = '\0';
	if (v->type != EXIF_VALUE_TEXT)
		return;
	n = v->text.len < len - 1 ? v->text.len : len - 1;
	while (n > 0 && n < v->text.len && ((unsigned char)v->text.s[n] & 0xc0) == 0x80)
		n--;
	if ((utf8 = json_stringn(v->text.s, n)) == NULL)
		return;
	json_decref(utf8);
	memcpy(dst, v->text.s, n);
	dst[n] = '\0';
}

static double
real_of(const struct exif_value *v)
{
	return v->type == EXIF_VALUE_REAL ? v->r : v->type == EXIF_VALUE_INT ? (double)v->i : 0;
}

/* The tags a manifest keeps, from what the pipeline's reader found. */
static void
exif_fill(const struct exif_record *rec, struct manifest_exif *x)
{
	const struct exif_value *f = rec->field;
	int64_t o = f[EXIF_FIELD_ORIENTATION].i, iso = f[EXIF_FIELD_ISO_SPEED_RATINGS].i;

	memset(x, 0, sizeof(*x));
	put_text(&f[EXIF_FIELD_MAKE], x->make, sizeof(x->make));
	put_text(&f[EXIF_FIELD_MODEL], x->model, sizeof(x->model));
	put_text(&f[EXIF_FIELD_LENS_MODEL], x->lens_model, sizeof(x->lens_model));
	if (f[EXIF_FIELD_DATE_TIME_ORIGINAL].type == EXIF_VALUE_TEXT &&
	    f[EXIF_FIELD_DATE_TIME_ORIGINAL].text.len == 19)
		put_text(&f[EXIF_FIELD_DATE_TIME_ORIGINAL], x->datetime_original,
		    sizeof(x->datetime_original));
	if (f[EXIF_FIELD_ORIENTATION].type == EXIF_VALUE_INT && o >= 1 && o <= 8)
		x->orientation = (int)o;
	if (f[EXIF_FIELD_ISO_SPEED_RATINGS].type == EXIF_VALUE_INT && iso > 0 && iso <= 65535)
		x->iso = (int)iso;
	x->exposure_time = real_of(&f[EXIF_FIELD_EXPOSURE_TIME]);
	x->fnumber = real_of(&f[EXIF_FIELD_FNUMBER]);
	x->focal_length = real_of(&f[EXIF_FIELD_FOCAL_LENGTH]);
	x->has_gps = f[EXIF_FIELD_GPS_LATITUDE].type == EXIF_VALUE_REAL &&
	    f[EXIF_FIELD_GPS_LONGITUDE].type == EXIF_VALUE_REAL;
	if (x->has_gps) {
		x->gps_latitude = f[EXIF_FIELD_GPS_LATITUDE].r;
		x->gps_longitude = f[EXIF_FIELD_GPS_LONGITUDE].r;
	}
}

int
index_entry(const unsigned char *buf, size_t len, const char *key, struct manifest_entry *e)
{
	struct exif_record *rec;
	struct jpeg_info info;
	char msg[256];
	int tags;

	if ((buf == NULL && len > 0) || key == NULL || e == NULL ||
	    strlen(key) > MANIFEST_KEY_MAX || (rec = malloc(sizeof(*rec))) == NULL)
		return -1;
	memset(e, 0, sizeof(*e));
	memcpy(e->key, key, strlen(key) + 1);
	e->size = len;
	digest_sha256_hex(buf, len, e->sha256);
	tags = exif_read(buf, len, rec);
	if (transform_probe(buf, len, &info, msg, sizeof(msg)) < 0) {
		e->kind = MANIFEST_CORRUPT;
		e->has_exif = -1;
	} else {
		e->kind = tags > 0 ? MANIFEST_OK : MANIFEST_NOEXIF;
		e->width = info.width, e->height = info.height;
		if (tags > 0)
			exif_fill(rec, &e->exif);
		e->has_exif = tags > 0;
	}
	free(rec);
	return 0;
}

/* A folder's file into the worker's buffer: 0, or -1 with it->error. */
static int
read_file(struct index_ctx *c, unsigned worker, struct item *it)
{
	struct s3_buf *b = &c->bufs[worker];
	struct stat sb;
	ssize_t r = 0;
	int fd;

	if ((fd = openat(c->dirfd, it->key, O_RDONLY | O_CLOEXEC)) < 0 || fstat(fd, &sb) < 0)
		goto fail;
	if ((size_t)sb.st_size + 1 > b->cap) {
		free(b->data);
		b->cap = (size_t)sb.st_size + 1;
		if ((b->data = malloc(b->cap)) == NULL) {
			b->cap = 0, errno = ENOMEM;
			goto fail;
		}
	}
	for (b->len = 0; b->len < (size_t)sb.st_size; b->len += (size_t)r)
		if ((r = read(fd, b->data + b->len, (size_t)sb.st_size - b->len)) <= 0)
			break;
	if (r < 0)
		goto fail;
	close(fd);
	return 0;
fail:
	snprintf(it->error, sizeof(it->error), "%s", strerror(errno));
	if (fd >= 0)
		close(fd);
	return -1;
}

static int
dir_one(unsigned worker, size_t i, void *arg)
{
	struct index_ctx *c = arg;
	struct item *it = &c->batch[i];

	if (read_file(c, worker, it) < 0)
		return -1;
	return index_entry((unsigned char *)c->bufs[worker].data, c->bufs[worker].len, it->key,
	    &it->e);
}

static int
s3_one(struct pool_worker *w, size_t i, void *arg)
{
	struct index_ctx *c = arg;
	struct item *it = &c->batch[i];
	struct s3_buf *body = pool_buf(w);
	struct s3_result res;
	struct s3 *s3;

	if ((s3 = pool_s3(w, it->key)) == NULL) {
		snprintf(it->error, sizeof(it->error), "cannot create an S3 client");
		return -1;
	}
	if (s3_get(s3, c->o->bucket, it->key, body, &res) < 0) {
		snprintf(it->error, sizeof(it->error), "%s", res.error);
		return -1;
	}
	return index_entry((unsigned char *)body->data, body->len, it->key + c->skip, &it->e);
}

static int
add_listed(const char *key, uint64_t size, void *arg)
{
	struct index_ctx *c = arg;

	if (c->n == INDEX_BATCH || (c->batch[c->n].key = strdup(key)) == NULL)
		return 1;
	c->batch[c->n++].error[0] = '\0';
	return 0;
}

/* Writes the batch's entries in order, tells its failures, and empties it. */
static int
flush(struct index_ctx *c, struct index_stats *st, char *err, size_t errlen)
{
	struct item *it;
	int rv = 0;

	for (it = c->batch; it < c->batch + c->n; it++) {
		if (it->error[0] != '\0') {
			st->failed++;
			if (c->o->on_error != NULL)
				c->o->on_error(it->key, it->error, c->o->arg);
		} else if (rv == 0 && manifest_write(c->o->out, &it->e) < 0) {
			snprintf(err, errlen, "index: cannot write the manifest entry of '%s'",
			    it->e.key);
			rv = -1;
		} else if (rv == 0) {
			st->files++;
			st->bytes += it->e.size;
			st->kinds[it->e.kind]++;
		}
		free(it->key);
	}
	c->n = 0;
	return rv;
}

/* A folder's regular files (not manifest.jsonl), a batch at a time. */
static int
walk_dir(struct index_ctx *c, struct index_stats *st, char *err, size_t errlen)
{
	struct dirent *d;
	struct stat sb;
	DIR *dir;
	int rv = 0;

	if ((dir = opendir(c->o->dir)) == NULL || (c->bufs = calloc(c->o->concurrency,
	    sizeof(*c->bufs))) == NULL) {
		snprintf(err, errlen, "%s: %s", c->o->dir, strerror(errno));
		if (dir != NULL)
			closedir(dir);
		return -1;
	}
	c->dirfd = dirfd(dir);
	while (rv == 0) {
		d = readdir(dir);
		if (d != NULL && (strcmp(d->d_name, MANIFEST_NAME) == 0 ||
		    fstatat(c->dirfd, d->d_name, &sb, 0) < 0 || !S_ISREG(sb.st_mode)))
			continue;
		if (d != NULL && add_listed(d->d_name, 0, c) != 0) {
			snprintf(err, errlen, "index: out of memory"), rv = -1;
			break;
		}
		if (c->n == INDEX_BATCH || (d == NULL && c->n > 0)) {
			if (pool_for(c->n, c->o->concurrency, dir_one, c, "index") < 0)
				snprintf(err, errlen, "index: cannot start threads"), rv = -1;
			else
				rv = flush(c, st, err, errlen);
		}
		if (d == NULL)
			break;
	}
	closedir(dir);
	return rv;
}

/* A prefix, a listing page at a time. */
static int
walk_s3(struct index_ctx *c, struct index_stats *st, char *err, size_t errlen)
{
	char folder[MANIFEST_KEY_MAX + 2], token[4096] = "";
	struct s3_result res;
	struct s3 *lister;
	int rv = -1, lr;

	c->skip = *c->o->prefix ? strlen(c->o->prefix) + 1 : 0;
	s3url_join(folder, sizeof(folder), c->o->prefix, "");
	if ((lister = s3_new(c->o->cfg)) == NULL ||
	    (c->pool = pool_new(c->o->cfg, c->o->concurrency, NULL, NULL)) == NULL) {
		snprintf(err, errlen, "index: out of memory");
		goto out;
	}
	if (s3_check_bucket(lister, c->o->bucket, &res) < 0) {
		snprintf(err, errlen, "%s", res.error);
		goto out;
	}
	do {
		lr = s3_list_page(lister, c->o->bucket, folder, INDEX_BATCH, token,
		    sizeof(token), add_listed, c, &res);
		if (lr != 0) {
			snprintf(err, errlen, "listing s3://%s/%s: %s", c->o->bucket,
			    c->o->prefix, lr < 0 ? res.error : "out of memory");
			goto out;
		}
		if (c->n > 0 && pool_run(c->pool, c->n, s3_one, c, "index") < 0) {
			snprintf(err, errlen, "index: cannot start workers");
			goto out;
		}
		if (flush(c, st, err, errlen) < 0)
			goto out;
	} while (token[0] != '\0');
	rv = 0;
out:
	s3_free(lister);
	return rv;
}

int
index_run(const struct index_options *o, struct index_stats *st, char *err, size_t errlen)
{
	struct index_ctx c = { .o = o, .dirfd = -1 };
	double t0 = pool_now();
	size_t i;
	int rv;

	if (o == NULL || st == NULL || err == NULL || o->out == NULL || o->concurrency == 0 ||
	    (o->dir == NULL && (o->cfg == NULL || o->bucket == NULL || o->prefix == NULL))) {
		if (err != NULL)
			snprintf(err, errlen, "index: invalid options");
		return -1;
	}
	memset(st, 0, sizeof(*st));
	if ((c.batch = calloc(INDEX_BATCH, sizeof(*c.batch))) == NULL) {
		snprintf(err, errlen, "index: out of memory");
		return -1;
	}
	rv = o->dir != NULL ? walk_dir(&c, st, err, errlen) : walk_s3(&c, st, err, errlen);
	if (rv == 0 && fflush(o->out) != 0)
		snprintf(err, errlen, "index: writing the manifest: %s", strerror(errno)), rv = -1;
	for (i = 0; i < c.n; i++)
		free(c.batch[i].key);
	for (i = 0; c.bufs != NULL && i < o->concurrency; i++)
		free(c.bufs[i].data);
	free(c.bufs);
	pool_free(c.pool);
	free(c.batch);
	st->seconds = pool_now() - t0;
	return rv < 0 ? -1 : st->failed > 0;
}
