/*
 * usl.h: the Universal Scalability Law fitted to measured throughput, X(N) = lambda N /
 * (1 + sigma (N - 1) + kappa N (N - 1)) (Gunther): lambda is the rate of one in flight,
 * sigma the contention (the serial fraction) and kappa the coherency cost (crosstalk). The fit
 * is gnuplot's `fit` (Marquardt-Levenberg least squares), run as a child process on the
 * script plots/usl-fit.gp: lambda is pinned to the measured X(1) when a level 1 point exists,
 * as Gunther recommends, so sigma and kappa are the only free parameters; otherwise all three
 * are fitted. Both sigma and kappa are kept in [0, 1] by bounds in the script (sigma 1: flat).
 */
#ifndef EXIFBENCH_USL_H
#define EXIFBENCH_USL_H

#include <stddef.h>

#define USL_MAX_POINTS 64

struct usl {
	double lambda;		/* images/s at one in flight (measured X(1) or fitted) */
	double sigma, kappa;	/* contention and coherency, each in [0, 1] */
	double sigma_err, kappa_err;	/* gnuplot's asymptotic standard errors; -1 unknown
					   (held at a bound, or no degree of freedom) */
	double r2;		/* 1 - SS_res / SS_tot over the points; 1 when they are all equal */
	double nstar;		/* peak concurrency sqrt((1 - sigma) / kappa); INFINITY if kappa 0 */
	size_t points;		/* the points fitted */
	int lambda_fixed;	/* 1 when lambda was pinned to a level 1 point */
};

/*
 * Fits the points (n[i], x[i]), i < count (n >= 1, x > 0; a level may repeat, e.g. with
 * repeats), by running `gnuplot script` with the points in a temporary file. At least 2
 * distinct levels besides 1 are needed when a level 1 point pins lambda (level 1 says
 * nothing of sigma and kappa), 4 points at 3 distinct levels otherwise. 0 and *u filled, or
 * -1 with err saying why (too few points, gnuplot missing or failing, a fit that did not
 * converge).
 */
int usl_fit(const double *n, const double *x, size_t count, const char *script, struct usl *u,
    char *err, size_t errlen);

/* The throughput the fit predicts at concurrency n (n >= 1). */
double usl_predict(const struct usl *u, double n);

/*
 * The recommended concurrency: the smallest whole N whose predicted throughput reaches `frac`
 * (e.g. 0.95) of the peak, where the peak is the prediction at N* clipped to [1, cap] (a fit
 * with no coherency cost keeps climbing, so the caller caps it, e.g. at the largest level
 * measured). 1 when the fit is flat.
 */
unsigned usl_recommend(const struct usl *u, double frac, unsigned cap);

#endif
