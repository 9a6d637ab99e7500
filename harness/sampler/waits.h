/*
 * waits.h: the wait profile of a group of processes. At each of the sampler's ticks, every live
 * thread of each process it is shown has its /proc/PID/task/TID/syscall read; a thread that is
 * not "running" is blocked, so its wchan is read too, and one sample is counted for it by
 * (system call, wait channel) and by class (waitclass.h). A sample is one blocked thread seen
 * at one tick: at 10 Hz, ten samples are about one thread-second off a CPU. Files are kept
 * open per thread and read again with pread, and a process's thread list is listed again only
 * when its thread count changes or a thread's file fails (it exited), so a tick reads two small
 * files per blocked thread and one per running thread.
 *
 * The toolkit's own helper threads (the records writer, the lister: named "eb-..." with
 * pthread_setname_np; each thread's comm is read once, when it is first listed) are not the
 * model's waits: an idle writer parked in futex would weigh as much as the event loop. Their
 * samples are kept apart (helper_samples, rows with helper set) and are in no class share.
 */
#ifndef EXIFBENCH_WAITS_H
#define EXIFBENCH_WAITS_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "waitclass.h"

/* Files kept open in all: a thread's syscall, and its wchan once a call of it needed that
   (up to 512 threads blocked in calls that give their class alone, 256 in others); the rest
   are read by path at each tick (open, read, close), so a model of a thread per request
   leaves the harness its descriptors under the default limit of 1,024. */
#define WAITS_MAX_FDS 512
#define WAITS_MAX_ROWS 64	/* distinct (syscall, wchan) pairs kept; the rest: unlisted */
#define WAITS_WCHAN_LEN 48
#define WAITS_STRIDE_THREADS 64	/* waits_stride: a group past this is read less often */
#define WAITS_HELPER_PREFIX "eb-"	/* a thread whose comm begins so is the toolkit's */

struct waits_row {
	long nr;			/* system call number, -1 for none */
	char wchan[WAITS_WCHAN_LEN];	/* "" when the kernel showed none */
	enum waitclass cls;
	int helper;			/* the toolkit's helper threads' row, not the model's */
	uint64_t samples;
};

struct waits_totals {
	uint64_t samples;			/* the model's blocked-thread samples */
	uint64_t by_class[WAITCLASS_N];		/* they sum to samples */
	uint64_t helper_samples;		/* the toolkit's helper threads', in no class */
	uint64_t unlisted;			/* samples (either kind) in no row: table full */
	size_t nrows;
	struct waits_row rows[WAITS_MAX_ROWS];	/* most samples first */
};

/* An empty profile; NULL when out of memory. waits_free closes every file it holds. */
struct waits *waits_new(void);
void waits_free(struct waits *w);

/*
 * One tick: waits_begin, then waits_sample for every live process of the group (nthreads: its
 * thread count as just read from its stat, to notice a changed thread list; count 0 reads the
 * files but counts nothing, as the baseline tick does), then waits_end, which drops (and
 * closes the files of) the processes not sampled in this tick. waits_sample: 0, or -1 when
 * its task list cannot be read (the process is gone) or memory runs out.
 */
void waits_begin(struct waits *w);
int waits_sample(struct waits *w, pid_t pid, long nthreads, int count);
void waits_end(struct waits *w);

/* The totals so far (all zero when w is NULL), rows in waits_sort's order. */
void waits_totals(const struct waits *w, struct waits_totals *out);

/*
 * waits_count.c. waits_count: one blocked sample of system call nr in wait channel wchan ("" for
 * none) into t, the model's or (helper) the toolkit's: its class's count and its row (a new
 * row while fewer than WAITS_MAX_ROWS, else unlisted). waits_sort: rows by samples, most
 * first, then by system call number.
 */
void waits_count(struct waits_totals *t, long nr, const char *wchan, int helper);
void waits_sort(struct waits_totals *t);

/*
 * A sampling stride for a group of nthreads threads: the wait profile is read at one tick in
 * the stride (1 up to WAITS_STRIDE_THREADS threads, then one more per as many), so a model of
 * hundreds of threads or a pool of hundreds of processes keeps the sampler under 1% of a core;
 * shares are unchanged, samples fewer.
 */
unsigned waits_stride(long nthreads);

/* The class with the most samples (the first in WAITCLASS_LIST order on a tie), or -1 when
   t has no samples. */
int waits_top_class(const struct waits_totals *t);

/*
 * The system call with the most samples over the model's rows (wait channels summed; helper
 * rows are not counted), its samples in *samples; -2 when t has no model rows. Unlisted samples
 * count for none.
 */
long waits_top_syscall(const struct waits_totals *t, uint64_t *samples);

#endif
