/*
 * scenario_value.h: what scenario.c (the key table and the file reader) asks of
 * scenario_value.c (the value parsers): how a key is described, and one key's value checked
 * and stored. Not a contract for other modules: they use scenario.h.
 */
#ifndef EXIFBENCH_SCENARIO_VALUE_H
#define EXIFBENCH_SCENARIO_VALUE_H

#include <stddef.h>

#include "harness/engine/scenario.h"

#define SCENARIO_LINE_MAX 1023	/* characters, without the line end */

enum scenario_kind { K_WORD, K_TEXT, K_DOUBLE, K_UINT, K_BOOL, K_JITTER, K_TRANSFORM,
	K_MODELS, K_LEVELS, K_CLIENTS, K_CPUS, K_CPUSET, K_BUCKET, K_PREFIX, K_SOURCE, K_DATASET,
	K_LATENCY, K_ENDPOINTS, K_RATES, K_ARRIVALS, K_USLFIT };

/* A key of the scenario file: its kind, its field in struct scenario, its bounds, its default. */
struct scenario_key {
	const char *name;
	enum scenario_kind kind;
	size_t off, size;	/* the field; for lists, the whole array */
	double min, max;	/* numbers and list items: bounds; strings: length */
	const char *dflt;	/* the default as file text, NULL for none */
};

/* Formats the message into err (when err is not NULL) and returns -1. */
int scenario_error(char *err, size_t errlen, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/*
 * Checks v as key k's value and stores it in sc (a list replaces the list before it): 0, or -1
 * with a message in err naming the key. sc may be left half-set on error: pass a copy. base:
 * the folder a relative dataset folder is in (NULL: the working directory).
 */
int scenario_value(struct scenario *sc, const struct scenario_key *k, const char *v,
    const char *base, char *err, size_t errlen);

#endif
