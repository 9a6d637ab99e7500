/*
 * pool.h: run a function over items [0, n) on a few threads, for the dataset commands
 * (generate, upload, verify, list, remove). Items are handed out in order through an atomic
 * counter; the calling thread meanwhile draws a progress line on stderr when stderr is a
 * terminal. On top of that, an S3 pool gives each worker its own S3 client and body buffer,
 * kept from one run to the next, and reports failed items to the caller one at a time, so an
 * S3 command only says what one item does.
 */
#ifndef EXIFBENCH_POOL_H
#define EXIFBENCH_POOL_H

#include <stddef.h>

#include "models/core/s3.h"

/* Work on one item; `worker` is in [0, threads) and owns whatever arg keeps per worker. */
typedef int (*pool_fn)(unsigned worker, size_t item, void *arg);

/*
 * Calls fn once for every item in [0, n) using `threads` threads (at least 1). Returns the
 * number of items for which fn returned non-zero, or -1 when no thread could be started (then
 * no item ran). label names the work in the progress line ("gen", "load"...).
 */
long pool_for(size_t n, unsigned threads, pool_fn fn, void *arg, const char *label);

/* The CPUs this process may run on (sched_getaffinity), at least 1. */
unsigned pool_cpus(void);

/* CLOCK_MONOTONIC in seconds: the clock of the progress line, for the commands' timings. */
double pool_now(void);

/* An S3 pool, and one of its workers as an item function sees it. */
struct pool;
struct pool_worker;

/* Told of a failed item (its key, why), never by two threads at once. */
typedef void (*pool_error_fn)(const char *key, const char *error, void *arg);

/* Work on one item with w's client and buffer; non-zero when it failed. */
typedef int (*pool_item_fn)(struct pool_worker *w, size_t item, void *arg);

/*
 * A pool of `threads` workers (>= 1) whose clients use cfg (not copied: it must outlive the
 * pool). on_error (may be NULL) gets every report with error_arg. No thread and no client is
 * made yet. NULL when out of memory. pool_free(NULL) is accepted.
 */
struct pool *pool_new(const struct s3_config *cfg, unsigned threads, pool_error_fn on_error,
    void *error_arg);
void pool_free(struct pool *p);

/*
 * pool_for over the pool's workers: fn(w, item, arg) for every item in [0, n). Returns what
 * pool_for returns. One run at a time; clients and buffers stay for the next run.
 */
long pool_run(struct pool *p, size_t n, pool_item_fn fn, void *arg, const char *label);

/*
 * w's S3 client, made at its first call. NULL when it cannot be made; key has then been
 * reported as "cannot create an S3 client".
 */
struct s3 *pool_s3(struct pool_worker *w, const char *key);

/* w's body buffer, emptied (len 0); its memory is kept from item to item. */
struct s3_buf *pool_buf(struct pool_worker *w);

/* Reports key and error to on_error, from a worker. Returns -1, for `return pool_fail(...)`. */
int pool_fail(struct pool_worker *w, const char *key, const char *error);

/* The same from any thread, the caller's included (after a run, say). */
void pool_report(struct pool *p, const char *key, const char *error);

#endif
