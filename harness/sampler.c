/*
 * sampler.c: the /proc sampler behind samples.csv. Each tick reads /proc/stat, scans /proc for
 * pids born since the last scan (only when a group follows descendants), then reads every
 * watched process's stat and its thread group's counters, and turns the differences with the
 * previous tick into one row. Per process it keeps the last counters seen, never a history,
 * so memory is O(watched processes + pids on the machine).
 *
 * Cost: a scan of /proc is ~120 us of kernel time with ~80 processes, each watched process one
 * stat read (~9 us) and one taskstats query (~5 us, ~20 us for radosgw's 600 threads). Reading
 * schedstat and status of every thread instead would cost ~10 ms a tick with the Ceph server
 * watched, which is why taskstats is preferred.
 */
#include "sampler.h"

#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "procfs.h"

/* samples.csv columns, declared once: the header and the rows are generated from these. */
#define SYS_COLS(X) X(user) X(nice) X(system) X(idle) X(iowait) X(irq) X(softirq) X(steal)
#define GROUP_COLS(X)							\
	X(cpu_pct, "%.2f") X(on_pct, "%.2f") X(runq_pct, "%.2f") X(off_pct, "%.2f")	\
	X(procs, "%.0f") X(threads, "%.0f") X(vcsw_per_s, "%.1f") X(ivcsw_per_s, "%.1f")	\
	X(rss_kib, "%.0f")

struct row {
#define X(name, fmt) double name;
	GROUP_COLS(X)
#undef X
};

/* One group's sums over one interval, or over the window. */
struct acc {
	double cpu_s, run_s, runq_s, thread_s;
	uint64_t vcsw, ivcsw, rss_kib;
	unsigned procs, threads;
};

struct proc {
	pid_t pid, ppid;
	int group, descendants;
	int fresh;		/* born after the first tick: counts from zero */
	int seen;		/* has a previous observation */
	int gone;		/* this tick: exited and reaped, or its pid reused */
	uint64_t start;		/* starttime, to notice pid reuse */
	uint64_t self, child;	/* last utime+stime, cutime+cstime (ticks) */
	uint64_t debt;		/* ticks already counted for reaped children, not yet in child */
	struct procfs_tgid ctr;
	struct procfs_stat cur;
};

struct sampler {
	struct proc *procs;
	size_t nprocs, cap;
	pid_t *known, *scan;	/* sorted pids of the last scan, and of this one */
	size_t nknown, nscan, scancap;
	pid_t lastpid;		/* /proc/loadavg's last pid at the last scan */
	struct procfs_nl *nl;
	struct procfs_cpu cpu_first, cpu_last;
	double t_first, t_last;
	uint64_t boot_first;	/* CLOCK_BOOTTIME at the first tick, in ticks */
	unsigned ticks;
	struct acc win[SAMPLER_NGROUPS];
	unsigned samples;
	double cost_s, hz, page_kib;
};

static double clock_s(clockid_t id);
static int pid_cmp(const void *a, const void *b);
static struct proc *proc_find(struct sampler *s, pid_t pid);
static struct proc *proc_add(struct sampler *s, int group, pid_t pid, int descendants,
    const struct procfs_stat *st);
static int grow_lists(struct sampler *s);
static int scan(struct sampler *s);
static void forget(struct sampler *s, pid_t pid);
static void observe(struct sampler *s);
static void account(struct sampler *s, struct proc *p, struct acc *a);
static uint64_t delta(uint64_t now, uint64_t *last);
static void shares(double run, double runq, double thread_s, double *on, double *rq,
    double *off);
static void write_row(FILE *csv, const char *label, double t, const struct procfs_cpu *a,
    const struct procfs_cpu *b, const struct acc *g, double dt);

const char *
sampler_group_name(enum sampler_group g)
{
	static const char *const names[] = { "model", "server", "shaper" };

	return (unsigned)g < SAMPLER_NGROUPS ? names[g] : "?";
}

struct sampler *
sampler_new(void)
{
	struct sampler *s;
	char err[128];
	long hz, page;

	if ((s = calloc(1, sizeof(*s))) == NULL)
		return NULL;
	hz = sysconf(_SC_CLK_TCK);
	page = sysconf(_SC_PAGESIZE);
	s->hz = hz > 0 ? (double)hz : 100.0;
	s->page_kib = page > 0 ? (double)page / 1024.0 : 4.0;
	s->nl = procfs_nl_new(err, sizeof(err));	/* NULL: fall back to per-thread files */
	return s;
}

void
sampler_free(struct sampler *s)
{
	if (s == NULL)
		return;
	procfs_nl_free(s->nl);
	free(s->procs);
	free(s->known);
	free(s->scan);
	free(s);
}

static double
clock_s(clockid_t id)
{
	struct timespec ts;

	clock_gettime(id, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int
pid_cmp(const void *a, const void *b)
{
	pid_t x = *(const pid_t *)a, y = *(const pid_t *)b;

	return (x > y) - (x < y);
}

static struct proc *
proc_find(struct sampler *s, pid_t pid)
{
	size_t i;

	for (i = 0; i < s->nprocs; i++)
		if (s->procs[i].pid == pid && !s->procs[i].gone)
			return &s->procs[i];
	return NULL;
}

static struct proc *
proc_add(struct sampler *s, int group, pid_t pid, int descendants, const struct procfs_stat *st)
{
	struct proc *p;
	size_t cap;

	if (s->nprocs == s->cap) {
		cap = s->cap ? 2 * s->cap : 16;
		if ((p = realloc(s->procs, cap * sizeof(*p))) == NULL)
			return NULL;
		s->procs = p;
		s->cap = cap;
	}
	p = &s->procs[s->nprocs++];
	memset(p, 0, sizeof(*p));
	p->pid = pid;
	p->ppid = st->ppid;
	p->group = group;
	p->descendants = descendants;
	p->start = st->starttime;
	p->fresh = s->ticks > 0 && st->starttime >= s->boot_first;
	return p;
}

int
sampler_watch(struct sampler *s, enum sampler_group g, pid_t pid, int descendants)
{
	struct procfs_stat st;
	struct proc *p;

	if (s == NULL || (unsigned)g >= SAMPLER_NGROUPS || pid <= 0 ||
	    procfs_read_stat(pid, &st) == -1)
		return -1;
	if ((p = proc_find(s, pid)) != NULL) {
		p->group = g;
		p->descendants |= descendants != 0;
		return 0;
	}
	return proc_add(s, g, pid, descendants != 0, &st) != NULL ? 0 : -1;
}

/* Doubles both pid lists together, so they can swap roles. */
static int
grow_lists(struct sampler *s)
{
	size_t cap = s->scancap ? 2 * s->scancap : 512;
	pid_t *tmp;

	if ((tmp = realloc(s->scan, cap * sizeof(*tmp))) == NULL)
		return -1;
	s->scan = tmp;
	if ((tmp = realloc(s->known, cap * sizeof(*tmp))) == NULL)
		return -1;
	s->known = tmp;
	s->scancap = cap;
	return 0;
}

/* Drops pid from the last scan's list, so the next scan classifies it again. */
static void
forget(struct sampler *s, pid_t pid)
{
	pid_t *k;

	if (s->nknown == 0)
		return;
	if ((k = bsearch(&pid, s->known, s->nknown, sizeof(pid_t), pid_cmp)) != NULL) {
		memmove(k, k + 1, (size_t)(s->known + s->nknown - k - 1) * sizeof(pid_t));
		s->nknown--;
	}
}

/*
 * Lists /proc's pids and reads the stat of those not in the last list, once: a new pid whose
 * parent follows descendants joins the parent's group. Parents are usually listed first
 * (ascending pids); the loop repeats for a child listed before its parent after pid wrap.
 */
static int
scan(struct sampler *s)
{
	struct procfs_stat st;
	struct dirent *de;
	struct proc *parent;
	pid_t pid, *tmp;
	size_t i, added, missing;
	DIR *d;

	if ((d = opendir("/proc")) == NULL)
		return -1;
	s->nscan = 0;
	while ((de = readdir(d)) != NULL) {
		if (de->d_name[0] < '1' || de->d_name[0] > '9' || (pid = atoi(de->d_name)) <= 0)
			continue;
		if (s->nscan == s->scancap && grow_lists(s) == -1) {
			closedir(d);
			return -1;
		}
		s->scan[s->nscan++] = pid;
	}
	closedir(d);
	qsort(s->scan, s->nscan, sizeof(pid_t), pid_cmp);
	do {
		added = missing = 0;
		for (i = 0; i < s->nscan; i++) {
			pid = s->scan[i];
			if (pid < 0 || (s->nknown > 0 && bsearch(&pid, s->known, s->nknown,
			    sizeof(pid_t), pid_cmp) != NULL) || proc_find(s, pid) != NULL)
				continue;
			if (procfs_read_stat(pid, &st) == -1) {
				s->scan[i] = -pid;	/* gone already: skip on the next pass */
				continue;
			}
			if ((parent = proc_find(s, st.ppid)) == NULL || !parent->descendants) {
				missing++;
				continue;
			}
			if (proc_add(s, parent->group, pid, 1, &st) == NULL)
				return -1;
			added++;
		}
	} while (added > 0 && missing > 0);
	for (i = 0; i < s->nscan; i++)
		s->scan[i] = s->scan[i] < 0 ? -s->scan[i] : s->scan[i];
	tmp = s->known;
	s->known = s->scan;
	s->nknown = s->nscan;
	s->scan = tmp;
	return 0;
}

/*
 * Reads each process's stat; one that is gone hands what was counted for it (its counters and
 * its own unpaid debt) to its nearest live ancestor in the table, whose cutime+cstime will
 * grow by the same amount when it reaps it.
 */
static void
observe(struct sampler *s)
{
	struct proc *p, *q;
	size_t i, hops;

	for (i = 0; i < s->nprocs; i++) {
		p = &s->procs[i];
		if (procfs_read_stat(p->pid, &p->cur) == -1)
			p->gone = 1;
		else if (p->cur.starttime != p->start) {
			p->gone = 1;
			forget(s, p->pid);	/* a new process under a reused pid */
		} else
			p->ppid = p->cur.ppid;
	}
	for (i = 0; i < s->nprocs; i++) {
		p = &s->procs[i];
		if (!p->gone || !p->seen)
			continue;
		for (q = p, hops = 0; q != NULL && q->gone && hops < s->nprocs; hops++) {
			pid_t pp = q->ppid;
			size_t j;

			for (q = NULL, j = 0; j < s->nprocs; j++)
				if (s->procs[j].pid == pp) {
					q = &s->procs[j];
					break;
				}
		}
		if (q != NULL && !q->gone)
			q->debt += p->self + p->child + p->debt;
	}
	for (i = 0; i < s->nprocs; i++)
		if (s->procs[i].gone) {
			s->procs[i] = s->procs[--s->nprocs];
			i--;
		}
}

/* now - *last, or 0 when the counter went down (a thread's counts left with it); *last = now. */
static uint64_t
delta(uint64_t now, uint64_t *last)
{
	uint64_t d = now > *last ? now - *last : 0;

	*last = now;
	return d;
}

/* Adds one live or zombie process's interval to a; the first observation only sets the base. */
static void
account(struct sampler *s, struct proc *p, struct acc *a)
{
	struct procfs_tgid c, t;
	uint64_t self, child, dself, dchild;
	int zombie = p->cur.state == 'Z' || p->cur.state == 'X';
	int base = !p->seen && !p->fresh;

	memset(&c, 0, sizeof(c));
	if (s->nl == NULL || procfs_read_tgid_nl(s->nl, p->pid, &c) == -1 || zombie) {
		/* The kernel's tgid sum skips a zombie leader; its task/ still lists it. */
		if (procfs_read_tgid_threads(p->pid, &t) == 0) {
			c.sched.run_ns = t.sched.run_ns > c.sched.run_ns ? t.sched.run_ns :
			    c.sched.run_ns;
			c.sched.wait_ns = t.sched.wait_ns > c.sched.wait_ns ? t.sched.wait_ns :
			    c.sched.wait_ns;
			c.vcsw = t.vcsw > c.vcsw ? t.vcsw : c.vcsw;
			c.ivcsw = t.ivcsw > c.ivcsw ? t.ivcsw : c.ivcsw;
		} else if (p->seen)
			c = p->ctr;	/* unreadable right now: no change */
	}
	self = p->cur.utime + p->cur.stime;
	child = p->cur.cutime + p->cur.cstime;
	a->procs++;
	a->threads += zombie ? 0 : (unsigned)p->cur.num_threads;
	a->rss_kib += (uint64_t)((double)p->cur.rss * s->page_kib);
	p->seen = 1;
	if (base) {
		p->self = self;
		p->child = child;
		p->ctr = c;
		return;
	}
	dself = delta(self, &p->self);
	dchild = delta(child, &p->child);
	if (dchild >= p->debt) {
		dchild -= p->debt;
		p->debt = 0;
	} else {
		p->debt -= dchild;
		dchild = 0;
	}
	a->cpu_s += (double)(dself + dchild) / s->hz;
	a->run_s += (double)delta(c.sched.run_ns, &p->ctr.sched.run_ns) / 1e9;
	a->runq_s += (double)delta(c.sched.wait_ns, &p->ctr.sched.wait_ns) / 1e9;
	a->vcsw += delta(c.vcsw, &p->ctr.vcsw);
	a->ivcsw += delta(c.ivcsw, &p->ctr.ivcsw);
}

/* Shares of thread time; run + runq above it (sampling skew) is scaled down to 100. */
static void
shares(double run, double runq, double thread_s, double *on, double *rq, double *off)
{
	double busy = run + runq;

	*on = *rq = *off = 0;
	if (thread_s <= 0)
		return;
	if (busy > thread_s)
		thread_s = busy;
	*on = 100.0 * run / thread_s;
	*rq = 100.0 * runq / thread_s;
	*off = 100.0 - *on - *rq;
	if (*off < 0)
		*off = 0;
}

static void
write_row(FILE *csv, const char *label, double t, const struct procfs_cpu *a,
    const struct procfs_cpu *b, const struct acc *g, double dt)
{
	double all = 0;
	struct row r;
	int i;

#define X(f) all += (double)(b->f - a->f);
	SYS_COLS(X)
#undef X
	fprintf(csv, "%s,%.3f", label ? label : "", t);
#define X(f) fprintf(csv, ",%.2f", all > 0 ? 100.0 * (double)(b->f - a->f) / all : 0.0);
	SYS_COLS(X)
#undef X
	for (i = 0; i < SAMPLER_NGROUPS; i++) {
		r.cpu_pct = dt > 0 ? 100.0 * g[i].cpu_s / dt : 0;
		shares(g[i].run_s, g[i].runq_s, g[i].thread_s, &r.on_pct, &r.runq_pct,
		    &r.off_pct);
		r.procs = g[i].procs;
		r.threads = g[i].threads;
		r.vcsw_per_s = dt > 0 ? (double)g[i].vcsw / dt : 0;
		r.ivcsw_per_s = dt > 0 ? (double)g[i].ivcsw / dt : 0;
		r.rss_kib = (double)g[i].rss_kib;
#define X(name, fmt) fprintf(csv, "," fmt, r.name);
		GROUP_COLS(X)
#undef X
	}
	fputc('\n', csv);
}

void
sampler_csv_header(FILE *f, const char *label_header)
{
	int i;

	fprintf(f, "%s,t_s", label_header);
#define X(name) fputs(",cpu_" #name "_pct", f);
	SYS_COLS(X)
#undef X
	for (i = 0; i < SAMPLER_NGROUPS; i++) {
#define X(name, fmt) fprintf(f, ",%s_%s", sampler_group_name(i), #name);
		GROUP_COLS(X)
#undef X
	}
	fputc('\n', f);
}

int
sampler_tick(struct sampler *s, FILE *csv, const char *label)
{
	struct acc g[SAMPLER_NGROUPS];
	struct procfs_cpu cpu;
	double c0, now, dt;
	size_t i;
	pid_t lastpid = 0;
	int rc = 0, follow = 0;

	if (s == NULL)
		return -1;
	c0 = clock_s(CLOCK_THREAD_CPUTIME_ID);
	now = clock_s(CLOCK_MONOTONIC);
	if (procfs_read_cpu(&cpu) == -1) {
		rc = -1;
		goto out;
	}
	if (s->ticks == 0)
		s->boot_first = (uint64_t)(clock_s(CLOCK_BOOTTIME) * s->hz);
	for (i = 0; i < s->nprocs; i++)
		follow |= s->procs[i].descendants;
	/* Listing /proc costs ~150-300 us; skip it when no process was born since the last. */
	if (follow && (procfs_read_lastpid(&lastpid) == -1 || lastpid != s->lastpid)) {
		if (scan(s) == -1)
			rc = -1;	/* out of memory: still sample what is known */
		else
			s->lastpid = lastpid;
	}
	observe(s);
	memset(g, 0, sizeof(g));
	for (i = 0; i < s->nprocs; i++)
		account(s, &s->procs[i], &g[s->procs[i].group]);
	dt = now - s->t_last;
	for (i = 0; i < SAMPLER_NGROUPS; i++) {
		g[i].thread_s = g[i].threads * dt;
		if (s->ticks > 0) {
			s->win[i].cpu_s += g[i].cpu_s;
			s->win[i].run_s += g[i].run_s;
			s->win[i].runq_s += g[i].runq_s;
			s->win[i].thread_s += g[i].thread_s;
			s->win[i].vcsw += g[i].vcsw;
			s->win[i].ivcsw += g[i].ivcsw;
		}
		if (g[i].rss_kib > s->win[i].rss_kib)
			s->win[i].rss_kib = g[i].rss_kib;
		if (g[i].procs > s->win[i].procs)
			s->win[i].procs = g[i].procs;
		if (g[i].threads > s->win[i].threads)
			s->win[i].threads = g[i].threads;
	}
	if (s->ticks == 0) {
		s->cpu_first = cpu;
		s->t_first = now;
	} else {
		if (csv != NULL)
			write_row(csv, label, now - s->t_first, &s->cpu_last, &cpu, g, dt);
		s->samples++;
	}
	s->cpu_last = cpu;
	s->t_last = now;
	s->ticks++;
out:
	s->cost_s += clock_s(CLOCK_THREAD_CPUTIME_ID) - c0;
	return rc;
}

void
sampler_totals(const struct sampler *s, enum sampler_group g, struct sampler_totals *t)
{
	const struct acc *a;

	if (t == NULL)
		return;
	memset(t, 0, sizeof(*t));
	if (s == NULL || (unsigned)g >= SAMPLER_NGROUPS)
		return;
	a = &s->win[g];
	t->wall_s = s->ticks > 1 ? s->t_last - s->t_first : 0;
	t->cpu_s = a->cpu_s;
	t->run_s = a->run_s;
	t->runq_s = a->runq_s;
	t->thread_s = a->thread_s;
	t->cpu_pct = t->wall_s > 0 ? 100.0 * t->cpu_s / t->wall_s : 0;
	shares(a->run_s, a->runq_s, a->thread_s, &t->on_pct, &t->runq_pct, &t->off_pct);
	t->vcsw = a->vcsw;
	t->ivcsw = a->ivcsw;
	t->max_rss_kib = a->rss_kib;
	t->max_procs = a->procs;
	t->max_threads = a->threads;
	t->samples = s->samples;
}

void
sampler_system(const struct sampler *s, struct sampler_system *sys)
{
	double all = 0;

	if (sys == NULL)
		return;
	memset(sys, 0, sizeof(*sys));
	if (s == NULL || s->ticks < 2)
		return;
#define X(f) all += (double)(s->cpu_last.f - s->cpu_first.f);
	SYS_COLS(X)
#undef X
	if (all <= 0)
		return;
#define X(f) sys->f = 100.0 * (double)(s->cpu_last.f - s->cpu_first.f) / all;
	SYS_COLS(X)
#undef X
}

double
sampler_cost_s(const struct sampler *s)
{
	return s != NULL ? s->cost_s : 0;
}

unsigned
sampler_ticks(const struct sampler *s)
{
	return s != NULL ? s->ticks : 0;
}

int
sampler_uses_taskstats(const struct sampler *s)
{
	return s != NULL && s->nl != NULL;
}
