/*
 * breaker.c: the run's circuit breaker. See breaker.h for the contract.
 *
 * All of it is one struct in a MAP_SHARED anonymous mapping: the settings, written before any
 * fork and read-only after, and the state, lock-free atomics (64-bit ones are lock-free on
 * the machines this runs on; a _Static_assert says so). Transitions are compare-and-swaps,
 * so two workers that see the same event move the state once: one opens it, one probes, one
 * closes it or gives up. The probe is a blocking HEAD of the bucket on a client made for it
 * (one attempt, a short connect timeout): it runs rarely, on whichever caller finds it due,
 * so an event loop blocks for one request at most, and a refused connection answers at once.
 */
#include "breaker.h"

#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>

_Static_assert(ATOMIC_LLONG_LOCK_FREE == 2, "the breaker needs lock-free 64-bit atomics");

struct breaker {
	/* settings */
	struct s3_config cfg;	/* for the probe: one attempt, short timeouts */
	char bucket[128];
	int64_t window_ns;
	int (*probe)(struct breaker *b);	/* 1 when the endpoint answered */
	/* state */
	atomic_int state;	/* enum breaker_state */
	atomic_int fails;	/* consecutive connection failures */
	atomic_int probing;	/* a caller is probing */
	atomic_uint opened;
	atomic_llong opened_ns;	/* the last opening */
	atomic_llong next_probe_ns;
	atomic_llong backoff_ms;
	atomic_llong open_total_ns;	/* over the closed and given-up openings */
};

static int64_t now_ns(void);
static int probe_head(struct breaker *b);
static void trip(struct breaker *b, int64_t now);
static enum breaker_state step_at(struct breaker *b, int64_t now, long *wait_ms);
static void probe_at(struct breaker *b, int64_t now);

struct breaker *
breaker_new(const struct s3_config *cfg, const char *bucket, double window_s)
{
	struct breaker *b;

	if (cfg == NULL || bucket == NULL || window_s <= 0)
		return NULL;
	b = mmap(NULL, sizeof(*b), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (b == MAP_FAILED)
		return NULL;
	memset(b, 0, sizeof(*b));
	b->cfg = *cfg;
	b->cfg.retry.max_attempts = 1;
	b->cfg.connect_timeout_ms = BREAKER_PROBE_TIMEOUT_MS;
	b->cfg.low_speed_secs = 1;
	snprintf(b->bucket, sizeof(b->bucket), "%s", bucket);
	b->window_ns = (int64_t)(window_s * 1e9);
	b->probe = probe_head;
	atomic_init(&b->state, BREAKER_CLOSED);
	return b;
}

void
breaker_free(struct breaker *b)
{
	if (b != NULL)
		munmap(b, sizeof(*b));
}

int
breaker_connection_failure(int curl_code, long http_status)
{
	if (http_status != 0)
		return 0;	/* the endpoint answered */
	switch (curl_code) {
	case CURLE_COULDNT_CONNECT:
	case CURLE_OPERATION_TIMEDOUT:
	case CURLE_SEND_ERROR:
	case CURLE_RECV_ERROR:
	case CURLE_GOT_NOTHING:
		return 1;
	default:
		return 0;
	}
}

void
breaker_note(struct breaker *b, int curl_code, long http_status)
{
	if (b == NULL)
		return;
	if (!breaker_connection_failure(curl_code, http_status)) {
		if (atomic_load(&b->fails) != 0)
			atomic_store(&b->fails, 0);	/* no write per request when healthy */
		return;
	}
	if (atomic_fetch_add(&b->fails, 1) + 1 >= BREAKER_TRIP)
		trip(b, now_ns());
}

enum breaker_state
breaker_step(struct breaker *b, long *wait_ms)
{
	if (wait_ms != NULL)
		*wait_ms = 0;
	if (b == NULL)
		return BREAKER_CLOSED;
	return step_at(b, now_ns(), wait_ms);
}

int
breaker_hold(struct breaker *b, int curl_code, long http_status, int64_t started_ns)
{
	int st;

	if (b == NULL || !breaker_connection_failure(curl_code, http_status))
		return 0;
	if ((st = atomic_load(&b->state)) == BREAKER_DOWN)
		return 0;
	return st == BREAKER_OPEN || (atomic_load(&b->opened) > 0 &&
	    atomic_load(&b->opened_ns) >= started_ns);
}

void
breaker_stats(struct breaker *b, struct breaker_stats *s)
{
	memset(s, 0, sizeof(*s));
	if (b == NULL)
		return;
	s->opened = atomic_load(&b->opened);
	s->open_ns = atomic_load(&b->open_total_ns);
	if (atomic_load(&b->state) == BREAKER_OPEN)
		s->open_ns += now_ns() - atomic_load(&b->opened_ns);
	s->down = atomic_load(&b->state) == BREAKER_DOWN;
	s->window_s = (double)b->window_ns / 1e9;
}

/* Closed -> open, once however many workers saw the failure that tripped it. */
static void
trip(struct breaker *b, int64_t now)
{
	int closed = BREAKER_CLOSED;

	if (atomic_load(&b->state) != BREAKER_CLOSED)
		return;
	/* the times first: a caller that sees the state open reads the window from them */
	atomic_store(&b->opened_ns, now);
	atomic_store(&b->next_probe_ns, now + (int64_t)BREAKER_PROBE_MIN_MS * 1000000);
	atomic_store(&b->backoff_ms, BREAKER_PROBE_MIN_MS);
	if (atomic_compare_exchange_strong(&b->state, &closed, BREAKER_OPEN))
		atomic_fetch_add(&b->opened, 1);
}

/* breaker_step at a given time (the unit test's clock). */
static enum breaker_state
step_at(struct breaker *b, int64_t now, long *wait_ms)
{
	int open = BREAKER_OPEN, idle = 0;
	int64_t end, next, wake;

	if (atomic_load(&b->state) != BREAKER_OPEN)
		return atomic_load(&b->state);
	end = atomic_load(&b->opened_ns) + b->window_ns;
	if (now >= end) {
		if (atomic_compare_exchange_strong(&b->state, &open, BREAKER_DOWN))
			atomic_fetch_add(&b->open_total_ns, end - atomic_load(&b->opened_ns));
		return atomic_load(&b->state);
	}
	next = atomic_load(&b->next_probe_ns);
	if (now >= next && atomic_compare_exchange_strong(&b->probing, &idle, 1)) {
		probe_at(b, now);
		atomic_store(&b->probing, 0);
		if (atomic_load(&b->state) != BREAKER_OPEN)
			return atomic_load(&b->state);
		next = atomic_load(&b->next_probe_ns);
	}
	wake = next < end ? next : end;
	if (wait_ms != NULL) {
		*wait_ms = wake > now ? (long)((wake - now + 999999) / 1000000) : 1;
		if (*wait_ms > BREAKER_POLL_MS)
			*wait_ms = BREAKER_POLL_MS;
	}
	return BREAKER_OPEN;
}

/* One probe (the caller holds `probing`): close on an answer, else back off. */
static void
probe_at(struct breaker *b, int64_t now)
{
	int open = BREAKER_OPEN;
	int64_t backoff;

	if (b->probe(b)) {
		atomic_store(&b->fails, 0);
		if (atomic_compare_exchange_strong(&b->state, &open, BREAKER_CLOSED))
			atomic_fetch_add(&b->open_total_ns, now - atomic_load(&b->opened_ns));
		return;
	}
	backoff = atomic_load(&b->backoff_ms);
	atomic_store(&b->next_probe_ns, now + backoff * 1000000);
	backoff *= 2;
	atomic_store(&b->backoff_ms, backoff > BREAKER_PROBE_MAX_MS ? BREAKER_PROBE_MAX_MS :
	    backoff);
}

/* The real probe: a HEAD of the bucket; any HTTP answer, 403 or 404 too, is a live endpoint. */
static int
probe_head(struct breaker *b)
{
	struct s3_result res;
	struct s3 *c = s3_new(&b->cfg);
	int up;

	if (c == NULL)
		return 0;
	memset(&res, 0, sizeof(res));
	(void)s3_check_bucket(c, b->bucket, &res);
	up = res.status != 0;
	s3_free(c);
	return up;
}

static int64_t
now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}
