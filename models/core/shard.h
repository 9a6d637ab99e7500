/*
 * shard.h: one share of a run's keys, for runs on several clients that together process a
 * listing once (`exifbench run --shard INDEX/COUNT`, and the MPI layer, harness/mpi/). A key
 * belongs to share hash(key) mod COUNT, where hash is the 64-bit FNV-1a of the key's bytes:
 * every client lists the whole source, keeps its own keys and drops the rest, so no key is
 * run twice or skipped whatever the listing's pages, its order, or a --keys file; the shares
 * are even to within a few percent past a few hundred keys (a hash, not a count).
 */
#ifndef EXIFBENCH_SHARD_H
#define EXIFBENCH_SHARD_H

#include <stddef.h>
#include <stdint.h>

struct shard {
	unsigned index;		/* 0 .. count-1 */
	unsigned count;		/* 1: every key (no sharding) */
};

#define SHARD_MAX 65536

/* 1 when key (NUL-terminated) is in the share s, else 0. */
int shard_has(const struct shard *s, const char *key);

/*
 * Parses a --shard value into s: "INDEX/COUNT" (0 <= INDEX < COUNT <= SHARD_MAX), or, read
 * from the environment, "k8s/COUNT" (INDEX from a Kubernetes Indexed Job's
 * JOB_COMPLETION_INDEX) or "slurm" (a Slurm job array's SLURM_ARRAY_TASK_ID minus
 * SLURM_ARRAY_TASK_MIN out of SLURM_ARRAY_TASK_COUNT, which needs a contiguous array such as
 * --array=0-7; outside an array, an srun step's SLURM_PROCID out of SLURM_NTASKS).
 * 0, or -1 with err saying what is wrong (naming the variable when one is missing or bad).
 */
int shard_parse(const char *text, struct shard *s, char *err, size_t errlen);

#endif
