/*
 * model.h: a concurrency model: who runs the job steps of models/core/job.h, and when, over
 * the run of models/run.h. The five are listed in one table, models/models.c, with the two
 * facts the harness derives from a model: its in-flight count and its CPU-stage threads.
 */
#ifndef EXIFBENCH_MODEL_H
#define EXIFBENCH_MODEL_H

#include "run.h"

struct model {
	const char *name;
	const char *summary;	/* one line for --help */
	int shared_io_thread;	/* its transfers interleave on one thread (see struct pipeline) */
	unsigned max_concurrency;	/* the largest opts.concurrency it takes; 0: no limit */
	int uses_workers;	/* reads opts.workers */
	int uses_global_lock;	/* reads opts.global_lock */
	/*
	 * Runs every key of r to its outcome. Returns 0, or -1 when the model could not start
	 * or continue (no memory, no handle, fork failed): run_fail says why, and every key
	 * already handed out still has its record.
	 */
	int (*run)(struct run *r);
};

/* The five, in the order of the analysis, NULL-terminated. */
extern const struct model *const model_table[];

/* The model called name, or NULL. */
const struct model *model_find(const char *name);

/* Requests m keeps in flight at a level (opts.concurrency): the level, at most its cap. */
unsigned model_in_flight(const struct model *m, unsigned level);

/*
 * The threads of m that can run the CPU stage at once under opts, on pus PUs (uncapped by
 * them): one for a model capped at one in flight, for one whose transfers and CPU stage share
 * its one thread (async), and under opts->global_lock for a model that takes it (pthreads,
 * hybrid: one mutex around the CPU stage); else, for a model with CPU workers (hybrid), its
 * workers (opts->workers, else one per PU) and its event-loop thread; else one per request in
 * flight.
 */
unsigned model_cpu_threads(const struct model *m, const struct model_opts *opts, unsigned pus);

#endif
