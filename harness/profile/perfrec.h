/*
 * perfrec.h: Debian's `perf` as the profiler of a run. perfrec_start attaches `perf record`
 * to a process (-p PID --inherit: its threads, and the threads and processes it starts
 * afterwards; attach it before its exec, as the bench does: perf joining a process already
 * running worked several times harder on its forked workers, docs/methodology.md) on the
 * cpu-clock software event (hardware counters are absent on many virtual machines) at
 * PERFREC_HZ with DWARF call graphs, started with its events off and
 * turned on through its control pipe, so that it records from the ack on; perfrec_stop ends
 * it and keeps its rusage (the profile's own CPU: perf is the harness's child, not the
 * run's, so the run's measured CPU leaves it out); perfrec_fold turns the record into folded
 * stacks (fold.h) through `perf script`, line by line.
 *
 * The binary is $EXIFBENCH_PERF when set, else `perf` on PATH. When perf is missing or cannot
 * record (perf_event_paranoid, EACCES in a container), the calls say why in one line and
 * leave nothing running.
 */
#ifndef EXIFBENCH_PERFREC_H
#define EXIFBENCH_PERFREC_H

#include <stddef.h>
#include <sys/resource.h>
#include <sys/types.h>

#include "fold.h"

#define PERFREC_HZ 999		/* samples per second and thread on a CPU */
#define PERFREC_START_S 20	/* the longest wait for perf to record */
#define PERFREC_STOP_S 120	/* the longest wait for perf to write its file once told */

struct perfrec;

/*
 * Starts perf on pid, its record into data_path, its messages into log_path: 0 with *out
 * once it records; -1 with why (one line: "perf not found ...", "perf could not record:
 * ...") and nothing running.
 */
int perfrec_start(pid_t pid, const char *data_path, const char *log_path,
    struct perfrec **out, char *why, size_t whylen);

/*
 * Stops p (SIGINT, unless it ended with its target), reaps it, frees p (NULL is a no-op):
 * its rusage into *ru; 0, or -1 with why when it failed.
 */
int perfrec_stop(struct perfrec *p, struct rusage *ru, char *why, size_t whylen);

/*
 * Folds the record data_path into f with `perf script` (its messages appended to log_path),
 * its rusage into *ru: 0, or -1 with why.
 */
int perfrec_fold(const char *data_path, const char *log_path, struct fold *f,
    struct rusage *ru, char *why, size_t whylen);

#endif
