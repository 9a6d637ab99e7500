/*
 * models.c: the one table of the five concurrency models, in the order of the analysis.
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
