/*
 * tracestats.c: a run's figures from its trace CSV. See tracestats.h. The trace is read
 * once; each row keeps only a few numbers, so memory grows with the images of one run (72
 * bytes each), never with the text. Columns are found by name in the header (trace_cols.h
 * names them), so a trace written before or after a column was added still reads.
 */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "csv.h"
#include "stats.h"
#include "trace_cols.h"
#include "tracestats.h"

const double tracestats_p[TRACESTATS_NP] = { 50, 90, 99, 99.9, 100 };

/* The columns read (a trace without one of them is malformed). */
static const enum trace_col needed[] = { TRACE_outcome, TRACE_bytes_in, TRACE_bytes_out,
	TRACE_get_ttfb_us, TRACE_get_total_us, TRACE_put_total_us, TRACE_get_start_us,
	TRACE_get_end_us, TRACE_proc_start_us, TRACE_proc_end_us, TRACE_put_start_us,
	TRACE_put_end_us };
#define N_NEEDED (sizeof(needed) / sizeof(needed[0]))

struct row {
	double end_us;		/* when the image finished: its last stage's end */
	double lat_us[TS_NLAT];	/* -1: no such stage */
	double req_us;		/* GET + PUT, curl's totals */
	double bytes;
	int ok;
};

/* A trace being read: the file, its record buffer, the needed columns' cells. */
struct reader {
	FILE *f;
	const char *path;
	char *line;
	size_t cap, lineno;
	int idx[N_NEEDED];
	int due;		/* the due_us column, or -1 (a trace written before it) */
};

static void unknown(struct tracestats *st);
static int read_header(struct reader *rd, FILE *out, const char *label_header, int *header,
    char *err, size_t errlen);
static int read_rows(struct reader *rd, FILE *out, const char *label, struct row **rows,
    size_t *n, char *err, size_t errlen);
static void row_of(char *const *cell, size_t nc, const int *idx, int due, struct row *r);
static double stage_us(const double *v, enum trace_col start, enum trace_col end);
static int cmp_end(const void *a, const void *b);
static void compute(struct row *rows, size_t n, double trim, struct tracestats *st);

int
tracestats_read(const char *path, double trim, FILE *out, const char *label,
    const char *label_header, int *header, struct tracestats *st, char *err, size_t errlen)
{
	struct reader rd = { NULL, path, NULL, 0, 0, { 0 }, -1 };
	struct row *rows = NULL;
	size_t n = 0;
	int rv = -1;

	unknown(st);
	if ((rd.f = fopen(path, "r")) == NULL) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	if (read_header(&rd, out, label_header, header, err, errlen) == 0 &&
	    read_rows(&rd, out, label, &rows, &n, err, errlen) == 0) {
		compute(rows, n, trim, st);
		rv = 0;
	}
	free(rows);
	free(rd.line);
	fclose(rd.f);
	return rv;
}

size_t
tracestats_cut(size_t n, double trim)
{
	return n >= 20 ? (size_t)floor(trim * (double)n) : 0;
}

/* Zero, but for the latencies: -1 (unknown), as for no image. */
static void
unknown(struct tracestats *st)
{
	size_t c, i;

	memset(st, 0, sizeof(*st));
	for (c = 0; c < TS_NLAT; c++)
		for (i = 0; i < TRACESTATS_NP; i++)
			st->lat_ms[c][i] = -1;
	st->mean_requests_ms = -1;
}

/* Reads the header (copied to out when it has none yet) and finds the needed columns. */
static int
read_header(struct reader *rd, FILE *out, const char *label_header, int *header, char *err,
    size_t errlen)
{
	char *cell[64];
	size_t nc, c;

	if (csv_record(rd->f, &rd->line, &rd->cap, &rd->lineno) < 0) {
		snprintf(err, errlen, "%s: empty trace (no header)", rd->path);
		return -1;
	}
	if (out != NULL && !*header)
		fprintf(out, "%s,%s", label_header, rd->line), *header = 1;
	nc = csv_split(rd->line, cell, 64);
	for (c = 0; c < N_NEEDED; c++) {
		if ((rd->idx[c] = csv_index(cell, nc, trace_col_name[needed[c]])) < 0) {
			snprintf(err, errlen, "%s: header has no column '%s'", rd->path,
			    trace_col_name[needed[c]]);
			return -1;
		}
	}
	rd->due = csv_index(cell, nc, trace_col_name[TRACE_due_us]);
	return 0;
}

/* Reads every row into *rows (grown), copying each to out with label in front. */
static int
read_rows(struct reader *rd, FILE *out, const char *label, struct row **rows, size_t *n,
    char *err, size_t errlen)
{
	char *cell[64];
	size_t nc, rcap = 0;
	struct row *grown;

	while (csv_record(rd->f, &rd->line, &rd->cap, &rd->lineno) == 0) {
		if (out != NULL)
			fprintf(out, "%s,%s", label, rd->line);
		if ((nc = csv_split(rd->line, cell, 64)) < 16) {
			snprintf(err, errlen, "%s:%zu: %zu cells, not a trace row", rd->path,
			    rd->lineno, nc);
			return -1;
		}
		if (*n == rcap) {
			rcap = rcap ? 2 * rcap : 1024;
			if ((grown = realloc(*rows, rcap * sizeof(*grown))) == NULL) {
				snprintf(err, errlen, "%s: out of memory", rd->path);
				return -1;
			}
			*rows = grown;
		}
		row_of(cell, nc, rd->idx, rd->due, &(*rows)[(*n)++]);
	}
	if (ferror(rd->f)) {
		snprintf(err, errlen, "%s: read error", rd->path);
		return -1;
	}
	return 0;
}

/* The numbers kept of one trace row; a cell past the row's end reads as -1. */
static void
row_of(char *const *cell, size_t nc, const int *idx, int due, struct row *r)
{
	double v[TRACE_NCOL];
	size_t c;

	for (c = 0; c < TRACE_NCOL; c++)
		v[c] = -1;
	for (c = 0; c < N_NEEDED; c++)
		v[needed[c]] = (size_t)idx[c] < nc ? strtod(cell[idx[c]], NULL) : -1;
	v[TRACE_due_us] = due >= 0 && (size_t)due < nc && cell[due][0] != '\0' ?
	    strtod(cell[due], NULL) : -1;
	r->ok = (size_t)idx[0] < nc && strcmp(cell[idx[0]], "ok") == 0;	/* needed[0]: outcome */
	r->bytes = fmax(v[TRACE_bytes_in], 0) + fmax(v[TRACE_bytes_out], 0);
	r->end_us = trace_finish_us(v);
	r->lat_us[TS_E2E] = trace_e2e_us(v, r->ok);
	r->lat_us[TS_GET] = stage_us(v, TRACE_get_start_us, TRACE_get_end_us);
	r->lat_us[TS_PROC] = stage_us(v, TRACE_proc_start_us, TRACE_proc_end_us);
	r->lat_us[TS_PUT] = stage_us(v, TRACE_put_start_us, TRACE_put_end_us);
	r->lat_us[TS_TTFB] = v[TRACE_get_ttfb_us];
	r->lat_us[TS_RESP] = trace_resp_us(v, r->ok);
	r->lat_us[TS_WAIT] = r->ok ? trace_wait_us(v) : -1;
	r->req_us = r->ok ? v[TRACE_get_total_us] + v[TRACE_put_total_us] : -1;
}

/* A stage's wall time: end minus start, -1 when it did not end. */
static double
stage_us(const double *v, enum trace_col start, enum trace_col end)
{
	return v[end] >= 0 ? v[end] - v[start] : -1;
}

static int
cmp_end(const void *a, const void *b)
{
	const struct row *x = a, *y = b;

	return (x->end_us > y->end_us) - (x->end_us < y->end_us);
}

/* Sorts rows by finish, cuts trim at each end, and fills the rates and percentiles. */
static void
compute(struct row *rows, size_t n, double trim, struct tracestats *st)
{
	size_t cut = tracestats_cut(n, trim), lo, hi, i, k, m;
	double t0, bytes = 0, req = 0, *v;
	size_t nreq = 0;

	st->rows = n;
	for (i = 0; i < n; i++)
		rows[i].ok ? st->ok++ : st->failed++;
	if (n == 0)
		return;
	qsort(rows, n, sizeof(*rows), cmp_end);
	lo = cut, hi = n - cut;		/* kept: [lo, hi) */
	t0 = lo > 0 ? rows[lo - 1].end_us : 0;
	st->kept = hi - lo;
	st->window_s = (rows[hi - 1].end_us - t0) / 1e6;
	for (i = lo; i < hi; i++) {
		bytes += rows[i].bytes;
		if (rows[i].req_us >= 0)
			req += rows[i].req_us, nreq++;
	}
	if (st->window_s > 0) {
		st->images_per_s = (double)st->kept / st->window_s;
		st->mib_per_s = bytes / (1024.0 * 1024.0) / st->window_s;
	}
	st->mean_requests_ms = nreq > 0 ? req / (double)nreq / 1e3 : -1;
	if ((v = malloc(st->kept * sizeof(*v))) == NULL)
		return;
	for (k = 0; k < TS_NLAT; k++) {
		for (m = 0, i = lo; i < hi; i++)
			if (rows[i].ok && rows[i].lat_us[k] >= 0)
				v[m++] = rows[i].lat_us[k] / 1e3;
		if (m > 0)
			stats_percentiles(v, m, tracestats_p, TRACESTATS_NP, st->lat_ms[k]);
	}
	free(v);
}
