/*
 * gate.h: the start gate between a coordinator (the MPI layer, harness/mpi/) and the
 * `exifbench run` it started, so that runs on several hosts start their first request
 * together. The coordinator passes one end of a socketpair in RUN_GATE_ENV. The run sets
 * everything up (options, destination bucket, files, the listing's first request is not
 * made yet), says "ready", and waits; the coordinator, once every host is ready (a barrier),
 * says go (or quit); the run then takes its start time and sends it back as CLOCK_REALTIME,
 * so that the coordinator can put every run's trace on one timeline.
 *
 * Lines on the socket: run -> "R\n"; coordinator -> "G" or "Q"; run -> "S <unix ns>\n".
 */
#ifndef EXIFBENCH_GATE_H
#define EXIFBENCH_GATE_H

#include <stdint.h>

#define RUN_GATE_ENV "EXIFBENCH_GATE_FD"

/* CLOCK_REALTIME in nanoseconds: the clock of the start times the gate carries. */
int64_t gate_unix_ns(void);

/* The run's side. */

/*
 * The gate's fd from RUN_GATE_ENV (then unset, not inherited further, close-on-exec), or -1
 * when no coordinator asked for one.
 */
int gate_fd_from_env(void);

/*
 * Says ready and waits for the word: 1 go, 0 quit (or the coordinator is gone, or a signal
 * interrupted the wait).
 */
int gate_wait(int fd);

/* Sends the run's start time (CLOCK_REALTIME, ns) and closes fd. */
void gate_started(int fd, int64_t unix_ns);

/* The coordinator's side (fd: its end of the socketpair). */

/* Waits for "R": 0, or -1 when the run ended (or said something else) first. */
int gate_ready(int fd);

/* Sends go (1) or quit (0): 0, or -1 when the run is gone. */
int gate_send(int fd, int go);

/* Waits for the start time: 0 with *unix_ns, or -1 when the run ended first. */
int gate_start_time(int fd, int64_t *unix_ns);

#endif
