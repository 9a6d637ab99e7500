/*
 * stage.h: the pipeline's CPU stage, per worker: the built-in transform (transform.h) or the
 * user's plugin, a shared object loaded with dlopen through the ABI of include/exifbench_stage.h
 * (`--stage FILE.so[:ARG]`), or the user's co-process (`--stage-cmd`, stage_cmd.h). A model makes one stage per worker (thread, forked process, event
 * loop) on that worker, and sets it on the jobs the worker processes (job_set_stage).
 *
 * Load errors are found once, before the run, by stage_check. A worker's stage_new that still
 * fails (its own init) returns a stage that fails every image with the reason, so each key of
 * the worker still ends with a record and the counts add up.
 *
 * What each model does when a plugin misbehaves:
 *  - an error (process returns -1): the key fails with "stage NAME: REASON", the run goes on;
 *  - a crash: an in-process plugin takes its process with it. Under sequential, pthreads,
 *    async and hybrid that is the run; under forkpool a child, which stage_isolate turned
 *    into an exit status the parent reads back (stage_exit_reason): the key fails with
 *    "stage crashed (signal N, NAME)" and the child is replaced;
 *  - a hang, with timeout_ms set: forkpool's child is killed at the deadline (SIGALRM, armed
 *    around the call) and the key fails with "stage timed out"; a thread cannot be stopped,
 *    so the other models wait for process to return and then fail the key if it overran (a
 *    stage that never returns hangs those runs).
 */
#ifndef EXIFBENCH_STAGE_H
#define EXIFBENCH_STAGE_H

#include <stddef.h>

#include "transform.h"

#define STAGE_PATH_MAX 1024
#define STAGE_ARG_MAX 256

enum stage_kind { STAGE_BUILTIN, STAGE_PLUGIN, STAGE_CMD };

/* Which stage a run uses: plain data, so forked workers share it as it is. */
struct stage_conf {
	enum stage_kind kind;
	char path[STAGE_PATH_MAX];	/* plugin: the .so, as given; co-process: the command */
	char arg[STAGE_ARG_MAX];	/* plugin: what follows the first ':' ("" if none) */
	long timeout_ms;		/* per image; 0: none */
};

struct stage;

/*
 * "FILE.so[:ARG]" into c (kind STAGE_PLUGIN; the path is the text up to the first ':', so a
 * path with a ':' cannot be named). 0, or -1 with a one-line reason in err.
 */
int stage_conf_parse(struct stage_conf *c, const char *spec, char *err, size_t errlen);

/*
 * A co-process stage (`--stage-cmd`, models/core/stage_cmd.h has the protocol): cmd, run by
 * /bin/sh -c, one per worker, restarted after it dies (that image's key fails with how), and
 * killed at timeout_ms (in every model: a process can be stopped). 0, or -1 with err.
 */
int stage_conf_cmd(struct stage_conf *c, const char *cmd, char *err, size_t errlen);

/*
 * Loads c's plugin, checks its ABI version, runs init(ARG) and fini once, and unloads it (so a
 * forked worker loads it afresh). 0, or -1 with a one-line reason naming the file in err.
 * A builtin c always passes.
 */
int stage_check(const struct stage_conf *c, char *err, size_t errlen);

/*
 * A worker's stage (c and t are not copied and must outlive it): for a plugin, dlopen and
 * init on the calling thread. NULL only when out of memory; a failed load or init gives a
 * stage whose every stage_process fails with the reason.
 */
struct stage *stage_new(const struct stage_conf *c, const struct transform_opts *t);
void stage_free(struct stage *s);	/* fini, on the worker's thread; NULL is fine */

/* The name records give the stage's output ("transform":NAME). */
const char *stage_name(const struct stage *s);

/*
 * Runs the stage on in[0..len): 0 with *out a malloc'd image (or NULL: the input is the output)
 * and *out_len; *warnings (libjpeg's, built-in transforms only) is added to. -1 with a one-line
 * reason in err.
 */
int stage_process(struct stage *s, const unsigned char *in, size_t len, unsigned char **out,
    size_t *out_len, int *warnings, char *err, size_t errlen);

/*
 * The built-in stage without a struct stage: transform t, then its spin (what a job with no
 * stage set runs). Same contract as stage_process.
 */
int stage_builtin(const struct transform_opts *t, const unsigned char *in, size_t len,
    unsigned char **out, size_t *out_len, int *warnings, char *err, size_t errlen);

/*
 * For a process of its own (forkpool's child, one per worker): a crash inside the stage ends
 * the process with a status that says so, and timeout_ms is enforced by SIGALRM. Installs
 * process-wide signal handlers: never call it in a process that runs other workers.
 */
void stage_isolate(struct stage *s);

/*
 * 1 when wait status st is an isolated stage's death (crash or timeout), with the reason in
 * buf; else 0 and buf untouched.
 */
int stage_exit_reason(int st, long timeout_ms, char *buf, size_t len);

#endif
