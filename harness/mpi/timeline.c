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

/* A raw trace's rows, each with its cells and its numbers, to fn (-1 from fn stops). */
typedef int (*row_fn)(char **cell, double *v, void *arg);

static int
each_row(const char *path, row_fn fn, void *arg, char *err, size_t errlen)
{
	FILE *f = fopen(path, "r");
	char *line = NULL, *cell[TRACE_NCOL + 1];
	size_t cap = 0, lineno = 0, n, i;
	double v[TRACE_NCOL];
	int rv = 0;

	if (f == NULL) {
		snprintf(err, errlen, "cannot read %s", path);
		return -1;
	}
	while (rv == 0 && csv_record(f, &line, &cap, &lineno) == 0) {
		n = csv_split(line, cell, TRACE_NCOL + 1);
		if (lineno == 1 && n > 0 && strcmp(cell[0], "key") == 0)
			continue;	/* the header */
		if (n != TRACE_NCOL) {
			snprintf(err, errlen, "%s:%zu: %zu cells, not %d", path, lineno, n,
			    TRACE_NCOL);
			rv = -1;
			break;
		}
		for (i = 0; i < n; i++)
			v[i] = col_kind[i] == 'I' ? strtod(cell[i], NULL) : NAN;
		rv = fn(cell, v, arg);
	}
	free(line);
	fclose(f);
	return rv;
}

/* Pass one's state: the client, and where its rows go. */
struct moving {
	struct timeline_client *c;
	FILE *out;
};

/* Pass one, a row: moved by the client's start, to out; its counts and its last end. */
static int
move_row(char **cell, double *v, void *arg)
{
	struct moving *m = arg;
	struct timeline_client *s = m->c;
	double fin;
	size_t i;

	for (i = 0; i < TRACE_NCOL; i++) {
		if (col_kind[i] == 'I' && shifted(trace_col_name[i]) && v[i] >= 0)
			v[i] += s->start_us;
		put_cell(m->out, cell[i], col_kind[i], col_kind[i] == 'I' &&
		    shifted(trace_col_name[i]), s->start_us);
		fputc(i + 1 < TRACE_NCOL ? ',' : '\n', m->out);
	}
	s->rows++;
	if (strcmp(cell[TRACE_outcome], "ok") == 0)
		s->ok++;
	else
		s->failed++;
	if ((fin = trace_finish_us(v)) > s->end_us)
		s->end_us = fin;
	return 0;
}

static int
move_rows(struct timeline_client *s, FILE *out, char *err, size_t errlen)
{
	struct moving m = { s, out };

	s->end_us = s->start_us;
	return each_row(s->trace, move_row, &m, err, errlen);
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

/* Pass two's state: the window, and the bytes of the images inside it. */
struct counting {
	struct timeline_window *w;
	double bytes;
};

/* Pass two, a row: counted when the image finished inside the window. */
static int
count_row(char **cell, double *v, void *arg)
{
	struct counting *k = arg;
	double fin = trace_finish_us(v);

	(void)cell;
	if (fin >= k->w->from_us && fin <= k->w->to_us) {
		k->w->kept++;
		k->bytes += v[TRACE_bytes_in] + v[TRACE_bytes_out];
	}
	return 0;
}

static int
count_window(const char *merged, struct timeline_window *w, double *bytes, char *err,
    size_t errlen)
{
	struct counting k = { w, 0 };
	int rv = each_row(merged, count_row, &k, err, errlen);

	*bytes = k.bytes;
	return rv;
}
