/*
 * report_usl.c: the scaling section's paragraph on how the USL fits were weighed: the
 * weighting each scenario's fits used, where that choice came from (the default, the
 * scenario's usl_fit key, `report --usl-fit`), why one would choose it, and how to ask for
 * the other; report.json's "usl_fit", per scenario. The weightings themselves are usl.c's.
 */
#include <jansson.h>
#include <stdio.h>

#include "report_out.h"

void
report_usl_weight(struct report_out *o, const struct report *rep)
{
	const struct report_scenario *s;
	json_t *all = json_object();
	enum usl_weight w, other;
	size_t i, same = 1;

	for (i = 1; i < rep->n; i++)
		same &= rep->sc[i].usl_weight == rep->sc[0].usl_weight;
	for (i = 0; i < rep->n; i++) {
		s = &rep->sc[i];
		w = s->usl_weight;
		json_object_set_new(all, s->label, json_pack("{s:s,s:s}", "weight",
		    usl_weight_name(w), "from", s->usl_weight_from));
		if (same && i > 0)
			continue;
		other = w == USL_RELATIVE ? USL_OLS : USL_RELATIVE;
		if (same)
			fprintf(o->md, "\nFit weighting: **%s** (%s): %s.",
			    usl_weight_name(w), s->usl_weight_from, usl_weight_why(w));
		else
			fprintf(o->md, "\n- `%s`: fit weighting **%s** (%s): %s.", s->label,
			    usl_weight_name(w), s->usl_weight_from, usl_weight_why(w));
		if (same || i + 1 == rep->n)
			fprintf(o->md, "%sThe other weighting, **%s**, is %s; ask for it with "
			    "`usl_fit = %s` in the scenario or `exifbench report --usl-fit %s`.\n",
			    same ? " " : "\n\n", usl_weight_name(other), usl_weight_why(other),
			    usl_weight_name(other), usl_weight_name(other));
		else
			fprintf(o->md, "\n");
	}
	json_object_set_new(o->js, "usl_fit", all);
}
