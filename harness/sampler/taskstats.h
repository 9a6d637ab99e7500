/*
 * taskstats.h: one thread group's scheduler counters and context switches, summed over its
 * threads: from one taskstats query (TASKSTATS_CMD_ATTR_TGID over generic netlink) when the
 * kernel has taskstats, else the slow way from every thread's files in /proc/PID/task.
 */
#ifndef EXIFBENCH_TASKSTATS_H
#define EXIFBENCH_TASKSTATS_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "procfs.h"

/* One thread group's counters: schedstat figures plus context switches, summed over threads. */
struct taskstats_tgid {
	struct procfs_sched sched;
	uint64_t vcsw, ivcsw;
};

/*
 * The taskstats query: the kernel sums sum_exec_runtime, run_delay and pcount over live
 * threads and over the threads that already exited, and nvcsw/nivcsw over live threads only --
 * about 20 us for 600 threads. A zombie's own counters are left out by the kernel (it skips
 * exited tasks); for a zombie, take the larger of this and taskstats_read_threads, which still
 * lists the leader. taskstats_nl_new returns NULL (with err filled) when the kernel has no
 * taskstats. taskstats_read_tgid returns 0, or -1 when pid is not a live thread group or the
 * query fails.
 */
struct taskstats_nl;
struct taskstats_nl *taskstats_nl_new(char *err, size_t errlen);
void taskstats_nl_free(struct taskstats_nl *nl);
int taskstats_read_tgid(struct taskstats_nl *nl, pid_t pid, struct taskstats_tgid *out);

/*
 * The same query for up to TASKSTATS_BATCH thread groups at once: one send, one receive.
 * Sets ask[i].ok to 1 when ask[i].tg holds ask[i].pid's figures, else 0 (not a live thread
 * group, or the reply was lost): ask that one alone. The number answered, or -1 on bad
 * arguments (nl NULL included).
 */
#define TASKSTATS_BATCH 32
struct taskstats_ask {
	pid_t pid;
	int ok;
	struct taskstats_tgid tg;
};
int taskstats_read_many(struct taskstats_nl *nl, struct taskstats_ask *ask, size_t n);

/* Parses a taskstats reply message for pid (pure, for the tests); 0 or -1. */
int taskstats_parse_reply(const void *msg, size_t len, pid_t pid, struct taskstats_tgid *out);

/*
 * The slow way: schedstat and status of every thread in /proc/PID/task (two files per thread;
 * radosgw has ~600 threads, which costs ~10 ms). Threads that exited are missing. 0, or -1
 * when no thread could be read.
 */
int taskstats_read_threads(pid_t pid, struct taskstats_tgid *out);

/*
 * The figures the sampler uses: the taskstats query (nl may be NULL: none); and for a zombie,
 * or when there is no query or it fails, the larger of each figure from it and from the
 * per-thread files (slices: the query's only). 0, or -1 when the files were needed and could
 * not be read (out then holds the query's figures, or zeros).
 */
int taskstats_read_best(struct taskstats_nl *nl, pid_t pid, int zombie,
    struct taskstats_tgid *out);

#endif
