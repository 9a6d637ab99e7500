/*
 * fold.h: a CPU profile's stacks, folded. `perf script -F comm,period,ip,sym,dso` prints one
 * sample as a header line, then one line per frame from the leaf to the root, then a blank
 * line; fold_line takes those lines one by one and counts each unique stack as one folded
 * line, its frames from the root to the leaf joined by ';' ("libc.so.6`start_thread;
 * exifbench`worker_main;libcurl.so.4`curl_easy_perform 12"). Memory is bounded: past
 * max_bytes of stacks, a sample of a new stack counts under FOLD_OVERFLOW instead.
 */
#ifndef EXIFBENCH_FOLD_H
#define EXIFBENCH_FOLD_H

#include <stddef.h>
#include <stdio.h>

/* The frames a stack keeps, its leaf-most (the rest counts as FOLD_CUT at its root). */
#define FOLD_MAX_FRAMES 128
/* The stack that holds the samples of the stacks past the memory bound. */
#define FOLD_OVERFLOW "[stacks past the profile's memory bound]"
/* The root frame of a stack cut at FOLD_MAX_FRAMES. */
#define FOLD_CUT "[deeper frames cut]"

struct fold;

struct fold_entry {
	const char *stack;	/* frames root first, ';'-separated */
	size_t count;		/* its samples */
};

/* An empty profile that keeps up to max_bytes of stacks (0: 64 MiB); NULL when out of memory. */
struct fold *fold_new(size_t max_bytes);
void fold_free(struct fold *f);

/* One line of `perf script` output (its newline optional). 0, or -1 when out of memory. */
int fold_line(struct fold *f, const char *line);

/* Ends the sample in progress (the output's end). 0, or -1 when out of memory. */
int fold_end(struct fold *f);

/* Adds count samples of a folded stack ("a;b;c"). 0, or -1 when out of memory. */
int fold_add(struct fold *f, const char *stack, size_t count);

/*
 * Reads a folded file's lines ("STACK COUNT") into f: 0, or -1 with err set (a line without
 * a count, out of memory).
 */
int fold_read(struct fold *f, FILE *in, char *err, size_t errlen);

/* The samples counted, and the unique stacks. */
size_t fold_samples(const struct fold *f);
size_t fold_count(const struct fold *f);

/*
 * The stacks sorted by their text (so stacks that share a root are neighbours: the flame
 * graph's order), valid until f changes or is freed; *n their number. NULL with *n 0 when
 * there are none or memory ran out.
 */
const struct fold_entry *fold_sorted(struct fold *f, size_t *n);

/* Writes the sorted stacks, one "STACK COUNT" line each: 0, or -1 (a write error). */
int fold_write(struct fold *f, FILE *out);

#endif
