/*
 * report_net.c: the network each scenario ran over, in the report's summary: the latency the
 * shaper added and what was asked for (a number or auto), and the endpoint's round trip the
 * bench measured before the runs, direct and through the shaper, all read back from the
 * folder's meta.json (harness/results/netmeta.h). A folder written before these were recorded
 * says "not recorded" (its added latency is then the scenario's latency_ms, which it kept).
 */
#include <math.h>
#include <stdio.h>

#include "report_out.h"
#include "harness/results/netmeta.h"

static void rtt_text(struct report_out *o, const struct netmeta *m);

void
report_net(struct report_out *o, const struct report *rep)
{
	const struct report_scenario *s;
	struct netmeta m;
	json_t *arr = json_array();
	double added;
	char asked[32];
	size_t i;

	for (i = 0; i < rep->n; i++) {
		s = &rep->sc[i];
		netmeta_read(s->rs->meta, &m);
		added = m.recorded ? m.added_ms : rs_meta_num(s->rs, "scenario.latency_ms");
		if (!m.recorded)
			snprintf(asked, sizeof(asked), "not recorded");
		else
			snprintf(asked, sizeof(asked), m.asked_auto ? "auto" : "%g", m.asked_ms);
		if (i == 0)
			fprintf(o->md, "\nThe network each scenario ran over (latency one-way, each "
			    "direction; the round trip measured by the bench before its runs):\n\n");
		fprintf(o->md, "- `%s`: added latency ", s->label);
		if (isfinite(added))
			fprintf(o->md, "%g ms", added);
		else
			fprintf(o->md, "not recorded");
		fprintf(o->md, " (asked: %s); ", asked);
		rtt_text(o, &m);
		json_array_append_new(arr, json_pack("{s:s, s:b, s:o, s:o, s:o, s:o, s:s?}",
		    "scenario", s->label, "recorded", m.recorded, "asked", !m.recorded ?
		    json_null() : m.asked_auto ? json_string("auto") : json_real(m.asked_ms),
		    "added_ms", report_jnum(added), "endpoint_rtt", netmeta_stats_json(&m.direct),
		    "through_shaper_rtt", netmeta_stats_json(&m.shaped), "probe_error",
		    m.error[0] ? m.error : NULL));
	}
	json_object_set_new(o->js, "network", arr);
}

/* "endpoint round trip measured ..." (and through the shaper), or why it is not there. */
static void
rtt_text(struct report_out *o, const struct netmeta *m)
{
	if (!m->recorded) {
		fprintf(o->md, "endpoint round trip not recorded.\n");
		return;
	}
	if (m->direct.samples == 0) {
		fprintf(o->md, "endpoint round trip not measured%s%s%s.\n", m->error[0] ? " (" : "",
		    m->error, m->error[0] ? ")" : "");
		return;
	}
	fprintf(o->md, "endpoint round trip measured %s ms median ", report_num(o,
	    m->direct.median_ms, 2));
	fprintf(o->md, "(p90 %s) over %u small GETs", report_num(o, m->direct.p90_ms, 2),
	    m->direct.samples);
	if (m->shaped.samples > 0) {
		fprintf(o->md, "; through the shaper %s ms median ", report_num(o,
		    m->shaped.median_ms, 2));
		fprintf(o->md, "(p90 %s) over %u", report_num(o, m->shaped.p90_ms, 2),
		    m->shaped.samples);
	}
	fprintf(o->md, ".\n");
}
