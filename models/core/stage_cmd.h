/*
 * stage_cmd.h: the co-process of a `--stage-cmd` stage, internal to stage.c (the contract of a
 * stage: stage.h). One long-lived process per worker, `/bin/sh -c COMMAND`, its stdin and
 * stdout pipes to the worker; its stderr is the run's. The protocol, one exchange per image,
 * integers 4-byte big-endian:
 *
 *	request:  LEN, then LEN bytes: the input image
 *	response: STATUS, LEN, then LEN bytes: STATUS 0, the output image (LEN 0: keep the
 *		  input); STATUS 1, a one-line error text (the key fails with it)
 *
 * The co-process reads a whole request before it writes its response, and answers requests in
 * order, one at a time. It ends when its stdin ends.
 */
#ifndef EXIFBENCH_STAGE_CMD_H
#define EXIFBENCH_STAGE_CMD_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#define STAGE_CMD_MAX_OUT (256L << 20)	/* a response longer than this is refused */

struct stage_cmd {
	pid_t pid;		/* 0: not running */
	int to, from;		/* its stdin, its stdout */
};

/* Starts cmd (posix_spawn, safe from a threaded process): 0, or -1 with the reason in err. */
int stage_cmd_start(struct stage_cmd *c, const char *cmd, char *err, size_t errlen);

/*
 * One exchange (see above); timeout_ms > 0 bounds the wait for the response. On -1 err says
 * why; when the co-process died, timed out (it is then killed) or broke the protocol, it has
 * been stopped and reaped, and c->pid is 0: the next call's caller restarts it.
 */
int stage_cmd_call(struct stage_cmd *c, const unsigned char *in, size_t len,
    unsigned char **out, size_t *out_len, long timeout_ms, char *err, size_t errlen);

/* Closes its stdin and reaps it (killed if it does not end within a second). */
void stage_cmd_stop(struct stage_cmd *c);

/* CLOCK_MONOTONIC in milliseconds (for stage.c too). */
int64_t stage_cmd_now_ms(void);

#endif
