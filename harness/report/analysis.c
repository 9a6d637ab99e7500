/*
 * analysis.c: the report's rules (bounds, verdict, capacity, what-if) as pure functions. See
 * analysis.h. Every input is tested with `> 0` or `>= 0` so that NaN, like a negative value,
 * counts as unknown and drops the bound or the sentence that needs it instead of spreading
 * into the report. The verdict's paragraph is built piece by piece into its fixed buffer;
 * a piece that does not fit ends the paragraph there (the text is cut, never overrun).
 * Ties reuse compare.h's noise rule where there is no interval to overlap, so `report` and
 * `compare` call two runs the same in the same cases.
 */
#include "analysis.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>

#include "compare.h"

/* The threshold of the noise rule when a side has no standard error (compare.h), percent. */
#define TIE_PCT 5

/* A rate that fits exactly in k machines must not ask for k + 1 through rounding. */
#define CAPACITY_SLACK 1e-9

static const char *const bound_names[B_N] = { "latency (Little)", "client CPU", "server CPU",
	"machine CPU", "bandwidth" };

static void add(char *buf, size_t len, size_t *off, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static const char *num(char *buf, size_t len, double v);
static void why_share(const struct verdict_in *in, const struct verdict *v, char *buf,
    size_t len, size_t *off);
static void why_best(const struct verdict_in *in, const struct verdict *v, char *buf,
    size_t len, size_t *off);
static void why_crossover(const struct verdict_in *in, const struct verdict *v, char *buf,
    size_t len, size_t *off);
static void why_mixed(const struct verdict_in *in, const struct verdict *v, char *buf,
    size_t len, size_t *off);

void
analysis_bound(const struct bound_in *in, struct bound *b)
{
	double cpu = 0;
	int k;

	if (b == NULL)
		return;
	for (k = 0; k < B_N; k++)
		b->x[k] = INFINITY;
	b->best = INFINITY;
	b->limit = B_N;
	if (in == NULL)
		return;
	if (in->r0_s > 0 && in->in_flight > 0)
		b->x[B_LATENCY] = in->in_flight / in->r0_s;
	if (in->client_cpu_s > 0 && in->parallel > 0)
		b->x[B_CLIENT_CPU] = in->parallel / in->client_cpu_s;
	if (in->server_cpu_s > 0 && in->server_pus > 0)
		b->x[B_SERVER_CPU] = in->server_pus / in->server_cpu_s;
	/* Sharing: every CPU second any party spends per image comes out of the same PUs. */
	if (in->client_cpu_s > 0)
		cpu += in->client_cpu_s;
	if (in->server_cpu_s > 0)
		cpu += in->server_cpu_s;
	if (in->shaper_cpu_s > 0)
		cpu += in->shaper_cpu_s;
	if (in->machine_pus > 0 && cpu > 0)
		b->x[B_MACHINE_CPU] = in->machine_pus / cpu;
	if (in->link_bytes_per_s > 0 && in->bytes_per_image > 0)
		b->x[B_BANDWIDTH] = in->link_bytes_per_s / in->bytes_per_image;
	/* Ties go to the earlier kind: latency before any CPU, CPU before bandwidth. */
	for (k = 0; k < B_N; k++)
		if (b->x[k] < b->best)
			b->best = b->x[k], b->limit = (enum bound_kind)k;
}

const char *
analysis_bound_name(enum bound_kind k)
{
	return (unsigned)k < B_N ? bound_names[k] : "none";
}

void
analysis_verdict(const struct verdict_in *in, struct verdict *v)
{
	size_t off = 0;

	if (v == NULL)
		return;
	v->kind = v->share_kind = VERDICT_UNKNOWN;
	v->speedup = 0;
	v->followed = FOLLOWED_NEITHER;
	v->crossover = 0;
	v->why[0] = '\0';
	if (in == NULL)
		return;
	if (in->seq_on_share >= 0.5)
		v->kind = VERDICT_CPU;
	else if (in->seq_on_share >= 0)
		v->kind = VERDICT_IO;
	if (in->seq_ips > 0 && in->best_ips > 0 && isfinite(in->best_ips / in->seq_ips))
		v->speedup = in->best_ips / in->seq_ips;
	/* Without the client's PUs there is nothing to compare the speedup with. */
	if (v->speedup >= 1.2 && in->client_pus > 0)
		v->followed = v->speedup > 1.5 * in->client_pus ? FOLLOWED_CONCURRENCY :
		    FOLLOWED_CORES;
	if (in->r0_s > 0 && in->cpu_bound_ips > 0 && isfinite(in->r0_s * in->cpu_bound_ips))
		v->crossover = in->r0_s * in->cpu_bound_ips;
	v->share_kind = v->kind;
	if ((v->kind == VERDICT_IO && v->followed == FOLLOWED_CORES) ||
	    (v->kind == VERDICT_CPU && v->followed == FOLLOWED_CONCURRENCY))
		v->kind = VERDICT_MIXED;
	why_share(in, v, v->why, sizeof(v->why), &off);
	why_best(in, v, v->why, sizeof(v->why), &off);
	why_crossover(in, v, v->why, sizeof(v->why), &off);
	why_mixed(in, v, v->why, sizeof(v->why), &off);
}

const char *
analysis_verdict_name(enum verdict_kind k)
{
	switch (k) {
	case VERDICT_IO: return "I/O-bound";
	case VERDICT_CPU: return "CPU-bound";
	case VERDICT_MIXED: return "mixed";
	default: return "undecided";
	}
}

double
analysis_t95(unsigned df)
{
	static const double t[30] = { 12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365,
		2.306, 2.262, 2.228, 2.201, 2.179, 2.160, 2.145, 2.131, 2.120, 2.110, 2.101,
		2.093, 2.086, 2.080, 2.074, 2.069, 2.064, 2.060, 2.056, 2.052, 2.048, 2.045,
		2.042 };

	if (df == 0)
		return NAN;
	/* past the table, z + (z^3 + z) / (4 df) (Cornish-Fisher): 2.021 at 40, 1.980 at 120 */
	return df <= 30 ? t[df - 1] : 1.96 + 2.372 / df;
}

void
analysis_estimate(const double *x, size_t n, double run_se, struct estimate *e)
{
	double sum = 0, ss = 0;
	size_t i;

	e->reps = 0;
	e->mean = NAN;
	e->se = e->half = -1;
	for (i = 0; x != NULL && i < n; i++)
		if (x[i] >= 0 && isfinite(x[i]))
			sum += x[i], e->reps++;
	if (e->reps == 0)
		return;
	e->mean = sum / e->reps;
	if (e->reps < 2) {
		e->se = run_se >= 0 && isfinite(run_se) ? run_se : -1;
		return;
	}
	for (i = 0; i < n; i++)
		if (x[i] >= 0 && isfinite(x[i]))
			ss += (x[i] - e->mean) * (x[i] - e->mean);
	e->se = sqrt(ss / (e->reps - 1)) / sqrt(e->reps);
	e->half = analysis_t95(e->reps - 1) * e->se;
}

int
analysis_tied(const struct estimate *a, const struct estimate *b, const char **rule)
{
	struct cmp_side ca = { 0, 0, -1, 0, 0, 0 }, cb = ca;
	enum cmp_verdict v;
	double noise;

	if (rule != NULL)
		*rule = "no rate";
	if (a == NULL || b == NULL || a->reps == 0 || b->reps == 0 || !isfinite(a->mean) ||
	    !isfinite(b->mean))
		return 0;
	if (a->half >= 0 && b->half >= 0) {
		if (rule != NULL)
			*rule = "intervals overlap";
		return fabs(a->mean - b->mean) <= a->half + b->half;
	}
	if (a->mean < b->mean) {	/* the threshold is a share of the higher: symmetric */
		const struct estimate *t = a;

		a = b, b = t;
	}
	ca.reps = a->reps, ca.ips = a->mean, ca.se = a->se;
	cb.reps = b->reps, cb.ips = b->mean, cb.se = b->se;
	v = compare_verdict(&ca, &cb, TIE_PCT, &noise);
	if (rule != NULL)
		*rule = v == CMP_SE_SAME || v == CMP_SE_CHANGED ? "2 standard errors" :
		    "within 5%";
	return v == CMP_SE_SAME || v == CMP_PCT_SAME;
}

size_t
analysis_pick(const struct estimate *e, size_t n, size_t *top)
{
	size_t i, t = n;

	for (i = 0; e != NULL && i < n; i++)
		if (e[i].reps > 0 && isfinite(e[i].mean) && (t == n || e[i].mean > e[t].mean))
			t = i;
	if (top != NULL)
		*top = t;
	if (t == n)
		return n;
	for (i = 0; i < t; i++)
		if (analysis_tied(&e[i], &e[t], NULL) &&
		    e[i].mean >= e[t].mean * (1 - TIE_PCT / 100.0))
			return i;
	return t;
}

void
analysis_capacity(double ips, double images, double deadline_s, struct capacity *c)
{
	double m;

	if (c == NULL)
		return;
	c->per_day = c->hours = c->machines = 0;
	if (!(ips > 0) || !(images >= 0) || !(deadline_s > 0))
		return;
	c->per_day = ips * 86400;
	c->hours = images / ips / 3600;
	m = ceil(images / (ips * deadline_s) * (1 - CAPACITY_SLACK));
	c->machines = m >= 1 ? m : 1;
}

double
analysis_whatif(const struct usl *u, double old_r0_s, const struct bound_in *in,
    struct bound *b)
{
	struct bound local;
	struct usl w;
	double x;

	if (b == NULL)
		b = &local;
	analysis_bound(in, b);
	if (in == NULL)
		return 0;
	if (u == NULL || u->points == 0)
		return b->best;
	w = *u;
	/* lambda is one image in flight, 1 / R0: it scales inversely with the new R0. */
	if (old_r0_s > 0 && in->r0_s > 0)
		w.lambda = u->lambda * old_r0_s / in->r0_s;
	x = usl_predict(&w, in->in_flight);
	/* A NaN prediction (no usable in-flight count) leaves the bound. */
	return x < b->best ? x : b->best;
}

/* Appends to buf at *off; once a piece is cut, *off sits at the end and nothing more fits. */
static void
add(char *buf, size_t len, size_t *off, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (*off + 1 >= len)
		return;
	va_start(ap, fmt);
	n = vsnprintf(buf + *off, len - *off, fmt, ap);
	va_end(ap);
	if (n < 0) {
		buf[*off] = '\0';
		*off = len - 1;
	} else if ((size_t)n >= len - *off)
		*off = len - 1;
	else
		*off += (size_t)n;
}

/* A figure with three significant digits, but no exponent and no decimals from 100 up. */
static const char *
num(char *buf, size_t len, double v)
{
	snprintf(buf, len, fabs(v) >= 100 ? "%.0f" : "%.3g", v);
	return buf;
}

static void
why_share(const struct verdict_in *in, const struct verdict *v, char *buf, size_t len,
    size_t *off)
{
	char who[160];

	/* named once here; why_best then says "the baseline" */
	if (in->baseline != NULL)
		snprintf(who, sizeof(who), "the baseline, %s,", in->baseline);
	else
		snprintf(who, sizeof(who), "the sequential client");
	if (v->share_kind == VERDICT_UNKNOWN)
		add(buf, len, off, "%s's share of time on a CPU was not measured, so the rule "
		    "(CPU-bound from 50%% on a CPU) cannot decide", in->baseline != NULL ?
		    in->baseline : "the sequential client");
	else if (v->kind == VERDICT_MIXED)	/* the scaling evidence says otherwise: no "so" */
		add(buf, len, off, "%s was on a CPU %.1f%% of its wall time (%s the 50%% "
		    "line), which alone would read %s", who, 100 * in->seq_on_share,
		    v->share_kind == VERDICT_CPU ? "at or over" : "under",
		    analysis_verdict_name(v->share_kind));
	else
		add(buf, len, off, "%s was on a CPU %.1f%% of its wall time (%s the 50%% "
		    "line), so the time went to %s", who, 100 * in->seq_on_share,
		    v->share_kind == VERDICT_CPU ? "at or over" : "under",
		    v->share_kind == VERDICT_CPU ? "computing" : "waiting");
}

static void
why_best(const struct verdict_in *in, const struct verdict *v, char *buf, size_t len,
    size_t *off)
{
	if (!(in->best_ips > 0))
		return;
	add(buf, len, off, "; the best run");
	if (in->best_level > 0)
		add(buf, len, off, " (%g in flight)", in->best_level);
	add(buf, len, off, " made %.1f images/s", in->best_ips);
	if (v->speedup <= 0)
		return;
	/* Two decimals near the 1.2x and 1.5 x PUs lines, so 1.19 does not read as 1.2. */
	add(buf, len, off, v->speedup < 10 ? ", %.2fx %s" : ", %.1fx %s", v->speedup,
	    in->baseline != NULL ? "the baseline" : "sequential");
	if (v->speedup < 1.2) {
		add(buf, len, off, " (under 1.2x): throughput followed neither concurrency "
		    "nor cores");
		return;
	}
	if (!(in->client_pus > 0))
		return;
	add(buf, len, off, " on %g PU%s (%s 1.5 x %g): throughput followed %s",
	    in->client_pus, in->client_pus == 1 ? "" : "s",
	    v->followed == FOLLOWED_CONCURRENCY ? "more than" : "at most", in->client_pus,
	    v->followed == FOLLOWED_CONCURRENCY ? "concurrency, not cores" :
	    "cores, not concurrency");
}

static void
why_crossover(const struct verdict_in *in, const struct verdict *v, char *buf, size_t len,
    size_t *off)
{
	char a[32], r[32], x[32];

	if (v->crossover <= 0)
		return;
	/* "about": whole in-flight counts, a decimal only where it matters (under 10). */
	snprintf(a, sizeof(a), v->crossover >= 10 ? "%.0f" : "%.2g", v->crossover);
	num(r, sizeof(r), 1000 * in->r0_s);
	num(x, sizeof(x), in->cpu_bound_ips);
	if (v->crossover < 1)
		add(buf, len, off, "; the CPU is the limit from one in flight on (R0 %s ms x "
		    "CPU bound %s images/s = %s)", r, x, a);
	else
		add(buf, len, off, "; the CPU becomes the limit past about %s in flight (R0 %s "
		    "ms x CPU bound %s images/s)", a, r, x);
}

/*
 * The share and the scaling evidence disagree: both numbers again, side by side, so the
 * reader sees why neither word alone is the verdict.
 */
static void
why_mixed(const struct verdict_in *in, const struct verdict *v, char *buf, size_t len,
    size_t *off)
{
	if (v->kind != VERDICT_MIXED)
		return;
	add(buf, len, off, "; mixed: the share says %s (%.1f%% on a CPU) but throughput "
	    "followed %s (%.2fx on %g PU%s): one word alone would mislead",
	    analysis_verdict_name(v->share_kind), 100 * in->seq_on_share,
	    v->followed == FOLLOWED_CORES ? "cores" : "concurrency", v->speedup,
	    in->client_pus, in->client_pus == 1 ? "" : "s");
}
