/*
 * forkpool_child.h: the child side of the fork pool (models/forkpool.c, which forks the
 * children and keeps their slots) and the fixed-size messages on its two pipes. Down to a
 * child goes a key, JOB_KEY_MAX + 1 bytes padded with NULs; up comes its struct job_record.
 * Each message is one write(2) of at most PIPE_BUF bytes, so it is atomic, and a short read
 * can only mean the other end is gone.
 */
#ifndef EXIFBENCH_FORKPOOL_CHILD_H
#define EXIFBENCH_FORKPOOL_CHILD_H

#include <sys/types.h>

#include "run.h"

/*
 * The body of child id, called right after the fork with the only two pipe ends it keeps:
 * reads keys from in, runs each to its outcome with its own curl handle and writes the
 * record to out, until in reaches end-of-file (or out is gone). Ignores SIGINT and SIGTERM:
 * stopping is the parent's decision. Never returns: _exit(0), or _exit(2) when it could not
 * make its curl handle or job.
 */
void forkpool_child(const struct pipeline *p, int id, int in, int out)
    __attribute__((noreturn));

/* Writes key to fd as one key message, retried on EINTR; a failure means the child is gone. */
void forkpool_send_key(int fd, const char *key);

/*
 * Reads one record from fd into *rec: 1, 0 when a signal interrupted the read (poll again),
 * -1 when the child is gone (end-of-file or a short read).
 */
int forkpool_read_record(int fd, struct job_record *rec);

#endif
