/*
 * fold.c: a profile's unique stacks with their counts (see fold.h): an open-addressing hash
 * table keyed by the stack's text (FNV-1a), doubled at half full, which owns one copy of each
 * stack; reading and writing folded files. The `perf script` lines come in through
 * fold_perf.c.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fold_int.h"

#define DEFAULT_MAX_BYTES ((size_t)64 << 20)

static int grow(struct fold *f);
static struct slot *find(struct fold *f, const char *stack, uint64_t h);
static uint64_t stack_hash(const char *s);
static int by_stack(const void *a, const void *b);

struct fold *
fold_new(size_t max_bytes)
{
	struct fold *f = calloc(1, sizeof(*f));

	if (f == NULL)
		return NULL;
	f->max_bytes = max_bytes > 0 ? max_bytes : DEFAULT_MAX_BYTES;
	if (grow(f) < 0) {
		free(f);
		return NULL;
	}
	return f;
}

void
fold_free(struct fold *f)
{
	size_t i;

	if (f == NULL)
		return;
	for (i = 0; i < f->cap; i++)
		free(f->tab[i].stack);
	free(f->tab);
	free(f->sorted);
	free(f);
}

int
fold_add(struct fold *f, const char *stack, size_t count)
{
	uint64_t h = stack_hash(stack);
	struct slot *s = find(f, stack, h);
	size_t len;

	if (s->stack == NULL) {
		len = strlen(stack) + 1;
		if (f->bytes + len > f->max_bytes && strcmp(stack, FOLD_OVERFLOW) != 0)
			return fold_add(f, FOLD_OVERFLOW, count);
		if ((f->n + 1) * 2 > f->cap) {
			if (grow(f) < 0)
				return -1;
			s = find(f, stack, h);
		}
		if ((s->stack = malloc(len)) == NULL)
			return -1;
		memcpy(s->stack, stack, len);
		s->hash = h;
		f->n++, f->bytes += len;
	}
	s->count += count;
	f->samples += count;
	f->dirty = 1;
	return 0;
}

int
fold_read(struct fold *f, FILE *in, char *err, size_t errlen)
{
	char *line = NULL, *sp, *end;
	size_t cap = 0, no = 0;
	ssize_t len;
	unsigned long long count;
	int rv = 0;

	while (rv == 0 && (len = getline(&line, &cap, in)) >= 0) {
		no++;
		while (len > 0 && (line[len - 1] == '\n' || line[len - 1] == '\r'))
			line[--len] = '\0';
		if (len == 0)
			continue;
		errno = 0;
		if ((sp = strrchr(line, ' ')) == NULL || sp == line ||
		    (count = strtoull(sp + 1, &end, 10), *end != '\0') || end == sp + 1 ||
		    errno != 0) {
			snprintf(err, errlen, "line %zu: not a folded stack (STACK COUNT)", no);
			rv = -1;
			break;
		}
		*sp = '\0';
		if (fold_add(f, line, (size_t)count) < 0) {
			snprintf(err, errlen, "out of memory");
			rv = -1;
		}
	}
	free(line);
	return rv;
}

size_t
fold_samples(const struct fold *f)
{
	return f->samples;
}

size_t
fold_count(const struct fold *f)
{
	return f->n;
}

const struct fold_entry *
fold_sorted(struct fold *f, size_t *n)
{
	size_t i, k = 0;

	*n = 0;
	if (f->dirty || f->sorted == NULL) {
		free(f->sorted);
		f->nsorted = 0;
		if (f->n == 0 || (f->sorted = malloc(f->n * sizeof(*f->sorted))) == NULL) {
			f->sorted = NULL;
			return NULL;
		}
		for (i = 0; i < f->cap; i++)
			if (f->tab[i].stack != NULL)
				f->sorted[k++] = (struct fold_entry){ f->tab[i].stack,
				    f->tab[i].count };
		qsort(f->sorted, k, sizeof(*f->sorted), by_stack);
		f->nsorted = k, f->dirty = 0;
	}
	*n = f->nsorted;
	return f->sorted;
}

int
fold_write(struct fold *f, FILE *out)
{
	const struct fold_entry *e;
	size_t i, n;

	e = fold_sorted(f, &n);
	for (i = 0; i < n; i++)
		fprintf(out, "%s %zu\n", e[i].stack, e[i].count);
	return fflush(out) == 0 && !ferror(out) ? 0 : -1;
}

/* Doubles the table (or makes its first one): 0, or -1 when out of memory. */
static int
grow(struct fold *f)
{
	struct slot *old = f->tab, *s;
	size_t oldcap = f->cap, i;

	f->cap = oldcap > 0 ? oldcap * 2 : 1024;
	if ((f->tab = calloc(f->cap, sizeof(*f->tab))) == NULL) {
		f->tab = old, f->cap = oldcap;
		return -1;
	}
	for (i = 0; i < oldcap; i++)
		if (old[i].stack != NULL) {
			s = find(f, old[i].stack, old[i].hash);
			*s = old[i];
		}
	free(old);
	return 0;
}

/* The slot of stack, or the free slot where it goes. */
static struct slot *
find(struct fold *f, const char *stack, uint64_t h)
{
	size_t i = (size_t)h & (f->cap - 1);

	while (f->tab[i].stack != NULL && (f->tab[i].hash != h ||
	    strcmp(f->tab[i].stack, stack) != 0))
		i = (i + 1) & (f->cap - 1);
	return &f->tab[i];
}

static uint64_t
stack_hash(const char *s)
{
	uint64_t h = UINT64_C(0xcbf29ce484222325);

	for (; *s != '\0'; s++)
		h = (h ^ (unsigned char)*s) * UINT64_C(0x100000001b3);
	return h;
}

static int
by_stack(const void *a, const void *b)
{
	return strcmp(((const struct fold_entry *)a)->stack,
	    ((const struct fold_entry *)b)->stack);
}
