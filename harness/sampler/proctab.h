/*
 * proctab.h: the processes the sampler watches, each in a group, and their CPU counters. A
 * process watched with descendants brings in every process descended from it, found as they
 * appear (pidscan.h). Each sample reads every process's CPU clock and its thread group's
 * counters (taskstats.h), and its /proc/PID/stat (a wide table: see PROCTAB_READS), and adds its change
 * since the last sample to its group's sums; the accounting rules (reaped children, zombies,
 * pid reuse) are set out in sampler.h.
 */
#ifndef EXIFBENCH_PROCTAB_H
#define EXIFBENCH_PROCTAB_H

#include <stdint.h>
#include <sys/types.h>

/* One group's sums over one interval (or, summed by the caller, over a window). */
struct proctab_acc {
	double cpu_s;		/* the thread groups' CPU (ns counters), and reaped children's
				   not counted before (cutime+cstime, to a clock tick) */
	double run_s, runq_s;	/* on a CPU, and runnable waiting for one, summed over threads */
	double thread_s;	/* left to the caller: threads x interval */
	uint64_t vcsw, ivcsw;	/* context switches */
	uint64_t rss_kib;	/* resident set, summed over processes */
	unsigned procs, threads;	/* processes and live threads at this sample */
};

/*
 * A table of up to this many processes reads every one at every sample: its CPU clock, its
 * stat and its taskstats. A wider one (a fork pool) reads each at one sample in
 * ceil(n / PROCTAB_READS), spread by pid, so a sample costs about the same from that many up;
 * besides, it reads at every sample each process new to it, each zombie, and each parent of
 * another, and when a parent's cutime+cstime grew (it reaped a child) every child of it, so
 * a reaped child is found gone at the sample its CPU reaches its parent's count and is
 * counted once. A process's counters are deltas of counters, so the totals are the same;
 * what moves is when they show: a process's CPU lands in the sample that reads it (a group
 * row of samples.csv holds that many intervals of that fraction of the processes), and its
 * threads, RSS and zombie state are up to that many samples old. A pid reused before its next
 * read would count as its old self until then: only if pid_max wraps within that time.
 */
#define PROCTAB_READS 32

/* An empty table; NULL when out of memory. */
struct proctab *proctab_new(void);
void proctab_free(struct proctab *t);

/*
 * Adds pid to group (>= 0), or moves it there when watched already. flags: PROCTAB_DESCENDANTS
 * also brings in its descendants; PROCTAB_FROM_BIRTH counts it from zero (the caller forked it
 * just now, so all its CPU is the run's). Otherwise a pid watched before the first sample
 * starts counting there; one watched later starts from zero if it was born after the first
 * sample, else from the next sample. 0, or -1 when pid is not a live process or memory runs
 * out.
 */
#define PROCTAB_DESCENDANTS 1
#define PROCTAB_FROM_BIRTH 2
int proctab_watch(struct proctab *t, int group, pid_t pid, int flags);

/*
 * Takes one sample: adopts new descendants, drops the processes that were reaped (or whose pid
 * was reused), and adds each remaining process's interval to g[its group], which the caller
 * zeroes and sizes for every group watched. The first sample of a process only sets its base
 * (procs, threads and rss_kib still count). 0, or -1 when adopting ran out of memory (what is
 * known is still sampled).
 */
int proctab_sample(struct proctab *t, struct proctab_acc *g);

/*
 * Scans for new descendants at most once per this many seconds (0, the default: at every
 * sample; the first sample always scans). A descendant found late still counts from its
 * birth, and one that is reaped unseen by a group process is in that process's cutime, so
 * only when the CPU shows in a sample moves, never how much. NULL is ignored.
 */
void proctab_scan_every(struct proctab *t, double seconds);

/*
 * Calls fn(arg, pid, threads) for each process of group that was alive (not a zombie) at the
 * last sample, threads being its thread count then. NULL t or fn is ignored.
 */
typedef void (*proctab_each_fn)(void *arg, pid_t pid, long threads);
void proctab_each(const struct proctab *t, int group, proctab_each_fn fn, void *arg);

/* 1 when the thread groups' counters come from taskstats, 0 when from every thread's files. */
int proctab_uses_taskstats(const struct proctab *t);

#endif
