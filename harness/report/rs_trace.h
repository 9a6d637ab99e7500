/*
 * rs_trace.h: inside resultset (not for other readers): the per-run trace figures (struct
 * rs_trace) read from a scenario's trace.csv, which rs_trace.c computes (reading the rows
 * through rs_rows.h) and resultset.c calls when it loads a scenario.
 */
#ifndef EXIFBENCH_RS_TRACE_H
#define EXIFBENCH_RS_TRACE_H

#include <stddef.h>

#include "resultset.h"

/*
 * Streams s->dir/trace.csv once and fills every run's tr (rs_trace in resultset.h); rows of
 * a run with no summary row are skipped. trim is the scenario's (NaN or negative: nothing is
 * cut), for ips_se's window. A missing trace.csv leaves them -1. 0, or -1 with err.
 */
int rs_trace_load(struct rs_scenario *s, double trim, char *err, size_t errlen);

#endif
