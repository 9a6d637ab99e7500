/*
 * waits.c: the wait profile's reader and counts. Per process it keeps the list of its threads
 * and, per thread, its syscall file open, and its wchan file from the first tick that needs it
 * (a call that alone does not give the class); a tick preads them. The list is read again
 * from /proc/PID/task only when the thread count the stat showed differs from it or a read
 * failed (a thread exited; one born in the same interval is then found a tick later), which
 * keeps a steady pool of threads at one or two preads per blocked thread. At most WAITS_MAX_FDS files
 * stay open in all (the harness's own descriptors must not run out under a default limit of
 * 1,024 when a model runs a thread per request); the threads past that are read by path,
 * open-read-close at each tick, which costs more but counts the same. Counting is a linear
 * search of at most WAITS_MAX_ROWS rows (waits_count.c): a model blocks in a handful of
 * places. A thread's comm is read when it is added and at its second tick, to tell the
 * toolkit's helper threads from the model's.
 */
#include "waits.h"

#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

struct wthread {
	pid_t tid;
	int sfd, wfd;	/* syscall, wchan; -1 when not open (bypath, not openable, or wchan
			   not needed yet: it is opened at the first call that needs it) */
	int wtried;	/* the wchan file was opened, or tried */
	int bypath;	/* past WAITS_MAX_FDS: opened at each read */
	int helper;	/* comm begins with WAITS_HELPER_PREFIX: the toolkit's own thread */
	int ticks;	/* ticks it was read at; its comm is read again at the second, as a
			   thread names itself just after it starts */
	int seen;	/* in the last listing */
};

struct wproc {
	pid_t pid;
	int sampled;	/* in this tick */
	int stale;	/* a read failed: list again */
	struct wthread *th;
	size_t n, cap;
};

struct waits {
	struct wproc *procs;
	size_t n, cap;
	struct waits_totals tot;
	size_t fds;	/* files open over all processes */
};

static struct wproc *proc_get(struct waits *w, pid_t pid);
static void proc_close(struct waits *w, struct wproc *p);
static void thread_close(struct waits *w, struct wthread *t);
static int relist(struct waits *w, struct wproc *p);
static int thread_add(struct waits *w, struct wproc *p, pid_t tid);
static int read_at(const struct wproc *p, const struct wthread *t, int fd, const char *file,
    char *buf, size_t size);
static void sample_thread(struct waits *w, struct wproc *p, struct wthread *t, int count);
static int is_helper(pid_t pid, pid_t tid);
static int read_fd(int fd, char *buf, size_t size);
static int read_wchan(struct waits *w, const struct wproc *p, struct wthread *t, char *buf,
    size_t size);

struct waits *
waits_new(void)
{
	return calloc(1, sizeof(struct waits));
}

static void
thread_close(struct waits *w, struct wthread *t)
{
	if (t->sfd != -1)
		close(t->sfd), w->fds--;
	if (t->wfd != -1)
		close(t->wfd), w->fds--;
	t->sfd = t->wfd = -1;
}

static void
proc_close(struct waits *w, struct wproc *p)
{
	size_t i;

	for (i = 0; i < p->n; i++)
		thread_close(w, &p->th[i]);
	free(p->th);
	p->th = NULL;
	p->n = p->cap = 0;
}

void
waits_free(struct waits *w)
{
	size_t i;

	if (w == NULL)
		return;
	for (i = 0; i < w->n; i++)
		proc_close(w, &w->procs[i]);
	free(w->procs);
	free(w);
}

static struct wproc *
proc_get(struct waits *w, pid_t pid)
{
	struct wproc *np;
	size_t i;

	for (i = 0; i < w->n; i++)
		if (w->procs[i].pid == pid)
			return &w->procs[i];
	if (w->n == w->cap) {
		if ((np = realloc(w->procs, (w->cap ? w->cap * 2 : 8) * sizeof(*np))) == NULL)
			return NULL;
		w->procs = np;
		w->cap = w->cap ? w->cap * 2 : 8;
	}
	np = &w->procs[w->n++];
	memset(np, 0, sizeof(*np));
	np->pid = pid;
	np->stale = 1;
	return np;
}

static int
thread_add(struct waits *w, struct wproc *p, pid_t tid)
{
	struct wthread *nt;
	char path[64];

	if (p->n == p->cap) {
		if ((nt = realloc(p->th, (p->cap ? p->cap * 2 : 16) * sizeof(*nt))) == NULL)
			return -1;
		p->th = nt;
		p->cap = p->cap ? p->cap * 2 : 16;
	}
	nt = &p->th[p->n++];
	nt->tid = tid;
	nt->seen = 1;
	nt->sfd = nt->wfd = -1;
	nt->wtried = 0;
	nt->helper = is_helper(p->pid, tid);
	nt->ticks = 0;
	if ((nt->bypath = w->fds + 1 > WAITS_MAX_FDS))
		return 0;
	snprintf(path, sizeof(path), "/proc/%d/task/%d/syscall", (int)p->pid, (int)tid);
	if ((nt->sfd = open(path, O_RDONLY | O_CLOEXEC)) != -1)
		w->fds++;
	return 0;
}

/*
 * Reads thread t's wchan into buf: by its file kept open, which the first call opens while
 * fewer than WAITS_MAX_FDS are open, else by path. Its length, or -1.
 */
static int
read_wchan(struct waits *w, const struct wproc *p, struct wthread *t, char *buf, size_t size)
{
	char path[64];
	int fd, n;

	if (t->wfd != -1)
		return read_fd(t->wfd, buf, size);
	snprintf(path, sizeof(path), "/proc/%d/task/%d/wchan", (int)p->pid, (int)t->tid);
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1)
		return -1;
	if (!t->bypath && !t->wtried && w->fds < WAITS_MAX_FDS) {
		t->wtried = 1;
		t->wfd = fd;	/* kept for the next ticks */
		w->fds++;
		return read_fd(fd, buf, size);
	}
	t->wtried = 1;
	n = read_fd(fd, buf, size);
	close(fd);
	return n;
}

/* 1 when thread tid's comm names it one of the toolkit's helpers; 0 (the model's) if unread. */
static int
is_helper(pid_t pid, pid_t tid)
{
	char path[64], comm[32];
	int fd, n;

	snprintf(path, sizeof(path), "/proc/%d/task/%d/comm", (int)pid, (int)tid);
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1)
		return 0;
	n = read_fd(fd, comm, sizeof(comm));
	close(fd);
	return n > 0 && strncmp(comm, WAITS_HELPER_PREFIX, strlen(WAITS_HELPER_PREFIX)) == 0;
}

/* Lists /proc/PID/task again: keeps the threads still there (and their files), adds the new. */
static int
relist(struct waits *w, struct wproc *p)
{
	struct dirent *de;
	char path[48];
	size_t i;
	DIR *d;
	long tid;
	int rc = 0;

	snprintf(path, sizeof(path), "/proc/%d/task", (int)p->pid);
	if ((d = opendir(path)) == NULL)
		return -1;
	for (i = 0; i < p->n; i++)
		p->th[i].seen = 0;
	while ((de = readdir(d)) != NULL) {
		if ((tid = strtol(de->d_name, NULL, 10)) <= 0)
			continue;
		for (i = 0; i < p->n && p->th[i].tid != (pid_t)tid; i++)
			;
		if (i < p->n)
			p->th[i].seen = 1;
		else if (thread_add(w, p, (pid_t)tid) == -1)
			rc = -1;
	}
	closedir(d);
	for (i = 0; i < p->n; i++)
		if (!p->th[i].seen) {
			thread_close(w, &p->th[i]);
			p->th[i--] = p->th[--p->n];
		}
	p->stale = 0;
	return rc;
}

/* Thread t's /proc file: from its open fd, or (bypath) opened for this read. As read_fd. */
static int
read_at(const struct wproc *p, const struct wthread *t, int fd, const char *file, char *buf,
    size_t size)
{
	char path[64];
	int n;

	if (!t->bypath)
		return read_fd(fd, buf, size);
	snprintf(path, sizeof(path), "/proc/%d/task/%d/%s", (int)p->pid, (int)t->tid, file);
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1)
		return -1;
	n = read_fd(fd, buf, size);
	close(fd);
	return n;
}

/* Reads fd from offset 0 into buf, NUL-terminated: its length, or -1. */
static int
read_fd(int fd, char *buf, size_t size)
{
	ssize_t n;

	if (fd == -1 || (n = pread(fd, buf, size - 1, 0)) < 0)
		return -1;
	buf[n] = '\0';
	return (int)n;
}

static void
sample_thread(struct waits *w, struct wproc *p, struct wthread *t, int count)
{
	char sc[160], wc[WAITS_WCHAN_LEN];
	long nr;

	if (t->ticks++ == 1)
		t->helper = is_helper(p->pid, t->tid);
	if (read_at(p, t, t->sfd, "syscall", sc, sizeof(sc)) == -1) {
		p->stale = 1;	/* it exited (ESRCH), or could not be opened */
		return;
	}
	if (waitclass_parse_syscall(sc, &nr) != 0 || !count)
		return;		/* running, or unreadable text */
	if (waitclass_decided(nr) || read_wchan(w, p, t, wc, sizeof(wc)) == -1)
		wc[0] = '\0';	/* the call alone gives the class: its channel is not read */
	wc[strcspn(wc, "\n")] = '\0';
	if (strcmp(wc, "0") == 0)
		wc[0] = '\0';
	waits_count(&w->tot, nr, wc, t->helper);
}

void
waits_begin(struct waits *w)
{
	size_t i;

	for (i = 0; w != NULL && i < w->n; i++)
		w->procs[i].sampled = 0;
}

int
waits_sample(struct waits *w, pid_t pid, long nthreads, int count)
{
	struct wproc *p;
	size_t i;
	int rc = 0;

	if (w == NULL || pid <= 0 || (p = proc_get(w, pid)) == NULL)
		return -1;
	p->sampled = 1;
	if ((p->stale || (long)p->n != nthreads) && relist(w, p) == -1)
		rc = -1;
	for (i = 0; i < p->n; i++)
		sample_thread(w, p, &p->th[i], count);
	return rc;
}

void
waits_end(struct waits *w)
{
	size_t i;

	for (i = 0; w != NULL && i < w->n; i++)
		if (!w->procs[i].sampled) {
			proc_close(w, &w->procs[i]);
			w->procs[i--] = w->procs[--w->n];
		}
}

void
waits_totals(const struct waits *w, struct waits_totals *out)
{
	if (out == NULL)
		return;
	memset(out, 0, sizeof(*out));
	if (w == NULL)
		return;
	*out = w->tot;
	waits_sort(out);
}
