/*
 * shape_proxy.c: the network shaper's proxy on a caller's libevent loop. Each accepted client
 * gets a connection to the upstream and two directions (up: client->server, down: the
 * reverse). A direction moves what its source read into a held buffer with one record per
 * chunk (due time, length), and its timer, armed for the head record, moves due bytes into
 * the destination's output buffer; libevent writes them, under the rate limits when set.
 * When nothing is held and the chunk is due at once (latency 0, no jitter) the bytes skip the
 * queue, so a zero setting costs one buffer move. See shape.h for the model.
 */
#include "shape.h"

#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/queue.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <arpa/inet.h>
#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/listener.h>

#include "rng.h"

struct shape_chunk {
	int64_t due_ns;
	size_t len;
};

struct shape_dir {
	struct shape_conn *c;
	struct bufferevent *src, *dst;
	struct evbuffer *held;		/* read, not yet due */
	struct shape_chunk *q;		/* ring of the held chunks, oldest at head */
	size_t head, len, cap;
	struct event *timer;		/* armed for q[head] */
	int64_t last_due;
	uint64_t *bytes;		/* the proxy's bytes_up or bytes_down */
	int eof;			/* the source closed: flush, then shut dst down */
	int done;			/* dst shut down or failed */
	int paused;			/* the source is not read: too much waiting */
};

struct shape_conn {
	struct shape *s;
	LIST_ENTRY(shape_conn) link;
	struct bufferevent *client, *server;
	struct shape_dir up, down;
	int64_t accepted_ns;
	int connected;			/* the upstream answered */
	int first;			/* no client bytes yet */
	int reset;			/* drawn to be reset at the first client bytes */
	int in_response;		/* the last chunk read went down */
};

struct shape {
	struct event_base *base;
	struct shape_config cfg;
	struct evconnlistener *listener;
	struct sockaddr_storage upstream;
	socklen_t upstream_len;
	struct ev_token_bucket_cfg *conn_rate, *total_rate;
	struct bufferevent_rate_limit_group *group;
	LIST_HEAD(, shape_conn) conns;
	uint64_t rng;
	int64_t latency_ns, stall_ns, t0_ns;
	double cpu0_s;
	struct shape_stats st;		/* counters only; shape_stats adds the rest */
	struct shape_hist late;
	char addr[SHAPE_HOST_MAX + 8];
};

static int resolve(const char *host, unsigned port, int passive, struct sockaddr_storage *ss,
    socklen_t *len, char *err, size_t errlen);
static struct ev_token_bucket_cfg *rate_cfg(double mbit);
static double cpu_seconds(void);
static void on_accept(struct evconnlistener *l, evutil_socket_t fd, struct sockaddr *sa,
    int salen, void *arg);
static void on_accept_error(struct evconnlistener *l, void *arg);
static void on_read(struct bufferevent *bev, void *arg);
static void on_write(struct bufferevent *bev, void *arg);
static void on_event(struct bufferevent *bev, short what, void *arg);
static void on_due(evutil_socket_t fd, short what, void *arg);
static int conn_connect(struct shape_conn *c);
static void conn_free(struct shape_conn *c);
static int dir_init(struct shape_dir *d, struct shape_conn *c, struct bufferevent *src,
    struct bufferevent *dst, uint64_t *bytes);
static int dir_push(struct shape_dir *d, int64_t due, size_t len, int64_t now);
static void dir_release(struct shape_dir *d);
static void dir_drop(struct shape_dir *d);
static void dir_throttle(struct shape_dir *d);
static int dir_finish(struct shape_dir *d);
static void arm(struct shape_dir *d, int64_t now);
static void nodelay(evutil_socket_t fd);

struct shape *
shape_new(struct event_base *base, const struct shape_config *cfg, char *err, size_t errlen)
{
	struct shape *s = NULL;
	struct sockaddr_storage ss;
	socklen_t len;

	if (base == NULL || shape_config_check(cfg, err, errlen) < 0)
		return NULL;
	if ((s = calloc(1, sizeof(*s))) == NULL) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	s->base = base;
	s->cfg = *cfg;
	s->rng = cfg->seed;
	s->latency_ns = (int64_t)(cfg->latency_ms * 1e6);
	s->stall_ns = (int64_t)(cfg->stall_ms * 1e6);
	LIST_INIT(&s->conns);
	if (resolve(cfg->upstream_host, cfg->upstream_port, 0, &s->upstream, &s->upstream_len,
	    err, errlen) < 0 ||
	    resolve(cfg->listen_host, cfg->listen_port, 1, &ss, &len, err, errlen) < 0)
		goto fail;
	if ((cfg->bandwidth_mbit > 0 && (s->conn_rate = rate_cfg(cfg->bandwidth_mbit)) == NULL) ||
	    (cfg->total_bandwidth_mbit > 0 &&
	    ((s->total_rate = rate_cfg(cfg->total_bandwidth_mbit)) == NULL ||
	    (s->group = bufferevent_rate_limit_group_new(base, s->total_rate)) == NULL))) {
		snprintf(err, errlen, "cannot set up the bandwidth caps");
		goto fail;
	}
	s->listener = evconnlistener_new_bind(base, on_accept, s, LEV_OPT_CLOSE_ON_FREE |
	    LEV_OPT_REUSEABLE | LEV_OPT_CLOSE_ON_EXEC, 1024, (struct sockaddr *)&ss, (int)len);
	if (s->listener == NULL) {
		snprintf(err, errlen, "cannot listen on %s:%u: %s", cfg->listen_host,
		    cfg->listen_port, strerror(errno));
		goto fail;
	}
	evconnlistener_set_error_cb(s->listener, on_accept_error);
	len = sizeof(ss);
	if (getsockname(evconnlistener_get_fd(s->listener), (struct sockaddr *)&ss, &len) < 0 ||
	    getnameinfo((struct sockaddr *)&ss, len, s->addr + 1, sizeof(s->addr) - 8, NULL, 0,
	    NI_NUMERICHOST) != 0) {
		snprintf(err, errlen, "cannot read the listening address");
		goto fail;
	}
	if (ss.ss_family == AF_INET6) {
		s->addr[0] = '[';
		snprintf(s->addr + strlen(s->addr), 8, "]:%u",
		    ntohs(((struct sockaddr_in6 *)&ss)->sin6_port));
	} else {
		memmove(s->addr, s->addr + 1, strlen(s->addr + 1) + 1);
		snprintf(s->addr + strlen(s->addr), 8, ":%u",
		    ntohs(((struct sockaddr_in *)&ss)->sin_port));
	}
	s->t0_ns = shape_now_ns();
	s->cpu0_s = cpu_seconds();
	return s;
fail:
	shape_free(s);
	return NULL;
}

void
shape_listen_addr(const struct shape *s, char *buf, size_t len)
{
	snprintf(buf, len, "%s", s->addr);
}

void
shape_stats(const struct shape *s, struct shape_stats *out)
{
	*out = s->st;
	out->lateness_mean_us = s->late.count ? s->late.sum_ns / (double)s->late.count / 1e3 : 0;
	out->lateness_p99_us = (double)shape_hist_quantile(&s->late, 0.99) / 1e3;
	out->lateness_max_us = (double)s->late.max_ns / 1e3;
	out->cpu_s = cpu_seconds() - s->cpu0_s;
	out->wall_s = (double)(shape_now_ns() - s->t0_ns) / 1e9;
}

void
shape_free(struct shape *s)
{
	if (s == NULL)
		return;
	while (!LIST_EMPTY(&s->conns))
		conn_free(LIST_FIRST(&s->conns));
	if (s->listener != NULL)
		evconnlistener_free(s->listener);
	if (s->group != NULL)
		bufferevent_rate_limit_group_free(s->group);
	if (s->conn_rate != NULL)
		ev_token_bucket_cfg_free(s->conn_rate);
	if (s->total_rate != NULL)
		ev_token_bucket_cfg_free(s->total_rate);
	free(s);
}

static int
resolve(const char *host, unsigned port, int passive, struct sockaddr_storage *ss,
    socklen_t *len, char *err, size_t errlen)
{
	struct addrinfo hints, *ai;
	char serv[16];
	int rc;

	memset(&hints, 0, sizeof(hints));
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_flags = AI_NUMERICSERV | (passive ? AI_PASSIVE : 0);
	snprintf(serv, sizeof(serv), "%u", port);
	if ((rc = getaddrinfo(host, serv, &hints, &ai)) != 0) {
		snprintf(err, errlen, "cannot resolve %s '%s': %s", passive ? "--listen" :
		    "upstream", host, gai_strerror(rc));
		return -1;
	}
	memcpy(ss, ai->ai_addr, ai->ai_addrlen);
	*len = ai->ai_addrlen;
	freeaddrinfo(ai);
	return 0;
}

/* Ticks of SHAPE_TICK_MS; a burst of two ticks absorbs a tick that fires a little late. */
static struct ev_token_bucket_cfg *
rate_cfg(double mbit)
{
	struct timeval tick = { 0, SHAPE_TICK_MS * 1000 };
	double per_tick = mbit * 1e6 / 8 * SHAPE_TICK_MS / 1e3;
	size_t rate = per_tick < 1 ? 1 : (size_t)per_tick;

	return ev_token_bucket_cfg_new(rate, 2 * rate, rate, 2 * rate, &tick);
}

static double
cpu_seconds(void)
{
	struct rusage ru;

	if (getrusage(RUSAGE_SELF, &ru) < 0)
		return 0;
	return (double)ru.ru_utime.tv_sec + ru.ru_utime.tv_usec / 1e6 +
	    (double)ru.ru_stime.tv_sec + ru.ru_stime.tv_usec / 1e6;
}

static void
on_accept(struct evconnlistener *l, evutil_socket_t fd, struct sockaddr *sa, int salen,
    void *arg)
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
		conn_free(c);
		return;
	}
	if (conn_connect(c) < 0 ||
	    dir_init(&c->up, c, c->client, c->server, &s->st.bytes_up) < 0 ||
	    dir_init(&c->down, c, c->server, c->client, &s->st.bytes_down) < 0 ||
	    (s->conn_rate != NULL && bufferevent_set_rate_limit(c->client, s->conn_rate) < 0) ||
	    (s->group != NULL && bufferevent_add_to_rate_limit_group(c->client, s->group) < 0)) {
		s->st.upstream_errors += c->server == NULL;
		conn_free(c);
		return;
	}
	bufferevent_setcb(c->client, on_read, on_write, on_event, c);
	bufferevent_setcb(c->server, on_read, on_write, on_event, c);
	bufferevent_setwatermark(c->client, EV_WRITE, s->cfg.queue_cap / 2, 0);
	bufferevent_setwatermark(c->server, EV_WRITE, s->cfg.queue_cap / 2, 0);
	bufferevent_enable(c->client, EV_READ | EV_WRITE);
	bufferevent_enable(c->server, EV_READ | EV_WRITE);
}

/* Accept errors (EMFILE, ...) are the client's to see as a refused or slow connect. */
static void
on_accept_error(struct evconnlistener *l, void *arg)
{
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

static void
conn_free(struct shape_conn *c)
{
	struct shape_dir *d[2] = { &c->up, &c->down };
	int i;

	LIST_REMOVE(c, link);
	c->s->st.active--;
	for (i = 0; i < 2; i++) {
		if (d[i]->timer != NULL)
			event_free(d[i]->timer);
		if (d[i]->held != NULL)
			evbuffer_free(d[i]->held);
		free(d[i]->q);
	}
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

static void
on_read(struct bufferevent *bev, void *arg)
{
	struct shape_conn *c = arg;
	struct shape *s = c->s;
	struct shape_dir *d = bev == c->client ? &c->up : &c->down;
	struct evbuffer *in = bufferevent_get_input(bev);
	size_t len = evbuffer_get_length(in);
	int64_t now, delay, floor;
	struct linger lg = { 1, 0 };

	if (len == 0)
		return;
	if (d->done) {
		evbuffer_drain(in, len);	/* nowhere to go */
		return;
	}
	now = shape_now_ns();
	delay = s->latency_ns + shape_jitter_ns(s->cfg.jitter, s->cfg.jitter_ms, &s->rng);
	if (d == &c->up) {
		if (c->first && c->reset) {
			setsockopt(bufferevent_getfd(bev), SOL_SOCKET, SO_LINGER, &lg, sizeof(lg));
			s->st.resets++;
			conn_free(c);
			return;
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
	*d->bytes += len;
	d->last_due = shape_due(d->last_due, now, delay);
	if (d->len == 0 && d->last_due <= now) {
		evbuffer_add_buffer(bufferevent_get_output(d->dst), in);
		shape_hist_add(&s->late, 0);
		s->st.chunks++;
	} else if (dir_push(d, d->last_due, len, now) < 0 ||
	    evbuffer_add_buffer(d->held, in) < 0) {
		conn_free(c);		/* out of memory: as a network would, drop it */
		return;
	}
	dir_throttle(d);
}

static void
on_write(struct bufferevent *bev, void *arg)
{
	struct shape_conn *c = arg;
	struct shape_dir *d = bev == c->client ? &c->down : &c->up;

	dir_throttle(d);
	dir_finish(d);
}

static void
on_event(struct bufferevent *bev, short what, void *arg)
{
	struct shape_conn *c = arg;
	struct shape_dir *from = bev == c->client ? &c->up : &c->down;
	struct shape_dir *to = bev == c->client ? &c->down : &c->up;

	if (what & BEV_EVENT_CONNECTED) {
		c->connected = 1;
		dir_finish(&c->up);	/* a client that closed early */
		return;
	}
	if (bev == c->server && !c->connected) {
		c->s->st.upstream_errors++;
		conn_free(c);
		return;
	}
	if (what & BEV_EVENT_ERROR)
		dir_drop(to);
	from->eof = 1;
	if (dir_finish(from) == 1)
		return;
	dir_finish(to);
}

static void
on_due(evutil_socket_t fd, short what, void *arg)
{
	struct shape_dir *d = arg;

	dir_release(d);
	dir_throttle(d);
	dir_finish(d);
}

static int
dir_init(struct shape_dir *d, struct shape_conn *c, struct bufferevent *src,
    struct bufferevent *dst, uint64_t *bytes)
{
	d->c = c;
	d->src = src;
	d->dst = dst;
	d->bytes = bytes;
	d->held = evbuffer_new();
	d->timer = evtimer_new(c->s->base, on_due, d);
	return d->held != NULL && d->timer != NULL ? 0 : -1;
}

static int
dir_push(struct shape_dir *d, int64_t due, size_t len, int64_t now)
{
	struct shape_chunk *q;
	size_t i, cap;

	if (d->len == d->cap) {
		cap = d->cap ? 2 * d->cap : 16;
		if ((q = malloc(cap * sizeof(*q))) == NULL)
			return -1;
		for (i = 0; i < d->len; i++)
			q[i] = d->q[(d->head + i) % d->cap];
		free(d->q);
		d->q = q;
		d->cap = cap;
		d->head = 0;
	}
	d->q[(d->head + d->len) % d->cap] = (struct shape_chunk){ due, len };
	if (d->len++ == 0)
		arm(d, now);
	return 0;
}

/* Moves every chunk due by now to the destination, records its lateness, re-arms. */
static void
dir_release(struct shape_dir *d)
{
	struct shape *s = d->c->s;
	struct evbuffer *out = bufferevent_get_output(d->dst);
	struct shape_chunk *ch;
	int64_t now = shape_now_ns();

	while (d->len > 0 && (ch = &d->q[d->head])->due_ns <= now) {
		evbuffer_remove_buffer(d->held, out, ch->len);
		shape_hist_add(&s->late, now - ch->due_ns);
		s->st.chunks++;
		d->head = (d->head + 1) % d->cap;
		d->len--;
	}
	if (d->len > 0)
		arm(d, now);
}

/* The destination failed: what is held for it is lost. */
static void
dir_drop(struct shape_dir *d)
{
	d->done = 1;
	d->len = 0;
	evtimer_del(d->timer);
	evbuffer_drain(d->held, evbuffer_get_length(d->held));
}

/* Stops reading the source above queue_cap waiting bytes, resumes at half of it. */
static void
dir_throttle(struct shape_dir *d)
{
	size_t waiting;

	if (d->done || (d->eof && !d->paused))
		return;
	waiting = evbuffer_get_length(d->held) +
	    evbuffer_get_length(bufferevent_get_output(d->dst));
	if (!d->paused && waiting >= d->c->s->cfg.queue_cap) {
		bufferevent_disable(d->src, EV_READ);
		d->paused = 1;
	} else if (d->paused && waiting <= d->c->s->cfg.queue_cap / 2) {
		d->paused = 0;
		if (!d->eof)
			bufferevent_enable(d->src, EV_READ);
	}
}

/*
 * Once the source has closed and everything has been written, shuts the destination down
 * for writing; frees the connection when both directions are done. Returns 1 when it did.
 */
static int
dir_finish(struct shape_dir *d)
{
	struct shape_conn *c = d->c;

	if (!d->done && d->eof && d->len == 0 && (d == &c->down || c->connected) &&
	    evbuffer_get_length(bufferevent_get_output(d->dst)) == 0) {
		d->done = 1;
		shutdown(bufferevent_getfd(d->dst), SHUT_WR);
	}
	if (c->up.done && c->down.done) {
		conn_free(c);
		return 1;
	}
	return 0;
}

static void
arm(struct shape_dir *d, int64_t now)
{
	int64_t wait = d->q[d->head].due_ns - now;
	struct timeval tv;

	if (wait < 0)
		wait = 0;
	wait = (wait + 999) / 1000;	/* microseconds, rounded up: never early */
	tv.tv_sec = (time_t)(wait / 1000000);
	tv.tv_usec = (suseconds_t)(wait % 1000000);
	evtimer_add(d->timer, &tv);
}

static void
nodelay(evutil_socket_t fd)
{
	int one = 1;

	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
}
