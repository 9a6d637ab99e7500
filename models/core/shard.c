/*
 * shard.c: which share of the keys a key is in (FNV-1a, include/rng.h), and the --shard value's forms,
 * literal or read from a batch system's environment. See shard.h.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "shard.h"
#include "include/rng.h"

static int number(const char *text, unsigned long max, unsigned long *v);
static int from_env(const char *name, unsigned long max, unsigned long *v, char *err,
    size_t errlen);

int
shard_has(const struct shard *s, const char *key)
{
	return s->count <= 1 || rng_fnv1a(key) % s->count == s->index;
}

int
shard_parse(const char *text, struct shard *s, char *err, size_t errlen)
{
	unsigned long index, count, min = 0;
	const char *slash = strchr(text, '/');

	if (strcmp(text, "slurm") == 0) {
		if (getenv("SLURM_ARRAY_TASK_ID") != NULL) {
			if (from_env("SLURM_ARRAY_TASK_ID", ULONG_MAX, &index, err, errlen) < 0 ||
			    (getenv("SLURM_ARRAY_TASK_MIN") != NULL &&
			    from_env("SLURM_ARRAY_TASK_MIN", ULONG_MAX, &min, err, errlen) < 0) ||
			    from_env("SLURM_ARRAY_TASK_COUNT", SHARD_MAX, &count, err, errlen) < 0)
				return -1;
			if (index < min) {
				snprintf(err, errlen, "SLURM_ARRAY_TASK_ID %lu is below "
				    "SLURM_ARRAY_TASK_MIN %lu", index, min);
				return -1;
			}
			index -= min;
		} else if (from_env("SLURM_PROCID", ULONG_MAX, &index, err, errlen) < 0 ||
		    from_env("SLURM_NTASKS", SHARD_MAX, &count, err, errlen) < 0) {
			return -1;
		}
	} else if (slash != NULL && strncmp(text, "k8s/", 4) == 0) {
		if (from_env("JOB_COMPLETION_INDEX", ULONG_MAX, &index, err, errlen) < 0)
			return -1;
		if (number(slash + 1, SHARD_MAX, &count) < 0 || count == 0) {
			snprintf(err, errlen, "'%s': COUNT must be 1..%d", text, SHARD_MAX);
			return -1;
		}
	} else {
		char head[32];
		size_t n = slash != NULL ? (size_t)(slash - text) : 0;

		if (slash == NULL || n == 0 || n >= sizeof(head)) {
			snprintf(err, errlen, "'%s' is not INDEX/COUNT, k8s/COUNT or slurm", text);
			return -1;
		}
		memcpy(head, text, n);
		head[n] = '\0';
		if (number(head, ULONG_MAX, &index) < 0 ||
		    number(slash + 1, SHARD_MAX, &count) < 0 || count == 0) {
			snprintf(err, errlen, "'%s' is not INDEX/COUNT with COUNT 1..%d", text,
			    SHARD_MAX);
			return -1;
		}
	}
	if (count == 0 || index >= count) {
		snprintf(err, errlen, "'%s': INDEX %lu is not below COUNT %lu (INDEX counts from 0)",
		    text, index, count);
		return -1;
	}
	s->index = (unsigned)index, s->count = (unsigned)count;
	return 0;
}

/* A decimal number, digits only, at most max: 0, or -1. */
static int
number(const char *text, unsigned long max, unsigned long *v)
{
	char *end;

	if (text[0] < '0' || text[0] > '9')
		return -1;
	errno = 0;
	*v = strtoul(text, &end, 10);
	return errno != 0 || *end != '\0' || *v > max ? -1 : 0;
}

/* The variable name as a number: 0, or -1 with err naming it. */
static int
from_env(const char *name, unsigned long max, unsigned long *v, char *err, size_t errlen)
{
	const char *s = getenv(name);

	if (s == NULL) {
		snprintf(err, errlen, "%s is not set", name);
		return -1;
	}
	if (number(s, max, v) < 0) {
		snprintf(err, errlen, "%s '%s' is not a number (0..%lu)", name, s, max);
		return -1;
	}
	return 0;
}
