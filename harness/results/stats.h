/*
 * stats.h: summary statistics of a sample: nearest-rank percentiles and the mean. The
 * nearest-rank method returns a value that was actually observed, with no interpolation: the
 * p-th percentile of n sorted values is the ceil(p/100 * n)-th smallest (1-based), and the
 * smallest for p = 0. So p = 100 is the maximum, p = 50 of {1, 2, 3, 4} is 2, and p = 99.9
 * needs 1,000 values before it differs from the maximum.
 */
#ifndef EXIFBENCH_STATS_H
#define EXIFBENCH_STATS_H

#include <stddef.h>

/*
 * Sorts v[0..n) in place (ascending) and writes the nearest-rank percentile of each p[i]
 * (0 <= p[i] <= 100) to out[i]. 0, or -1 (out untouched) when n is 0, a pointer is NULL, a p
 * is outside [0, 100] or NaN, or a value of v is NaN.
 */
int stats_percentiles(double *v, size_t n, const double *p, size_t np, double *out);

/* The arithmetic mean of v[0..n), summed in order; 0 when n is 0 or v is NULL. */
double stats_mean(const double *v, size_t n);

#endif
