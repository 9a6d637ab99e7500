/*
 * evio_curl.c: the curl multi handle on the event loop. See evio_curl.h. Four of the five
 * callbacks of curl's docs/examples/multi-event.c (socket, timer, event, timeout) and its
 * check_multi_info, which passes each finished transfer to the engine's callback.
 */
#include <stdlib.h>

#include "evio_curl.h"

struct evio_curl {
	struct event_base *base;
	CURLM *multi;
	struct event *timer;	/* curl's timeout */
	evio_curl_done_fn done;
	void *arg;
};

static void check_multi_info(struct evio_curl *c);
static int on_socket(CURL *e, curl_socket_t fd, int what, void *arg, void *sockp);
static int on_timer(CURLM *m, long timeout_ms, void *arg);
static void on_event(evutil_socket_t fd, short what, void *arg);
static void on_timeout(evutil_socket_t fd, short what, void *arg);

struct evio_curl *
evio_curl_new(struct event_base *base, long maxconnects, evio_curl_done_fn done, void *arg)
{
	struct evio_curl *c = calloc(1, sizeof(*c));

	if (c == NULL)
		return NULL;
	c->base = base;
	c->done = done;
	c->arg = arg;
	if ((c->multi = curl_multi_init()) == NULL ||
	    (c->timer = evtimer_new(base, on_timeout, c)) == NULL) {
		evio_curl_free(c);
		return NULL;
	}
	curl_multi_setopt(c->multi, CURLMOPT_SOCKETFUNCTION, on_socket);
	curl_multi_setopt(c->multi, CURLMOPT_SOCKETDATA, c);
	curl_multi_setopt(c->multi, CURLMOPT_TIMERFUNCTION, on_timer);
	curl_multi_setopt(c->multi, CURLMOPT_TIMERDATA, c);
	curl_multi_setopt(c->multi, CURLMOPT_MAXCONNECTS, maxconnects);
	return c;
}

void
evio_curl_free(struct evio_curl *c)
{
	if (c == NULL)
		return;
	if (c->multi != NULL)
		curl_multi_cleanup(c->multi);
	if (c->timer != NULL)
		event_free(c->timer);
	free(c);
}

int
evio_curl_add(struct evio_curl *c, CURL *easy)
{
	return curl_multi_add_handle(c->multi, easy) == CURLM_OK ? 0 : -1;
}

static void
check_multi_info(struct evio_curl *c)
{
	CURLMsg *msg;
	CURLcode rc;
	CURL *easy;
	int left;

	while ((msg = curl_multi_info_read(c->multi, &left)) != NULL) {
		if (msg->msg != CURLMSG_DONE)
			continue;
		rc = msg->data.result;
		easy = msg->easy_handle;
		curl_multi_remove_handle(c->multi, easy);
		c->done(easy, rc, c->arg);
	}
}

/* CURLMOPT_SOCKETFUNCTION: watch fd for what curl wants, or stop watching it. */
static int
on_socket(CURL *e, curl_socket_t fd, int what, void *arg, void *sockp)
{
	struct evio_curl *c = arg;
	struct event *ev = sockp;
	short kind = (short)((what & CURL_POLL_IN ? EV_READ : 0) |
	    (what & CURL_POLL_OUT ? EV_WRITE : 0) | EV_PERSIST);

	(void)e;
	if (what == CURL_POLL_REMOVE) {
		if (ev != NULL)
			event_free(ev);
		curl_multi_assign(c->multi, fd, NULL);
		return 0;
	}
	if (ev == NULL) {
		if ((ev = event_new(c->base, fd, kind, on_event, c)) == NULL)
			return -1;
		curl_multi_assign(c->multi, fd, ev);
	} else if (event_get_events(ev) == kind && event_pending(ev, EV_READ | EV_WRITE,
	    NULL)) {
		return 0;	/* what it watches already */
	} else {
		event_del(ev);
		event_assign(ev, c->base, fd, kind, on_event, c);
	}
	return event_add(ev, NULL);
}

/* CURLMOPT_TIMERFUNCTION: one timer, re-armed (or, for -1, removed) as curl asks. */
static int
on_timer(CURLM *m, long timeout_ms, void *arg)
{
	struct evio_curl *c = arg;
	struct timeval tv;

	(void)m;
	if (timeout_ms < 0)
		return evtimer_del(c->timer);
	tv.tv_sec = timeout_ms / 1000;
	tv.tv_usec = timeout_ms % 1000 * 1000;
	return evtimer_add(c->timer, &tv);
}

static void
on_event(evutil_socket_t fd, short what, void *arg)
{
	struct evio_curl *c = arg;
	int running, flags = (what & EV_READ ? CURL_CSELECT_IN : 0) |
	    (what & EV_WRITE ? CURL_CSELECT_OUT : 0);

	curl_multi_socket_action(c->multi, fd, flags, &running);
	check_multi_info(c);
}

static void
on_timeout(evutil_socket_t fd, short what, void *arg)
{
	struct evio_curl *c = arg;
	int running;

	(void)fd, (void)what;
	curl_multi_socket_action(c->multi, CURL_SOCKET_TIMEOUT, 0, &running);
	check_multi_info(c);
}
