/*
 * shape_conn.h: the contract between the shaper's listener (shape_proxy.c) and its
 * connections (shape_conn.c), internal to the shaper. The proxy owns struct shape: it fills
 * it in shape_new and frees it in shape_free. A connection reads the settings, draws from the
 * proxy's one rng, counts in its counters and links itself into (and out of) its list.
 */
#ifndef EXIFBENCH_SHAPE_CONN_H
#define EXIFBENCH_SHAPE_CONN_H

#include <stdint.h>
#include <sys/queue.h>
#include <sys/socket.h>

#include <event2/bufferevent.h>
#include <event2/listener.h>

#include "shape.h"
#include "shape_pipe.h"

struct shape_conn;

struct shape {
	struct event_base *base;
	struct shape_config cfg;
	struct evconnlistener *listener;
	struct sockaddr_storage upstream;
	socklen_t upstream_len;
	struct ev_token_bucket_cfg *conn_rate, *total_rate;	/* NULL: no cap */
	struct bufferevent_rate_limit_group *group;
	LIST_HEAD(, shape_conn) conns;
	uint64_t rng;
	int64_t latency_ns, stall_ns, t0_ns;
	double cpu0_s;
	struct shape_stats st;		/* counters but chunks; shape_stats adds the rest */
	struct shape_pipe_env pipes;	/* chunks: pipes.late.count */
	char addr[SHAPE_HOST_MAX + 8];
};

/*
 * The listener's callback, arg the proxy: joins the client on fd to a new upstream
 * connection. On any failure the client is closed (and counted).
 */
void shape_conn_accept(struct evconnlistener *l, evutil_socket_t fd, struct sockaddr *sa,
    int salen, void *arg);

/* Closes both sides at once, drops what is held, unlinks c from its proxy and frees it. */
void shape_conn_free(struct shape_conn *c);

#endif
