/*
 * home.c: the one lookup of exifbench's shipped files (see home.h): the environment, then the
 * checkout around the binary, then the installed folder. A folder counts only when it holds
 * both the local S3 script and the plots' shared style, so a stray harness/ or plots/ folder
 * elsewhere is not taken for it.
 */
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "home.h"

static int holds_files(const char *dir);
static int in_checkout(const char *exe, char *dir, size_t len);
static int is_file(const char *path);

int
home_find(char *dir, size_t len, char *err, size_t errlen)
{
	char exe[PATH_MAX] = "";
	const char *env = getenv("EXIFBENCH_HOME");
	ssize_t n;

	if (env != NULL && env[0] != '\0') {
		if (holds_files(env))
			return snprintf(dir, len, "%s", env) < (int)len ? 0 : -1;
		snprintf(err, errlen, "EXIFBENCH_HOME is '%s', which holds no harness/s3-local and "
		    "plots/style.gp (it should name an exifbench checkout or "
		    "PREFIX/share/exifbench)", env);
		return -1;
	}
	if ((n = readlink("/proc/self/exe", exe, sizeof(exe) - 1)) > 0) {
		exe[n] = '\0';
		if (in_checkout(exe, dir, len))
			return 0;
	}
	if (holds_files(EXIFBENCH_SHAREDIR))
		return snprintf(dir, len, "%s", EXIFBENCH_SHAREDIR) < (int)len ? 0 : -1;
	snprintf(err, errlen, "exifbench's files (harness/s3-local, plots/, bench/) not found: "
	    "EXIFBENCH_HOME is unset, %s is not in a checkout, and %s does not hold them "
	    "(run `make install`, or set EXIFBENCH_HOME)", exe[0] ? exe : "the binary",
	    EXIFBENCH_SHAREDIR);
	return -1;
}

int
home_scenario(const char *home, const char *name, char *path, size_t len, char *err,
    size_t errlen)
{
	static const char *const ext[] = { "", ".conf" };
	size_t i;

	if (strchr(name, '/') != NULL || is_file(name) || home == NULL || home[0] == '\0')
		return snprintf(path, len, "%s", name) < (int)len ? 0 : -1;
	for (i = 0; i < sizeof(ext) / sizeof(ext[0]); i++) {
		if (snprintf(path, len, "%s/bench/%s%s", home, name, ext[i]) < (int)len &&
		    is_file(path))
			return 0;
	}
	snprintf(err, errlen, "scenario '%s' not found: no such file here, nor %s/bench/%s%s",
	    name, home, name, strstr(name, ".conf") != NULL ? "" : ".conf");
	return -1;
}

static int
holds_files(const char *dir)
{
	char path[PATH_MAX];

	snprintf(path, sizeof(path), "%s/harness/s3-local", dir);
	if (access(path, X_OK) != 0)
		return 0;
	snprintf(path, sizeof(path), "%s/plots/style.gp", dir);
	return is_file(path);
}

/* The checkout exe was built in (its folder or one of two parents): 1 with it in dir. */
static int
in_checkout(const char *exe, char *dir, size_t len)
{
	char buf[PATH_MAX], mk[PATH_MAX + 16], *d;
	int i;

	snprintf(buf, sizeof(buf), "%s", exe);
	for (d = dirname(buf), i = 0; i < 3 && strcmp(d, "/") != 0; i++, d = dirname(d)) {
		snprintf(mk, sizeof(mk), "%s/Makefile", d);
		if (is_file(mk) && holds_files(d))
			return snprintf(dir, len, "%s", d) < (int)len;
	}
	return 0;
}

static int
is_file(const char *path)
{
	struct stat sb;

	return stat(path, &sb) == 0 && S_ISREG(sb.st_mode);
}
