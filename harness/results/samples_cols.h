/*
 * samples_cols.h: the columns of samples.csv (the sampler's time series, one row per tick and
 * run, after the run's label columns of results.h), listed once for the writer
 * (harness/sampler/sampler.c) and every reader (the report's plotdata_runs.c). A row is the
 * label cells, t_s (seconds from the run's start), the machine's CPU split as cpu_KIND_pct,
 * then for each process group of sampler.h (model, server, shaper) GROUP_NAME columns.
 */
#ifndef EXIFBENCH_SAMPLES_COLS_H
#define EXIFBENCH_SAMPLES_COLS_H

/* The machine's CPU time by kind, /proc/stat's fields: each a cpu_KIND_pct column. */
#define SAMPLES_SYS_COLUMNS(X) \
	X(user) X(nice) X(system) X(idle) X(iowait) X(irq) X(softirq) X(steal)

/*
 * Per group: X(name, format, expr). expr is the writer's, over the interval's sums `a` (a
 * const struct proctab_acc *), its length `dt` and the thread-time shares `on`, `rq`, `off`;
 * a reader's X ignores it.
 */
#define SAMPLES_GROUP_COLUMNS(X)                                             \
	X(cpu_pct, "%.2f", dt > 0 ? 100.0 * a->cpu_s / dt : 0)               \
	X(on_pct, "%.2f", on) X(runq_pct, "%.2f", rq) X(off_pct, "%.2f", off) \
	X(procs, "%.0f", (double)a->procs)                                   \
	X(threads, "%.0f", (double)a->threads)                               \
	X(vcsw_per_s, "%.1f", dt > 0 ? (double)a->vcsw / dt : 0)             \
	X(ivcsw_per_s, "%.1f", dt > 0 ? (double)a->ivcsw / dt : 0)           \
	X(rss_kib, "%.0f", (double)a->rss_kib)

#define SAMPLES_COL_ENUM(name, fmt, expr) SAMPLES_##name,
enum samples_group_col { SAMPLES_GROUP_COLUMNS(SAMPLES_COL_ENUM) SAMPLES_NGROUP_COL };
#undef SAMPLES_COL_ENUM

/* The time column, seconds from the run's start. */
#define SAMPLES_TIME_COL "t_s"

/*
 * The name of group `group`'s column c ("model" and SAMPLES_cpu_pct: "model_cpu_pct") into
 * buf; returns buf ("" when c is out of range or the name does not fit).
 */
const char *samples_group_col(const char *group, enum samples_group_col c, char *buf,
    size_t len);

#endif
