/*
 * report_out.h: the report writers' shared output state and formatting (report_md.c,
 * report_summary.c, report_plan.c, report_out.c): the markdown stream, the JSON document
 * built beside it, numbers printed as "-" when unknown (or with thousands separators), the
 * figure references and their settings captions. Internal to the report.
 */
#ifndef EXIFBENCH_REPORT_OUT_H
#define EXIFBENCH_REPORT_OUT_H

#include <jansson.h>
#include <limits.h>
#include <stdio.h>

#include "report.h"

struct report_out {
	FILE *md;
	json_t *js;		/* report.json's root object */
	int plots;		/* figures were drawn: reference them */
	char dir[PATH_MAX];
	const struct report *rep;	/* for the figures' settings captions; may be NULL */
	char num[16][40];	/* report_num's rotating buffers */
	unsigned next;
};

/* Opens dir/report.md (written to a temporary name, renamed by close). 0 or -1, err. */
int report_out_open(struct report_out *o, const char *dir, int plots, char *err, size_t errlen);

/* Writes report.json, renames report.md into place, frees. 0, or -1 with err. */
int report_out_close(struct report_out *o, char *err, size_t errlen);

/* A "## title" heading. */
void report_out_section(struct report_out *o, const char *title);

/*
 * A figure: plots/NAME-SCENARIO[-MODEL].png with a link to its SVG, when o->plots and the PNG
 * exists; nothing otherwise. Under it, the scenario's settings (report_caption), when o->rep
 * holds a scenario of that label.
 */
void report_out_plot(struct report_out *o, const char *name, const char *scenario,
    const char *model, const char *caption);

/*
 * v with prec decimals (prec < 0: 2 under 1, 1 under 10, else none), or "-" when NaN,
 * infinite or negative. The string lives until 16 more calls.
 */
const char *report_num(struct report_out *o, double v, int prec);

/*
 * v as a whole number with thousands separators ("23,997,686"), or "-" as report_num. The
 * string lives until 16 more calls.
 */
const char *report_count(struct report_out *o, double v);

/*
 * The one-line settings caption of scenario s's figures into buf: the added latency and
 * jitter, the CPU stage, the dataset, the levels, a bandwidth cap, the client's PU sets
 * (when bound), the images or duration per run, the trim and the repeats, from its meta.json ("settings: 20 ms one-way, no jitter, CPU stage
 * none, dataset tiny (50 images), levels 1, 4, 16, 50 images a run, trim 10%, 1 repeat").
 * Returns buf.
 */
const char *report_caption(const struct report_scenario *s, char *buf, size_t len);

/* A JSON real, or null when v is NaN, infinite or negative. */
json_t *report_jnum(double v);

/* A run's identity and headline figures as a JSON object. */
json_t *report_run_json(const struct rs_run *r);

/*
 * report_net.c: per scenario, the latency added (and asked) and the endpoint's measured round
 * trip, after the datasets in the summary; report.json's "network".
 */
void report_net(struct report_out *o, const struct report *rep);

/*
 * report_hosts.c: per multi-client folder (its hosts.csv), a row per client; report.json's
 * "clients".
 */
void report_hosts(struct report_out *o, const struct report *rep);

/*
 * report_endpoints.c: per run and endpoint of the scenarios that spread jobs over several
 * (meta.json's "endpoints"), the jobs, outcomes, GET and PUT times and bytes, after the
 * breakdown; report.json's "endpoints". Nothing when no scenario had more than one.
 */
void report_endpoints(struct report_out *o, const struct report *rep);

/*
 * report_rates.c: per scenario with a rate sweep, each model's runs by offered rate, the knee,
 * the highest rate within the latency objective and which rates were sustained, after the
 * scaling section; report.json's "open_loop". Nothing when no scenario had rates.
 */
void report_rates(struct report_out *o, const struct report *rep);

/*
 * report_usl.c: in the scaling section, how the USL fits were weighed (per scenario, when they
 * differ), why, and how to ask for the other weighting; report.json's "usl_fit".
 */
void report_usl_weight(struct report_out *o, const struct report *rep);

/*
 * report_summary.c: the settings section (report.json's "settings"), the summary table
 * ("summary") and the CPU breakdown ("cpu_shares", with the cpu and cputime figures).
 */
void report_settings(struct report_out *o, const struct report *rep);
void report_summary(struct report_out *o, const struct report *rep);
void report_cpu_shares(struct report_out *o, const struct report *rep);

/*
 * report_verdicts.c: the verdict per scenario (report.json's "verdicts", with each model's
 * wait sentence under it), the bounds and efficiency of every run ("bounds"), the scaling
 * section with the USL fits ("scaling").
 */
void report_verdicts(struct report_out *o, const struct report *rep);
void report_bounds(struct report_out *o, const struct report *rep);
void report_scaling(struct report_out *o, const struct report *rep);

/*
 * report_waits.c: the "Where the threads waited" section (report.json's "waits", the waits
 * figure), and the sentence that names a run's dominant wait, for the verdicts ("async at 64
 * in flight: 94% of its threads' blocked time in epoll_wait: waiting on the network"; "" for
 * a run without a wait profile). Returns buf.
 */
void report_waits(struct report_out *o, const struct report *rep);
const char *report_wait_sentence(const struct rs_run *r, char *buf, size_t len);

/*
 * report_profile.c: per scenario with a profile.csv (bench --cpu-profile), each profiled
 * run's top functions and libraries, flame graph and cost; report.json's "cpu_profile".
 * Nothing when no folder has one.
 */
void report_profile(struct report_out *o, const struct report *rep);

/* report_plan.c: the hardware-scaling, capacity-planning and skew sections. */
void report_plan_hardware(struct report_out *o, const struct report *rep);
void report_plan_capacity(struct report_out *o, const struct report *rep);
void report_plan_skews(struct report_out *o, const struct report *rep);

#endif
