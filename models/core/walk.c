/*
 * walk.c: a sorted, streaming, depth-first walk of a folder. See walk.h.
 *
 * A stack of levels, one per folder entered: its sorted names and the next to hand out. The
 * relative path of the folder a level reads is the prefix of `rel` of the level's length, so
 * going up is a truncation. Folder names carry their trailing '/' from the read on, which is
 * what makes a plain strcmp sort give the whole-path byte order.
 */
#include "walk.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "location.h"

struct level {
	char **name;
	size_t n, next, cap;
	size_t rel_len;		/* strlen of rel while this folder is read */
};

struct walk {
	char root[LOCATION_DIR_MAX];
	char rel[LOCATION_DIR_MAX];
	struct level *lv;
	size_t depth, cap;
	int started, failed;
	char error[512];
};

static int push(struct walk *w);
static int read_level(struct walk *w, DIR *d, struct level *lv);
static int entry_kind(DIR *d, const struct dirent *e);
static int add(struct level *lv, const char *name, int dir);
static void pop(struct walk *w);
static int name_cmp(const void *a, const void *b);

struct walk *
walk_new(const char *root)
{
	struct walk *w;

	if (root == NULL || (w = calloc(1, sizeof(*w))) == NULL)
		return NULL;
	snprintf(w->root, sizeof(w->root), "%s", root);
	return w;
}

void
walk_free(struct walk *w)
{
	if (w == NULL)
		return;
	while (w->depth > 0)
		pop(w);
	free(w->lv);
	free(w);
}

int
walk_next(struct walk *w, char *rel, size_t rellen, char *err, size_t errlen)
{
	struct level *lv;
	char *name;
	size_t n;

	if (!w->started) {
		w->started = 1;
		if (push(w) < 0)
			w->failed = 1;
	}
	while (!w->failed && w->depth > 0) {
		lv = &w->lv[w->depth - 1];
		if (lv->next == lv->n) {
			pop(w);
			continue;
		}
		name = lv->name[lv->next];
		lv->name[lv->next++] = NULL;
		n = strlen(name);
		if (lv->rel_len + n >= sizeof(w->rel) || lv->rel_len + n >= rellen) {
			/* the reason first: the path may not fit in the message */
			snprintf(w->error, sizeof(w->error), "path longer than %zu bytes under %s: "
			    "%.*s%.100s...", rellen - 1, w->root,
			    (int)(lv->rel_len < 100 ? lv->rel_len : 100), w->rel,
			    lv->rel_len < 100 ? name : "");
			free(name);
			w->failed = 1;
			break;
		}
		memcpy(w->rel + lv->rel_len, name, n + 1);
		free(name);
		if (w->rel[lv->rel_len + n - 1] == '/') {
			if (push(w) < 0)
				w->failed = 1;
			continue;
		}
		memcpy(rel, w->rel, lv->rel_len + n + 1);
		return 1;
	}
	if (w->failed) {
		snprintf(err, errlen, "%s", w->error);
		return -1;
	}
	return 0;
}

/* Enters the folder rel names (its own length: the level's rel_len). 0, or -1 (error set). */
static int
push(struct walk *w)
{
	char path[2 * LOCATION_DIR_MAX];
	struct level *lv;
	DIR *d;
	int rv;

	if (w->depth == w->cap) {
		lv = realloc(w->lv, (w->cap ? w->cap * 2 : 8) * sizeof(*lv));
		if (lv == NULL) {
			snprintf(w->error, sizeof(w->error), "out of memory walking %s", w->root);
			return -1;
		}
		w->lv = lv;
		w->cap = w->cap ? w->cap * 2 : 8;
	}
	lv = &w->lv[w->depth];
	memset(lv, 0, sizeof(*lv));
	lv->rel_len = w->depth == 0 ? 0 : strlen(w->rel);
	snprintf(path, sizeof(path), "%s/%.*s", w->root, (int)lv->rel_len, w->rel);
	if ((d = opendir(path)) == NULL) {
		snprintf(w->error, sizeof(w->error), "cannot read folder %s: %s", path,
		    strerror(errno));
		return -1;
	}
	w->depth++;
	rv = read_level(w, d, lv);
	closedir(d);
	if (rv < 0)
		snprintf(w->error, sizeof(w->error), "cannot read folder %s: %s", path,
		    strerror(errno));
	else if (lv->n > 1)	/* an empty folder has no array at all: qsort must not see NULL */
		qsort(lv->name, lv->n, sizeof(*lv->name), name_cmp);
	return rv;
}

/* Every file and folder name of d into lv. 0, or -1 (errno). */
static int
read_level(struct walk *w, DIR *d, struct level *lv)
{
	struct dirent *e;
	int kind;

	(void)w;
	for (;;) {
		errno = 0;
		if ((e = readdir(d)) == NULL)
			return errno != 0 ? -1 : 0;
		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		if ((kind = entry_kind(d, e)) != 0 && add(lv, e->d_name, kind == 2) < 0)
			return -1;
	}
}

/* 1 a file (or a link to one), 2 a folder (not a link to one), 0 anything else. */
static int
entry_kind(DIR *d, const struct dirent *e)
{
	struct stat sb;

	switch (e->d_type) {
	case DT_REG:
		return 1;
	case DT_DIR:
		return 2;
	case DT_LNK:
		return fstatat(dirfd(d), e->d_name, &sb, 0) == 0 && S_ISREG(sb.st_mode);
	case DT_UNKNOWN:
		if (fstatat(dirfd(d), e->d_name, &sb, AT_SYMLINK_NOFOLLOW) < 0)
			return 0;
		if (S_ISDIR(sb.st_mode))
			return 2;
		if (S_ISLNK(sb.st_mode))
			return fstatat(dirfd(d), e->d_name, &sb, 0) == 0 && S_ISREG(sb.st_mode);
		return S_ISREG(sb.st_mode);
	default:
		return 0;
	}
}

static int
add(struct level *lv, const char *name, int dir)
{
	size_t n = strlen(name);
	char **p;

	if (lv->n == lv->cap) {
		if ((p = realloc(lv->name, (lv->cap ? lv->cap * 2 : 64) * sizeof(*p))) == NULL)
			return -1;
		lv->name = p;
		lv->cap = lv->cap ? lv->cap * 2 : 64;
	}
	if ((lv->name[lv->n] = malloc(n + 2)) == NULL)
		return -1;
	memcpy(lv->name[lv->n], name, n);
	lv->name[lv->n][n] = dir ? '/' : '\0';
	lv->name[lv->n][n + 1] = '\0';
	lv->n++;
	return 0;
}

static void
pop(struct walk *w)
{
	struct level *lv = &w->lv[--w->depth];
	size_t i;

	for (i = lv->next; i < lv->n; i++)
		free(lv->name[i]);
	free(lv->name);
	lv->name = NULL;
	lv->n = lv->next = 0;
}

static int
name_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}
