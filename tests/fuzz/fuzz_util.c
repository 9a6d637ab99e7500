/*
 * fuzz_util.c: the helpers of fuzz.h. The temporary folder is made under TMPDIR (else /tmp)
 * on first use and removed, with the files the targets wrote into it, when the process exits.
 */
#include "fuzz.h"

#include <dirent.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static char dir[256];

static void remove_dir(void);

char *
fuzz_string(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1);

	if (s == NULL)
		return NULL;
	memcpy(s, data, size);
	s[size] = '\0';
	return s;
}

FILE *
fuzz_stream(const uint8_t *data, size_t size)
{
	/* fmemopen refuses a zero size. */
	if (size == 0)
		return fopen("/dev/null", "r");
	return fmemopen((void *)data, size, "r");
}

static void
remove_dir(void)
{
	struct dirent *de;
	char path[512];
	DIR *d;

	if (dir[0] == '\0' || (d = opendir(dir)) == NULL)
		return;
	while ((de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
		(void)unlink(path);
	}
	closedir(d);
	(void)rmdir(dir);
}

const char *
fuzz_dir(void)
{
	const char *t = getenv("TMPDIR");

	if (dir[0] != '\0')
		return dir;
	snprintf(dir, sizeof(dir), "%s/exifbench-fuzz-XXXXXX", t != NULL && *t ? t : "/tmp");
	if (mkdtemp(dir) == NULL) {
		dir[0] = '\0';
		return NULL;
	}
	atexit(remove_dir);
	return dir;
}

int
fuzz_file(const char *name, const void *data, size_t size, char *path, size_t pathlen)
{
	const char *d = fuzz_dir();
	FILE *f;
	int rc;

	if (d == NULL || (size_t)snprintf(path, pathlen, "%s/%s", d, name) >= pathlen ||
	    (f = fopen(path, "w")) == NULL)
		return -1;
	rc = fwrite(data, 1, size, f) == size ? 0 : -1;
	return fclose(f) == 0 ? rc : -1;
}
