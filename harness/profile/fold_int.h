/*
 * fold_int.h: the layout of struct fold (fold.h), shared by its two files: fold.c (the table
 * of stacks) and fold_perf.c (the `perf script` lines). Internal to harness/profile/.
 */
#ifndef EXIFBENCH_FOLD_INT_H
#define EXIFBENCH_FOLD_INT_H

#include <stdint.h>

#include "fold.h"
#include "frame.h"

#define STACK_MAX (FOLD_MAX_FRAMES * FRAME_NAME_MAX + sizeof(FOLD_CUT) + 1)

struct slot {
	char *stack;		/* NULL: free */
	size_t count;
	uint64_t hash;
};

struct fold {
	struct slot *tab;
	size_t cap, n, bytes, max_bytes, samples;
	int in_sample;
	size_t nframes, cut;	/* this sample's frames, and those past FOLD_MAX_FRAMES */
	char frames[FOLD_MAX_FRAMES][FRAME_NAME_MAX];
	char stack[STACK_MAX];
	struct fold_entry *sorted;
	size_t nsorted;
	int dirty;
};

#endif
