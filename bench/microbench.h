/*
 * microbench.h: what the two files of `make microbench` share: the corpus held in memory and
 * the table of benchmarks (microbench_passes.c), which the runner (microbench.c) times.
 */
#ifndef EXIFBENCH_MICROBENCH_H
#define EXIFBENCH_MICROBENCH_H

#include <stddef.h>

#define MICROBENCH_NBASE 2	/* baselines per benchmark at most */

struct mb_image {
	char *name;
	unsigned char *buf;
	size_t len;
};

/* Every file of the corpus folder, read whole, sorted by name. */
struct mb_corpus {
	struct mb_image *img;
	size_t n, bytes;
};

/* One pass over the corpus. Returns a figure derived from the work, so none is optimised away. */
typedef size_t (*pass_fn)(const struct mb_corpus *c);

struct microbench {
	const char *name;
	const char *what;
	pass_fn pass;
	const char *baseline[MICROBENCH_NBASE];	/* the benchmarks it is compared with, or NULL */
	const char *(*ready)(void);	/* NULL, or says why it cannot run here (NULL: it can) */
};

/* The benchmarks, in the order they run and print. */
extern const struct microbench microbench_table[];
extern const size_t microbench_count;

/*
 * The request rows (microbench_s3.c): NULL when the endpoint of AWS_* can be reached with
 * its credentials read, else why not; and a pass of one HEAD per image, signed by curl's
 * SigV4 or not.
 */
const char *microbench_s3_ready(void);
size_t microbench_head_sigv4(const struct mb_corpus *c);
size_t microbench_head_request(const struct mb_corpus *c);

#endif
