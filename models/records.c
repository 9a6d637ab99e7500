/*
 * records.c: a bounded multi-producer ring (Vyukov's: each slot carries a sequence number
 * that says whose turn it is) and the thread that empties it. See records.h.
 *
 * Why a ring and a thread: the trace row, the failed-key line and the progress count used to
 * be written by the recording thread under the run's mutex, one write(2) per image, so the
 * pthreads model measured a lock of the toolkit's own and the event loop stalled on a write.
 * Now a producer takes a ticket with one atomic add, copies its record into the ticket's
 * slot and publishes it with one release store. The thread wakes every TICK_MS, or when a
 * producer crosses half the ring (one lock per RING / 2 records, not per record), and
 * delivers the published slots in ticket order, so the trace keeps the order of completion.
 * The ring holds RING records (about 1.5 KiB each): enough for thousands of images a
 * second between two ticks; a producer that finds its slot still full waits for it.
 */
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <time.h>

#include "records.h"

#define RING 256
#define TICK_MS 20

struct slot {
	atomic_uint_fast64_t seq;	/* == ticket: free for it; == ticket + 1: published */
	struct job_record rec;
};

struct records {
	records_fn fn;
	void *arg;
	struct slot ring[RING];
	atomic_uint_fast64_t head;	/* the next ticket */
	uint_fast64_t tail;		/* the thread's: the next ticket to deliver */
	pthread_t tid;

	pthread_mutex_t lock;		/* below */
	pthread_cond_t wake;		/* for the thread: work, a flush, quit */
	pthread_cond_t done;		/* for flushers: delivered moved */
	uint_fast64_t delivered;
	int flushing;
	int quit;
	int inline_;		/* records_inline: no thread, fn called in records_put */
};

static void *records_main(void *arg);
static size_t drain_ring(struct records *q);
static void kick(struct records *q);
static void stop_thread(struct records *q);

struct records *
records_new(records_fn fn, void *arg)
{
	struct records *q = calloc(1, sizeof(*q));
	sigset_t all, old;
	unsigned i;
	int rc;

	if (q == NULL)
		return NULL;
	q->fn = fn;
	q->arg = arg;
	for (i = 0; i < RING; i++)
		atomic_init(&q->ring[i].seq, i);
	atomic_init(&q->head, 0);
	pthread_mutex_init(&q->lock, NULL);
	pthread_cond_init(&q->wake, NULL);
	pthread_cond_init(&q->done, NULL);
	/* signals stay with the model's threads */
	sigfillset(&all);
	pthread_sigmask(SIG_BLOCK, &all, &old);
	rc = pthread_create(&q->tid, NULL, records_main, q);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (rc != 0) {
		pthread_mutex_destroy(&q->lock);
		pthread_cond_destroy(&q->wake);
		pthread_cond_destroy(&q->done);
		free(q);
		return NULL;
	}
	return q;
}

void
records_free(struct records *q)
{
	if (q == NULL)
		return;
	stop_thread(q);
	pthread_mutex_destroy(&q->lock);
	pthread_cond_destroy(&q->wake);
	pthread_cond_destroy(&q->done);
	free(q);
}

void
records_inline(struct records *q)
{
	stop_thread(q);
	q->inline_ = 1;
}

/* Delivers what is left and joins the thread, once. */
static void
stop_thread(struct records *q)
{
	if (q->inline_)
		return;
	pthread_mutex_lock(&q->lock);
	q->quit = 1;
	pthread_cond_signal(&q->wake);
	pthread_mutex_unlock(&q->lock);
	pthread_join(q->tid, NULL);
	q->inline_ = 1;
}

void
records_put(struct records *q, const struct job_record *rec)
{
	uint_fast64_t t;
	struct slot *s;
	struct timespec nap = { 0, 200000 };

	if (q->inline_) {
		pthread_mutex_lock(&q->lock);
		q->fn(rec, q->arg);
		q->delivered++;
		atomic_fetch_add(&q->head, 1);
		pthread_mutex_unlock(&q->lock);
		return;
	}
	t = atomic_fetch_add_explicit(&q->head, 1, memory_order_relaxed);
	s = &q->ring[t % RING];

	while (atomic_load_explicit(&s->seq, memory_order_acquire) != t) {
		kick(q);	/* full: the thread is a whole ring behind */
		nanosleep(&nap, NULL);
	}
	s->rec = *rec;
	atomic_store_explicit(&s->seq, t + 1, memory_order_release);
	if ((t + 1) % (RING / 2) == 0)
		kick(q);
}

void
records_flush(struct records *q)
{
	uint_fast64_t target = atomic_load(&q->head);

	pthread_mutex_lock(&q->lock);
	q->flushing++;
	pthread_cond_signal(&q->wake);
	while (q->delivered < target)
		pthread_cond_wait(&q->done, &q->lock);
	q->flushing--;
	pthread_mutex_unlock(&q->lock);
}

static void
kick(struct records *q)
{
	pthread_mutex_lock(&q->lock);
	pthread_cond_signal(&q->wake);
	pthread_mutex_unlock(&q->lock);
}

static void *
records_main(void *arg)
{
	struct records *q = arg;
	struct timespec until;
	size_t n;

	pthread_setname_np(pthread_self(), "eb-records");	/* the toolkit's, not the model's */
	pthread_mutex_lock(&q->lock);
	for (;;) {
		pthread_mutex_unlock(&q->lock);
		n = drain_ring(q);
		pthread_mutex_lock(&q->lock);
		q->delivered += n;
		if (n > 0 && q->flushing)
			pthread_cond_broadcast(&q->done);
		if (q->quit && q->delivered == atomic_load(&q->head))
			break;
		if (n > 0)
			continue;	/* more may have come while delivering */
		clock_gettime(CLOCK_REALTIME, &until);
		until.tv_nsec += TICK_MS * 1000000L;
		until.tv_sec += until.tv_nsec / 1000000000L;
		until.tv_nsec %= 1000000000L;
		pthread_cond_timedwait(&q->wake, &q->lock, &until);
	}
	pthread_mutex_unlock(&q->lock);
	return NULL;
}

/* Passes on the published records from tail on, in ticket order: how many. */
static size_t
drain_ring(struct records *q)
{
	struct slot *s;
	size_t n = 0;

	for (;;) {
		s = &q->ring[q->tail % RING];
		if (atomic_load_explicit(&s->seq, memory_order_acquire) != q->tail + 1)
			return n;
		q->fn(&s->rec, q->arg);
		atomic_store_explicit(&s->seq, q->tail + RING, memory_order_release);
		q->tail++;
		n++;
	}
}
