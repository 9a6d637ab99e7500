/*
 * breaker.h: the circuit breaker a run's workers share, so that a dead S3 endpoint costs a
 * run a bounded wait instead of every remaining key's own retries (4 attempts, about 0.5 s
 * each: 290 s for a sequential run over 500 keys).
 *
 * Closed, it counts the connection failures of every request's end (breaker_note): curl could
 * not connect, the connection was reset, or it timed out, and no HTTP response came (an HTTP
 * answer, a 5xx too, says the endpoint is alive, and resets the count). BREAKER_TRIP of them
 * in a row open it. Open, no key should start: whoever asks (breaker_step) probes the
 * endpoint, one caller at a time, with a HEAD of the bucket (one attempt; any HTTP answer is
 * success) at exponential backoff from BREAKER_PROBE_MIN_MS to BREAKER_PROBE_MAX_MS. A probe
 * that succeeds closes it; when the window (from the opening) ends with no success, it is
 * down, for good: the run fails its remaining keys fast ("endpoint down"). The keys that
 * failed because of the outage are to be run again once it closes (breaker_hold says which).
 *
 * Its state lives in a MAP_SHARED anonymous mapping made by breaker_new, before any fork, and
 * changes only through C11 atomics: forked workers note into it, and no lock can be left held
 * by a fork. A NULL breaker is off: every call accepts NULL (closed, holds nothing). The
 * model layer uses it (models/run.c gates keys, models/core/job.c notes requests).
 */
#ifndef EXIFBENCH_BREAKER_H
#define EXIFBENCH_BREAKER_H

#include <stdint.h>

#include "s3.h"

#define BREAKER_TRIP 3			/* consecutive connection failures that open it */
#define BREAKER_WINDOW_S_DEFAULT 10.0	/* run --breaker-window */
#define BREAKER_PROBE_MIN_MS 100	/* the first probe's delay after the opening */
#define BREAKER_PROBE_MAX_MS 2000	/* the backoff between probes stops growing here */
#define BREAKER_POLL_MS 50		/* breaker_step's longest wait: to see a close */

enum breaker_state { BREAKER_CLOSED, BREAKER_OPEN, BREAKER_DOWN };

struct breaker;

struct breaker_stats {
	unsigned opened;	/* times it opened */
	int64_t open_ns;	/* time it spent open, in all (so far, if open now) */
	int down;		/* a window ended with no answer: the endpoint was given up */
	double window_s;	/* the probe window */
};

/*
 * A closed breaker probing s3://bucket on cfg's endpoint (both copied) for window_s seconds
 * (> 0) after each opening. NULL when the mapping cannot be made.
 */
struct breaker *breaker_new(const struct s3_config *cfg, const char *bucket, double window_s);

/* Unmaps b (in the process that made it, after every child is gone). NULL is ok. */
void breaker_free(struct breaker *b);

/* 1 when a request that ended with this curl code and HTTP status (0: none) counts, else 0. */
int breaker_connection_failure(int curl_code, long http_status);

/* The end of one request (an attempt) to the S3 endpoint. Any thread or process. */
void breaker_note(struct breaker *b, int curl_code, long http_status);

/*
 * The state, moved on: when open, probes if a probe is due and no other caller is probing
 * (blocking for one request: BREAKER_PROBE_TIMEOUT_MS at most), or goes down once the window
 * is over. While open, *wait_ms (may be NULL) gets the milliseconds to wait before calling
 * again (1 to BREAKER_POLL_MS). Any thread or process.
 */
enum breaker_state breaker_step(struct breaker *b, long *wait_ms);

#define BREAKER_PROBE_TIMEOUT_MS 1000

/*
 * 1 when a job that started at started_ns (CLOCK_MONOTONIC) and whose last request ended
 * with curl_code and http_status failed because of the outage, and so should be run again
 * once the breaker closes: a connection failure, the breaker not down, and open now or opened
 * since the job started. Else 0.
 */
int breaker_hold(struct breaker *b, int curl_code, long http_status, int64_t started_ns);

/* What it did so far. */
void breaker_stats(struct breaker *b, struct breaker_stats *s);

#endif
