/*
 * arrivals.h: the schedule of an open-loop run (`exifbench run --rate R`): when each key is
 * due, independent of when earlier keys finish. The load tools people trust for latency (wrk2;
 * Gil Tene, "How NOT to measure latency") release requests on such a schedule and time each
 * from when it was due, so that a client held up by a slow server cannot hide the queue that
 * builds meanwhile (coordinated omission).
 *
 * Two schedules: constant, key k due at k / R seconds (computed from k, so no error adds up
 * over a long run), and poisson, the gaps independent and exponential of mean 1 / R (the
 * arrivals of many independent users), drawn from rng.h's splitmix64 so a seed gives the same
 * schedule on every machine. Times are offsets in nanoseconds from the schedule's start; the
 * run (models/run.h) adds the start and holds each key back until it is due.
 */
#ifndef EXIFBENCH_ARRIVALS_H
#define EXIFBENCH_ARRIVALS_H

#include <stdint.h>

enum arrivals_kind { ARRIVALS_CLOSED, ARRIVALS_CONSTANT, ARRIVALS_POISSON };

struct arrivals {
	enum arrivals_kind kind;
	double rate;		/* images per second, > 0 unless closed */
	uint64_t rng;		/* poisson: the generator's state */
	uint64_t k;		/* keys scheduled so far */
	double t_s;		/* poisson: the last key's due time, seconds */
};

#define ARRIVALS_RATE_MAX 1e6	/* images/s: a gap of 1 us */

/* A schedule of kind at rate (ignored when closed), poisson draws from seed. */
void arrivals_init(struct arrivals *a, enum arrivals_kind kind, double rate, uint64_t seed);

/* The next key's due time, ns from the schedule's start (0 for the first); advances a. */
int64_t arrivals_next(struct arrivals *a);

/*
 * The keys due at or before t_ns among the next `max` of the schedule (a is not changed):
 * how many of them a client that fell behind to t_ns owes. At most max.
 */
uint64_t arrivals_due_by(const struct arrivals *a, int64_t t_ns, uint64_t max);

/* "constant" or "poisson" into *kind: 0, or -1 for anything else. */
int arrivals_parse(const char *s, enum arrivals_kind *kind);

/* "closed", "constant", "poisson". */
const char *arrivals_name(enum arrivals_kind kind);

#endif
