/*
 * procfs.c: parsers and readers for /proc/stat, /proc/PID/stat, .../schedstat, .../status, and
 * the taskstats query. Numbers are parsed strictly (digits only, no sign, whole token), so a
 * truncated or foreign file fails instead of giving a plausible zero. Readers use one read()
 * into a stack buffer: a /proc file is generated whole on the first read, and a buffer that
 * fills up means the text may be cut, which is refused.
 */
#include "procfs.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <linux/genetlink.h>
#include <linux/netlink.h>
#include <linux/taskstats.h>

#define STAT_FIELDS 24		/* /proc/PID/stat fields read: 1..24 (rss) */
#define USED_FIELD(i) ((i) == 4 || ((i) >= 14 && (i) <= 17) || (i) == 20 || (i) == 22 || \
	(i) == 24)

struct procfs_nl {
	int fd;
	uint16_t family;
	uint32_t seq;
};

struct nl_req {
	struct nlmsghdr n;
	struct genlmsghdr g;
	char attr[64];
};

static int parse_u64(const char **pp, uint64_t *v);
static int slurp(const char *path, char *buf, size_t len);
static int status_field(const char *text, const char *key, uint64_t *v);
static int read_status_at(const char *rel, struct procfs_status *out);
static const struct nlattr *nla_find(const void *p, size_t len, int type);
static int nl_send(struct procfs_nl *nl, uint16_t type, uint8_t cmd, uint16_t attr,
    const void *data, size_t len);
static ssize_t nl_recv(struct procfs_nl *nl, void *buf, size_t len);

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
	uint64_t v[8];
	size_t i;

	if (text == NULL || out == NULL || strncmp(p, "cpu ", 4) != 0)
		return -1;
	p += 4;
	for (i = 0; i < 8; i++)
		if (parse_u64(&p, &v[i]) == -1)
			return -1;
	out->user = v[0];
	out->nice = v[1];
	out->system = v[2];
	out->idle = v[3];
	out->iowait = v[4];
	out->irq = v[5];
	out->softirq = v[6];
	out->steal = v[7];
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

/* One read(); -1 when the file is unreadable, empty, or fills the whole buffer. */
static int
slurp(const char *path, char *buf, size_t len)
{
	ssize_t n;
	int fd, saved;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1)
		return -1;
	n = read(fd, buf, len - 1);
	saved = errno;
	close(fd);
	errno = saved;
	if (n <= 0 || (size_t)n == len - 1)
		return -1;
	buf[n] = '\0';
	return 0;
}

int
procfs_read_cpu(struct procfs_cpu *out)
{
	char buf[1024];	/* the first line is all we need; the file is cut, not refused */
	ssize_t n;
	int fd;

	if ((fd = open("/proc/stat", O_RDONLY | O_CLOEXEC)) == -1)
		return -1;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return -1;
	buf[n] = '\0';
	return procfs_parse_cpu(buf, out);
}

int
procfs_read_lastpid(pid_t *out)
{
	char buf[256];

	if (slurp("/proc/loadavg", buf, sizeof(buf)) == -1)
		return -1;
	return procfs_parse_lastpid(buf, out);
}

int
procfs_read_stat(pid_t pid, struct procfs_stat *out)
{
	char path[64], buf[1024];

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	if (slurp(path, buf, sizeof(buf)) == -1)
		return -1;
	return procfs_parse_stat(buf, out);
}

int
procfs_read_sched(pid_t pid, pid_t tid, struct procfs_sched *out)
{
	char path[80], buf[128];

	snprintf(path, sizeof(path), "/proc/%d/task/%d/schedstat", (int)pid, (int)tid);
	if (slurp(path, buf, sizeof(buf)) == -1)
		return -1;
	return procfs_parse_sched(buf, out);
}

/* rel is "PID" or "PID/task/TID". */
static int
read_status_at(const char *rel, struct procfs_status *out)
{
	char path[96], buf[8192];

	snprintf(path, sizeof(path), "/proc/%s/status", rel);
	if (slurp(path, buf, sizeof(buf)) == -1)
		return -1;
	return procfs_parse_status(buf, out);
}

int
procfs_read_status(pid_t pid, struct procfs_status *out)
{
	char rel[16];

	snprintf(rel, sizeof(rel), "%d", (int)pid);
	return read_status_at(rel, out);
}

int
procfs_read_tgid_threads(pid_t pid, struct procfs_tgid *out)
{
	struct procfs_sched sc;
	struct procfs_status st;
	struct dirent *de;
	char path[64];
	DIR *d;
	int n = 0;
	pid_t tid;

	if (out == NULL)
		return -1;
	memset(out, 0, sizeof(*out));
	snprintf(path, sizeof(path), "/proc/%d/task", (int)pid);
	if ((d = opendir(path)) == NULL)
		return -1;
	while ((de = readdir(d)) != NULL) {
		if ((tid = (pid_t)atoi(de->d_name)) <= 0)
			continue;
		snprintf(path, sizeof(path), "%d/task/%d", (int)pid, (int)tid);
		if (procfs_read_sched(pid, tid, &sc) == -1 || read_status_at(path, &st) == -1)
			continue;	/* the thread exited meanwhile */
		out->sched.run_ns += sc.run_ns;
		out->sched.wait_ns += sc.wait_ns;
		out->sched.slices += sc.slices;
		out->vcsw += st.vcsw;
		out->ivcsw += st.ivcsw;
		n++;
	}
	closedir(d);
	return n > 0 ? 0 : -1;
}

/* The attribute of this type among those in [p, p + len), or NULL. */
static const struct nlattr *
nla_find(const void *p, size_t len, int type)
{
	const struct nlattr *a = p;

	while (len >= NLA_HDRLEN && a->nla_len >= NLA_HDRLEN && a->nla_len <= len) {
		if ((a->nla_type & NLA_TYPE_MASK) == type)
			return a;
		if ((size_t)NLA_ALIGN(a->nla_len) >= len)
			break;
		len -= NLA_ALIGN(a->nla_len);
		a = (const struct nlattr *)((const char *)a + NLA_ALIGN(a->nla_len));
	}
	return NULL;
}

static int
nl_send(struct procfs_nl *nl, uint16_t type, uint8_t cmd, uint16_t attr, const void *data,
    size_t len)
{
	struct sockaddr_nl to = { .nl_family = AF_NETLINK };
	struct nl_req r;
	struct nlattr *a;

	if (len > sizeof(r.attr) - NLA_HDRLEN)
		return -1;
	memset(&r, 0, sizeof(r));
	r.n.nlmsg_type = type;
	r.n.nlmsg_flags = NLM_F_REQUEST;
	r.n.nlmsg_seq = ++nl->seq;
	r.g.cmd = cmd;
	r.g.version = 1;
	a = (struct nlattr *)r.attr;
	a->nla_type = attr;
	a->nla_len = (uint16_t)(NLA_HDRLEN + len);
	memcpy(r.attr + NLA_HDRLEN, data, len);
	r.n.nlmsg_len = (uint32_t)(NLMSG_LENGTH(GENL_HDRLEN) + NLA_ALIGN(a->nla_len));
	return sendto(nl->fd, &r, r.n.nlmsg_len, 0, (struct sockaddr *)&to, sizeof(to)) ==
	    (ssize_t)r.n.nlmsg_len ? 0 : -1;
}

/* The reply to the last request (older replies, left by a timeout, are dropped). */
static ssize_t
nl_recv(struct procfs_nl *nl, void *buf, size_t len)
{
	const struct nlmsghdr *h = buf;
	ssize_t n;

	for (;;) {
		if ((n = recv(nl->fd, buf, len, 0)) < 0)
			return -1;
		if ((size_t)n < sizeof(*h) || !NLMSG_OK(h, (size_t)n))
			return -1;
		if (h->nlmsg_seq == nl->seq)
			return n;
	}
}

struct procfs_nl *
procfs_nl_new(char *err, size_t errlen)
{
	struct sockaddr_nl me = { .nl_family = AF_NETLINK };
	struct timeval tv = { 1, 0 };
	struct procfs_nl *nl;
	const struct nlattr *a;
	const struct nlmsghdr *h;
	char buf[4096];
	ssize_t n;

	if ((nl = calloc(1, sizeof(*nl))) == NULL) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	nl->fd = -1;
	if ((nl->fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_GENERIC)) == -1 ||
	    setsockopt(nl->fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)) == -1 ||
	    bind(nl->fd, (struct sockaddr *)&me, sizeof(me)) == -1) {
		snprintf(err, errlen, "generic netlink socket: %s", strerror(errno));
		goto fail;
	}
	if (nl_send(nl, GENL_ID_CTRL, CTRL_CMD_GETFAMILY, CTRL_ATTR_FAMILY_NAME,
	    TASKSTATS_GENL_NAME, sizeof(TASKSTATS_GENL_NAME)) == -1 ||
	    (n = nl_recv(nl, buf, sizeof(buf))) == -1) {
		snprintf(err, errlen, "taskstats family lookup: %s", strerror(errno));
		goto fail;
	}
	h = (const struct nlmsghdr *)buf;
	if (h->nlmsg_type == NLMSG_ERROR || h->nlmsg_len < NLMSG_LENGTH(GENL_HDRLEN) ||
	    (a = nla_find((const char *)NLMSG_DATA(h) + GENL_HDRLEN,
	    h->nlmsg_len - NLMSG_LENGTH(GENL_HDRLEN), CTRL_ATTR_FAMILY_ID)) == NULL ||
	    a->nla_len < NLA_HDRLEN + sizeof(uint16_t)) {
		snprintf(err, errlen, "the kernel has no taskstats (CONFIG_TASKSTATS)");
		goto fail;
	}
	memcpy(&nl->family, (const char *)a + NLA_HDRLEN, sizeof(nl->family));
	return nl;
fail:
	procfs_nl_free(nl);
	return NULL;
}

void
procfs_nl_free(struct procfs_nl *nl)
{
	if (nl == NULL)
		return;
	if (nl->fd != -1)
		close(nl->fd);
	free(nl);
}

/*
 * Reply: nlmsghdr, genlmsghdr, AGGR_TGID { TGID, STATS }. struct taskstats only grows at its
 * end, so the fields used here sit at fixed offsets; they are copied out since the payload
 * may be unaligned.
 */
int
procfs_parse_nl_reply(const void *msg, size_t len, pid_t pid, struct procfs_tgid *out)
{
	const struct nlmsghdr *h = msg;
	const struct nlattr *agg, *a;
	const char *ts;
	uint32_t id;

	if (msg == NULL || out == NULL || len < NLMSG_LENGTH(GENL_HDRLEN) || h->nlmsg_len > len ||
	    h->nlmsg_type == NLMSG_ERROR || h->nlmsg_len < NLMSG_LENGTH(GENL_HDRLEN))
		return -1;
	if ((agg = nla_find((const char *)NLMSG_DATA(h) + GENL_HDRLEN,
	    h->nlmsg_len - NLMSG_LENGTH(GENL_HDRLEN), TASKSTATS_TYPE_AGGR_TGID)) == NULL)
		return -1;
	len = agg->nla_len - NLA_HDRLEN;
	if ((a = nla_find((const char *)agg + NLA_HDRLEN, len, TASKSTATS_TYPE_TGID)) == NULL ||
	    a->nla_len < NLA_HDRLEN + sizeof(id))
		return -1;
	memcpy(&id, (const char *)a + NLA_HDRLEN, sizeof(id));
	if ((pid_t)id != pid ||
	    (a = nla_find((const char *)agg + NLA_HDRLEN, len, TASKSTATS_TYPE_STATS)) == NULL ||
	    a->nla_len < NLA_HDRLEN + offsetof(struct taskstats, nivcsw) + sizeof(uint64_t))
		return -1;
	ts = (const char *)a + NLA_HDRLEN;
#define GET(dst, field) memcpy(&(dst), ts + offsetof(struct taskstats, field), sizeof(uint64_t))
	GET(out->sched.slices, cpu_count);
	GET(out->sched.wait_ns, cpu_delay_total);
	GET(out->sched.run_ns, cpu_run_virtual_total);
	GET(out->vcsw, nvcsw);
	GET(out->ivcsw, nivcsw);
#undef GET
	return 0;
}

int
procfs_read_tgid_nl(struct procfs_nl *nl, pid_t pid, struct procfs_tgid *out)
{
	char buf[2048];
	uint32_t id = (uint32_t)pid;
	ssize_t n;

	if (nl == NULL || out == NULL || pid <= 0 ||
	    nl_send(nl, nl->family, TASKSTATS_CMD_GET, TASKSTATS_CMD_ATTR_TGID, &id,
	    sizeof(id)) == -1 || (n = nl_recv(nl, buf, sizeof(buf))) == -1)
		return -1;
	return procfs_parse_nl_reply(buf, (size_t)n, pid, out);
}
