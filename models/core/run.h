/*
 * run.h: the run every model drives. A run is the shared part of every model: the keys come
 * in from a streaming listing of the source prefix (one page in memory), the outcomes go out
 * through run_record, which counts them and tells the caller. A model (models/model.h)
 * decides only who runs the job steps of job.h, and when.
 *
 * The rule every model keeps: each key run_next_key hands out gets exactly one
 * run_record, ok or failed with a reason, before model->run returns; so at the end
 * ok + failed == listed, whatever happened (a failed key, a dead worker, Ctrl-C).
 */
#ifndef EXIFBENCH_RUN_H
#define EXIFBENCH_RUN_H

#include <stdatomic.h>
#include <stdio.h>
#include <stdint.h>

#include "job.h"

struct model_opts {
	unsigned concurrency;	/* requests in flight (threads, processes, or transfers) */
	unsigned workers;	/* threads for the CPU stage (hybrid) */
	int global_lock;	/* pthreads: hold one mutex around the CPU stage (a GIL) */
};

struct run;

/* Called for each record, serialised (never two at once), in the thread that recorded it. */
typedef void (*run_record_cb)(const struct job_record *rec, void *arg);

/* The counts of a run. */
struct run_totals {
	uint64_t listed;	/* keys handed out */
	uint64_t ok;
	uint64_t failed;
	uint64_t bytes_in;
	uint64_t bytes_out;
	unsigned list_pages;	/* LIST requests made */
	int64_t list_ns;	/* time spent listing, in the model's critical path */
	int stopped;		/* the stop flag cut the run short */
};

/*
 * A run of the pipeline p (not copied) with opts. limit caps the keys (0: all). stop is read
 * before each key is handed out; a signal handler may set it (a lock-free atomic store is
 * async-signal-safe and, unlike a volatile sig_atomic_t, may be read from any thread).
 * on_record (may be NULL) sees every record. Returns NULL when out of memory.
 */
struct run *run_new(const struct pipeline *p, const struct model_opts *opts, uint64_t limit,
    atomic_int *stop, run_record_cb on_record, void *arg);
void run_free(struct run *r);

/*
 * Takes the keys from f (one full key per line, blank lines skipped; name is for errors)
 * instead of listing the source prefix. f stays the caller's. Call before the model runs.
 */
void run_set_keys(struct run *r, FILE *f, const char *name);

const struct pipeline *run_pipeline(const struct run *r);
const struct model_opts *run_opts(const struct run *r);

/*
 * The next input key, copied to key (JOB_KEY_MAX + 1 bytes). Returns 1, 0 when there is no
 * more (all listed, the limit, or stop), or -1 when the listing failed (run_error says why;
 * later calls return 0). Blocks while a page is fetched. Not thread-safe: callers serialise.
 */
int run_next_key(struct run *r, char *key);

/* True once stop is set. Safe from any thread. */
int run_stopping(const struct run *r);

/* Counts a finished job and passes it to on_record. Thread-safe. */
void run_record(struct run *r, const struct job_record *rec);

/* Records why the run could not go on (first call wins). Thread-safe. */
void run_fail(struct run *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* The reason given to run_fail or by a failed listing, or "" when none. */
const char *run_error(const struct run *r);

/* The counts so far (call after the model returns for the final ones). */
void run_totals(struct run *r, struct run_totals *t);

#endif
