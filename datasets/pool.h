/*
 * pool.h: run a function over items [0, n) on a few threads, for the dataset commands
 * (generate, upload, verify). Items are handed out in order through an atomic counter; the
 * calling thread meanwhile draws a progress line on stderr when stderr is a terminal.
 */
#ifndef EXIFBENCH_POOL_H
#define EXIFBENCH_POOL_H

#include <stddef.h>

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

#endif
