/*
 * recover.c: a killed client's missing keys, from its share's listing less its trace's keys,
 * both escaped one per line (models/core/keyesc.h), sorted and compared by sort(1) and
 * comm(1). See recover.h.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "recover.h"
#include "models/core/keyesc.h"
#include "models/lister.h"
#include "harness/results/csv.h"
#include "harness/results/trace.h"

static int cut_partial_row(const char *path);
static int done_keys(const char *trace, const char *out, char *err, size_t errlen);
static int share_keys(const struct pipeline *p, const char *keys_path, uint64_t limit,
    const struct shard *share, const char *out, char *err, size_t errlen);
static int put_key(FILE *f, const char *key);
static int tool(char *const *argv, const char *out);
static int append_failed(const char *trace, const char *missing, const char *why,
    uint64_t *added, char *err, size_t errlen);

int
recover_keys(const struct pipeline *p, const char *keys_path, uint64_t limit,
    const struct shard *share, const char *trace, const char *why, uint64_t *added,
    char *err, size_t errlen)
{
	char tmp[] = "/tmp/exifbench-recover-XXXXXX", done[64], all[64], missing[64];
	int rv = -1;

	*added = 0;
	if (mkdtemp(tmp) == NULL) {
		snprintf(err, errlen, "a temporary folder: %s", strerror(errno));
		return -1;
	}
	snprintf(done, sizeof(done), "%s/done", tmp);
	snprintf(all, sizeof(all), "%s/all", tmp);
	snprintf(missing, sizeof(missing), "%s/missing", tmp);
	if (cut_partial_row(trace) < 0)
		snprintf(err, errlen, "%s: %s", trace, strerror(errno));
	else if (done_keys(trace, done, err, errlen) == 0 &&
	    share_keys(p, keys_path, limit, share, all, err, errlen) == 0) {
		char *sort_done[] = { "sort", "-u", done, NULL }, *sort_all[] = { "sort", "-u", all,
		    NULL }, *comm[] = { "comm", "-23", all, done, NULL };

		if (tool(sort_done, missing) < 0 || rename(missing, done) < 0 ||
		    tool(sort_all, missing) < 0 || rename(missing, all) < 0 ||
		    tool(comm, missing) < 0)
			snprintf(err, errlen, "sorting the keys (sort, comm) failed");
		else
			rv = append_failed(trace, missing, why, added, err, errlen);
	}
	unlink(done), unlink(all), unlink(missing);
	rmdir(tmp);
	return rv;
}

/* A killed writer leaves a row half-written: the file is cut after its last newline. */
static int
cut_partial_row(const char *path)
{
	char buf[4096];
	off_t end, at;
	ssize_t n, i;
	int fd = open(path, O_RDWR);

	if (fd < 0)
		return -1;
	end = lseek(fd, 0, SEEK_END);
	for (at = end; at > 0; at -= n) {
		n = at < (off_t)sizeof(buf) ? (ssize_t)at : (ssize_t)sizeof(buf);
		if (pread(fd, buf, (size_t)n, at - n) != n)
			break;
		for (i = n - 1; i >= 0 && buf[i] != '\n'; i--)
			;
		if (i >= 0) {
			at = at - n + i + 1;
			break;
		}
	}
	if (at < 0)
		at = 0;
	n = at < end ? ftruncate(fd, at) : 0;
	close(fd);
	return n < 0 ? -1 : 0;
}

/* The trace's keys, escaped, one per line, into out. */
static int
done_keys(const char *trace, const char *out, char *err, size_t errlen)
{
	FILE *in = fopen(trace, "r"), *o = fopen(out, "w");
	char *line = NULL, *cell[64];
	size_t cap = 0, lineno = 0, n;
	int rv = 0;

	if (in == NULL || o == NULL) {
		snprintf(err, errlen, "%s: %s", in == NULL ? trace : out, strerror(errno));
		rv = -1;
	}
	while (rv == 0 && csv_record(in, &line, &cap, &lineno) == 0) {
		n = csv_split(line, cell, 64);
		if (lineno == 1 || n == 0)
			continue;	/* the header */
		if (put_key(o, cell[0]) < 0)
			rv = -1;
	}
	free(line);
	if (in != NULL)
		fclose(in);
	if (o != NULL && fclose(o) != 0 && rv == 0) {
		snprintf(err, errlen, "%s: write error", out);
		rv = -1;
	}
	return rv;
}

/* The keys of the client's share, as it took them (listing or --keys, --limit), into out. */
static int
share_keys(const struct pipeline *p, const char *keys_path, uint64_t limit,
    const struct shard *share, const char *out, char *err, size_t errlen)
{
	char key[JOB_KEY_MAX + 3];
	struct lister *l = NULL;
	FILE *keys = NULL, *o = fopen(out, "w");
	uint64_t taken = 0;
	int got, rv = 0;

	if (o == NULL) {
		snprintf(err, errlen, "%s: %s", out, strerror(errno));
		return -1;
	}
	if (keys_path != NULL)
		keys = fopen(keys_path, "r");
	else
		l = p->src_dir[0] != '\0' ? lister_new_local(p->src_dir, 0, NULL) :
		    lister_new(&p->s3, p->src_bucket, p->src_prefix, 0, NULL);
	if (keys == NULL && l == NULL) {
		snprintf(err, errlen, "cannot read the keys again (%s)", keys_path != NULL ?
		    keys_path : "out of memory");
		fclose(o);
		return -1;
	}
	while (limit == 0 || taken < limit) {
		if (keys != NULL) {
			if (fgets(key, sizeof(key), keys) == NULL)
				break;
			key[strcspn(key, "\r\n")] = '\0';
			if (key[0] == '\0' || keyesc_decode(key) < 0)
				continue;	/* the client refused such a line as well */
		} else if ((got = lister_next(l, key, 1)) != 1) {
			if (got < 0) {
				snprintf(err, errlen, "listing again: %s", lister_error(l));
				rv = -1;
			}
			break;
		}
		if (shard_has(share, key)) {
			taken++;
			if (put_key(o, key) < 0)
				rv = -1;
		}
	}
	if (keys != NULL)
		fclose(keys);
	lister_free(l);
	if (fclose(o) != 0 && rv == 0) {
		snprintf(err, errlen, "%s: write error", out);
		rv = -1;
	}
	return rv;
}

static int
put_key(FILE *f, const char *key)
{
	char esc[KEYESC_SIZE(JOB_KEY_MAX)];
	size_t n = strlen(key);

	if (n > JOB_KEY_MAX)
		return 0;	/* such a key failed in the client, and is in its trace */
	keyesc_encode(key, esc);
	return fprintf(f, "%s\n", esc) < 0 ? -1 : 0;
}

/* Runs argv[0] (from PATH) with stdout to out, in the C locale: 0, or -1. */
static int
tool(char *const *argv, const char *out)
{
	int status, fd;
	pid_t pid = fork();

	if (pid < 0)
		return -1;
	if (pid == 0) {
		if ((fd = open(out, O_WRONLY | O_CREAT | O_TRUNC, 0600)) < 0 ||
		    dup2(fd, STDOUT_FILENO) < 0)
			_exit(127);
		setenv("LC_ALL", "C", 1);
		execvp(argv[0], argv);
		_exit(127);
	}
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return -1;
	return WIFEXITED(status) && WEXITSTATUS(status) == 0 ? 0 : -1;
}

/* One failed row per key of missing, at the trace's end. */
static int
append_failed(const char *trace, const char *missing, const char *why, uint64_t *added,
    char *err, size_t errlen)
{
	FILE *in = fopen(missing, "r"), *out = fopen(trace, "a");
	struct job_record rec;
	char line[KEYESC_SIZE(JOB_KEY_MAX) + 2];
	int rv = 0;

	if (in == NULL || out == NULL) {
		snprintf(err, errlen, "%s: %s", in == NULL ? missing : trace, strerror(errno));
		rv = -1;
	}
	while (rv == 0 && fgets(line, sizeof(line), in) != NULL) {
		line[strcspn(line, "\n")] = '\0';
		if (keyesc_decode(line) < 0 || strlen(line) > JOB_KEY_MAX)
			continue;
		memset(&rec, 0, sizeof(rec));
		snprintf(rec.key, sizeof(rec.key), "%s", line);
		snprintf(rec.error, sizeof(rec.error), "%s", why);
		rec.outcome = JOB_FAILED;
		rec.get_t = rec.put_t = (struct s3_timing){ -1, -1, -1 };
		if (trace_row(out, &rec, 0) < 0)
			rv = -1;
		else
			(*added)++;
	}
	if (in != NULL)
		fclose(in);
	if (out != NULL && fclose(out) != 0 && rv == 0)
		rv = -1;
	if (rv < 0 && err[0] == '\0')
		snprintf(err, errlen, "%s: write error", trace);
	return rv;
}
