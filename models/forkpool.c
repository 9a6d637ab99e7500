/*
 * forkpool.c: N pre-forked processes, each with its own curl handle (made after the fork),
 * fed one key at a time over a pipe and answering with a fixed-size job_record over another.
 * The shape of a prefork server (nginx's master, relayd's proc.c) and of Python's
 * multiprocessing pool: no shared memory, so no lock and no GIL, at the price of a process
 * per worker and a copy per message.
 *
 * DESIGN: the parent owns the key stream, the run's records and a slot per child (pid, the
 * two pipe ends, the key in flight). It polls the children's answer pipes; an answer is
 * recorded and the child gets the next key. A child that dies (kill -9, a crash) shows as
 * end-of-file on its pipe: the parent reaps it (waitpid, retried on EINTR), forks a
 * replacement into the same slot, and sends it the lost key once more; a key that kills two
 * children is recorded failed with how they died. The parent's own threads (the run's
 * listing and recording threads) are not in a child, which touches none of their state: it
 * makes its own curl handle and ends with _exit. Children ignore SIGINT (a terminal's
 * Ctrl-C reaches the whole process group): stop is the parent's decision. Stop: the parent
 * hands out no more keys, waits for the answers in flight, then closes the key pipes, so each
 * child reads end-of-file and exits; every child is reaped before the model returns.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "model.h"

_Static_assert(sizeof(struct job_record) <= PIPE_BUF, "a record must be one atomic write");

struct slot {
	pid_t pid;		/* 0: no child */
	int to;			/* keys to the child */
	int from;		/* records from the child */
	int busy;		/* key is in flight */
	int retried;		/* key already killed one child */
	char key[JOB_KEY_MAX + 1];
};

struct fp {
	struct run *r;
	struct slot *s;
	unsigned n;
	int keys_left;
};

static int forkpool_run(struct run *r);
static int spawn(struct fp *fp, unsigned i);
static void child_main(const struct pipeline *p, int id, int in, int out)
    __attribute__((noreturn));
static void dispatch(struct fp *fp, unsigned i);
static void send_key(struct fp *fp, unsigned i);
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
	struct job_record rec;
	unsigned i, np, *idx;
	ssize_t got;
	int failed = 0;

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
	while (busy_count(&fp) > 0) {
		for (i = np = 0; i < fp.n; i++)
			if (fp.s[i].busy) {
				pfd[np] = (struct pollfd){ fp.s[i].from, POLLIN, 0 };
				idx[np++] = i;
			}
		if (poll(pfd, np, -1) < 0)
			continue;	/* EINTR: a signal; the stop flag is read at dispatch */
		for (i = 0; i < np; i++) {
			if (pfd[i].revents == 0)
				continue;
			got = read(pfd[i].fd, &rec, sizeof(rec));
			if (got < 0 && errno == EINTR)
				continue;
			if (got != (ssize_t)sizeof(rec)) {
				on_death(&fp, idx[i]);
				continue;
			}
			fp.s[idx[i]].busy = 0;
			run_record(r, &rec);
			dispatch(&fp, idx[i]);
		}
	}
	for (i = 0; i < fp.n; i++)
		close_slot(&fp.s[i], NULL);
	free(fp.s);
	free(pfd);
	free(idx);
	return failed || run_error(r)[0] != '\0' ? -1 : 0;
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
		child_main(run_pipeline(fp->r), (int)i, down[0], up[1]);
	}
	close(down[0]), close(up[1]);
	s->to = down[1];
	s->from = up[0];
	return 0;
fail:
	run_fail(fp->r, "cannot start worker process %u: %s", i, strerror(errno));
	return -1;
}

static void
child_main(const struct pipeline *p, int id, int in, int out)
{
	char key[JOB_KEY_MAX + 1];
	CURL *easy;
	struct job *j;
	struct stage *st;
	ssize_t got;

	signal(SIGINT, SIG_IGN);
	signal(SIGTERM, SIG_IGN);
	easy = curl_easy_init();
	j = job_new(p);
	st = stage_new(&p->stage, &p->transform);	/* loaded here, after the fork */
	if (easy == NULL || j == NULL || st == NULL)
		_exit(2);
	stage_isolate(st);	/* a crash or a timeout in it: an exit status on_death reads */
	job_set_worker(j, id);
	job_set_stage(j, st);
	while ((got = read(in, key, sizeof(key))) == (ssize_t)sizeof(key) ||
	    (got < 0 && errno == EINTR)) {
		if (got < 0)
			continue;
		key[JOB_KEY_MAX] = '\0';
		job_start(j, key);
		job_run_blocking(j, easy, NULL);
		if (write(out, job_record(j), sizeof(struct job_record)) !=
		    (ssize_t)sizeof(struct job_record))
			break;
	}
	stage_free(st);
	job_free(j);
	curl_easy_cleanup(easy);
	_exit(0);
}

/* Gives slot i's child the next key, if there is one and the child is there. */
static void
dispatch(struct fp *fp, unsigned i)
{
	struct slot *s = &fp->s[i];

	if (s->pid <= 0 || !fp->keys_left)
		return;
	if (run_next_key(fp->r, s->key) != 1) {
		fp->keys_left = 0;
		return;
	}
	s->retried = 0;
	send_key(fp, i);
}

/* A failed write means the child is gone: its pipe's end-of-file will say so. */
static void
send_key(struct fp *fp, unsigned i)
{
	struct slot *s = &fp->s[i];
	char msg[JOB_KEY_MAX + 1];

	memset(msg, 0, sizeof(msg));
	memcpy(msg, s->key, strlen(s->key));
	s->busy = 1;
	while (write(s->to, msg, sizeof(msg)) < 0 && errno == EINTR)
		;
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
		send_key(fp, i);
		return;
	}
	memset(&rec, 0, sizeof(rec));
	snprintf(rec.key, sizeof(rec.key), "%s", s->key);
	snprintf(rec.error, sizeof(rec.error), "worker %u (pid %d) %s%s", i, (int)pid, how,
	    s->retried && !staged ? ", on the second try of this key" : "");
	rec.outcome = JOB_FAILED;
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
