/*
 * location.c: --src and --dst as an S3 folder or a local one, and the real-path comparison
 * that keeps a run's outputs out of its inputs. See location.h.
 */
#include "location.h"

#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "s3url.h"

static int set_dir(struct location *loc, const char *arg, const char *path, char *err,
    size_t errlen);
static int resolve(const char *path, char *out, size_t outlen);

int
location_parse(const char *arg, struct location *loc, char *err, size_t errlen)
{
	if (arg == NULL || loc == NULL || err == NULL)
		return -1;
	memset(loc, 0, sizeof(*loc));
	if (strncmp(arg, "s3://", 5) == 0)
		return s3url_parse_uri(arg, loc->bucket, sizeof(loc->bucket), loc->prefix,
		    sizeof(loc->prefix), err, errlen);
	if (strncmp(arg, "file://", 7) == 0) {
		if (arg[7] != '/') {
			snprintf(err, errlen, "'%s': a file:// address takes an absolute path "
			    "(file:///PATH)", arg);
			return -1;
		}
		return set_dir(loc, arg, arg + 7, err, errlen);
	}
	if (strstr(arg, "://") != NULL || *arg == '\0') {
		snprintf(err, errlen, "'%s' is not s3://BUCKET[/PREFIX], a folder or "
		    "file:///PATH", arg);
		return -1;
	}
	return set_dir(loc, arg, arg, err, errlen);
}

/* loc->dir = path, made absolute, trailing slashes dropped. */
static int
set_dir(struct location *loc, const char *arg, const char *path, char *err, size_t errlen)
{
	char cwd[LOCATION_DIR_MAX];
	size_t n;
	int len;

	while (path[0] == '.' && path[1] == '/')
		for (path += 2; *path == '/'; path++)
			;
	if (strcmp(path, ".") == 0 || *path == '\0')
		path = "";
	if (path[0] == '/')
		len = snprintf(loc->dir, sizeof(loc->dir), "%s", path);
	else if (getcwd(cwd, sizeof(cwd)) == NULL)
		len = -1;
	else
		len = snprintf(loc->dir, sizeof(loc->dir), "%s%s%s", strcmp(cwd, "/") ? cwd : "",
		    *path || !strcmp(cwd, "/") ? "/" : "", path);
	if (len < 0 || (size_t)len >= sizeof(loc->dir)) {
		snprintf(err, errlen, "'%s': path too long", arg);
		return -1;
	}
	n = strlen(loc->dir);
	while (n > 1 && loc->dir[n - 1] == '/')
		loc->dir[--n] = '\0';
	loc->local = 1;
	return 0;
}

int
location_readable(const char *dir, char *err, size_t errlen)
{
	struct stat sb;
	DIR *d;

	if (stat(dir, &sb) < 0) {
		snprintf(err, errlen, "%s: %s", dir, strerror(errno));
		return -1;
	}
	if (!S_ISDIR(sb.st_mode)) {
		snprintf(err, errlen, "%s: not a folder", dir);
		return -1;
	}
	if ((d = opendir(dir)) == NULL) {
		snprintf(err, errlen, "%s: %s", dir, strerror(errno));
		return -1;
	}
	errno = 0;
	if (readdir(d) == NULL && errno != 0) {
		snprintf(err, errlen, "%s: %s", dir, strerror(errno));
		closedir(d);
		return -1;
	}
	closedir(d);
	return 0;
}

int
location_inside(const char *dir, const char *in_dir, char *err, size_t errlen)
{
	char a[LOCATION_DIR_MAX], b[LOCATION_DIR_MAX];
	size_t n;

	if (realpath(in_dir, b) == NULL) {
		snprintf(err, errlen, "%s: %s", in_dir, strerror(errno));
		return -1;
	}
	if (resolve(dir, a, sizeof(a)) < 0) {
		snprintf(err, errlen, "%s: cannot resolve: %s", dir, strerror(errno));
		return -1;
	}
	n = strlen(b);
	if (strcmp(b, "/") == 0)
		return 1;
	return strncmp(a, b, n) == 0 && (a[n] == '\0' || a[n] == '/');
}

/*
 * The real path of path, which need not exist: the longest existing ancestor resolved, the
 * components after it appended as they are. 0, or -1 (errno).
 */
static int
resolve(const char *path, char *out, size_t outlen)
{
	char head[LOCATION_DIR_MAX], real[LOCATION_DIR_MAX];
	size_t t = strlen(path);
	char *slash;
	int n;

	if (t >= sizeof(head)) {
		errno = ENAMETOOLONG;
		return -1;
	}
	memcpy(head, path, t + 1);
	while (realpath(head, real) == NULL) {
		if (errno != ENOENT || (slash = strrchr(head, '/')) == NULL)
			return -1;
		if (slash == head) {	/* nothing under / exists: "/" and all of path */
			snprintf(real, sizeof(real), "/");
			t = 0;
			break;
		}
		*slash = '\0';
		t = (size_t)(slash - head);
	}
	n = snprintf(out, outlen, "%s%s", strcmp(real, "/") ? real : "", path + t);
	if (n < 0 || (size_t)n >= outlen) {
		errno = ENAMETOOLONG;
		return -1;
	}
	if (out[0] == '\0')
		snprintf(out, outlen, "/");
	return 0;
}
