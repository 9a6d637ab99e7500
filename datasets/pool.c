/*
 * pool.c: a fixed set of pthreads pulling item numbers from one atomic counter. The caller's
 * thread only watches: it redraws the progress line five times a second until the workers are
 * done, then joins them. No queue, no lock: items are numbers. The S3 pool is pool_for with a
 * slot per worker (client, buffer) indexed by the worker's number; its one lock is taken only
 * to report a failed item, off the path of the items that succeed.
 */
#include "pool.h"

#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

struct batch {
	size_t n;
	pool_fn fn;
	void *arg;
	atomic_size_t next;
	atomic_size_t done;
	atomic_long failed;
	atomic_uint running;
};

struct pool_worker {
	struct pool *pool;
	struct s3 *s3;		/* made at the worker's first pool_s3 */
	struct s3_buf buf;
};

struct pool {
	const struct s3_config *cfg;
	unsigned threads;
	struct pool_worker *workers;	/* threads of them */
	pool_error_fn on_error;
	void *error_arg;
	pthread_mutex_t lock;		/* on_error calls */
	pool_item_fn fn;		/* the run under way */
	void *arg;
};

struct thread {
	struct batch *p;
	unsigned id;
	pthread_t tid;
};

static void *work(void *arg);
static int run_item(unsigned worker, size_t item, void *arg);
static void progress(struct batch *p, const char *label, double t0, int last);

static void *
work(void *arg)
{
	struct thread *w = arg;
	struct batch *p = w->p;
	size_t i;

	while ((i = atomic_fetch_add(&p->next, 1)) < p->n) {
		if (p->fn(w->id, i, p->arg) != 0)
			atomic_fetch_add(&p->failed, 1);
		atomic_fetch_add(&p->done, 1);
	}
	atomic_fetch_sub(&p->running, 1);
	return NULL;
}

double
pool_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static void
progress(struct batch *p, const char *label, double t0, int last)
{
	size_t d = atomic_load(&p->done);
	double el = pool_now() - t0, rate = el > 0 ? (double)d / el : 0;

	fprintf(stderr, "\r%s: %zu/%zu  %.0f/s  ETA %.0fs  failed %ld   %s", label, d, p->n, rate,
	    rate > 0 ? (double)(p->n - d) / rate : 0.0, atomic_load(&p->failed), last ? "\n" : "");
}

long
pool_for(size_t n, unsigned threads, pool_fn fn, void *arg, const char *label)
{
	struct batch p = { .n = n, .fn = fn, .arg = arg };
	struct thread *w;
	struct timespec tick = { 0, 200 * 1000000L };
	unsigned i, started = 0;
	int tty = isatty(STDERR_FILENO);
	double t0 = pool_now();

	if (fn == NULL)
		return -1;
	if (threads < 1)
		threads = 1;
	if ((size_t)threads > n && n > 0)
		threads = (unsigned)n;
	if ((w = calloc(threads, sizeof(*w))) == NULL)
		return -1;
	atomic_store(&p.running, threads);
	for (i = 0; i < threads; i++) {
		w[i] = (struct thread){ .p = &p, .id = i };
		if (pthread_create(&w[i].tid, NULL, work, &w[i]) != 0)
			break;
		started++;
	}
	atomic_fetch_sub(&p.running, threads - started);
	if (started == 0) {
		free(w);
		return -1;
	}
	while (tty && atomic_load(&p.running) > 0) {
		progress(&p, label ? label : "work", t0, 0);
		nanosleep(&tick, NULL);
	}
	for (i = 0; i < started; i++)
		pthread_join(w[i].tid, NULL);
	if (tty)
		progress(&p, label ? label : "work", t0, 1);
	free(w);
	return atomic_load(&p.failed);
}

unsigned
pool_cpus(void)
{
	cpu_set_t set;

	if (sched_getaffinity(0, sizeof(set), &set) == 0 && CPU_COUNT(&set) > 0)
		return (unsigned)CPU_COUNT(&set);
	return 1;
}

struct pool *
pool_new(const struct s3_config *cfg, unsigned threads, pool_error_fn on_error,
    void *error_arg)
{
	struct pool *p;
	unsigned i;

	if (cfg == NULL || threads == 0 || (p = calloc(1, sizeof(*p))) == NULL)
		return NULL;
	if ((p->workers = calloc(threads, sizeof(*p->workers))) == NULL) {
		free(p);
		return NULL;
	}
	for (i = 0; i < threads; i++)
		p->workers[i].pool = p;
	p->cfg = cfg;
	p->threads = threads;
	p->on_error = on_error;
	p->error_arg = error_arg;
	pthread_mutex_init(&p->lock, NULL);
	return p;
}

void
pool_free(struct pool *p)
{
	unsigned i;

	if (p == NULL)
		return;
	for (i = 0; i < p->threads; i++) {
		s3_free(p->workers[i].s3);
		s3_buf_free(&p->workers[i].buf);
	}
	pthread_mutex_destroy(&p->lock);
	free(p->workers);
	free(p);
}

static int
run_item(unsigned worker, size_t item, void *arg)
{
	struct pool *p = arg;

	return p->fn(&p->workers[worker], item, p->arg);
}

long
pool_run(struct pool *p, size_t n, pool_item_fn fn, void *arg, const char *label)
{
	if (p == NULL || fn == NULL)
		return -1;
	p->fn = fn;
	p->arg = arg;
	return pool_for(n, p->threads, run_item, p, label);
}

struct s3 *
pool_s3(struct pool_worker *w, const char *key)
{
	if (w->s3 == NULL && (w->s3 = s3_new(w->pool->cfg)) == NULL)
		pool_fail(w, key, "cannot create an S3 client");
	return w->s3;
}

struct s3_buf *
pool_buf(struct pool_worker *w)
{
	w->buf.len = 0;
	return &w->buf;
}

int
pool_fail(struct pool_worker *w, const char *key, const char *error)
{
	pool_report(w->pool, key, error);
	return -1;
}

void
pool_report(struct pool *p, const char *key, const char *error)
{
	if (p->on_error == NULL)
		return;
	pthread_mutex_lock(&p->lock);
	p->on_error(key, error, p->error_arg);
	pthread_mutex_unlock(&p->lock);
}
