/*
 * sampler.c: the sampler behind samples.csv. Each tick reads /proc/stat, has the process table
 * (proctab.h) sample every watched process, and turns the group sums of the interval into one
 * row and into the window's totals; the table keeps each process's last counters, the sampler
 * only the first and last /proc/stat and the window's sums.
 */
#include "sampler.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "procfs.h"
#include "proctab.h"
#include "waits.h"
#include "harness/results/samples_cols.h"

_Static_assert(SAMPLER_DESCENDANTS == PROCTAB_DESCENDANTS &&
    SAMPLER_FROM_BIRTH == PROCTAB_FROM_BIRTH, "sampler_watch passes its flags on");

/* The window: sums of the intervals, and the largest value seen. */
#define WIN_SUMS(X) X(cpu_s) X(run_s) X(runq_s) X(thread_s) X(vcsw) X(ivcsw)
#define WIN_MAXES(X) X(rss_kib) X(procs) X(threads)

struct sampler {
	struct proctab *tab;
	struct waits *waits;	/* the model group's wait profile */
	struct procfs_cpu cpu_first, cpu_last;
	double t_first, t_last;
	unsigned ticks, samples;
	struct proctab_acc win[SAMPLER_NGROUPS];	/* WIN_SUMS and WIN_MAXES */
	double late_s[SAMPLER_NGROUPS];		/* in win[].cpu_s: from sampler_settle */
	double cost_s;
};

static double clock_s(clockid_t id);
static void shares(double run, double runq, double thread_s, double *on, double *rq,
    double *off);
static void cpu_split(const struct procfs_cpu *a, const struct procfs_cpu *b,
    struct sampler_system *out);
static void write_row(FILE *csv, const char *label, double t, const struct procfs_cpu *c0,
    const struct procfs_cpu *c1, const struct proctab_acc *g, double dt);
static void add_interval(struct sampler *s, struct proctab_acc *g, double dt);
static void wait_one(void *arg, pid_t pid, long threads);

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

	if ((s = calloc(1, sizeof(*s))) == NULL || (s->tab = proctab_new()) == NULL ||
	    (s->waits = waits_new()) == NULL) {
		if (s != NULL)
			proctab_free(s->tab);
		free(s);
		return NULL;
	}
	return s;
}

void
sampler_free(struct sampler *s)
{
	if (s == NULL)
		return;
	proctab_free(s->tab);
	waits_free(s->waits);
	free(s);
}

static double
clock_s(clockid_t id)
{
	struct timespec ts;

	clock_gettime(id, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int
sampler_watch(struct sampler *s, enum sampler_group g, pid_t pid, int flags)
{
	if (s == NULL || (unsigned)g >= SAMPLER_NGROUPS)
		return -1;
	return proctab_watch(s->tab, (int)g, pid, flags);
}

void
sampler_settle(struct sampler *s, enum sampler_group g, const struct rusage *ru)
{
	double total, late;

	if (s == NULL || ru == NULL || (unsigned)g >= SAMPLER_NGROUPS || s->ticks < 2)
		return;
	total = (double)ru->ru_utime.tv_sec + (double)ru->ru_utime.tv_usec / 1e6 +
	    (double)ru->ru_stime.tv_sec + (double)ru->ru_stime.tv_usec / 1e6;
	late = total - s->win[g].cpu_s;
	if (late > 0) {
		s->win[g].cpu_s += late;
		s->late_s[g] += late;
	}
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

/* % of all CPU time from a to b by kind; all zero when no time passed. */
static void
cpu_split(const struct procfs_cpu *a, const struct procfs_cpu *b, struct sampler_system *out)
{
	double all = 0;

	memset(out, 0, sizeof(*out));
#define X(f) all += (double)(b->f - a->f);
	SAMPLES_SYS_COLUMNS(X)
#undef X
	if (all <= 0)
		return;
#define X(f) out->f = 100.0 * (double)(b->f - a->f) / all;
	SAMPLES_SYS_COLUMNS(X)
#undef X
}

static void
write_row(FILE *csv, const char *label, double t, const struct procfs_cpu *c0,
    const struct procfs_cpu *c1, const struct proctab_acc *g, double dt)
{
	const struct proctab_acc *a;
	struct sampler_system sys;
	double on, rq, off;
	int i;

	cpu_split(c0, c1, &sys);
	fprintf(csv, "%s,%.3f", label ? label : "", t);
#define X(f) fprintf(csv, ",%.2f", sys.f);
	SAMPLES_SYS_COLUMNS(X)
#undef X
	for (i = 0; i < SAMPLER_NGROUPS; i++) {
		a = &g[i];
		shares(a->run_s, a->runq_s, a->thread_s, &on, &rq, &off);
#define X(name, fmt, val) fprintf(csv, "," fmt, val);
		SAMPLES_GROUP_COLUMNS(X)
#undef X
	}
	fputc('\n', csv);
}

void
sampler_csv_header(FILE *f, const char *label_header)
{
	int i;

	fprintf(f, "%s," SAMPLES_TIME_COL, label_header);
#define X(name) fputs(",cpu_" #name "_pct", f);
	SAMPLES_SYS_COLUMNS(X)
#undef X
	for (i = 0; i < SAMPLER_NGROUPS; i++) {
#define X(name, fmt, val) fprintf(f, ",%s_%s", sampler_group_name(i), #name);
		SAMPLES_GROUP_COLUMNS(X)
#undef X
	}
	fputc('\n', f);
}

/*
 * Sets the interval's thread_s, and adds the interval to the window. The first tick adds to
 * the maxima and to cpu_s only: a process watched from birth has run before it (exec, start
 * up), and that CPU is the run's; no thread time was observed yet.
 */
static void
add_interval(struct sampler *s, struct proctab_acc *g, double dt)
{
	struct proctab_acc *w;
	int i;

	for (i = 0; i < SAMPLER_NGROUPS; i++) {
		w = &s->win[i];
		g[i].thread_s = g[i].threads * dt;
		if (s->ticks > 0) {
#define X(f) w->f += g[i].f;
			WIN_SUMS(X)
#undef X
		} else
			w->cpu_s += g[i].cpu_s;
#define X(f) w->f = g[i].f > w->f ? g[i].f : w->f;
		WIN_MAXES(X)
#undef X
	}
}

/* The baseline tick opens the files but counts nothing: its interval is not in the window. */
static void
wait_one(void *arg, pid_t pid, long threads)
{
	struct sampler *s = arg;

	(void)waits_sample(s->waits, pid, threads, s->ticks > 0);
}

int
sampler_tick(struct sampler *s, FILE *csv, const char *label)
{
	struct proctab_acc g[SAMPLER_NGROUPS];
	struct procfs_cpu cpu;
	double c0, now, dt;
	int rc = 0;

	if (s == NULL)
		return -1;
	c0 = clock_s(CLOCK_THREAD_CPUTIME_ID);
	now = clock_s(CLOCK_MONOTONIC);
	if (procfs_read_cpu(&cpu) == -1) {
		rc = -1;
		goto out;
	}
	memset(g, 0, sizeof(g));
	rc = proctab_sample(s->tab, g);
	if (s->ticks == 0 || s->ticks % waits_stride(g[SAMPLER_MODEL].threads) == 0) {
		waits_begin(s->waits);
		proctab_each(s->tab, SAMPLER_MODEL, wait_one, s);
		waits_end(s->waits);
	}
	dt = now - s->t_last;
	add_interval(s, g, dt);
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
	const struct proctab_acc *a;

	if (t == NULL)
		return;
	memset(t, 0, sizeof(*t));
	if (s == NULL || (unsigned)g >= SAMPLER_NGROUPS)
		return;
	a = &s->win[g];
	t->wall_s = s->ticks > 1 ? s->t_last - s->t_first : 0;
#define X(f) t->f = a->f;
	WIN_SUMS(X)
#undef X
	t->late_s = s->late_s[g];
	t->cpu_pct = t->wall_s > 0 ? 100.0 * t->cpu_s / t->wall_s : 0;
	shares(a->run_s, a->runq_s, a->thread_s, &t->on_pct, &t->runq_pct, &t->off_pct);
	t->max_rss_kib = a->rss_kib;
	t->max_procs = a->procs;
	t->max_threads = a->threads;
	t->samples = s->samples;
}

void
sampler_system(const struct sampler *s, struct sampler_system *sys)
{
	if (sys == NULL)
		return;
	memset(sys, 0, sizeof(*sys));
	if (s != NULL && s->ticks >= 2)
		cpu_split(&s->cpu_first, &s->cpu_last, sys);
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

void
sampler_scan_every(struct sampler *s, double seconds)
{
	if (s != NULL)
		proctab_scan_every(s->tab, seconds);
}

int
sampler_uses_taskstats(const struct sampler *s)
{
	return s != NULL && proctab_uses_taskstats(s->tab);
}

void
sampler_waits(const struct sampler *s, struct waits_totals *w)
{
	waits_totals(s != NULL ? s->waits : NULL, w);
}
