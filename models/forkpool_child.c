/*
 * forkpool_child.c: a fork pool child, and the two messages of its pipes. See
 * forkpool_child.h. The child is a blocking pipeline on one curl handle made after the fork;
 * it touches none of the parent's state (the run's listing and recording threads are not in
 * it) and ends with _exit.
 */
#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <string.h>
#include <unistd.h>

#include "forkpool_child.h"

_Static_assert(sizeof(struct job_record) <= PIPE_BUF, "a record must be one atomic write");

void
forkpool_child(const struct pipeline *p, int id, int in, int out)
{
	char key[JOB_KEY_MAX + 1];
	CURL *easy;
	struct job *j;
	struct stage *st;
	ssize_t got;

	signal(SIGINT, SIG_IGN);
	signal(SIGTERM, SIG_IGN);
	easy = curl_easy_init();
	j = job_new(p);
	st = stage_new(&p->stage, &p->transform);	/* loaded here, after the fork */
	if (easy == NULL || j == NULL || st == NULL)
		_exit(2);
	stage_isolate(st);	/* a crash or a timeout in it: an exit status on_death reads */
	job_set_worker(j, id);
	job_set_stage(j, st);
	while ((got = read(in, key, sizeof(key))) == (ssize_t)sizeof(key) ||
	    (got < 0 && errno == EINTR)) {
		if (got < 0)
			continue;
		key[JOB_KEY_MAX] = '\0';
		job_start(j, key);
		job_run_blocking(j, easy, NULL);
		if (write(out, job_record(j), sizeof(struct job_record)) !=
		    (ssize_t)sizeof(struct job_record))
			break;
	}
	stage_free(st);
	job_free(j);
	curl_easy_cleanup(easy);
	_exit(0);
}

void
forkpool_send_key(int fd, const char *key)
{
	char msg[JOB_KEY_MAX + 1];

	memset(msg, 0, sizeof(msg));
	memcpy(msg, key, strlen(key));
	while (write(fd, msg, sizeof(msg)) < 0 && errno == EINTR)
		;
}

int
forkpool_read_record(int fd, struct job_record *rec)
{
	ssize_t got = read(fd, rec, sizeof(*rec));

	if (got < 0 && errno == EINTR)
		return 0;
	return got == (ssize_t)sizeof(*rec) ? 1 : -1;
}
