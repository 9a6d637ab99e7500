/*
 * sampler.h: samples, at the caller's pace (10 Hz in `exifbench bench`), the whole machine's
 * CPU split from /proc/stat and three groups of processes kept apart -- the model under test
 * with all its threads and forked descendants, the S3 server's daemons, and the shaper -- and
 * writes one samples.csv row per interval plus totals over the window.
 *
 * How the figures are taken:
 *   - cpu_s is the process CPU clock (clock_getcpuclockid): the thread group's run time in
 *     nanoseconds, live and exited threads and their exits included, the counter getrusage
 *     sums too; never /proc/PID/stat's utime+stime, which come in whole clock ticks (10 ms)
 *     and read 6-47% below getrusage on short runs, nor taskstats' sum, which misses each
 *     thread's exit. A process watched from birth counts what it ran before the first tick.
 *     It is kept per process as the last value seen plus deltas, so a process that exits
 *     keeps the CPU it had at the last tick. When a group process reaps a child, its
 *     cutime+cstime grow by the child's whole total; what was already counted for that child
 *     (its last CPU and cutime+cstime seen) is subtracted first, so every CPU second counts
 *     once, and the child's CPU after the last tick is not lost -- but known only to a clock
 *     tick, the finest the kernel shows of reaped children, until sampler_settle makes it
 *     exact from the root's rusage. Lost: the last interval's CPU of a group process reaped by
 *     a process outside the group (one interval of that process at most), and the CPU of a
 *     descendant whose parent exits before the first scan sees it.
 *   - run_s, runq_s come from the kernel's per-thread sum_exec_runtime and run_delay (the
 *     fields of /proc/PID/task/TID/schedstat), summed over each thread group by one taskstats
 *     netlink query per process (threads that exited included), or, when the kernel has no
 *     taskstats, by reading every thread's schedstat (then exited threads are missing).
 *   - off_pct is the rest of the thread time: thread_s - run_s - runq_s, where thread_s adds
 *     (threads alive at the end of each interval) x (interval). It is time blocked or
 *     sleeping: waiting on a socket, a lock, a condition variable, a timer. A thread blocked on
 *     a socket is not "iowait" in /proc/stat: the kernel only counts a CPU as iowait while a
 *     task waits on block I/O, so socket waits show as idle there, and as off_pct here.
 *   - vcsw, ivcsw: voluntary and involuntary context switches summed over live threads (a
 *     thread that exits takes its own counts with it; an interval where the sum drops adds 0).
 *   - Descendants are found by scanning /proc for pids that are new since the last scan and
 *     reading their stat once (at every tick, or as often as sampler_scan_every says): a pid
 *     whose parent is in the group joins it, counting from its birth. The zombie of an
 *     exited, unreaped process still shows its final counters and stays in the group with
 *     zero threads; once reaped it is dropped.
 *   - A table of more than PROCTAB_READS processes (a fork pool) reads each at one tick in
 *     several (proctab.h): the totals are the same, but a process's CPU shows in the tick that
 *     reads it, and its threads and RSS are that many ticks old.
 *   - The wait profile (waits.h), of the model group only: at every tick after the first (every
 *     waits_stride-th tick for a group of more than 64 threads), one sample per blocked
 *     thread by its system call and wait channel, and by class.
 */
#ifndef EXIFBENCH_SAMPLER_H
#define EXIFBENCH_SAMPLER_H

#include <stdint.h>
#include <stdio.h>
#include <sys/resource.h>
#include <sys/types.h>

#include "waits.h"

enum sampler_group { SAMPLER_MODEL, SAMPLER_SERVER, SAMPLER_SHAPER, SAMPLER_NGROUPS };

/* "model", "server", "shaper"; "?" for anything else. */
const char *sampler_group_name(enum sampler_group g);

struct sampler_totals {	/* one group, from the first tick to the last */
	double wall_s;		/* first tick to last tick */
	double cpu_s;		/* CPU (+ reaped children's), summed over processes; late_s in */
	double late_s;		/* settled at the end (sampler_settle): seen by no tick */
	double run_s;		/* on a CPU, summed over threads */
	double runq_s;		/* runnable but waiting for a CPU, summed over threads */
	double thread_s;	/* thread-seconds observed (threads alive x interval, summed) */
	double cpu_pct;		/* cpu_s / wall_s * 100 (top style: 200 = two cores busy) */
	double on_pct, runq_pct, off_pct;	/* shares of thread_s: run_s, runq_s, the rest;
						   they sum to 100 (all 0 when thread_s is 0) */
	uint64_t vcsw, ivcsw;	/* context switches in the window */
	uint64_t max_rss_kib;	/* largest group RSS sum seen */
	unsigned max_procs, max_threads, samples;
};

/* % of all CPU time over the window, from /proc/stat; they sum to 100. */
struct sampler_system {
	double user, nice, system, idle, iowait, irq, softirq, steal;
};

/* A sampler watching nothing yet; NULL when out of memory. */
struct sampler *sampler_new(void);
void sampler_free(struct sampler *s);

/*
 * Adds pid to group g. flags: SAMPLER_DESCENDANTS also adds every process descended from it,
 * found as they appear (the model's forked children); SAMPLER_FROM_BIRTH counts it from zero
 * (the caller has just forked it). Otherwise a pid watched before the first tick starts
 * counting there; one watched later starts from zero if it was born after the first tick, else
 * from the next tick. 0, or -1 when g is out of range or pid is not a live process.
 */
#define SAMPLER_DESCENDANTS 1
#define SAMPLER_FROM_BIRTH 2
int sampler_watch(struct sampler *s, enum sampler_group g, pid_t pid, int flags);

/*
 * The caller has reaped the root of group g's one tree of processes (watched with
 * SAMPLER_DESCENDANTS | SAMPLER_FROM_BIRTH, after the last tick), and ru is what wait4 gave:
 * its CPU and its reaped descendants', from the same nanosecond counters. What ru has above
 * the group's cpu_s -- descendants' CPU between their last tick and their exit, which the
 * ticks know only to a clock tick -- is added to cpu_s and shown as late_s (never negative;
 * samples.csv rows are not changed). A group of several trees must not be settled.
 */
void sampler_settle(struct sampler *s, enum sampler_group g, const struct rusage *ru);

/*
 * Writes the samples.csv header line: "<label_header>,t_s,<system cols>,<group cols>". The
 * label columns are the caller's: label_header names them, and sampler_tick writes the cells
 * it is given pre-formatted.
 */
void sampler_csv_header(FILE *f, const char *label_header);

/*
 * Takes one sample now. The first tick is the baseline; each later one writes one row
 * "label,t_s,..." to csv (when csv is not NULL) with the rates over the interval, and adds to
 * the totals. Columns: t_s (seconds since the first tick); cpu_user_pct .. cpu_steal_pct (% of
 * all CPUs); then per group: _cpu_pct (% of one core), _on_pct, _runq_pct, _off_pct (shares of
 * thread time), _procs, _threads, _vcsw_per_s, _ivcsw_per_s, _rss_kib. 0, or -1 when /proc/stat
 * cannot be read or memory runs out.
 */
int sampler_tick(struct sampler *s, FILE *csv, const char *label);

/* The totals of group g (all zero before two ticks). */
void sampler_totals(const struct sampler *s, enum sampler_group g, struct sampler_totals *t);

/* The machine's CPU split from the first tick to the last (all zero before two ticks). */
void sampler_system(const struct sampler *s, struct sampler_system *sys);

/*
 * CPU seconds the sampler itself spent in sampler_tick (CLOCK_THREAD_CPUTIME_ID), to show its
 * overhead; divide by the ticks taken (sampler_ticks) for one tick's cost.
 */
double sampler_cost_s(const struct sampler *s);

/* Ticks taken so far, the baseline included. */
unsigned sampler_ticks(const struct sampler *s);

/*
 * Looks for new descendants at most once per this many seconds (0, the default: at every
 * tick). Listing /proc walks every task on the machine, the largest part of a tick on a busy
 * one; a descendant found later still counts from its birth (proctab_scan_every).
 */
void sampler_scan_every(struct sampler *s, double seconds);

/*
 * The model group's wait profile from the second tick to the last (waits.h): samples by class
 * and the (syscall, wchan, samples) rows. All zero before two ticks or when s is NULL.
 */
void sampler_waits(const struct sampler *s, struct waits_totals *w);

/* 1 when the per-thread counters come from taskstats, 0 when from every thread's files. */
int sampler_uses_taskstats(const struct sampler *s);

#endif
