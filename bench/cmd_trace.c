/*
 * cmd_trace.c: `exifbench trace FILE`: the stage times of one run from its trace (the CSV of
 * `run --trace`): for each stage (GET, process, PUT, end to end, GET's time to first byte and,
 * in an open-loop run, the response from when the image was due and its wait for a slot) the
 * wall time's p50, p99, max and mean, the first image's own (the earliest GET: it opens the
 * connection), and the
 * thread CPU the stage used, or "not attributable" where one thread served many transfers
 * (async, hybrid: trace_cols.h). The workshop's exercises read their traces with it instead of
 * a script. Images that failed are counted, not timed. Memory: a few numbers per image.
 */
#include <errno.h>
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "harness/results/csv.h"
#include "harness/results/stats.h"
#include "harness/results/trace_cols.h"

enum { W_GET, W_PROC, W_PUT, W_E2E, W_TTFB, W_RESP, W_WAIT, W_N };

static const char *const wname[W_N] = { "get", "process", "put", "end_to_end", "get_ttfb",
	"response", "wait" };

/* The columns read: the stages' start, end and CPU, the outcome, the due time. */
static const enum trace_col cols[] = { TRACE_outcome, TRACE_get_start_us, TRACE_get_end_us,
	TRACE_get_cpu_us, TRACE_proc_start_us, TRACE_proc_end_us, TRACE_proc_cpu_us,
	TRACE_put_start_us, TRACE_put_end_us, TRACE_put_cpu_us, TRACE_get_ttfb_us, TRACE_due_us };
#define NCOLS (sizeof(cols) / sizeof(cols[0]))

/* One stage's figures over the images that ended ok. */
struct series {
	double *wall, *cpu;	/* ms, grown together */
	size_t n, ncpu, cap;
	double first_wall, first_cpu;	/* the first image's (the earliest GET), -1 none */
	double first_start;	/* its GET start, us */
};

struct trace_sum {
	size_t rows, ok, failed;
	double span_s;		/* first start to last end */
	struct series s[W_N];
};

static const char trace_usage[] =
    "usage: exifbench trace [--json] FILE\n"
    "The stage times of one run from its trace (exifbench run --trace FILE): for GET,\n"
    "process, PUT, end to end, GET's time to first byte and, in an open-loop run (--rate),\n"
    "the response from when each image was due and its wait for a free slot: the wall\n"
    "time's p50, p99, max and mean in ms, the first image's own (the one whose GET started\n"
    "first: it opened the connection), and the thread CPU per image, or n/a where one\n"
    "thread served many transfers (async, hybrid). Images that failed are counted, not\n"
    "timed.\n"
    "  -j, --json   the same as one JSON object\n"
    "  -h, --help   this text\n"
    "exit codes: 0 ok, 2 usage, or a file that is not a trace (named, with its line)\n";

static int read_trace(const char *path, struct trace_sum *t);
static void add(struct series *s, double start_us, double wall_us, double cpu_us);
static void print_text(const char *path, struct trace_sum *t);
static json_t *to_json(const char *path, struct trace_sum *t);
static void pct(struct series *s, double *p50, double *p99, double *max, double *mean,
    double *cpu);

static int
trace_opt(int ch, const char *arg, void *ctx)
{
	(void)arg;
	if (ch == 'j')
		*(int *)ctx = 1;
	return -1;
}

int
cmd_trace(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct trace_sum t;
	int json = 0, rc;
	size_t i;

	if ((rc = cli_options(argc, argv, "jh", longopts, trace_usage, trace_opt, &json)) >= 0)
		return rc;
	if (optind + 1 != argc) {
		fprintf(stderr, "exifbench: trace needs one FILE (see --help)\n");
		return EXIT_USAGE;
	}
	memset(&t, 0, sizeof(t));
	rc = read_trace(argv[optind], &t);
	if (rc == 0 && json)
		cli_print_json(to_json(argv[optind], &t));
	else if (rc == 0)
		print_text(argv[optind], &t);
	for (i = 0; i < W_N; i++)
		free(t.s[i].wall), free(t.s[i].cpu);
	return rc == 0 ? 0 : EXIT_USAGE;
}

/* Reads path's rows into t: 0, or -1 after a one-line error naming the file (and line). */
static int
read_trace(const char *path, struct trace_sum *t)
{
	char *line = NULL, *cell[64];
	size_t cap = 0, lineno = 0, nc, i;
	double v[TRACE_NCOL], t0 = INFINITY, t1 = -INFINITY, get0;
	int idx[NCOLS], rv = -1, ok;
	FILE *f = fopen(path, "r");

	for (i = 0; i < W_N; i++) {
		t->s[i].first_wall = t->s[i].first_cpu = -1;
		t->s[i].first_start = INFINITY;
	}
	for (i = 0; i < TRACE_NCOL; i++)
		v[i] = -1;
	if (f == NULL) {
		fprintf(stderr, "exifbench: trace: %s: %s\n", path, strerror(errno));
		return -1;
	}
	if (csv_record(f, &line, &cap, &lineno) < 0) {
		fprintf(stderr, "exifbench: trace: %s: empty (no header)\n", path);
		goto out;
	}
	nc = csv_split(line, cell, 64);
	for (i = 0; i < NCOLS; i++)
		if ((idx[i] = csv_index(cell, nc, trace_col_name[cols[i]])) < 0 &&
		    cols[i] != TRACE_due_us) {
			fprintf(stderr, "exifbench: trace: %s: no column '%s': not a trace of "
			    "exifbench run --trace\n", path, trace_col_name[cols[i]]);
			goto out;
		}
	while (csv_record(f, &line, &cap, &lineno) == 0) {
		nc = csv_split(line, cell, 64);
		if ((size_t)idx[0] >= nc) {	/* cols[0]: outcome */
			fprintf(stderr, "exifbench: trace: %s:%zu: %zu cells, not a trace row\n",
			    path, lineno, nc);
			goto out;
		}
		for (i = 1; i < NCOLS; i++)
			v[cols[i]] = idx[i] >= 0 && (size_t)idx[i] < nc && cell[idx[i]][0] != '\0' ?
			    strtod(cell[idx[i]], NULL) : -1;
		ok = strcmp(cell[idx[0]], "ok") == 0;
		t->rows++;
		ok ? t->ok++ : t->failed++;
		if ((get0 = v[TRACE_get_start_us]) >= 0)
			t0 = fmin(t0, get0);
		t1 = fmax(t1, trace_finish_us(v));
		if (!ok)
			continue;
		/* the figures every reader derives the same way: trace_cols.h */
		add(&t->s[W_GET], get0, v[TRACE_get_end_us] - get0, v[TRACE_get_cpu_us]);
		if (v[TRACE_proc_start_us] >= 0)
			add(&t->s[W_PROC], get0, v[TRACE_proc_end_us] - v[TRACE_proc_start_us],
			    v[TRACE_proc_cpu_us]);
		add(&t->s[W_PUT], get0, v[TRACE_put_end_us] - v[TRACE_put_start_us],
		    v[TRACE_put_cpu_us]);
		add(&t->s[W_E2E], get0, trace_e2e_us(v, ok), -1);
		add(&t->s[W_TTFB], get0, v[TRACE_get_ttfb_us], -1);
		add(&t->s[W_RESP], get0, trace_resp_us(v, ok), -1);	/* -1 closed loop: none */
		add(&t->s[W_WAIT], get0, trace_wait_us(v), -1);
	}
	t->span_s = t1 > t0 ? (t1 - t0) / 1e6 : 0;
	rv = ferror(f) ? -1 : 0;
	if (rv < 0)
		fprintf(stderr, "exifbench: trace: %s: read error\n", path);
out:
	free(line);
	fclose(f);
	return rv;
}

/* One image's stage: its GET's start, wall and CPU in us (CPU < 0: not attributable). */
static void
add(struct series *s, double start_us, double wall_us, double cpu_us)
{
	double *w, *c;
	size_t cap;

	if (!(wall_us >= 0))
		return;
	if (s->n == s->cap) {
		cap = s->cap ? 2 * s->cap : 256;
		if ((w = realloc(s->wall, cap * sizeof(*w))) == NULL)
			return;
		s->wall = w;
		if ((c = realloc(s->cpu, cap * sizeof(*c))) == NULL)
			return;
		s->cpu = c, s->cap = cap;
	}
	if (start_us < s->first_start) {
		s->first_start = start_us;
		s->first_wall = wall_us / 1e3, s->first_cpu = cpu_us >= 0 ? cpu_us / 1e3 : -1;
	}
	s->wall[s->n++] = wall_us / 1e3;
	if (cpu_us >= 0)
		s->cpu[s->ncpu++] = cpu_us / 1e3;
}

/* The series' percentiles, mean and mean CPU (-1 when none). */
static void
pct(struct series *s, double *p50, double *p99, double *max, double *mean, double *cpu)
{
	static const double p[] = { 50, 99, 100 };
	double out[3] = { -1, -1, -1 };

	*mean = s->n > 0 ? stats_mean(s->wall, s->n) : -1;
	*cpu = s->ncpu > 0 ? stats_mean(s->cpu, s->ncpu) : -1;
	if (s->n > 0)
		(void)stats_percentiles(s->wall, s->n, p, 3, out);
	*p50 = out[0], *p99 = out[1], *max = out[2];
}

static void
print_text(const char *path, struct trace_sum *t)
{
	double p50, p99, max, mean, cpu;
	char c[32], first[32];
	size_t i;

	printf("%s: %zu images, %zu ok, %zu failed, over %.2f s (ms; images that ended ok)\n",
	    path, t->rows, t->ok, t->failed, t->span_s);
	printf("%-11s %9s %9s %9s %9s %11s %11s\n", "stage", "p50", "p99", "max", "mean",
	    "first image", "CPU/image");
	for (i = 0; i < W_N; i++) {
		if (t->s[i].n == 0)
			continue;
		pct(&t->s[i], &p50, &p99, &max, &mean, &cpu);
		snprintf(first, sizeof(first), "%.2f", t->s[i].first_wall);
		if (i == W_E2E || i == W_TTFB || i == W_RESP || i == W_WAIT)
			snprintf(c, sizeof(c), "-");
		else if (cpu < 0)
			snprintf(c, sizeof(c), "n/a");
		else
			snprintf(c, sizeof(c), "%.3f", cpu);
		printf("%-11s %9.2f %9.2f %9.2f %9.2f %11s %11s\n", wname[i], p50, p99, max, mean,
		    first, c);
	}
	if (t->s[W_GET].n > 0 && t->s[W_GET].ncpu == 0)
		printf("(CPU n/a: one thread served many transfers, so a transfer's CPU cannot be "
		    "told apart)\n");
}

static json_t *
to_json(const char *path, struct trace_sum *t)
{
	double p50, p99, max, mean, cpu;
	json_t *o = json_pack("{s:s, s:I, s:I, s:I, s:f}", "file", path, "images",
	    (json_int_t)t->rows, "ok", (json_int_t)t->ok, "failed", (json_int_t)t->failed,
	    "span_s", t->span_s), *st = json_object();
	size_t i;

	for (i = 0; i < W_N; i++) {
		if (t->s[i].n == 0)
			continue;
		pct(&t->s[i], &p50, &p99, &max, &mean, &cpu);
		json_object_set_new(st, wname[i], json_pack("{s:I, s:f, s:f, s:f, s:f, s:f, s:o}",
		    "images", (json_int_t)t->s[i].n, "p50_ms", p50, "p99_ms", p99, "max_ms", max,
		    "mean_ms", mean, "first_ms", t->s[i].first_wall, "cpu_ms",
		    cpu >= 0 ? json_real(cpu) : json_null()));
	}
	json_object_set_new(o, "stages", st);
	return o;
}
