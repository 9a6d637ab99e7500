/*
 * top.h: a profile's top entries, from its folded stacks (fold.h): per function (a frame,
 * "LIB`FUNCTION") and per library group (frame.h), the samples where it was the leaf (self)
 * and those with it anywhere on the stack (inclusive, a recursive frame counted once). The
 * shares are of all the profile's samples.
 */
#ifndef EXIFBENCH_TOP_H
#define EXIFBENCH_TOP_H

#include <stddef.h>

#include "fold.h"
#include "frame.h"

struct top_entry {
	char name[FRAME_NAME_MAX];	/* "LIB`FUNCTION", or the group's name */
	enum frame_lib lib;
	size_t self, incl;
};

struct top {
	size_t total;			/* the samples */
	struct top_entry *fn;		/* the functions, by self samples, most first */
	size_t nfn;
	struct top_entry lib[FRAME_NLIB];	/* indexed by enum frame_lib */
};

/* The entries of f into t (t->fn owned by t): 0, or -1 when out of memory. */
int top_compute(struct fold *f, struct top *t);
void top_free(struct top *t);

/*
 * The indexes into t->fn of the k functions with the most self samples (by == 0) or the most
 * inclusive ones (by == 1), most first, into idx[0..k-1]: how many (fewer when t has fewer).
 */
size_t top_best(const struct top *t, int by, size_t *idx, size_t k);

#endif
