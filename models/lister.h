/*
 * lister.h: the run's key stream from a ListObjectsV2 listing, or from a walk of a local
 * folder (models/core/walk.h), fetched one page ahead on a thread of its own, so that no
 * model waits for a LIST (or a readdir), or sleeps through its retry backoff, while keys are
 * left. At most two pages are in memory: the one the consumer takes keys from, and the next,
 * fetched while the first is used up; a walk adds the names of the folders it is inside
 * (walk.h says what bounds them).
 *
 * One consumer at a time (callers serialise lister_next); the thread starts at the first
 * lister_next, so the first page is fetched inside the measured run.
 */
#ifndef EXIFBENCH_LISTER_H
#define EXIFBENCH_LISTER_H

#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>

#include "models/core/s3.h"

#define LISTER_PAGE_KEYS 1000
#define LISTER_WAIT 2		/* lister_next: no key yet, see lister_fd */

struct lister;

/*
 * A listing of s3://bucket/prefix/ (the strings are copied). limit > 0 stops fetching pages
 * once that many keys arrived; stop (may be NULL) stops fetching once set. NULL when out of
 * memory.
 */
struct lister *lister_new(const struct s3_config *cfg, const char *bucket, const char *prefix,
    uint64_t limit, atomic_int *stop);

/*
 * A listing of the regular files under the local folder dir (copied), recursively, as paths
 * relative to it, in walk.h's order; limit and stop as above. NULL when out of memory.
 */
struct lister *lister_new_local(const char *dir, uint64_t limit, atomic_int *stop);

/* Stops the thread (after the request it is in, if any) and frees everything. NULL is ok. */
void lister_free(struct lister *l);

/*
 * The next key, copied to key (JOB_KEY_MAX + 1 bytes): 1, 0 at the end of the listing, -1
 * when it failed (lister_error says why; later calls return -1 too). With wait, blocks until
 * one of those; without, returns LISTER_WAIT instead of blocking, and lister_fd then becomes
 * readable once a key or the end is there.
 */
int lister_next(struct lister *l, char *key, int wait);

/*
 * No thread: each page is fetched by lister_next when the consumer has used up the last, on
 * its thread and always waiting (for a consumer that forks: see run_without_threads). Call
 * before the first lister_next; a no-op after it.
 */
void lister_inline(struct lister *l);

/*
 * A non-blocking eventfd, readable after a LISTER_WAIT once lister_next can answer; the
 * caller reads it (8 bytes) to clear it.
 */
int lister_fd(const struct lister *l);

/* Why the listing failed, or "". */
const char *lister_error(struct lister *l);

/*
 * LIST requests made so far, and the time the consumer spent without a key to hand out
 * (blocked in lister_next, or between a LISTER_WAIT and the next answer), in nanoseconds.
 */
void lister_stats(struct lister *l, unsigned *pages, int64_t *wait_ns);

#endif
