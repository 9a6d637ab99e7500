/*
 * model.h: a concurrency model: who runs the job steps of models/core/job.h, and when, over
 * the run of models/core/run.h. The five are listed in one table, models/models.c.
 */
#ifndef EXIFBENCH_MODEL_H
#define EXIFBENCH_MODEL_H

#include "models/core/run.h"

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

#endif
