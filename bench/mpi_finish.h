/*
 * mpi_finish.h: the end of a multi-client `run` on rank 0 (the MPI layer's program,
 * mpi_main.c): what each rank reports once its client has ended, the merged folder written
 * from it (harness/mpi/merge.h) or the reasons no client ran, and the summary on stdout.
 */
#ifndef EXIFBENCH_MPI_FINISH_H
#define EXIFBENCH_MPI_FINISH_H

#include <stdint.h>

#include "run_opts.h"
#include "harness/results/results.h"

/* What each rank tells rank 0 once its client has ended. */
struct rank_info {
	char host[64];
	int32_t ok;		/* its client started (set up and went) */
	int32_t exit_code, signal;
	int64_t start_ns;	/* its client's start, on its own clock */
	int64_t barrier_ns;	/* when it entered the start barrier, on its own clock */
	int64_t offset_ns, rtt_ns;
	double barrier_s, cpu_s;
	int64_t max_rss_kib;
	uint64_t recovered;
	char error[512];
};

/*
 * The merged folder's first meta.json, "running" until rank 0 merges: a run cut short before
 * that (mpirun's SIGKILL a second after Ctrl-C) leaves a folder that says it is not whole.
 * 0, or -1 with err.
 */
int mpi_running_meta(struct results *res, unsigned ranks, char *err, size_t errlen);

/*
 * Rank 0, after the gather: the merged folder of options a in dir (res open on it) from the
 * clients' reports all[0..n) and folders under dir/ranks/, closed; the summary (JSON with
 * json) on stdout, each rank's error on stderr. clock_s and gather_s: what the clock offsets
 * and the gather took. The exit code: 0, 1 some keys failed, 130 partial, 3 set-up.
 */
int mpi_finish(const struct run_args *a, const char *dir, struct results *res,
    struct rank_info *all, unsigned n, double clock_s, double gather_s, int json);

#endif
