/*
 * load.c: folder to bucket. The file names are read and sorted first (names only, so the
 * progress line knows the total and every run uploads in the same order); workers then each
 * own an S3 client and a reusable read buffer, so memory is one file per worker. The final
 * LIST walks the prefix once and ticks off each name it finds with the expected size.
 */
#include "load.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>
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
	struct s3 **clients;
	struct s3_buf *bufs;
	size_t prefix_len;	/* of "prefix/" in listed keys */
	pthread_mutex_t lock;	/* on_error calls */
};

static int name_cmp(const void *a, const void *b);
static int scan(const char *dir, struct file **out, size_t *n, char *err, size_t errlen);
static int read_file(const char *path, uint64_t cap, struct s3_buf *b);
static int upload_one(unsigned worker, size_t item, void *arg);
static int on_listed(const char *key, uint64_t size, void *arg);
static const char *content_type(const char *name);
static void report(struct load_ctx *c, const char *key, const char *error);
static double since(const struct timespec *t0);

static int
name_cmp(const void *a, const void *b)
{
	const struct file *x = a, *y = b;

	return strcmp(x->name, y->name);
}

static double
since(const struct timespec *t0)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)(t.tv_sec - t0->tv_sec) + (t.tv_nsec - t0->tv_nsec) / 1e9;
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

static void
report(struct load_ctx *c, const char *key, const char *error)
{
	if (c->o->on_error == NULL)
		return;
	pthread_mutex_lock(&c->lock);
	c->o->on_error(key, error, c->o->arg);
	pthread_mutex_unlock(&c->lock);
}

static int
upload_one(unsigned worker, size_t item, void *arg)
{
	struct load_ctx *c = arg;
	struct file *f = &c->files[item];
	struct s3_result res;
	char path[4096], key[MANIFEST_KEY_MAX + 1], msg[600];

	if (s3url_join(key, sizeof(key), c->o->prefix, f->name) < 0) {
		report(c, f->name, "key longer than 1,024 bytes");
		return -1;
	}
	if (c->clients[worker] == NULL && (c->clients[worker] = s3_new(c->o->cfg)) == NULL) {
		report(c, key, "cannot create an S3 client");
		return -1;
	}
	snprintf(path, sizeof(path), "%s/%s", c->o->dir, f->name);
	if (read_file(path, c->o->cfg->max_object_bytes, &c->bufs[worker]) < 0) {
		snprintf(msg, sizeof(msg), "%s: %s", path, strerror(errno));
		report(c, key, msg);
		return -1;
	}
	if (s3_put(c->clients[worker], c->o->bucket, key, c->bufs[worker].data,
	    c->bufs[worker].len, content_type(f->name), &res) < 0) {
		report(c, key, res.error);
		return -1;
	}
	f->size = c->bufs[worker].len;
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

int
load_run(const struct load_options *o, struct load_stats *st, char *err, size_t errlen)
{
	struct load_ctx c = { .o = o };
	struct s3 *admin = NULL;
	struct s3_result res;
	struct timespec t0;
	size_t i;
	int rc = -1;

	if (o == NULL || st == NULL || err == NULL || o->cfg == NULL || o->dir == NULL ||
	    o->bucket == NULL || o->prefix == NULL || o->concurrency == 0) {
		if (err != NULL)
			snprintf(err, errlen, "load: invalid options");
		return -1;
	}
	memset(st, 0, sizeof(*st));
	pthread_mutex_init(&c.lock, NULL);
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
	c.clients = calloc(o->concurrency, sizeof(*c.clients));
	c.bufs = calloc(o->concurrency, sizeof(*c.bufs));
	if (c.clients == NULL || c.bufs == NULL) {
		snprintf(err, errlen, "load: out of memory");
		goto out;
	}
	clock_gettime(CLOCK_MONOTONIC, &t0);
	if (c.n > 0 && pool_for(c.n, o->concurrency, upload_one, &c, "load") < 0) {
		snprintf(err, errlen, "load: cannot start worker threads");
		goto out;
	}
	st->seconds = since(&t0);
	for (i = 0; i < c.n; i++) {
		st->uploaded += (size_t)c.files[i].uploaded;
		st->bytes += c.files[i].uploaded ? c.files[i].size : 0;
	}
	st->failed = c.n - st->uploaded;
	c.prefix_len = *o->prefix ? strlen(o->prefix) + 1 : 0;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	if (s3_list(admin, o->bucket, o->prefix, 0, on_listed, &c, NULL, &res) < 0) {
		snprintf(err, errlen, "%s", res.error);
		goto out;
	}
	st->list_seconds = since(&t0);
	for (i = 0; i < c.n; i++) {
		st->listed += (size_t)c.files[i].listed;
		if (c.files[i].uploaded && !c.files[i].listed)
			report(&c, c.files[i].name, "uploaded but missing from the LIST");
	}
	rc = st->listed == c.n ? 0 : 1;
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
		free(c.files[i].name);
	free(c.files);
	s3_free(admin);
	pthread_mutex_destroy(&c.lock);
	return rc;
}
