/*
 * procfs.h: what /proc tells about CPU use. The parsers are pure (text in, struct out, 0 or
 * -1), so tests feed them captured files; each reader does one read() of the file (by path,
 * or by an fd kept open) into a stack buffer and calls its parser. Times are in clock ticks
 * (sysconf(_SC_CLK_TCK)) or nanoseconds, as the kernel gives them.
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

/* /proc/PID/task/TID/status: one task's context switches, and the process's resident set. */
struct procfs_status {
	uint64_t vcsw, ivcsw;	/* voluntary (blocked), involuntary (preempted) */
	uint64_t vmrss_kib;	/* 0 when absent (kernel threads, zombies) */
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
 * Readers: /proc/stat, /proc/PID/stat, /proc/PID/task/TID/schedstat,
 * /proc/PID/task/TID/status, /proc/loadavg. 0, or -1 when the file cannot be read (the process
 * is gone: errno ENOENT or ESRCH) or does not parse.
 */
int procfs_read_cpu(struct procfs_cpu *out);
int procfs_read_stat(pid_t pid, struct procfs_stat *out);
int procfs_read_sched(pid_t pid, pid_t tid, struct procfs_sched *out);
int procfs_read_status(pid_t pid, pid_t tid, struct procfs_status *out);
int procfs_read_lastpid(pid_t *out);

/*
 * /proc/PID/stat kept open, for a reader called every tick: procfs_open_stat opens it
 * close-on-exec (an fd, or -1), and procfs_pread_stat reads it again at offset 0, which
 * regenerates the text and spares the path lookup, open and close. The fd still reads a
 * zombie, and fails with ESRCH once the process is reaped, even when its pid is reused. 0, or
 * -1 as the readers above.
 */
int procfs_open_stat(pid_t pid);
int procfs_pread_stat(int fd, struct procfs_stat *out);

#endif
