/*
 * merge.c: rank 0's merged result folder of a multi-client run. The raw traces are read one
 * row at a time (memory: a row), twice: once to move them onto one timeline and find each
 * client's span, once to count the images that finished inside the overlap. See merge.h.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "merge.h"
#include "harness/engine/plan.h"
#include "harness/results/csv.h"
#include "harness/results/trace.h"
#include "harness/results/trace_cols.h"
#include "harness/results/tracestats.h"

#define MiB (1024.0 * 1024.0)

/* A client's span on the common timeline, and its counts, from pass one. */
struct span {
	double start_us, end_us;
	uint64_t rows, ok, failed;
};

#define KIND(name, kind, expr) #kind[0],
static const char col_kind[TRACE_NCOL] = { TRACE_COLUMNS(KIND) };
#undef KIND

static int shifted(const char *name);
static int move_rows(const char *in, FILE *out, double shift_us, struct span *s, char *err,
    size_t errlen);
static void put_cell(FILE *f, const char *cell, char kind, int shift, double shift_us);
static int count_window(const char *merged, double a_us, double b_us, uint64_t *kept,
    double *bytes, char *err, size_t errlen);
static void row_for(const struct model *m, const struct model_opts *opts, unsigned n, struct result_row *row,
    struct runner_result *rr, const struct tracestats *ts, const struct merge_totals *t,
    double cpu_s, int exit_code);
static int hosts_csv(const char *dir, const struct merge_client *c, const struct span *s,
    unsigned n, double trim, char *err, size_t errlen);

int
merge_write(struct results *res, const struct model *m, const struct model_opts *opts,
    struct merge_client *c,
    unsigned n, json_t *meta, json_t *coord, struct merge_totals *t, char *err,
    size_t errlen)
{
	char merged[PATH_MAX + 32], label[160], now[32];
	struct span *s = calloc(n, sizeof(*s));
	struct runner_result *rr = calloc(1, sizeof(*rr));
	double trim, a_us = 0, b_us = INFINITY, cpu_s = 0, bytes = 0;
	struct tracestats ts;
	struct result_row row;
	int64_t base = INT64_MAX;
	int exit_code = 0, partial = 0, rv = -1;
	uint64_t kept = 0;
	FILE *out = NULL;
	unsigned i;

	memset(t, 0, sizeof(*t));
	if (s == NULL || rr == NULL) {
		snprintf(err, errlen, "out of memory");
		goto done;
	}
	for (i = 0; i < n; i++)
		base = c[i].start_ns < base ? c[i].start_ns : base;
	snprintf(merged, sizeof(merged), "%s/logs/merged.trace.csv", res->dir);
	if ((out = fopen(merged, "w")) == NULL || trace_header(out) < 0) {
		snprintf(err, errlen, "cannot write %s", merged);
		goto done;
	}
	for (i = 0; i < n; i++) {
		s[i].start_us = (double)(c[i].start_ns - base) / 1e3;
		if (move_rows(c[i].trace, out, s[i].start_us, &s[i], err, errlen) < 0)
			goto done;
		a_us = s[i].start_us > a_us ? s[i].start_us : a_us;
		b_us = s[i].end_us < b_us ? s[i].end_us : b_us;
		t->listed += s[i].rows, t->ok += s[i].ok, t->failed += s[i].failed;
		t->wall_s = s[i].end_us / 1e6 > t->wall_s ? s[i].end_us / 1e6 : t->wall_s;
		cpu_s += c[i].cpu_s;
		exit_code = c[i].exit_code > exit_code ? c[i].exit_code : exit_code;
		partial |= c[i].signal != 0 || c[i].exit_code > 1;
	}
	if (fclose(out) != 0) {
		out = NULL;
		snprintf(err, errlen, "%s: write error", merged);
		goto done;
	}
	out = NULL;
	if (b_us > a_us && count_window(merged, a_us, b_us, &kept, &bytes, err, errlen) < 0)
		goto done;
	t->window_s = b_us > a_us ? (b_us - a_us) / 1e6 : 0;
	t->images_per_s = t->window_s > 0 ? (double)kept / t->window_s : -1;
	t->status = partial ? "partial" : "complete";

	trim = json_number_value(json_object_get(json_object_get(meta, "scenario"), "trim"));
	results_label(label, sizeof(label), m->name, opts->concurrency, "all", 1, n);
	if (tracestats_read(merged, trim, res->trace, label, RESULTS_LABEL_HEADER,
	    &res->trace_header, &ts, err, errlen) < 0)
		goto done;
	unlink(merged);
	ts.kept = (size_t)kept, ts.window_s = t->window_s, ts.images_per_s = t->images_per_s;
	ts.mib_per_s = t->window_s > 0 ? bytes / MiB / t->window_s : -1;
	row_for(m, opts, n, &row, rr, &ts, t, cpu_s, exit_code);
	results_row(res, &row);
	if (hosts_csv(res->dir, c, s, n, trim, err, errlen) < 0)
		goto done;

	json_object_set_new(coord, "window", json_pack("{s:f, s:f, s:I, s:s}", "from_s",
	    a_us / 1e6, "to_s", b_us > a_us ? b_us / 1e6 : a_us / 1e6, "images",
	    (json_int_t)kept, "rule", "the overlap: from the last client's start to the first "
	    "client's last image"));
	json_object_set_new(meta, "clients", json_incref(coord));
	json_object_set_new(meta, "status", json_string(t->status));
	json_object_set_new(meta, "runs_done", json_integer(1));
	json_object_set_new(meta, "finished_utc", json_string(plan_utc_now(now, sizeof(now))));
	json_object_set_new(json_object_get(meta, "dataset"), "images",
	    json_integer((json_int_t)t->listed));
	json_object_del(meta, "error");
	if (results_meta(res, meta, err, errlen) == 0)
		rv = 0;
done:
	if (out != NULL)
		fclose(out);
	free(s);
	free(rr);
	return rv;
}

/* Columns that hold a time from the run's start: moved onto the common timeline. */
static int
shifted(const char *name)
{
	size_t n = strlen(name);

	return (n > 9 && strcmp(name + n - 9, "_start_us") == 0) ||
	    (n > 7 && strcmp(name + n - 7, "_end_us") == 0);
}

/* Pass one: in's rows, moved by shift_us, to out; s gets the client's counts and last end. */
static int
move_rows(const char *in, FILE *out, double shift_us, struct span *s, char *err,
    size_t errlen)
{
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

/* Pass two: the images that finished inside [a_us, b_us], and their bytes. */
static int
count_window(const char *merged, double a_us, double b_us, uint64_t *kept, double *bytes,
    char *err, size_t errlen)
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
		if (fin >= a_us && fin <= b_us) {
			(*kept)++;
			*bytes += v[TRACE_bytes_in] + v[TRACE_bytes_out];
		}
	}
	free(line);
	fclose(f);
	return 0;
}

/* summary.csv's row: the clients as one. */
static void
row_for(const struct model *m, const struct model_opts *opts, unsigned n, struct result_row *row,
    struct runner_result *rr, const struct tracestats *ts, const struct merge_totals *t,
    double cpu_s, int exit_code)
{
	long us = (long)llround(cpu_s * 1e6);

	rr->ru.ru_utime.tv_sec = us / 1000000, rr->ru.ru_utime.tv_usec = us % 1000000;
	rr->sys = (struct sampler_system){ -1, -1, -1, -1, -1, -1, -1, -1 };
	rr->exit_code = exit_code;
	memset(row, 0, sizeof(*row));
	row->model = m->name, row->level = opts->concurrency, row->rep = 1, row->clients = n;
	row->workers = m->uses_workers ? opts->workers : 0;
	row->client_cpus = "";
	row->client_pus = 0;	/* several hosts: their PUs are in hosts.csv's meta, not one figure */
	row->in_flight = n * model_in_flight(m, opts->concurrency);
	row->cpu_threads = n * model_cpu_threads(m, opts, 1);
	row->exit_code = exit_code;
	row->status = strcmp(t->status, "partial") == 0 ? "stopped" : exit_code == 0 ? "ok" :
	    exit_code == 1 ? "failed_keys" : "error";
	row->wall_s = t->wall_s, row->ts = ts, row->rr = rr;
	row->littles_ips = ts->mean_requests_ms > 0 ? row->in_flight * 1e3 /
	    ts->mean_requests_ms : -1;
}

/* hosts.csv: a row per client, its own figures from its own trace. */
static int
hosts_csv(const char *dir, const struct merge_client *c, const struct span *s, unsigned n,
    double trim, char *err, size_t errlen)
{
	char path[PATH_MAX + 16], terr[256];
	struct tracestats ts;
	FILE *f;
	unsigned i;

	snprintf(path, sizeof(path), "%s/hosts.csv", dir);
	if ((f = fopen(path, "w")) == NULL) {
		snprintf(err, errlen, "cannot write %s", path);
		return -1;
	}
	fputs("rank,host,exit_code,signal,images,ok,errors,recovered,start_ms,end_s,"
	    "images_per_s,e2e_p50_ms,e2e_p99_ms,cpu_s,max_rss_kib,clock_offset_ms,clock_rtt_ms\n",
	    f);
	for (i = 0; i < n; i++) {
		if (tracestats_read(c[i].trace, trim, NULL, NULL, NULL, NULL, &ts, terr,
		    sizeof(terr)) < 0)
			ts.images_per_s = -1, ts.lat_ms[TS_E2E][0] = ts.lat_ms[TS_E2E][2] = -1;
		fprintf(f, "%u,\"%s\",%d,%d,%llu,%llu,%llu,%llu,%.3f,%.3f,%.3f,%.3f,%.3f,%.3f,%ld,"
		    "%.3f,%.3f\n", c[i].rank, c[i].host, c[i].exit_code, c[i].signal,
		    (unsigned long long)s[i].rows, (unsigned long long)s[i].ok,
		    (unsigned long long)s[i].failed, (unsigned long long)c[i].recovered,
		    s[i].start_us / 1e3, s[i].end_us / 1e6, ts.images_per_s,
		    ts.lat_ms[TS_E2E][0], ts.lat_ms[TS_E2E][2], c[i].cpu_s, c[i].max_rss_kib,
		    c[i].offset_ms, c[i].rtt_ms);
	}
	if (fclose(f) != 0) {
		snprintf(err, errlen, "%s: write error", path);
		return -1;
	}
	return 0;
}
