/*
 * waits_count.c: the wait profile's counts (waits.h), apart from the /proc reader in waits.c:
 * adding one sample to the totals, ordering their rows, the sampling stride of a wide group,
 * and the class and system call with the most samples.
 */
#include "waits.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int by_samples(const void *a, const void *b);

void
waits_count(struct waits_totals *t, long nr, const char *wchan, int helper)
{
	enum waitclass c = waitclass_of(nr, wchan, 0);
	struct waits_row *r;
	size_t i;

	if (helper)
		t->helper_samples++;
	else
		t->samples++, t->by_class[c]++;
	for (i = 0; i < t->nrows; i++) {
		r = &t->rows[i];
		if (r->nr == nr && r->helper == helper && strcmp(r->wchan, wchan) == 0) {
			r->samples++;
			return;
		}
	}
	if (t->nrows == WAITS_MAX_ROWS) {
		t->unlisted++;
		return;
	}
	r = &t->rows[t->nrows++];
	r->nr = nr;
	snprintf(r->wchan, sizeof(r->wchan), "%s", wchan);
	r->cls = c;
	r->helper = helper;
	r->samples = 1;
}

static int
by_samples(const void *a, const void *b)
{
	const struct waits_row *x = a, *y = b;

	return x->samples < y->samples ? 1 : x->samples > y->samples ? -1 :
	    x->nr < y->nr ? -1 : x->nr > y->nr;
}

void
waits_sort(struct waits_totals *t)
{
	qsort(t->rows, t->nrows, sizeof(t->rows[0]), by_samples);
}

unsigned
waits_stride(long nthreads)
{
	return nthreads > WAITS_STRIDE_THREADS ? 1 + (unsigned)((nthreads - 1) / WAITS_STRIDE_THREADS) : 1;
}

int
waits_top_class(const struct waits_totals *t)
{
	int i, top = -1;

	for (i = 0; t != NULL && i < WAITCLASS_N; i++)
		if (t->by_class[i] > 0 && (top == -1 || t->by_class[i] > t->by_class[top]))
			top = i;
	return top;
}

long
waits_top_syscall(const struct waits_totals *t, uint64_t *samples)
{
	uint64_t sum, best = 0;
	size_t i, j;
	long top = -2;

	for (i = 0; t != NULL && i < t->nrows; i++) {
		if (t->rows[i].helper)
			continue;
		for (j = 0; j < i && (t->rows[j].helper || t->rows[j].nr != t->rows[i].nr); j++)
			;
		if (j < i)
			continue;	/* summed at its first row */
		for (sum = 0, j = i; j < t->nrows; j++)
			if (!t->rows[j].helper && t->rows[j].nr == t->rows[i].nr)
				sum += t->rows[j].samples;
		if (sum > best) {
			best = sum;
			top = t->rows[i].nr;
		}
	}
	if (samples != NULL)
		*samples = best;
	return top;
}
