/*
 * report_summary.c: the report's settings section (what each scenario ran, from its
 * meta.json), its summary table (each model's best level: images/s as the mean of the
 * level's repeats with a 95% interval, CPU in percent of a core and per image, peak RSS,
 * machine and server CPU, latencies, errors; the best model and those tied with it by
 * analysis.h's rule; the levels passed over for a lower one within noise) and the CPU
 * breakdown (the share of its threads' time each model spent on a CPU, beside its CPU in
 * percent of a core). Called by report_md.c in its order of sections.
 */
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report.h"
#include "report_out.h"

static void settings_json(json_t *j, const char *key, json_t *v);
static const char *latency(char *buf, size_t len, const struct rs_scenario *rs);
static void summary_row(struct report_out *o, const struct report_scenario *s,
    const struct report_model *m, const struct estimate *e, const struct estimate *top,
    double base, json_t *arr);
static void picked(struct report_out *o, const struct report *rep);
enum rep_how { REP_MEAN, REP_MAX, REP_SUM };
static double over_reps(const struct report_scenario *s, const struct rs_run *b,
    enum rs_col c, enum rep_how how);

/*
 * What each scenario ran: its scenario keys, dataset, endpoint, added latency, machine,
 * versions and commit, from its meta.json; report.json's "settings".
 */
void
report_settings(struct report_out *o, const struct report *rep)
{
	static const char *const keys[] = { "scenario", "dataset", "endpoint", "server",
		"machine", "versions" };
	const struct rs_scenario *rs;
	json_t *arr = json_array(), *j, *v, *sc;
	const char *k;
	char line[320], line2[64];
	size_t i, n;

	report_out_section(o, "Settings");
	fprintf(o->md, "What each scenario ran, from its meta.json. The same settings, in one "
	    "line, are under each of its figures.\n");
	for (i = 0; i < rep->n; i++) {
		rs = rep->sc[i].rs;
		fprintf(o->md, "\n**%s** (%s):\n\n", rep->sc[i].label,
		    report_caption(&rep->sc[i], line, sizeof(line)));
		fprintf(o->md, "- scenario keys: ");
		n = 0;
		json_object_foreach((sc = rs_meta(rs, "scenario")), k, v) {
			char *t = json_dumps(v, JSON_ENCODE_ANY | JSON_COMPACT |
			    JSON_REAL_PRECISION(6));

			fprintf(o->md, "%s`%s=%s`", n++ ? ", " : "", k, t != NULL ? t : "?");
			free(t);
		}
		fprintf(o->md, "%s\n", n ? "" : "not recorded");
		fprintf(o->md, "- profile `%s`, dataset `%s`; endpoint %s; added latency %s\n", *rs_meta_str(rs, "dataset.profile") ? rs_meta_str(rs,
		    "dataset.profile") : "-", *rs_meta_str(rs, "dataset.uri") ? rs_meta_str(rs,
		    "dataset.uri") : *rs_meta_str(rs, "dataset.source") ? rs_meta_str(rs,
		    "dataset.source") : "-", *rs_meta_str(rs, "endpoint") ? rs_meta_str(rs,
		    "endpoint") : "not recorded", latency(line2, sizeof(line2), rs));
		fprintf(o->md, "- machine: %s, %s PUs (%s cores), Linux %s\n",
		    *rs_meta_str(rs, "machine.cpu_model") ? rs_meta_str(rs, "machine.cpu_model") :
		    "not recorded", report_num(o, rs_meta_num(rs, "machine.pus"), 0),
		    report_num(o, rs_meta_num(rs, "machine.cores"), 0),
		    *rs_meta_str(rs, "machine.os.release") ? rs_meta_str(rs,
		    "machine.os.release") : "-");
		fprintf(o->md, "- versions: ");
		n = 0;
		json_object_foreach(rs_meta(rs, "versions"), k, v)
			if (json_is_string(v) && strcmp(k, "git_commit") != 0)
				fprintf(o->md, "%s%s %s", n++ ? ", " : "", k, json_string_value(v));
		fprintf(o->md, "%s; commit %s\n", n ? "" : "not recorded",
		    *rs_meta_str(rs, "versions.git_commit") ? rs_meta_str(rs,
		    "versions.git_commit") : "not recorded");
		j = json_pack("{s:s,s:s}", "scenario", rep->sc[i].label, "caption", line);
		for (n = 0; n < sizeof(keys) / sizeof(keys[0]); n++)
			settings_json(j, keys[n], rs_meta(rs, keys[n]));
		json_array_append_new(arr, j);
	}
	json_object_set_new(o->js, "settings", arr);
}

/* "20 ms one-way", or "not recorded". */
static const char *
latency(char *buf, size_t len, const struct rs_scenario *rs)
{
	double ms = rs_meta_num(rs, "scenario.latency_ms");

	snprintf(buf, len, isfinite(ms) ? "%g ms one-way" : "not recorded", ms);
	return buf;
}

/* j[key] = a copy of v, or null when absent. */
static void
settings_json(json_t *j, const char *key, json_t *v)
{
	json_object_set_new(j, key, v != NULL ? json_deep_copy(v) : json_null());
}

void
report_summary(struct report_out *o, const struct report *rep)
{
	struct estimate e[REPORT_MAX_MODELS];
	const struct report_scenario *s;
	json_t *arr = json_array();
	size_t i, k, top;
	double base;

	report_out_section(o, "Summary: every model at its best level");
	fprintf(o->md, "Each model's best level in each scenario: the lowest level whose "
	    "images/s is within noise of the model's highest and within 5%% of it, so that "
	    "noise does not move the choice along a plateau from one run to the next (the "
	    "levels passed over are listed under the table). Images/s is the mean of the "
	    "level's repeats, with a 95%% interval (Student t) when it has several; so is "
	    "every other figure of the row (p50 and p99 the means of the repeats' "
	    "percentiles, CPU ms per image over all their images, peak RSS their largest, "
	    "errors their sum). Client and server CPU are in percent of one core (100%% = "
	    "one core busy; their CPU seconds over wall seconds), CPU ms per image is the "
	    "client's CPU seconds over its images, peak RSS the client's largest resident set, "
	    "machine CPU the share of all the machine's PUs that were busy. "
	    "*Tied*: within noise of the scenario's best model; the rule: when both are "
	    "repeated, their 95%% intervals overlap, else `exifbench compare`'s noise rule "
	    "(within 2 standard errors of the per-second throughput, or within 5%% when a "
	    "run is too short for one). The speedup is over the scenario's baseline "
	    "(sequential, else a model at one in flight, named). The share of its threads' "
	    "time each client spent on a CPU is in the CPU breakdown below.\n\n");
	fprintf(o->md, "| scenario | model | in flight | images/s | 95%% interval | vs baseline "
	    "| p50 ms | p99 ms | client CPU, %% of a core | CPU ms per image | peak RSS MiB "
	    "| machine CPU | server CPU, %% of a core | errors | best |\n");
	fprintf(o->md, "|---|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|---|\n");
	for (i = 0; i < rep->n; i++) {
		s = &rep->sc[i];
		base = NAN;	/* the baseline's mean over its repeats, like each row's */
		if (s->seq != NULL) {
			report_estimate(s, s->seq, &e[0]);
			base = e[0].reps > 0 ? e[0].mean : NAN;
		}
		for (k = 0; k < s->n_models; k++)
			report_estimate(s, s->models[k].best, &e[k]);
		analysis_pick(e, s->n_models, &top);
		for (k = 0; k < s->n_models; k++)
			summary_row(o, s, &s->models[k], &e[k], top < s->n_models ? &e[top] :
			    NULL, base, arr);
	}
	json_object_set_new(o->js, "summary", arr);
	for (i = 0; i < rep->n; i++)
		if ((s = &rep->sc[i])->seq != NULL && strcmp(s->seq->model, "sequential") != 0)
			fprintf(o->md, "\n`%s`: sequential did not run; its speedups are over "
			    "%s at %u in flight.\n", s->label, s->seq->model, s->seq->level);
	picked(o, rep);
}

/*
 * Column c over the repeats of b's setting (NaN and negative cells skipped): their mean,
 * largest or sum; b's own cell when none has one.
 */
static double
over_reps(const struct report_scenario *s, const struct rs_run *b, enum rs_col c,
    enum rep_how how)
{
	double x[64], acc = 0;
	size_t n = rs_reps_col(s->rs, b, c, x, 64), i, k = 0;

	for (i = 0; i < n && i < 64; i++) {
		if (!(x[i] >= 0))
			continue;
		acc = how == REP_MAX ? (k == 0 || x[i] > acc ? x[i] : acc) : acc + x[i];
		k++;
	}
	if (k == 0)
		return b->v[c];
	return how == REP_MEAN ? acc / (double)k : acc;
}

/* Model m's summary row: its best run b, e its estimate, top the scenario's best. */
static void
summary_row(struct report_out *o, const struct report_scenario *s,
    const struct report_model *m, const struct estimate *e, const struct estimate *top,
    double base, json_t *arr)
{
	const struct rs_run *b = m->best;
	double v[RS_NCOL], cpu_ms, busy;
	const char *rule = "", *mark;
	json_t *j;
	int tied;

	memcpy(v, b->v, sizeof(v));
	/* every figure of the row over the level's repeats, as images/s is */
	v[RS_e2e_p50_ms] = over_reps(s, b, RS_e2e_p50_ms, REP_MEAN);
	v[RS_e2e_p99_ms] = over_reps(s, b, RS_e2e_p99_ms, REP_MEAN);
	v[RS_model_cpu_pct] = over_reps(s, b, RS_model_cpu_pct, REP_MEAN);
	v[RS_server_cpu_pct] = over_reps(s, b, RS_server_cpu_pct, REP_MEAN);
	v[RS_sys_idle_pct] = over_reps(s, b, RS_sys_idle_pct, REP_MEAN);
	v[RS_sys_iowait_pct] = over_reps(s, b, RS_sys_iowait_pct, REP_MEAN);
	v[RS_model_max_rss_kib] = over_reps(s, b, RS_model_max_rss_kib, REP_MAX);
	v[RS_errors] = over_reps(s, b, RS_errors, REP_SUM);
	v[RS_model_cpu_s] = over_reps(s, b, RS_model_cpu_s, REP_SUM);
	v[RS_images] = over_reps(s, b, RS_images, REP_SUM);
	cpu_ms = v[RS_images] > 0 ? 1e3 * v[RS_model_cpu_s] / v[RS_images] : NAN;
	busy = 100 - v[RS_sys_idle_pct] - (v[RS_sys_iowait_pct] > 0 ? v[RS_sys_iowait_pct] : 0);
	tied = top != NULL && top != e && analysis_tied(e, top, &rule);
	mark = top == e ? "**best**" : tied ? "tied" : "";
	fprintf(o->md, "| %s | %s | %u | %s | ", s->label, m->name, b->level,
	    report_num(o, e->mean, 1));
	if (e->half >= 0)
		fprintf(o->md, "± %s (%u runs) | ", report_num(o, e->half, 1), e->reps);
	else
		fprintf(o->md, "- (1 run) | ");
	fprintf(o->md, "%sx | ", report_num(o, e->mean / base, 1));
	fprintf(o->md, "%s | ", report_num(o, v[RS_e2e_p50_ms], 0));
	fprintf(o->md, "%s | ", report_num(o, v[RS_e2e_p99_ms], 0));
	fprintf(o->md, "%s%% | ", report_num(o, v[RS_model_cpu_pct], -1));
	fprintf(o->md, "%s | ", report_num(o, cpu_ms, cpu_ms < 10 ? 2 : 1));
	fprintf(o->md, "%s | ", report_num(o, v[RS_model_max_rss_kib] / 1024, 1));
	fprintf(o->md, "%s%% | ", report_num(o, busy, -1));
	fprintf(o->md, "%s%% | ", report_num(o, v[RS_server_cpu_pct], -1));
	fprintf(o->md, "%s | %s%s%s%s |\n", report_num(o, v[RS_errors], 0), mark,
	    tied ? " (" : "", tied ? rule : "", tied ? ")" : "");
	j = report_run_json(b);
	json_object_set_new(j, "scenario", json_string(s->label));
	json_object_set_new(j, "images_per_s", report_jnum(e->mean));
	json_object_set_new(j, "reps", json_integer(e->reps));
	json_object_set_new(j, "ci95_half", report_jnum(e->half));
	json_object_set_new(j, "speedup", report_jnum(e->mean / base));
	json_object_set_new(j, "baseline", json_string(s->seq == NULL ? "none" :
	    s->seq->model));
	json_object_set_new(j, "client_cpu_pct", report_jnum(v[RS_model_cpu_pct]));
	json_object_set_new(j, "cpu_ms_per_image", report_jnum(cpu_ms));
	json_object_set_new(j, "peak_rss_kib", report_jnum(v[RS_model_max_rss_kib]));
	json_object_set_new(j, "machine_cpu_pct", report_jnum(busy));
	json_object_set_new(j, "best", json_boolean(top == e));
	json_object_set_new(j, "tied", json_boolean(tied));
	if (tied)
		json_object_set_new(j, "tie_rule", json_string(rule));
	json_array_append_new(arr, j);
}

/*
 * Where a model's best level is not its highest rate: which level made the most, and by
 * which rule the lower one is as good.
 */
static void
picked(struct report_out *o, const struct report *rep)
{
	const struct report_scenario *s;
	const struct report_model *m;
	struct estimate e[REPORT_MAX_LEVELS];
	const char *rule;
	size_t i, k, l, top, j, n = 0;

	for (i = 0; i < rep->n; i++)
		for (s = &rep->sc[i], k = 0; k < s->n_models; k++) {
			m = &s->models[k];
			for (l = 0; l < m->n_runs; l++)
				report_estimate(s, m->runs[l], &e[l]);
			if ((j = analysis_pick(e, m->n_runs, &top)) == top || top == m->n_runs)
				continue;
			analysis_tied(&e[j], &e[top], &rule);
			if (n++ == 0)
				fprintf(o->md, "\nLevels tied for best (the lowest is taken):\n\n");
			fprintf(o->md, "- `%s` %s: %u in flight taken; %u made the most "
			    "(%s images/s against %s), within noise (%s)\n", s->label, m->name,
			    m->best->level, m->runs[top]->level, report_num(o, e[top].mean, 1),
			    report_num(o, e[j].mean, 1), rule);
		}
}

/*
 * Per scenario, each model's best run: the share of its threads' time on a CPU, waiting
 * for one and off (blocked), beside its CPU in percent of a core (the two read very
 * differently: a model with many idle threads has a small share of a large total).
 */
void
report_cpu_shares(struct report_out *o, const struct report *rep)
{
	const struct report_scenario *s;
	const struct rs_run *b;
	json_t *arr = json_array();
	size_t i, k;

	report_out_section(o, "CPU breakdown: share of its threads' time");
	fprintf(o->md, "Each model's best run: the share of its threads' time (the sum over "
	    "its threads of wall time) that they spent on a CPU, waiting in the run queue, "
	    "and off a CPU (blocked). A model with many mostly idle threads has a small share "
	    "however much CPU it uses: its CPU in percent of a core, beside it, is what "
	    "decides machines and cost.\n\n| scenario | model | in flight | on-CPU | run "
	    "queue | off-CPU | CPU, %% of a core | server on-CPU | server CPU, %% of a core "
	    "|\n|---|---|--:|--:|--:|--:|--:|--:|--:|\n");
	for (i = 0; i < rep->n; i++)
		for (s = &rep->sc[i], k = 0; k < s->n_models; k++) {
			b = s->models[k].best;
			fprintf(o->md, "| %s | %s | %u | %s%% | ", s->label, b->model, b->level,
			    report_num(o, b->v[RS_model_on_pct], -1));
			fprintf(o->md, "%s%% | ", report_num(o, b->v[RS_model_runq_pct], -1));
			fprintf(o->md, "%s%% | ", report_num(o, b->v[RS_model_off_pct], -1));
			fprintf(o->md, "%s%% | ", report_num(o, b->v[RS_model_cpu_pct], -1));
			fprintf(o->md, "%s%% | ", report_num(o, b->v[RS_server_on_pct], -1));
			fprintf(o->md, "%s%% |\n", report_num(o, b->v[RS_server_cpu_pct], -1));
			json_array_append_new(arr, json_pack("{s:s,s:s,s:i,s:o,s:o,s:o,s:o,s:o}",
			    "scenario", s->label, "model", b->model, "level", (int)b->level,
			    "on_share_pct", report_jnum(b->v[RS_model_on_pct]), "runq_share_pct",
			    report_jnum(b->v[RS_model_runq_pct]), "off_share_pct",
			    report_jnum(b->v[RS_model_off_pct]), "cpu_pct",
			    report_jnum(b->v[RS_model_cpu_pct]), "server_cpu_pct",
			    report_jnum(b->v[RS_server_cpu_pct])));
		}
	json_object_set_new(o->js, "cpu_shares", arr);
	for (i = 0; i < rep->n; i++) {
		report_out_plot(o, "cpu", rep->sc[i].label, NULL,
		    "share of its threads' time: on a CPU, waiting for one, or off (blocked); "
		    "the server's share is over all its threads, most of them idle: its CPU in "
		    "percent of a core is in the table");
		report_out_plot(o, "cputime", rep->sc[i].label, NULL,
		    "CPU over time, each model's best run (100% = one core)");
	}
}
