/*
 * trace.c: the run's per-job CSV rows. The columns are one X-macro, so the header and the
 * rows cannot drift apart. Strings are quoted per RFC 4180 (keys may hold commas and quotes).
 */
#include <inttypes.h>

#include "trace.h"

#define US(ns) ((ns) > 0 ? ((ns) - t0) / 1000 : -1)
#define STAGE_COLUMNS(X, s, S)                                            \
	X(s##_worker, I, r->stage[S].start_ns ? r->stage[S].worker : -1)  \
	X(s##_start_us, I, US(r->stage[S].start_ns))                      \
	X(s##_end_us, I, US(r->stage[S].end_ns))                          \
	X(s##_cpu_us, I, r->stage[S].start_ns && r->stage[S].cpu_ns >= 0 ? \
	    r->stage[S].cpu_ns / 1000 : -1)                               \
	X(s##_attempts, I, r->stage[S].attempts)
#define TRACE_COLUMNS(X)                                       \
	X(key, S, r->key)                                      \
	X(outcome, S, r->outcome == JOB_OK ? "ok" : "failed")  \
	X(error, S, r->error)                                  \
	X(status, I, r->status)                                \
	X(exif_tags, I, r->exif_tags)                          \
	X(bytes_in, I, r->bytes_in)                            \
	X(bytes_out, I, r->bytes_out)                          \
	X(get_connect_us, I, r->get_t.connect_us)              \
	X(get_ttfb_us, I, r->get_t.ttfb_us)                    \
	X(get_total_us, I, r->get_t.total_us)                  \
	X(put_connect_us, I, r->put_t.connect_us)              \
	X(put_ttfb_us, I, r->put_t.ttfb_us)                    \
	X(put_total_us, I, r->put_t.total_us)                  \
	STAGE_COLUMNS(X, get, JOB_GET)                         \
	STAGE_COLUMNS(X, proc, JOB_PROC)                       \
	STAGE_COLUMNS(X, put, JOB_PUT)

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
