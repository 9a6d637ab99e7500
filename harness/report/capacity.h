/*
 * capacity.h: capacity planning from measured runs, the one code that the report's capacity
 * section (report_plan.c) and `exifbench plan` (bench/cmd_plan.c) share; docs/planning.md
 * gives the formulas with an example.
 *
 * - the plan's arithmetic (capacity.c): a batch of N images within T seconds at a rate X,
 *   each machine planned at (1 - F) of it (F the headroom): machines N / (X (1 - F) T),
 *   fractional and rounded up; the hours that many machines take; the cost per million
 *   images split into machine time (machines x hours x the price per machine-hour) and
 *   requests (GETs and PUTs per image x the prices per 1000). And the parsers of its inputs:
 *   counts (10M), durations (24h) and price lists (GET,PUT).
 * - settings (capacity_pick.c): a model's runs grouped by level and, in open-loop runs, offered
 *   rate; each setting's images/s is the mean over its repeats that ended ok, its p99 the
 *   worst of them (resp_p99_ms where the run has it, open loop, else e2e_p99_ms); requests
 *   per image from the trace's get_attempts and put_attempts.
 * - what-if (capacity_whatif.c): a model under a new one-way latency or a heavier CPU stage,
 *   from analysis_whatif at each allowed level (powers of 2 up to the model's cap and 4096),
 *   the level chosen for the new conditions rather than kept. Every figure is a prediction.
 */
#ifndef EXIFBENCH_CAPACITY_H
#define EXIFBENCH_CAPACITY_H

#include <stddef.h>

#include "analysis.h"
#include "report.h"

#define CAPACITY_MAX_LEVEL 4096		/* the highest level a what-if searches */
#define CAPACITY_LEVEL_TOL 0.01		/* a level within 1% of the best rate is as good */
#define CAPACITY_MAX_SETTINGS 128	/* settings kept per model */

/* What a plan is asked. */
struct cap_in {
	double images;		/* N, > 0 */
	double deadline_s;	/* T, > 0 */
	double headroom;	/* F, 0 <= F < 1 */
	double price_hour;	/* per machine-hour; < 0 not given */
	double get_1k, put_1k;	/* per 1000 GETs, per 1000 PUTs; < 0 not given */
};

/* A plan at one rate. */
struct cap_plan {
	double ips;		/* the rate planned from: measured or predicted; <= 0 none */
	double planned_ips;	/* ips x (1 - F) */
	double machines;	/* N / (planned_ips x T), fractional */
	double machines_up;	/* machines rounded up (an exact fit is not rounded past), >= 1 */
	double hours;		/* wall hours on machines_up machines */
	double machine_hours;	/* machines_up x hours */
	double gets, puts;	/* requests per image the costs use; < 0 unknown */
	double compute_per_m;	/* cost per million images of machine time; -1 without a price */
	double requests_per_m;	/* of requests; -1 without prices or request counts */
};

/* Fills p for a rate ips and gets, puts requests per image. All 0 (costs -1) if ips <= 0. */
void capacity_plan(double ips, double gets, double puts, const struct cap_in *in,
    struct cap_plan *p);

/*
 * "10000000", "10M", "1.5k" (k, M, G: 1e3, 1e6, 1e9) into *out, >= 1: 0, or -1 after
 * writing why into err.
 */
int capacity_parse_count(const char *s, double *out, char *err, size_t errlen);
/* "3600", "3600s", "90m", "24h", "2d" into seconds, > 0: 0, or -1 with err. */
int capacity_parse_duration(const char *s, double *out, char *err, size_t errlen);
/* "GET,PUT": two prices per 1000 requests, each >= 0: 0, or -1 with err. */
int capacity_parse_prices(const char *s, double *get_1k, double *put_1k, char *err,
    size_t errlen);
/*
 * "L" (a number >= 0) or "Kx" (K >= 0 times base) into *out: 0, or -1 with err. For
 * --latency-ms and --cpu-ms: "2x" is twice the measured figure.
 */
int capacity_parse_scaled(const char *s, double base, double *out, char *err, size_t errlen);

/* A model's setting: its runs at one level (and offered rate) of one PU set. */
struct cap_setting {
	unsigned level;
	double offered;		/* offered images/s of an open-loop run; NaN closed loop */
	unsigned reps;		/* repeats that ended ok, averaged */
	double ips;		/* their mean images/s */
	double p99_ms;		/* the worst repeat's p99; NaN unknown */
	int p99_resp;		/* 1: response time from schedule (resp_p99_ms), 0: e2e_p99_ms */
	const struct rs_run *run;	/* its first repeat that ended ok */
};

/*
 * The settings of model in s (runs of client PU set tag and clients clients; tag NULL and
 * clients 0: any), level order, up to max of them, into set; how many, or -1 with err when
 * summary.csv could not be read again for its open-loop columns.
 */
int capacity_settings(const struct rs_scenario *s, const char *model, const char *tag,
    unsigned clients, struct cap_setting *set, size_t max, char *err, size_t errlen);

/*
 * Of n settings: the one with the highest images/s whose p99 meets slo_ms (<= 0: any), or
 * NULL. *best_p99 (when not NULL) gets the lowest p99 among them all (NaN if none known).
 */
const struct cap_setting *capacity_best(const struct cap_setting *set, size_t n,
    double slo_ms, double *best_p99);

/* Of n settings: the one at level, else the nearest level (by ratio, the lower on a tie). */
const struct cap_setting *capacity_nearest(const struct cap_setting *set, size_t n,
    unsigned level);

/*
 * Requests per image of run r, from its trace rows' get_attempts and put_attempts: 0 with
 * *gets and *puts, -1 when the trace has none of them (no trace, or an older one).
 */
int capacity_requests(const struct rs_scenario *s, const struct rs_run *r, double *gets,
    double *puts);

/* How a run's bound inputs change with the level (capacity_bound_at). */
struct cap_scale {
	unsigned max_in_flight;	/* the model's cap on requests in flight; 0 none */
	int threads_follow;	/* its CPU-stage threads are its requests in flight */
	double pus;		/* client PUs: at most that many threads run at once */
	double link_each;	/* a per-connection bandwidth cap, bytes/s; <= 0 none */
	double link_total;	/* a total cap, bytes/s; <= 0 none */
};

/* The bound inputs base (measured at some level) moved to level, into out. */
void capacity_bound_at(const struct bound_in *base, const struct cap_scale *sc,
    unsigned level, struct bound_in *out);

/* A what-if's new conditions. */
struct cap_whatif_in {
	double add_r0_s;	/* seconds added to R0 per image (4 x the one-way change) */
	double add_cpu_s;	/* client CPU seconds added per image (0 for a latency change) */
	int rescale;		/* rescale the fit's lambda to the new R0 (a CPU change: the
				   contention is the CPU's; a longer wait does not add to it) */
	double slo_ms;		/* predicted mean latency N/X at most this; <= 0 none */
};

/* A what-if's prediction. */
struct cap_whatif {
	double old_r0_s, r0_s;	/* R0 measured and predicted */
	unsigned level;		/* the level chosen */
	unsigned cap;		/* the highest level searched */
	double in_flight;	/* its requests in flight */
	double ips;		/* the predicted images/s there; 0 none */
	double mean_ms;		/* the predicted mean latency in_flight / ips, ms */
	struct bound b;		/* the bounds recomputed there */
	int from_fit;		/* 1: the USL fit gave the figure (else a bound) */
	int meets;		/* the SLO is met (1 without one); 0: no level does, and level
				   is the one with the lowest predicted latency */
};

/*
 * The level of 1, 2, 4, ... cap (cap: the model's largest level, at most CAPACITY_MAX_LEVEL)
 * with the highest predicted rate (the lowest within CAPACITY_LEVEL_TOL of it), among those
 * meeting in->slo_ms: u (NULL: no fit, the bounds alone) with lambda rescaled or not, capped
 * by the bounds of base moved to each level. Fills w.
 */
void capacity_choose(const struct usl *u, const struct bound_in *base,
    const struct cap_scale *sc, unsigned cap, const struct cap_whatif_in *in,
    struct cap_whatif *w);

/* The scaling of run r of s (its model's cap and threads, its PUs and the scenario's caps). */
void capacity_scale(const struct report_scenario *s, const struct rs_run *r,
    struct cap_scale *sc);

/*
 * Model m of s, measured at run base, under in: report_bound_in of base, capacity_scale,
 * capacity_choose with m's fit (when it has one). Fills w.
 */
void capacity_whatif(const struct report_scenario *s, const struct report_model *m,
    const struct rs_run *base, const struct cap_whatif_in *in, struct cap_whatif *w);

/*
 * The CPU the machine spent outside run r (its client, server and shaper), in cores: the
 * machine's busy share ((100 - idle - iowait)% of meta.json's machine.pus) less theirs. Other
 * tenants of a shared machine, and steal; the sampler's and the bench's own little too.
 * NaN when a figure is missing.
 */
double capacity_other_cores(const struct rs_scenario *s, const struct rs_run *r);

/* The one-way latency s added (meta.json's latency record, else scenario.latency_ms); >= 0. */
double capacity_latency_ms(const struct rs_scenario *s);

#endif
