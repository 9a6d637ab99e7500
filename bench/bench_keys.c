/*
 * bench_keys.c: the flags of `exifbench bench` that each set one scenario key (--model sets
 * models, --levels concurrency, --images images...), one table for their getopt entries,
 * their names in messages and their values. A value goes through scenario_set as a file's
 * line would, so the checks and the errors are the scenario's own; a list flag takes commas
 * where the key takes spaces. See bench.h.
 */
#include <stdio.h>
#include <string.h>

#include "bench.h"

static const struct key_flag {
	const char *flag, *key;
	int list;
} key_flags[BENCH_NKEYS] = {
	[BENCH_KEY_MODEL] = { "model", "models", 1 },
	[BENCH_KEY_LEVELS] = { "levels", "concurrency", 1 },
	{ "source", "source", 0 },
	{ "stage", "stage", 0 },
	{ "stage-cmd", "stage_cmd", 0 },
	{ "transform", "transform", 0 },
	{ "cpu-spin-ms", "cpu_spin_ms", 0 },
	{ "images", "images", 0 },
	{ "repeat", "repeat", 0 },
	{ "workers", "workers", 0 },
	{ "latency-ms", "latency_ms", 0 },
	{ "name", "name", 0 },
};

void
bench_key_options(struct option *opts)
{
	size_t i;

	for (i = 0; i < BENCH_NKEYS; i++)
		opts[i] = (struct option){ key_flags[i].flag, required_argument, NULL,
		    BENCH_KEY_OPT + (int)i };
	memset(&opts[BENCH_NKEYS], 0, sizeof(opts[0]));
}

const char *
bench_key_flag(size_t i)
{
	return i < BENCH_NKEYS ? key_flags[i].flag : "";
}

const char *
bench_key_name(size_t i)
{
	return i < BENCH_NKEYS ? key_flags[i].key : "";
}

int
bench_key_set(struct scenario *sc, size_t i, const char *value)
{
	const struct key_flag *kf = &key_flags[i];
	char buf[1024], err[512], *c;
	size_t len = strlen(value);

	if (len >= sizeof(buf)) {
		fprintf(stderr, "exifbench: --%s: value longer than %zu characters\n", kf->flag,
		    sizeof(buf) - 1);
		return -1;
	}
	if (kf->list && (len == 0 || value[0] == ',' || value[len - 1] == ',' ||
	    strstr(value, ",,") != NULL || strpbrk(value, " \t") != NULL)) {
		fprintf(stderr, "exifbench: --%s '%s': expected a comma-separated list with no "
		    "empty item nor space (e.g. --%s %s)\n", kf->flag, value, kf->flag,
		    i == BENCH_KEY_MODEL ? "async,hybrid" : "1,16,64");
		return -1;
	}
	snprintf(buf, sizeof(buf), "%s", value);
	for (c = buf; kf->list && (c = strchr(c, ',')) != NULL;)
		*c = ' ';
	if (scenario_set(sc, kf->key, buf, err, sizeof(err)) < 0) {
		fprintf(stderr, "exifbench: --%s %s: %s\n", kf->flag, value, err);
		return -1;
	}
	return 0;
}
