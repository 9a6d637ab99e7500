/*
 * capacity_pick.c: what a plan takes from result folders: a model's settings (its runs by
 * level and offered rate, repeats averaged), the best of them under a latency objective,
 * requests per image from the trace, and the what-if's choice of level under new conditions.
 * See capacity.h. The open-loop columns (offered_per_s, resp_p99_ms) are read from
 * summary.csv by name, so folders written before they existed read as closed loop.
 */
#include "capacity.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness/results/netmeta.h"
#include "models/model.h"

/* The open-loop cells of summary.csv, one per run (rows and runs are in the same order). */
struct open_ctx {
	double *offered, *resp;
	size_t n, max;
};

/* The sums of a run's request counts over its trace rows. */
struct req_ctx {
	double gets, puts;
	size_t rows;
};

static int open_row(const struct rs_row *row, void *arg);
static int req_row(const struct rs_row *row, void *arg);
static int same_setting(const struct cap_setting *c, unsigned level, double offered);
static void add_run(struct cap_setting *c, const struct rs_run *r, double offered,
    double resp);
static int by_level(const void *a, const void *b);
static double predict_at(const struct usl *u, const struct bound_in *base,
    const struct cap_scale *sc, unsigned level, const struct cap_whatif_in *in,
    struct bound_in *at, struct bound *b);

int
capacity_settings(const struct rs_scenario *s, const char *model, const char *tag,
    unsigned clients, struct cap_setting *set, size_t max, char *err, size_t errlen)
{
	struct open_ctx oc = { NULL, NULL, 0, s->n_runs };
	const struct rs_run *r;
	size_t i, k, n = 0;
	int rv = -1;

	if (s->n_runs > 0 && ((oc.offered = calloc(s->n_runs, sizeof(double))) == NULL ||
	    (oc.resp = calloc(s->n_runs, sizeof(double))) == NULL)) {
		snprintf(err, errlen, "%s: out of memory", s->dir);
		goto out;
	}
	if (rs_each(s, NULL, "summary.csv", open_row, &oc, err, errlen) < 0)
		goto out;
	for (i = 0; i < s->n_runs; i++) {
		r = &s->runs[i];
		if (strcmp(r->model, model) != 0 || (tag != NULL && strcmp(r->tag, tag) != 0) ||
		    (clients > 0 && r->clients != clients) || strcmp(r->status, "ok") != 0 ||
		    !(r->v[RS_images_per_s] > 0) || !isfinite(r->v[RS_images_per_s]))
			continue;
		for (k = 0; k < n && !same_setting(&set[k], r->level, oc.offered[i]); k++)
			;
		if (k == n && n == max)
			continue;	/* more settings than the caller keeps */
		if (k == n) {
			memset(&set[n], 0, sizeof(set[n]));
			set[n].level = r->level, set[n].offered = oc.offered[i];
			set[n].p99_ms = NAN, n++;
		}
		add_run(&set[k], r, oc.offered[i], oc.resp[i]);
	}
	for (k = 0; k < n; k++)
		set[k].ips /= set[k].reps;
	qsort(set, n, sizeof(*set), by_level);
	rv = (int)n;
out:
	free(oc.offered);
	free(oc.resp);
	return rv;
}

const struct cap_setting *
capacity_best(const struct cap_setting *set, size_t n, double slo_ms, double *best_p99)
{
	const struct cap_setting *best = NULL;
	size_t k;

	if (best_p99 != NULL)
		*best_p99 = NAN;
	for (k = 0; k < n; k++) {
		if (best_p99 != NULL && set[k].p99_ms >= 0 &&
		    (isnan(*best_p99) || set[k].p99_ms < *best_p99))
			*best_p99 = set[k].p99_ms;
		/* an objective is met only by a p99 that was measured */
		if (slo_ms > 0 && !(set[k].p99_ms <= slo_ms))
			continue;
		if (best == NULL || set[k].ips > best->ips)
			best = &set[k];
	}
	return best;
}

const struct cap_setting *
capacity_nearest(const struct cap_setting *set, size_t n, unsigned level)
{
	const struct cap_setting *best = NULL;
	double d, bd = INFINITY;
	size_t k;

	for (k = 0; k < n; k++) {
		if (set[k].level == 0 || level == 0)
			continue;
		d = fabs(log((double)set[k].level / level));
		/* a tie (2 and 8 around 4) goes to the lower level */
		if (d < bd - 1e-12 || (d <= bd + 1e-12 && set[k].level < best->level))
			bd = fmin(d, bd), best = &set[k];
	}
	return best;
}

int
capacity_requests(const struct rs_scenario *s, const struct rs_run *r, double *gets,
    double *puts)
{
	struct req_ctx c = { 0, 0, 0 };
	char err[256];

	*gets = *puts = -1;
	if (r == NULL || rs_each(s, r, "trace.csv", req_row, &c, err, sizeof(err)) < 0 ||
	    c.rows == 0)
		return -1;
	*gets = c.gets / (double)c.rows;
	*puts = c.puts / (double)c.rows;
	return 0;
}

void
capacity_bound_at(const struct bound_in *base, const struct cap_scale *sc, unsigned level,
    struct bound_in *out)
{
	double n = level;

	*out = *base;
	if (sc->max_in_flight > 0 && n > sc->max_in_flight)
		n = sc->max_in_flight;
	out->in_flight = n;
	if (sc->threads_follow)
		out->parallel = sc->pus > 0 ? fmin(n, sc->pus) : n;
	/* a per-connection cap grows with the connections, up to the total one */
	out->link_bytes_per_s = sc->link_each > 0 ? sc->link_each * n : -1;
	if (sc->link_total > 0 && (out->link_bytes_per_s <= 0 ||
	    sc->link_total < out->link_bytes_per_s))
		out->link_bytes_per_s = sc->link_total;
}

void
capacity_choose(const struct usl *u, const struct bound_in *base, const struct cap_scale *sc,
    unsigned cap, const struct cap_whatif_in *in, struct cap_whatif *w)
{
	struct bound_in at;
	struct bound b;
	double x, best = 0, lat, best_lat = INFINITY;
	unsigned level, fast = 1;
	int any = 0;

	memset(w, 0, sizeof(*w));
	w->old_r0_s = base->r0_s;
	w->r0_s = base->r0_s > 0 ? base->r0_s + in->add_r0_s : -1;
	w->cap = cap >= 1 && cap <= CAPACITY_MAX_LEVEL ? cap : CAPACITY_MAX_LEVEL;
	/* first the best rate among the levels that meet the objective */
	for (level = 1; level <= w->cap; level *= 2) {
		x = predict_at(u, base, sc, level, in, &at, &b);
		lat = x > 0 ? 1e3 * at.in_flight / x : INFINITY;
		if (lat < best_lat)
			best_lat = lat, fast = level;
		if (in->slo_ms > 0 && !(lat <= in->slo_ms))
			continue;
		if (x > best)
			best = x;
		any = 1;
	}
	w->meets = any;
	/* then the lowest level within the tolerance of it: more in flight buys nothing */
	for (level = 1; any && level <= w->cap; level *= 2) {
		x = predict_at(u, base, sc, level, in, &at, &b);
		lat = x > 0 ? 1e3 * at.in_flight / x : INFINITY;
		if ((in->slo_ms <= 0 || lat <= in->slo_ms) && x >= best * (1 - CAPACITY_LEVEL_TOL))
			break;
	}
	w->level = any ? level : fast;
	x = predict_at(u, base, sc, w->level, in, &at, &w->b);
	w->in_flight = at.in_flight;
	w->ips = x > 0 && isfinite(x) ? x : 0;
	w->mean_ms = w->ips > 0 ? 1e3 * at.in_flight / w->ips : -1;
	w->from_fit = u != NULL && u->points > 0 && x < w->b.best;
}

void
capacity_scale(const struct report_scenario *s, const struct rs_run *r, struct cap_scale *sc)
{
	const struct model *m = model_find(r->model);
	double bw = rs_meta_num(s->rs, "scenario.bandwidth_mbit");
	double total = rs_meta_num(s->rs, "scenario.total_bandwidth_mbit");
	double flight = r->v[RS_in_flight], threads = r->v[RS_cpu_threads];

	memset(sc, 0, sizeof(*sc));
	sc->max_in_flight = m != NULL ? m->max_concurrency : 0;
	/* one thread per request (pthreads, forkpool) unless a global lock held it to one */
	sc->threads_follow = m != NULL && !m->shared_io_thread && !m->uses_workers &&
	    (!(flight > 1) || threads == flight);
	sc->pus = r->client_pus;
	sc->link_each = bw > 0 ? bw * 1e6 / 8 : -1;
	sc->link_total = total > 0 ? total * 1e6 / 8 : -1;
}

void
capacity_whatif(const struct report_scenario *s, const struct report_model *m,
    const struct rs_run *base, const struct cap_whatif_in *in, struct cap_whatif *w)
{
	struct bound_in bi;
	struct cap_scale sc;
	const struct model *mt = model_find(m->name);
	unsigned cap = CAPACITY_MAX_LEVEL;

	report_bound_in(s, base, &bi);
	capacity_scale(s, base, &sc);
	if (mt != NULL && mt->max_concurrency > 0 && mt->max_concurrency < cap)
		cap = mt->max_concurrency;
	capacity_choose(m->usl_ok ? &m->usl : NULL, &bi, &sc, cap, in, w);
}

double
capacity_latency_ms(const struct rs_scenario *s)
{
	struct netmeta nm;
	double v;

	netmeta_read(s->meta, &nm);
	v = nm.recorded ? nm.added_ms : rs_meta_num(s, "scenario.latency_ms");
	return v >= 0 ? v : 0;
}

/* The rate at level: the fit (lambda rescaled when asked) capped by the bounds there. */
static double
predict_at(const struct usl *u, const struct bound_in *base, const struct cap_scale *sc,
    unsigned level, const struct cap_whatif_in *in, struct bound_in *at, struct bound *b)
{
	double old_r0 = base->r0_s;

	capacity_bound_at(base, sc, level, at);
	if (at->r0_s > 0)
		at->r0_s += in->add_r0_s;
	if (in->add_cpu_s > 0)
		at->client_cpu_s = (at->client_cpu_s > 0 ? at->client_cpu_s : 0) + in->add_cpu_s;
	/* analysis_whatif rescales lambda by old R0 / new R0: the same R0 keeps it */
	return analysis_whatif(u, in->rescale ? old_r0 : at->r0_s, at, b);
}

static int
open_row(const struct rs_row *row, void *arg)
{
	struct open_ctx *c = arg;

	if (c->n == c->max)
		return 0;
	c->offered[c->n] = rs_num(row, "offered_per_s");
	c->resp[c->n++] = rs_num(row, "resp_p99_ms");
	return 0;
}

static int
req_row(const struct rs_row *row, void *arg)
{
	struct req_ctx *c = arg;
	double g = rs_num(row, "get_attempts"), p = rs_num(row, "put_attempts");

	if (g >= 0 && p >= 0)
		c->gets += g, c->puts += p, c->rows++;
	return 0;
}

/* The same level and offered rate (NaN, closed loop, equal to NaN). */
static int
same_setting(const struct cap_setting *c, unsigned level, double offered)
{
	return c->level == level && (isnan(c->offered) ? isnan(offered) :
	    fabs(c->offered - offered) <= 1e-9 * fmax(1, fabs(offered)));
}

static void
add_run(struct cap_setting *c, const struct rs_run *r, double offered, double resp)
{
	double p99 = r->v[RS_e2e_p99_ms];

	(void)offered;
	if (resp >= 0)		/* an open-loop run: the latency from schedule */
		p99 = resp, c->p99_resp = 1;
	if (p99 >= 0 && (isnan(c->p99_ms) || p99 > c->p99_ms))
		c->p99_ms = p99;
	if (c->run == NULL)
		c->run = r;
	c->ips += r->v[RS_images_per_s];
	c->reps++;
}

static int
by_level(const void *a, const void *b)
{
	const struct cap_setting *x = a, *y = b;

	if (x->level != y->level)
		return x->level < y->level ? -1 : 1;
	if (isnan(x->offered) || isnan(y->offered))
		return isnan(x->offered) - isnan(y->offered);
	return (x->offered > y->offered) - (x->offered < y->offered);
}
