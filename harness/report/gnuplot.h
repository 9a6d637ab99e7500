/*
 * gnuplot.h: runs gnuplot as a child process, the one way the harness does: `gnuplot -e VARS
 * SCRIPT`, found through PATH and executed directly (no shell), stdin on /dev/null, and waited
 * for before the call returns, so that no child and no descriptor outlives it. Its output
 * either goes to a log file (the figures: stdout is dropped, stderr appended to the log) or
 * is captured into the caller's buffer (the USL fit: its results are what it prints).
 */
#ifndef EXIFBENCH_GNUPLOT_H
#define EXIFBENCH_GNUPLOT_H

#include <stddef.h>

/*
 * Runs `gnuplot -e vars script` (just `gnuplot script` when vars is NULL) and waits for it.
 * When out is not NULL (outlen >= 2, log_fd -1), stdout and stderr both go into out, as one
 * NUL-terminated stream: the last outlen - 1 bytes of it when gnuplot wrote more (out is ""
 * when it never ran); otherwise stdout goes to /dev/null and stderr to log_fd (-1: /dev/null).
 * Returns 0 when gnuplot exited with status 0. -1 with err when it ran and failed: "gnuplot
 * SCRIPT exited with status N", "... killed by signal N" (what it said is in out or the log),
 * or waiting for it failed. -2 with err when it never ran: bad arguments, "gnuplot not found:
 * install gnuplot-nox (make deps)" when it is not in PATH, "cannot run gnuplot: REASON" for
 * another exec failure, or a failed pipe or fork; these name no script, which is not at fault.
 */
int gnuplot_run(const char *script, const char *vars, int log_fd, char *out, size_t outlen,
    char *err, size_t errlen);

#endif
