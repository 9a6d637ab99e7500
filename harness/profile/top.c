/*
 * top.c: a profile's top functions and libraries. See top.h.
 *
 * One pass over the unique stacks: each frame is looked up in a hash table of the functions
 * seen (open addressing on the frame's text); a stamp per function and per group, the index
 * of the last stack that counted it, keeps a recursive frame from counting twice inclusive.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "top.h"

struct fn_tab {
	size_t *slot;		/* index into fn + 1; 0: free */
	size_t cap;
	struct top_entry *fn;
	size_t *stamp;
	size_t n;
};

static struct top_entry *fn_get(struct fn_tab *ft, const char *name, size_t len,
    size_t *idx);
static int fn_grow(struct fn_tab *ft);
static uint64_t name_hash(const char *s, size_t len);
static int by_self(const void *a, const void *b);

int
top_compute(struct fold *f, struct top *t)
{
	struct fn_tab ft = { 0 };
	size_t libstamp[FRAME_NLIB], i, n, idx;
	const struct fold_entry *e = fold_sorted(f, &n);
	const char *p, *semi;
	struct top_entry *fe;
	int rv = -1;

	memset(t, 0, sizeof(*t));
	for (i = 0; i < FRAME_NLIB; i++) {
		snprintf(t->lib[i].name, sizeof(t->lib[i].name), "%s",
		    frame_lib_name((enum frame_lib)i));
		t->lib[i].lib = (enum frame_lib)i;
		libstamp[i] = 0;
	}
	if (fn_grow(&ft) < 0)
		goto out;
	for (i = 0; i < n; i++) {
		t->total += e[i].count;
		for (p = e[i].stack; *p != '\0'; p = *semi != '\0' ? semi + 1 : semi) {
			if ((semi = strchr(p, ';')) == NULL)
				semi = p + strlen(p);
			if ((fe = fn_get(&ft, p, (size_t)(semi - p), &idx)) == NULL)
				goto out;
			if (ft.stamp[idx] != i + 1) {
				ft.stamp[idx] = i + 1;
				fe->incl += e[i].count;
			}
			if (libstamp[fe->lib] != i + 1) {
				libstamp[fe->lib] = i + 1;
				t->lib[fe->lib].incl += e[i].count;
			}
			if (*semi == '\0') {
				fe->self += e[i].count;
				t->lib[fe->lib].self += e[i].count;
			}
		}
	}
	qsort(ft.fn, ft.n, sizeof(*ft.fn), by_self);
	t->fn = ft.fn, t->nfn = ft.n, ft.fn = NULL;
	rv = 0;
out:
	free(ft.slot);
	free(ft.stamp);
	free(ft.fn);
	return rv;
}

void
top_free(struct top *t)
{
	if (t == NULL)
		return;
	free(t->fn);
	t->fn = NULL, t->nfn = 0;
}

size_t
top_best(const struct top *t, int by, size_t *idx, size_t k)
{
	size_t i, j, got = 0;

	for (i = 0; i < t->nfn && k > 0; i++) {
		size_t v = by ? t->fn[i].incl : t->fn[i].self;

		if (v == 0)
			continue;
		if (got < k)
			j = got++;
		else if (v <= (by ? t->fn[idx[k - 1]].incl : t->fn[idx[k - 1]].self))
			continue;
		else
			j = k - 1;
		for (; j > 0 && (by ? t->fn[idx[j - 1]].incl : t->fn[idx[j - 1]].self) < v; j--)
			idx[j] = idx[j - 1];
		idx[j] = i;
	}
	return got;
}

/* The function named by len bytes of name, added when new; NULL when out of memory. */
static struct top_entry *
fn_get(struct fn_tab *ft, const char *name, size_t len, size_t *idx)
{
	uint64_t h = name_hash(name, len);
	size_t i = (size_t)h & (ft->cap - 1), k;
	struct top_entry *e;

	if (len >= FRAME_NAME_MAX)
		len = FRAME_NAME_MAX - 1;
	for (; (k = ft->slot[i]) != 0; i = (i + 1) & (ft->cap - 1)) {
		e = &ft->fn[k - 1];
		if (strncmp(e->name, name, len) == 0 && e->name[len] == '\0') {
			*idx = k - 1;
			return e;
		}
	}
	if ((ft->n + 1) * 2 > ft->cap) {
		if (fn_grow(ft) < 0)
			return NULL;
		return fn_get(ft, name, len, idx);
	}
	e = &ft->fn[ft->n];
	memset(e, 0, sizeof(*e));
	memcpy(e->name, name, len);
	e->lib = frame_lib_of(e->name);
	ft->stamp[ft->n] = 0;
	ft->slot[i] = ++ft->n;
	*idx = ft->n - 1;
	return e;
}

/* Doubles the table and the function arrays (half the table): 0, or -1. */
static int
fn_grow(struct fn_tab *ft)
{
	size_t cap = ft->cap > 0 ? ft->cap * 2 : 512, i, k;
	size_t *slot = calloc(cap, sizeof(*slot));
	struct top_entry *fn;
	size_t *stamp;

	if (slot == NULL)
		return -1;
	if ((fn = realloc(ft->fn, cap / 2 * sizeof(*fn))) == NULL) {
		free(slot);
		return -1;
	}
	ft->fn = fn;
	if ((stamp = realloc(ft->stamp, cap / 2 * sizeof(*stamp))) == NULL) {
		free(slot);
		return -1;
	}
	ft->stamp = stamp;
	for (k = 0; k < ft->n; k++) {
		const char *nm = ft->fn[k].name;

		for (i = (size_t)name_hash(nm, strlen(nm)) & (cap - 1); slot[i] != 0;
		    i = (i + 1) & (cap - 1))
			;
		slot[i] = k + 1;
	}
	free(ft->slot);
	ft->slot = slot, ft->cap = cap;
	return 0;
}

static uint64_t
name_hash(const char *s, size_t len)
{
	uint64_t h = UINT64_C(0xcbf29ce484222325);
	size_t i;

	if (len >= FRAME_NAME_MAX)
		len = FRAME_NAME_MAX - 1;
	for (i = 0; i < len; i++)
		h = (h ^ (unsigned char)s[i]) * UINT64_C(0x100000001b3);
	return h;
}

static int
by_self(const void *a, const void *b)
{
	const struct top_entry *x = a, *y = b;

	if (x->self != y->self)
		return x->self < y->self ? 1 : -1;
	if (x->incl != y->incl)
		return x->incl < y->incl ? 1 : -1;
	return strcmp(x->name, y->name);
}
