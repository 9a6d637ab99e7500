/*
 * stats.c: nearest-rank percentiles and the mean (the method is described in stats.h). The
 * rank is computed in long double and nudged down by a relative 1e-12 before ceil, so that
 * p/100 * n landing a rounding error above an integer (99.9% of 1,000 is 999.0000000000001 in
 * double) does not skip to the next value.
 */
#include "stats.h"

#include <math.h>
#include <stdlib.h>

static int cmp_double(const void *a, const void *b);
static size_t rank(double p, size_t n);

static int
cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

/* 1-based nearest rank of percentile p among n values, clamped to [1, n]. */
static size_t
rank(double p, size_t n)
{
	long double r = (long double)p / 100.0L * (long double)n;

	r = ceill(r - r * 1e-12L);
	if (r < 1)
		return 1;
	return r > (long double)n ? n : (size_t)r;
}

int
stats_percentiles(double *v, size_t n, const double *p, size_t np, double *out)
{
	size_t i;

	if (v == NULL || n == 0 || (np > 0 && (p == NULL || out == NULL)))
		return -1;
	for (i = 0; i < np; i++)
		if (!(p[i] >= 0 && p[i] <= 100))	/* also rejects NaN */
			return -1;
	for (i = 0; i < n; i++)
		if (isnan(v[i]))
			return -1;
	qsort(v, n, sizeof(*v), cmp_double);
	for (i = 0; i < np; i++)
		out[i] = v[rank(p[i], n) - 1];
	return 0;
}

double
stats_mean(const double *v, size_t n)
{
	double sum = 0;
	size_t i;

	if (v == NULL || n == 0)
		return 0;
	for (i = 0; i < n; i++)
		sum += v[i];
	return sum / (double)n;
}
