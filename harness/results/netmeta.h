/*
 * netmeta.h: meta.json's "latency" object, the one description of it: what latency a bench
 * was asked for, what it added, and the endpoint's measured round trip (probe.h). The bench
 * writes it with netmeta_json; the report reads it back from the folder with netmeta_read.
 *
 *   "latency": {
 *     "asked": "auto" | MS,           the scenario's latency_ms as given
 *     "added_ms": MS,                 what the shaper added, one-way, each direction
 *     "auto_rule": TEXT,              how auto resolves (with "asked": "auto" only)
 *     "probe": {
 *       "method": TEXT,               what a sample is (probe.h)
 *       "object_bytes": N,
 *       "direct": STATS | null,       to the endpoint itself
 *       "through_shaper": STATS | null,   through the shaper, when it added latency
 *       "error": TEXT | null          why the probe stopped
 *     }
 *   }
 *   STATS = { "samples": N, "median_ms", "p90_ms", "min_ms", "max_ms" }
 *
 * Folders written before this object existed have none: netmeta_read says so.
 */
#ifndef EXIFBENCH_NETMETA_H
#define EXIFBENCH_NETMETA_H

#include <jansson.h>

#include "harness/engine/probe.h"

struct netmeta {
	int recorded;			/* the folder has the object (read back) */
	int asked_auto;			/* latency_ms = auto */
	double asked_ms;		/* the number asked when not auto */
	double added_ms;		/* resolved; read back: NaN when not recorded */
	struct probe_stats direct;	/* samples 0: not measured */
	struct probe_stats shaped;	/* samples 0: not measured (no shaper latency) */
	char error[512];		/* the probe's error, "" */
};

/* The object above; NULL if out of memory. */
json_t *netmeta_json(const struct netmeta *m);

/* One STATS object, or JSON null when st has no samples (also for report.json). */
json_t *netmeta_stats_json(const struct probe_stats *st);

/*
 * meta's "latency" object into m: recorded 1, or 0 with everything zero and added_ms NaN
 * when meta has none (an older folder).
 */
void netmeta_read(const json_t *meta, struct netmeta *m);

#endif
