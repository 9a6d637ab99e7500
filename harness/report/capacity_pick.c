/*
 * capacity_pick.c: what a plan takes from result folders: a model's settings (its runs by
 * level and offered rate, repeats averaged), the best of them under a latency objective, the
 * nearest to a level, requests per image from the trace, and the latency a scenario added.
 * See capacity.h. The open-loop columns (offered_per_s, resp_p99_ms) are read from
 * summary.csv by name, so folders written before they existed read as closed loop.
 */
#include "capacity.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness/results/netmeta.h"

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

double
capacity_other_cores(const struct rs_scenario *s, const struct rs_run *r)
{
	double pus = rs_meta_num(s, "machine.pus"), idle = r->v[RS_sys_idle_pct];
	double io = r->v[RS_sys_iowait_pct], ours = r->v[RS_model_cpu_pct];
	double srv = r->v[RS_server_cpu_pct], shp = r->v[RS_shaper_cpu_pct];

	if (!(pus > 0) || !(idle >= 0) || !(ours >= 0))
		return NAN;
	/* a party the run did not have (no shaper, a remote server) leaves a blank: none */
	ours += (srv >= 0 ? srv : 0) + (shp >= 0 ? shp : 0);
	return fmax(0, (100 - idle - (io >= 0 ? io : 0)) / 100 * pus - ours / 100);
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
