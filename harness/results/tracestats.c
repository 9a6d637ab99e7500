/*
 * tracestats.c: a run's figures from its trace CSV. See tracestats.h. The trace is read
 * once; each row keeps only a few numbers, so memory grows with the images of one run (72
 * bytes each), never with the text. Columns are found by name in the header, so a column
 * added to trace.c does not break this reader.
 */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "csv.h"
#include "stats.h"
#include "tracestats.h"

const double tracestats_p[TRACESTATS_NP] = { 50, 90, 99, 99.9, 100 };

/* The columns read, by name. */
#define COLUMNS(X) X(outcome) X(bytes_in) X(bytes_out) X(get_ttfb_us) X(get_total_us) \
	X(put_total_us) X(get_start_us) X(get_end_us) X(proc_start_us) X(proc_end_us) \
	X(put_start_us) X(put_end_us)
#define X(name) C_##name,
enum column { COLUMNS(X) C_N };
#undef X
#define X(name) #name,
static const char *const column_names[C_N] = { COLUMNS(X) };
#undef X

struct row {
	double end_us;		/* when the image finished: its last stage's end */
	double lat_us[TS_NLAT];	/* -1: no such stage */
	double req_us;		/* GET + PUT, curl's totals */
	double bytes;
	int ok;
};

static int cmp_end(const void *a, const void *b);
static void compute(struct row *rows, size_t n, double trim, struct tracestats *st);

int
tracestats_read(const char *path, double trim, FILE *out, const char *label,
    const char *label_header, int *header, struct tracestats *st, char *err, size_t errlen)
{
	FILE *f;
	char *line = NULL, *cell[64];
	size_t cap = 0, lineno = 0, n = 0, rcap = 0, nc, i;
	int idx[C_N], rv = -1, c;
	struct row *rows = NULL, *r, *grown;
	double v[C_N];

	memset(st, 0, sizeof(*st));
	for (c = 0; c < TS_NLAT; c++)
		for (i = 0; i < TRACESTATS_NP; i++)
			st->lat_ms[c][i] = -1;
	st->mean_requests_ms = -1;
	if ((f = fopen(path, "r")) == NULL) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	if (csv_record(f, &line, &cap, &lineno) < 0) {
		snprintf(err, errlen, "%s: empty trace (no header)", path);
		goto out;
	}
	if (out != NULL && !*header)
		fprintf(out, "%s,%s", label_header, line), *header = 1;
	nc = csv_split(line, cell, 64);
	for (c = 0; c < C_N; c++) {
		if ((idx[c] = csv_index(cell, nc, column_names[c])) < 0) {
			snprintf(err, errlen, "%s: header has no column '%s'", path,
			    column_names[c]);
			goto out;
		}
	}
	while (csv_record(f, &line, &cap, &lineno) == 0) {
		if (out != NULL)
			fprintf(out, "%s,%s", label, line);
		if ((nc = csv_split(line, cell, 64)) < 16) {
			snprintf(err, errlen, "%s:%zu: %zu cells, not a trace row", path, lineno,
			    nc);
			goto out;
		}
		if (n == rcap) {
			rcap = rcap ? 2 * rcap : 1024;
			if ((grown = realloc(rows, rcap * sizeof(*rows))) == NULL) {
				snprintf(err, errlen, "%s: out of memory", path);
				goto out;
			}
			rows = grown;
		}
		for (c = 0; c < C_N; c++)
			v[c] = (size_t)idx[c] < nc ? strtod(cell[idx[c]], NULL) : -1;
		r = &rows[n++];
		r->ok = (size_t)idx[C_outcome] < nc && strcmp(cell[idx[C_outcome]], "ok") == 0;
		r->bytes = fmax(v[C_bytes_in], 0) + fmax(v[C_bytes_out], 0);
		r->end_us = fmax(fmax(v[C_get_end_us], v[C_proc_end_us]), v[C_put_end_us]);
		r->lat_us[TS_E2E] = r->ok ? v[C_put_end_us] - v[C_get_start_us] : -1;
		r->lat_us[TS_GET] = v[C_get_end_us] >= 0 ? v[C_get_end_us] - v[C_get_start_us] : -1;
		r->lat_us[TS_PROC] = v[C_proc_end_us] >= 0 ?
		    v[C_proc_end_us] - v[C_proc_start_us] : -1;
		r->lat_us[TS_PUT] = v[C_put_end_us] >= 0 ? v[C_put_end_us] - v[C_put_start_us] : -1;
		r->lat_us[TS_TTFB] = v[C_get_ttfb_us];
		r->req_us = r->ok ? v[C_get_total_us] + v[C_put_total_us] : -1;
	}
	if (ferror(f)) {
		snprintf(err, errlen, "%s: read error", path);
		goto out;
	}
	compute(rows, n, trim, st);
	rv = 0;
out:
	free(rows);
	free(line);
	fclose(f);
	return rv;
}

size_t
tracestats_count(const char *path, long *offset, size_t *lines)
{
	char buf[8192];
	size_t got, i;
	FILE *f;

	if ((f = fopen(path, "r")) != NULL) {
		if (fseek(f, *offset, SEEK_SET) == 0)
			while ((got = fread(buf, 1, sizeof(buf), f)) > 0) {
				for (i = 0; i < got; i++)
					*lines += buf[i] == '\n';
				*offset += (long)got;
			}
		fclose(f);
	}
	return *lines > 0 ? *lines - 1 : 0;
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
	size_t cut = n >= 20 ? (size_t)floor(trim * (double)n) : 0, lo, hi, i, k, m;
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
