/*
 * shape.h: the network shaper, a user-space TCP proxy that makes a loopback S3 endpoint look
 * like a cloud one. Every accepted connection is joined to the upstream; bytes pass through
 * unchanged, but each chunk read in either direction is held until a due time drawn from the
 * model below, then written to the other side. Four files implement it:
 *
 *  - shape.c, the model, pure and separately callable: configuration and its checks, address
 *    parsing, the jitter draws, the due-time rule and the lateness histogram;
 *  - shape_proxy.c, the proxy on a caller's libevent loop: the listener, the upstream address,
 *    libevent's rate limiting for the bandwidth caps, the statistics;
 *  - shape_conn.c, one connection from accept to free: two bufferevents, each chunk's delay
 *    (latency, jitter, handshake, stall) and the drawn reset (contract: shape_conn.h);
 *  - shape_pipe.c, one direction: its delay queue, timer, release and backpressure
 *    (contract: shape_pipe.h).
 *
 * The model, exactly:
 *  - A chunk (what one read returned) read at time `now` in a direction is released at
 *    due = max(due of that direction's previous chunk, now + latency + jitter), so bytes never
 *    overtake each other. One timer per direction is armed for the head of its queue.
 *  - Handshake: the proxy accepts at once, so the client's connect() takes no time; instead the
 *    first client->server chunk of a connection is due no earlier than
 *    accept + 2 x latency (the SYN/SYN-ACK round trip) + latency + jitter. A client that sends
 *    at once thus sees its first response after 4 x latency (curl: connect time ~0, TTFB 4x).
 *  - Jitter, per chunk, J = jitter_ms, u = one uniform draw in [0, 1):
 *      none     0, nothing drawn;
 *      uniform  2 J u: uniform in [0, 2J), mean J;
 *      normal   J |z|, z standard normal from two draws (Box-Muller): the normal of mean 0
 *               and sd J truncated to [0, inf), i.e. half-normal, mean J sqrt(2/pi) ~ 0.80 J;
 *      pareto   Lomax (Pareto type II, starting at 0) of shape 2.5 and scale 1.5 J, so mean J:
 *               1.5 J ((1 - u)^(-1/2.5) - 1), capped at 20 J (which lowers the mean to
 *               0.98 J; sd 1.65 J).
 *    Nothing is drawn when J is 0.
 *  - Faults: at accept, one draw u < reset_fraction marks a connection to be reset: when its
 *    client's first bytes arrive, the client socket is closed with SO_LINGER 0 (an RST) and
 *    the upstream connection dropped. A response is the server->client bytes that follow
 *    client->server bytes; at its first chunk one draw u < stall_fraction adds stall_ms to
 *    that chunk's due time (the rest of the response follows it, by the rule above). A
 *    fraction of 0 draws nothing; all draws come from one splitmix64 state seeded by `seed`,
 *    in event order.
 *  - Bandwidth: bandwidth_mbit caps each connection's client side, each direction (a full
 *    duplex link); total_bandwidth_mbit caps the sum over all connections, each direction.
 *    Both use libevent's token buckets with 10 ms ticks. 0 means no cap.
 *  - Memory: at most queue_cap bytes per direction per connection wait (in the delay queue
 *    plus the destination's output buffer); above that the source is not read until half of
 *    it drained. Like a TCP window, this bounds a connection to about queue_cap per one-way
 *    latency (1 MiB at 20 ms: ~11 MB/s measured) whatever the bandwidth cap.
 *  - Closing: when one side closes (EOF or error), what is queued for the other side is
 *    flushed, then the other side is shut down for writing; the connection is freed when both
 *    directions are done. An error on a side also drops what was queued for that side. An
 *    upstream that cannot be reached closes the client's connection and counts
 *    upstream_errors.
 *
 * Its own cost: every released chunk records its lateness (release time - due time) in a
 * log-linear histogram (about 6% resolution); shape_stats reports count, mean, p99 and max,
 * with the process CPU time since shape_new.
 */
#ifndef EXIFBENCH_SHAPE_H
#define EXIFBENCH_SHAPE_H

#include <stddef.h>
#include <stdint.h>

#include <event2/event.h>

#define SHAPE_HOST_MAX 256
#define SHAPE_QUEUE_CAP (1024 * 1024)	/* default bytes waiting per direction per connection */
#define SHAPE_TICK_MS 10		/* the token buckets' tick */
#define SHAPE_PARETO_SHAPE 2.5
#define SHAPE_PARETO_CAP 20.0		/* pareto draws are capped at this many times J */

enum shape_jitter {
	SHAPE_JITTER_NONE,
	SHAPE_JITTER_UNIFORM,
	SHAPE_JITTER_NORMAL,
	SHAPE_JITTER_PARETO,
};

struct shape_config {
	char listen_host[SHAPE_HOST_MAX];	/* numeric or a name; default 127.0.0.1 */
	unsigned listen_port;			/* 0: an ephemeral port (see shape_listen_addr) */
	char upstream_host[SHAPE_HOST_MAX];
	unsigned upstream_port;			/* 1..65535 */
	double latency_ms;			/* one-way, each direction */
	double jitter_ms;			/* J above */
	enum shape_jitter jitter;
	double bandwidth_mbit;			/* per connection and direction; 0: none */
	double total_bandwidth_mbit;		/* over all connections, per direction; 0: none */
	double reset_fraction;			/* of connections, in [0, 1] */
	double stall_fraction;			/* of responses, in [0, 1] */
	double stall_ms;			/* > 0 when stall_fraction > 0 */
	uint64_t seed;
	size_t queue_cap;			/* bytes; at least 64 KiB */
};

#define SHAPE_CONFIG_DEFAULT { "127.0.0.1", 0, "", 0, 0, 0, SHAPE_JITTER_UNIFORM, 0, 0, 0, \
	0, 0, UINT64_C(0x5eed5eed5eed5eed), SHAPE_QUEUE_CAP }

/* The counters of a proxy: name and meaning, declared once (struct, JSON and text use it). */
#define SHAPE_COUNTERS(X)						\
	X(connections, "connections accepted")				\
	X(active, "connections open now")				\
	X(resets, "connections reset on purpose")			\
	X(stalls, "responses stalled on purpose")			\
	X(upstream_errors, "upstream connections refused or failed")	\
	X(bytes_up, "bytes client->server")				\
	X(bytes_down, "bytes server->client")				\
	X(chunks, "chunks released (lateness samples)")

struct shape_stats {
#define SHAPE_FIELD(name, doc) uint64_t name;
	SHAPE_COUNTERS(SHAPE_FIELD)
#undef SHAPE_FIELD
	double lateness_mean_us;	/* release - due, over every released chunk */
	double lateness_p99_us;		/* upper edge of the histogram bucket */
	double lateness_max_us;
	double cpu_s;			/* process user + system CPU since shape_new */
	double wall_s;			/* since shape_new */
};

/* A log-linear histogram of non-negative nanosecond values: 16 buckets per power of two. */
#define SHAPE_HIST_BUCKETS 608
struct shape_hist {
	uint64_t count;
	double sum_ns;
	int64_t max_ns;
	uint64_t bucket[SHAPE_HIST_BUCKETS];
};

/* ---- shape.c: the model ---- */

/*
 * Checks every field of cfg (ranges, finite numbers, stall_ms > 0 when stall_fraction > 0, an
 * upstream set). Returns 0, or -1 with a one-line reason in err naming the option
 * (--latency-ms, ...).
 */
int shape_config_check(const struct shape_config *cfg, char *err, size_t errlen);

/*
 * Splits "scheme://host[:port][/...]" (http: port 80, https: 443 by default) or "host:port"
 * ("[v6]:port" for IPv6) into host and port. A port below min_port (0 or 1) or above 65535 is
 * an error. Returns 0, or -1 with a one-line reason in err.
 */
int shape_parse_addr(const char *s, unsigned min_port, char *host, size_t hostlen,
    unsigned *port, char *err, size_t errlen);

/* "none", "uniform", "normal", "pareto" to *out: 0, or -1 for another name. */
int shape_jitter_parse(const char *name, enum shape_jitter *out);

/* The name of j ("none" ...). */
const char *shape_jitter_name(enum shape_jitter j);

/* One jitter draw in nanoseconds (>= 0) for distribution j with parameter jitter_ms. */
int64_t shape_jitter_ns(enum shape_jitter j, double jitter_ms, uint64_t *rng);

/* The due-time rule: max(prev_due, now + delay); delay < 0 counts as 0. */
int64_t shape_due(int64_t prev_due, int64_t now, int64_t delay);

/* Adds one value (ns; a negative one counts as 0). */
void shape_hist_add(struct shape_hist *h, int64_t ns);

/*
 * The q-quantile (0 < q <= 1) in ns: the upper edge of the bucket holding it, never above the
 * maximum; 0 when empty.
 */
int64_t shape_hist_quantile(const struct shape_hist *h, double q);

/* Monotonic clock, ns. */
int64_t shape_now_ns(void);

/* ---- shape_proxy.c: the proxy (with shape_conn.c and shape_pipe.c) ---- */

struct shape;

/*
 * Checks cfg, resolves the upstream, binds and listens, all on base (which the caller runs and
 * frees after shape_free). Create base with EVENT_BASE_FLAG_PRECISE_TIMER, or the delay timers
 * round to milliseconds; ignore SIGPIPE (libevent writes with writev). Returns NULL with a
 * one-line reason in err (a bad setting, an unresolvable host, a port in use).
 */
struct shape *shape_new(struct event_base *base, const struct shape_config *cfg, char *err,
    size_t errlen);

/* "host:port" the proxy listens on (the real port when listen_port was 0) into buf. */
void shape_listen_addr(const struct shape *s, char *buf, size_t len);

/* The counters and the lateness figures so far. */
void shape_stats(const struct shape *s, struct shape_stats *out);

/* Closes the listener and every connection at once, and frees s. NULL is accepted. */
void shape_free(struct shape *s);

#endif
