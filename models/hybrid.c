/*
 * hybrid.c: the async model's loop for all I/O, plus W worker threads for the CPU stage:
 * the answer the published analysis suggested for an I/O-bound pipeline that gains a
 * CPU-heavy step. The loop never runs job_process; the workers never touch a socket.
 *
 * DESIGN: evio.c owns the loop, the curl multi handle and N slots. When a slot's job reaches
 * its CPU step, the loop pushes the slot onto a ring (mutex + condvar, as redis bio.c) and
 * goes back to its sockets. A worker pops it, runs job_process, and writes the slot's
 * address (one atomic pipe write) to a non-blocking pipe the loop watches (memcached's
 * notify_worker); the loop reads it and resumes the slot. A slot is in the ring at most once,
 * so the ring holds at most N: when the workers fall behind, slots wait there and no new
 * download starts (backpressure), and memory does not grow. Ownership of a job passes with
 * the slot: loop -> ring -> worker -> pipe -> loop. Stop: evio_run returns once every slot
 * has retired; then the ring is closed and the workers, idle by then, exit and are joined.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdlib.h>
#include <unistd.h>

#include "evio.h"

struct hybrid {
	struct evio *io;
	pthread_mutex_t lock;
	pthread_cond_t ready;
	struct evio_slot **ring;	/* capacity: the slots */
	unsigned cap, head, len;
	int closed;
	int done[2];			/* workers -> loop: finished slots */
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
	"hybrid", "libevent + curl multi for I/O, W worker threads for the CPU stage", 1,
	hybrid_run,
};

static int
hybrid_run(struct run *r)
{
	struct hybrid h = { .lock = PTHREAD_MUTEX_INITIALIZER, .ready = PTHREAD_COND_INITIALIZER,
			    .done = { -1, -1 } };
	unsigned n = run_opts(r)->concurrency, nw = run_opts(r)->workers, started = 0, i;
	struct worker *w = calloc(nw, sizeof(*w));
	struct event *ev = NULL;
	int rv = -1;

	h.cap = n;
	h.ring = calloc(n, sizeof(*h.ring));
	h.io = evio_new(r, n, to_workers, &h);
	if (w == NULL || h.ring == NULL || h.io == NULL || pipe2(h.done, O_NONBLOCK | O_CLOEXEC) ||
	    (ev = event_new(evio_base(h.io), h.done[0], EV_READ | EV_PERSIST, on_done, &h)) ==
	    NULL || event_add(ev, NULL) < 0) {
		run_fail(r, "out of memory starting the event loop");
		goto out;
	}
	/* every slot's pointer must fit, or a worker's write could fail and lose the slot */
	if (fcntl(h.done[1], F_GETPIPE_SZ) < (int)(n * sizeof(void *)) &&
	    fcntl(h.done[1], F_SETPIPE_SZ, (int)(n * sizeof(void *))) < 0) {
		run_fail(r, "a pipe cannot hold %u completions (see /proc/sys/fs/pipe-max-size)", n);
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
	if (h.done[0] >= 0)
		close(h.done[0]), close(h.done[1]);
	free(h.ring);
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

	for (;;) {
		pthread_mutex_lock(&h->lock);
		while (h->len == 0 && !h->closed)
			pthread_cond_wait(&h->ready, &h->lock);
		if (h->len == 0) {
			pthread_mutex_unlock(&h->lock);
			return NULL;
		}
		slot = h->ring[h->head];
		h->head = (h->head + 1) % h->cap;
		h->len--;
		pthread_mutex_unlock(&h->lock);
		j = evio_slot_job(slot);
		job_set_worker(j, w->id);
		job_process(j);
		/* at most one write per slot is pending, and the pipe holds one per slot */
		while (write(h->done[1], &slot, sizeof(slot)) < 0 && errno == EINTR)
			;
	}
}

/* Loop thread: finished slots from the workers. */
static void
on_done(evutil_socket_t fd, short what, void *arg)
{
	struct hybrid *h = arg;
	struct evio_slot *slot;

	(void)what;
	while (read(fd, &slot, sizeof(slot)) == (ssize_t)sizeof(slot)) {
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
