/*
 * teststage.c: a CPU-stage plugin for the tests only (tests/unit/test_stage.c,
 * tests/integration/stage.sh), whose ARG picks how it misbehaves on the images of odd size
 * (the others pass through unchanged, so which keys fail is known from the sizes alone):
 *
 *	ok		every image passes (the output is the input)
 *	fail-init	init fails: "asked to fail"
 *	error		process fails odd-sized images: "odd size N"
 *	crash		process raises SIGSEGV on them
 *	hang		process never returns on them (it sleeps in a loop)
 *	copy		every image is copied to a new output buffer
 *	sleep		every image passes after a 100 ms sleep (a stage whose time is off the
 *			CPU: the wait profile's sleep class, tests/integration/waits.sh)
 *
 * Built three ways: as is (teststage.so), with -DNO_ENTRY (no entry symbol: nosym.so) and
 * with -DBAD_ABI (a wrong ABI version: badabi.so).
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "include/exifbench_stage.h"

static void *test_init(const char *arg, char *err, size_t errlen);
static int test_process(void *state, const unsigned char *in, size_t len, unsigned char **out,
    size_t *out_len, char *err, size_t errlen);
static void test_fini(void *state);

static const char *const modes[] = { "ok", "error", "crash", "hang", "copy", "sleep", NULL };

static const struct exifbench_stage test_stage = {
#ifdef BAD_ABI
	.abi = EXIFBENCH_STAGE_ABI + 98,
#else
	.abi = EXIFBENCH_STAGE_ABI,
#endif
	.name = "teststage",
	.init = test_init,
	.process = test_process,
	.fini = test_fini,
};

#ifndef NO_ENTRY
EXIFBENCH_STAGE_EXPORT const struct exifbench_stage *
exifbench_stage_v1(void)
{
	return &test_stage;
}
#else
const struct exifbench_stage *exifbench_stage_v0(void);

EXIFBENCH_STAGE_EXPORT const struct exifbench_stage *
exifbench_stage_v0(void)	/* a name the loader does not look for */
{
	return &test_stage;
}
#endif

static void *
test_init(const char *arg, char *err, size_t errlen)
{
	int i;

	for (i = 0; modes[i] != NULL; i++)
		if (strcmp(arg, modes[i]) == 0)
			return (void *)&modes[i];
	if (strcmp(arg, "fail-init") == 0)
		snprintf(err, errlen, "asked to fail");
	else
		snprintf(err, errlen, "unknown mode '%s'", arg);
	return NULL;
}

static int
test_process(void *state, const unsigned char *in, size_t len, unsigned char **out,
    size_t *out_len, char *err, size_t errlen)
{
	const char *mode = *(const char *const *)state;

	if (strcmp(mode, "copy") == 0) {
		if ((*out = malloc(len ? len : 1)) == NULL)
			return -1;
		memcpy(*out, in, len);
		*out_len = len;
		return 0;
	}
	if (strcmp(mode, "sleep") == 0) {
		struct timespec ts = { 0, 100 * 1000 * 1000 };

		while (nanosleep(&ts, &ts) != 0)
			;	/* a signal cut it short: sleep the rest */
		return 0;
	}
	if (len % 2 == 0 || strcmp(mode, "ok") == 0)
		return 0;
	if (strcmp(mode, "crash") == 0)
		raise(SIGSEGV);
	while (strcmp(mode, "hang") == 0)
		sleep(3600);	/* a signal may cut a sleep short: a hang never ends */
	snprintf(err, errlen, "odd size %zu", len);
	return -1;
}

static void
test_fini(void *state)
{
	(void)state;
}
