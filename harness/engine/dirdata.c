/*
 * dirdata.c: a folder of photos indexed once into the bench's data folder. See dirdata.h.
 * The hash sorts the manifest's lines in memory, one short line per file: the price of a
 * name that does not depend on readdir's order (`dataset load` holds the folder's names in
 * memory too). The folder is scanned before it is indexed, so a change made while indexing
 * shows up as a different scan next time and only ever costs a new index.
 */
#include "dirdata.h"

#include <dirent.h>
#include <errno.h>
#include <jansson.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "datasets/index.h"
#include "datasets/manifest.h"
#include "models/core/digest.h"
#include "models/core/keyesc.h"

#define SOURCE_NAME "source.json"
#define INDEX_THREADS 4

/* The first file that could not be read, for the error. */
struct first_error {
	char msg[256];
	size_t n;
};

static int64_t mtime_ns(const struct stat *sb);
static char *entry_line(const struct manifest_entry *e);
static int cmp_line(const void *a, const void *b);
static int name_ok(const char *name);
static int source_matches(const char *path, const char *dir, const struct dirdata_scan *s);
static void on_error(const char *key, const char *error, void *arg);
static int index_into(const char *dir, const char *path, char *err, size_t errlen);
static int record_source(const char *path, const char *dir, const struct dirdata_scan *s,
    char *err, size_t errlen);

static int64_t
mtime_ns(const struct stat *sb)
{
	return (int64_t)sb->st_mtim.tv_sec * 1000000000 + sb->st_mtim.tv_nsec;
}

int
dirdata_scan(const char *dir, struct dirdata_scan *s, char *err, size_t errlen)
{
	struct dirent *d;
	struct stat sb;
	DIR *dp;

	memset(s, 0, sizeof(*s));
	if ((dp = opendir(dir)) == NULL || fstat(dirfd(dp), &sb) < 0) {
		snprintf(err, errlen, "folder '%s': %s", dir, strerror(errno));
		if (dp != NULL)
			closedir(dp);
		return -1;
	}
	s->newest_ns = mtime_ns(&sb);
	while ((d = readdir(dp)) != NULL) {
		if (strcmp(d->d_name, MANIFEST_NAME) == 0 ||
		    fstatat(dirfd(dp), d->d_name, &sb, 0) < 0 || !S_ISREG(sb.st_mode))
			continue;
		s->files++;
		s->bytes += (uint64_t)sb.st_size;
		if (mtime_ns(&sb) > s->newest_ns)
			s->newest_ns = mtime_ns(&sb);
	}
	closedir(dp);
	return 0;
}

/* "KEY\tSIZE\tSHA256\n", the key escaped as jq's @tsv does (keyesc.h); NULL if out of memory. */
static char *
entry_line(const struct manifest_entry *e)
{
	char *line;
	size_t n;

	if ((line = malloc(KEYESC_SIZE(strlen(e->key)) + DIGEST_HEX_LEN + 32)) == NULL)
		return NULL;
	n = keyesc_encode(e->key, line);
	sprintf(line + n, "\t%llu\t%s\n", (unsigned long long)e->size, e->sha256);
	return line;
}

static int
cmp_line(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int
dirdata_name(const char *path, char name[DIRDATA_NAME_LEN + 1], char *err, size_t errlen)
{
	struct manifest_entry *e = NULL;
	char **lines = NULL, **grown, *all = NULL, hex[DIGEST_HEX_LEN + 1];
	size_t n = 0, cap = 0, len = 0, i;
	unsigned long lineno = 0;
	FILE *f = NULL;
	int rc = -1, r;

	if ((f = fopen(path, "r")) == NULL) {
		snprintf(err, errlen, "cannot read '%s': %s", path, strerror(errno));
		return -1;
	}
	if ((e = malloc(sizeof(*e))) == NULL)
		goto oom;
	while ((r = manifest_read(f, path, &lineno, e, err, errlen)) == 1) {
		if (n == cap) {
			cap = cap ? 2 * cap : 256;
			if ((grown = realloc(lines, cap * sizeof(*lines))) == NULL)
				goto oom;
			lines = grown;
		}
		if ((lines[n] = entry_line(e)) == NULL)
			goto oom;
		len += strlen(lines[n++]);
	}
	if (r < 0)
		goto out;
	qsort(lines, n, sizeof(*lines), cmp_line);
	if ((all = malloc(len + 1)) == NULL)
		goto oom;
	for (i = 0, len = 0; i < n; i++) {
		memcpy(all + len, lines[i], strlen(lines[i]));
		len += strlen(lines[i]);
	}
	if (digest_sha256_hex(all, len, hex) < 0) {
		snprintf(err, errlen, "%s: SHA-256 failed", path);
		goto out;
	}
	snprintf(name, DIRDATA_NAME_LEN + 1, "dir-%.16s", hex);
	rc = 0;
	goto out;
oom:
	snprintf(err, errlen, "%s: out of memory", path);
out:
	for (i = 0; i < n; i++)
		free(lines[i]);
	free(lines);
	free(all);
	free(e);
	fclose(f);
	return rc;
}

/* "dir-" and 16 lower-case hex digits. */
static int
name_ok(const char *name)
{
	return strlen(name) == DIRDATA_NAME_LEN && strncmp(name, "dir-", 4) == 0 &&
	    name[4 + strspn(name + 4, "0123456789abcdef")] == '\0';
}

/* 1 when the source.json at path records dir with s's figures. */
static int
source_matches(const char *path, const char *dir, const struct dirdata_scan *s)
{
	json_t *j = json_load_file(path, 0, NULL), *src;
	size_t i;
	int hit = 0;

	json_array_foreach(json_object_get(j, "sources"), i, src) {
		if (json_is_string(json_object_get(src, "path")) &&
		    strcmp(json_string_value(json_object_get(src, "path")), dir) == 0 &&
		    json_integer_value(json_object_get(src, "files")) == (json_int_t)s->files &&
		    json_integer_value(json_object_get(src, "bytes")) == (json_int_t)s->bytes &&
		    json_integer_value(json_object_get(src, "newest_mtime_ns")) ==
		    (json_int_t)s->newest_ns)
			hit = 1;
	}
	json_decref(j);
	return hit;
}

int
dirdata_lookup(const char *data_dir, const char *dir, const struct dirdata_scan *s,
    char name[DIRDATA_NAME_LEN + 1])
{
	char path[PATH_MAX + 64];
	struct dirent *d;
	DIR *dp;
	int hit = 0;

	if ((dp = opendir(data_dir)) == NULL)
		return 0;
	while (!hit && (d = readdir(dp)) != NULL) {
		if (!name_ok(d->d_name))
			continue;
		snprintf(path, sizeof(path), "%s/%s/%s", data_dir, d->d_name, MANIFEST_NAME);
		if (access(path, R_OK) < 0)
			continue;
		snprintf(path, sizeof(path), "%s/%s/%s", data_dir, d->d_name, SOURCE_NAME);
		if ((hit = source_matches(path, dir, s)))
			snprintf(name, DIRDATA_NAME_LEN + 1, "%s", d->d_name);
	}
	closedir(dp);
	return hit;
}

static void
on_error(const char *key, const char *error, void *arg)
{
	struct first_error *fe = arg;

	if (fe->n++ == 0)
		snprintf(fe->msg, sizeof(fe->msg), "'%s': %s", key, error);
}

/* The index of dir into the file at path: 0, or -1 with err. */
static int
index_into(const char *dir, const char *path, char *err, size_t errlen)
{
	struct first_error fe = { "", 0 };
	struct index_options o = { .dir = dir, .concurrency = INDEX_THREADS,
		.on_error = on_error, .arg = &fe };
	struct index_stats st;
	char msg[512];
	int rc;

	if ((o.out = fopen(path, "w")) == NULL) {
		snprintf(err, errlen, "cannot write '%s': %s", path, strerror(errno));
		return -1;
	}
	rc = index_run(&o, &st, msg, sizeof(msg));
	if (fclose(o.out) != 0 && rc >= 0)
		snprintf(msg, sizeof(msg), "writing '%s' failed", path), rc = -1;
	if (rc < 0)
		snprintf(err, errlen, "indexing folder '%s': %s", dir, msg);
	else if (rc > 0)
		snprintf(err, errlen, "folder '%s': %zu file%s could not be read (the first, %s)",
		    dir, fe.n, fe.n == 1 ? "" : "s", fe.msg);
	if (rc != 0)
		unlink(path);
	return rc != 0 ? -1 : 0;
}

/* Adds (or updates) dir's record in the source.json at path. 0, or -1 with err. */
static int
record_source(const char *path, const char *dir, const struct dirdata_scan *s, char *err,
    size_t errlen)
{
	char tmp[PATH_MAX + 80];
	json_t *j = json_load_file(path, 0, NULL), *arr, *src;
	size_t i;
	int rc;

	if (!json_is_array(arr = json_object_get(j, "sources"))) {
		json_decref(j);
		j = json_pack("{s:[]}", "sources");
		arr = json_object_get(j, "sources");
	}
	json_array_foreach(arr, i, src)
		if (json_is_string(json_object_get(src, "path")) &&
		    strcmp(json_string_value(json_object_get(src, "path")), dir) == 0) {
			json_array_remove(arr, i);
			break;
		}
	json_array_append_new(arr, json_pack("{s:s, s:I, s:I, s:I}", "path", dir, "files",
	    (json_int_t)s->files, "bytes", (json_int_t)s->bytes, "newest_mtime_ns",
	    (json_int_t)s->newest_ns));
	snprintf(tmp, sizeof(tmp), "%s.%ld", path, (long)getpid());
	rc = json_dump_file(j, tmp, JSON_INDENT(2)) == 0 && rename(tmp, path) == 0 ? 0 : -1;
	if (rc < 0) {
		snprintf(err, errlen, "cannot write '%s': %s", path, strerror(errno));
		unlink(tmp);
	}
	json_decref(j);
	return rc;
}

int
dirdata_prepare(const char *data_dir, const char *dir, char name[DIRDATA_NAME_LEN + 1],
    struct dirdata_scan *s, int *indexed, char *err, size_t errlen)
{
	char tmp[PATH_MAX + 64], path[PATH_MAX + 64];

	*indexed = 0;
	if (dirdata_scan(dir, s, err, errlen) < 0)
		return -1;
	if (s->files == 0) {
		snprintf(err, errlen, "folder '%s' holds no file to load", dir);
		return -1;
	}
	if (dirdata_lookup(data_dir, dir, s, name))
		return 0;
	if (mkdir(data_dir, 0777) < 0 && errno != EEXIST) {
		snprintf(err, errlen, "cannot create '%s': %s", data_dir, strerror(errno));
		return -1;
	}
	snprintf(tmp, sizeof(tmp), "%s/.index-%ld.jsonl", data_dir, (long)getpid());
	if (index_into(dir, tmp, err, errlen) < 0)
		return -1;
	if (dirdata_name(tmp, name, err, errlen) < 0)
		goto fail;
	snprintf(path, sizeof(path), "%s/%s", data_dir, name);
	if (mkdir(path, 0777) < 0 && errno != EEXIST) {
		snprintf(err, errlen, "cannot create '%s': %s", path, strerror(errno));
		goto fail;
	}
	snprintf(path, sizeof(path), "%s/%s/%s", data_dir, name, MANIFEST_NAME);
	if (rename(tmp, path) < 0) {
		snprintf(err, errlen, "cannot write '%s': %s", path, strerror(errno));
		goto fail;
	}
	*indexed = 1;
	snprintf(path, sizeof(path), "%s/%s/%s", data_dir, name, SOURCE_NAME);
	return record_source(path, dir, s, err, errlen);
fail:
	unlink(tmp);
	return -1;
}
