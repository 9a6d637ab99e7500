/*
 * stage_cmd.c: a `--stage-cmd` co-process per worker, over two pipes, with the length-prefixed
 * protocol of stage_cmd.h. posix_spawn rather than fork, so a threaded model may start one
 * (glibc spawns with vfork semantics: nothing of the parent's threads runs in the child).
 * Reads wait in poll, so a timeout can end an exchange: a co-process, unlike a thread, can be
 * killed, and is, then reaped; the caller restarts it for the next image.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "stage_cmd.h"

extern char **environ;

static int write_all(int fd, const void *buf, size_t len);
static int read_all(int fd, void *buf, size_t len, int64_t deadline_ms);
static void died(struct stage_cmd *c, const char *what, char *err, size_t errlen);
static void put32(unsigned char *p, uint32_t v);
static uint32_t get32(const unsigned char *p);

int
stage_cmd_start(struct stage_cmd *c, const char *cmd, char *err, size_t errlen)
{
	char *argv[] = { "/bin/sh", "-c", (char *)cmd, NULL };
	posix_spawn_file_actions_t fa;
	int down[2] = { -1, -1 }, up[2] = { -1, -1 }, rc;

	c->pid = 0;
	c->to = c->from = -1;
	if (pipe2(down, O_CLOEXEC) < 0 || pipe2(up, O_CLOEXEC) < 0) {
		snprintf(err, errlen, "stage co-process: pipe: %s", strerror(errno));
		goto fail;
	}
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_adddup2(&fa, down[0], 0);
	posix_spawn_file_actions_adddup2(&fa, up[1], 1);
	rc = posix_spawn(&c->pid, "/bin/sh", &fa, NULL, argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	if (rc != 0) {
		snprintf(err, errlen, "stage co-process: cannot start /bin/sh: %s", strerror(rc));
		c->pid = 0;
		goto fail;
	}
	close(down[0]);
	close(up[1]);
	c->to = down[1];
	c->from = up[0];
	return 0;
fail:
	if (down[0] >= 0)
		close(down[0]), close(down[1]);
	if (up[0] >= 0)
		close(up[0]), close(up[1]);
	return -1;
}

int
stage_cmd_call(struct stage_cmd *c, const unsigned char *in, size_t len,
    unsigned char **out, size_t *out_len, long timeout_ms, char *err, size_t errlen)
{
	int64_t deadline = timeout_ms > 0 ? stage_cmd_now_ms() + timeout_ms : 0;
	unsigned char hdr[8], *buf;
	uint32_t status, n;
	int rc;

	put32(hdr, (uint32_t)len);
	if (len > UINT32_MAX || write_all(c->to, hdr, 4) < 0 || write_all(c->to, in, len) < 0) {
		died(c, "stopped reading", err, errlen);
		return -1;
	}
	if ((rc = read_all(c->from, hdr, 8, deadline)) < 0) {
		died(c, rc == -2 ? "timed out" : "died", err, errlen);
		return -1;
	}
	status = get32(hdr);
	n = get32(hdr + 4);
	if (status > 1 || n > STAGE_CMD_MAX_OUT || (buf = malloc(n + 1)) == NULL) {
		died(c, "broke the protocol (bad status or length)", err, errlen);
		return -1;
	}
	if ((rc = read_all(c->from, buf, n, deadline)) < 0) {
		free(buf);
		died(c, rc == -2 ? "timed out" : "died", err, errlen);
		return -1;
	}
	if (status == 1) {
		buf[n] = '\0';
		buf[strcspn((char *)buf, "\r\n")] = '\0';
		snprintf(err, errlen, "stage co-process: %s", n ? (char *)buf : "failed, no reason");
		free(buf);
		return -1;
	}
	if (n == 0) {
		free(buf);
		buf = NULL;
	}
	*out = buf;
	*out_len = n;
	return 0;
}

void
stage_cmd_stop(struct stage_cmd *c)
{
	int i, st;

	if (c->to >= 0)
		close(c->to);
	if (c->from >= 0)
		close(c->from);
	c->to = c->from = -1;
	for (i = 0; c->pid > 0 && i < 100; i++) {	/* 1 s for it to see end-of-file */
		if (waitpid(c->pid, &st, WNOHANG) != 0)
			break;
		usleep(10000);
	}
	if (c->pid > 0 && i == 100) {
		kill(c->pid, SIGKILL);
		while (waitpid(c->pid, &st, 0) < 0 && errno == EINTR)
			;
	}
	c->pid = 0;
}

/* The exchange failed: kill and reap the co-process, and say how it ended. */
static void
died(struct stage_cmd *c, const char *what, char *err, size_t errlen)
{
	pid_t pid = c->pid;
	int st = 0;

	if (c->to >= 0)
		close(c->to);
	if (c->from >= 0)
		close(c->from);
	c->to = c->from = -1;
	kill(pid, SIGKILL);	/* a no-op if it is a zombie already */
	while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
		;
	c->pid = 0;
	if (strcmp(what, "timed out") == 0)
		snprintf(err, errlen, "stage co-process (pid %d) timed out and was killed",
		    (int)pid);
	else if (WIFEXITED(st))
		snprintf(err, errlen, "stage co-process (pid %d) %s: exit status %d", (int)pid,
		    what, WEXITSTATUS(st));
	else
		snprintf(err, errlen, "stage co-process (pid %d) %s: signal %d", (int)pid, what,
		    WTERMSIG(st));
}

static int
write_all(int fd, const void *buf, size_t len)
{
	const char *p = buf;
	ssize_t n;

	while (len > 0) {
		if ((n = write(fd, p, len)) < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

/* 0, -1 at end-of-file or an error, -2 past deadline_ms (0: none). */
static int
read_all(int fd, void *buf, size_t len, int64_t deadline_ms)
{
	struct pollfd pfd = { fd, POLLIN, 0 };
	char *p = buf;
	ssize_t n;
	int64_t left;

	while (len > 0) {
		if (deadline_ms > 0) {
			if ((left = deadline_ms - stage_cmd_now_ms()) <= 0)
				return -2;
			if (poll(&pfd, 1, (int)left) == 0)
				return -2;
		}
		if ((n = read(fd, p, len)) < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		if (n == 0)
			return -1;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

static void
put32(unsigned char *p, uint32_t v)
{
	p[0] = (unsigned char)(v >> 24), p[1] = (unsigned char)(v >> 16);
	p[2] = (unsigned char)(v >> 8), p[3] = (unsigned char)v;
}

static uint32_t
get32(const unsigned char *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

int64_t
stage_cmd_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}
