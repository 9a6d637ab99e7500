/*
 * shape_conn.c: one shaped connection, from accept to free. An accepted client gets its own
 * non-blocking connection to the upstream and two pipes (up: client->server, down: the
 * reverse, see shape_pipe.h). Each read decides the chunk's delay (latency, jitter, the
 * handshake's round trip before the first client bytes, a stall at the start of a response)
 * or resets the connection when it was drawn to be; each close or error is passed on to the
 * other side once what is queued for it has gone. See shape.h for the model.
 */
#include "shape_conn.h"

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdlib.h>
#include <unistd.h>

#include <event2/buffer.h>

#include "include/rng.h"

struct shape_conn {
	struct shape *s;
	LIST_ENTRY(shape_conn) link;
	struct bufferevent *client, *server;
	struct shape_pipe up, down;
	int64_t accepted_ns;
	int connected;			/* the upstream answered */
	int first;			/* no client bytes yet */
	int reset;			/* drawn to be reset at the first client bytes */
	int in_response;		/* the last chunk read went down */
};

static int conn_connect(struct shape_conn *c);
static int conn_finish(struct shape_conn *c, struct shape_pipe *p);
static int64_t conn_delay(struct shape_conn *c, struct bufferevent *bev, int64_t now);
static void on_read(struct bufferevent *bev, void *arg);
static void on_write(struct bufferevent *bev, void *arg);
static void on_event(struct bufferevent *bev, short what, void *arg);
static void on_released(struct shape_pipe *p, void *arg);
static void nodelay(evutil_socket_t fd);

void
shape_conn_accept(struct evconnlistener *l, evutil_socket_t fd, struct sockaddr *sa,
    int salen, void *arg)
{
	struct shape *s = arg;
	struct shape_conn *c;

	s->st.connections++;
	if ((c = calloc(1, sizeof(*c))) == NULL) {
		evutil_closesocket(fd);
		return;
	}
	c->s = s;
	c->accepted_ns = shape_now_ns();
	c->first = c->in_response = 1;
	c->reset = s->cfg.reset_fraction > 0 && rng_unit(&s->rng) < s->cfg.reset_fraction;
	LIST_INSERT_HEAD(&s->conns, c, link);
	s->st.active++;
	nodelay(fd);
	if ((c->client = bufferevent_socket_new(s->base, fd, BEV_OPT_CLOSE_ON_FREE)) == NULL) {
		evutil_closesocket(fd);
		shape_conn_free(c);
		return;
	}
	if (conn_connect(c) < 0 ||
	    shape_pipe_init(&c->up, &s->pipes, c->client, c->server, on_released, c) < 0 ||
	    shape_pipe_init(&c->down, &s->pipes, c->server, c->client, on_released, c) < 0 ||
	    (s->conn_rate != NULL && bufferevent_set_rate_limit(c->client, s->conn_rate) < 0) ||
	    (s->group != NULL && bufferevent_add_to_rate_limit_group(c->client, s->group) < 0)) {
		s->st.upstream_errors += c->server == NULL;
		shape_conn_free(c);
		return;
	}
	bufferevent_setcb(c->client, on_read, on_write, on_event, c);
	bufferevent_setcb(c->server, on_read, on_write, on_event, c);
	bufferevent_setwatermark(c->client, EV_WRITE, s->cfg.queue_cap / 2, 0);
	bufferevent_setwatermark(c->server, EV_WRITE, s->cfg.queue_cap / 2, 0);
	bufferevent_enable(c->client, EV_READ | EV_WRITE);
	bufferevent_enable(c->server, EV_READ | EV_WRITE);
}

void
shape_conn_free(struct shape_conn *c)
{
	LIST_REMOVE(c, link);
	c->s->st.active--;
	shape_pipe_clear(&c->up);
	shape_pipe_clear(&c->down);
	if (c->client != NULL) {
		/* Leave the group and the cfg now: libevent may finalize the bufferevent later. */
		bufferevent_remove_from_rate_limit_group(c->client);
		bufferevent_set_rate_limit(c->client, NULL);
		bufferevent_free(c->client);
	}
	if (c->server != NULL)
		bufferevent_free(c->server);
	free(c);
}

/* A non-blocking socket of our own, so TCP_NODELAY is set before the first byte. */
static int
conn_connect(struct shape_conn *c)
{
	struct shape *s = c->s;
	evutil_socket_t fd;

	fd = socket(s->upstream.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -1;
	nodelay(fd);
	if ((c->server = bufferevent_socket_new(s->base, fd, BEV_OPT_CLOSE_ON_FREE)) == NULL) {
		close(fd);
		return -1;
	}
	if (bufferevent_socket_connect(c->server, (struct sockaddr *)&s->upstream,
	    (int)s->upstream_len) < 0) {
		bufferevent_free(c->server);
		c->server = NULL;
		return -1;
	}
	return 0;
}

/*
 * Shuts p's destination down once its source closed and all is written (the upstream only
 * once connected: a client may close before it is); frees the connection when both
 * directions are done. Returns 1 when it did.
 */
static int
conn_finish(struct shape_conn *c, struct shape_pipe *p)
{
	if (p == &c->down || c->connected)
		shape_pipe_shutdown(p);
	if (c->up.done && c->down.done) {
		shape_conn_free(c);
		return 1;
	}
	return 0;
}

/*
 * The delay of a chunk bev just read, drawn in event order; -1 when the connection was
 * drawn to be reset: then it is, and c is freed.
 */
static int64_t
conn_delay(struct shape_conn *c, struct bufferevent *bev, int64_t now)
{
	struct shape *s = c->s;
	struct linger lg = { 1, 0 };
	int64_t delay, floor;

	delay = s->latency_ns + shape_jitter_ns(s->cfg.jitter, s->cfg.jitter_ms, &s->rng);
	if (bev == c->client) {
		if (c->first && c->reset) {
			setsockopt(bufferevent_getfd(bev), SOL_SOCKET, SO_LINGER, &lg, sizeof(lg));
			s->st.resets++;
			shape_conn_free(c);
			return -1;
		}
		if (c->first) {		/* the handshake's round trip comes first */
			floor = c->accepted_ns + 2 * s->latency_ns;
			delay += floor > now ? floor - now : 0;
		}
		c->first = c->in_response = 0;
	} else if (!c->in_response) {
		c->in_response = 1;
		if (s->cfg.stall_fraction > 0 && rng_unit(&s->rng) < s->cfg.stall_fraction) {
			delay += s->stall_ns;
			s->st.stalls++;
		}
	}
	return delay;
}

static void
on_read(struct bufferevent *bev, void *arg)
{
	struct shape_conn *c = arg;
	struct shape *s = c->s;
	struct shape_pipe *p = bev == c->client ? &c->up : &c->down;
	struct evbuffer *in = bufferevent_get_input(bev);
	size_t len = evbuffer_get_length(in);
	int64_t now, delay;

	if (len == 0)
		return;
	if (p->done) {
		evbuffer_drain(in, len);	/* nowhere to go */
		return;
	}
	now = shape_now_ns();
	if ((delay = conn_delay(c, bev, now)) < 0)
		return;
	if (p == &c->up)
		s->st.bytes_up += len;
	else
		s->st.bytes_down += len;
	if (shape_pipe_write(p, in, delay, now) < 0)
		shape_conn_free(c);	/* out of memory: as a network would, drop it */
}

static void
on_write(struct bufferevent *bev, void *arg)
{
	struct shape_conn *c = arg;
	struct shape_pipe *p = bev == c->client ? &c->down : &c->up;

	shape_pipe_throttle(p);
	conn_finish(c, p);
}

static void
on_event(struct bufferevent *bev, short what, void *arg)
{
	struct shape_conn *c = arg;
	struct shape_pipe *from = bev == c->client ? &c->up : &c->down;
	struct shape_pipe *to = bev == c->client ? &c->down : &c->up;

	if (what & BEV_EVENT_CONNECTED) {
		c->connected = 1;
		conn_finish(c, &c->up);	/* a client that closed early */
		return;
	}
	if (bev == c->server && !c->connected) {
		c->s->st.upstream_errors++;
		shape_conn_free(c);
		return;
	}
	if (what & BEV_EVENT_ERROR)
		shape_pipe_drop(to);
	from->eof = 1;
	if (conn_finish(c, from) == 1)
		return;
	conn_finish(c, to);
}

static void
on_released(struct shape_pipe *p, void *arg)
{
	conn_finish(arg, p);
}

static void
nodelay(evutil_socket_t fd)
{
	int one = 1;

	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
}
