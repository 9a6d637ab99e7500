/*
 * hybrid.c: the async model's loop for all I/O, plus W worker threads for the CPU stage:
 * the answer the published analysis suggested for an I/O-bound pipeline that gains a
 * CPU-heavy step. The loop never runs job_process; the workers never touch a socket.
 *
 * DESIGN: evio.c owns the loop, the curl multi handle and N slots, and takes keys without
 * blocking (the run's listing thread fetches them ahead). When a slot's job reaches
 * its CPU step, the loop pushes the slot onto a ring (mutex + condvar, as redis bio.c) and
 * goes back to its sockets. A worker pops it, runs job_process, puts the slot on the list of
 * finished ones (same mutex) and writes one byte to a non-blocking pipe the loop watches
 * (memcached's notify_worker): a full pipe already means "wake up", so that write may fail
 * harmlessly. The loop drains the pipe, takes the finished slots and resumes them. A slot is
 * in the ring or the list at most once, so each holds at most N: when the workers fall
 * behind, slots wait in the ring and no new download starts (backpressure), and memory does
 * not grow. Ownership of a job passes with the slot: loop -> ring -> worker -> list -> loop.
 * Stop: evio_run returns once every slot has retired; then the ring is closed and the
 * workers, idle by then, exit and are joined. Under opts.global_lock a worker holds one
 * mutex of the run (`gil`) around job_process, as pthreads.c does through job_run_blocking:
 * a CPU stage that holds a GIL, so one worker at a time runs it while the loop keeps the
 * transfers going.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "evio.h"

struct hybrid {
	struct run *r;
	struct evio *io;
	pthread_mutex_t lock;
	pthread_cond_t ready;
	pthread_mutex_t gil;		/* around job_process under opts.global_lock */
	int use_gil;
	struct evio_slot **ring;	/* for the workers; capacity: the slots */
	unsigned cap, head, len;
	struct evio_slot **fin;		/* for the loop: finished slots, as many at most */
	unsigned nfin;
	int closed;
	int wake[2];			/* workers -> loop: "fin has slots" */
};

struct worker {
	pthread_t tid;
	int id;
	struct hybrid *h;
};

static int hybrid_run(struct run *r);
static void to_workers(struct evio *io, struct evio_slot *slot, void *arg);
static void *worker_main(void *arg);
static void on_done(evutil_socket_t fd, short what, void *arg);
static void close_ring(struct hybrid *h);

const struct model model_hybrid = {
	.name = "hybrid",
	.summary = "libevent + curl multi for I/O, W worker threads for the CPU stage",
	.shared_io_thread = 1,
	.uses_workers = 1,
	.uses_global_lock = 1,
	.run = hybrid_run,
};

static int
hybrid_run(struct run *r)
{
	struct hybrid h = { .lock = PTHREAD_MUTEX_INITIALIZER, .ready = PTHREAD_COND_INITIALIZER,
			    .gil = PTHREAD_MUTEX_INITIALIZER, .wake = { -1, -1 }, .r = r,
			    .use_gil = run_opts(r)->global_lock };
	unsigned n = run_opts(r)->concurrency, nw = run_opts(r)->workers, started = 0, i;
	struct worker *w = calloc(nw, sizeof(*w));
	struct event *ev = NULL;
	int rv = -1;

	h.cap = n;
	h.ring = calloc(n, sizeof(*h.ring));
	h.fin = calloc(n, sizeof(*h.fin));
	h.io = evio_new(r, n, to_workers, &h);
	if (w == NULL || h.ring == NULL || h.fin == NULL || h.io == NULL) {
		run_fail(r, "out of memory starting the event loop");
		goto out;
	}
	if (pipe2(h.wake, O_NONBLOCK | O_CLOEXEC) < 0 ||
	    (ev = event_new(evio_base(h.io), h.wake[0], EV_READ | EV_PERSIST, on_done, &h)) ==
	    NULL || event_add(ev, NULL) < 0) {
		run_fail(r, "cannot set up the workers' wake-up pipe: %s", strerror(errno));
		goto out;
	}
	for (i = 0; i < nw; i++) {
		w[i] = (struct worker){ .id = (int)i + 1, .h = &h };
		if (pthread_create(&w[i].tid, NULL, worker_main, &w[i]) != 0)
			break;
		started++;
	}
	if (started < nw)
		run_fail(r, "could start only %u of %u worker threads", started, nw);
	else
		rv = evio_run(h.io);
	close_ring(&h);
	for (i = 0; i < started; i++)
		pthread_join(w[i].tid, NULL);
out:
	if (ev != NULL)
		event_free(ev);
	evio_free(h.io);
	if (h.wake[0] >= 0)
		close(h.wake[0]), close(h.wake[1]);
	free(h.ring);
	free(h.fin);
	free(w);
	return rv;
}

/* Loop thread: the slot's job is ready for its CPU step; a worker will take it. */
static void
to_workers(struct evio *io, struct evio_slot *slot, void *arg)
{
	struct hybrid *h = arg;

	(void)io;
	pthread_mutex_lock(&h->lock);
	h->ring[(h->head + h->len++) % h->cap] = slot;
	pthread_cond_signal(&h->ready);
	pthread_mutex_unlock(&h->lock);
}

static void *
worker_main(void *arg)
{
	struct worker *w = arg;
	struct hybrid *h = w->h;
	struct evio_slot *slot;
	struct job *j;
	/* this worker's own stage, made on its thread */
	struct stage *st = stage_new(&run_pipeline(h->r)->stage, &run_pipeline(h->r)->transform);

	for (;;) {
		pthread_mutex_lock(&h->lock);
		while (h->len == 0 && !h->closed)
			pthread_cond_wait(&h->ready, &h->lock);
		if (h->len == 0) {
			pthread_mutex_unlock(&h->lock);
			stage_free(st);
			return NULL;
		}
		slot = h->ring[h->head];
		h->head = (h->head + 1) % h->cap;
		h->len--;
		pthread_mutex_unlock(&h->lock);
		j = evio_slot_job(slot);
		job_set_worker(j, w->id);
		job_set_stage(j, st);
		if (st != NULL && h->use_gil) {
			pthread_mutex_lock(&h->gil);
			job_process(j);
			pthread_mutex_unlock(&h->gil);
		} else if (st != NULL)
			job_process(j);
		else
			job_fail(j, "worker out of memory");
		pthread_mutex_lock(&h->lock);
		h->fin[h->nfin++] = slot;
		pthread_mutex_unlock(&h->lock);
		/* EAGAIN: the pipe is full of wake-ups already, and the loop will drain it */
		while (write(h->wake[1], "", 1) < 0 && errno == EINTR)
			;
	}
}

/* Loop thread: woken by the workers; resumes every finished slot. */
static void
on_done(evutil_socket_t fd, short what, void *arg)
{
	struct hybrid *h = arg;
	struct evio_slot *slot;
	char buf[256];

	(void)what;
	while (read(fd, buf, sizeof(buf)) > 0)
		;
	for (;;) {
		pthread_mutex_lock(&h->lock);
		slot = h->nfin > 0 ? h->fin[--h->nfin] : NULL;
		pthread_mutex_unlock(&h->lock);
		if (slot == NULL)
			return;
		job_set_worker(evio_slot_job(slot), 0);
		evio_resume(h->io, slot);
	}
}

static void
close_ring(struct hybrid *h)
{
	pthread_mutex_lock(&h->lock);
	h->closed = 1;
	pthread_cond_broadcast(&h->ready);
	pthread_mutex_unlock(&h->lock);
}
