/*
 * waitclass.h: what a blocked thread waits on, from what /proc shows of it: the system call it
 * is in (the first field of /proc/PID/task/TID/syscall: a number, -1 when it is in the kernel
 * but not in a system call, "running" when on a CPU), its kernel wait channel
 * (/proc/PID/task/TID/wchan) and, when known, its state letter. Pure functions, no I/O: the
 * sampler (waits.h) reads the files, these name and classify what it read. The syscall numbers
 * are x86-64's; on another architecture no number is named and the wait channel decides.
 */
#ifndef EXIFBENCH_WAITCLASS_H
#define EXIFBENCH_WAITCLASS_H

#include <stddef.h>

/* The classes, in report order; the name is the one in waits.csv and model_wait_<name>_pct. */
#define WAITCLASS_LIST(X) \
	X(network, "waiting on the network") \
	X(lock, "waiting on a lock or for work") \
	X(pipe, "waiting on a pipe or a child process") \
	X(sleep, "sleeping") \
	X(disk, "waiting on the disk or a page fault") \
	X(other, "waiting on something else")

enum waitclass {
#define X(name, phrase) WAITCLASS_##name,
	WAITCLASS_LIST(X)
#undef X
	WAITCLASS_N
};

/* "network" .. "other"; "?" out of range. */
const char *waitclass_name(enum waitclass c);

/* The verdict's words: "waiting on the network", ...; "?" out of range. */
const char *waitclass_phrase(enum waitclass c);

/* The class named name ("lock"), or -1. */
int waitclass_from_name(const char *name);

/*
 * The first field of a syscall file's text: 0 with *nr set (a number, or -1), 1 when the text
 * says "running" (the thread was on a CPU: not a wait), -1 when text is NULL or malformed.
 */
int waitclass_parse_syscall(const char *text, long *nr);

/*
 * A blocked thread's class. nr: its system call, -1 when none; wchan: the wait channel text
 * (a trailing newline ignored; NULL or "" or "0" when unknown); state: 'D' (uninterruptible:
 * disk or a page fault), another letter, or 0 when not read. Rules, first match wins: D state,
 * or a wait channel of the block layer or the page cache (io_schedule, folio_wait_*, ...): disk;
 * -1: other; then the call alone (waitclass_decided's calls): futex: lock; nanosleep,
 * clock_nanosleep: sleep; wait4, waitid: pipe; poll, ppoll, select, pselect6, epoll_wait,
 * epoll_pwait(2), the socket calls (recv*, send*, connect, accept*): network; then the
 * channel: hrtimer_nanosleep: sleep; a pipe channel (pipe_read, pipe_write, anon_pipe_*,
 * pipe_wait*): pipe; a socket channel (sk_wait_data, wait_woken, unix_stream_*, inet_csk_*,
 * sk_stream_wait_*, tcp_*) under a read or write family call or an unnamed one: network; the
 * rest: other.
 */
enum waitclass waitclass_of(long nr, const char *wchan, char state);

/*
 * 1 when system call nr alone gives its class (futex, the sleeps, wait4 and waitid, the poll,
 * select and socket calls: waitclass_of with an empty wait channel and no state says the
 * same), so the sampler need not read the thread's wait channel, the dearer of its two files
 * (a symbol lookup in the kernel); 0 for the read and write family, -1 and unnamed calls.
 */
int waitclass_decided(long nr);

/*
 * The x86-64 name of system call nr for the calls threads commonly block in ("epoll_wait"),
 * "none" for -1; NULL for a number not in the table.
 */
const char *waitclass_syscall_name(long nr);

/* As waitclass_syscall_name, but never NULL: "syscall_<nr>" written to buf for the rest. */
const char *waitclass_syscall_text(long nr, char *buf, size_t size);

#endif
