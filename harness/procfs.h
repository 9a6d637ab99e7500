/*
 * procfs.h: what the kernel tells about CPU use, read from /proc and from the taskstats netlink
 * family. The parsers are pure (text in, struct out, 0 or -1), so tests feed them captured
 * files; each reader does one read() of the file into a stack buffer and calls its parser.
 * Times are in clock ticks (sysconf(_SC_CLK_TCK)) or nanoseconds, as the kernel gives them.
 */
#ifndef EXIFBENCH_PROCFS_H
#define EXIFBENCH_PROCFS_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/* The first "cpu " line of /proc/stat: all CPUs, in ticks. */
struct procfs_cpu {
	uint64_t user, nice, system, idle, iowait, irq, softirq, steal;
};

/* /proc/PID/stat. utime..cstime cover the whole thread group (cutime, cstime: reaped children). */
struct procfs_stat {
	pid_t pid, ppid;
	char comm[64];		/* between the first '(' and the LAST ')', truncated to fit */
	char state;		/* R S D Z T t X I ... */
	uint64_t utime, stime, cutime, cstime;	/* ticks */
	long num_threads;
	uint64_t starttime;	/* ticks after boot */
	uint64_t rss;		/* pages; 0 for a zombie */
};

/* /proc/PID/task/TID/schedstat, or the same figures summed over a thread group. */
struct procfs_sched {
	uint64_t run_ns;	/* time on a CPU */
	uint64_t wait_ns;	/* time runnable, waiting on a run queue */
	uint64_t slices;	/* times it was put on a CPU */
};

/* /proc/PID/status: one task's context switches, and the process's resident set. */
struct procfs_status {
	uint64_t vcsw, ivcsw;	/* voluntary (blocked), involuntary (preempted) */
	uint64_t vmrss_kib;	/* 0 when absent (kernel threads, zombies) */
};

/* One thread group's counters: schedstat figures plus context switches, summed over threads. */
struct procfs_tgid {
	struct procfs_sched sched;
	uint64_t vcsw, ivcsw;
};

/* Parsers: text is NUL-terminated. 0, or -1 on truncated or malformed text. */
int procfs_parse_cpu(const char *text, struct procfs_cpu *out);
int procfs_parse_stat(const char *text, struct procfs_stat *out);
int procfs_parse_sched(const char *text, struct procfs_sched *out);
int procfs_parse_status(const char *text, struct procfs_status *out);
/* /proc/loadavg's last field: the pid most recently given out, to tell whether any process
   was created since the last look without listing /proc. */
int procfs_parse_lastpid(const char *text, pid_t *out);

/*
 * Readers: /proc/stat, /proc/PID/stat, /proc/PID/task/TID/schedstat, /proc/PID/status,
 * /proc/loadavg. 0, or -1
 * when the file cannot be read (the process is gone: errno ENOENT or ESRCH) or does not parse.
 */
int procfs_read_cpu(struct procfs_cpu *out);
int procfs_read_stat(pid_t pid, struct procfs_stat *out);
int procfs_read_sched(pid_t pid, pid_t tid, struct procfs_sched *out);
int procfs_read_status(pid_t pid, struct procfs_status *out);
int procfs_read_lastpid(pid_t *out);

/*
 * A thread group's counters the slow way: schedstat and status of every thread in
 * /proc/PID/task (two files per thread; radosgw has ~600 threads, which costs ~10 ms). Threads
 * that exited are missing. 0 or -1.
 */
int procfs_read_tgid_threads(pid_t pid, struct procfs_tgid *out);

/*
 * The same counters from one taskstats query (TASKSTATS_CMD_ATTR_TGID over generic netlink):
 * the kernel sums sum_exec_runtime, run_delay and pcount over live threads and over the threads
 * that already exited, and nvcsw/nivcsw over live threads only -- about 20 us for 600 threads.
 * A zombie's own counters are left out by the kernel (it skips exited tasks); for a zombie,
 * take the larger of this and procfs_read_tgid_threads, which still lists the leader.
 * procfs_nl_new returns NULL (with err filled) when the kernel has no taskstats.
 */
struct procfs_nl;
struct procfs_nl *procfs_nl_new(char *err, size_t errlen);
void procfs_nl_free(struct procfs_nl *nl);
int procfs_read_tgid_nl(struct procfs_nl *nl, pid_t pid, struct procfs_tgid *out);

/* Parses a taskstats reply message (for the tests); 0 or -1. */
int procfs_parse_nl_reply(const void *msg, size_t len, pid_t pid, struct procfs_tgid *out);

#endif
