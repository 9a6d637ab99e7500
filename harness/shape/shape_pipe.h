/*
 * shape_pipe.h: one direction of a shaped connection, internal to the shaper (shape_conn.c
 * uses it, shape_pipe.c implements it). A pipe takes what its source read, holds it until its
 * due time (shape_due) and then moves it to the destination's output buffer, one timer armed
 * for the oldest chunk; it stops reading the source while too much waits, and shuts the
 * destination down for writing once the source has closed and everything is written. The
 * connection owns the two bufferevents, decides each chunk's delay and frees the connection.
 */
#ifndef EXIFBENCH_SHAPE_PIPE_H
#define EXIFBENCH_SHAPE_PIPE_H

#include <stddef.h>
#include <stdint.h>

#include <event2/buffer.h>
#include <event2/bufferevent.h>

#include "shape.h"

struct shape_pipe;
struct shape_chunk;

/* Called after the timer released chunks; it may free the pipe's connection. */
typedef void shape_pipe_cb(struct shape_pipe *p, void *arg);

/* What every pipe of one proxy shares; the proxy owns it. */
struct shape_pipe_env {
	size_t queue_cap;		/* bytes waiting per pipe before the source pauses */
	struct shape_hist late;		/* lateness of every chunk released, its count the chunks */
};

/* The owner sets eof and reads done; the rest belongs to shape_pipe.c. */
struct shape_pipe {
	struct shape_pipe_env *env;
	struct bufferevent *src, *dst;
	shape_pipe_cb *released;
	void *arg;
	struct evbuffer *held;		/* read, not yet due */
	struct shape_chunk *q;		/* ring of the held chunks, oldest at head */
	size_t head, len, cap;
	struct event *timer;		/* armed for q[head] */
	int64_t last_due;
	int eof;			/* the source closed: flush, then shut dst down */
	int done;			/* dst shut down or failed */
	int paused;			/* the source is not read: too much waiting */
};

/*
 * Sets up a zeroed p from src to dst (on src's event base); released(p, arg) runs after each
 * timed release. Returns 0, or -1 out of memory (shape_pipe_clear still frees what was made).
 */
int shape_pipe_init(struct shape_pipe *p, struct shape_pipe_env *env, struct bufferevent *src,
    struct bufferevent *dst, shape_pipe_cb *released, void *arg);

/* Frees what p holds; a zeroed p is accepted. The bufferevents are the owner's. */
void shape_pipe_clear(struct shape_pipe *p);

/*
 * Moves all of in (read at now) to p, due at shape_due(previous due, now, delay): straight to
 * dst when nothing is held and it is due already, else into the delay queue. Then pauses the
 * source if too much waits. Returns 0, or -1 out of memory (in's bytes may be lost).
 */
int shape_pipe_write(struct shape_pipe *p, struct evbuffer *in, int64_t delay, int64_t now);

/* Stops reading the source above queue_cap waiting bytes, resumes at half of it. */
void shape_pipe_throttle(struct shape_pipe *p);

/* The destination failed: what is held for it is lost, and p is done. */
void shape_pipe_drop(struct shape_pipe *p);

/*
 * Once eof is set and nothing is held or left in dst's output buffer, shuts dst down for
 * writing and sets done.
 */
void shape_pipe_shutdown(struct shape_pipe *p);

#endif
