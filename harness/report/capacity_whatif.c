/*
 * capacity_whatif.c: a model under new conditions (a longer one-way latency, a heavier CPU
 * stage), predicted at the level chosen for them: the run's bound inputs moved to each level
 * of 1, 2, 4, ... (in flight, CPU-stage threads, per-connection bandwidth), analysis_whatif
 * there, and the best level under the latency objective. See capacity.h. Only powers of 2
 * are searched, the steps the shipped scenarios' concurrency lists take, so that the level
 * chosen is one a bench is likely to have measured or to measure next.
 */
#include "capacity.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "models/model.h"

static double predict_at(const struct usl *u, const struct bound_in *base,
    const struct cap_scale *sc, unsigned level, const struct cap_whatif_in *in,
    struct bound_in *at, struct bound *b);

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
