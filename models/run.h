/*
 * run.h: the run every model drives. A run is the shared part of every model: the keys come
 * in from a streaming listing of the source prefix, fetched one page ahead on a thread of the
 * run's (lister.h: two pages in memory at most), the outcomes go out through run_record,
 * which hands them to a thread of the run's that counts them and tells the caller
 * (records.h). A model (models/model.h) decides only who runs the job steps of job.h, and
 * when; the run's two threads do the toolkit's bookkeeping off the model's path.
 *
 * The rule every model keeps: each key run_next_key hands out gets exactly one
 * run_record, ok or failed with a reason, before model->run returns; so at the end
 * ok + failed == listed, whatever happened (a failed key, a dead worker, Ctrl-C).
 *
 * With the pipeline's circuit breaker (models/core/breaker.h) the run also gates the keys:
 * while it is open, run_next_key waits (run_try_key answers RUN_KEY_WAIT, run_key_wait_us
 * says how long), and it probes the endpoint meanwhile. A record that failed because of the
 * outage (breaker_hold) is not counted: run_record keeps its key (one per request in flight
 * at most) and a later run_next_key hands it out again once the breaker has closed, even
 * after an answer of 0; so a model that recorded a key asks for a key again before it stops.
 * Once the breaker gives up, the next call fails every key left, those kept and those not
 * yet handed out (still listed, and counted), "endpoint down", and returns 0 (or -1 when the
 * listing failed too).
 */
#ifndef EXIFBENCH_RUN_H
#define EXIFBENCH_RUN_H

#include <stdatomic.h>
#include <stdio.h>
#include <stdint.h>

#include "models/core/arrivals.h"
#include "models/core/job.h"

struct model_opts {
	unsigned concurrency;	/* requests in flight (threads, processes, or transfers) */
	unsigned workers;	/* threads for the CPU stage (hybrid) */
	int global_lock;	/* pthreads, hybrid: one mutex around the CPU stage (a GIL) */
};

struct run;

/*
 * Called for each record, in the order run_record was called, one at a time, on the run's
 * delivering thread, a few milliseconds after the fact (run_totals waits for the last).
 */
typedef void (*run_record_cb)(const struct job_record *rec, void *arg);

/* The counts of a run. */
struct run_totals {
	uint64_t listed;	/* keys handed out */
	uint64_t ok;
	uint64_t failed;
	uint64_t bytes_in;
	uint64_t bytes_out;
	unsigned list_pages;	/* LIST requests made */
	/*
	 * Time spent listing, in the model's critical path: only the time the model waited
	 * for keys (blocked in run_next_key, or from a RUN_KEY_WAIT to the next answer), not
	 * the LIST requests the listing thread made while the model had keys in hand.
	 */
	int64_t list_ns;
	int stopped;		/* the stop flag cut the run short */
	struct breaker_stats breaker;	/* the pipeline's circuit breaker: all 0 without one */
	uint64_t breaker_retried;	/* keys run again after the breaker closed */
	uint64_t breaker_failed;	/* keys failed "endpoint down" once it gave up */
	/* Open loop (run_set_rate); all 0 when closed-loop. */
	int unsustained;	/* it gave up the rate: the backlog passed its bound */
	int64_t behind_ns;	/* the most a key was handed out after it was due */
	uint64_t backlog_max;	/* the most keys due and not yet handed out */
	int64_t gave_up_ns;	/* when it gave up, from the schedule's start */
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
 * For a model that forks its workers (forkpool): the run keeps no thread of its own, since a
 * fork while another thread holds a lock (the allocator's, libcrypto's) leaves the child
 * deadlocked on it. The listing then runs on the caller's thread when it has used up a page
 * (that LIST is counted in list_ns), and each record is passed on inside run_record. Call
 * before the first key and the first fork.
 */
void run_without_threads(struct run *r);

/*
 * Takes the keys from f (one full key per line, escaped as models/core/keyesc.h says, blank
 * lines skipped; name is for errors) instead of listing the source prefix. f stays the caller's. Call before the model runs.
 */
void run_set_keys(struct run *r, FILE *f, const char *name);

/*
 * Takes only the keys of share index out of count (models/core/shard.h: by a hash of the key)
 * from the listing or the keys file; the others are skipped, not counted; the limit then caps
 * this share's keys. Call before the model runs (and before run_without_threads). 0, or -1
 * when out of memory.
 */
int run_set_shard(struct run *r, unsigned index, unsigned count);

/*
 * Open loop (models/core/arrivals.h): key k of the stream is handed out no earlier than it is
 * due, t0 + the schedule's k-th offset, t0 being the first call for a key; a call before then
 * waits (run_next_key sleeps, waking for stop; run_try_key answers RUN_KEY_WAIT and
 * run_key_wait_us says when to ask again). When more than max_backlog keys are due and not yet
 * handed out, the run gives up the rate: the stream ends (0 from then on, the key in hand not
 * counted) and run_totals says unsustained, how far behind it fell and when. Keys the breaker
 * held are handed out again unpaced (due 0). Call before the model runs.
 */
void run_set_rate(struct run *r, enum arrivals_kind kind, double rate, uint64_t seed,
    uint64_t max_backlog);

/*
 * When the key last handed out was due (CLOCK_MONOTONIC ns): 0 when closed-loop, or for a key
 * the breaker held. Callers serialise as for run_next_key; a model passes it to job_set_due.
 */
int64_t run_key_due_ns(const struct run *r);

const struct pipeline *run_pipeline(const struct run *r);
const struct model_opts *run_opts(const struct run *r);

/*
 * The next input key, copied to key (JOB_KEY_MAX + 1 bytes). Returns 1, 0 when there is no
 * more (all listed, the limit, or stop), or -1 when the listing failed (run_error says why;
 * later calls return 0). Blocks only when the page fetched ahead is not there yet. Not
 * thread-safe: callers serialise (with run_try_key too).
 */
int run_next_key(struct run *r, char *key);

#define RUN_KEY_WAIT 2

/*
 * run_next_key for an event loop: never blocks, and returns RUN_KEY_WAIT instead of waiting
 * for the listing; run_key_fd then becomes readable once a call can answer.
 */
int run_try_key(struct run *r, char *key);

/*
 * After a RUN_KEY_WAIT: the microseconds after which to call again (the circuit breaker is
 * open, or the next key is not due yet: nothing will make run_key_fd readable), or -1: wait
 * for run_key_fd.
 */
long run_key_wait_us(const struct run *r);

/*
 * A non-blocking eventfd, readable after a RUN_KEY_WAIT once run_try_key can answer (read 8
 * bytes to clear it); -1 when the keys come from a file (run_try_key never waits then).
 */
int run_key_fd(const struct run *r);

/* True once stop is set. Safe from any thread. */
int run_stopping(const struct run *r);

/*
 * Counts a finished job and passes it to on_record, later, on the delivering thread.
 * Thread-safe, lock-free, no system call (records.h).
 */
void run_record(struct run *r, const struct job_record *rec);

/* Records why the run could not go on (first call wins). Thread-safe. */
void run_fail(struct run *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* The reason given to run_fail or by a failed listing, or "" when none. */
const char *run_error(const struct run *r);

/* The counts, once every record so far has been delivered. Call after the model returns. */
void run_totals(struct run *r, struct run_totals *t);

#endif
