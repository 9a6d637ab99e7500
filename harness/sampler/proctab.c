/*
 * proctab.c: the table of watched processes. Per process it keeps the last counters seen and
 * its /proc/PID/stat open, never a history, so memory is O(watched processes). A sample costs
 * per process a read of its CPU clock, a pread of that stat (~3 us; open, read, close: ~9 us)
 * and a taskstats query, 32 to a send (~1.5 us, ~20 us for radosgw's 600 threads), each
 * process of a table wider than PROCTAB_READS at one sample in several; the
 * schedstat and status of every thread would cost ~10 ms with the Ceph server watched, which
 * is why taskstats is preferred. The scan for descendants lists /proc, which walks every task
 * on the machine (~450 us on a busy one with radosgw's 600 threads): hence proctab_scan_every.
 */
#include "proctab.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "pidscan.h"
#include "procfs.h"
#include "taskstats.h"

struct proc {
	pid_t pid, ppid;
	int group, descendants;
	int fresh;		/* born after the first sample, or watched from birth: counts from zero */
	int seen;		/* has a previous observation */
	int gone;		/* this sample: exited and reaped, or its pid reused */
	uint64_t start;		/* starttime, to notice pid reuse */
	uint64_t self;		/* last CPU of the thread group, exited threads included (ns) */
	uint64_t child;		/* last cutime+cstime, in ns (whole clock ticks) */
	uint64_t debt;		/* ns already counted for reaped children, not yet in child */
	int fd, have;		/* /proc/PID/stat kept open (-1: read by path); now is set */
	int due;		/* read at this sample (proctab.h: PROCTAB_READS) */
	int parent;		/* another process of the table is its child */
	int clk_ok;		/* clk was read this sample */
	uint64_t clk;		/* the thread group's CPU clock this sample (ns) */
	struct taskstats_tgid ctr, now;
	struct procfs_stat cur;
};

#define ZOMBIE(p) ((p)->cur.state == 'Z' || (p)->cur.state == 'X')
#define MAX(a, b) ((a) > (b) ? (a) : (b))

struct proctab {
	struct proc *procs;
	size_t nprocs, cap;
	struct pidscan *ps;
	struct taskstats_nl *nl;	/* NULL: per-thread files instead */
	int started;		/* a sample was taken */
	unsigned long nsample;	/* samples taken: picks whom a wide table reads */
	size_t reads;		/* processes read at the last sample (tests look) */
	int changed;		/* a process joined or left: parents to mark again */
	double scan_s, scanned;	/* least time between scans for descendants; the last scan */
	uint64_t boot_first;	/* CLOCK_BOOTTIME at the first sample, in ticks */
	uint64_t tick_ns;	/* one clock tick */
	double hz, page_kib;
};

static struct proc *proc_find(struct proctab *t, pid_t pid, int gone_too);
static struct proc *proc_add(struct proctab *t, int group, pid_t pid, int flags,
    const struct procfs_stat *st);
static enum pidscan_verdict offer(void *arg, pid_t pid);
static void mark_parents(struct proctab *t);
static int is_due(const struct proctab *t, const struct proc *p);
static void read_proc(struct proctab *t, struct proc *p);
static void observe(struct proctab *t);
static void query(struct proctab *t);
static uint64_t delta(uint64_t now, uint64_t *last);
static int cpu_clock_ns(pid_t pid, uint64_t *ns);
static void account(struct proctab *t, struct proc *p, struct proctab_acc *a);

struct proctab *
proctab_new(void)
{
	struct proctab *t;
	char err[128];
	long hz, page;

	if ((t = calloc(1, sizeof(*t))) == NULL || (t->ps = pidscan_new()) == NULL) {
		free(t);
		return NULL;
	}
	hz = sysconf(_SC_CLK_TCK);
	page = sysconf(_SC_PAGESIZE);
	t->hz = hz > 0 ? (double)hz : 100.0;
	t->tick_ns = (uint64_t)(1e9 / t->hz);
	t->page_kib = page > 0 ? (double)page / 1024.0 : 4.0;
	t->nl = taskstats_nl_new(err, sizeof(err));	/* NULL: fall back to per-thread files */
	return t;
}

void
proctab_free(struct proctab *t)
{
	if (t == NULL)
		return;
	while (t->nprocs > 0)
		if (t->procs[--t->nprocs].fd != -1)
			close(t->procs[t->nprocs].fd);
	taskstats_nl_free(t->nl);
	pidscan_free(t->ps);
	free(t->procs);
	free(t);
}

/* The entry of pid; one found gone this sample only when gone_too. */
static struct proc *
proc_find(struct proctab *t, pid_t pid, int gone_too)
{
	size_t i;

	for (i = 0; i < t->nprocs; i++)
		if (t->procs[i].pid == pid && (gone_too || !t->procs[i].gone))
			return &t->procs[i];
	return NULL;
}

static struct proc *
proc_add(struct proctab *t, int group, pid_t pid, int flags, const struct procfs_stat *st)
{
	struct proc *p;
	size_t cap;

	if (t->nprocs == t->cap) {
		cap = t->cap ? 2 * t->cap : 16;
		if ((p = realloc(t->procs, cap * sizeof(*p))) == NULL)
			return NULL;
		t->procs = p;
		t->cap = cap;
	}
	p = &t->procs[t->nprocs++];
	memset(p, 0, sizeof(*p));
	p->pid = pid;
	p->ppid = st->ppid;
	p->group = group;
	p->descendants = (flags & PROCTAB_DESCENDANTS) != 0;
	p->start = st->starttime;
	p->fresh = (flags & PROCTAB_FROM_BIRTH) || (t->started && st->starttime >= t->boot_first);
	p->fd = procfs_open_stat(pid);	/* a reused pid shows in its starttime */
	t->changed = 1;
	return p;
}

int
proctab_watch(struct proctab *t, int group, pid_t pid, int flags)
{
	struct procfs_stat st;
	struct proc *p;

	if (t == NULL || group < 0 || pid <= 0 || procfs_read_stat(pid, &st) == -1)
		return -1;
	if ((p = proc_find(t, pid, 0)) != NULL) {
		p->group = group;
		p->descendants |= (flags & PROCTAB_DESCENDANTS) != 0;
		return 0;
	}
	return proc_add(t, group, pid, flags, &st) != NULL ? 0 : -1;
}

/* A pid born since the last scan joins its parent's group when the parent follows descendants. */
static enum pidscan_verdict
offer(void *arg, pid_t pid)
{
	struct proctab *t = arg;
	struct procfs_stat st;
	struct proc *parent;

	if (proc_find(t, pid, 0) != NULL || procfs_read_stat(pid, &st) == -1)
		return PIDSCAN_DONE;
	if ((parent = proc_find(t, st.ppid, 0)) == NULL || !parent->descendants)
		return PIDSCAN_LATER;
	if (proc_add(t, parent->group, pid, PROCTAB_DESCENDANTS, &st) == NULL)
		return PIDSCAN_FAIL;
	return PIDSCAN_JOINED;
}

/* Marks the processes another one in the table descends from directly. */
static void
mark_parents(struct proctab *t)
{
	size_t i, j;

	for (i = 0; i < t->nprocs; i++)
		t->procs[i].parent = 0;
	for (i = 0; i < t->nprocs; i++)
		for (j = 0; j < t->nprocs; j++)
			if (t->procs[j].ppid == t->procs[i].pid) {
				t->procs[i].parent = 1;
				break;
			}
	t->changed = 0;
}

/*
 * 1 when p is read at this sample: always in a table of up to PROCTAB_READS processes; in a
 * wider one at its first sample, as a parent or a zombie, and else at one sample in
 * ceil(n / PROCTAB_READS), by pid so that the reads spread over the samples.
 */
static int
is_due(const struct proctab *t, const struct proc *p)
{
	size_t every = (t->nprocs + PROCTAB_READS - 1) / PROCTAB_READS;

	return every <= 1 || !p->seen || p->parent || ZOMBIE(p) ||
	    ((unsigned long)p->pid + t->nsample) % every == 0;
}

/* Reads p's CPU clock and stat; marks it gone when it was reaped or its pid reused. */
static void
read_proc(struct proctab *t, struct proc *p)
{
	p->due = 1;
	t->reads++;
	p->clk_ok = cpu_clock_ns(p->pid, &p->clk) == 0;
	if ((p->fd != -1 ? procfs_pread_stat(p->fd, &p->cur) :
	    procfs_read_stat(p->pid, &p->cur)) == -1 || p->cur.starttime != p->start) {
		p->gone = 1;	/* reaped (an fd: ESRCH), or its pid reused: offer it anew */
		pidscan_forget(t->ps, p->pid);
	} else
		p->ppid = p->cur.ppid;
}

/*
 * Reads the processes due; then, for each parent whose cutime+cstime grew (it reaped
 * someone), every child of it in the table again, read already or not, so that a reaped child
 * is found gone at the sample its parent's count shows it (one read as a zombie just before its
 * parent reaped it would otherwise be counted twice: its own last interval, and in full in the
 * parent's count with no debt to pay it from). One that is gone hands what was counted for it
 * (its counters and its own unpaid debt) to its nearest live ancestor in the table, whose
 * cutime+cstime will grow by the same amount when it reaps it.
 */
static void
observe(struct proctab *t)
{
	struct proc *p, *q;
	size_t i, j, hops;

	if (t->changed)
		mark_parents(t);
	t->reads = 0;
	for (i = 0; i < t->nprocs; i++) {
		p = &t->procs[i];
		p->due = 0;
		if (is_due(t, p))
			read_proc(t, p);
	}
	for (i = 0; i < t->nprocs; i++) {
		p = &t->procs[i];
		if (!p->parent || p->gone || !p->seen ||
		    (p->cur.cutime + p->cur.cstime) * t->tick_ns <= p->child)
			continue;
		for (j = 0; j < t->nprocs; j++) {
			q = &t->procs[j];
			if (!q->gone && q->ppid == p->pid)
				read_proc(t, q);
		}
	}
	for (i = 0; i < t->nprocs; i++) {
		p = &t->procs[i];
		if (!p->gone || !p->seen)
			continue;
		for (q = p, hops = 0; q != NULL && q->gone && hops < t->nprocs; hops++)
			q = proc_find(t, q->ppid, 1);
		if (q != NULL && !q->gone)
			q->debt += p->self + p->child + p->debt;
	}
	for (i = 0; i < t->nprocs; i++)
		if (t->procs[i].gone) {
			if (t->procs[i].fd != -1)
				close(t->procs[i].fd);
			t->procs[i] = t->procs[--t->nprocs];
			t->changed = 1;
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

/*
 * The thread group's CPU clock in ns: live and exited threads, read under the kernel's lock
 * that moves an exiting thread's time to its group, so it never goes back; what getrusage
 * sums too. 0, or -1 (reaped; or a zombie leader, on kernels that give it no clock).
 */
static int
cpu_clock_ns(pid_t pid, uint64_t *ns)
{
	struct timespec ts;
	clockid_t id;

	if (clock_getcpuclockid(pid, &id) != 0 || clock_gettime(id, &ts) == -1)
		return -1;
	*ns = (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
	return 0;
}

/*
 * Adds one live or zombie process's interval to a; the first observation only sets the base.
 * Its own CPU comes from cpu_clock_ns, never /proc/PID/stat's utime+stime, which the kernel
 * truncates to whole clock ticks (10 ms a process: 6-47% of a short run's CPU at 1 to 16 in
 * flight), nor taskstats' sum, which misses a thread's exit (its address space torn down:
 * ms for the last thread) and counts an exiting thread twice for a moment. Reaped children's
 * CPU has no finer source than cutime+cstime: what they used after their last sample is
 * known to a tick (sampler_settle makes the total exact).
 */
static void
account(struct proctab *t, struct proc *p, struct proctab_acc *a)
{
	struct taskstats_tgid c;
	uint64_t self = 0, child, dself, dchild, paid;
	int zombie = ZOMBIE(p);
	int base = !p->seen && !p->fresh, readable = 1;

	if (!p->due) {	/* a wide table's process read at another sample: as last seen */
		a->procs++;
		a->threads += (unsigned)p->cur.num_threads;
		a->rss_kib += (uint64_t)((double)p->cur.rss * t->page_kib);
		return;
	}
	if (p->have && !zombie)
		c = p->now;	/* query() asked already */
	else if (taskstats_read_best(t->nl, p->pid, zombie, &c) == -1 && p->seen)
		c = p->ctr;	/* unreadable right now: no change */
	if (p->clk_ok)
		self = p->clk;
	else {
		if (!zombie && !p->seen)
			readable = 0;	/* no base yet: take it at the next sample */
		else if (!zombie)
			self = p->self;	/* unreadable right now: no change */
		else	/* a kernel with no clock for a zombie leader: the ticks */
			self = MAX(p->self, (p->cur.utime + p->cur.stime) * t->tick_ns);
	}
	child = (p->cur.cutime + p->cur.cstime) * t->tick_ns;
	p->have = 0;
	a->procs++;
	a->threads += zombie ? 0 : (unsigned)p->cur.num_threads;
	a->rss_kib += (uint64_t)((double)p->cur.rss * t->page_kib);
	if (!readable)
		return;
	p->seen = 1;
	if (base) {
		p->self = self;
		p->child = child;
		p->ctr = c;
		return;
	}
	dself = delta(self, &p->self);
	dchild = delta(child, &p->child);
	paid = dchild < p->debt ? dchild : p->debt;	/* counted already, as a child's */
	dchild -= paid;
	p->debt -= paid;
	a->cpu_s += (double)(dself + dchild) / 1e9;
	a->run_s += (double)delta(c.sched.run_ns, &p->ctr.sched.run_ns) / 1e9;
	a->runq_s += (double)delta(c.sched.wait_ns, &p->ctr.sched.wait_ns) / 1e9;
	a->vcsw += delta(c.vcsw, &p->ctr.vcsw);
	a->ivcsw += delta(c.ivcsw, &p->ctr.ivcsw);
}

/* The live due processes' taskstats queries, TASKSTATS_BATCH at a time; a zombie's come later. */
static void
query(struct proctab *t)
{
	struct taskstats_ask ask[TASKSTATS_BATCH];
	struct proc *of[TASKSTATS_BATCH];
	size_t i = 0, j, n;

	while (t->nl != NULL && i < t->nprocs) {
		for (n = 0; i < t->nprocs && n < TASKSTATS_BATCH; i++)
			if (t->procs[i].due && !ZOMBIE(&t->procs[i])) {
				of[n] = &t->procs[i];
				ask[n++].pid = t->procs[i].pid;
			}
		taskstats_read_many(t->nl, ask, n);
		for (j = 0; j < n; j++)
			if ((of[j]->have = ask[j].ok))
				of[j]->now = ask[j].tg;
	}
}

int
proctab_sample(struct proctab *t, struct proctab_acc *g)
{
	struct timespec ts;
	size_t i;
	double now;
	int rc = 0, follow = 0;

	if (t == NULL || g == NULL)
		return -1;
	clock_gettime(CLOCK_BOOTTIME, &ts);
	now = (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
	if (!t->started)
		t->boot_first = (uint64_t)(now * t->hz);
	for (i = 0; i < t->nprocs; i++)
		follow |= t->procs[i].descendants;
	if (follow && (!t->started || now - t->scanned >= t->scan_s)) {
		t->scanned = now;
		if (pidscan_run(t->ps, offer, t) == -1)
			rc = -1;	/* out of memory: still sample what is known */
	}
	observe(t);
	query(t);
	for (i = 0; i < t->nprocs; i++)
		account(t, &t->procs[i], &g[t->procs[i].group]);
	t->started = 1;
	t->nsample++;
	return rc;
}

void
proctab_scan_every(struct proctab *t, double seconds)
{
	if (t != NULL)
		t->scan_s = seconds > 0 ? seconds : 0;
}

int
proctab_uses_taskstats(const struct proctab *t)
{
	return t != NULL && t->nl != NULL;
}

void
proctab_each(const struct proctab *t, int group, proctab_each_fn fn, void *arg)
{
	const struct proc *p;
	size_t i;

	for (i = 0; t != NULL && fn != NULL && i < t->nprocs; i++) {
		p = &t->procs[i];
		if (p->group == group && !ZOMBIE(p))
			fn(arg, p->pid, p->cur.num_threads);
	}
}
