/*
 * pool.c: a fixed set of pthreads pulling item numbers from one atomic counter. The caller's
 * thread only watches: it redraws the progress line five times a second until the workers are
 * done, then joins them. No queue, no lock: items are numbers.
 */
#include "pool.h"

#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

struct pool {
	size_t n;
	pool_fn fn;
	void *arg;
	atomic_size_t next;
	atomic_size_t done;
	atomic_long failed;
	atomic_uint running;
};

struct worker {
	struct pool *p;
	unsigned id;
	pthread_t tid;
};

static void *work(void *arg);
static double now_s(void);
static void progress(struct pool *p, const char *label, double t0, int last);

static void *
work(void *arg)
{
	struct worker *w = arg;
	struct pool *p = w->p;
	size_t i;

	while ((i = atomic_fetch_add(&p->next, 1)) < p->n) {
		if (p->fn(w->id, i, p->arg) != 0)
			atomic_fetch_add(&p->failed, 1);
		atomic_fetch_add(&p->done, 1);
	}
	atomic_fetch_sub(&p->running, 1);
	return NULL;
}

static double
now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static void
progress(struct pool *p, const char *label, double t0, int last)
{
	size_t d = atomic_load(&p->done);
	double el = now_s() - t0, rate = el > 0 ? (double)d / el : 0;

	fprintf(stderr, "\r%s: %zu/%zu  %.0f/s  ETA %.0fs  failed %ld   %s", label, d, p->n, rate,
	    rate > 0 ? (double)(p->n - d) / rate : 0.0, atomic_load(&p->failed), last ? "\n" : "");
}

long
pool_for(size_t n, unsigned threads, pool_fn fn, void *arg, const char *label)
{
	struct pool p = { .n = n, .fn = fn, .arg = arg };
	struct worker *w;
	struct timespec tick = { 0, 200 * 1000000L };
	unsigned i, started = 0;
	int tty = isatty(STDERR_FILENO);
	double t0 = now_s();

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
		w[i] = (struct worker){ .p = &p, .id = i };
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
