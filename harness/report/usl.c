/*
 * usl.c: the Universal Scalability Law fit. See usl.h. The points go to a mkstemp file under
 * $TMPDIR (or /tmp); gnuplot runs plots/usl-fit.gp on it through gnuplot_run, which captures
 * its stdout and stderr, so none of its chatter reaches the terminal. The script prints
 * `key value` lines; any other line is gnuplot talking, and the last of them is its error
 * message when it fails. The temporary file is removed on every path. r2, N* and the
 * recommendation are computed here, in C. The weighting is the script's `weight` variable;
 * under USL_OLS no point pins lambda, so level 1 points are fitted like the others.
 */
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "gnuplot.h"
#include "usl.h"

/* The script's result lines, by key. */
enum key { K_LAMBDA, K_SIGMA, K_KAPPA, K_SIGMA_ERR, K_KAPPA_ERR, K_CONVERGED, K_ITER, K_N };
static const char *const key_names[K_N] = { "lambda", "sigma", "kappa", "sigma_err",
	"kappa_err", "converged", "iterations" };

struct result {
	double v[K_N];
	int have[K_N];
	char last[256];		/* gnuplot's last line that is not a result */
};

static const char *const weight_names[USL_WEIGHTS] = { "relative", "ols" };
static const char *const weight_whys[USL_WEIGHTS] = {
	"relative residuals, (X - fit) / X, with lambda pinned to the measured X(1) when there "
	"is one (Gunther's way): a run's noise grows with its rate, so a 2% miss counts the same "
	"at 5 images/s as at 500, and the low levels, which set sigma, are not outweighed by the "
	"high ones",
	"ordinary least squares on X, lambda fitted with sigma and kappa and X(1) a point like "
	"the others (the R package usl's way, so its figures compare with the literature's): the "
	"highest rates weigh the most, and a noisy X(1) does not set the curve alone",
};

static int check_points(const double *n, const double *x, size_t count, int pin,
    double *lambda1, char *err, size_t errlen);
static int write_points(const double *n, const double *x, size_t count, int skip1,
    char *path, size_t pathlen, char *err, size_t errlen);
static void parse_output(char *out, struct result *res);
static int run_script(const double *n, const double *x, size_t count, const char *script,
    enum usl_weight w, double lambda1, struct result *res, char *err, size_t errlen);
static int take_result(const struct result *res, const char *script, double lambda1,
    struct usl *u, char *err, size_t errlen);
static double r_squared(const struct usl *u, const double *n, const double *x, size_t count);

/*
 * Checks the points and the levels they cover: sigma and kappa are only both determined by
 * two levels besides 1 (a level 1 point says nothing about them), and a free lambda needs a
 * third. *lambda1 is the mean X at level 1 when pin, or 0 when there is no such point or no
 * pin (lambda free: level 1 is then a level like the others).
 */
static int
check_points(const double *n, const double *x, size_t count, int pin, double *lambda1,
    char *err, size_t errlen)
{
	size_t i, j, others = 0, ones = 0;
	double sum1 = 0;

	*lambda1 = 0;
	if (n == NULL || x == NULL || count == 0 || count > USL_MAX_POINTS) {
		snprintf(err, errlen, "usl: %zu points (1 to %d needed)", count, USL_MAX_POINTS);
		return -1;
	}
	for (i = 0; i < count; i++) {
		if (!(n[i] >= 1 && n[i] < 1e9) || !(x[i] > 0 && x[i] < INFINITY)) {
			snprintf(err, errlen, "usl: point %zu (%g, %g): need N >= 1 and X > 0", i,
			    n[i], x[i]);
			return -1;
		}
		if (n[i] == 1)
			sum1 += x[i], ones++;
		for (j = 0; j < i && n[j] != n[i]; j++)
			;
		others += j == i && n[i] != 1;
	}
	if (!pin && ones > 0)	/* level 1 counts as one of the 3 levels a free lambda needs */
		others++, ones = 0;
	if (ones > 0 ? others < 2 : others < 3 || count < 4) {
		snprintf(err, errlen, "usl: too few points: %zu at %zu levels (need %s)", count,
		    others + (ones > 0), ones > 0 ? "2 levels besides 1" : "4 points at 3 levels");
		return -1;
	}
	if (ones > 0)
		*lambda1 = sum1 / (double)ones;
	return 0;
}

/*
 * The points to a new temporary file, `N X` per line, its name to path. With lambda pinned,
 * level 1 points are left out: they say nothing of sigma and kappa, and would only lend the
 * fit degrees of freedom, and their scatter, that are not its own.
 */
static int
write_points(const double *n, const double *x, size_t count, int skip1, char *path,
    size_t pathlen, char *err, size_t errlen)
{
	const char *dir = getenv("TMPDIR");
	FILE *f;
	size_t i;
	int fd, bad;

	/* The name goes inside a quoted gnuplot string: no quote may end it early. */
	if (dir == NULL || *dir == '\0' || strchr(dir, '\'') != NULL || strlen(dir) > 200)
		dir = "/tmp";
	snprintf(path, pathlen, "%s/exifbench-usl.XXXXXX", dir);
	if ((fd = mkostemp(path, O_CLOEXEC)) < 0) {
		snprintf(err, errlen, "usl: %s: %s", path, strerror(errno));
		*path = '\0';
		return -1;
	}
	if ((f = fdopen(fd, "w")) == NULL) {
		snprintf(err, errlen, "usl: %s: %s", path, strerror(errno));
		close(fd);
		return -1;
	}
	for (i = 0; i < count; i++)
		if (!skip1 || n[i] != 1)
			fprintf(f, "%.17g %.17g\n", n[i], x[i]);
	bad = ferror(f);
	if (fclose(f) != 0 || bad) {
		snprintf(err, errlen, "usl: %s: write failed", path);
		return -1;
	}
	return 0;
}

static void
parse_output(char *out, struct result *res)
{
	char *line, *save = NULL, *end;
	size_t len;
	int k;

	memset(res, 0, sizeof(*res));
	for (line = strtok_r(out, "\n", &save); line != NULL; line = strtok_r(NULL, "\n", &save)) {
		for (k = 0; k < K_N; k++) {
			len = strlen(key_names[k]);
			if (strncmp(line, key_names[k], len) == 0 && line[len] == ' ') {
				res->v[k] = strtod(line + len + 1, &end);
				res->have[k] = end != line + len + 1 && *end == '\0';
				break;
			}
		}
		if (k == K_N && line[strspn(line, " \t\r")] != '\0')
			snprintf(res->last, sizeof(res->last), "%s", line);
	}
}

static double
r_squared(const struct usl *u, const double *n, const double *x, size_t count)
{
	double mean = 0, ss_res = 0, ss_tot = 0, d;
	size_t i;

	for (i = 0; i < count; i++)
		mean += x[i] / (double)count;
	for (i = 0; i < count; i++) {
		d = x[i] - usl_predict(u, n[i]);
		ss_res += d * d;
		ss_tot += (x[i] - mean) * (x[i] - mean);
	}
	return ss_tot > 0 ? 1 - ss_res / ss_tot : 1;
}

const char *
usl_weight_name(enum usl_weight w)
{
	return (unsigned)w < USL_WEIGHTS ? weight_names[w] : NULL;
}

int
usl_weight_parse(const char *s, enum usl_weight *w)
{
	unsigned i;

	for (i = 0; s != NULL && i < USL_WEIGHTS; i++)
		if (strcmp(s, weight_names[i]) == 0) {
			*w = (enum usl_weight)i;
			return 0;
		}
	return -1;
}

const char *
usl_weight_why(enum usl_weight w)
{
	return (unsigned)w < USL_WEIGHTS ? weight_whys[w] : NULL;
}

int
usl_fit(const double *n, const double *x, size_t count, const char *script,
    enum usl_weight w, struct usl *u, char *err, size_t errlen)
{
	struct result res;
	double lambda1;

	if (u == NULL || script == NULL) {
		snprintf(err, errlen, "usl: no %s", u == NULL ? "result" : "script");
		return -1;
	}
	memset(u, 0, sizeof(*u));
	if ((unsigned)w >= USL_WEIGHTS) {
		snprintf(err, errlen, "usl: weighting %d is not relative or ols", (int)w);
		return -1;
	}
	if (check_points(n, x, count, w == USL_RELATIVE, &lambda1, err, errlen) < 0)
		return -1;
	if (access(script, R_OK) < 0) {
		snprintf(err, errlen, "usl: %s: %s", script, strerror(errno));
		return -1;
	}
	if (run_script(n, x, count, script, w, lambda1, &res, err, errlen) < 0 ||
	    take_result(&res, script, lambda1, u, err, errlen) < 0)
		return -1;
	u->weight = w;
	u->points = count;
	u->r2 = r_squared(u, n, x, count);
	return 0;
}

/*
 * Writes the points, runs the script on them and reads what it printed into *res. -1 with
 * err (and gnuplot's last words after it) when it could not run or failed.
 */
static int
run_script(const double *n, const double *x, size_t count, const char *script,
    enum usl_weight w, double lambda1, struct result *res, char *err, size_t errlen)
{
	char path[256] = "", vars[448], out[4096];
	size_t k, lo;
	int rv;

	if (write_points(n, x, count, lambda1 > 0, path, sizeof(path), err, errlen) < 0) {
		if (*path != '\0')
			unlink(path);
		return -1;
	}
	/* A free lambda starts from the lowest level's X / N; %e keeps it a float in gnuplot. */
	for (lo = 0, k = 1; k < count; k++)
		if (n[k] < n[lo])
			lo = k;
	snprintf(vars, sizeof(vars), "datafile='%s'; fixlambda=%d; lambda0=%.17e; weight='%s'",
	    path, lambda1 > 0, lambda1 > 0 ? lambda1 : x[lo] / n[lo], weight_names[w]);
	rv = gnuplot_run(script, vars, -1, out, sizeof(out), err, errlen);
	unlink(path);
	parse_output(out, res);
	if (rv < 0) {
		if (res->last[0] != '\0' && errlen > 0 && strlen(err) + 1 < errlen)
			snprintf(err + strlen(err), errlen - strlen(err), ": %s", res->last);
		return -1;
	}
	return 0;
}

/* The script's results into *u (all but r2 and points): -1 when one is missing or wrong. */
static int
take_result(const struct result *res, const char *script, double lambda1, struct usl *u,
    char *err, size_t errlen)
{
	size_t k;

	for (k = 0; k < K_N; k++)
		if (!res->have[k]) {
			snprintf(err, errlen, "gnuplot %s printed no %s", script, key_names[k]);
			return -1;
		}
	if (res->v[K_CONVERGED] != 1) {
		snprintf(err, errlen, "usl: the fit did not converge in %.0f iterations",
		    res->v[K_ITER]);
		return -1;
	}
	u->lambda = lambda1 > 0 ? lambda1 : res->v[K_LAMBDA];
	u->sigma = res->v[K_SIGMA], u->kappa = res->v[K_KAPPA];
	if (!(u->lambda > 0 && u->sigma >= 0 && u->sigma <= 1 && u->kappa >= 0 && u->kappa <= 1)) {
		snprintf(err, errlen, "usl: the fit went out of range (lambda %g, sigma %g, "
		    "kappa %g)", u->lambda, u->sigma, u->kappa);
		memset(u, 0, sizeof(*u));
		return -1;
	}
	/* -1 from the script when held at a bound; infinite with as many points as unknowns. */
	u->sigma_err = isfinite(res->v[K_SIGMA_ERR]) ? res->v[K_SIGMA_ERR] : -1;
	u->kappa_err = isfinite(res->v[K_KAPPA_ERR]) ? res->v[K_KAPPA_ERR] : -1;
	u->nstar = u->kappa < 1e-12 ? INFINITY : sqrt((1 - u->sigma) / u->kappa);
	u->lambda_fixed = lambda1 > 0;
	return 0;
}

double
usl_predict(const struct usl *u, double n)
{
	if (u == NULL || !(n >= 0))
		return NAN;
	return u->lambda * n / (1 + u->sigma * (n - 1) + u->kappa * n * (n - 1));
}

unsigned
usl_recommend(const struct usl *u, double frac, unsigned cap)
{
	double top, target;
	unsigned lo = 1, hi, mid;

	if (u == NULL || !(u->lambda > 0) || !(frac > 0))
		return 1;
	/* N* from sigma and kappa, not u->nstar, so that a what-if copy with new ones works. */
	top = u->kappa < 1e-12 ? INFINITY : sqrt((1 - u->sigma) / u->kappa);
	top = fmin(fmax(top, 1), cap > 1 ? (double)cap : 1);
	hi = (unsigned)ceil(top);
	target = fmin(frac, 1) * usl_predict(u, top) * (1 - 1e-12);
	/* Whole levels may all miss a peak between two of them: take the better neighbour. */
	if (usl_predict(u, hi) < target)
		return usl_predict(u, floor(top)) >= usl_predict(u, hi) ? (unsigned)floor(top) : hi;
	/* X rises up to N*: the first whole N at or above the target, by bisection. */
	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (usl_predict(u, mid) >= target)
			hi = mid;
		else
			lo = mid + 1;
	}
	return lo;
}
