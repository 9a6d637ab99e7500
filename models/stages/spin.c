/*
 * spin.c: an example CPU-stage plugin (include/exifbench_stage.h) that burns a calibrated
 * amount of its thread's CPU time per image, the toolkit's own spin (transform_spin in
 * models/core/transform.h) compiled into the plugin: the cost of a slower language's step,
 * as `--cpu-spin-ms` emulates it, but through the plugin call. The output is the input (the
 * stage sets no image). Built by `make` as build/stages/spin.so.
 *
 *	--stage build/stages/spin.so:MS		MS > 0, milliseconds of CPU per image
 */
#include <stdio.h>
#include <stdlib.h>

#include "include/exifbench_stage.h"
#include "models/core/transform.h"

static void *spin_init(const char *arg, char *err, size_t errlen);
static int spin_process(void *state, const unsigned char *in, size_t len, unsigned char **out,
    size_t *out_len, char *err, size_t errlen);
static void spin_fini(void *state);

static const struct exifbench_stage spin_stage = {
	.abi = EXIFBENCH_STAGE_ABI,
	.name = "spin",
	.init = spin_init,
	.process = spin_process,
	.fini = spin_fini,
};

EXIFBENCH_STAGE_EXPORT const struct exifbench_stage *
exifbench_stage_v1(void)
{
	return &spin_stage;
}

static void *
spin_init(const char *arg, char *err, size_t errlen)
{
	double *ms = malloc(sizeof(*ms));
	char *end;

	if (ms == NULL) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	*ms = strtod(arg, &end);
	if (*arg == '\0' || *end != '\0' || !(*ms > 0 && *ms <= 60000)) {
		snprintf(err, errlen, "ARG must be the milliseconds of CPU per image, "
		    "0 < MS <= 60000, not '%s'", arg);
		free(ms);
		return NULL;
	}
	return ms;
}

static int
spin_process(void *state, const unsigned char *in, size_t len, unsigned char **out,
    size_t *out_len, char *err, size_t errlen)
{
	(void)in, (void)len, (void)out, (void)out_len, (void)err, (void)errlen;
	transform_spin(*(double *)state);
	return 0;
}

static void
spin_fini(void *state)
{
	free(state);
}
