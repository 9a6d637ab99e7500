/*
 * retry.c: the retry policy of the S3 client, and the wait it asks of a blocking caller. Equal
 * jitter (half fixed, half random) keeps a minimum backoff, so a burst of workers that failed
 * together still spreads out, without the near-zero waits of full jitter hammering a server
 * that just said SlowDown.
 */
#include "retry.h"

#include <curl/curl.h>
#include <errno.h>
#include <string.h>
#include <time.h>

#include "include/rng.h"

int
retry_is_transient(int curl_code, long http_status, const char *s3_code)
{
	switch (curl_code) {
	case CURLE_OK:
		break;
	case CURLE_COULDNT_CONNECT:
	case CURLE_OPERATION_TIMEDOUT:
	case CURLE_SEND_ERROR:
	case CURLE_RECV_ERROR:
	case CURLE_GOT_NOTHING:
	case CURLE_PARTIAL_FILE:
		return 1;
	default:
		return 0;
	}
	if (s3_code != NULL && strcmp(s3_code, "SlowDown") == 0)
		return 1;
	return http_status == 500 || http_status == 502 || http_status == 503 ||
	    http_status == 504;
}

int
retry_should(const struct retry_policy *p, int attempts_done, int curl_code,
    long http_status, const char *s3_code)
{
	if (p == NULL || attempts_done >= p->max_attempts)
		return 0;
	return retry_is_transient(curl_code, http_status, s3_code);
}

long
retry_delay_ms(const struct retry_policy *p, int attempts_done, uint64_t *rng)
{
	long c;
	int i;

	if (p == NULL || rng == NULL || attempts_done < 1 || p->base_ms <= 0 || p->cap_ms <= 0)
		return 0;
	c = p->base_ms;
	for (i = 1; i < attempts_done && c < p->cap_ms; i++)
		c = c > p->cap_ms / 2 ? p->cap_ms : c * 2;
	if (c > p->cap_ms)
		c = p->cap_ms;
	return c / 2 + (long)rng_below(rng, (uint64_t)(c - c / 2) + 1);
}

void
retry_sleep_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	if (ms <= 0)
		return;
	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}
