/*
 * waitscsv.c: waits.csv, the wait profile's raw counts (results.h): one row per (thread kind,
 * system call, wait channel) a run's blocked threads were seen in, most samples first, under
 * the run's label cells. The summary row carries the shares by class; this keeps what they
 * were made of, so a class can be checked, or a new rule tried, without running again.
 */
#include "results.h"

#include <stdio.h>

#include "harness/sampler/waitclass.h"

void
results_waits_header(FILE *f)
{
	fprintf(f, "%s,thread,class,syscall,syscall_nr,wchan,samples\n", RESULTS_LABEL_HEADER);
}

void
results_waits(struct results *r, const char *label, const struct waits_totals *t)
{
	const struct waits_row *w;
	char buf[32];
	size_t i;

	if (r->waits == NULL || t == NULL)
		return;
	for (i = 0; i < t->nrows; i++) {
		w = &t->rows[i];
		/* wait channels are kernel symbol names: no comma or quote to escape */
		fprintf(r->waits, "%s,%s,%s,%s,%ld,%s,%llu\n", label, w->helper ? "helper" : "model",
		    waitclass_name(w->cls), waitclass_syscall_text(w->nr, buf, sizeof(buf)), w->nr,
		    w->wchan, (unsigned long long)w->samples);
	}
	if (t->unlisted > 0)
		fprintf(r->waits, "%s,any,,unlisted,,,%llu\n", label,
		    (unsigned long long)t->unlisted);
	fflush(r->waits);
}
