/*
 * waitclass.c: names and classes for what a blocked thread waits on. The wait channel says
 * more than the call for the read and write family (a pipe or a socket); the call says more
 * than the channel for poll and epoll (poll_schedule_timeout, do_epoll_wait name no file).
 * The channel names are the kernel's functions, so they move between versions: each class
 * matches prefixes that have held across recent kernels (pipe_read became anon_pipe_read,
 * futex_wait_queue became futex_do_wait), and a thread that matches none is "other", never
 * guessed.
 */
#include "waitclass.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct sysname {
	long nr;
	const char *name;
};

static int chan_match(const char *wchan, const char *const *prefixes);
static int is_rw(long nr);

static const char *const class_names[] = {
#define X(name, phrase) #name,
	WAITCLASS_LIST(X)
#undef X
};
static const char *const class_phrases[] = {
#define X(name, phrase) phrase,
	WAITCLASS_LIST(X)
#undef X
};

#if defined(__x86_64__)
static const struct sysname sysnames[] = {
	{ 0, "read" }, { 1, "write" }, { 7, "poll" }, { 17, "pread64" }, { 18, "pwrite64" },
	{ 19, "readv" }, { 20, "writev" }, { 23, "select" }, { 34, "pause" },
	{ 35, "nanosleep" }, { 42, "connect" }, { 43, "accept" }, { 44, "sendto" },
	{ 45, "recvfrom" }, { 46, "sendmsg" }, { 47, "recvmsg" }, { 61, "wait4" },
	{ 74, "fsync" }, { 75, "fdatasync" }, { 128, "rt_sigtimedwait" },
	{ 130, "rt_sigsuspend" }, { 202, "futex" }, { 230, "clock_nanosleep" },
	{ 232, "epoll_wait" }, { 247, "waitid" }, { 257, "openat" }, { 270, "pselect6" },
	{ 271, "ppoll" }, { 281, "epoll_pwait" }, { 288, "accept4" }, { 295, "preadv" },
	{ 296, "pwritev" }, { 299, "recvmmsg" }, { 307, "sendmmsg" }, { 441, "epoll_pwait2" },
	{ 449, "futex_waitv" },
};
#define NSYS (sizeof(sysnames) / sizeof(sysnames[0]))
#else
static const struct sysname sysnames[] = { { -2, NULL } };
#define NSYS 0
#endif

static const char *const disk_chans[] = { "io_schedule", "folio_wait", "wait_on_page",
	"__lock_page", "__folio_lock", "blk_", "bit_wait_io", "jbd2_", "wait_on_buffer",
	"__wait_on_buffer", "filemap_", NULL };
static const char *const pipe_chans[] = { "pipe_read", "pipe_write", "anon_pipe_",
	"pipe_wait", "do_wait", NULL };
static const char *const sock_chans[] = { "sk_wait_data", "wait_woken", "unix_stream_",
	"unix_dgram_", "inet_csk_", "sk_stream_wait_", "tcp_", "__skb_wait_for_more_packets",
	"__skb_recv", NULL };

const char *
waitclass_name(enum waitclass c)
{
	return (unsigned)c < WAITCLASS_N ? class_names[c] : "?";
}

const char *
waitclass_phrase(enum waitclass c)
{
	return (unsigned)c < WAITCLASS_N ? class_phrases[c] : "?";
}

int
waitclass_from_name(const char *name)
{
	int i;

	for (i = 0; name != NULL && i < WAITCLASS_N; i++)
		if (strcmp(name, class_names[i]) == 0)
			return i;
	return -1;
}

int
waitclass_parse_syscall(const char *text, long *nr)
{
	char *end;
	long v;

	if (text == NULL || nr == NULL)
		return -1;
	if (strncmp(text, "running", 7) == 0)
		return 1;
	v = strtol(text, &end, 10);
	if (end == text || (*end != ' ' && *end != '\n' && *end != '\0') || v < -1)
		return -1;
	*nr = v;
	return 0;
}

/* 1 when wchan begins with one of prefixes (NULL-terminated). */
static int
chan_match(const char *wchan, const char *const *prefixes)
{
	for (; *prefixes != NULL; prefixes++)
		if (strncmp(wchan, *prefixes, strlen(*prefixes)) == 0)
			return 1;
	return 0;
}

/* The read and write family, which wait on whatever the fd is. */
static int
is_rw(long nr)
{
	const char *n = waitclass_syscall_name(nr);

	return n != NULL && (strcmp(n, "read") == 0 || strcmp(n, "write") == 0 ||
	    strncmp(n, "readv", 5) == 0 || strncmp(n, "writev", 6) == 0 ||
	    strncmp(n, "pread", 5) == 0 || strncmp(n, "pwrite", 6) == 0);
}

/* The class system call n gives alone, or -1 when its wait channel must decide. */
static int
by_call(const char *n)
{
	if (n == NULL)
		return -1;
	if (strncmp(n, "futex", 5) == 0)
		return WAITCLASS_lock;
	if (strstr(n, "nanosleep") != NULL)
		return WAITCLASS_sleep;
	if (strcmp(n, "wait4") == 0 || strcmp(n, "waitid") == 0)
		return WAITCLASS_pipe;
	if (strstr(n, "poll") != NULL || strstr(n, "select") != NULL ||
	    strncmp(n, "recv", 4) == 0 || strncmp(n, "send", 4) == 0 ||
	    strcmp(n, "connect") == 0 || strncmp(n, "accept", 6) == 0)
		return WAITCLASS_network;
	return -1;
}

int
waitclass_decided(long nr)
{
	return nr != -1 && by_call(waitclass_syscall_name(nr)) >= 0;
}

enum waitclass
waitclass_of(long nr, const char *wchan, char state)
{
	const char *n = waitclass_syscall_name(nr);
	int c;

	if (wchan == NULL || strcmp(wchan, "0") == 0 || strcmp(wchan, "0\n") == 0)
		wchan = "";
	if (state == 'D' || chan_match(wchan, disk_chans))
		return WAITCLASS_disk;
	if (nr == -1)
		return WAITCLASS_other;
	if ((c = by_call(n)) >= 0)
		return (enum waitclass)c;
	if (strncmp(wchan, "hrtimer_nanosleep", 17) == 0)
		return WAITCLASS_sleep;
	if (chan_match(wchan, pipe_chans))
		return WAITCLASS_pipe;
	if ((is_rw(nr) || n == NULL) && chan_match(wchan, sock_chans))
		return WAITCLASS_network;
	return WAITCLASS_other;
}

const char *
waitclass_syscall_name(long nr)
{
	size_t i;

	if (nr == -1)
		return "none";
	for (i = 0; i < NSYS; i++)
		if (sysnames[i].nr == nr)
			return sysnames[i].name;
	return NULL;
}

const char *
waitclass_syscall_text(long nr, char *buf, size_t size)
{
	const char *n = waitclass_syscall_name(nr);

	if (n != NULL || buf == NULL || size == 0)
		return n != NULL ? n : "?";
	snprintf(buf, size, "syscall_%ld", nr);
	return buf;
}
