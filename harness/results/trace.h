/*
 * trace.h: one CSV row per finished job (the run's trace): outcome, bytes, curl timings and,
 * per stage, the worker, start, end and on-CPU time. Times are microseconds from the run's
 * start; cpu is -1 where a stage's CPU cannot be told apart from other jobs' (see job.h).
 * The columns are listed once, in trace_cols.h (and described in README.md).
 */
#ifndef EXIFBENCH_TRACE_H
#define EXIFBENCH_TRACE_H

#include <stdint.h>
#include <stdio.h>

#include "models/core/job.h"

/* Writes the header line. Returns 0, or -1 on a write error. */
int trace_header(FILE *f);

/* Writes rec as a row; t0_ns is the run's start on CLOCK_MONOTONIC. 0, or -1. */
int trace_row(FILE *f, const struct job_record *rec, int64_t t0_ns);

#endif
