/*
 * exifbench_stage.h: the C ABI of a CPU-stage plugin, the user's own step that replaces
 * exifbench's built-in transform (`exifbench run --stage FILE.so[:ARG]`). This header is the
 * whole contract between the toolkit's core (models/core/stage.c, which loads the plugin with
 * dlopen) and a plugin; it includes nothing of the toolkit and may be copied into a C, C++ or
 * Rust (bindgen) project.
 *
 * A plugin exports one symbol, EXIFBENCH_STAGE_SYMBOL, a function returning a pointer to a
 * static struct exifbench_stage whose abi field is EXIFBENCH_STAGE_ABI: the loader refuses any
 * other value, so a plugin built against another version of this header fails at load with a
 * clear message instead of crashing.
 *
 * Calls, per worker (a thread, a forked process or the event loop, depending on the model):
 *
 *	state = init(arg, err, errlen);		once, on the worker's own thread, before its first
 *						image; NULL fails, with a one-line reason in err
 *	rc = process(state, in, len, &out, &out_len, err, errlen);
 *						once per image, on that worker's thread (hybrid:
 *						on whichever worker thread runs the image, with
 *						that worker's state)
 *	fini(state);				once, on the same thread, after its last image
 *
 * A state is used by one thread at a time, so a plugin needs no lock for it; anything a plugin
 * keeps outside its states (statics) it must guard itself, since under the threaded models
 * several workers call process at once. process returns 0 and sets *out to the output image
 * (malloc'd: the toolkit frees it with free()) and *out_len, or sets *out to NULL to keep the
 * input image as the output; or returns -1 with a one-line reason in err (errlen bytes, at
 * least 128): that image's key fails with "stage NAME: REASON" and the run goes on. in stays
 * the toolkit's and is read-only. A plugin must not print, exit or install signal handlers.
 *
 * A plugin that crashes takes its process with it: under sequential, pthreads, async and hybrid
 * that is the whole run; under forkpool only the worker process, which is restarted, and the
 * image's key fails with "stage crashed". Build with -fPIC -shared, export only the entry
 * symbol (-fvisibility=hidden), and link what the plugin needs (e.g. -ljpeg).
 */
#ifndef EXIFBENCH_PUBLIC_STAGE_H
#define EXIFBENCH_PUBLIC_STAGE_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

#define EXIFBENCH_STAGE_ABI 1
#define EXIFBENCH_STAGE_SYMBOL "exifbench_stage_v1"

struct exifbench_stage {
	unsigned abi;		/* EXIFBENCH_STAGE_ABI */
	const char *name;	/* short, no spaces: in records ("transform":NAME) and errors */
	void *(*init)(const char *arg, char *err, size_t errlen);	/* arg: "" if none */
	int (*process)(void *state, const unsigned char *in, size_t len, unsigned char **out,
	    size_t *out_len, char *err, size_t errlen);
	void (*fini)(void *state);
};

/* The entry point a plugin defines: returns its static description. */
typedef const struct exifbench_stage *(*exifbench_stage_entry)(void);

#define EXIFBENCH_STAGE_EXPORT __attribute__((visibility("default")))

/* What a plugin defines (mark it EXIFBENCH_STAGE_EXPORT); the loader looks it up by name. */
const struct exifbench_stage *exifbench_stage_v1(void);

#ifdef __cplusplus
}
#endif

#endif
