/*
 * report.c: from result folders to the report's figures. See report.h. For each scenario it
 * picks the main client PU set, groups the runs by model in level order (in a rate sweep, a
 * level's closed-loop run, else its open-loop run with the most images/s), takes R0 from the
 * sequential run, derives each run's bound inputs from its measured costs (CPU seconds per
 * image of client, server and shaper; bytes per image; the scenario's bandwidth cap) and from
 * what the bench recorded of its model (in flight, CPU-stage threads: summary.csv), fits
 * the USL per model through gnuplot (weighed as the caller or the scenario's usl_fit key
 * asks), and applies the verdict rule.
 */
#include "report.h"

#include <hwloc.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "models/model.h"
#include "rs_dataset.h"

static int build_scenario(struct report_scenario *s, const struct rs_scenario *rs,
    const char *script, int usl_fit, char *err, size_t errlen);
static int pick_weight(struct report_scenario *s, int usl_fit, char *err, size_t errlen);
static void pick_main_set(struct report_scenario *s);
static void group_models(struct report_scenario *s);
static int same_level(struct report_model *m, const struct rs_run *r);
static void pick_best(const struct report_scenario *s, struct report_model *m);
static int in_runs(const struct report_model *m, const struct rs_run *r);
static void fit_model(struct report_model *m, const struct report_scenario *s,
    const char *script);
static void decide(struct report_scenario *s);
static double list_pus(const char *list, double all, const char *other);
static double per_image(double total, const struct rs_run *r);

int
report_build(struct report *rep, const char *dir, const char *home, int usl_fit, char *err,
    size_t errlen)
{
	char script[PATH_MAX];
	size_t i, j, seen;

	memset(rep, 0, sizeof(*rep));
	snprintf(rep->dir, sizeof(rep->dir), "%s", dir);
	snprintf(rep->home, sizeof(rep->home), "%s", home);
	snprintf(script, sizeof(script), "%s/plots/usl-fit.gp", home);
	if (resultset_load(&rep->rs, dir, err, errlen) < 0)
		return -1;
	if ((rep->sc = calloc(rep->rs.n, sizeof(*rep->sc))) == NULL) {
		snprintf(err, errlen, "%s: out of memory", dir);
		goto fail;
	}
	for (i = 0; i < rep->rs.n; i++) {
		rep->n = i + 1;
		for (seen = 1, j = 0; j < i; j++)
			seen += strcmp(rep->rs.sc[j].name, rep->rs.sc[i].name) == 0;
		snprintf(rep->sc[i].label, sizeof(rep->sc[i].label), seen > 1 ? "%s-%zu" : "%s",
		    rep->rs.sc[i].name, seen);
		if (build_scenario(&rep->sc[i], &rep->rs.sc[i], script, usl_fit, err,
		    errlen) < 0)
			goto fail;
		rep->sc[i].dataset = rs_dataset(&rep->rs.sc[i]);
	}
	return 0;
fail:
	report_free(rep);
	return -1;
}

void
report_free(struct report *rep)
{
	size_t i;

	for (i = 0; rep->sc != NULL && i < rep->n; i++) {
		free(rep->sc[i].bounds);
		free(rep->sc[i].bound_in);
		json_decref(rep->sc[i].dataset);
	}
	free(rep->sc);
	resultset_free(&rep->rs);
	memset(rep, 0, sizeof(*rep));
}

size_t
report_run_index(const struct report_scenario *s, const struct rs_run *r)
{
	return (size_t)(r - s->rs->runs);
}

void
report_bound_in(const struct report_scenario *s, const struct rs_run *r, struct bound_in *in)
{
	const struct rs_scenario *rs = s->rs;
	double machine = rs_meta_num(rs, "machine.pus"), pus = r->client_pus, both;
	double threads = r->v[RS_cpu_threads];
	double bw = rs_meta_num(rs, "scenario.bandwidth_mbit");
	double total_bw = rs_meta_num(rs, "scenario.total_bandwidth_mbit");
	const char *server = rs_meta_str(rs, "server.cpus");
	const struct rs_run *one;

	memset(in, 0, sizeof(*in));
	/* what the model is at this run, as the bench recorded it (NaN in older folders) */
	in->in_flight = r->v[RS_in_flight];
	in->parallel = threads > 0 ? fmin(threads, pus > 0 ? pus : threads) : NAN;
	/*
	 * R0: the model's own run at one in flight in this PU set (of the same repeat, so a
	 * noisy machine's repeats each meet their own), else the scenario's
	 */
	if ((one = rs_find_rep(rs, r->model, 1, r->tag, r->rep)) == NULL)
		one = rs_find(rs, r->model, 1, r->tag);
	in->r0_s = one != NULL && one->tr.e2e_ms > 0 ? one->tr.e2e_ms / 1e3 : s->r0_s;
	in->client_cpu_s = per_image(r->v[RS_model_cpu_s], r);
	in->server_cpu_s = per_image(r->v[RS_server_cpu_s], r);
	in->shaper_cpu_s = per_image(r->v[RS_shaper_cpu_s], r);
	in->server_pus = *server ? list_pus(server, machine, NULL) : -1;
	/* client, server and shaper compete for the union of their PUs when they share one */
	both = list_pus(r->client_cpus, machine, server);
	if (rs_meta_num(rs, "server.local") == 1 && *server &&
	    both < list_pus(r->client_cpus, machine, NULL) + in->server_pus)
		in->machine_pus = both;
	/* a cap holds each direction apart: the busier one is the limit */
	in->bytes_per_image = fmax(r->tr.bytes_in, r->tr.bytes_out);
	if (bw > 0)
		in->link_bytes_per_s = bw * 1e6 / 8 * in->in_flight;
	if (total_bw > 0 && (in->link_bytes_per_s <= 0 || total_bw * 1e6 / 8 <
	    in->link_bytes_per_s))
		in->link_bytes_per_s = total_bw * 1e6 / 8;
}

static int
build_scenario(struct report_scenario *s, const struct rs_scenario *rs, const char *script,
    int usl_fit, char *err, size_t errlen)
{
	size_t i;

	s->rs = rs;
	s->r0_s = -1;
	if (pick_weight(s, usl_fit, err, errlen) < 0)
		return -1;
	pick_main_set(s);
	group_models(s);
	if (s->seq != NULL && s->seq->tr.e2e_ms > 0)
		s->r0_s = s->seq->tr.e2e_ms / 1e3;
	else if (s->seq != NULL && s->seq->tr.rows == 0 && s->seq->v[RS_e2e_p50_ms] > 0)
		s->r0_s = s->seq->v[RS_e2e_p50_ms] / 1e3;
	if (rs->n_runs > 0 && ((s->bounds = calloc(rs->n_runs, sizeof(*s->bounds))) == NULL ||
	    (s->bound_in = calloc(rs->n_runs, sizeof(*s->bound_in))) == NULL)) {
		snprintf(err, errlen, "%s: out of memory", rs->dir);
		return -1;
	}
	for (i = 0; i < rs->n_runs; i++) {
		report_bound_in(s, &rs->runs[i], &s->bound_in[i]);
		analysis_bound(&s->bound_in[i], &s->bounds[i]);
	}
	for (i = 0; i < s->n_models; i++)
		fit_model(&s->models[i], s, script);
	decide(s);
	return 0;
}

/* The fits' weighting: the caller's, else the scenario's usl_fit key, else relative. */
static int
pick_weight(struct report_scenario *s, int usl_fit, char *err, size_t errlen)
{
	const char *key = rs_meta_str(s->rs, "scenario.usl_fit");

	s->usl_weight = USL_RELATIVE;
	s->usl_weight_from = "the default";
	if (usl_fit >= 0 && usl_weight_name((enum usl_weight)usl_fit) != NULL) {
		s->usl_weight = (enum usl_weight)usl_fit;
		s->usl_weight_from = "--usl-fit";
	} else if (*key != '\0') {
		if (usl_weight_parse(key, &s->usl_weight) < 0) {
			snprintf(err, errlen, "%s/meta.json: scenario.usl_fit '%s' is not relative "
			    "or ols", s->rs->dir, key);
			return -1;
		}
		s->usl_weight_from = "its usl_fit key";
	}
	return 0;
}

/* The client PU set with the most PUs (the first such) is the main one. */
static void
pick_main_set(struct report_scenario *s)
{
	const struct rs_scenario *rs = s->rs;
	size_t i, j;

	for (i = 0; i < rs->n_runs; i++) {	/* the fewest clients: 1 but in a merged run */
		if (s->main_clients == 0 || rs->runs[i].clients < s->main_clients)
			s->main_clients = rs->runs[i].clients;
		for (j = 0; j < i && rs->runs[j].clients != rs->runs[i].clients; j++)
			;
		s->n_clients += j == i;
		for (j = 0; j < i && rs->runs[j].rate != rs->runs[i].rate; j++)
			;
		s->n_rates += j == i && rs->runs[i].rate > 0;
	}
	for (i = 0; i < rs->n_runs; i++) {
		if (rs->runs[i].clients != s->main_clients)
			continue;	/* more clients: their own table (report_hosts.c) */
		for (j = 0; j < i && strcmp(rs->runs[j].tag, rs->runs[i].tag) != 0; j++)
			;
		if (j == i)
			s->n_tags++;
		if (s->main_tag[0] == '\0' || rs->runs[i].client_pus > s->main_pus) {
			snprintf(s->main_tag, sizeof(s->main_tag), "%s", rs->runs[i].tag);
			s->main_pus = rs->runs[i].client_pus;
		}
	}
}

/*
 * A run at a level m already has (a rate sweep runs each level once per rate): the level
 * keeps one run, closed loop before open, else the most images/s; 1 when r was such a run.
 */
static int
same_level(struct report_model *m, const struct rs_run *r)
{
	const struct rs_run **o;
	size_t j;

	for (j = 0; j < m->n_runs && m->runs[j]->level != r->level; j++)
		;
	if (j == m->n_runs)
		return 0;
	o = &m->runs[j];
	if ((r->rate == 0 && (*o)->rate > 0) || ((r->rate > 0) == ((*o)->rate > 0) &&
	    r->v[RS_images_per_s] > (*o)->v[RS_images_per_s]))
		*o = r;
	return 1;
}

/*
 * Models in the model table's order; their first-rep runs of the main set by level (one per
 * level: same_level).
 */
static void
group_models(struct report_scenario *s)
{
	const struct rs_scenario *rs = s->rs;
	const struct rs_run *r, *t;
	struct report_model *m;
	size_t i, k, j;

	for (k = 0; model_table[k] != NULL && s->n_models < REPORT_MAX_MODELS; k++) {
		m = &s->models[s->n_models];
		memset(m, 0, sizeof(*m));
		for (i = 0; i < rs->n_runs; i++) {
			r = &rs->runs[i];
			if (strcmp(r->model, model_table[k]->name) != 0 ||
			    r->clients != s->main_clients ||
			    strcmp(r->tag, s->main_tag) != 0 || r->rep > 1 ||
			    m->n_runs == REPORT_MAX_LEVELS)
				continue;
			if (same_level(m, r))
				continue;
			for (j = m->n_runs; j > 0 && m->runs[j - 1]->level > r->level; j--)
				m->runs[j] = m->runs[j - 1];
			m->runs[j] = r, m->n_runs++;
		}
		if (m->n_runs == 0)
			continue;
		pick_best(s, m);
		if (m->best == NULL)	/* no run with a rate: its figures print as unknown */
			m->best = m->runs[m->n_runs - 1];
		snprintf(m->name, sizeof(m->name), "%s", model_table[k]->name);
		m->mi = (int)k + 1;
		s->n_models++;
	}
	/* R0 comes from sequential, or else from any model's run at one in flight */
	for (i = 0; i < s->n_models && s->seq == NULL; i++)
		if (strcmp(s->models[i].name, "sequential") == 0)
			s->seq = s->models[i].runs[0];
	for (i = 0; i < s->n_models && s->seq == NULL; i++)
		if ((t = s->models[i].runs[0])->level == 1)
			s->seq = t;
}

/*
 * m's best run: the lowest level within noise of the highest mean images/s over repeats and
 * within 5% of it (analysis_pick), so that noise does not move the choice between runs.
 */
static void
pick_best(const struct report_scenario *s, struct report_model *m)
{
	struct estimate e[REPORT_MAX_LEVELS];
	size_t j, top;

	for (j = 0; j < m->n_runs; j++)
		report_estimate(s, m->runs[j], &e[j]);
	if ((j = analysis_pick(e, m->n_runs, &top)) < m->n_runs)
		m->best = m->runs[j];
}

/* Whether r is one of m's runs by level (an open-loop run stands for its level only then). */
static int
in_runs(const struct report_model *m, const struct rs_run *r)
{
	size_t j;

	for (j = 0; j < m->n_runs; j++)
		if (m->runs[j] == r)
			return 1;
	return 0;
}

static void
fit_model(struct report_model *m, const struct report_scenario *s, const char *script)
{
	double n[USL_MAX_POINTS], x[USL_MAX_POINTS];
	size_t i, k = 0, j;
	char err[160];

	m->recommended = m->best != NULL ? m->best->level : 1;
	for (i = 0; i < s->rs->n_runs && k < USL_MAX_POINTS; i++) {
		const struct rs_run *r = &s->rs->runs[i];

		if (strcmp(r->model, m->name) == 0 && strcmp(r->tag, s->main_tag) == 0 &&
		    r->clients == s->main_clients && r->v[RS_images_per_s] > 0 &&
		    (r->rate == 0 || in_runs(m, r)))
			n[k] = r->level, x[k++] = r->v[RS_images_per_s];
	}
	for (i = 1, j = 0; i < k; i++)
		j += n[i] != n[0];
	if (j == 0) {
		snprintf(m->usl_why, sizeof(m->usl_why), "one level only");
		return;
	}
	if (usl_fit(n, x, k, script, s->usl_weight, &m->usl, err, sizeof(err)) < 0) {
		snprintf(m->usl_why, sizeof(m->usl_why), "%s", strncmp(err, "usl: ", 5) == 0 ?
		    err + 5 : err);
		return;
	}
	m->usl_ok = 1;
	m->recommended = usl_recommend(&m->usl, 0.95, m->runs[m->n_runs - 1]->level);
}

/* The verdict: the sequential run's CPU share, the best run, and the CPU bound at full width. */
static void
decide(struct report_scenario *s)
{
	const struct rs_run *best = NULL, *r;
	struct verdict_in in;
	char base[64];
	struct bound_in bi;
	struct bound b;
	size_t i;

	for (i = 0; i < s->n_models; i++)
		if ((r = s->models[i].best) != NULL && isfinite(report_ips(s, r)) &&
		    (best == NULL || report_ips(s, r) > report_ips(s, best)))
			best = r;	/* by the mean of repeats, as the summary ranks them */
	memset(&in, 0, sizeof(in));
	in.seq_on_share = s->seq != NULL && s->seq->v[RS_model_cpu_pct] >= 0 ?
	    s->seq->v[RS_model_cpu_pct] / 100 : -1;
	in.seq_ips = s->seq != NULL ? report_ips(s, s->seq) : 0;
	if (s->seq != NULL && strcmp(s->seq->model, "sequential") != 0) {
		snprintf(base, sizeof(base), "%s at 1 in flight (sequential did not run)",
		    s->seq->model);
		in.baseline = base;
	}
	in.r0_s = s->r0_s;
	if (best != NULL) {
		in.best_ips = report_ips(s, best);
		in.best_level = best->level;
		in.client_pus = best->client_pus;
		bi = s->bound_in[report_run_index(s, best)];
		bi.parallel = best->client_pus;
		bi.r0_s = -1;
		bi.link_bytes_per_s = -1;
		analysis_bound(&bi, &b);
		in.cpu_bound_ips = isfinite(b.best) ? b.best : 0;
	}
	analysis_verdict(&in, &s->verdict);
}

/* PUs in list ("all": the machine's), or in its union with other when other is not NULL. */
static double
list_pus(const char *list, double all, const char *other)
{
	hwloc_bitmap_t a, b;
	double n = -1;

	if (strcmp(list, "all") == 0 || *list == '\0' ||
	    (other != NULL && (strcmp(other, "all") == 0 || *other == '\0')))
		return all;
	a = hwloc_bitmap_alloc(), b = hwloc_bitmap_alloc();
	if (a != NULL && b != NULL && hwloc_bitmap_list_sscanf(a, list) == 0 &&
	    (other == NULL || hwloc_bitmap_list_sscanf(b, other) == 0)) {
		if (other != NULL)
			hwloc_bitmap_or(a, a, b);
		n = hwloc_bitmap_weight(a);
	}
	hwloc_bitmap_free(a);
	hwloc_bitmap_free(b);
	return n;
}

/* CPU seconds per image of a run: its total over the images it finished; -1 unknown. */
static double
per_image(double total, const struct rs_run *r)
{
	double images = r->v[RS_images];

	return total >= 0 && images > 0 ? total / images : -1;
}

void
report_estimate(const struct report_scenario *s, const struct rs_run *r, struct estimate *e)
{
	double x[64];
	size_t n = rs_reps(s->rs, r, x, 64);

	analysis_estimate(x, n < 64 ? n : 64, r->tr.ips_se, e);
}

double
report_ips(const struct report_scenario *s, const struct rs_run *r)
{
	struct estimate e;

	if (r == NULL)
		return NAN;
	report_estimate(s, r, &e);
	return e.reps > 0 ? e.mean : r->v[RS_images_per_s];
}
