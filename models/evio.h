/*
 * evio.h: the I/O engine of the event-loop models (async, hybrid): one libevent loop driving
 * libcurl's multi socket interface, with a fixed number of slots, each holding one job.
 *
 * A slot takes a key, runs the job's transfers on the loop (retry backoffs are loop timers),
 * and when the job reaches its CPU step hands it to the model's process function. The model
 * runs job_process however it likes and then calls evio_resume on the loop thread; the slot
 * goes on with the uploads, records the job and takes the next key. With a fixed number of
 * slots, a slow CPU stage holds slots and so stops new downloads: backpressure without a
 * queue that can grow.
 *
 * Keys are taken without blocking (run_try_key): a slot with no key yet waits on a loop event
 * until the run's listing thread has one, so the loop never waits on a LIST.
 *
 * Everything here runs on the thread that calls evio_run, except what the process function
 * does with the job.
 */
#ifndef EXIFBENCH_EVIO_H
#define EXIFBENCH_EVIO_H

#include <event2/event.h>

#include "model.h"

struct evio;
struct evio_slot;

/*
 * Called on the loop thread when slot's job is ready for job_process. The model must later
 * call evio_resume(io, slot) on the loop thread (at once, or from an event).
 */
typedef void (*evio_process_fn)(struct evio *io, struct evio_slot *slot, void *arg);

/* An engine for run r with `slots` transfers in flight. NULL when out of memory. */
struct evio *evio_new(struct run *r, unsigned slots, evio_process_fn fn, void *arg);
void evio_free(struct evio *io);

/* The loop, for the model's own events (the hybrid's completion pipe). */
struct event_base *evio_base(struct evio *io);

/* The job a slot holds. */
struct job *evio_slot_job(struct evio_slot *slot);

/* Continues slot's job after its CPU step. Loop thread only. */
void evio_resume(struct evio *io, struct evio_slot *slot);

/*
 * Runs until every key is recorded (or the stop flag ends the key stream and the jobs in
 * flight end). Returns 0, or -1 with the run's error set.
 */
int evio_run(struct evio *io);

#endif
