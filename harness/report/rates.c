/*
 * rates.c: the rate sweep's rules and its runs by model and level. See rates.h. The rules
 * take plain points, so a unit test feeds them hand-made rows; the runs are looked up in the
 * scenario's summary rows, a few dozen, by a linear scan.
 */
#include "rates.h"

#include <math.h>
#include <string.h>

static int run_of(const struct report_scenario *s, const struct rs_run *r, const char *model);

int
rates_sustained(const struct rs_run *r)
{
	return r != NULL && r->rate > 0 && (strcmp(r->status, "ok") == 0 ||
	    strcmp(r->status, "failed_keys") == 0) && r->v[RS_sustained] != 0;
}

int
rates_kept(const struct rs_run *r)
{
	return rates_sustained(r) && r->v[RS_images_per_s] >= RATES_KNEE_SHARE * r->rate;
}

void
rates_point(const struct rs_run *r, struct rate_point *p)
{
	p->offered = r->rate;
	p->achieved = r->v[RS_images_per_s];
	p->sustained = rates_sustained(r);
	p->resp_p99_ms = r->v[RS_resp_p99_ms];
}

int
rates_knee(const struct rate_point *p, size_t n)
{
	size_t i;
	int k = -1;

	for (i = 0; p != NULL && i < n; i++)
		if (p[i].sustained && p[i].offered > 0 && p[i].achieved >= RATES_KNEE_SHARE *
		    p[i].offered && (k < 0 || p[i].offered > p[k].offered))
			k = (int)i;
	return k;
}

int
rates_slo(const struct rate_point *p, size_t n, double slo_ms)
{
	size_t i;
	int k = -1;

	if (!(slo_ms > 0))
		return -1;
	for (i = 0; p != NULL && i < n; i++)
		if (p[i].sustained && p[i].offered > 0 && p[i].resp_p99_ms >= 0 &&
		    p[i].resp_p99_ms <= slo_ms && (k < 0 || p[i].offered > p[k].offered))
			k = (int)i;
	return k;
}

/* r is an open-loop run of model in s's main PU set and client count. */
static int
run_of(const struct report_scenario *s, const struct rs_run *r, const char *model)
{
	return r->rate > 0 && strcmp(r->model, model) == 0 &&
	    strcmp(r->tag, s->main_tag) == 0 && r->clients == s->main_clients;
}

size_t
rates_runs(const struct report_scenario *s, const char *model, unsigned level,
    const struct rs_run **out, size_t max)
{
	const struct rs_run *r;
	size_t i, j, n = 0;

	for (i = 0; i < s->rs->n_runs && n < max; i++) {
		r = &s->rs->runs[i];
		if (!run_of(s, r, model) || r->level != level)
			continue;
		for (j = n; j > 0 && (out[j - 1]->rate > r->rate ||
		    (out[j - 1]->rate == r->rate && out[j - 1]->rep > r->rep)); j--)
			out[j] = out[j - 1];
		out[j] = r, n++;
	}
	return n;
}

size_t
rates_levels(const struct report_scenario *s, const char *model, unsigned *out, size_t max)
{
	const struct rs_run *r;
	size_t i, j, n = 0;

	for (i = 0; i < s->rs->n_runs && n < max; i++) {
		r = &s->rs->runs[i];
		if (!run_of(s, r, model))
			continue;
		for (j = 0; j < n && out[j] != r->level; j++)
			;
		if (j < n)
			continue;
		for (j = n; j > 0 && out[j - 1] > r->level; j--)
			out[j] = out[j - 1];
		out[j] = r->level, n++;
	}
	return n;
}
