/*
 * models.c: the one table of the five concurrency models, in the order of the analysis, and
 * the rules of model.h read from a model's fields.
 */
#include <string.h>

#include "model.h"

extern const struct model model_sequential, model_pthreads, model_forkpool, model_async,
    model_hybrid;

const struct model *const model_table[] = {
	&model_sequential, &model_pthreads, &model_forkpool, &model_async, &model_hybrid, NULL,
};

const struct model *
model_find(const char *name)
{
	const struct model *const *m;

	for (m = model_table; name != NULL && *m != NULL; m++)
		if (strcmp((*m)->name, name) == 0)
			return *m;
	return NULL;
}

unsigned
model_in_flight(const struct model *m, unsigned level)
{
	return m->max_concurrency > 0 && level > m->max_concurrency ? m->max_concurrency : level;
}

unsigned
model_cpu_threads(const struct model *m, const struct model_opts *opts, unsigned pus)
{
	if (m->max_concurrency == 1 || (m->shared_io_thread && !m->uses_workers) ||
	    (opts->global_lock && m->uses_global_lock))
		return 1;
	if (m->uses_workers)
		return (opts->workers > 0 ? opts->workers : pus) + 1;
	return model_in_flight(m, opts->concurrency);
}
