/*
 * evio.c: libcurl's multi socket interface on a libevent loop, with a slot per job in
 * flight. The curl side, the callbacks of curl's docs/examples/multi-event.c (socket, timer,
 * event, timeout, check_multi_info), is evio_curl.c; here are the slots, which replace
 * hiperfifo's FIFO of URLs with the job steps of models/core/job.h, and the retry backoffs.
 * See evio.h for the contract.
 *
 * Keys come from run_try_key, which never blocks: a slot that finds the next page not yet
 * listed is parked, and the run's eventfd (a read event here) wakes the parked slots when the
 * listing thread has it. So the loop never waits on a LIST nor sleeps through its retries.
 * While the run's circuit breaker is open, or in an open-loop run until the next key is due
 * (run.h), the parked slots start nothing and a loop timer, `gate`, asks again when the run
 * says to; a slot asks again after every record, even
 * once the keys ran out, since a key the breaker held may come back.
 */
#include <stdint.h>
#include <stdlib.h>
#include <unistd.h>

#include "evio.h"
#include "evio_curl.h"

struct evio_slot {
	struct evio *io;
	CURL *easy;
	struct job *job;
	struct event *backoff;	/* retry delay */
	int parked;		/* waits for the listing: run_key_fd */
};

struct evio {
	struct run *r;
	struct event_base *base;
	struct evio_curl *curl;	/* the multi handle on base */
	evio_process_fn process;
	void *arg;
	struct event *keys;	/* run_key_fd: the listing has keys again */
	struct event *gate;	/* the breaker is open: ask again later */
	struct evio_slot *slot;
	unsigned nslots, live;	/* live: slots not retired */
	int failed;
};

static void advance(struct evio_slot *s);
static int take_key(struct evio_slot *s);
static void retire(struct evio_slot *s);
static int start_transfer(struct evio_slot *s);
static void on_done(CURL *easy, CURLcode rc, void *arg);
static void on_backoff(evutil_socket_t fd, short what, void *arg);
static void on_keys(evutil_socket_t fd, short what, void *arg);
static void on_gate(evutil_socket_t fd, short what, void *arg);
static void wake_parked(struct evio *io);
static struct event_base *new_base(void);

struct evio *
evio_new(struct run *r, unsigned slots, evio_process_fn fn, void *arg)
{
	struct evio *io = calloc(1, sizeof(*io));
	unsigned i;

	if (io == NULL)
		return NULL;
	io->r = r;
	io->process = fn;
	io->arg = arg;
	io->base = new_base();
	io->slot = calloc(slots, sizeof(*io->slot));
	if (io->base == NULL || io->slot == NULL ||
	    (io->gate = evtimer_new(io->base, on_gate, io)) == NULL ||
	    (io->curl = evio_curl_new(io->base, (long)slots, on_done, io)) == NULL)
		goto fail;
	if (run_key_fd(r) >= 0 && ((io->keys = event_new(io->base, run_key_fd(r),
	    EV_READ | EV_PERSIST, on_keys, io)) == NULL || event_add(io->keys, NULL) < 0))
		goto fail;
	io->nslots = slots;
	for (i = 0; i < slots; i++) {
		struct evio_slot *s = &io->slot[i];

		s->io = io;
		s->easy = curl_easy_init();
		s->job = job_new(run_pipeline(r));
		s->backoff = evtimer_new(io->base, on_backoff, s);
		if (s->easy == NULL || s->job == NULL || s->backoff == NULL)
			goto fail;
	}
	return io;
fail:
	evio_free(io);
	return NULL;
}

void
evio_free(struct evio *io)
{
	unsigned i;

	if (io == NULL)
		return;
	for (i = 0; io->slot != NULL && i < io->nslots; i++) {
		if (io->slot[i].backoff != NULL)
			event_free(io->slot[i].backoff);
		job_free(io->slot[i].job);
		curl_easy_cleanup(io->slot[i].easy);
	}
	free(io->slot);
	if (io->keys != NULL)
		event_free(io->keys);
	if (io->gate != NULL)
		event_free(io->gate);
	evio_curl_free(io->curl);
	if (io->base != NULL)
		event_base_free(io->base);
	free(io);
}

struct event_base *
evio_base(struct evio *io)
{
	return io->base;
}

struct job *
evio_slot_job(struct evio_slot *slot)
{
	return slot->job;
}

void
evio_resume(struct evio *io, struct evio_slot *slot)
{
	(void)io;
	advance(slot);
}

int
evio_run(struct evio *io)
{
	unsigned i;

	io->live = io->nslots;
	for (i = 0; i < io->nslots; i++) {
		job_set_worker(io->slot[i].job, 0);
		if (take_key(&io->slot[i]))
			advance(&io->slot[i]);
	}
	if (io->live > 0)
		event_base_dispatch(io->base);
	return io->failed ? -1 : 0;
}

/*
 * The loop, with epoll's change list: the changes to a socket's events within one pass of
 * the loop reach the kernel as one epoll_ctl at the next epoll_wait, not one each. curl
 * stops watching a connection when its transfer ends and watches it again when the next
 * transfer on it starts, usually in the same pass: 6 epoll_ctl an image became 2 (measured,
 * async at 64 in flight). libevent's caveat for the list, an fd cloned by dup(), does not
 * arise: curl dups no socket.
 */
static struct event_base *
new_base(void)
{
	struct event_config *cfg = event_config_new();
	struct event_base *base;

	if (cfg == NULL)
		return NULL;
	event_config_set_flag(cfg, EVENT_BASE_FLAG_EPOLL_USE_CHANGELIST);
	base = event_base_new_with_config(cfg);
	event_config_free(cfg);
	return base;
}

/*
 * Starts the next key on slot s: 1, or 0 when there is none yet (the slot is parked until
 * on_keys) or none left (the slot retires; the loop ends with the last one).
 */
static int
take_key(struct evio_slot *s)
{
	struct evio *io = s->io;
	char key[JOB_KEY_MAX + 1];
	int got = run_try_key(io->r, key);
	struct timeval tv;
	unsigned i;
	long us;

	s->parked = got == RUN_KEY_WAIT;
	if (got == 1) {
		job_start(s->job, key);
		job_set_due(s->job, run_key_due_ns(io->r));
		return 1;
	}
	if (got == RUN_KEY_WAIT && (us = run_key_wait_us(io->r)) >= 0 &&
	    !evtimer_pending(io->gate, NULL)) {
		tv.tv_sec = us / 1000000;
		tv.tv_usec = us % 1000000;
		evtimer_add(io->gate, &tv);
	}
	if (got != RUN_KEY_WAIT) {
		io->failed |= got < 0;
		retire(s);
		for (i = 0; i < io->nslots; i++)
			if (io->slot[i].parked)
				retire(&io->slot[i]);
	}
	return 0;
}

static void
retire(struct evio_slot *s)
{
	s->parked = 0;
	if (--s->io->live == 0)
		event_base_loopbreak(s->io->base);
}

/* The listing has keys (or its end) for the parked slots. */
static void
on_keys(evutil_socket_t fd, short what, void *arg)
{
	struct evio *io = arg;
	uint64_t n;

	(void)what;
	if (read(fd, &n, sizeof(n)) < 0)
		return;		/* EAGAIN: already cleared */
	wake_parked(io);
}

/* The breaker's wait is over: the parked slots ask again. */
static void
on_gate(evutil_socket_t fd, short what, void *arg)
{
	(void)fd, (void)what;
	wake_parked(arg);
}

static void
wake_parked(struct evio *io)
{
	unsigned i;

	for (i = 0; i < io->nslots; i++)
		if (io->slot[i].parked && take_key(&io->slot[i]))
			advance(&io->slot[i]);
}

/* Moves s's job on until it waits: for a transfer, a backoff, or the model's CPU step. */
static void
advance(struct evio_slot *s)
{
	struct evio *io = s->io;
	struct timeval tv;
	long ms;

	for (;;) {
		switch (job_next(s->job)) {
		case JOB_PROCESS:
			io->process(io, s, io->arg);
			return;
		case JOB_DONE:
			run_record(io->r, job_record(s->job));
			if (!take_key(s))
				return;
			break;
		case JOB_TRANSFER:
			if ((ms = job_retry_delay_ms(s->job)) > 0) {
				tv.tv_sec = ms / 1000;
				tv.tv_usec = ms % 1000 * 1000;
				evtimer_add(s->backoff, &tv);
				return;
			}
			if (start_transfer(s) == 0)
				return;
			break;	/* the job failed: record it */
		}
	}
}

/* Hands s's next transfer to curl: 0, or -1 when the job failed instead. */
static int
start_transfer(struct evio_slot *s)
{
	if (job_prepare(s->job, s->easy) < 0)
		return -1;
	curl_easy_setopt(s->easy, CURLOPT_PRIVATE, s);
	if (evio_curl_add(s->io->curl, s->easy) < 0) {
		job_fail(s->job, "curl_multi_add_handle failed");
		return -1;
	}
	return 0;
}

/* A transfer ended: the job takes its outcome and moves on. */
static void
on_done(CURL *easy, CURLcode rc, void *arg)
{
	struct evio_slot *s;

	(void)arg;
	curl_easy_getinfo(easy, CURLINFO_PRIVATE, (char **)&s);
	job_transfer_done(s->job, rc);
	advance(s);
}

static void
on_backoff(evutil_socket_t fd, short what, void *arg)
{
	(void)fd, (void)what;
	if (start_transfer(arg) < 0)	/* the backoff is over: no second wait */
		advance(arg);
}
