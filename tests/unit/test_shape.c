/*
 * test_shape.c: unit tests of harness/shape/shape.c, the network shaper's model, and through it of
 * the proxy in shape_proxy.c. The model: each jitter distribution over many draws of a fixed
 * seed (never negative, mean and spread as documented, uniform below 2J, pareto capped at
 * 20J, the same seed giving the same draws, nothing drawn when J is 0); the due-time rule (a
 * table, and a random stream that never goes back in time); the lateness histogram (bucket
 * edges against every value up to 2^20 and at powers of two, quantiles within a bucket's 6%,
 * never above the maximum); the configuration checks and address parsing (tables, each error
 * naming its option). The proxy, on a real loopback echo server in the same event loop: bytes
 * come back unchanged and no sooner than the handshake plus both one-way latencies; a reset
 * fraction of 1 resets; a refused upstream counts upstream_errors and closes the client; a
 * client that closes is followed by the server's close, and no connection stays. test_inval
 * feeds NULL and out-of-range arguments.
 */
#include "harness/shape/shape.c"

#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/listener.h>

#include <cmocka.h>

#define DRAWS 200000
#define SEED UINT64_C(0x0123456789abcdef)
#define ECHO_BYTES (100 * 1000)

/* The proxy fixture: an event base, an echo server, the client's side of one exchange. */
struct fixture {
	struct event_base *base;
	struct evconnlistener *echo;
	unsigned echo_port;
	struct shape_config cfg;
	struct bufferevent *client;
	unsigned char sent[ECHO_BYTES];
	struct evbuffer *got;
	int64_t t_sent, t_first;
	short client_event;		/* BEV_EVENT_* that ended the client */
	struct event *guard;		/* ends a test that would hang */
};

static void echo_read(struct bufferevent *bev, void *arg);
static void echo_write(struct bufferevent *bev, void *arg);
static void echo_event(struct bufferevent *bev, short what, void *arg);

static void
echo_accept(struct evconnlistener *l, evutil_socket_t fd, struct sockaddr *sa, int len,
    void *arg)
{
	struct bufferevent *bev;

	bev = bufferevent_socket_new(evconnlistener_get_base(l), fd, BEV_OPT_CLOSE_ON_FREE);
	assert_non_null(bev);
	bufferevent_setcb(bev, echo_read, echo_write, echo_event, NULL);
	bufferevent_enable(bev, EV_READ | EV_WRITE);
}

static void
echo_read(struct bufferevent *bev, void *arg)
{
	bufferevent_write_buffer(bev, bufferevent_get_input(bev));
}

/* After the client's EOF: close once everything is echoed. */
static void
echo_write(struct bufferevent *bev, void *arg)
{
	if (!(bufferevent_get_enabled(bev) & EV_READ))
		bufferevent_free(bev);
}

static void
echo_event(struct bufferevent *bev, short what, void *arg)
{
	if ((what & BEV_EVENT_ERROR) ||
	    evbuffer_get_length(bufferevent_get_output(bev)) == 0)
		bufferevent_free(bev);
	else
		bufferevent_disable(bev, EV_READ);
}

static void
on_guard(evutil_socket_t fd, short what, void *arg)
{
	fail_msg("the proxy test did not end within 20 s");
}

static int
setup(void **state)
{
	struct shape_config dflt = SHAPE_CONFIG_DEFAULT;
	struct sockaddr_in sin = { .sin_family = AF_INET };
	struct timeval limit = { 20, 0 };
	struct event_config *ecfg;
	struct fixture *fx;
	socklen_t len = sizeof(sin);
	size_t i;

	if ((fx = calloc(1, sizeof(*fx))) == NULL)
		return -1;
	ecfg = event_config_new();
	event_config_set_flag(ecfg, EVENT_BASE_FLAG_PRECISE_TIMER);
	fx->base = event_base_new_with_config(ecfg);
	event_config_free(ecfg);
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	fx->echo = evconnlistener_new_bind(fx->base, echo_accept, fx, LEV_OPT_CLOSE_ON_FREE |
	    LEV_OPT_REUSEABLE, 16, (struct sockaddr *)&sin, sizeof(sin));
	if (fx->echo == NULL || getsockname(evconnlistener_get_fd(fx->echo),
	    (struct sockaddr *)&sin, &len) < 0)
		return -1;
	fx->echo_port = ntohs(sin.sin_port);
	fx->cfg = dflt;
	strcpy(fx->cfg.upstream_host, "127.0.0.1");
	fx->cfg.upstream_port = fx->echo_port;
	for (i = 0; i < ECHO_BYTES; i++)
		fx->sent[i] = (unsigned char)(i * 131 + i / 7);
	fx->got = evbuffer_new();
	fx->guard = evtimer_new(fx->base, on_guard, fx);
	evtimer_add(fx->guard, &limit);
	*state = fx;
	return 0;
}

static int
teardown(void **state)
{
	struct fixture *fx = *state;

	if (fx->client != NULL)
		bufferevent_free(fx->client);
	event_free(fx->guard);
	evbuffer_free(fx->got);
	if (fx->echo != NULL)
		evconnlistener_free(fx->echo);
	event_base_free(fx->base);
	free(fx);
	return 0;
}

static void
client_read(struct bufferevent *bev, void *arg)
{
	struct fixture *fx = arg;

	if (fx->t_first == 0)
		fx->t_first = shape_now_ns();
	evbuffer_add_buffer(fx->got, bufferevent_get_input(bev));
	if (evbuffer_get_length(fx->got) == ECHO_BYTES)
		shutdown(bufferevent_getfd(bev), SHUT_WR);
}

static void
client_event(struct bufferevent *bev, short what, void *arg)
{
	struct fixture *fx = arg;

	if (what & BEV_EVENT_CONNECTED) {
		fx->t_sent = shape_now_ns();
		bufferevent_write(bev, fx->sent, sizeof(fx->sent));
		return;
	}
	fx->client_event = what;
	event_base_loopexit(fx->base, NULL);
}

/* Sends the pattern through a shaper set up from fx->cfg, and runs until the client ends. */
static struct shape *
exchange(struct fixture *fx)
{
	struct sockaddr_in sin = { .sin_family = AF_INET };
	char err[256], addr[64];
	struct shape *s;

	s = shape_new(fx->base, &fx->cfg, err, sizeof(err));
	assert_non_null(s);
	shape_listen_addr(s, addr, sizeof(addr));
	assert_int_equal(strncmp(addr, "127.0.0.1:", 10), 0);
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	sin.sin_port = htons((unsigned short)atoi(addr + 10));
	assert_int_not_equal(atoi(addr + 10), 0);
	fx->client = bufferevent_socket_new(fx->base, -1, BEV_OPT_CLOSE_ON_FREE);
	bufferevent_setcb(fx->client, client_read, NULL, client_event, fx);
	bufferevent_enable(fx->client, EV_READ | EV_WRITE);
	assert_int_equal(bufferevent_socket_connect(fx->client, (struct sockaddr *)&sin,
	    sizeof(sin)), 0);
	event_base_dispatch(fx->base);
	return s;
}

static void
test_jitter(void **state)
{
	static const struct {
		enum shape_jitter j;
		double mean, sd, max;	/* in units of J; max 0: unbounded */
		double tol;		/* relative, on the mean and the sd */
	} cases[] = {
		{ SHAPE_JITTER_UNIFORM, 1.0, 0.57735, 2.0, 0.02 },
		{ SHAPE_JITTER_NORMAL, 0.79788, 0.60281, 0, 0.02 },
		/* Lomax(2.5, 1.5 J) capped at 20 J: mean 1 - 14.33^-1.5, sd from its integral */
		{ SHAPE_JITTER_PARETO, 0.98157, 1.6478, 20.0, 0.04 },
	};
	const double J = 10.0, Jns = J * 1e6;
	double sum, sq, mean, sd, x, xmax;
	uint64_t rng;
	size_t i, k;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		rng = SEED;
		sum = sq = xmax = 0;
		for (k = 0; k < DRAWS; k++) {
			x = (double)shape_jitter_ns(cases[i].j, J, &rng) / Jns;
			assert_true(x >= 0);
			if (cases[i].max > 0)
				assert_true(x <= cases[i].max);
			sum += x;
			sq += x * x;
			xmax = x > xmax ? x : xmax;
		}
		mean = sum / DRAWS;
		sd = sqrt(sq / DRAWS - mean * mean);
		print_message("%-8s mean %.4f J sd %.4f J max %.3f J\n",
		    shape_jitter_name(cases[i].j), mean, sd, xmax);
		assert_true(fabs(mean - cases[i].mean) < cases[i].tol * cases[i].mean);
		assert_true(fabs(sd - cases[i].sd) < cases[i].tol * cases[i].sd);
		if (cases[i].j == SHAPE_JITTER_PARETO) {
			assert_true(xmax == 20.0);	/* the cap is reached, and holds */
		} else {
			assert_true(xmax > 0.95 * (cases[i].max > 0 ? cases[i].max : 4.0));
		}
	}
}

static void
test_jitter_none(void **state)
{
	uint64_t rng = SEED, a = SEED, b = SEED;
	int k;

	(void)state;
	for (k = 0; k < 1000; k++)
		assert_int_equal(shape_jitter_ns(SHAPE_JITTER_NONE, 10, &rng), 0);
	assert_int_equal(shape_jitter_ns(SHAPE_JITTER_UNIFORM, 0, &rng), 0);
	assert_int_equal(shape_jitter_ns(SHAPE_JITTER_PARETO, 0, &rng), 0);
	assert_true(rng == SEED);	/* nothing drawn */
	for (k = 0; k < 1000; k++)	/* the same seed, the same stream */
		assert_int_equal(shape_jitter_ns(SHAPE_JITTER_NORMAL, 3, &a),
		    shape_jitter_ns(SHAPE_JITTER_NORMAL, 3, &b));
	assert_true(a != SEED);
}

static void
test_due(void **state)
{
	static const struct {
		int64_t prev, now, delay, want;
	} cases[] = {
		{ 0, 1000, 50, 1050 },
		{ 2000, 1000, 50, 2000 },	/* the previous chunk is later: wait for it */
		{ 1050, 1000, 50, 1050 },
		{ 1049, 1000, 50, 1050 },
		{ 0, 1000, 0, 1000 },
		{ 0, 1000, -5, 1000 },		/* a negative delay is none */
		{ 5000, 1000, -5, 5000 },
	};
	uint64_t rng = SEED;
	int64_t now = 0, due = 0, delay, next;
	size_t i;
	int k;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		assert_int_equal(shape_due(cases[i].prev, cases[i].now, cases[i].delay),
		    cases[i].want);
	/* Chunks a few microseconds apart with a heavy-tailed jitter: never out of order. */
	for (k = 0; k < 100000; k++) {
		now += (int64_t)rng_below(&rng, 5000);
		delay = 50000000 + shape_jitter_ns(SHAPE_JITTER_PARETO, 5, &rng);
		next = shape_due(due, now, delay);
		assert_true(next >= due);
		assert_true(next >= now + delay);
		due = next;
	}
}

static void
test_hist_buckets(void **state)
{
	int64_t v;
	int i, e;

	(void)state;
	for (v = 0; v < (1 << 20); v++) {
		i = hist_index(v);
		assert_true(hist_upper(i) >= v);
		assert_true(i == 0 || hist_upper(i - 1) < v);
	}
	for (e = 4; e <= 40; e++) {
		v = (int64_t)1 << e;
		assert_int_equal(hist_upper(hist_index(v - 1)), v - 1);
		assert_true(hist_upper(hist_index(v)) - v < v / 16);	/* 1/16 resolution */
	}
	assert_int_equal(hist_index(INT64_MAX), SHAPE_HIST_BUCKETS - 1);
	assert_int_equal(hist_upper(SHAPE_HIST_BUCKETS - 1), ((int64_t)1 << 41) - 1);
}

static void
test_hist_quantile(void **state)
{
	struct shape_hist *h = calloc(1, sizeof(*h));
	int64_t v, q50, q99;

	(void)state;
	assert_non_null(h);
	assert_int_equal(shape_hist_quantile(h, 0.99), 0);
	for (v = 1; v <= 1000; v++)		/* 1..1000 us */
		shape_hist_add(h, v * 1000);
	q50 = shape_hist_quantile(h, 0.5);
	q99 = shape_hist_quantile(h, 0.99);
	assert_true(q50 >= 500000 && q50 <= 500000 + 500000 / 16);
	assert_true(q99 >= 990000 && q99 <= 1000000);
	assert_int_equal(shape_hist_quantile(h, 1.0), 1000000);	/* capped at the max */
	assert_int_equal(h->count, 1000);
	assert_int_equal(h->max_ns, 1000000);
	assert_true(fabs(h->sum_ns / 1000 - 500500) < 1e-6);
	shape_hist_add(h, -7);			/* counts as 0 */
	assert_int_equal(h->bucket[0], 1);
	assert_int_equal(shape_hist_quantile(h, 0.0001), 0);
	free(h);
}

static void
test_config(void **state)
{
	static const struct {
		const char *field;
		double v;
		const char *err;	/* NULL: accepted */
	} cases[] = {
		{ "latency", 50, NULL },
		{ "latency", -1, "--latency-ms" },
		{ "latency", NAN, "--latency-ms" },
		{ "latency", 700000, "--latency-ms" },
		{ "jitter", -0.5, "--jitter-ms" },
		{ "reset", 0, NULL },
		{ "reset", 1, NULL },
		{ "reset", 1.01, "--reset-fraction" },
		{ "reset", -0.01, "--reset-fraction" },
		{ "reset", NAN, "--reset-fraction" },
		{ "stall", 0.5, "--stall-ms" },		/* a stall of no length */
		{ "stall", 2, "--stall-fraction" },
		{ "bw", -1, "--bandwidth-mbit" },
		{ "bw", 100, NULL },
		{ "total", -1, "--total-bandwidth-mbit" },
		{ "total", INFINITY, "--total-bandwidth-mbit" },
	};
	struct fixture *fx = *state;
	struct shape_config c;
	char err[256];
	size_t i;
	int rc;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		c = fx->cfg;
		if (strcmp(cases[i].field, "latency") == 0)
			c.latency_ms = cases[i].v;
		else if (strcmp(cases[i].field, "jitter") == 0)
			c.jitter_ms = cases[i].v;
		else if (strcmp(cases[i].field, "reset") == 0)
			c.reset_fraction = cases[i].v;
		else if (strcmp(cases[i].field, "stall") == 0)
			c.stall_fraction = cases[i].v;
		else if (strcmp(cases[i].field, "bw") == 0)
			c.bandwidth_mbit = cases[i].v;
		else
			c.total_bandwidth_mbit = cases[i].v;
		err[0] = '\0';
		rc = shape_config_check(&c, err, sizeof(err));
		if (cases[i].err == NULL) {
			assert_int_equal(rc, 0);
		} else {
			assert_int_equal(rc, -1);
			if (strstr(err, cases[i].err) == NULL)
				fail_msg("case %zu: '%s' does not name %s", i, err, cases[i].err);
		}
	}
	c = fx->cfg;
	c.stall_fraction = 0.5;
	c.stall_ms = 300;
	assert_int_equal(shape_config_check(&c, err, sizeof(err)), 0);
	c = fx->cfg;
	c.jitter = (enum shape_jitter)7;
	assert_int_equal(shape_config_check(&c, err, sizeof(err)), -1);
	c = fx->cfg;
	c.upstream_host[0] = '\0';
	assert_int_equal(shape_config_check(&c, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "upstream"));
	c = fx->cfg;
	c.queue_cap = 1000;
	assert_int_equal(shape_config_check(&c, err, sizeof(err)), -1);
}

static void
test_parse_addr(void **state)
{
	static const struct {
		const char *s;
		unsigned min_port;
		const char *host;	/* NULL: rejected */
		unsigned port;
	} cases[] = {
		{ "127.0.0.1:7480", 1, "127.0.0.1", 7480 },
		{ "http://127.0.0.1:7480", 1, "127.0.0.1", 7480 },
		{ "http://127.0.0.1:7480/", 1, "127.0.0.1", 7480 },
		{ "http://s3.example.com", 1, "s3.example.com", 80 },
		{ "https://s3.example.com/x/y", 1, "s3.example.com", 443 },
		{ "[::1]:9000", 1, "::1", 9000 },
		{ "http://[::1]", 1, "::1", 80 },
		{ "localhost:0", 0, "localhost", 0 },
		{ "localhost:0", 1, NULL, 0 },
		{ "localhost", 0, NULL, 0 },
		{ "localhost:", 0, NULL, 0 },
		{ ":80", 0, NULL, 0 },
		{ "host:80x", 0, NULL, 0 },
		{ "host:80/path", 0, NULL, 0 },
		{ "host:-1", 0, NULL, 0 },
		{ "host:65536", 0, NULL, 0 },
		{ "host:99999999999999999999999", 0, NULL, 0 },
		{ "ftp://host:21", 0, NULL, 0 },
		{ "http://", 0, NULL, 0 },
		{ "[::1", 0, NULL, 0 },
		{ "", 0, NULL, 0 },
	};
	char host[SHAPE_HOST_MAX], err[256];
	unsigned port;
	size_t i;
	int rc;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		port = 12345;
		rc = shape_parse_addr(cases[i].s, cases[i].min_port, host, sizeof(host), &port,
		    err, sizeof(err));
		if (cases[i].host == NULL) {
			if (rc != -1)
				fail_msg("'%s' accepted as %s:%u", cases[i].s, host, port);
			assert_non_null(strstr(err, cases[i].s));
		} else {
			if (rc != 0)
				fail_msg("'%s' rejected: %s", cases[i].s, err);
			assert_string_equal(host, cases[i].host);
			assert_int_equal(port, cases[i].port);
		}
	}
	/* A host that does not fit. */
	assert_int_equal(shape_parse_addr("abcdef:80", 0, host, 6, &port, err, sizeof(err)),
	    -1);
}

static void
test_jitter_names(void **state)
{
	enum shape_jitter j;
	int i;

	(void)state;
	for (i = SHAPE_JITTER_NONE; i <= SHAPE_JITTER_PARETO; i++) {
		assert_int_equal(shape_jitter_parse(shape_jitter_name(i), &j), 0);
		assert_int_equal(j, i);
	}
	assert_int_equal(shape_jitter_parse("Uniform", &j), -1);
	assert_int_equal(shape_jitter_parse("", &j), -1);
	assert_int_equal(shape_jitter_parse("gauss", &j), -1);
	assert_string_equal(shape_jitter_name((enum shape_jitter)9), "?");
}

static void
test_proxy_echo(void **state)
{
	struct fixture *fx = *state;
	struct shape_stats st;
	struct shape *s;
	unsigned char *back;
	double first_ms;

	fx->cfg.latency_ms = 20;
	fx->cfg.jitter_ms = 2;
	fx->cfg.jitter = SHAPE_JITTER_PARETO;
	s = exchange(fx);
	assert_true(fx->client_event & BEV_EVENT_EOF);
	assert_int_equal(evbuffer_get_length(fx->got), ECHO_BYTES);
	back = evbuffer_pullup(fx->got, -1);
	assert_memory_equal(back, fx->sent, ECHO_BYTES);
	/* Handshake round trip, then one way up and one way down: at least 4 x 20 ms. */
	first_ms = (double)(fx->t_first - fx->t_sent) / 1e6;
	print_message("first echoed byte after %.1f ms (at least 80)\n", first_ms);
	assert_true(first_ms >= 80 && first_ms < 80 + 2000);
	shape_stats(s, &st);
	assert_int_equal(st.connections, 1);
	assert_int_equal(st.active, 0);
	assert_int_equal(st.bytes_up, ECHO_BYTES);
	assert_int_equal(st.bytes_down, ECHO_BYTES);
	assert_true(st.chunks >= 2);
	assert_true(st.lateness_max_us >= st.lateness_p99_us);
	assert_true(st.lateness_p99_us >= 0 && st.wall_s > 0.08);
	shape_free(s);
}

static void
test_proxy_reset(void **state)
{
	struct fixture *fx = *state;
	struct shape_stats st;
	struct shape *s;

	fx->cfg.reset_fraction = 1;
	s = exchange(fx);
	assert_true(fx->client_event & (BEV_EVENT_ERROR | BEV_EVENT_EOF));
	assert_int_equal(evbuffer_get_length(fx->got), 0);
	shape_stats(s, &st);
	assert_int_equal(st.resets, 1);
	assert_int_equal(st.active, 0);
	assert_int_equal(st.bytes_up, 0);
	shape_free(s);
}

static void
test_proxy_refused(void **state)
{
	struct fixture *fx = *state;
	struct shape_stats st;
	struct shape *s;

	evconnlistener_free(fx->echo);		/* nothing listens on the port now */
	fx->echo = NULL;
	s = exchange(fx);
	assert_true(fx->client_event & (BEV_EVENT_ERROR | BEV_EVENT_EOF));
	shape_stats(s, &st);
	assert_int_equal(st.upstream_errors, 1);
	assert_int_equal(st.connections, 1);
	assert_int_equal(st.active, 0);
	shape_free(s);
}

static void
test_inval(void **state)
{
	struct fixture *fx = *state;
	char host[64], err[256];
	unsigned port;

	assert_int_equal(shape_config_check(NULL, err, sizeof(err)), -1);
	assert_int_equal(shape_parse_addr(NULL, 0, host, sizeof(host), &port, err,
	    sizeof(err)), -1);
	assert_int_equal(shape_parse_addr("a:1", 0, NULL, 0, &port, err, sizeof(err)), -1);
	assert_int_equal(shape_parse_addr("a:1", 0, host, sizeof(host), NULL, err,
	    sizeof(err)), -1);
	assert_int_equal(shape_jitter_parse(NULL, NULL), -1);
	assert_int_equal(shape_hist_quantile(NULL, 0.5), 0);
	assert_null(shape_new(NULL, &fx->cfg, err, sizeof(err)));
	fx->cfg.reset_fraction = 2;
	assert_null(shape_new(fx->base, &fx->cfg, err, sizeof(err)));
	assert_non_null(strstr(err, "--reset-fraction"));
	fx->cfg.reset_fraction = 0;
	strcpy(fx->cfg.upstream_host, "no-such-host.invalid");
	assert_null(shape_new(fx->base, &fx->cfg, err, sizeof(err)));
	assert_non_null(strstr(err, "no-such-host.invalid"));
	strcpy(fx->cfg.upstream_host, "127.0.0.1");
	fx->cfg.listen_port = fx->echo_port;	/* taken */
	assert_null(shape_new(fx->base, &fx->cfg, err, sizeof(err)));
	assert_non_null(strstr(err, "cannot listen"));
	shape_free(NULL);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_jitter),
		cmocka_unit_test(test_jitter_none),
		cmocka_unit_test(test_due),
		cmocka_unit_test(test_hist_buckets),
		cmocka_unit_test(test_hist_quantile),
		cmocka_unit_test_setup_teardown(test_config, setup, teardown),
		cmocka_unit_test(test_parse_addr),
		cmocka_unit_test(test_jitter_names),
		cmocka_unit_test_setup_teardown(test_proxy_echo, setup, teardown),
		cmocka_unit_test_setup_teardown(test_proxy_reset, setup, teardown),
		cmocka_unit_test_setup_teardown(test_proxy_refused, setup, teardown),
		cmocka_unit_test_setup_teardown(test_inval, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
