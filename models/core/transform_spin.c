/*
 * transform_spin.c: transform_spin, which burns the calling thread's CPU time in a serial
 * integer mix, to emulate the per-image cost of a slower language. It reads the thread CPU
 * clock between batches of iterations sized from the rate seen so far, so the checks cost
 * little and the overshoot stays a few microseconds.
 */
#include "transform.h"

#include <time.h>

/*
 * transform_spin reads the thread CPU clock after each batch of iterations, sized from the
 * rate seen so far to last SPIN_BATCH_NS or half the time left, whichever is less. A reading
 * costs about 0.5 us on this project's VMs (`make microbench`, thread_clock: a system call,
 * the thread CPU clock is not in the vDSO), so 100 us batches keep the checks near 0.5%;
 * halving the approach to the deadline costs about ten more readings per call and keeps the
 * overshoot to a few microseconds (spin_1ms in `make microbench`: 1,000.8 us per 1 ms) even
 * when a busy SMT sibling halves the iteration rate. SPIN_FIRST iterations (about 2.5 us)
 * measure the rate.
 */
#define SPIN_BATCH_NS 100000.0
#define SPIN_FIRST 1024
#define SPIN_MAX_MS (86400.0 * 1000.0) /* one day: keeps ms * 1e6 within uint64_t */
#define SPIN_SEED UINT64_C(0x9e3779b97f4a7c15)

static uint64_t cpu_ns(void);
static uint64_t mix(uint64_t x);

static uint64_t
cpu_ns(void)
{
	struct timespec ts;

	if (clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts) != 0)
		return UINT64_MAX;
	return (uint64_t)ts.tv_sec * UINT64_C(1000000000) + (uint64_t)ts.tv_nsec;
}

/* One xorshift64* step: a serial chain of shifts and a multiply that no compiler shortens. */
static uint64_t
mix(uint64_t x)
{
	x ^= x >> 12;
	x ^= x << 25;
	x ^= x >> 27;
	return x * UINT64_C(0x2545f4914f6cdd1d);
}

uint64_t
transform_spin(double ms)
{
	uint64_t x = SPIN_SEED, start, now, end, done = 0, n = SPIN_FIRST, i;
	double left;

	if (!(ms > 0)) /* also NaN */
		return 0;
	if (ms > SPIN_MAX_MS)
		ms = SPIN_MAX_MS;
	if ((start = cpu_ns()) == UINT64_MAX)
		return 0;
	end = start + (uint64_t)(ms * 1e6);
	for (;;) {
		for (i = 0; i < n; i++)
			x = mix(x);
		done += n;
		if ((now = cpu_ns()) >= end)
			return x;
		left = (double)(end - now) / 2;
		if (left > SPIN_BATCH_NS)
			left = SPIN_BATCH_NS;
		if (now > start)
			n = (uint64_t)(left * (double)done / (double)(now - start)) + 1;
	}
}
