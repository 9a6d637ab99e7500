/*
 * report_waits.c: the "Where the threads waited" section (after the CPU breakdown) and the
 * wait sentences of the verdicts, from the wait profile in summary.csv (model_wait_*: the
 * sampler's blocked-thread samples by class, the call seen most; waits.csv keeps the raw
 * counts). Per scenario, each model's best run: a table of its classes' shares, one sentence
 * naming its dominant wait in words ("async at 64 in flight: 94% of its threads' blocked
 * time in epoll_wait: waiting on the network"), and the stacked-bar figure (plots/waits.gp).
 * A scenario whose runs have no profile (a folder from before it, `run --results`, merged
 * mpirun rows) gets one line saying so. report.json: "waits".
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "report.h"
#include "report_out.h"
#include "harness/sampler/waitclass.h"

/* Under this many blocked-thread samples a share is said to be too few to rely on. */
#define WAITS_FEW 20

static const enum rs_col class_col[WAITCLASS_N] = { RS_model_wait_network_pct,
	RS_model_wait_lock_pct, RS_model_wait_pipe_pct, RS_model_wait_sleep_pct,
	RS_model_wait_disk_pct, RS_model_wait_other_pct };

static int has(const struct rs_run *r);
static int top_class(const struct rs_run *r);
static const char *pct(char *buf, size_t len, double v);
static void scenario_table(struct report_out *o, const struct report_scenario *s,
    json_t *arr);

int
report_has_waits(const struct report_scenario *s)
{
	size_t k;

	for (k = 0; s != NULL && k < s->n_models; k++)
		if (has(s->models[k].best))
			return 1;
	return 0;
}

const char *
report_wait_sentence(const struct rs_run *r, char *buf, size_t len)
{
	char a[16], b[16];
	int c;

	if (!has(r) || (c = top_class(r)) < 0) {
		snprintf(buf, len, "%s", "");
		return buf;
	}
	if (strcmp(r->wait_top_class, waitclass_name((enum waitclass)c)) == 0)
		snprintf(buf, len, "%s at %u in flight: %s%% of its threads' blocked time in %s: "
		    "%s", r->model, r->level, pct(a, sizeof(a), r->v[RS_model_wait_top_pct]),
		    r->wait_top, waitclass_phrase((enum waitclass)c));
	else	/* the call seen most is not of the class that leads: name both */
		snprintf(buf, len, "%s at %u in flight: %s %s%% of its threads' blocked time "
		    "(the call seen most: %s, %s%%)", r->model, r->level,
		    waitclass_phrase((enum waitclass)c), pct(a, sizeof(a), r->v[class_col[c]]),
		    *r->wait_top ? r->wait_top : "-", pct(b, sizeof(b),
		    r->v[RS_model_wait_top_pct]));
	if (r->v[RS_model_wait_samples] < WAITS_FEW && strlen(buf) + 1 < len)
		snprintf(buf + strlen(buf), len - strlen(buf), " (%.0f samples only: too few to "
		    "rely on; a longer run tells more)", r->v[RS_model_wait_samples]);
	return buf;
}

void
report_waits(struct report_out *o, const struct report *rep)
{
	json_t *arr = json_array();
	size_t i;

	report_out_section(o, "Where the threads waited");
	fprintf(o->md, "At each sampler tick, every thread of the model's processes that is "
	    "blocked has its system call (/proc/PID/task/TID/syscall) and kernel wait channel "
	    "(wchan) read; one sample is one blocked thread at one tick (at 10 Hz, ten are "
	    "about a thread-second off a CPU). The samples are sorted into classes: network "
	    "(poll, epoll, socket calls), lock (futex), pipe or child process, sleep "
	    "(nanosleep), disk or page fault, other. A futex is both a contended mutex (pthreads under "
	    "`global_lock`) and a condition variable (the hybrid's CPU workers waiting for work "
	    "on their ring, a main thread waiting for its workers): the kernel does not tell "
	    "them apart, so the lock class is both. The shares are of the model's own "
	    "threads: the toolkit's records writer and lister threads, which sit idle most of "
	    "the run, are counted apart (helpers). Each model's best run; the raw (system "
	    "call, wait channel) counts of every run are in waits.csv.\n");
	for (i = 0; i < rep->n; i++)
		scenario_table(o, &rep->sc[i], arr);
	json_object_set_new(o->js, "waits", arr);
}

static void
scenario_table(struct report_out *o, const struct report_scenario *s, json_t *arr)
{
	const struct rs_run *b;
	char line[320];
	json_t *j, *cls;
	size_t k;
	int c;

	if (!report_has_waits(s)) {
		fprintf(o->md, "\n**%s**: not recorded (its runs have no wait profile: a folder "
		    "written before it, or runs without the sampler).\n", s->label);
		return;
	}
	fprintf(o->md, "\n**%s**:\n\n| model | in flight | samples |", s->label);
	for (c = 0; c < WAITCLASS_N; c++)
		fprintf(o->md, " %s |", waitclass_name((enum waitclass)c));
	fprintf(o->md, " call seen most | helpers' samples |\n|---|--:|--:|");
	for (c = 0; c < WAITCLASS_N; c++)
		fputs("--:|", o->md);
	fputs("---|--:|\n", o->md);
	for (k = 0; k < s->n_models; k++) {
		if (!has(b = s->models[k].best))
			continue;
		fprintf(o->md, "| %s | %u | %s |", b->model, b->level,
		    report_count(o, b->v[RS_model_wait_samples]));
		cls = json_object();
		for (c = 0; c < WAITCLASS_N; c++) {
			fprintf(o->md, " %s%% |", pct(line, sizeof(line), b->v[class_col[c]]));
			json_object_set_new(cls, waitclass_name((enum waitclass)c),
			    report_jnum(b->v[class_col[c]]));
		}
		fprintf(o->md, " %s %s%% | %s |\n", *b->wait_top ? b->wait_top : "-",
		    pct(line, sizeof(line), b->v[RS_model_wait_top_pct]),
		    report_count(o, b->v[RS_model_wait_helper_samples]));
		j = report_run_json(b);
		json_object_set_new(j, "scenario", json_string(s->label));
		json_object_set_new(j, "samples", report_jnum(b->v[RS_model_wait_samples]));
		json_object_set_new(j, "helper_samples",
		    report_jnum(b->v[RS_model_wait_helper_samples]));
		json_object_set_new(j, "classes_pct", cls);
		json_object_set_new(j, "top_call", json_string(b->wait_top));
		json_object_set_new(j, "top_call_pct", report_jnum(b->v[RS_model_wait_top_pct]));
		json_object_set_new(j, "sentence", json_string(report_wait_sentence(b, line,
		    sizeof(line))));
		json_array_append_new(arr, j);
	}
	fputc('\n', o->md);
	for (k = 0; k < s->n_models; k++)
		if (has(s->models[k].best))
			fprintf(o->md, "- %s.\n", report_wait_sentence(s->models[k].best, line,
			    sizeof(line)));
	report_out_plot(o, "waits", s->label, NULL, "where each model's threads waited: "
	    "shares of their blocked-thread samples by class, best run of each model");
}

/* A run with a wait profile: samples taken and its shares read. */
static int
has(const struct rs_run *r)
{
	return r != NULL && r->v[RS_model_wait_samples] > 0 &&
	    !isnan(r->v[RS_model_wait_network_pct]);
}

/* The class with the largest share (the first in class order on a tie), or -1. */
static int
top_class(const struct rs_run *r)
{
	int c, top = -1;

	for (c = 0; c < WAITCLASS_N; c++)
		if (!isnan(r->v[class_col[c]]) && (top < 0 || r->v[class_col[c]] >
		    r->v[class_col[top]]))
			top = c;
	return top;
}

/* A share for people: a whole number, one decimal under 10, "-" unknown. */
static const char *
pct(char *buf, size_t len, double v)
{
	if (isnan(v) || v < 0)
		snprintf(buf, len, "-");
	else if (v == 0)
		snprintf(buf, len, "0");
	else if (v < 0.05)
		snprintf(buf, len, "<0.1");	/* not 0.0: some samples were there */
	else
		snprintf(buf, len, v < 10 ? "%.1f" : "%.0f", v);
	return buf;
}
