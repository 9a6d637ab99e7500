/*
 * async.c: one thread, one libevent loop, up to N transfers in flight through libcurl's
 * multi interface; the CPU stage runs inline on the loop, so while one image is processed no
 * socket is served. That is the point: it is Node's (or asyncio's) single-threaded shape, and
 * it wins only while the CPU stage is small next to the waits.
 *
 * DESIGN: evio.c owns the loop, the curl multi handle and N slots (a job and an easy handle
 * each); everything runs on the calling thread, but for the run's listing thread (keys come
 * without blocking; a slot with none yet waits on a loop event) and its recording thread.
 * When a job reaches its CPU step, this file runs it at once and hands the slot back. Stop:
 * when the stop flag ends the key stream, each slot finishes its job and retires; the loop
 * ends when the last one does.
 */
#include "evio.h"

static int async_run(struct run *r);
static void process_inline(struct evio *io, struct evio_slot *slot, void *arg);

const struct model model_async = {
	.name = "async",
	.summary = "one thread: libevent + curl multi, CPU stage inline on the loop",
	.shared_io_thread = 1,
	.run = async_run,
};

static int
async_run(struct run *r)
{
	struct stage *st = stage_new(&run_pipeline(r)->stage, &run_pipeline(r)->transform);
	struct evio *io = evio_new(r, run_opts(r)->concurrency, process_inline, st);
	int rv;

	if (io == NULL || st == NULL) {
		evio_free(io);
		stage_free(st);
		run_fail(r, "out of memory starting the event loop");
		return -1;
	}
	rv = evio_run(io);
	evio_free(io);
	stage_free(st);
	return rv;
}

static void
process_inline(struct evio *io, struct evio_slot *slot, void *arg)
{
	job_set_stage(evio_slot_job(slot), arg);	/* the loop's one stage */
	job_process(evio_slot_job(slot));
	evio_resume(io, slot);
}
