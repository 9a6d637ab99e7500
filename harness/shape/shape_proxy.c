/*
 * shape_proxy.c: the network shaper's proxy on a caller's libevent loop, as a whole: it
 * resolves the upstream, sets up the bandwidth caps (libevent token buckets, one per
 * connection and one group for the total), listens, hands each accepted client to
 * shape_conn.c, and reports the counters, the lateness and its own CPU time. The two
 * directions of a connection are shape_pipe.c's. See shape.h for the model.
 */
#include "shape_conn.h"

#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

static int resolve(const char *host, unsigned port, int passive, struct sockaddr_storage *ss,
    socklen_t *len, char *err, size_t errlen);
static int listen_addr(struct shape *s, char *err, size_t errlen);
static struct ev_token_bucket_cfg *rate_cfg(double mbit);
static double cpu_seconds(void);
static void on_accept_error(struct evconnlistener *l, void *arg);

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
	s->pipes.queue_cap = cfg->queue_cap;
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
	s->listener = evconnlistener_new_bind(base, shape_conn_accept, s, LEV_OPT_CLOSE_ON_FREE |
	    LEV_OPT_REUSEABLE | LEV_OPT_CLOSE_ON_EXEC, 1024, (struct sockaddr *)&ss, (int)len);
	if (s->listener == NULL) {
		snprintf(err, errlen, "cannot listen on %s:%u: %s", cfg->listen_host,
		    cfg->listen_port, strerror(errno));
		goto fail;
	}
	evconnlistener_set_error_cb(s->listener, on_accept_error);
	if (listen_addr(s, err, errlen) < 0)
		goto fail;
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
	const struct shape_hist *late = &s->pipes.late;

	*out = s->st;
	out->chunks = late->count;
	out->lateness_mean_us = late->count ? late->sum_ns / (double)late->count / 1e3 : 0;
	out->lateness_p99_us = (double)shape_hist_quantile(late, 0.99) / 1e3;
	out->lateness_max_us = (double)late->max_ns / 1e3;
	out->cpu_s = cpu_seconds() - s->cpu0_s;
	out->wall_s = (double)(shape_now_ns() - s->t0_ns) / 1e9;
}

void
shape_free(struct shape *s)
{
	if (s == NULL)
		return;
	while (!LIST_EMPTY(&s->conns))
		shape_conn_free(LIST_FIRST(&s->conns));
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

/* "host:port", or "[v6]:port", of the socket the listener is bound to. */
static int
listen_addr(struct shape *s, char *err, size_t errlen)
{
	struct sockaddr_storage ss;
	socklen_t len = sizeof(ss);
	char host[SHAPE_HOST_MAX];
	int v6;

	if (getsockname(evconnlistener_get_fd(s->listener), (struct sockaddr *)&ss, &len) < 0 ||
	    getnameinfo((struct sockaddr *)&ss, len, host, sizeof(host), NULL, 0,
	    NI_NUMERICHOST) != 0) {
		snprintf(err, errlen, "cannot read the listening address");
		return -1;
	}
	v6 = ss.ss_family == AF_INET6;
	snprintf(s->addr, sizeof(s->addr), "%s%s%s:%u", v6 ? "[" : "", host, v6 ? "]" : "",
	    ntohs(v6 ? ((struct sockaddr_in6 *)&ss)->sin6_port :
	    ((struct sockaddr_in *)&ss)->sin_port));
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

/*
 * Accept errors (EMFILE, ...) are the client's to see as a refused or slow connect. Without
 * this callback libevent would print a warning: library code never prints.
 */
static void
on_accept_error(struct evconnlistener *l, void *arg)
{
}
