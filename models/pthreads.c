/*
 * pthreads.c: N threads, each with its own curl handle and job, pulling keys from the run's
 * shared key stream. Blocking I/O, but N images in flight; the CPU stage runs on whichever
 * thread holds the image, in parallel unless --global-lock makes it take one mutex, as
 * CPython's GIL would.
 *
 * DESIGN: the calling thread starts the workers and joins them. A worker owns its easy
 * handle and its job for its whole life; the only shared state is the key stream, taken
 * under `keys` (the run's listing thread fetches the next page ahead; a worker waits under
 * `keys` only when that page is not there yet), the optional `gil`, and run_record, which
 * takes no lock (it copies the record into the run's ring). Stop: run_next_key returns 0 once
 * the stop flag is set; each worker finishes the image it holds, records it, and exits.
 */
#include <pthread.h>
#include <stdlib.h>

#include "model.h"

struct pool {
	struct run *r;
	pthread_mutex_t keys;
	pthread_mutex_t gil;
};

struct worker {
	pthread_t tid;
	int id;
	struct pool *pool;
};

static int pthreads_run(struct run *r);
static void *worker_main(void *arg);

const struct model model_pthreads = {
	.name = "pthreads",
	.summary = "N threads, a curl handle each, pulling keys from a shared queue",
	.uses_global_lock = 1,
	.run = pthreads_run,
};

static int
pthreads_run(struct run *r)
{
	struct pool pool = { r, PTHREAD_MUTEX_INITIALIZER, PTHREAD_MUTEX_INITIALIZER };
	unsigned n = run_opts(r)->concurrency, started = 0, i;
	struct worker *w = calloc(n, sizeof(*w));

	if (w == NULL) {
		run_fail(r, "out of memory starting %u threads", n);
		return -1;
	}
	for (i = 0; i < n; i++) {
		w[i].id = (int)i;
		w[i].pool = &pool;
		if (pthread_create(&w[i].tid, NULL, worker_main, &w[i]) != 0)
			break;
		started++;
	}
	if (started < n)
		run_fail(r, "could start only %u of %u threads", started, n);
	for (i = 0; i < started; i++)
		pthread_join(w[i].tid, NULL);
	free(w);
	return run_error(r)[0] != '\0' ? -1 : 0;	/* a listing or a thread failed */
}

static void *
worker_main(void *arg)
{
	struct worker *w = arg;
	struct pool *pool = w->pool;
	struct run *r = pool->r;
	char key[JOB_KEY_MAX + 1];
	CURL *easy = curl_easy_init();
	struct job *j = job_new(run_pipeline(r));
	struct stage *st = stage_new(&run_pipeline(r)->stage, &run_pipeline(r)->transform);
	int64_t due;
	int got;

	if (easy == NULL || j == NULL || st == NULL) {
		run_fail(r, "thread %d: out of memory", w->id);
		goto out;
	}
	job_set_worker(j, w->id);
	job_set_stage(j, st);
	for (;;) {
		pthread_mutex_lock(&pool->keys);
		got = run_next_key(r, key);
		due = run_key_due_ns(r);
		pthread_mutex_unlock(&pool->keys);
		if (got != 1)
			break;
		job_start(j, key);
		job_set_due(j, due);
		job_run_blocking(j, easy, run_opts(r)->global_lock ? &pool->gil : NULL);
		run_record(r, job_record(j));
	}
out:
	stage_free(st);
	job_free(j);
	curl_easy_cleanup(easy);
	return NULL;
}
