/*
 * netmeta.c: meta.json's "latency" object, written and read by the same names (netmeta.h).
 */
#include "netmeta.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "harness/engine/scenario.h"

static void stats_read(const json_t *o, struct probe_stats *st);

static const char method[] = "time to first byte of a GET of a small object the probe puts "
    "at the outputs, 1 in flight, on one kept-alive connection after one warm-up GET: "
    "CURLINFO_STARTTRANSFER_TIME_T minus CURLINFO_PRETRANSFER_TIME_T (the request sent to the "
    "first response byte: the round trip plus the server's answer)";

json_t *
netmeta_json(const struct netmeta *m)
{
	char rule[128];

	if (m == NULL)
		return NULL;
	snprintf(rule, sizeof(rule), "%g ms one-way on the local server, 0 elsewhere",
	    SCENARIO_AUTO_LATENCY_MS);
	return json_pack("{s:o, s:f, s:s*, s:{s:s, s:i, s:o, s:o, s:s?}}",
	    "asked", m->asked_auto ? json_string("auto") : json_real(m->asked_ms),
	    "added_ms", m->added_ms, "auto_rule", m->asked_auto ? rule : NULL,
	    "probe", "method", method, "object_bytes", PROBE_BYTES,
	    "direct", netmeta_stats_json(&m->direct), "through_shaper", netmeta_stats_json(&m->shaped),
	    "error", m->error[0] ? m->error : NULL);
}

json_t *
netmeta_stats_json(const struct probe_stats *st)
{
	if (st->samples == 0)
		return json_null();
	return json_pack("{s:i, s:f, s:f, s:f, s:f}", "samples", (int)st->samples,
	    "median_ms", st->median_ms, "p90_ms", st->p90_ms, "min_ms", st->min_ms,
	    "max_ms", st->max_ms);
}

void
netmeta_read(const json_t *meta, struct netmeta *m)
{
	const json_t *o = json_object_get(meta, "latency"), *asked, *probe, *e;

	memset(m, 0, sizeof(*m));
	m->added_ms = NAN;
	if (!json_is_object(o))
		return;
	m->recorded = 1;
	asked = json_object_get(o, "asked");
	m->asked_auto = json_is_string(asked) && strcmp(json_string_value(asked), "auto") == 0;
	m->asked_ms = json_is_number(asked) ? json_number_value(asked) : NAN;
	if (json_is_number(json_object_get(o, "added_ms")))
		m->added_ms = json_number_value(json_object_get(o, "added_ms"));
	probe = json_object_get(o, "probe");
	stats_read(json_object_get(probe, "direct"), &m->direct);
	stats_read(json_object_get(probe, "through_shaper"), &m->shaped);
	if (json_is_string(e = json_object_get(probe, "error")))
		snprintf(m->error, sizeof(m->error), "%s", json_string_value(e));
}

/* A STATS object into st; anything else (null, missing, no samples) leaves it unmeasured. */
static void
stats_read(const json_t *o, struct probe_stats *st)
{
	json_int_t n = json_integer_value(json_object_get(o, "samples"));

	memset(st, 0, sizeof(*st));
	if (!json_is_object(o) || n <= 0)
		return;
	st->samples = (unsigned)n;
	st->median_ms = json_number_value(json_object_get(o, "median_ms"));
	st->p90_ms = json_number_value(json_object_get(o, "p90_ms"));
	st->min_ms = json_number_value(json_object_get(o, "min_ms"));
	st->max_ms = json_number_value(json_object_get(o, "max_ms"));
}
