/*
 * analysis.h: the rules the report applies to measured figures, as pure functions (numbers
 * in, numbers and one-line reasons out) so that tests can feed hand-made cases:
 *
 * - bounds: asymptotic bound analysis (Lazowska et al., "Quantitative System Performance",
 *   ch. 5). With N images in flight and R0 the time one image takes alone (every stage,
 *   network included), X(N) <= N / R0 (Little's law); a resource that an image needs D
 *   seconds of, with C of it available, caps X at C / D: the client's CPU (C = the threads
 *   that can run at once, at most its PUs), the server's CPU, the whole machine's CPU when
 *   client, server and shaper share it, and the link's bandwidth. The bound is the smallest.
 * - verdict: a scenario is CPU-bound when the sequential client is on a CPU for at least half
 *   of its wall time, I/O-bound otherwise; the evidence beside it says whether throughput
 *   followed concurrency (a speedup beyond 1.5 x the client's PUs) or cores (at most that),
 *   and the concurrency at which the CPU bound overtakes the latency bound (R0 x CPU bound).
 *   When the share and the evidence disagree (under 50% on a CPU, yet throughput followed
 *   cores; 50% or more, yet it followed concurrency) the verdict is "mixed", with both
 *   numbers. The speedup is over a named baseline: sequential, or when sequential did not
 *   run, another model at one in flight (the paragraph says which).
 * - interval and ties: the mean of a setting's repeats with a 95% interval (Student t, n - 1
 *   degrees of freedom); two settings are tied when, both repeated, their intervals overlap,
 *   else by compare.h's noise rule (2 standard errors, or without one within 5% of the
 *   higher, so the rule reads the same either way round). Among
 *   tied levels the lowest is taken, so the choice does not flip between runs with the noise.
 * - capacity: images per day at a rate, the time one machine needs for a batch, and the
 *   machines a batch needs to finish within a deadline.
 * - what-if: a prediction for a changed latency or CPU cost, from the USL fit with lambda
 *   rescaled to the new R0, capped by the recomputed bounds.
 */
#ifndef EXIFBENCH_ANALYSIS_H
#define EXIFBENCH_ANALYSIS_H

#include <stddef.h>

#include "usl.h"

enum bound_kind { B_LATENCY, B_CLIENT_CPU, B_SERVER_CPU, B_MACHINE_CPU, B_BANDWIDTH, B_N };

struct bound_in {
	double in_flight;	/* N: images in flight (the run's level), >= 1 */
	double parallel;	/* client threads that can be on a CPU at once (<= client PUs) */
	double r0_s;		/* R0: one image alone, seconds; <= 0 unknown (no latency bound) */
	double client_cpu_s;	/* client CPU seconds per image; <= 0 unknown */
	double server_cpu_s;	/* server CPU seconds per image; <= 0 unknown */
	double shaper_cpu_s;	/* shaper CPU seconds per image; <= 0 none or unknown */
	double server_pus;	/* PUs the server may use; <= 0 unknown */
	double machine_pus;	/* PUs shared by client, server and shaper; <= 0 they do not share */
	double bytes_per_image;	/* bytes per image in the busier direction (a cap holds each
				   direction apart) */
	double link_bytes_per_s;/* the bandwidth cap, each way; <= 0 none */
};

struct bound {
	double x[B_N];		/* images/s each resource allows; INFINITY where it gives none */
	double best;		/* the smallest of them; INFINITY if none applies */
	enum bound_kind limit;	/* which one; B_N if none applies */
};

/* Fills b from in (see the top of this file for each bound's formula). */
void analysis_bound(const struct bound_in *in, struct bound *b);

/* "latency (Little)", "client CPU", "server CPU", "machine CPU", "bandwidth". */
const char *analysis_bound_name(enum bound_kind k);

enum verdict_kind { VERDICT_UNKNOWN, VERDICT_IO, VERDICT_CPU, VERDICT_MIXED };
enum followed { FOLLOWED_NEITHER, FOLLOWED_CONCURRENCY, FOLLOWED_CORES };

struct verdict_in {
	double seq_on_share;	/* the baseline run's client CPU time / wall time, 0..1; < 0
				   unknown (then the verdict is VERDICT_UNKNOWN) */
	double seq_ips;		/* the baseline run's images/s; <= 0 unknown */
	double best_ips;	/* the best run of any model */
	double best_level;	/* its level */
	double client_pus;	/* the client's PUs in that run */
	double r0_s;		/* R0, as for the bounds; <= 0 unknown */
	double cpu_bound_ips;	/* the tightest CPU bound at full parallelism; <= 0 unknown */
	const char *baseline;	/* the baseline's name ("sequential", "async at 1 in
				   flight"); NULL: "sequential" */
};

struct verdict {
	enum verdict_kind kind;	/* MIXED when the share and the evidence disagree */
	enum verdict_kind share_kind;	/* what the share alone says (IO, CPU or UNKNOWN) */
	double speedup;		/* best_ips / seq_ips; 0 unknown */
	enum followed followed;	/* NEITHER when the speedup is under 1.2 or unknown */
	double crossover;	/* R0 x cpu_bound_ips: the in-flight count past which the CPU is
				   the limit; 0 unknown */
	char why[512];		/* one paragraph: the rule, the numbers, the evidence */
};

/* Applies the verdict rule (top of this file). */
void analysis_verdict(const struct verdict_in *in, struct verdict *v);

/* "I/O-bound", "CPU-bound", "mixed", "undecided". */
const char *analysis_verdict_name(enum verdict_kind k);

struct capacity {
	double per_day;		/* images per day at the rate */
	double hours;		/* hours one machine needs for the batch */
	double machines;	/* machines for the batch within the deadline (a whole number, >= 1) */
};

/* At ips images/s (> 0), a batch of `images` within deadline_s seconds. All 0 if ips <= 0. */
void analysis_capacity(double ips, double images, double deadline_s, struct capacity *c);

/*
 * The predicted images/s at in->in_flight for the situation in `in` (new R0, new CPU costs):
 * the fit's lambda becomes u->lambda x old_r0_s / in->r0_s, sigma and kappa are kept, and the
 * result is capped by analysis_bound(in). Without a fit (u NULL or u->points 0), the bound
 * alone. Returns the prediction and fills b with the recomputed bounds.
 */
double analysis_whatif(const struct usl *u, double old_r0_s, const struct bound_in *in,
    struct bound *b);

/* The 95% two-sided Student t quantile for df degrees of freedom (>= 1); NaN for df 0. */
double analysis_t95(unsigned df);

/* A setting's images/s over its repeats. */
struct estimate {
	unsigned reps;		/* repeats with a rate; 0: none (the rest is NaN) */
	double mean;
	double se;		/* sd / sqrt(reps) over 2+ repeats, else the run's own (its
				   per-second spread: rs_trace.ips_se); < 0 unknown */
	double half;		/* the 95% interval's half-width, t95(reps - 1) x se; < 0
				   under 2 repeats (no interval) */
};

/*
 * The estimate of x[0..n-1] (NaN and negative values skipped); run_se is the run's own
 * standard error, used when fewer than 2 values remain (< 0 unknown).
 */
void analysis_estimate(const double *x, size_t n, double run_se, struct estimate *e);

/*
 * Whether a and b are within noise of each other (the rule: top of this file); 0 when
 * either has no rate. rule, when not NULL, gets which rule decided: "intervals overlap",
 * "2 standard errors", "within 5%".
 */
int analysis_tied(const struct estimate *a, const struct estimate *b, const char **rule);

/*
 * Of e[0..n-1] (a model's levels in level order), the index of the best mean in *top, and
 * returns the lowest index tied with it (analysis_tied) whose mean is within 5% of the best
 * (two repeats give a 95% interval of 12.7 standard errors: 46 images/s at 4 in flight
 * "ties" 174 at 16 by overlap alone, and a plateau is what the pick is for); n 0 or no
 * rate: returns n.
 */
size_t analysis_pick(const struct estimate *e, size_t n, size_t *top);

#endif
