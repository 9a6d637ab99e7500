/*
 * load.c: folder to bucket. The file names are read and sorted first (names only, so the
 * progress line knows the total and every run uploads in the same order); the pool's workers
 * then read each file into their reusable buffer and PUT it with their own client, so memory
 * is one file per worker. The final
 * LIST walks the prefix once and ticks off each name it finds with the expected size.
 */
#include "load.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "manifest.h"
#include "pool.h"

struct file {
	char *name;
	uint64_t size;
	int uploaded;
	int listed;
};

struct load_ctx {
	const struct load_options *o;
	struct file *files;
	size_t n;
	struct pool *pool;
	size_t prefix_len;	/* of "prefix/" in listed keys */
};

static int name_cmp(const void *a, const void *b);
static int scan(const char *dir, struct file **out, size_t *n, char *err, size_t errlen);
static int read_file(const char *path, uint64_t cap, struct s3_buf *b);
static int upload_one(struct pool_worker *w, size_t item, void *arg);
static int on_listed(const char *key, uint64_t size, void *arg);
static const char *content_type(const char *name);
static int upload(struct load_ctx *c, struct load_stats *st, char *err, size_t errlen);
static int prove(struct load_ctx *c, struct s3 *admin, struct load_stats *st, char *err,
    size_t errlen);

static int
name_cmp(const void *a, const void *b)
{
	const struct file *x = a, *y = b;

	return strcmp(x->name, y->name);
}

/* The sorted regular files of dir, without the manifest. */
static int
scan(const char *dir, struct file **out, size_t *n, char *err, size_t errlen)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	struct file *v = NULL, *nv;
	struct stat sb;
	size_t cap = 0, len = 0;

	if (d == NULL) {
		snprintf(err, errlen, "%s: %s", dir, strerror(errno));
		return -1;
	}
	while ((de = readdir(d)) != NULL) {
		if (fstatat(dirfd(d), de->d_name, &sb, 0) < 0 || !S_ISREG(sb.st_mode) ||
		    strcmp(de->d_name, MANIFEST_NAME) == 0)
			continue;
		if (len == cap) {
			cap = cap ? cap * 2 : 256;
			if ((nv = realloc(v, cap * sizeof(*v))) == NULL)
				goto oom;
			v = nv;
		}
		v[len] = (struct file){ .name = strdup(de->d_name), .size = (uint64_t)sb.st_size };
		if (v[len].name == NULL)
			goto oom;
		len++;
	}
	closedir(d);
	if (len > 0)
		qsort(v, len, sizeof(*v), name_cmp);
	*out = v;
	*n = len;
	return 0;
oom:
	closedir(d);
	while (len > 0)
		free(v[--len].name);
	free(v);
	snprintf(err, errlen, "%s: out of memory", dir);
	return -1;
}

static int
read_file(const char *path, uint64_t cap, struct s3_buf *b)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	struct stat sb;
	size_t off = 0;
	ssize_t r;

	if (fd < 0)
		return -1;
	if (fstat(fd, &sb) < 0) {
		int e = errno;

		close(fd);
		errno = e;
		return -1;
	}
	if ((uint64_t)sb.st_size > cap) {
		close(fd);
		errno = EFBIG;
		return -1;
	}
	if ((size_t)sb.st_size + 1 > b->cap) {
		unsigned char *p = realloc(b->data, (size_t)sb.st_size + 1);

		if (p == NULL) {
			close(fd);
			return -1;
		}
		b->data = p;
		b->cap = (size_t)sb.st_size + 1;
	}
	while (off < (size_t)sb.st_size) {
		r = read(fd, b->data + off, (size_t)sb.st_size - off);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		off += (size_t)r;
	}
	close(fd);
	b->len = off;
	return off == (size_t)sb.st_size ? 0 : -1;
}

static const char *
content_type(const char *name)
{
	const char *dot = strrchr(name, '.');

	if (dot != NULL && (strcasecmp(dot, ".jpg") == 0 || strcasecmp(dot, ".jpeg") == 0))
		return "image/jpeg";
	return "application/octet-stream";
}

static int
upload_one(struct pool_worker *w, size_t item, void *arg)
{
	struct load_ctx *c = arg;
	struct file *f = &c->files[item];
	struct s3_buf *body = pool_buf(w);
	struct s3_result res;
	struct s3 *s3;
	char path[4096], key[MANIFEST_KEY_MAX + 1], msg[600];

	if (s3url_join(key, sizeof(key), c->o->prefix, f->name) < 0)
		return pool_fail(w, f->name, "key longer than 1,024 bytes");
	if ((s3 = pool_s3(w, key)) == NULL)
		return -1;
	snprintf(path, sizeof(path), "%s/%s", c->o->dir, f->name);
	if (read_file(path, c->o->cfg->max_object_bytes, body) < 0) {
		snprintf(msg, sizeof(msg), "%s: %s", path, strerror(errno));
		return pool_fail(w, key, msg);
	}
	if (s3_put(s3, c->o->bucket, key, body->data, body->len, content_type(f->name),
	    &res) < 0)
		return pool_fail(w, key, res.error);
	f->size = body->len;
	f->uploaded = 1;
	return 0;
}

static int
on_listed(const char *key, uint64_t size, void *arg)
{
	struct load_ctx *c = arg;
	struct file probe, *f;

	if (strlen(key) < c->prefix_len)
		return 0;
	probe.name = (char *)(uintptr_t)(key + c->prefix_len);
	f = bsearch(&probe, c->files, c->n, sizeof(*c->files), name_cmp);
	if (f != NULL && f->uploaded && f->size == size)
		f->listed = 1;
	return 0;
}

/* Every file PUT by the pool, then counted. */
static int
upload(struct load_ctx *c, struct load_stats *st, char *err, size_t errlen)
{
	double t0 = pool_now();
	size_t i;

	if (c->n > 0 && pool_run(c->pool, c->n, upload_one, c, "load") < 0) {
		snprintf(err, errlen, "load: cannot start worker threads");
		return -1;
	}
	st->seconds = pool_now() - t0;
	for (i = 0; i < c->n; i++) {
		st->uploaded += (size_t)c->files[i].uploaded;
		st->bytes += c->files[i].uploaded ? c->files[i].size : 0;
	}
	st->failed = c->n - st->uploaded;
	return 0;
}

/* One LIST of the prefix ticks off the files that arrived whole; the others are reported. */
static int
prove(struct load_ctx *c, struct s3 *admin, struct load_stats *st, char *err, size_t errlen)
{
	struct s3_result res;
	double t0;
	size_t i;

	c->prefix_len = *c->o->prefix ? strlen(c->o->prefix) + 1 : 0;
	t0 = pool_now();
	if (s3_list(admin, c->o->bucket, c->o->prefix, 0, on_listed, c, NULL, &res) < 0) {
		snprintf(err, errlen, "%s", res.error);
		return -1;
	}
	st->list_seconds = pool_now() - t0;
	for (i = 0; i < c->n; i++) {
		st->listed += (size_t)c->files[i].listed;
		if (c->files[i].uploaded && !c->files[i].listed)
			pool_report(c->pool, c->files[i].name,
			    "uploaded but missing from the LIST");
	}
	return 0;
}

int
load_run(const struct load_options *o, struct load_stats *st, char *err, size_t errlen)
{
	struct load_ctx c = { .o = o };
	struct s3 *admin = NULL;
	struct s3_result res;
	size_t i;
	int rc = -1;

	if (o == NULL || st == NULL || err == NULL || o->cfg == NULL || o->dir == NULL ||
	    o->bucket == NULL || o->prefix == NULL || o->concurrency == 0) {
		if (err != NULL)
			snprintf(err, errlen, "load: invalid options");
		return -1;
	}
	memset(st, 0, sizeof(*st));
	if (scan(o->dir, &c.files, &c.n, err, errlen) < 0)
		goto out;
	st->files = c.n;
	if ((admin = s3_new(o->cfg)) == NULL) {
		snprintf(err, errlen, "load: cannot create an S3 client");
		goto out;
	}
	if (s3_create_bucket(admin, o->bucket, &res) < 0) {
		snprintf(err, errlen, "%s", res.error);
		goto out;
	}
	if ((c.pool = pool_new(o->cfg, o->concurrency, o->on_error, o->arg)) == NULL) {
		snprintf(err, errlen, "load: out of memory");
		goto out;
	}
	if (upload(&c, st, err, errlen) == 0 && prove(&c, admin, st, err, errlen) == 0)
		rc = st->listed == c.n ? 0 : 1;
out:
	pool_free(c.pool);
	for (i = 0; i < c.n; i++)
		free(c.files[i].name);
	free(c.files);
	s3_free(admin);
	return rc;
}
