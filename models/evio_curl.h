/*
 * evio_curl.h: libcurl's multi socket interface on a libevent loop, the global context of
 * curl's docs/examples/hiperfifo.c, internal to the event-loop engine (models/evio.c creates
 * and owns it). It watches the sockets curl asks for and keeps curl's one timer, drives
 * curl_multi_socket_action from both, and hands each finished transfer back, already removed
 * from the multi handle, through a callback. It knows nothing of jobs or keys.
 *
 * Everything runs on the thread that runs the loop.
 */
#ifndef EXIFBENCH_EVIO_CURL_H
#define EXIFBENCH_EVIO_CURL_H

#include <curl/curl.h>
#include <event2/event.h>

struct evio_curl;

/* A transfer ended with rc; easy is out of the multi handle, free to be added again. */
typedef void (*evio_curl_done_fn)(CURL *easy, CURLcode rc, void *arg);

/*
 * A multi handle on base (which must outlive it), keeping at most maxconnects connections
 * open. NULL when out of memory.
 */
struct evio_curl *evio_curl_new(struct event_base *base, long maxconnects,
    evio_curl_done_fn done, void *arg);

/* Frees the multi handle and its timer; its easy handles are the caller's. NULL is ok. */
void evio_curl_free(struct evio_curl *c);

/* Starts easy's transfer: 0, or -1 when curl_multi_add_handle failed. */
int evio_curl_add(struct evio_curl *c, CURL *easy);

#endif
