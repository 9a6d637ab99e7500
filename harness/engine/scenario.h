/*
 * scenario.h: a benchmark scenario, read from a `key = value` file (bench/NAME.conf). A scenario
 * names the dataset, the emulated network, the CPU stage, the models and the sweep of
 * concurrency levels (and client CPU sets) that `exifbench bench` runs. The file format and
 * every key are documented in docs/harness.md; scenario_defaults gives each key's default.
 *
 * File format: one `key = value` per line; `#` starts a comment (whole line or after a value);
 * blank lines are ignored; keys are lower-case; a key given twice is an error; list values
 * (models, concurrency, clients, rates, client_cpus) are separated by spaces.
 *
 * Open loop: with `rates`, each run of a model at a level is made once per rate, offering that
 * load (`run --rate R --arrivals A`); arrivals, max_backlog and slo_p99_ms only apply then.
 *
 * The dataset: a value with a '/', or starting with '.' or '~', is a folder of photos (~ and
 * ~USER/ expanded); a relative one is resolved against the scenario file's folder (and,
 * through scenario_set, the working directory). It must exist and hold a regular file then.
 * Any other value is a profile name.
 *
 * Profiles: the plain keys are the `quick` profile (what `make bench` runs in minutes); a
 * line `full.KEY = value` overrides KEY in the `full` profile only (`make bench
 * BENCH_PROFILE=full`, `exifbench bench --profile full`). Such lines are checked whichever
 * profile is chosen, and applied after the plain keys, whatever their order.
 */
#ifndef EXIFBENCH_SCENARIO_H
#define EXIFBENCH_SCENARIO_H

#include <jansson.h>
#include <limits.h>
#include <stddef.h>
#include <stdio.h>

#define SCENARIO_MAX_MODELS 8
#define SCENARIO_MAX_LEVELS 16
#define SCENARIO_MAX_CPUSETS 4
#define SCENARIO_MAX_RATES 16
#define SCENARIO_PREFIX_MAX 255	/* bytes of a prefix key (data_prefix, out_prefix) */
#define SCENARIO_DATASET_MAX 511	/* bytes of the dataset key (a folder's path) */
#define SCENARIO_DATA_BUCKET "exifbench-data"	/* data_bucket's default */
#define SCENARIO_OUT_BUCKET "exifbench-out"	/* out_bucket's default */
#define SCENARIO_AUTO_LATENCY_MS 50.0	/* latency_ms = auto on the local server (0 elsewhere) */

struct scenario {
	char name[64];			/* name: letters, digits, - and _ (default: file stem) */
	char description[256];		/* description: free text */
	char dataset[SCENARIO_DATASET_MAX + 1];	/* dataset: a `dataset gen` profile ("default"),
						 * or a folder, as given */
	char dataset_dir[PATH_MAX];	/* a folder's absolute path, "" for a profile */
	char data_bucket[64];		/* data_bucket: where a profile is loaded (exifbench-data) */
	char data_prefix[SCENARIO_PREFIX_MAX + 1];	/* data_prefix: "" = the profile's name */
	char source[SCENARIO_PREFIX_MAX + 72];	/* source: s3://B/P of existing objects, "" none */
	char out_bucket[64];		/* out_bucket: where the runs write (exifbench-out) */
	char out_prefix[SCENARIO_PREFIX_MAX + 1];	/* out_prefix: "" = the scenario's name */
	unsigned long images;		/* images: keys per model run, 0 = the whole dataset */
	double duration_s;		/* duration: per-run cap in seconds, 0 = none */
	double latency_ms;		/* latency_ms: one-way delay each direction (0); with
					   `auto`, 0 until scenario_resolve_latency */
	int latency_auto;		/* latency_ms = auto (SCENARIO_AUTO_LATENCY_MS locally) */
	int latency_resolved;		/* auto: scenario_resolve_latency has set latency_ms */
	double jitter_ms;		/* jitter_ms: spread of the added jitter (0) */
	char jitter[16];		/* jitter: none, uniform, normal or pareto ("none") */
	double bandwidth_mbit;		/* bandwidth_mbit: cap per connection, 0 = none */
	double total_bandwidth_mbit;	/* total_bandwidth_mbit: cap over all connections */
	double reset_fraction;		/* reset_fraction: connections reset, in [0, 1] */
	double stall_fraction;		/* stall_fraction: responses stalled, in [0, 1] */
	double stall_ms;		/* stall_ms: how long a stalled response waits */
	char transform[16];		/* transform: none, thumbnail or recompress ("none") */
	unsigned quality;		/* quality: 1..100 (85) */
	unsigned thumb_max;		/* thumb_max: pixels (160) */
	double cpu_spin_ms;		/* cpu_spin_ms: CPU burnt per image (0) */
	double price_per_hour;		/* price_per_hour: of a machine-hour, for the report's
					   costs (0: not given) */
	char request_prices[64];	/* request_prices: GET,PUT per 1000 ("": not given) */
	char stage[512];		/* stage: FILE.so[:ARG], a plugin CPU stage ("": built-in) */
	char stage_cmd[512];		/* stage_cmd: a co-process CPU stage's command ("": none) */
	int global_lock;		/* global_lock: yes/no, pthreads only (no) */
	int cpu_profile;		/* cpu_profile: on/off, perf on each run (off) */
	char models[SCENARIO_MAX_MODELS][16];	/* models: names from the model table */
	size_t n_models;		/* (default: all five) */
	unsigned levels[SCENARIO_MAX_LEVELS];	/* concurrency: levels, each >= 1 (default 8) */
	size_t n_levels;
	unsigned clients[SCENARIO_MAX_LEVELS];	/* clients: client hosts, under mpirun (1) */
	size_t n_clients;
	double rates[SCENARIO_MAX_RATES];	/* rates: offered loads in images/s, each run
					   once per rate open-loop (run --rate); "none"
					   (the default): closed loop, n_rates 0 */
	size_t n_rates;
	char arrivals[16];		/* arrivals: constant or poisson, with rates (constant) */
	unsigned long max_backlog;	/* max_backlog: run --max-backlog, 0 = the run's own */
	double slo_p99_ms;		/* slo_p99_ms: the resp p99 objective the report
					   judges rates against, 0 = none */
	unsigned workers;		/* workers: hybrid CPU threads, 0 = the client's PUs */
	char client_cpus[SCENARIO_MAX_CPUSETS][64];	/* client_cpus: hwloc list strings */
	size_t n_client_cpus;		/* (default: one entry "", meaning unbound) */
	char server_cpus[64];		/* server_cpus: hwloc list string, "" = unbound */
	char endpoints[1024];		/* endpoints: URL[,URL...], gateways of one store the
					   runs spread jobs over (run --endpoints); "": the
					   environment's endpoint. Not with a shaped network */
	char usl_fit[16];		/* usl_fit: the report's USL weighting, relative or ols
					   (relative: harness/report/usl.h) */
	double trim;			/* trim: fraction of completions cut at each end (0.1) */
	double sample_hz;		/* sample_hz: sampler rate, 1..100 (10) */
	unsigned repeat;		/* repeat: runs of each model and level, 1..20 (1) */
	char profile[16];		/* the profile applied: "quick" (plain keys) or "full" */
};

/* Every key at its default (see the comments above). */
void scenario_defaults(struct scenario *sc);

/*
 * Sets one key from its text value, checking it: 0, or -1 with a message in err naming the key
 * and saying what is wrong ("key 'latency_ms': '-3' is not auto or a number in [0, 60000]").
 * Used by the file parser and by `exifbench bench --set key=value` (a relative dataset
 * folder is resolved against the working directory).
 */
int scenario_set(struct scenario *sc, const char *key, const char *value, char *err,
    size_t errlen);

/*
 * Reads a scenario from f (named name in messages) over the defaults, with profile's lines
 * applied ("quick" or NULL: the plain keys only; "full"): 0, or -1 with one line in err:
 * "NAME:LINE: key 'K': what is wrong" (or "NAME:LINE: expected key = value", or an unknown
 * profile, or "NAME: no key in it" for a file of only comments and blank lines). When the file
 * gives no name, name's stem (without folders and ".conf") is used.
 */
int scenario_parse(FILE *f, const char *name, const char *profile, struct scenario *sc,
    char *err, size_t errlen);

/*
 * What a single key cannot check: settings that only make sense together (stall_fraction
 * with stall_ms, jitter with jitter_ms). 0, or -1 with err. scenario_parse calls it; a
 * caller that changes keys afterwards (--set) calls it again.
 */
int scenario_check(const struct scenario *sc, char *err, size_t errlen);

/* scenario_parse on the file at path; a file that cannot be opened is an error naming it. */
int scenario_load(const char *path, const char *profile, struct scenario *sc, char *err,
    size_t errlen);

/*
 * latency_ms = auto, once the endpoint is known: SCENARIO_AUTO_LATENCY_MS when local (the
 * endpoint is the local server harness/s3-local runs), else 0, and then no jitter either
 * (jitter_ms 0, jitter none): the jitter belonged to the emulated network. A number given is
 * kept as it is, jitter too. Either way latency_ms is then the latency the shaper adds.
 * With endpoints listed, auto is 0 (the shaper fronts one endpoint; the scenario runs none).
 */
void scenario_resolve_latency(struct scenario *sc, int local);

/*
 * The scenario as a JSON object, every key by its file name (for meta.json); NULL if OOM.
 * latency_ms is a number (with auto, the resolved one), or "auto" while not yet resolved.
 */
json_t *scenario_json(const struct scenario *sc);

#endif
