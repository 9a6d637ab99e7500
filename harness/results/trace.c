/*
 * trace.c: the run's per-job CSV rows. The columns are trace_cols.h's X-macro, so the header,
 * the rows and the readers cannot drift apart. Strings are quoted per RFC 4180 (keys may hold
 * commas and quotes).
 */
#include <inttypes.h>

#include "trace.h"
#include "trace_cols.h"

#define US(ns) ((ns) > 0 ? ((ns) - t0) / 1000 : -1)

static void put_string(FILE *f, const char *s);

int
trace_header(FILE *f)
{
	const char *sep = "";

#define X(name, kind, expr) fprintf(f, "%s%s", sep, #name), sep = ",";
	TRACE_COLUMNS(X)
#undef X
	fputc('\n', f);
	return ferror(f) ? -1 : 0;
}

int
trace_row(FILE *f, const struct job_record *r, int64_t t0)
{
	const char *sep = "";

#define PUT_I(v) fprintf(f, "%s%" PRId64, sep, (int64_t)(v))
#define PUT_S(v) (fputs(sep, f), put_string(f, (v)))
#define X(name, kind, expr) PUT_##kind(expr), sep = ",";
	TRACE_COLUMNS(X)
#undef X
	fputc('\n', f);
	return ferror(f) ? -1 : 0;
}

static void
put_string(FILE *f, const char *s)
{
	fputc('"', f);
	for (; *s; s++) {
		if (*s == '"')
			fputc('"', f);
		fputc(*s, f);
	}
	fputc('"', f);
}
