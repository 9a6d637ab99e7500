/*
 * test_usl.c: unit tests of harness/report/usl.c, the Universal Scalability Law fit run through
 * gnuplot on plots/usl-fit.gp (found from the repository root, where `make check` runs the
 * tests, or at $USL_FIT_SCRIPT). Checked: known (lambda, sigma, kappa) recovered from points
 * generated at concurrency sweeps, exact and with a fixed +-2% multiplicative pattern: linear,
 * contention only, coherency with a peak inside the sweep, a CPU-bound plateau at about 2x on
 * 1 2 4 8, an I/O-bound sweep to 256, and lambda fitted when no level 1 point pins it; r2 and
 * N*; flat, better than linear and falling sweeps ending on the bounds of sigma and kappa;
 * two real sweeps measured on this machine; the literature's own case, SPEC SDM91, under
 * both weightings (ordinary least squares within 1% of the R package usl's published fit);
 * usl_predict and usl_recommend on hand-worked cases; the weighting's names; errors: bad
 * points, too few levels, a bad weighting, a missing script, gnuplot missing from PATH, a
 * script that fails, prints nothing or does not converge, with no temporary file left behind.
 */
#include "harness/report/usl.c"

#include <dirent.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

/*
 * Fixed patterns of relative errors, within +-2%: the first leaves X(1), which pins lambda,
 * exact; the second has it 2% high, which biases every other parameter.
 */
static const double noise[] = { 0, 0.02, -0.02, 0.01, -0.01, 0.015, -0.015, 0.005, -0.005 };
static const double noise_x1[] = { 0.02, -0.02, 0.01, -0.01, 0.015, -0.015, 0.005, -0.005, 0 };

/* Each test gets its own $TMPDIR, which must be empty again at the end. */
struct fixture {
	char tmpdir[64];
	char *old_tmpdir;
};

static const char *
script(void)
{
	const char *s = getenv("USL_FIT_SCRIPT");

	return s != NULL ? s : "plots/usl-fit.gp";
}

static int
setup(void **state)
{
	struct fixture *fx = calloc(1, sizeof(*fx));
	const char *old = getenv("TMPDIR");

	if (fx == NULL)
		return -1;
	snprintf(fx->tmpdir, sizeof(fx->tmpdir), "/tmp/test_usl.XXXXXX");
	if (mkdtemp(fx->tmpdir) == NULL)
		return -1;
	fx->old_tmpdir = old != NULL ? strdup(old) : NULL;
	setenv("TMPDIR", fx->tmpdir, 1);
	*state = fx;
	return 0;
}

static int
teardown(void **state)
{
	struct fixture *fx = *state;
	DIR *d = opendir(fx->tmpdir);
	struct dirent *e;
	char bad[128];
	int left = 0;

	snprintf(bad, sizeof(bad), "%s/bad.gp", fx->tmpdir);	/* test_script_errors' own */
	unlink(bad);
	while (d != NULL && (e = readdir(d)) != NULL)
		if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0) {
			fprintf(stderr, "left behind: %s/%s\n", fx->tmpdir, e->d_name);
			left++;
		}
	if (d != NULL)
		closedir(d);
	if (fx->old_tmpdir != NULL)
		setenv("TMPDIR", fx->old_tmpdir, 1);
	else
		unsetenv("TMPDIR");
	rmdir(fx->tmpdir);
	free(fx->old_tmpdir);
	free(fx);
	return left == 0 ? 0 : -1;
}

struct recover_case {
	const char *name;
	double lambda, sigma, kappa;
	double levels[12];
	size_t nlevels;
	const double *noise;	/* NULL: exact */
	double kappa_tol;	/* relative; absolute when kappa is 0 */
};

/*
 * kappa barely shows on 1 2 4 8 (0.22 of the denominator at 8, against 3.15 for sigma), so
 * 2% noise moves it by a third there.
 */
static const struct recover_case recover_cases[] = {
	{ "linear", 10, 0, 0, { 1, 2, 4, 8, 16, 32, 64, 128 }, 8, NULL, 1e-6 },
	{ "contention", 5, 0.05, 0, { 1, 2, 4, 8, 16, 32, 64, 128 }, 8, NULL, 1e-6 },
	{ "coherency", 100, 0.02, 0.0005, { 1, 2, 4, 8, 16, 32, 64, 128 }, 8, NULL, 0.1 },
	{ "cpu-bound", 40, 0.45, 0.004, { 1, 2, 4, 8 }, 4, NULL, 0.1 },
	{ "io-bound", 4.65, 0.001, 5e-6, { 1, 2, 4, 8, 16, 32, 64, 128, 256 }, 9, NULL, 0.1 },
	{ "lambda free", 100, 0.02, 0.0005, { 2, 4, 8, 16, 32, 64, 128 }, 7, NULL, 0.1 },
	{ "linear, noisy", 10, 0, 0, { 1, 2, 4, 8, 16, 32, 64, 128 }, 8, noise, 1e-4 },
	{ "contention, noisy", 5, 0.05, 0, { 1, 2, 4, 8, 16, 32, 64, 128 }, 8, noise, 1e-4 },
	{ "coherency, noisy", 100, 0.02, 0.0005, { 1, 2, 4, 8, 16, 32, 64, 128 }, 8, noise,
	  0.1 },
	{ "coherency, X(1) +2%", 100, 0.02, 0.0005, { 1, 2, 4, 8, 16, 32, 64, 128 }, 8,
	  noise_x1, 0.1 },
	{ "cpu-bound, noisy", 40, 0.45, 0.004, { 1, 2, 4, 8 }, 4, noise, 0.5 },
	{ "io-bound, noisy", 4.65, 0.001, 5e-6, { 1, 2, 4, 8, 16, 32, 64, 128, 256 }, 9, noise,
	  0.1 },
	{ "lambda free, noisy", 100, 0.02, 0.0005, { 2, 4, 8, 16, 32, 64, 128 }, 7, noise_x1,
	  0.1 },
};

static double
usl_x(double lambda, double sigma, double kappa, double n)
{
	return lambda * n / (1 + sigma * (n - 1) + kappa * n * (n - 1));
}

static void
test_recover(void **state)
{
	const struct recover_case *c;
	struct usl u;
	double x[12], tol;
	char err[512];
	size_t i, k;

	for (k = 0; k < sizeof(recover_cases) / sizeof(recover_cases[0]); k++) {
		c = &recover_cases[k];
		for (i = 0; i < c->nlevels; i++)
			x[i] = usl_x(c->lambda, c->sigma, c->kappa, c->levels[i]) *
			    (1 + (c->noise != NULL ? c->noise[i] : 0));
		if (usl_fit(c->levels, x, c->nlevels, script(), USL_RELATIVE, &u, err,
		    sizeof(err)) != 0)
			fail_msg("%s: %s", c->name, err);
		print_message("%-20s sigma %.6f (%.6f) kappa %.3g (%.3g) lambda %.4g r2 %.6f\n",
		    c->name, u.sigma, c->sigma, u.kappa, c->kappa, u.lambda, u.r2);
		/* sigma within 0.01 absolute or 10%, whichever is wider. */
		assert_true(fabs(u.sigma - c->sigma) <= fmax(0.01, 0.1 * c->sigma));
		tol = c->kappa > 0 ? c->kappa_tol * c->kappa : c->kappa_tol;
		assert_true(fabs(u.kappa - c->kappa) <= tol);
		assert_int_equal(u.lambda_fixed, c->levels[0] == 1);
		tol = (c->noise != NULL ? 0.05 : 1e-3) * c->lambda;
		assert_true(fabs(u.lambda - c->lambda) <= tol);
		assert_int_equal(u.points, c->nlevels);
		assert_true(u.sigma >= 0 && u.sigma < 1 && u.kappa >= 0 && u.kappa < 1);
		/* An error for each parameter fitted; -1 for one held at 0 by the bound. */
		assert_true(u.sigma_err >= 0 || (u.sigma == 0 && u.sigma_err == -1));
		assert_true(u.kappa_err >= 0 || (u.kappa == 0 && u.kappa_err == -1));
		assert_true(u.r2 > (c->noise != NULL ? 0.98 : 0.999999) && u.r2 <= 1);
		if (c->noise != NULL)
			assert_true(u.r2 < 1 - 1e-9);
	}
}

/* N* where the peak is, infinite without coherency; r2 from the points, not gnuplot. */
static void
test_nstar_r2(void **state)
{
	static const double n[] = { 1, 2, 4, 8, 16, 32, 64, 128 };
	struct usl u;
	double x[8];
	char err[512];
	size_t i;

	for (i = 0; i < 8; i++)
		x[i] = usl_x(100, 0.02, 0.0005, n[i]);
	assert_int_equal(usl_fit(n, x, 8, script(), USL_RELATIVE, &u, err, sizeof(err)), 0);
	assert_true(fabs(u.nstar - sqrt(0.98 / 0.0005)) < 0.5);
	for (i = 0; i < 8; i++)
		x[i] = usl_x(10, 0, 0, n[i]);
	assert_int_equal(usl_fit(n, x, 8, script(), USL_RELATIVE, &u, err, sizeof(err)), 0);
	assert_true(isinf(u.nstar));
	/* A point far off lowers r2. */
	x[7] *= 0.5;
	assert_int_equal(usl_fit(n, x, 8, script(), USL_RELATIVE, &u, err, sizeof(err)), 0);
	assert_true(u.r2 < 0.99);
}

/* r2 by hand: X = N predicted at 1 2 3 against 1 2 4: SS_res 1, SS_tot 42 / 9. */
static void
test_r2(void **state)
{
	static const double n[] = { 1, 2, 3 }, x[] = { 1, 2, 4 }, same[] = { 3, 3, 3 };
	struct usl u = { .lambda = 1 };

	assert_true(fabs(r_squared(&u, n, x, 3) - (1 - 9.0 / 42)) < 1e-12);
	assert_true(r_squared(&u, n, n, 3) == 1);
	assert_true(r_squared(&u, n, same, 3) == 1);	/* SS_tot 0 */
}

/* Sweeps outside the model's interior end on its bounds, sigma and kappa in [0, 1]. */
static void
test_bounds(void **state)
{
	static const double n[] = { 1, 2, 4, 8, 16 };
	static const double flat[] = { 5, 5, 5, 5, 5 }, super[] = { 10, 21, 42, 84, 168 };
	static const double drop[] = { 10, 15, 12, 8, 5 };
	struct usl u;
	char err[512];
	unsigned r;

	/* No gain at all: sigma 1, and the recommendation is one in flight. */
	assert_int_equal(usl_fit(n, flat, 5, script(), USL_RELATIVE, &u, err, sizeof(err)), 0);
	assert_true(u.sigma > 1 - 1e-6 && u.sigma <= 1);
	assert_true(u.kappa < 1e-9 && u.r2 == 1);
	assert_int_equal(usl_recommend(&u, 0.95, 16), 1);
	/* Better than linear: both held at 0, no error for either. */
	assert_int_equal(usl_fit(n, super, 5, script(), USL_RELATIVE, &u, err, sizeof(err)), 0);
	assert_true(u.sigma == 0 && u.kappa == 0 && u.sigma_err == -1 && u.kappa_err == -1);
	assert_true(isinf(u.nstar) && u.r2 > 0.99 && u.r2 < 1);
	/* A peak at 2 then a fall: retrograde, N* between the levels around the peak. */
	assert_int_equal(usl_fit(n, drop, 5, script(), USL_RELATIVE, &u, err, sizeof(err)), 0);
	assert_true(u.kappa > 0 && u.nstar > 1.5 && u.nstar < 4);
	assert_true(u.r2 > 0.9);
	r = usl_recommend(&u, 1, 16);			/* the better whole level by N* */
	assert_true((r == 2 || r == 3) && usl_predict(&u, r) >= usl_predict(&u, 5 - r));
}

/* pthreads sweeps measured on this machine (io-bound, cpu-bound), one level 1 point each. */
static void
test_measured(void **state)
{
	static const double n[] = { 1, 8, 64 }, io[] = { 4.625, 37.439, 274.354 };
	static const double n2[] = { 1, 2, 8 }, cpu[] = { 39.220, 67.924, 75.712 };
	struct usl u;
	char err[512];

	assert_int_equal(usl_fit(n, io, 3, script(), USL_RELATIVE, &u, err, sizeof(err)), 0);
	assert_true(u.lambda == 4.625 && u.lambda_fixed);
	assert_true(u.sigma < 0.01 && u.r2 > 0.999);
	assert_true(u.nstar > 64);
	assert_int_equal(usl_fit(n2, cpu, 3, script(), USL_RELATIVE, &u, err, sizeof(err)), 0);
	assert_true(u.r2 > 0.999);
	/* Two points besides level 1 for two unknowns: no degree of freedom, no error. */
	assert_true(u.sigma_err == -1 && u.kappa_err == -1);
	assert_true(u.nstar > 2 && u.nstar < 16);
	assert_true(usl_predict(&u, 8) < 2 * 39.220);
}

/*
 * SPEC SDM91 on a Sun SPARCcenter 2000: simulated users against scripts per hour. The data is
 * the R package usl's `specsdm91` dataset (data/specsdm91.rda; its source: N. J. Gunther,
 * Guerrilla Capacity Planning, Springer 2007, from the SPEC SDM91 results), and the published
 * fit is that package's, ordinary least squares with all three parameters free: lambda 89.995,
 * sigma 0.0277285, kappa 0.0001044, N* 96.5 (its tests' fitted values start 90 1078 1541).
 * Relative residuals with lambda pinned to X(1) = 64.9 give another, defensible fit; the
 * figures below were checked with gnuplot by hand.
 */
static const double sdm91_n[] = { 1, 18, 36, 72, 108, 144, 216 };
static const double sdm91_x[] = { 64.9, 995.9, 1652.4, 1853.2, 1828.9, 1775.0, 1702.2 };

static void
test_sdm91(void **state)
{
	struct usl u;
	char err[512];

	assert_int_equal(usl_fit(sdm91_n, sdm91_x, 7, script(), USL_OLS, &u, err, sizeof(err)),
	    0);
	print_message("sdm91 ols: lambda %.4f sigma %.6f kappa %.4g N* %.2f r2 %.4f\n",
	    u.lambda, u.sigma, u.kappa, u.nstar, u.r2);
	assert_true(fabs(u.nstar - 96.5) <= 0.01 * 96.5);
	assert_true(fabs(u.sigma - 0.0277285) <= 0.01 * 0.0277285);
	assert_true(fabs(u.kappa - 0.0001044) <= 0.01 * 0.0001044);
	assert_true(fabs(u.lambda - 89.995) <= 0.01 * 89.995);
	assert_true(fabs(usl_predict(&u, 18) - 1078) < 1 && fabs(usl_predict(&u, 36) - 1541) < 1);
	assert_true(!u.lambda_fixed && u.weight == USL_OLS && u.points == 7);
	assert_true(u.sigma_err > 0 && u.kappa_err > 0);
	/* Relative residuals, lambda pinned: lower sigma, higher kappa, N* 91.9. */
	assert_int_equal(usl_fit(sdm91_n, sdm91_x, 7, script(), USL_RELATIVE, &u, err,
	    sizeof(err)), 0);
	print_message("sdm91 relative: lambda %.4f sigma %.6f kappa %.4g N* %.2f r2 %.4f\n",
	    u.lambda, u.sigma, u.kappa, u.nstar, u.r2);
	assert_true(u.lambda == 64.9 && u.lambda_fixed && u.weight == USL_RELATIVE);
	assert_true(fabs(u.sigma - 0.011679) < 1e-4 && fabs(u.kappa - 0.00011699) < 1e-6);
	assert_true(u.nstar > 90 && u.nstar < 93);
}

/* The names, both ways; an unknown weighting. */
static void
test_weight(void **state)
{
	enum usl_weight w = USL_OLS;
	struct usl u;
	char err[512];

	assert_string_equal(usl_weight_name(USL_RELATIVE), "relative");
	assert_string_equal(usl_weight_name(USL_OLS), "ols");
	assert_null(usl_weight_name(USL_WEIGHTS));
	assert_int_equal(usl_weight_parse("relative", &w), 0);
	assert_int_equal(w, USL_RELATIVE);
	assert_int_equal(usl_weight_parse("ols", &w), 0);
	assert_int_equal(w, USL_OLS);
	assert_int_equal(usl_weight_parse("OLS", &w), -1);
	assert_int_equal(usl_weight_parse("", &w), -1);
	assert_int_equal(usl_weight_parse(NULL, &w), -1);
	assert_int_equal(w, USL_OLS);
	assert_non_null(strstr(usl_weight_why(USL_RELATIVE), "relative residuals"));
	assert_non_null(strstr(usl_weight_why(USL_OLS), "least squares"));
	assert_null(usl_weight_why((enum usl_weight)7));
	assert_int_equal(usl_fit(sdm91_n, sdm91_x, 7, script(), (enum usl_weight)7, &u, err,
	    sizeof(err)), -1);
	assert_non_null(strstr(err, "not relative or ols"));
	/* Lambda free under OLS: 1 8 64 is 3 points for 3 unknowns, too few. */
	assert_int_equal(usl_fit(sdm91_n, sdm91_x, 3, script(), USL_OLS, &u, err, sizeof(err)),
	    -1);
	assert_non_null(strstr(err, "too few points: 3 at 3 levels (need 4 points at 3 levels)"));
	assert_int_equal(usl_fit(sdm91_n, sdm91_x, 3, script(), USL_RELATIVE, &u, err,
	    sizeof(err)), 0);
}

static void
test_predict(void **state)
{
	static const struct {
		double lambda, sigma, kappa, n, want;
	} c[] = {
		{ 10, 0, 0, 1, 10 },
		{ 10, 0, 0, 64, 640 },
		{ 10, 0.5, 0, 3, 15 },			/* 30 / (1 + 1) */
		{ 1, 0.1, 0.01, 11, 11 / 3.1 },		/* 11 / (1 + 1 + 1.1) */
		{ 2, 0.25, 0.125, 2, 4 / 1.5 },		/* 4 / (1 + 0.25 + 0.25) */
		{ 7, 0.9, 0.5, 1, 7 },			/* X(1) is lambda whatever the rest */
	};
	struct usl u;
	size_t i;

	for (i = 0; i < sizeof(c) / sizeof(c[0]); i++) {
		memset(&u, 0, sizeof(u));
		u.lambda = c[i].lambda, u.sigma = c[i].sigma, u.kappa = c[i].kappa;
		assert_true(fabs(usl_predict(&u, c[i].n) - c[i].want) < 1e-9);
	}
	assert_true(isnan(usl_predict(NULL, 2)));
	assert_true(isnan(usl_predict(&u, -1)));
	assert_true(isnan(usl_predict(&u, NAN)));
}

/* Expected values worked by hand (peak, 95% of it, the first whole N to reach it). */
static void
test_recommend(void **state)
{
	static const struct {
		double lambda, sigma, kappa, frac;
		unsigned cap, want;
	} c[] = {
		{ 1, 0, 0, 0.95, 64, 61 },		/* 0.95 * 64 = 60.8 */
		{ 1, 0.05, 0, 0.95, 128, 91 },		/* X(128) = 17.41, X(91) >= 16.54 */
		{ 100, 0.02, 0.0005, 0.95, 128, 31 },	/* N* = 44.3 inside the cap */
		{ 100, 0.02, 0.0005, 0.95, 16, 15 },	/* N* beyond the cap: the cap's X */
		{ 100, 0.02, 0.0005, 1, 128, 44 },	/* X(44) > X(45), neither reaches X(N*) */
		{ 40, 0.45, 0.004, 0.95, 8, 6 },
		{ 40, 0.45, 0.004, 0.9, 64, 4 },
		{ 1, 0.99, 0.5, 0.95, 64, 1 },		/* N* < 1: flat */
		{ 1, 0, 0, 0.95, 0, 1 },		/* cap 0 counts as 1 */
		{ 1, 0, 0, 0, 64, 1 },			/* no fraction */
		{ 1, 0, 0, 2, 64, 64 },			/* above 1 means the peak */
		{ 0, 0, 0, 0.95, 64, 1 },		/* no fit */
	};
	struct usl u;
	size_t i;

	for (i = 0; i < sizeof(c) / sizeof(c[0]); i++) {
		memset(&u, 0, sizeof(u));
		u.lambda = c[i].lambda, u.sigma = c[i].sigma, u.kappa = c[i].kappa;
		if (usl_recommend(&u, c[i].frac, c[i].cap) != c[i].want)
			fail_msg("case %zu: %u, not %u", i, usl_recommend(&u, c[i].frac,
			    c[i].cap), c[i].want);
	}
	assert_int_equal(usl_recommend(NULL, 0.95, 64), 1);
}

static void
test_inval(void **state)
{
	static const double n[] = { 1, 2, 4, 8 }, x[] = { 1, 2, 3, 4 };
	static const struct {
		double n[4], x[4];
		size_t count;
		const char *want;
	} c[] = {
		{ { 0.5, 2, 4, 8 }, { 1, 2, 3, 4 }, 4, "need N >= 1" },
		{ { NAN, 2, 4, 8 }, { 1, 2, 3, 4 }, 4, "need N >= 1" },
		{ { 1, 2, 4, 8 }, { 1, 0, 3, 4 }, 4, "X > 0" },
		{ { 1, 2, 4, 8 }, { 1, 2, -3, 4 }, 4, "X > 0" },
		{ { 1, 2, 4, 8 }, { 1, 2, 3, NAN }, 4, "X > 0" },
		{ { 1, 2, 4, 8 }, { 1, 2, 3, INFINITY }, 4, "X > 0" },
		{ { 1, 1, 8, 8 }, { 1, 1, 4, 4 }, 4, "too few" },	/* one level besides 1 */
		{ { 1, 8 }, { 1, 4 }, 2, "too few" },
		{ { 2, 4, 8 }, { 2, 3, 4 }, 3, "too few" },		/* lambda free: 4 points */
		{ { 2, 2, 4, 4 }, { 2, 2, 3, 3 }, 4, "too few" },	/* ... at 3 levels */
	};
	double big[USL_MAX_POINTS + 1];
	struct usl u;
	char err[512];
	size_t i;

	for (i = 0; i < sizeof(c) / sizeof(c[0]); i++) {
		memset(&u, 0xff, sizeof(u));
		err[0] = '\0';
		assert_int_equal(usl_fit(c[i].n, c[i].x, c[i].count, script(), USL_RELATIVE, &u,
		    err, sizeof(err)), -1);
		if (strstr(err, c[i].want) == NULL)
			fail_msg("case %zu: '%s' has no '%s'", i, err, c[i].want);
		assert_true(u.points == 0 && u.lambda == 0);	/* cleared, not left as it was */
	}
	for (i = 0; i < USL_MAX_POINTS + 1; i++)
		big[i] = (double)i + 1;
	assert_int_equal(usl_fit(big, big, USL_MAX_POINTS + 1, script(), USL_RELATIVE, &u, err,
	    sizeof(err)), -1);
	assert_int_equal(usl_fit(n, x, 0, script(), USL_RELATIVE, &u, err, sizeof(err)), -1);
	assert_int_equal(usl_fit(NULL, x, 4, script(), USL_RELATIVE, &u, err, sizeof(err)), -1);
	assert_int_equal(usl_fit(n, NULL, 4, script(), USL_RELATIVE, &u, err, sizeof(err)), -1);
	assert_int_equal(usl_fit(n, x, 4, NULL, USL_RELATIVE, &u, err, sizeof(err)), -1);
	assert_int_equal(usl_fit(n, x, 4, script(), USL_RELATIVE, NULL, err, sizeof(err)), -1);
	assert_int_equal(usl_fit(n, x, 4, "/nonexistent/usl-fit.gp", USL_RELATIVE, &u, err,
	    sizeof(err)), -1);
	assert_non_null(strstr(err, "/nonexistent/usl-fit.gp"));
	assert_non_null(strstr(err, "No such file"));
}

/* gnuplot not in PATH: a clear error, not a child that silently exits 127. */
static void
test_no_gnuplot(void **state)
{
	static const double n[] = { 1, 2, 4, 8 }, x[] = { 1, 2, 4, 8 };
	char *path = strdup(getenv("PATH") != NULL ? getenv("PATH") : "/usr/bin:/bin");
	struct usl u;
	char err[512];
	int rv;

	assert_non_null(path);
	setenv("PATH", "/nonexistent", 1);
	rv = usl_fit(n, x, 4, script(), USL_RELATIVE, &u, err, sizeof(err));
	setenv("PATH", path, 1);
	free(path);
	assert_int_equal(rv, -1);
	assert_non_null(strstr(err, "gnuplot"));
	assert_non_null(strstr(err, "gnuplot not found: install gnuplot-nox"));
}

/* Scripts that fail, print nothing, or do not converge, written to the test's $TMPDIR. */
static void
test_script_errors(void **state)
{
	static const struct {
		const char *text, *want;
	} c[] = {
		{ "print nosuchfunction(1)\n", "undefined function" },
		{ "exit error 'no luck'\n", "no luck" },
		{ "exit status 3\n", "status 3" },
		{ "print 'chatter'\n", "printed no lambda" },
		{ "set print '-'\nprint 'lambda 1'\nprint 'sigma 0.1'\nprint 'kappa 0.01'\n"
		  "print 'sigma_err 0'\nprint 'kappa_err 0'\nprint 'converged 0'\n"
		  "print 'iterations 500'\n", "did not converge in 500" },
		{ "set print '-'\nprint 'lambda 1'\nprint 'sigma 1.5'\nprint 'kappa 0.01'\n"
		  "print 'sigma_err 0'\nprint 'kappa_err 0'\nprint 'converged 1'\n"
		  "print 'iterations 5'\n", "out of range" },
	};
	static const double n[] = { 1, 2, 4, 8 }, x[] = { 1, 2, 4, 8 };
	struct fixture *fx = *state;
	char path[128], err[512];
	struct usl u;
	size_t i;
	FILE *f;

	snprintf(path, sizeof(path), "%s/bad.gp", fx->tmpdir);
	for (i = 0; i < sizeof(c) / sizeof(c[0]); i++) {
		assert_non_null(f = fopen(path, "w"));
		fputs(c[i].text, f);
		fclose(f);
		err[0] = '\0';
		assert_int_equal(usl_fit(n, x, 4, path, USL_RELATIVE, &u, err, sizeof(err)), -1);
		if (strstr(err, c[i].want) == NULL)
			fail_msg("case %zu: '%s' has no '%s'", i, err, c[i].want);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_recover, setup, teardown),
		cmocka_unit_test_setup_teardown(test_nstar_r2, setup, teardown),
		cmocka_unit_test(test_r2),
		cmocka_unit_test_setup_teardown(test_bounds, setup, teardown),
		cmocka_unit_test_setup_teardown(test_measured, setup, teardown),
		cmocka_unit_test_setup_teardown(test_sdm91, setup, teardown),
		cmocka_unit_test_setup_teardown(test_weight, setup, teardown),
		cmocka_unit_test(test_predict),
		cmocka_unit_test(test_recommend),
		cmocka_unit_test_setup_teardown(test_inval, setup, teardown),
		cmocka_unit_test_setup_teardown(test_no_gnuplot, setup, teardown),
		cmocka_unit_test_setup_teardown(test_script_errors, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
