/*
 * procfs.c: parsers and readers for /proc/stat, /proc/loadavg, /proc/PID/stat and a task's
 * schedstat and status. Numbers are parsed strictly (digits only, no sign, whole token), so a
 * truncated or foreign file fails instead of giving a plausible zero. Readers use one pread()
 * at offset 0 into a stack buffer: a /proc file is generated whole by a read from its start,
 * and a buffer that fills up means the text may be cut, which is refused (except for
 * /proc/stat, whose first line is all that is needed).
 */
#include "procfs.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define STAT_FIELDS 24		/* /proc/PID/stat fields read: 1..24 (rss) */
#define USED_FIELD(i) ((i) == 4 || ((i) >= 14 && (i) <= 17) || (i) == 20 || (i) == 22 || \
	(i) == 24)

static int parse_u64(const char **pp, uint64_t *v);
static int status_field(const char *text, const char *key, uint64_t *v);
static int fill(int fd, char *buf, size_t len, int cut_ok);
static int slurp(char *buf, size_t len, int cut_ok, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/* Skips blanks, then reads one unsigned decimal that must end at a blank or the end of text. */
static int
parse_u64(const char **pp, uint64_t *v)
{
	const char *p = *pp;
	char *end;

	while (*p == ' ' || *p == '\t')
		p++;
	if (!isdigit((unsigned char)*p))
		return -1;
	errno = 0;
	*v = strtoull(p, &end, 10);
	if (errno != 0 || (*end != '\0' && !isspace((unsigned char)*end)))
		return -1;
	*pp = end;
	return 0;
}

int
procfs_parse_cpu(const char *text, struct procfs_cpu *out)
{
	const char *p = text;
	struct procfs_cpu c;
	uint64_t *f[] = { &c.user, &c.nice, &c.system, &c.idle, &c.iowait, &c.irq, &c.softirq,
	    &c.steal };
	size_t i;

	if (text == NULL || out == NULL || strncmp(p, "cpu ", 4) != 0)
		return -1;
	p += 4;
	for (i = 0; i < sizeof(f) / sizeof(f[0]); i++)
		if (parse_u64(&p, f[i]) == -1)
			return -1;
	*out = c;
	return 0;
}

/* Fields after the comm are space-separated tokens; only fields 3..24 are needed. */
int
procfs_parse_stat(const char *text, struct procfs_stat *out)
{
	const char *open, *close, *p;
	uint64_t v[STAT_FIELDS + 1], pid;
	size_t n;
	int i;

	if (text == NULL || out == NULL)
		return -1;
	p = text;
	if (parse_u64(&p, &pid) == -1 || pid == 0 || pid > INT32_MAX || strncmp(p, " (", 2) != 0)
		return -1;
	open = p + 2;
	if ((close = strrchr(open, ')')) == NULL || close[1] != ' ')
		return -1;
	memset(out, 0, sizeof(*out));
	out->pid = (pid_t)pid;
	n = (size_t)(close - open);
	if (n >= sizeof(out->comm))
		n = sizeof(out->comm) - 1;
	memcpy(out->comm, open, n);
	p = close + 2;
	if (!isalpha((unsigned char)*p) || p[1] != ' ')
		return -1;
	out->state = *p++;
	for (i = 4; i <= STAT_FIELDS; i++) {
		while (*p == ' ')
			p++;
		if (!USED_FIELD(i)) {	/* tpgid, priority, nice may be negative */
			if (*p == '\0')
				return -1;
			while (*p != '\0' && *p != ' ')
				p++;
			continue;
		}
		if (parse_u64(&p, &v[i]) == -1)
			return -1;
	}
	if (v[4] > INT32_MAX || v[20] > INT32_MAX)
		return -1;
	out->ppid = (pid_t)v[4];
	out->utime = v[14];
	out->stime = v[15];
	out->cutime = v[16];
	out->cstime = v[17];
	out->num_threads = (long)v[20];
	out->starttime = v[22];
	out->rss = v[24];
	return 0;
}

int
procfs_parse_sched(const char *text, struct procfs_sched *out)
{
	const char *p = text;

	if (text == NULL || out == NULL || parse_u64(&p, &out->run_ns) == -1 ||
	    parse_u64(&p, &out->wait_ns) == -1 || parse_u64(&p, &out->slices) == -1)
		return -1;
	while (isspace((unsigned char)*p))
		p++;
	return *p == '\0' ? 0 : -1;
}

/* Finds "\nkey:" (so "voluntary_..." never matches inside "nonvoluntary_..."). */
static int
status_field(const char *text, const char *key, uint64_t *v)
{
	char pat[64];
	const char *p;

	snprintf(pat, sizeof(pat), "\n%s:", key);
	if ((p = strstr(text, pat)) == NULL)
		return -1;
	p += strlen(pat);
	return parse_u64(&p, v);
}

int
procfs_parse_status(const char *text, struct procfs_status *out)
{
	if (text == NULL || out == NULL || strncmp(text, "Name:", 5) != 0)
		return -1;
	if (status_field(text, "voluntary_ctxt_switches", &out->vcsw) == -1 ||
	    status_field(text, "nonvoluntary_ctxt_switches", &out->ivcsw) == -1)
		return -1;
	if (status_field(text, "VmRSS", &out->vmrss_kib) == -1)
		out->vmrss_kib = 0;
	return 0;
}

/* "0.20 0.18 0.12 1/80 11206\n": five fields, the fourth running/total. */
int
procfs_parse_lastpid(const char *text, pid_t *out)
{
	const char *p;
	uint64_t v;

	if (text == NULL || out == NULL || (p = strchr(text, '/')) == NULL ||
	    (p = strchr(p, ' ')) == NULL || parse_u64(&p, &v) == -1 || v > INT32_MAX)
		return -1;
	while (isspace((unsigned char)*p))
		p++;
	if (*p != '\0')
		return -1;
	*out = (pid_t)v;
	return 0;
}

/* One pread() at offset 0 of fd; -1 when it fails, is empty, or (unless cut_ok) fills buf. */
static int
fill(int fd, char *buf, size_t len, int cut_ok)
{
	ssize_t n;

	if ((n = pread(fd, buf, len - 1, 0)) <= 0 || (!cut_ok && (size_t)n == len - 1))
		return -1;
	buf[n] = '\0';
	return 0;
}

/* fill() on the file named by fmt, opened and closed around it. */
static int
slurp(char *buf, size_t len, int cut_ok, const char *fmt, ...)
{
	char path[96];
	va_list ap;
	int fd, rc, saved;

	va_start(ap, fmt);
	vsnprintf(path, sizeof(path), fmt, ap);
	va_end(ap);
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1)
		return -1;
	rc = fill(fd, buf, len, cut_ok);
	saved = errno;
	close(fd);
	errno = saved;
	return rc;
}

int
procfs_open_stat(pid_t pid)
{
	char path[64];

	if (pid <= 0)
		return -1;
	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	return open(path, O_RDONLY | O_CLOEXEC);
}

int
procfs_pread_stat(int fd, struct procfs_stat *out)
{
	char buf[1024];

	return fill(fd, buf, sizeof(buf), 0) == -1 ? -1 : procfs_parse_stat(buf, out);
}

int
procfs_read_cpu(struct procfs_cpu *out)
{
	char buf[1024];

	return slurp(buf, sizeof(buf), 1, "/proc/stat") == -1 ? -1 : procfs_parse_cpu(buf, out);
}

int
procfs_read_lastpid(pid_t *out)
{
	char buf[256];

	return slurp(buf, sizeof(buf), 0, "/proc/loadavg") == -1 ? -1 :
	    procfs_parse_lastpid(buf, out);
}

int
procfs_read_stat(pid_t pid, struct procfs_stat *out)
{
	char buf[1024];

	return slurp(buf, sizeof(buf), 0, "/proc/%d/stat", (int)pid) == -1 ? -1 :
	    procfs_parse_stat(buf, out);
}

int
procfs_read_sched(pid_t pid, pid_t tid, struct procfs_sched *out)
{
	char buf[128];

	return slurp(buf, sizeof(buf), 0, "/proc/%d/task/%d/schedstat", (int)pid, (int)tid) ==
	    -1 ? -1 : procfs_parse_sched(buf, out);
}

int
procfs_read_status(pid_t pid, pid_t tid, struct procfs_status *out)
{
	char buf[8192];

	return slurp(buf, sizeof(buf), 0, "/proc/%d/task/%d/status", (int)pid, (int)tid) == -1 ?
	    -1 : procfs_parse_status(buf, out);
}
