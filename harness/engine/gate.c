/*
 * gate.c: both sides of the start gate's few bytes. See gate.h.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "gate.h"

static int read_line(int fd, char *buf, size_t len);

int64_t
gate_unix_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

int
gate_fd_from_env(void)
{
	const char *s = getenv(RUN_GATE_ENV);
	char *end;
	long fd;

	if (s == NULL)
		return -1;
	fd = strtol(s, &end, 10);
	unsetenv(RUN_GATE_ENV);
	if (*end != '\0' || fd < 0 || fd > 65535 || fcntl((int)fd, F_GETFD) < 0)
		return -1;
	fcntl((int)fd, F_SETFD, FD_CLOEXEC);
	return (int)fd;
}

int
gate_wait(int fd)
{
	char c;
	ssize_t n;

	if (send(fd, "R\n", 2, MSG_NOSIGNAL) != 2)
		return 0;
	n = read(fd, &c, 1);	/* a signal (EINTR) is a stop: the caller checks its flag */
	return n == 1 && c == 'G';
}

void
gate_started(int fd, int64_t unix_ns)
{
	char line[40];
	int n = snprintf(line, sizeof(line), "S %" PRId64 "\n", unix_ns);

	if (send(fd, line, (size_t)n, MSG_NOSIGNAL) != n) {
		/* the coordinator is gone: its own checks say so */
	}
	close(fd);
}

int
gate_ready(int fd)
{
	char line[8];

	return read_line(fd, line, sizeof(line)) == 0 && strcmp(line, "R") == 0 ? 0 : -1;
}

int
gate_send(int fd, int go)
{
	ssize_t n;

	do
		n = send(fd, go ? "G" : "Q", 1, MSG_NOSIGNAL);	/* a run gone: -1, no SIGPIPE */
	while (n < 0 && errno == EINTR);
	return n == 1 ? 0 : -1;
}

int
gate_start_time(int fd, int64_t *unix_ns)
{
	char line[40], *end;

	if (read_line(fd, line, sizeof(line)) < 0 || line[0] != 'S' || line[1] != ' ')
		return -1;
	*unix_ns = strtoll(line + 2, &end, 10);
	return *end == '\0' && *unix_ns > 0 ? 0 : -1;
}

/* One line, byte by byte (a few bytes in all), without its newline: 0, or -1 at EOF. */
static int
read_line(int fd, char *buf, size_t len)
{
	size_t used = 0;
	ssize_t n;
	char c;

	for (;;) {
		n = read(fd, &c, 1);
		if (n < 0 && errno == EINTR)
			continue;
		if (n != 1)
			return -1;
		if (c == '\n')
			break;
		if (used + 1 >= len)
			return -1;
		buf[used++] = c;
	}
	buf[used] = '\0';
	return 0;
}
