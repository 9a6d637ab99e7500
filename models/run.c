/*
 * run.c: what every model shares: the keys in, from a ListObjectsV2 listing fetched one page
 * ahead (lister.c), and the outcomes out, counted and passed on by a thread of their own
 * (records.c). See run.h.
 *
 * The two threads are the run's, not the pipeline's (so this sits in models/, beside the
 * models that drive it, not in models/core, which owns no thread): no job step runs on
 * them. They keep the toolkit's bookkeeping off the model's path: a model's thread takes a
 * key from a page in memory (a lock only at a page's end) and puts its record into a ring
 * (no lock), so what a model measures is its own locks and waits. The LIST a page costs is
 * still measured (list_pages; list_ns, now the time a model had no key to start). With
 * run_set_keys the keys come from a file instead, a line at a time, read by the model's
 * thread.
 *
 * The circuit breaker's part (run.h) is a gate in front of the key stream and a hold in
 * front of the records: the keys held for another try sit in a small array under `lock`,
 * touched only while the breaker is not closed, so a healthy run takes no lock per key.
 */
#include <pthread.h>
#include <stdarg.h>
#include <time.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lister.h"
#include "models/core/keyesc.h"
#include "models/core/shard.h"
#include "models/core/retry.h"
#include "records.h"
#include "run.h"

struct run {
	const struct pipeline *p;
	struct model_opts opts;
	uint64_t limit;
	atomic_int *stop;
	run_record_cb on_record;
	void *arg;

	struct shard shard;	/* the share of the keys this run takes (count 1: all) */
	FILE *keys;		/* keys from a file instead of the listing, or NULL */
	const char *keys_name;
	unsigned long keys_line;
	struct lister *lister;
	int ended;		/* the stream is over (end, limit, stop, error): only 0 from now */
	struct records *records;

	/*
	 * t.listed and t.stopped are the key stream's (its callers serialise), t.ok to
	 * t.bytes_out the delivering thread's; run_totals reads them after a flush.
	 */
	struct run_totals t;
	pthread_mutex_t lock;	/* the error, the held keys */
	char error[512];

	struct breaker *breaker;	/* the pipeline's, or NULL */
	char (*held)[JOB_KEY_MAX + 1];	/* keys to run again once it closes */
	unsigned nheld, held_cap;
	int held_shut;		/* it gave up: no more holding */
	long wait_us;		/* run_key_wait_us */
	uint64_t retried;	/* the key stream's, as t.listed */
	atomic_ullong down_keys;

	/* Open loop: the key stream's, as t.listed. */
	struct arrivals sched;	/* kind ARRIVALS_CLOSED: no pacing */
	uint64_t max_backlog;
	int64_t t0_ns;		/* the schedule's start: the first call for a key */
	int64_t due_ns;		/* run_key_due_ns */
	int pend;		/* pend_key is taken from the stream, due at pend_due */
	int64_t pend_due;
	char pend_key[JOB_KEY_MAX + 1];
};

#define GATE_PASS 3	/* gate: on to the key stream */

static int next_key(struct run *r, char *key, int wait);
static int stream_key(struct run *r, char *key, int wait);
static int gate(struct run *r, char *key, int wait);
static int paced(struct run *r, char *key, int wait);
static int drop_pending(struct run *r);
static int hold(struct run *r, const struct job_record *rec);
static int pop_held(struct run *r, char *key);
static int fail_rest(struct run *r, const char *reason, int stream);
static void fail_key(struct run *r, const char *key, const char *reason, int down);
static int read_key(struct run *r, char *key);
static void counted(const struct job_record *rec, void *arg);

struct run *
run_new(const struct pipeline *p, const struct model_opts *opts, uint64_t limit,
    atomic_int *stop, run_record_cb on_record, void *arg)
{
	struct run *r;

	if (p == NULL || opts == NULL || (r = calloc(1, sizeof(*r))) == NULL)
		return NULL;
	r->p = p;
	r->opts = *opts;
	r->limit = limit;
	r->shard.count = 1;
	r->stop = stop;
	r->on_record = on_record;
	r->arg = arg;
	r->breaker = p->breaker;
	r->held_cap = opts->concurrency > 0 ? opts->concurrency : 1;
	r->wait_us = -1;
	pthread_mutex_init(&r->lock, NULL);
	r->lister = p->src_dir[0] != '\0' ? lister_new_local(p->src_dir, limit, stop) :
	    lister_new(&p->s3, p->src_bucket, p->src_prefix, limit, stop);
	r->records = records_new(counted, r);
	if (r->lister == NULL || r->records == NULL) {
		run_free(r);
		return NULL;
	}
	return r;
}

void
run_without_threads(struct run *r)
{
	lister_inline(r->lister);
	records_inline(r->records);
}

void
run_free(struct run *r)
{
	if (r == NULL)
		return;
	records_free(r->records);
	lister_free(r->lister);
	free(r->held);
	pthread_mutex_destroy(&r->lock);
	free(r);
}

const struct pipeline *
run_pipeline(const struct run *r)
{
	return r->p;
}

const struct model_opts *
run_opts(const struct run *r)
{
	return &r->opts;
}

int
run_stopping(const struct run *r)
{
	return r->stop != NULL && atomic_load(r->stop);
}

int
run_next_key(struct run *r, char *key)
{
	return next_key(r, key, 1);
}

int
run_try_key(struct run *r, char *key)
{
	return next_key(r, key, 0);
}

int
run_key_fd(const struct run *r)
{
	return r->keys != NULL ? -1 : lister_fd(r->lister);
}

long
run_key_wait_us(const struct run *r)
{
	return r->wait_us;
}

int64_t
run_key_due_ns(const struct run *r)
{
	return r->due_ns;
}

void
run_set_rate(struct run *r, enum arrivals_kind kind, double rate, uint64_t seed,
    uint64_t max_backlog)
{
	arrivals_init(&r->sched, rate > 0 ? kind : ARRIVALS_CLOSED, rate, seed);
	r->max_backlog = max_backlog;
}

/* run_next_key and run_try_key: the breaker's gate, then the key stream, paced or not. */
static int
next_key(struct run *r, char *key, int wait)
{
	int got;

	r->wait_us = -1;
	r->due_ns = 0;
	if (r->breaker != NULL && (got = gate(r, key, wait)) != GATE_PASS)
		return got;
	if (r->sched.kind != ARRIVALS_CLOSED)
		return paced(r, key, wait);
	return stream_key(r, key, wait);
}

#define PACE_NAP_NS 50000000	/* a paced wait wakes at least this often to see stop */

/*
 * The open-loop key stream (run_set_rate): the next key once it is due. The key is taken
 * from the stream first (so a page's LIST is not in its wait), kept as pending while it is
 * not due, and its lateness, when it is late, measured against the backlog's bound.
 */
static int
paced(struct run *r, char *key, int wait)
{
	struct timespec nap;
	int64_t now, left;
	uint64_t backlog;
	int got;

	if (!r->pend) {
		if ((got = stream_key(r, r->pend_key, wait)) != 1)
			return got;
		if (r->t0_ns == 0)
			r->t0_ns = job_now_ns();
		r->pend_due = r->t0_ns + arrivals_next(&r->sched);
		r->pend = 1;
	}
	while ((left = r->pend_due - (now = job_now_ns())) > 0) {
		if (run_stopping(r))
			return drop_pending(r);
		if (!wait) {
			r->wait_us = left > PACE_NAP_NS ? PACE_NAP_NS / 1000 : (left + 999) / 1000;
			return RUN_KEY_WAIT;
		}
		left = left > PACE_NAP_NS ? PACE_NAP_NS : left;
		nap.tv_sec = left / 1000000000, nap.tv_nsec = left % 1000000000;
		nanosleep(&nap, NULL);
	}
	if (run_stopping(r))
		return drop_pending(r);
	if (-left > r->t.behind_ns)
		r->t.behind_ns = -left;
	/* due and not handed out: this key, and those of the schedule due by now */
	backlog = left < 0 ? 1 + arrivals_due_by(&r->sched, now - r->t0_ns, r->max_backlog) : 1;
	if (backlog > r->t.backlog_max)
		r->t.backlog_max = backlog;
	if (backlog > r->max_backlog) {
		r->t.unsustained = 1;
		r->t.gave_up_ns = now - r->t0_ns;
		return drop_pending(r);
	}
	memcpy(key, r->pend_key, sizeof(r->pend_key));
	r->due_ns = r->pend_due;
	r->pend = 0;
	return 1;
}

/* Ends the stream without the pending key, which is then not counted: 0. */
static int
drop_pending(struct run *r)
{
	r->pend = 0;
	r->t.listed--;
	r->t.stopped |= run_stopping(r);
	r->ended = 1;
	return 0;
}

/*
 * While the breaker is open: waits (wait), or RUN_KEY_WAIT. Closed: a held key (1), else
 * GATE_PASS. Down: every key left failed, then 0 or -1. Stopped: the held keys failed, then
 * GATE_PASS (the stream says stop).
 */
static int
gate(struct run *r, char *key, int wait)
{
	struct breaker_stats bs;
	enum breaker_state st;
	char reason[128];
	long ms;

	while ((st = breaker_step(r->breaker, &ms)) == BREAKER_OPEN && !run_stopping(r)) {
		if (!wait) {
			r->wait_us = ms * 1000;
			return RUN_KEY_WAIT;
		}
		retry_sleep_ms(ms);
	}
	if (run_stopping(r)) {
		(void)fail_rest(r, "not run again: the run was stopped while the endpoint was "
		    "down", 0);
		return GATE_PASS;
	}
	if (st == BREAKER_CLOSED) {
		if (!pop_held(r, key))
			return GATE_PASS;
		r->retried++;	/* callers serialise: no lock */
		return 1;
	}
	breaker_stats(r->breaker, &bs);
	snprintf(reason, sizeof(reason), "endpoint down (no answer to the circuit breaker's "
	    "probes for %.1f s)", bs.window_s);
	return fail_rest(r, reason, 1);
}

/*
 * Fails the held keys with reason, then stops holding; with stream, every key the stream
 * has left too, each counted as listed. Returns the stream's last answer (0 or -1), or 0.
 */
static int
fail_rest(struct run *r, const char *reason, int stream)
{
	char key[JOB_KEY_MAX + 1];
	int got = 0;

	pthread_mutex_lock(&r->lock);
	r->held_shut = 1;
	pthread_mutex_unlock(&r->lock);
	while (pop_held(r, key))
		fail_key(r, key, reason, stream);
	if (stream && r->pend) {	/* taken from the stream, not yet due */
		r->pend = 0;
		fail_key(r, r->pend_key, reason, 1);
	}
	while (stream && (got = stream_key(r, key, 1)) == 1)
		fail_key(r, key, reason, 1);
	return got;
}

/* Records key failed with reason; down: one of the keys the breaker gave up on. */
static void
fail_key(struct run *r, const char *key, const char *reason, int down)
{
	struct job_record rec;

	memset(&rec, 0, sizeof(rec));
	snprintf(rec.key, sizeof(rec.key), "%s", key);
	snprintf(rec.error, sizeof(rec.error), "%s", reason);
	rec.outcome = JOB_FAILED;
	if (down)
		atomic_fetch_add(&r->down_keys, 1);
	records_put(r->records, &rec);
}

/* Keeps rec's key for another try when the breaker says the outage failed it: 1, else 0. */
static int
hold(struct run *r, const struct job_record *rec)
{
	int kept = 0;

	if (!breaker_hold(r->breaker, rec->curl_code, rec->status,
	    rec->stage[JOB_GET].start_ns))
		return 0;
	pthread_mutex_lock(&r->lock);
	if (r->held == NULL && !r->held_shut)
		r->held = calloc(r->held_cap, sizeof(*r->held));
	if (r->held != NULL && !r->held_shut && r->nheld < r->held_cap) {
		memcpy(r->held[r->nheld++], rec->key, sizeof(rec->key));
		kept = 1;
	}
	pthread_mutex_unlock(&r->lock);
	return kept;
}

/* A held key into key: 1, or 0 when none is held. */
static int
pop_held(struct run *r, char *key)
{
	int got = 0;

	pthread_mutex_lock(&r->lock);
	if (r->nheld > 0) {
		memcpy(key, r->held[--r->nheld], JOB_KEY_MAX + 1);
		got = 1;
	}
	pthread_mutex_unlock(&r->lock);
	return got;
}

/* The key stream: the latch, the limit, the share, the count. */
static int
stream_key(struct run *r, char *key, int wait)
{
	int got;

	if (r->ended)
		return 0;
	do {
		if (run_stopping(r)) {
			r->t.stopped = 1;
			got = 0;
		} else if (r->limit > 0 && r->t.listed >= r->limit) {
			got = 0;
		} else if (r->keys != NULL) {
			got = read_key(r, key);
		} else if ((got = lister_next(r->lister, key, wait)) < 0 &&
		    r->p->src_dir[0] != '\0') {
			run_fail(r, "listing %s: %s", r->p->src_dir, lister_error(r->lister));
		} else if (got < 0) {
			run_fail(r, "listing s3://%s/%s: %s", r->p->src_bucket, r->p->src_prefix,
			    lister_error(r->lister));
		}
	} while (got == 1 && !shard_has(&r->shard, key));
	if (got == 1)
		r->t.listed++;
	else if (got != RUN_KEY_WAIT)
		r->ended = 1;
	return got;
}

void
run_record(struct run *r, const struct job_record *rec)
{
	if (r->breaker != NULL && rec->outcome != JOB_OK && hold(r, rec))
		return;
	records_put(r->records, rec);
}

/* The delivering thread: the counts, then the caller's callback. */
static void
counted(const struct job_record *rec, void *arg)
{
	struct run *r = arg;

	if (rec->outcome == JOB_OK)
		r->t.ok++;
	else
		r->t.failed++;
	r->t.bytes_in += (uint64_t)rec->bytes_in;
	r->t.bytes_out += (uint64_t)rec->bytes_out;
	if (r->on_record != NULL)
		r->on_record(rec, r->arg);
}

void
run_fail(struct run *r, const char *fmt, ...)
{
	va_list ap;

	pthread_mutex_lock(&r->lock);
	if (r->error[0] == '\0') {
		va_start(ap, fmt);
		vsnprintf(r->error, sizeof(r->error), fmt, ap);
		va_end(ap);
	}
	pthread_mutex_unlock(&r->lock);
}

const char *
run_error(const struct run *r)
{
	return r->error;
}

void
run_totals(struct run *r, struct run_totals *t)
{
	records_flush(r->records);
	*t = r->t;
	lister_stats(r->lister, &t->list_pages, &t->list_ns);
	breaker_stats(r->breaker, &t->breaker);
	t->breaker_retried = r->retried;
	t->breaker_failed = atomic_load(&r->down_keys);
}

int
run_set_shard(struct run *r, unsigned index, unsigned count)
{
	struct lister *l;

	if (count <= 1)
		return 0;
	if (r->limit > 0) {	/* the listing's own cap would count other shares' keys */
		l = r->p->src_dir[0] != '\0' ? lister_new_local(r->p->src_dir, 0, r->stop) :
		    lister_new(&r->p->s3, r->p->src_bucket, r->p->src_prefix, 0, r->stop);
		if (l == NULL)
			return -1;
		lister_free(r->lister);
		r->lister = l;
	}
	r->shard.index = index, r->shard.count = count;
	return 0;
}

void
run_set_keys(struct run *r, FILE *f, const char *name)
{
	r->keys = f;
	r->keys_name = name;
}

/* The next non-empty line of the keys file: 1, 0 at its end, -1 (run error) if unreadable. */
static int
read_key(struct run *r, char *key)
{
	char line[JOB_KEY_MAX + 3];
	size_t n;

	for (;;) {
		if (fgets(line, sizeof(line), r->keys) == NULL) {
			if (!ferror(r->keys))
				return 0;
			run_fail(r, "%s: read error", r->keys_name);
			return -1;
		}
		r->keys_line++;
		n = strcspn(line, "\r\n");
		if (n > JOB_KEY_MAX || (line[n] == '\0' && !feof(r->keys))) {
			run_fail(r, "%s:%lu: key longer than %d bytes", r->keys_name, r->keys_line,
			    JOB_KEY_MAX);
			return -1;
		}
		line[n] = '\0';
		if (n > 0)
			break;
	}
	if (keyesc_decode(line) < 0) {
		run_fail(r, "%s:%lu: a backslash that is not \\\\, \\t, \\n or \\r (keys are "
		    "escaped as dataset ls writes them)", r->keys_name, r->keys_line);
		return -1;
	}
	memcpy(key, line, strlen(line) + 1);
	return 1;
}
