/*
 * timeline.c: several clients' traces on one timeline, and their overlap. See timeline.h.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "timeline.h"
#include "harness/results/csv.h"
#include "harness/results/trace.h"
#include "harness/results/trace_cols.h"

#define MiB (1024.0 * 1024.0)

#define KIND(name, kind, expr) #kind[0],
static const char col_kind[TRACE_NCOL] = { TRACE_COLUMNS(KIND) };
#undef KIND

static int shifted(const char *name);
static int move_rows(struct timeline_client *c, FILE *out, char *err, size_t errlen);
static void put_cell(FILE *f, const char *cell, char kind, int shift, double shift_us);
static int count_window(const char *merged, struct timeline_window *w, double *bytes,
    char *err, size_t errlen);

int
timeline_merge(struct timeline_client *c, unsigned n, const char *out,
    struct timeline_window *w, char *err, size_t errlen)
{
	int64_t base = INT64_MAX;
	double bytes = 0;
	FILE *f;
	unsigned i;

	memset(w, 0, sizeof(*w));
	w->to_us = INFINITY, w->images_per_s = w->mib_per_s = -1;
	for (i = 0; i < n; i++)
		base = c[i].start_ns < base ? c[i].start_ns : base;
	if ((f = fopen(out, "w")) == NULL || trace_header(f) < 0) {
		snprintf(err, errlen, "cannot write %s", out);
		if (f != NULL)
			fclose(f);
		return -1;
	}
	for (i = 0; i < n; i++) {
		c[i].start_us = (double)(c[i].start_ns - base) / 1e3;
		c[i].rows = c[i].ok = c[i].failed = 0;
		if (move_rows(&c[i], f, err, errlen) < 0) {
			fclose(f);
			return -1;
		}
		w->from_us = c[i].start_us > w->from_us ? c[i].start_us : w->from_us;
		w->to_us = c[i].end_us < w->to_us ? c[i].end_us : w->to_us;
		w->rows += c[i].rows, w->ok += c[i].ok, w->failed += c[i].failed;
		w->wall_s = c[i].end_us / 1e6 > w->wall_s ? c[i].end_us / 1e6 : w->wall_s;
	}
	if (fclose(f) != 0) {
		snprintf(err, errlen, "%s: write error", out);
		return -1;
	}
	if (n == 0 || w->to_us <= w->from_us) {
		w->to_us = w->from_us;
		return 0;
	}
	if (count_window(out, w, &bytes, err, errlen) < 0)
		return -1;
	w->window_s = (w->to_us - w->from_us) / 1e6;
	w->images_per_s = (double)w->kept / w->window_s;
	w->mib_per_s = bytes / MiB / w->window_s;
	return 0;
}

void
timeline_apply(const struct timeline_window *w, struct tracestats *st)
{
	st->kept = (size_t)w->kept, st->window_s = w->window_s;
	st->images_per_s = w->images_per_s, st->mib_per_s = w->mib_per_s;
}

json_t *
timeline_window_json(const struct timeline_window *w)
{
	return json_pack("{s:f, s:f, s:I, s:s}", "from_s", w->from_us / 1e6, "to_s",
	    w->to_us / 1e6, "images", (json_int_t)w->kept, "rule", "the overlap: from the "
	    "last client's start to the first client's last image");
}
/* Columns that hold a time from the run's start: moved onto the common timeline. */
static int
shifted(const char *name)
{
	size_t n = strlen(name);

	return (n > 9 && strcmp(name + n - 9, "_start_us") == 0) ||
	    (n > 7 && strcmp(name + n - 7, "_end_us") == 0);
}

/* Pass one: the client's rows, moved by its start, to out; its counts and its last end. */
static int
move_rows(struct timeline_client *s, FILE *out, char *err, size_t errlen)
{
	const char *in = s->trace;
	double shift_us = s->start_us;
	FILE *f = fopen(in, "r");
	char *line = NULL, *cell[TRACE_NCOL + 1];
	size_t cap = 0, lineno = 0, n, i;
	double v[TRACE_NCOL], fin;

	if (f == NULL) {
		snprintf(err, errlen, "cannot read %s", in);
		return -1;
	}
	s->end_us = s->start_us;
	while (csv_record(f, &line, &cap, &lineno) == 0) {
		n = csv_split(line, cell, TRACE_NCOL + 1);
		if (lineno == 1 && n > 0 && strcmp(cell[0], "key") == 0)
			continue;	/* the header */
		if (n != TRACE_NCOL) {
			snprintf(err, errlen, "%s:%zu: %zu cells, not %d", in, lineno, n,
			    TRACE_NCOL);
			free(line);
			fclose(f);
			return -1;
		}
		for (i = 0; i < n; i++) {
			char *end;

			v[i] = col_kind[i] == 'I' ? strtod(cell[i], &end) : NAN;
			if (col_kind[i] == 'I' && shifted(trace_col_name[i]) && v[i] >= 0)
				v[i] += shift_us;
			put_cell(out, cell[i], col_kind[i], col_kind[i] == 'I' &&
			    shifted(trace_col_name[i]), shift_us);
			fputc(i + 1 < n ? ',' : '\n', out);
		}
		s->rows++;
		if (strcmp(cell[TRACE_outcome], "ok") == 0)
			s->ok++;
		else
			s->failed++;
		if ((fin = trace_finish_us(v)) > s->end_us)
			s->end_us = fin;
	}
	free(line);
	fclose(f);
	return 0;
}

/* A cell as the trace writes it: strings quoted, times moved. */
static void
put_cell(FILE *f, const char *cell, char kind, int shift, double shift_us)
{
	long long x;

	if (kind == 'S') {
		fputc('"', f);
		for (; *cell != '\0'; cell++) {
			if (*cell == '"')
				fputc('"', f);
			fputc(*cell, f);
		}
		fputc('"', f);
	} else if (shift && (x = strtoll(cell, NULL, 10)) >= 0 && cell[0] != '\0') {
		fprintf(f, "%lld", x + llround(shift_us));
	} else {
		fputs(cell, f);
	}
}

/* Pass two: the images that finished inside the window, and their bytes. */
static int
count_window(const char *merged, struct timeline_window *w, double *bytes, char *err,
    size_t errlen)
{
	FILE *f = fopen(merged, "r");
	char *line = NULL, *cell[TRACE_NCOL + 1];
	size_t cap = 0, lineno = 0, n, i;
	double v[TRACE_NCOL], fin;

	if (f == NULL) {
		snprintf(err, errlen, "cannot read %s", merged);
		return -1;
	}
	while (csv_record(f, &line, &cap, &lineno) == 0) {
		if (lineno == 1 || (n = csv_split(line, cell, TRACE_NCOL + 1)) != TRACE_NCOL)
			continue;
		for (i = 0; i < n; i++)
			v[i] = col_kind[i] == 'I' ? strtod(cell[i], NULL) : NAN;
		fin = trace_finish_us(v);
		if (fin >= w->from_us && fin <= w->to_us) {
			w->kept++;
			*bytes += v[TRACE_bytes_in] + v[TRACE_bytes_out];
		}
	}
	free(line);
	fclose(f);
	return 0;
}

