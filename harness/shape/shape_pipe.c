/*
 * shape_pipe.c: one direction of a shaped connection. What the source read goes into a held
 * buffer with one record per chunk (due time, length) in a ring; one timer, armed for the
 * oldest record, moves due bytes into the destination's output buffer, and libevent writes
 * them (under the rate limits when set). When nothing is held and the chunk is due at once
 * (latency 0, no jitter) the bytes skip the queue, so a zero setting costs one buffer move.
 * Every chunk released records its lateness. See shape_pipe.h for the contract.
 */
#include "shape_pipe.h"

#include <stdlib.h>
#include <sys/socket.h>

#include <event2/event.h>

struct shape_chunk {
	int64_t due_ns;
	size_t len;
};

static void on_due(evutil_socket_t fd, short what, void *arg);
static int push(struct shape_pipe *p, int64_t due, size_t len, int64_t now);
static void release(struct shape_pipe *p);
static void arm(struct shape_pipe *p, int64_t now);

int
shape_pipe_init(struct shape_pipe *p, struct shape_pipe_env *env, struct bufferevent *src,
    struct bufferevent *dst, shape_pipe_cb *released, void *arg)
{
	p->env = env;
	p->src = src;
	p->dst = dst;
	p->released = released;
	p->arg = arg;
	p->held = evbuffer_new();
	p->timer = evtimer_new(bufferevent_get_base(src), on_due, p);
	return p->held != NULL && p->timer != NULL ? 0 : -1;
}

void
shape_pipe_clear(struct shape_pipe *p)
{
	if (p->timer != NULL)
		event_free(p->timer);
	if (p->held != NULL)
		evbuffer_free(p->held);
	free(p->q);
}

int
shape_pipe_write(struct shape_pipe *p, struct evbuffer *in, int64_t delay, int64_t now)
{
	size_t len = evbuffer_get_length(in);

	p->last_due = shape_due(p->last_due, now, delay);
	if (p->len == 0 && p->last_due <= now) {
		evbuffer_add_buffer(bufferevent_get_output(p->dst), in);
		shape_hist_add(&p->env->late, 0);
	} else if (push(p, p->last_due, len, now) < 0 || evbuffer_add_buffer(p->held, in) < 0) {
		return -1;
	}
	shape_pipe_throttle(p);
	return 0;
}

void
shape_pipe_throttle(struct shape_pipe *p)
{
	size_t waiting;

	if (p->done || (p->eof && !p->paused))
		return;
	waiting = evbuffer_get_length(p->held) +
	    evbuffer_get_length(bufferevent_get_output(p->dst));
	if (!p->paused && waiting >= p->env->queue_cap) {
		bufferevent_disable(p->src, EV_READ);
		p->paused = 1;
	} else if (p->paused && waiting <= p->env->queue_cap / 2) {
		p->paused = 0;
		if (!p->eof)
			bufferevent_enable(p->src, EV_READ);
	}
}

void
shape_pipe_drop(struct shape_pipe *p)
{
	p->done = 1;
	p->len = 0;
	evtimer_del(p->timer);
	evbuffer_drain(p->held, evbuffer_get_length(p->held));
}

void
shape_pipe_shutdown(struct shape_pipe *p)
{
	if (!p->done && p->eof && p->len == 0 &&
	    evbuffer_get_length(bufferevent_get_output(p->dst)) == 0) {
		p->done = 1;
		shutdown(bufferevent_getfd(p->dst), SHUT_WR);
	}
}

/* The callback runs last: it may free p. */
static void
on_due(evutil_socket_t fd, short what, void *arg)
{
	struct shape_pipe *p = arg;

	release(p);
	shape_pipe_throttle(p);
	p->released(p, p->arg);
}

static int
push(struct shape_pipe *p, int64_t due, size_t len, int64_t now)
{
	struct shape_chunk *q;
	size_t i, cap;

	if (p->len == p->cap) {
		cap = p->cap ? 2 * p->cap : 16;
		if ((q = malloc(cap * sizeof(*q))) == NULL)
			return -1;
		for (i = 0; i < p->len; i++)
			q[i] = p->q[(p->head + i) % p->cap];
		free(p->q);
		p->q = q;
		p->cap = cap;
		p->head = 0;
	}
	p->q[(p->head + p->len) % p->cap] = (struct shape_chunk){ due, len };
	if (p->len++ == 0)
		arm(p, now);
	return 0;
}

/* Moves every chunk due by now to the destination, records its lateness, re-arms. */
static void
release(struct shape_pipe *p)
{
	struct evbuffer *out = bufferevent_get_output(p->dst);
	struct shape_chunk *ch;
	int64_t now = shape_now_ns();

	while (p->len > 0 && (ch = &p->q[p->head])->due_ns <= now) {
		evbuffer_remove_buffer(p->held, out, ch->len);
		shape_hist_add(&p->env->late, now - ch->due_ns);
		p->head = (p->head + 1) % p->cap;
		p->len--;
	}
	if (p->len > 0)
		arm(p, now);
}

static void
arm(struct shape_pipe *p, int64_t now)
{
	int64_t wait = p->q[p->head].due_ns - now;
	struct timeval tv;

	if (wait < 0)
		wait = 0;
	wait = (wait + 999) / 1000;	/* microseconds, rounded up: never early */
	tv.tv_sec = (time_t)(wait / 1000000);
	tv.tv_usec = (suseconds_t)(wait % 1000000);
	evtimer_add(p->timer, &tv);
}
