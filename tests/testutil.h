/*
 * testutil.h: helpers the cmocka tests share; include it after <cmocka.h>. Data files are
 * found relative to this header (tests/data/), so a test runs from any working directory;
 * scratch folders live under /tmp and are removed whole. Everything is static inline, so a
 * test that uses only some of it builds without unused-function warnings.
 */
#ifndef EXIFBENCH_TESTUTIL_H
#define EXIFBENCH_TESTUTIL_H

#include <dirent.h>
#include <ftw.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>

/* Kills (SIGKILL) and reaps a test's child when pid > 0; a teardown's last word on it. */
static inline void
testutil_reap(pid_t pid)
{
	if (pid > 0) {
		kill(pid, SIGKILL);
		waitpid(pid, NULL, 0);
	}
}

/*
 * The shared EXIF corpus: $EXIFBENCH_CORPUS (the Makefile exports it), else
 * ../shared/exif-corpus, else /work/shared/exif-corpus; NULL when none is a folder.
 */
static inline const char *
testutil_corpus_dir(void)
{
	static const char *const cands[] = { "../shared/exif-corpus", "/work/shared/exif-corpus" };
	const char *env = getenv("EXIFBENCH_CORPUS");
	struct stat sb;
	size_t i;

	if (env != NULL && *env)
		return env;
	for (i = 0; i < sizeof(cands) / sizeof(cands[0]); i++)
		if (stat(cands[i], &sb) == 0 && S_ISDIR(sb.st_mode))
			return cands[i];
	return NULL;
}

/* The path of tests/data/<name> in out. */
static inline void
testutil_data_path(char *out, size_t outlen, const char *name)
{
	const char *slash = strrchr(__FILE__, '/');

	snprintf(out, outlen, "%.*s%sdata/%s", slash ? (int)(slash - __FILE__ + 1) : 0, __FILE__,
	    slash ? "" : "./", name);
}

/* The whole file, NUL-terminated (free with free()), its length in *lenp; NULL if unreadable. */
static inline void *
testutil_slurp(const char *path, size_t *lenp)
{
	FILE *f = fopen(path, "rb");
	char *buf = NULL;
	long len;

	if (f == NULL) {
		print_error("cannot open %s\n", path);
		return NULL;
	}
	if (fseek(f, 0, SEEK_END) == 0 && (len = ftell(f)) >= 0 && fseek(f, 0, SEEK_SET) == 0 &&
	    (buf = malloc((size_t)len + 1)) != NULL && fread(buf, 1, (size_t)len, f) == (size_t)len) {
		buf[len] = '\0';
		if (lenp != NULL)
			*lenp = (size_t)len;
	} else {
		free(buf);
		buf = NULL;
	}
	fclose(f);
	return buf;
}

/* testutil_slurp of tests/data/<name>. */
static inline void *
testutil_slurp_data(const char *name, size_t *lenp)
{
	char path[4096];

	testutil_data_path(path, sizeof(path), name);
	return testutil_slurp(path, lenp);
}

/* Writes text as dir/name (created or emptied); fails the test when it cannot. */
static inline void
testutil_write(const char *dir, const char *name, const char *text)
{
	char path[4096];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	assert_non_null(f = fopen(path, "w"));
	assert_true(fputs(text, f) >= 0);
	assert_int_equal(fclose(f), 0);
}

/* Makes /tmp/<tag>.XXXXXX into dir (at least 64 bytes). Returns 0 or -1. */
static inline int
testutil_tmpdir(char *dir, size_t dirlen, const char *tag)
{
	snprintf(dir, dirlen, "/tmp/%s.XXXXXX", tag);
	return mkdtemp(dir) != NULL ? 0 : -1;
}

static inline int
testutil_rm_one(const char *p, const struct stat *sb, int flag, struct FTW *ftw)
{
	(void)sb, (void)flag, (void)ftw;
	return remove(p);
}

/* rm -rf dir. Returns 0 or -1. */
static inline int
testutil_rmtree(const char *dir)
{
	return nftw(dir, testutil_rm_one, 8, FTW_DEPTH | FTW_PHYS);
}

/* Fails unless got and want are the same double, bit for bit. */
/* The entries of folder path but . and ..: /proc/self/fd, descriptors; /proc/self/task, threads. */
static inline int
testutil_count_dir(const char *path)
{
	DIR *d = opendir(path);
	struct dirent *e;
	int n = 0;

	assert_non_null(d);
	while ((e = readdir(d)) != NULL)
		n += e->d_name[0] != '.';
	closedir(d);
	return n;
}

static inline void
assert_double_same(double got, double want)
{
	if (memcmp(&got, &want, sizeof(got)) != 0) {
		print_error("double %.17g (bits differ) != %.17g\n", got, want);
		fail();
	}
}

/* Spins until the calling thread has used s seconds of CPU (its own clock, not the wall). */
static inline void
testutil_burn_cpu(double s)
{
	struct timespec ts;
	volatile unsigned long x = 0;
	double now, end = -1;

	for (;;) {
		clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
		now = (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
		if (end < 0)
			end = now + s;
		if (now >= end)
			return;
		for (int i = 0; i < 10000; i++)
			x++;
	}
}

#endif
