/*
 * lister.c: the listing thread and its one-page-ahead hand-over. See lister.h.
 *
 * The consumer owns `cur`, the page it takes keys from, and touches the lock only when that
 * page is used up: then it takes `ahead`, the page the thread fetched meanwhile, and wakes
 * the thread to fetch the next. The thread waits for `ahead` to be free before it fetches,
 * so cur + ahead is the whole memory: two pages. A blocking consumer waits on the condition
 * variable; a non-blocking one (the event loop) sets `want`, and the thread then writes the
 * eventfd once when the page (or the end) is there. The wait, either way, is the consumer's
 * listing time: the time the model actually had no key.
 */
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include "models/core/job.h"
#include "models/core/walk.h"
#include "lister.h"

struct page {
	char **key;		/* [next, n) still to hand out */
	size_t n, next;
};

struct lister {
	struct s3 *s3;		/* or walk, for a local folder */
	struct walk *walk;
	char bucket[JOB_BUCKET_MAX + 1];
	char folder[JOB_KEY_MAX + 2];
	uint64_t limit;
	atomic_int *stop;
	pthread_t tid;
	int started;
	int inline_;		/* lister_inline: no thread, pages fetched in take */
	int efd;

	struct page cur;	/* the consumer's: no lock */
	int64_t wait_since;	/* the consumer's: 0, or when it first found no key */
	int64_t wait_ns;

	pthread_mutex_t lock;	/* everything below */
	pthread_cond_t cond;	/* ahead filled or emptied, the end, quit */
	struct page ahead;
	int full;		/* ahead holds a page */
	int done;		/* no page will follow ahead */
	int failed;
	int quit;
	int want;		/* a non-blocking consumer waits for the eventfd */
	unsigned pages;
	char error[512];

	/* the thread's */
	char token[4096];	/* "": no page after this one */
	uint64_t received;
};

static void *lister_main(void *arg);
static int fetch(struct lister *l, struct page *pg);
static int page_key(const char *key, uint64_t size, void *arg);
static int take(struct lister *l, int wait);
static void fill(struct lister *l);
static void waited(struct lister *l);
static void drop(struct page *pg);
static struct lister *alloc(void);
static int walk_page(struct lister *l, struct page *pg, struct s3_result *res);

/* A lister with its lock, eventfd and page arrays; its source is the caller's to set. */
static struct lister *
alloc(void)
{
	struct lister *l = calloc(1, sizeof(*l));

	if (l == NULL)
		return NULL;
	pthread_mutex_init(&l->lock, NULL);
	pthread_cond_init(&l->cond, NULL);
	l->efd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	l->cur.key = calloc(LISTER_PAGE_KEYS, sizeof(char *));
	l->ahead.key = calloc(LISTER_PAGE_KEYS, sizeof(char *));
	if (l->efd < 0 || l->cur.key == NULL || l->ahead.key == NULL) {
		lister_free(l);
		return NULL;
	}
	return l;
}

struct lister *
lister_new(const struct s3_config *cfg, const char *bucket, const char *prefix,
    uint64_t limit, atomic_int *stop)
{
	struct lister *l = alloc();

	if (l == NULL)
		return NULL;
	if ((l->s3 = s3_new(cfg)) == NULL) {
		lister_free(l);
		return NULL;
	}
	snprintf(l->bucket, sizeof(l->bucket), "%s", bucket);
	/* "a/b/", not "a/b", which would also list "a/bc" */
	s3url_join(l->folder, sizeof(l->folder), prefix, "");
	l->limit = limit;
	l->stop = stop;
	return l;
}

struct lister *
lister_new_local(const char *dir, uint64_t limit, atomic_int *stop)
{
	struct lister *l = alloc();

	if (l == NULL)
		return NULL;
	if ((l->walk = walk_new(dir)) == NULL) {
		lister_free(l);
		return NULL;
	}
	l->limit = limit;
	l->stop = stop;
	return l;
}

void
lister_free(struct lister *l)
{
	if (l == NULL)
		return;
	if (l->started) {
		pthread_mutex_lock(&l->lock);
		l->quit = 1;
		pthread_cond_broadcast(&l->cond);
		pthread_mutex_unlock(&l->lock);
		pthread_join(l->tid, NULL);
	}
	pthread_mutex_destroy(&l->lock);
	pthread_cond_destroy(&l->cond);
	drop(&l->cur);
	drop(&l->ahead);
	free(l->cur.key);
	free(l->ahead.key);
	s3_free(l->s3);
	walk_free(l->walk);
	if (l->efd >= 0)
		close(l->efd);
	free(l);
}

void
lister_inline(struct lister *l)
{
	if (!l->started)
		l->inline_ = 1;
}

int
lister_fd(const struct lister *l)
{
	return l->efd;
}

const char *
lister_error(struct lister *l)
{
	return l->error;
}

void
lister_stats(struct lister *l, unsigned *pages, int64_t *wait_ns)
{
	pthread_mutex_lock(&l->lock);
	*pages = l->pages;
	pthread_mutex_unlock(&l->lock);
	*wait_ns = l->wait_ns;
}

int
lister_next(struct lister *l, char *key, int wait)
{
	sigset_t all, old;
	int got;

	if (!l->started && !l->inline_) {
		/* signals stay with the model's threads, as before the listing had one */
		sigfillset(&all);
		pthread_sigmask(SIG_BLOCK, &all, &old);
		l->started = pthread_create(&l->tid, NULL, lister_main, l) == 0;
		pthread_sigmask(SIG_SETMASK, &old, NULL);
		if (!l->started) {
			snprintf(l->error, sizeof(l->error), "cannot start the listing thread");
			return -1;
		}
	}
	if (l->cur.next == l->cur.n && (got = take(l, wait)) != 1) {
		if (got != LISTER_WAIT)
			waited(l);
		return got;
	}
	waited(l);
	snprintf(key, JOB_KEY_MAX + 1, "%s", l->cur.key[l->cur.next]);
	free(l->cur.key[l->cur.next]);
	l->cur.key[l->cur.next++] = NULL;
	return 1;
}

/* cur is used up: takes ahead in its place. 1, 0 (the end), -1 (failed) or LISTER_WAIT. */
static int
take(struct lister *l, int wait)
{
	struct page used;
	int got;

	pthread_mutex_lock(&l->lock);
	for (;;) {
		if (l->full) {
			used = l->cur;	/* its keys are all handed out: the next page's array */
			l->cur = l->ahead;
			l->ahead = used;
			l->ahead.n = l->ahead.next = 0;
			l->full = 0;
			pthread_cond_broadcast(&l->cond);
			if (l->cur.n > 0) {
				got = 1;
				break;
			}
		}
		if (l->done) {
			got = l->failed ? -1 : 0;
			break;
		}
		if (l->wait_since == 0)
			l->wait_since = job_now_ns();
		if (l->inline_) {
			fill(l);	/* the consumer's own LIST: waited for, as a thread's */
			continue;
		}
		if (!wait) {
			l->want = 1;
			got = LISTER_WAIT;
			break;
		}
		pthread_cond_wait(&l->cond, &l->lock);
	}
	pthread_mutex_unlock(&l->lock);
	return got;
}

/* The consumer has an answer: the time it had none is listing time. */
static void
waited(struct lister *l)
{
	if (l->wait_since != 0) {
		l->wait_ns += job_now_ns() - l->wait_since;
		l->wait_since = 0;
	}
}

static void *
lister_main(void *arg)
{
	struct lister *l = arg;

	pthread_setname_np(pthread_self(), "eb-lister");	/* the toolkit's, not the model's */
	pthread_mutex_lock(&l->lock);
	while (!l->quit && !l->done) {
		if (l->full)
			pthread_cond_wait(&l->cond, &l->lock);
		else
			fill(l);
	}
	pthread_mutex_unlock(&l->lock);
	return NULL;
}

/* Fetches the page after cur into ahead (the lock held, and let go during the LIST). */
static void
fill(struct lister *l)
{
	struct page pg = l->ahead;	/* free: filled outside the lock */
	int rv;

	pthread_mutex_unlock(&l->lock);
	if ((l->stop != NULL && atomic_load(l->stop)) ||
	    (l->limit > 0 && l->received >= l->limit))
		rv = 1;		/* the run needs no more keys: the end */
	else
		rv = fetch(l, &pg);
	pthread_mutex_lock(&l->lock);
	l->ahead = pg;
	l->pages += rv != 1;
	l->failed = rv < 0;
	l->done = rv != 0 || l->token[0] == '\0';
	l->full = 1;
	pthread_cond_broadcast(&l->cond);
	if (l->want) {
		l->want = 0;
		(void)eventfd_write(l->efd, 1);
	}
}

/* One LIST into pg: 0, or -1 with the error set (under the lock, taken here). */
static int
fetch(struct lister *l, struct page *pg)
{
	struct s3_result res;
	int rv;

	if (l->walk != NULL)
		rv = walk_page(l, pg, &res);
	else
		rv = s3_list_page(l->s3, l->bucket, l->folder, LISTER_PAGE_KEYS, l->token,
		    sizeof(l->token), page_key, pg, &res);
	l->received += pg->n;
	if (rv == 0)
		return 0;
	drop(pg);
	pthread_mutex_lock(&l->lock);
	snprintf(l->error, sizeof(l->error), "%s", rv < 0 ? res.error :
	    "out of memory, or a page of more keys than the 1,000 asked for");
	pthread_mutex_unlock(&l->lock);
	return -1;
}

/*
 * Up to a page of the walk's paths into pg, as s3_list_page would give them: 0 (token "" once
 * the walk is over), or -1 with res->error set.
 */
static int
walk_page(struct lister *l, struct page *pg, struct s3_result *res)
{
	char rel[JOB_KEY_MAX + 1];
	int got = 1;

	while (pg->n < LISTER_PAGE_KEYS &&
	    (got = walk_next(l->walk, rel, sizeof(rel), res->error, sizeof(res->error))) == 1)
		if (page_key(rel, 0, pg) != 0)
			return 1;
	if (got < 0)
		return -1;
	snprintf(l->token, sizeof(l->token), "%s", got == 0 ? "" : "more");
	return 0;
}

/* A page holds at most LISTER_PAGE_KEYS, the size asked of the server: more is an error. */
static int
page_key(const char *key, uint64_t size, void *arg)
{
	struct page *pg = arg;

	(void)size;
	if (pg->n == LISTER_PAGE_KEYS || (pg->key[pg->n] = strdup(key)) == NULL)
		return 1;
	pg->n++;
	return 0;
}

static void
drop(struct page *pg)
{
	size_t i;

	for (i = pg->next; i < pg->n; i++)
		free(pg->key[i]);
	pg->n = pg->next = 0;
}
