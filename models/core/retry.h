/*
 * retry.h: when an S3 request may be tried again, and how long to wait first. Transient
 * failures (connection errors, timeouts, HTTP 500/502/503/504, S3's SlowDown) are retried a
 * bounded number of times with exponential backoff and jitter; client errors (4xx) never are,
 * since repeating them cannot change the answer.
 */
#ifndef EXIFBENCH_RETRY_H
#define EXIFBENCH_RETRY_H

#include <stdint.h>

struct retry_policy {
	int max_attempts;	/* attempts in all, first one included; >= 1 */
	long base_ms;		/* backoff ceiling before the second attempt */
	long cap_ms;		/* the ceiling never grows past this */
};

#define RETRY_POLICY_DEFAULT { 4, 100, 2000 }

/*
 * 1 when a request that ended with this libcurl result code, HTTP status (0 when no response
 * arrived) and S3 error code ("" or NULL when none) may succeed if tried again, else 0.
 */
int retry_is_transient(int curl_code, long http_status, const char *s3_code);

/*
 * 1 when another attempt is allowed after `attempts_done` attempts that ended as described.
 */
int retry_should(const struct retry_policy *p, int attempts_done, int curl_code,
    long http_status, const char *s3_code);

/*
 * Milliseconds to wait after `attempts_done` (>= 1) failed attempts: "equal jitter", uniform in
 * [c/2, c] where c = min(cap_ms, base_ms * 2^(attempts_done - 1)). Advances *rng.
 */
long retry_delay_ms(const struct retry_policy *p, int attempts_done, uint64_t *rng);

/*
 * Sleeps ms milliseconds (a delay from retry_delay_ms), resuming the wait after a signal;
 * returns at once when ms <= 0. For blocking callers; an event loop waits on a timer instead.
 */
void retry_sleep_ms(long ms);

#endif
