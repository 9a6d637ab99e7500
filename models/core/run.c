/*
 * run.c: what every model shares: the keys in, from a ListObjectsV2 listing fetched one page
 * at a time, and the outcomes out, counted under one mutex. See run.h.
 *
 * The listing is synchronous, on whichever thread asks for the next key when the page is
 * used up: a LIST per 1,000 keys is a small, measured cost (list_ns in the totals) that every
 * model pays alike, and it keeps memory at one page whatever the bucket holds. With
 * run_set_keys the keys come from a file instead, a line at a time.
 */
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "run.h"
#include "s3.h"

#define PAGE_KEYS 1000

struct run {
	const struct pipeline *p;
	struct model_opts opts;
	uint64_t limit;
	atomic_int *stop;
	run_record_cb on_record;
	void *arg;

	FILE *keys;		/* keys from a file instead of the listing, or NULL */
	const char *keys_name;
	unsigned long keys_line;
	struct s3 *lister;
	char token[4096];	/* the next page's continuation token */
	int listing;		/* pages remain */
	int ended;		/* the stream is over (end, limit, stop, error): only 0 from now */
	char **page;		/* keys of the current page, [next, npage) still to hand out */
	size_t npage, next;

	pthread_mutex_t lock;	/* the totals, the error, on_record */
	struct run_totals t;
	char error[512];
};

static int next_key(struct run *r, char *key);
static int fetch_page(struct run *r);
static int read_key(struct run *r, char *key);
static int page_key(const char *key, uint64_t size, void *arg);
static void drop_page(struct run *r);

struct run *
run_new(const struct pipeline *p, const struct model_opts *opts, uint64_t limit,
    atomic_int *stop, run_record_cb on_record, void *arg)
{
	struct run *r;

	if (p == NULL || opts == NULL || (r = calloc(1, sizeof(*r))) == NULL)
		return NULL;
	r->page = calloc(PAGE_KEYS, sizeof(*r->page));
	r->lister = s3_new(&p->s3);
	if (r->page == NULL || r->lister == NULL) {
		free(r->page);
		s3_free(r->lister);
		free(r);
		return NULL;
	}
	r->p = p;
	r->opts = *opts;
	r->limit = limit;
	r->stop = stop;
	r->on_record = on_record;
	r->arg = arg;
	r->listing = 1;
	pthread_mutex_init(&r->lock, NULL);
	return r;
}

void
run_free(struct run *r)
{
	if (r == NULL)
		return;
	drop_page(r);
	free(r->page);
	s3_free(r->lister);
	pthread_mutex_destroy(&r->lock);
	free(r);
}

const struct pipeline *
run_pipeline(const struct run *r)
{
	return r->p;
}

const struct model_opts *
run_opts(const struct run *r)
{
	return &r->opts;
}

int
run_stopping(const struct run *r)
{
	return r->stop != NULL && atomic_load(r->stop);
}

int
run_next_key(struct run *r, char *key)
{
	int got;

	if (!r->ended)
		got = next_key(r, key);
	else
		got = 0;
	if (got != 1)
		r->ended = 1;
	if (got == 1) {
		pthread_mutex_lock(&r->lock);
		r->t.listed++;
		pthread_mutex_unlock(&r->lock);
	}
	return got;
}

/* run_next_key's work, before the latch and the count. */
static int
next_key(struct run *r, char *key)
{
	uint64_t listed;

	pthread_mutex_lock(&r->lock);
	listed = r->t.listed;
	if (run_stopping(r))
		r->t.stopped = 1;
	pthread_mutex_unlock(&r->lock);
	if (run_stopping(r) || (r->limit > 0 && listed >= r->limit))
		return 0;
	if (r->keys != NULL)
		return read_key(r, key);
	if (r->next == r->npage) {
		if (!r->listing)
			return 0;
		if (fetch_page(r) < 0)
			return -1;
		if (r->npage == 0)
			return 0;
	}
	snprintf(key, JOB_KEY_MAX + 1, "%s", r->page[r->next]);
	free(r->page[r->next]);
	r->page[r->next++] = NULL;
	return 1;
}

void
run_record(struct run *r, const struct job_record *rec)
{
	pthread_mutex_lock(&r->lock);
	if (rec->outcome == JOB_OK)
		r->t.ok++;
	else
		r->t.failed++;
	r->t.bytes_in += (uint64_t)rec->bytes_in;
	r->t.bytes_out += (uint64_t)rec->bytes_out;
	if (r->on_record != NULL)
		r->on_record(rec, r->arg);
	pthread_mutex_unlock(&r->lock);
}

void
run_fail(struct run *r, const char *fmt, ...)
{
	va_list ap;

	pthread_mutex_lock(&r->lock);
	if (r->error[0] == '\0') {
		va_start(ap, fmt);
		vsnprintf(r->error, sizeof(r->error), fmt, ap);
		va_end(ap);
	}
	pthread_mutex_unlock(&r->lock);
}

const char *
run_error(const struct run *r)
{
	return r->error;
}

void
run_totals(struct run *r, struct run_totals *t)
{
	pthread_mutex_lock(&r->lock);
	*t = r->t;
	pthread_mutex_unlock(&r->lock);
}

void
run_set_keys(struct run *r, FILE *f, const char *name)
{
	r->keys = f;
	r->keys_name = name;
}

/* The next non-empty line of the keys file: 1, 0 at its end, -1 (run error) if unreadable. */
static int
read_key(struct run *r, char *key)
{
	char line[JOB_KEY_MAX + 3];
	size_t n;

	for (;;) {
		if (fgets(line, sizeof(line), r->keys) == NULL) {
			if (!ferror(r->keys))
				return 0;
			run_fail(r, "%s: read error", r->keys_name);
			return -1;
		}
		r->keys_line++;
		n = strcspn(line, "\r\n");
		if (n > JOB_KEY_MAX || (line[n] == '\0' && !feof(r->keys))) {
			run_fail(r, "%s:%lu: key longer than %d bytes", r->keys_name, r->keys_line,
			    JOB_KEY_MAX);
			return -1;
		}
		line[n] = '\0';
		if (n > 0)
			break;
	}
	memcpy(key, line, n + 1);
	return 1;
}

/* Replaces the used-up page with the next one; 0, or -1 with the run's error set. */
static int
fetch_page(struct run *r)
{
	const struct pipeline *p = r->p;
	struct s3_result res;
	char folder[JOB_KEY_MAX + 2];
	int64_t t0 = job_now_ns();
	int rv;

	/* "a/b/", not "a/b", which would also list "a/bc" */
	s3url_join(folder, sizeof(folder), p->src_prefix, "");
	drop_page(r);
	rv = s3_list_page(r->lister, p->src_bucket, folder, PAGE_KEYS, r->token,
	    sizeof(r->token), page_key, r, &res);
	pthread_mutex_lock(&r->lock);
	r->t.list_pages++;
	r->t.list_ns += job_now_ns() - t0;
	pthread_mutex_unlock(&r->lock);
	if (rv != 0) {
		drop_page(r);
		r->listing = 0;
		run_fail(r, "listing s3://%s/%s: %s", p->src_bucket, p->src_prefix, rv < 0 ?
		    res.error : "out of memory, or a page of more keys than the 1,000 asked for");
		return -1;
	}
	r->listing = r->token[0] != '\0';
	return 0;
}

/* A page holds at most PAGE_KEYS, the size asked of the server: more is an error. */
static int
page_key(const char *key, uint64_t size, void *arg)
{
	struct run *r = arg;

	(void)size;
	if (r->npage == PAGE_KEYS)
		return 1;
	if ((r->page[r->npage] = strdup(key)) == NULL)
		return 1;
	r->npage++;
	return 0;
}

static void
drop_page(struct run *r)
{
	size_t i;

	for (i = r->next; i < r->npage; i++)
		free(r->page[i]);
	r->npage = r->next = 0;
}
