/*
 * usl.h: the Universal Scalability Law fitted to measured throughput, X(N) = lambda N /
 * (1 + sigma (N - 1) + kappa N (N - 1)) (Gunther): lambda is the rate of one in flight,
 * sigma the contention (the serial fraction) and kappa the coherency cost (crosstalk). The fit
 * is gnuplot's `fit` (Marquardt-Levenberg least squares), run as a child process on the
 * script plots/usl-fit.gp: lambda is pinned to the measured X(1) when a level 1 point exists,
 * as Gunther recommends, so sigma and kappa are the only free parameters; otherwise all three
 * are fitted. Both sigma and kappa are kept in [0, 1] by bounds in the script (sigma 1: flat).
 *
 * Two weightings, both defensible (a scenario's `usl_fit` key, `exifbench report --usl-fit`):
 * USL_RELATIVE (the default) minimises relative residuals, (X - fit) / X, with lambda pinned
 * as above: a run's noise grows with its rate, so a 2% miss counts the same at 5 images/s as
 * at 500, and the low levels, which set sigma, are not outweighed by the high ones. USL_OLS
 * minimises plain residuals with all three parameters free, the level 1 point one among the
 * others: ordinary least squares, as the R package usl fits (on SPEC SDM91 it gives sigma
 * 0.0277, kappa 0.000104, N* 96.5, which tests/unit/test_usl.c reproduces).
 */
#ifndef EXIFBENCH_USL_H
#define EXIFBENCH_USL_H

#include <stddef.h>

#define USL_MAX_POINTS 64

enum usl_weight { USL_RELATIVE, USL_OLS, USL_WEIGHTS };

struct usl {
	double lambda;		/* images/s at one in flight (measured X(1) or fitted) */
	double sigma, kappa;	/* contention and coherency, each in [0, 1] */
	double sigma_err, kappa_err;	/* gnuplot's asymptotic standard errors; -1 unknown
					   (held at a bound, or no degree of freedom) */
	double r2;		/* 1 - SS_res / SS_tot over the points; 1 when they are all equal */
	double nstar;		/* peak concurrency sqrt((1 - sigma) / kappa); INFINITY if kappa 0 */
	size_t points;		/* the points fitted */
	int lambda_fixed;	/* 1 when lambda was pinned to a level 1 point */
	enum usl_weight weight;	/* the weighting fitted with */
};

/* "relative" or "ols"; NULL for a value out of the enum. */
const char *usl_weight_name(enum usl_weight w);

/* The weighting named s ("relative" or "ols"): 0, or -1 when s names none. */
int usl_weight_parse(const char *s, enum usl_weight *w);

/* One sentence saying what the weighting minimises and why one would choose it. */
const char *usl_weight_why(enum usl_weight w);

/*
 * Fits the points (n[i], x[i]), i < count (n >= 1, x > 0; a level may repeat, e.g. with
 * repeats), weighted by w, by running `gnuplot script` with the points in a temporary file.
 * At least 2 distinct levels besides 1 are needed when a level 1 point pins lambda (level 1
 * says nothing of sigma and kappa: USL_RELATIVE), 4 points at 3 distinct levels otherwise
 * (lambda free: USL_OLS always). 0 and *u filled, or -1 with err saying why (too few points,
 * an unknown weighting, gnuplot missing or failing, a fit that did not converge).
 */
int usl_fit(const double *n, const double *x, size_t count, const char *script,
    enum usl_weight w, struct usl *u, char *err, size_t errlen);

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
