/*
 * arrivals.c: the open-loop schedules, constant and poisson. See arrivals.h.
 */
#include <math.h>
#include <string.h>

#include "arrivals.h"
#include "include/rng.h"

/* The constant schedule's key k, as arrivals_next gives it. */
static int64_t
constant_due(double rate, uint64_t k)
{
	return (int64_t)llround((double)k / rate * 1e9);
}

void
arrivals_init(struct arrivals *a, enum arrivals_kind kind, double rate, uint64_t seed)
{
	memset(a, 0, sizeof(*a));
	a->kind = kind;
	a->rate = rate;
	a->rng = rng_seed2(seed, 0x61727269ULL);	/* "arri": apart from other streams */
}

int64_t
arrivals_next(struct arrivals *a)
{
	double t;

	switch (a->kind) {
	case ARRIVALS_CONSTANT:
		return constant_due(a->rate, a->k++);
	case ARRIVALS_POISSON:
		/* inverse transform; 1 - u is in (0, 1], so the log is finite */
		if (a->k > 0)
			a->t_s += -log(1.0 - rng_unit(&a->rng)) / a->rate;
		t = a->t_s;
		break;
	default:
		t = 0;
	}
	a->k++;
	return (int64_t)llround(t * 1e9);
}

uint64_t
arrivals_due_by(const struct arrivals *a, int64_t t_ns, uint64_t max)
{
	struct arrivals peek = *a;
	uint64_t n;

	if (a->kind == ARRIVALS_CONSTANT) {	/* keys k .. last, the last due by t */
		double est = floor((double)t_ns / 1e9 * a->rate);
		uint64_t last;

		if (t_ns < constant_due(a->rate, a->k))
			return 0;
		if (est >= (double)(a->k + max))
			return max;
		last = est > (double)a->k ? (uint64_t)est : a->k;
		while (constant_due(a->rate, last + 1) <= t_ns)
			last++;
		while (last > a->k && constant_due(a->rate, last) > t_ns)
			last--;
		return last - a->k + 1 < max ? last - a->k + 1 : max;
	}
	for (n = 0; n < max && arrivals_next(&peek) <= t_ns; n++)
		;
	return n;
}

int
arrivals_parse(const char *s, enum arrivals_kind *kind)
{
	if (strcmp(s, "constant") == 0)
		*kind = ARRIVALS_CONSTANT;
	else if (strcmp(s, "poisson") == 0)
		*kind = ARRIVALS_POISSON;
	else
		return -1;
	return 0;
}

const char *
arrivals_name(enum arrivals_kind kind)
{
	return kind == ARRIVALS_CONSTANT ? "constant" : kind == ARRIVALS_POISSON ? "poisson" :
	    "closed";
}
