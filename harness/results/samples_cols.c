/*
 * samples_cols.c: the names of samples.csv's per-group columns, generated from
 * SAMPLES_GROUP_COLUMNS (samples_cols.h).
 */
#include <stddef.h>
#include <stdio.h>

#include "samples_cols.h"

const char *
samples_group_col(const char *group, enum samples_group_col c, char *buf, size_t len)
{
#define SAMPLES_COL_NAME(name, fmt, expr) #name,
	static const char *const names[] = { SAMPLES_GROUP_COLUMNS(SAMPLES_COL_NAME) };
#undef SAMPLES_COL_NAME
	int n;

	if (len == 0)
		return buf;
	*buf = '\0';
	if ((unsigned)c >= SAMPLES_NGROUP_COL)
		return buf;
	n = snprintf(buf, len, "%s_%s", group, names[c]);
	if (n < 0 || (size_t)n >= len)
		*buf = '\0';
	return buf;
}
