/*
 * forkpool.c: N pre-forked processes, each with its own curl handle (made after the fork),
 * fed one key at a time over a pipe and answering with a fixed-size job_record over another.
 * The shape of a prefork server (nginx's master, relayd's proc.c) and of Python's
 * multiprocessing pool: no shared memory, so no lock and no GIL, at the price of a process
 * per worker and a copy per message. Here is the parent: the slots, the polling and the
 * replacing of dead children; the child and its pipes' messages are in forkpool_child.c.
 *
 * DESIGN: the parent owns the key stream, the run's records and a slot per child (pid, the
 * two pipe ends, the key in flight). It polls the children's answer pipes; an answer is
 * recorded and the child gets the next key. A child that dies (kill -9, a crash) shows as
 * end-of-file on its pipe: the parent reaps it (waitpid, retried on EINTR), forks a
 * replacement into the same slot, and sends it the lost key once more; a key that kills two
 * children is recorded failed with how they died. The parent runs single-threaded
 * (run_without_threads: it lists and records on its own thread), because a fork while a
 * second thread holds a lock, the allocator's or libcrypto's, leaves the child stuck on it
 * (seen under ASan: a child hung in the allocator's lock in exif_entry_free); a child makes
 * its own curl handle and ends with _exit. Children ignore SIGINT (a terminal's
 * Ctrl-C reaches the whole process group): stop is the parent's decision. Stop: the parent
 * hands out no more keys, waits for the answers in flight, then closes the key pipes, so each
 * child reads end-of-file and exits; every child is reaped before the model returns.
 * The run's circuit breaker (run.h) lives in shared memory made before the forks: the
 * children note their requests in it, and the parent, while it is open, hands out no key
 * (run_next_key waits, and probes) and reads the answers after; a slot asks again after every
 * answer, even once the keys ran out, since a key the breaker held may come back.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "forkpool_child.h"
#include "model.h"

struct slot {
	pid_t pid;		/* 0: no child */
	int to;			/* keys to the child */
	int from;		/* records from the child */
	int busy;		/* key is in flight */
	int retried;		/* key already killed one child */
	int64_t due_ns;		/* when key was due (run_key_due_ns): the child cannot know */
	char key[JOB_KEY_MAX + 1];
};

struct fp {
	struct run *r;
	struct slot *s;
	unsigned n;
	int keys_left;
};

static int forkpool_run(struct run *r);
static void poll_answers(struct fp *fp, struct pollfd *pfd, unsigned *idx);
static int spawn(struct fp *fp, unsigned i);
static void dispatch(struct fp *fp, unsigned i);
static void on_death(struct fp *fp, unsigned i);
static void close_slot(struct slot *s, int *status);
static int busy_count(const struct fp *fp);

const struct model model_forkpool = {
	.name = "forkpool",
	.summary = "N pre-forked processes fed keys over pipes",
	.run = forkpool_run,
};

static int
forkpool_run(struct run *r)
{
	struct fp fp = { r, NULL, run_opts(r)->concurrency, 1 };
	struct pollfd *pfd;
	unsigned i, *idx;
	int failed = 0;

	run_without_threads(r);	/* before the first fork: see run.h */
	fp.s = calloc(fp.n, sizeof(*fp.s));
	pfd = calloc(fp.n, sizeof(*pfd));
	idx = calloc(fp.n, sizeof(*idx));
	if (fp.s == NULL || pfd == NULL || idx == NULL) {
		free(fp.s);
		free(pfd);
		free(idx);
		run_fail(r, "out of memory starting %u processes", fp.n);
		return -1;
	}
	for (i = 0; i < fp.n; i++)
		fp.s[i].to = fp.s[i].from = -1;
	for (i = 0; i < fp.n && !failed; i++)
		if (spawn(&fp, i) < 0)
			failed = 1;
	for (i = 0; i < fp.n; i++)
		dispatch(&fp, i);
	while (busy_count(&fp) > 0)
		poll_answers(&fp, pfd, idx);
	for (i = 0; i < fp.n; i++)
		close_slot(&fp.s[i], NULL);
	free(fp.s);
	free(pfd);
	free(idx);
	return failed || run_error(r)[0] != '\0' ? -1 : 0;
}

/* One poll of the busy children's pipes (pfd and idx: room for one each): their answers. */
static void
poll_answers(struct fp *fp, struct pollfd *pfd, unsigned *idx)
{
	struct job_record rec;
	unsigned i, np;

	for (i = np = 0; i < fp->n; i++)
		if (fp->s[i].busy) {
			pfd[np] = (struct pollfd){ fp->s[i].from, POLLIN, 0 };
			idx[np++] = i;
		}
	if (poll(pfd, np, -1) < 0)
		return;		/* EINTR: a signal; the stop flag is read at dispatch */
	for (i = 0; i < np; i++) {
		if (pfd[i].revents == 0)
			continue;
		switch (forkpool_read_record(pfd[i].fd, &rec)) {
		case 0:
			continue;
		case -1:
			on_death(fp, idx[i]);
			continue;
		}
		fp->s[idx[i]].busy = 0;
		rec.due_ns = fp->s[idx[i]].due_ns;
		run_record(fp->r, &rec);
		dispatch(fp, idx[i]);
	}
}

/* Forks the child of slot i: 0, or -1 with the run's error set. */
static int
spawn(struct fp *fp, unsigned i)
{
	struct slot *s = &fp->s[i];
	int down[2], up[2];
	unsigned k;

	if (pipe2(down, O_CLOEXEC) < 0)
		goto fail;
	if (pipe2(up, O_CLOEXEC) < 0) {
		close(down[0]), close(down[1]);
		goto fail;
	}
	fflush(NULL);	/* nothing buffered may be written twice */
	switch (s->pid = fork()) {
	case -1:
		close(down[0]), close(down[1]), close(up[0]), close(up[1]);
		s->pid = 0;
		goto fail;
	case 0:
		/* no other child's pipe may stay open here, or its death would go unseen */
		for (k = 0; k < fp->n; k++) {
			if (fp->s[k].to >= 0)
				close(fp->s[k].to);
			if (fp->s[k].from >= 0)
				close(fp->s[k].from);
		}
		close(down[1]), close(up[0]);
		forkpool_child(run_pipeline(fp->r), (int)i, down[0], up[1]);
	}
	close(down[0]), close(up[1]);
	s->to = down[1];
	s->from = up[0];
	return 0;
fail:
	run_fail(fp->r, "cannot start worker process %u: %s", i, strerror(errno));
	return -1;
}

/* Gives slot i's child the next key, if there is one and the child is there. */
static void
dispatch(struct fp *fp, unsigned i)
{
	struct slot *s = &fp->s[i];

	if (s->pid <= 0)
		return;
	if (run_next_key(fp->r, s->key) != 1) {
		fp->keys_left = 0;
		return;
	}
	s->due_ns = run_key_due_ns(fp->r);
	s->retried = 0;
	s->busy = 1;
	forkpool_send_key(s->to, s->key);	/* failing, the child is gone: its EOF says so */
}

/* Slot i's child closed its pipe mid-key: reap it, replace it, retry its key once. */
static void
on_death(struct fp *fp, unsigned i)
{
	struct slot *s = &fp->s[i];
	struct job_record rec;
	char how[96];
	pid_t pid = s->pid;
	int st, staged;

	close_slot(s, &st);
	/* the stage's own death is not retried: the same image would kill the next child */
	if ((staged = stage_exit_reason(st, run_pipeline(fp->r)->stage.timeout_ms, how,
	    sizeof(how))))
		s->retried = 1;
	else if (WIFSIGNALED(st))
		snprintf(how, sizeof(how), "killed by signal %d", WTERMSIG(st));
	else
		snprintf(how, sizeof(how), "exited with status %d", WEXITSTATUS(st));
	if (!s->retried && spawn(fp, i) == 0) {
		s->retried = 1;
		s->busy = 1;
		forkpool_send_key(s->to, s->key);
		return;
	}
	memset(&rec, 0, sizeof(rec));
	snprintf(rec.key, sizeof(rec.key), "%s", s->key);
	snprintf(rec.error, sizeof(rec.error), "worker %u (pid %d) %s%s", i, (int)pid, how,
	    s->retried && !staged ? ", on the second try of this key" : "");
	rec.outcome = JOB_FAILED;
	rec.due_ns = s->due_ns;
	s->busy = 0;
	run_record(fp->r, &rec);
	if (fp->keys_left && spawn(fp, i) == 0)
		dispatch(fp, i);
}

/* Closes slot s's pipes and reaps its child; *status (may be NULL) gets the wait status. */
static void
close_slot(struct slot *s, int *status)
{
	int st = 0;

	if (s->to >= 0)
		close(s->to);
	if (s->from >= 0)
		close(s->from);
	s->to = s->from = -1;
	while (s->pid > 0 && waitpid(s->pid, &st, 0) < 0 && errno == EINTR)
		;
	s->pid = 0;
	if (status != NULL)
		*status = st;
}

static int
busy_count(const struct fp *fp)
{
	unsigned i;
	int n = 0;

	for (i = 0; i < fp->n; i++)
		n += fp->s[i].busy;
	return n;
}
