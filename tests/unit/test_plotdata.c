/*
 * test_plotdata.c: unit tests of harness/report/plotdata.c and plotdata_runs.c, the figures'
 * data files. A report is built by hand (as report_build would) from result folders written
 * here from strings: a scenario "tiny" with sequential, pthreads and async runs, traces and
 * samples, and a scenario "hw" with two client PU sets. Checked: every file's blocks, rows and
 * columns; NaN for a missing bound, a blank summary cell, a failed fit, a run without samples;
 * the speedups; the timelines (the level closest to 8, greedy lanes, times from the first
 * start, one row per stage that happened); the latency CDF (failed images left out, thinned to
 * 200 rows, monotone, ending at the maximum and 1.0); hardware-S.dat only for a scenario with
 * two PU sets. The pure helpers: the bounded earliest-40 insertion, greedy lanes on hand-made
 * images (sequential -> 1 lane, 3 overlapping -> 3), the CDF row choice. When the checked-in
 * tests/data/results-small/ exists, every file of each of its scenarios is checked too. Bad
 * arguments and an unwritable folder fail with err set.
 */
#include "harness/report/plotdata.c"
#include "harness/report/plotdata_runs.c"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <unistd.h>

#include <cmocka.h>

#include "../testutil.h"

#define MAX_BLOCKS 8
#define MAX_ROWS 256
#define MAX_COLS 12

/* A data file read back: its first comment, rows per block, cells (strings read as NaN). */
struct dat {
	char first[128];
	size_t blocks, rows[MAX_BLOCKS];
	size_t cols[MAX_BLOCKS][MAX_ROWS];
	double v[MAX_BLOCKS][MAX_ROWS][MAX_COLS];
};

struct fixture {
	char dir[64], out[128];
	struct report rep;
	struct dat d;
};

static const char *const model_names[] = { "sequential", "pthreads", "forkpool", "async",
	"hybrid" };

static const char summary_tiny[] =
    "model,level,workers,client_cpus,client_pus,rep,status,exit_code,images_per_s,"
    "model_on_pct,model_runq_pct,model_off_pct,server_on_pct,server_runq_pct,server_off_pct,"
    "model_cpu_pct,server_cpu_pct,model_wait_samples,model_wait_network_pct,"
    "model_wait_lock_pct,model_wait_pipe_pct,model_wait_sleep_pct,model_wait_disk_pct,"
    "model_wait_other_pct,model_wait_top,model_wait_top_pct\n"
    "sequential,1,0,all,2,1,ok,0,10,80,1,19,,,,81,,,,,,,,,,\n"
    "async,1,0,all,2,1,ok,0,10,50,0,50,1,0,99,50,90,,,,,,,,,\n"
    "async,8,0,all,2,1,ok,0,35,70,10,20,1,0,99,80,95,40,90,10,0,0,0,0,epoll_wait,85\n"
    "async,4,0,all,2,1,ok,0,30,60,5,35,1,0,99,65,92,,,,,,,,,\n"
    "pthreads,2,0,all,2,1,ok,0,18,60,5,35,1,0,99,65,92,,,,,,,,,\n";

/* async 8: written out of start order; k0, k1, k2 overlap, k3 starts after k0 ends. */
static const char trace_tiny[] =
    "model,level,client_pus,rep,key,outcome,get_start_us,get_end_us,proc_start_us,"
    "proc_end_us,put_start_us,put_end_us\n"
    "sequential,1,2,1,\"s0\",\"ok\",1000,11000,11000,21000,21000,31000\n"
    "sequential,1,2,1,\"s1\",\"ok\",31000,41000,41000,51000,51000,61000\n"
    "sequential,1,2,1,\"s2\",\"ok\",61000,71000,71000,81000,81000,91000\n"
    "sequential,1,2,1,\"s3\",\"failed\",91000,96000,-1,-1,-1,-1\n"
    "async,8,2,1,\"k3\",\"ok\",151000,160000,160000,170000,170000,180000\n"
    "async,8,2,1,\"k0\",\"ok\",1000,50000,50000,60000,60000,101000\n"
    "async,8,2,1,\"k2\",\"ok\",3000,50000,50000,60000,60000,103000\n"
    "async,8,2,1,\"k1\",\"ok\",2000,50000,50000,60000,60000,102000\n"
    "async,4,2,1,\"x\",\"ok\",0,1,1,2,2,3\n";

static const char samples_tiny[] =
    "model,level,client_pus,rep,t_s,model_cpu_pct,server_cpu_pct,shaper_cpu_pct\n"
    "sequential,1,2,1,0.1,80,20,0\n"
    "sequential,1,2,1,0.2,81,21,0\n"
    "sequential,1,2,1,0.3,82,,0\n"
    "async,8,2,1,0.1,150,30,0\n"
    "async,8,2,1,0.2,151,31,0\n";

static const char summary_hw[] =
    "model,level,workers,client_cpus,client_pus,rep,status,exit_code,images_per_s\n"
    "sequential,1,0,0,1,1,ok,0,4\n"
    "async,1,0,0,1,1,ok,0,4\n"
    "async,64,0,0,1,1,ok,0,200\n"
    "sequential,1,0,0-1,2,1,ok,0,5\n"
    "async,1,0,0-1,2,1,ok,0,5\n"
    "async,64,0,0-1,2,1,ok,0,250\n";

static void
put_file(const char *dir, const char *name, const char *text)
{
	char path[256];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	assert_non_null(f = fopen(path, "w"));
	fputs(text, f);
	assert_int_equal(fclose(f), 0);
}

/* DIR/sub, a scenario folder named name; the pthreads run gets 500 images (e2e 1..500 ms). */
static void
put_scenario(const char *dir, const char *sub, const char *name, const char *summary,
    const char *trace, const char *samples)
{
	char path[128], meta[128], row[160];
	FILE *f;
	int i;

	snprintf(path, sizeof(path), "%s/%s", dir, sub);
	assert_int_equal(mkdir(path, 0777), 0);
	snprintf(meta, sizeof(meta), "{\"scenario\": {\"name\": \"%s\"}}\n", name);
	put_file(path, "meta.json", meta);
	put_file(path, "summary.csv", summary);
	if (samples != NULL)
		put_file(path, "samples.csv", samples);
	if (trace == NULL)
		return;
	put_file(path, "trace.csv", trace);
	snprintf(meta, sizeof(meta), "%s/trace.csv", path);
	assert_non_null(f = fopen(meta, "a"));
	for (i = 500; i >= 1; i--) {
		snprintf(row, sizeof(row), "pthreads,2,2,1,\"p%d\",\"ok\",%d,%d,%d,%d,%d,%d\n", i,
		    i * 10, i * 10 + 1, i * 10 + 1, i * 10 + 2, i * 10 + 2, i * 10 + 1000 * i);
		fputs(row, f);
	}
	assert_int_equal(fclose(f), 0);
}

/* Fills rep from dir as report_build would: main set = most PUs, runs in level order. */
static void
build(struct report *rep, const char *dir)
{
	struct report_scenario *s;
	const struct rs_scenario *rs;
	struct report_model *m;
	const struct rs_run *r;
	char err[256];
	size_t i, j, k, l;

	assert_int_equal(resultset_load(&rep->rs, dir, err, sizeof(err)), 0);
	assert_non_null(rep->sc = calloc(rep->rs.n, sizeof(*rep->sc)));
	for (rep->n = 0; rep->n < rep->rs.n; rep->n++) {
		s = &rep->sc[rep->n];
		s->rs = rs = &rep->rs.sc[rep->n];
		snprintf(s->label, sizeof(s->label), "%s", rs->name);	/* names are unique here */
		assert_non_null(s->bounds = calloc(rs->n_runs, sizeof(*s->bounds)));
		assert_non_null(s->bound_in = calloc(rs->n_runs, sizeof(*s->bound_in)));
		for (k = 0; k < rs->n_runs; k++) {
			r = &rs->runs[k];
			s->bounds[k].best = r->level >= 8 ? INFINITY : 100.0 * r->level;
			/* the crossover's inputs: R0 0.1 s, client CPU the only other bound (200/s) */
			for (l = 0; l < B_N; l++)
				s->bounds[k].x[l] = l == B_CLIENT_CPU ? 200 : INFINITY;
			s->bound_in[k].r0_s = 0.1;
			if (r->client_pus > s->main_pus || s->n_tags == 0) {
				s->main_pus = r->client_pus;
				snprintf(s->main_tag, sizeof(s->main_tag), "%s", r->tag);
			}
			for (l = 0; l < k && strcmp(rs->runs[l].tag, r->tag) != 0; l++)
				;
			s->n_tags += l == k;
		}
		for (j = 0; j < 5; j++) {
			m = &s->models[s->n_models];
			for (k = 0; k < rs->n_runs; k++) {
				r = &rs->runs[k];
				if (strcmp(r->model, model_names[j]) != 0 ||
				    strcmp(r->tag, s->main_tag) != 0)
					continue;
				for (l = m->n_runs++; l > 0 && m->runs[l - 1]->level > r->level; l--)
					m->runs[l] = m->runs[l - 1];
				m->runs[l] = r;
				if (m->best == NULL || r->v[RS_images_per_s] >
				    m->best->v[RS_images_per_s])
					m->best = r;
			}
			if (m->n_runs == 0)
				continue;
			snprintf(m->name, sizeof(m->name), "%s", model_names[j]);
			m->mi = (int)j + 1;
			m->usl_ok = m->n_runs >= 3;
			m->usl = (struct usl){ .lambda = 10, .sigma = 0.1, .kappa = 0.01,
				.nstar = sqrt(0.9 / 0.01) };
			s->n_models++;
		}
		s->seq = rs_find(rs, "sequential", 1, s->main_tag);
	}
	for (i = 0; i < rep->n; i++)
		assert_true(rep->sc[i].n_models > 0);
}

static void
unbuild(struct report *rep)
{
	size_t i;

	for (i = 0; i < rep->n; i++) {
		free(rep->sc[i].bounds);
		free(rep->sc[i].bound_in);
	}
	free(rep->sc);
	resultset_free(&rep->rs);
	memset(rep, 0, sizeof(*rep));
}

static int
setup(void **state)
{
	struct fixture *fx = calloc(1, sizeof(*fx));

	if (fx == NULL || testutil_tmpdir(fx->dir, sizeof(fx->dir), "test_plotdata") < 0)
		return -1;
	snprintf(fx->out, sizeof(fx->out), "%s/plots/data", fx->dir);
	*state = fx;
	return 0;
}

static int
teardown(void **state)
{
	struct fixture *fx = *state;

	unbuild(&fx->rep);
	testutil_rmtree(fx->dir);
	free(fx);
	return 0;
}

/* Reads fx->out/name into fx->d; fails if it is missing or has more than the limits. */
static struct dat *
dat(struct fixture *fx, const char *name)
{
	char path[256], line[512], *p, *end;
	struct dat *d = &fx->d;
	int blanks = 0;
	FILE *f;
	size_t r, c;

	memset(d, 0, sizeof(*d));
	snprintf(path, sizeof(path), "%s/%s", fx->out, name);
	if ((f = fopen(path, "r")) == NULL)
		fail_msg("%s: missing", path);
	d->blocks = 1;
	while (fgets(line, sizeof(line), f) != NULL) {
		if (line[0] == '#') {
			if (d->first[0] == '\0')
				snprintf(d->first, sizeof(d->first), "%s", line);
			continue;
		}
		if (line[0] == '\n') {
			if (++blanks == 2)
				d->blocks++;
			assert_true(blanks <= 2);
			continue;
		}
		blanks = 0;
		assert_true(d->blocks <= MAX_BLOCKS);
		r = d->rows[d->blocks - 1]++;
		assert_true(r < MAX_ROWS);
		for (c = 0, p = strtok(line, " \n"); p != NULL; p = strtok(NULL, " \n"), c++) {
			assert_true(c < MAX_COLS);
			d->v[d->blocks - 1][r][c] = strtod(p, &end);
			if (*end != '\0') {	/* a string */
				assert_true(p[0] == '"' && end[strlen(end) - 1] == '"');
				d->v[d->blocks - 1][r][c] = NAN;
			} else if (isnan(d->v[d->blocks - 1][r][c]))
				assert_string_equal(p, "NaN");	/* the spelling gnuplot reads */
		}
		d->cols[d->blocks - 1][r] = c;
	}
	fclose(f);
	return d;
}

/* Every row of d has ncols cells. */
static void
assert_cols(const struct dat *d, size_t ncols)
{
	size_t b, r;

	for (b = 0; b < d->blocks; b++)
		for (r = 0; r < d->rows[b]; r++)
			assert_int_equal(d->cols[b][r], ncols);
}

static int
exists(struct fixture *fx, const char *name)
{
	char path[256];

	snprintf(path, sizeof(path), "%s/%s", fx->out, name);
	return access(path, F_OK) == 0;
}

static void
write_tiny(struct fixture *fx, int with_hw)
{
	char err[256];

	put_scenario(fx->dir, "a-tiny", "tiny", summary_tiny, trace_tiny, samples_tiny);
	if (with_hw)
		put_scenario(fx->dir, "b-hw", "hw", summary_hw, NULL, NULL);
	build(&fx->rep, fx->dir);
	assert_int_equal(plotdata_write(&fx->rep, fx->out, err, sizeof(err)), 0);
}

static void
test_summary_files(void **state)
{
	struct fixture *fx = *state;
	char path[256], *models;
	struct dat *d;

	write_tiny(fx, 0);
	snprintf(path, sizeof(path), "%s/models-tiny.txt", fx->out);
	assert_non_null(models = testutil_slurp(path, NULL));
	assert_string_equal(models, "sequential pthreads async\n");
	free(models);

	d = dat(fx, "throughput-tiny.dat");
	assert_int_equal(d->blocks, 1);
	assert_int_equal(d->rows[0], 3);
	assert_cols(d, 7);
	assert_true(d->v[0][2][1] == 4 && d->v[0][2][2] == 35 && d->v[0][2][3] == 8);
	assert_true(d->v[0][2][4] == 3.5 && d->v[0][1][4] == 1.8 && d->v[0][0][4] == 1);
	/* one run a level: no interval */
	assert_true(isnan(d->v[0][2][5]) && d->v[0][2][6] == 1);

	d = dat(fx, "cpu-tiny.dat");
	assert_int_equal(d->rows[0], 3);
	assert_cols(d, 10);
	assert_true(d->v[0][0][2] == 80 && isnan(d->v[0][0][5]) && isnan(d->v[0][0][7]));
	assert_true(d->v[0][2][2] == 70 && d->v[0][2][7] == 99);
	/* CPU in % of a core: sequential's server unknown; async's best (8) 80 and 95 */
	assert_true(d->v[0][0][8] == 81 && isnan(d->v[0][0][9]));
	assert_true(d->v[0][2][8] == 80 && d->v[0][2][9] == 95);

	/* The wait profile of each best run: async at 8 has one, the others none (NaN). */
	d = dat(fx, "waits-tiny.dat");
	assert_int_equal(d->rows[0], 3);
	assert_cols(d, 12);
	assert_true(d->v[0][2][2] == 90 && d->v[0][2][3] == 10 && d->v[0][2][8] == 40);
	assert_true(d->v[0][2][9] == 8 && d->v[0][2][11] == 85);
	assert_true(isnan(d->v[0][0][2]) && isnan(d->v[0][0][8]) && isnan(d->v[0][0][11]));

	/* Bounds: 100 x level under 8, none (NaN) at 8. */
	d = dat(fx, "scaling-tiny.dat");
	assert_int_equal(d->blocks, 3);
	assert_true(d->rows[0] == 1 && d->rows[1] == 1 && d->rows[2] == 3);
	assert_cols(d, 6);
	assert_true(d->v[2][1][5] == 1 && isnan(d->v[2][1][4]));	/* one repeat: no bar */
	assert_true(d->v[2][0][0] == 1 && d->v[2][1][0] == 4 && d->v[2][2][0] == 8);
	assert_true(d->v[2][1][1] == 30 && d->v[2][1][2] == 400 && d->v[2][1][3] == 4);
	assert_true(isnan(d->v[2][2][2]));

	/*
	 * Marks: async's N* sqrt(0.9 / 0.01) within the levels (up to 1.25 x 8), its crossover
	 * 200/s x 0.1 s = 20 beyond them (named in the note); one level or no fit: NaN.
	 */
	d = dat(fx, "crossover-tiny.dat");
	assert_string_equal(d->first, "# note crossover beyond the levels run: async 20\n");
	assert_int_equal(d->rows[0], 3);
	assert_cols(d, 6);
	assert_true(isnan(d->v[0][0][2]) && isnan(d->v[0][0][4]) && isnan(d->v[0][1][4]));
	assert_true(d->v[0][2][1] == 4 && fabs(d->v[0][2][2] - sqrt(90)) < 1e-4);
	assert_true(fabs(d->v[0][2][3] - 10 * sqrt(90) / (1 + 0.1 * (sqrt(90) - 1) +
	    0.01 * sqrt(90) * (sqrt(90) - 1))) < 1e-3);
	assert_true(d->v[0][2][4] == 20 && d->v[0][2][5] == 200);

	/* A failed fit is one NaN row, so the indexes stay aligned. */
	d = dat(fx, "uslfit-tiny.dat");
	assert_int_equal(d->blocks, 3);
	assert_true(d->rows[0] == 1 && d->rows[1] == 1 && d->rows[2] == 100);
	assert_cols(d, 3);
	assert_true(isnan(d->v[0][0][0]) && d->v[0][0][2] == 1 && d->v[1][0][2] == 2);
	assert_true(d->v[2][0][0] == 1 && fabs(d->v[2][0][1] - 10) < 1e-9);
	assert_true(fabs(d->v[2][99][0] - 8) < 1e-9);
	assert_true(fabs(d->v[2][99][1] - 80 / (1 + 0.7 + 0.56)) < 1e-4);
	assert_true(d->v[2][50][0] > d->v[2][49][0]);

	d = dat(fx, "cputime-tiny.dat");
	assert_int_equal(d->blocks, 3);
	assert_true(d->rows[0] == 3 && d->rows[1] == 1 && d->rows[2] == 2);
	assert_cols(d, 5);
	assert_true(d->v[0][2][1] == 82 && isnan(d->v[0][2][2]) && d->v[0][2][4] == 1);
	assert_true(isnan(d->v[1][0][0]) && d->v[1][0][4] == 2);
	assert_true(d->v[2][1][0] == 0.2 && d->v[2][1][1] == 151 && d->v[2][1][4] == 4);

	/* No scenario with two PU sets: no hardware file. */
	assert_false(exists(fx, "hardware-tiny.dat"));
}

static void
test_latency(void **state)
{
	struct fixture *fx = *state;
	struct dat *d;
	size_t b, r;

	write_tiny(fx, 0);
	d = dat(fx, "latency-tiny.dat");
	assert_int_equal(d->blocks, 3);
	assert_cols(d, 3);
	assert_int_equal(d->rows[0], 3);	/* the failed image is left out */
	assert_true(d->v[0][0][0] == 30 && d->v[0][2][0] == 30 && d->v[0][2][1] == 1);
	assert_int_equal(d->rows[1], 200);	/* 500 images thinned */
	assert_int_equal(d->rows[2], 4);
	assert_true(d->v[2][0][0] == 29 && d->v[2][3][0] == 100 && d->v[2][3][2] == 4);
	for (b = 0; b < 3; b++) {
		for (r = 1; r < d->rows[b]; r++) {
			assert_true(d->v[b][r][0] >= d->v[b][r - 1][0]);
			assert_true(d->v[b][r][1] > d->v[b][r - 1][1]);
		}
		assert_true(d->v[b][d->rows[b] - 1][1] == 1);
	}
	/* Image i takes i ms; rows at ranks 2, 5, ..., 500 of 500, so the max is kept. */
	assert_true(d->v[1][199][0] == 500 && d->v[1][0][0] == 2 && d->v[1][0][1] == 0.004);
	assert_true(d->v[1][1][0] == 5 && d->v[1][1][1] == 0.01);
}

/*
 * With the scenario's trim 0.1 the CDF is of the images the percentiles are of: pthreads'
 * 500 (image i finishing i-th, i ms) lose 50 at each end, 51..450 ms kept, so neither the
 * first to finish nor the last drain are its ends; under 20 images nothing is cut.
 */
static void
test_latency_trim(void **state)
{
	struct fixture *fx = *state;
	char err[256];
	struct dat *d;

	put_scenario(fx->dir, "a-tiny", "tiny", summary_tiny, trace_tiny, samples_tiny);
	put_file(fx->dir, "a-tiny/meta.json",
	    "{\"scenario\": {\"name\": \"tiny\", \"trim\": 0.1}}\n");
	build(&fx->rep, fx->dir);
	assert_int_equal(plotdata_write(&fx->rep, fx->out, err, sizeof(err)), 0);
	d = dat(fx, "latency-tiny.dat");
	assert_int_equal(d->blocks, 3);
	assert_int_equal(d->rows[1], 200);	/* 400 images thinned */
	assert_true(d->v[1][0][0] == 52 && d->v[1][199][0] == 450 && d->v[1][199][1] == 1);
	assert_int_equal(d->rows[0], 3);	/* 4 images: none cut */
}

static void
test_gantt(void **state)
{
	struct fixture *fx = *state;
	struct dat *d;
	size_t r;

	write_tiny(fx, 0);
	assert_false(exists(fx, "gantt-tiny-hybrid.dat"));
	assert_false(exists(fx, "gantt-tiny-pthreads.dat"));

	/* Back to back: one lane; the failed image has its GET row only. */
	d = dat(fx, "gantt-tiny-sequential.dat");
	assert_string_equal(d->first, "# level 1\n");
	assert_int_equal(d->rows[0], 10);
	assert_cols(d, 6);
	for (r = 0; r < 10; r++)	/* one lane: images 1 3 full, 2 4 paler */
		assert_true(d->v[0][r][0] == 1 && d->v[0][r][4] == r / 3 + 1 &&
		    d->v[0][r][5] == (r / 3) % 2);
	assert_true(d->v[0][0][1] == 0 && d->v[0][0][2] == 0.01 && d->v[0][0][3] == 1);
	assert_true(d->v[0][8][3] == 3 && d->v[0][8][2] == 0.09 && d->v[0][9][3] == 1);

	/* Level 8 (closest to 8); in start order k0 k1 k2 k3 on lanes 1 2 3 1. */
	d = dat(fx, "gantt-tiny-async.dat");
	assert_string_equal(d->first, "# level 8\n");
	assert_int_equal(d->rows[0], 12);
	assert_true(d->v[0][0][0] == 1 && d->v[0][3][0] == 2 && d->v[0][6][0] == 3);
	assert_true(d->v[0][9][0] == 1 && d->v[0][9][4] == 4);
	assert_true(d->v[0][0][1] == 0 && d->v[0][3][1] == 0.001 && d->v[0][9][1] == 0.15);
}

static void
test_hardware(void **state)
{
	struct fixture *fx = *state;
	struct dat *d;

	write_tiny(fx, 1);
	assert_false(exists(fx, "hardware-tiny.dat"));	/* one PU set there */
	d = dat(fx, "hardware-hw.dat");
	assert_string_equal(d->first, "# pus 1 2\n");
	assert_int_equal(d->rows[0], 2);
	assert_cols(d, 5);
	assert_true(d->v[0][0][1] == 1 && d->v[0][0][2] == 4 && d->v[0][0][3] == 5);
	assert_true(d->v[0][1][1] == 4 && d->v[0][1][2] == 200 && d->v[0][1][3] == 250);
	assert_true(d->v[0][1][4] == 64);
	/* hw has no trace and no samples: NaN rows, files still there. */
	d = dat(fx, "latency-hw.dat");
	assert_int_equal(d->blocks, 2);
	assert_true(d->rows[0] == 1 && isnan(d->v[0][0][0]));
	d = dat(fx, "gantt-hw-async.dat");
	assert_string_equal(d->first, "# level 1\n");
	assert_int_equal(d->rows[0], 0);
}

static void
test_keep_earliest(void **state)
{
	struct gantt g = { .n = 0 };
	struct img x = { { 0 } };
	size_t i;

	for (i = 0; i < 100; i++) {
		x.t[0] = (double)((i * 37) % 100);
		gantt_keep(&g, &x);
	}
	assert_int_equal(g.n, GANTT_IMAGES);
	for (i = 0; i < GANTT_IMAGES; i++)
		assert_true(g.im[i].t[0] == (double)i);
}

static void
test_lanes(void **state)
{
	/* GET, process and PUT start and end of up to 4 images; the lanes each should take. */
	static const struct {
		size_t n;
		double t[4][6];
		int lane[4], nth[4];
		size_t lanes;
	} cases[] = {
		{ 3, { { 0, 10, 10, 20, 20, 30 }, { 30, 40, 40, 50, 50, 60 },
		    { 60, 70, 70, 80, 80, 90 } }, { 1, 1, 1 }, { 0, 1, 2 }, 1 },
		{ 3, { { 0, 50, 50, 60, 60, 100 }, { 1, 50, 50, 60, 60, 100 },
		    { 2, 50, 50, 60, 60, 100 } }, { 1, 2, 3 }, { 0, 0, 0 }, 3 },
		{ 4, { { 0, 50, 50, 60, 60, 100 }, { 1, 20, 20, 30, 30, 50 },
		    { 60, 61, 61, 62, 62, 70 }, { 101, 102, 102, 103, 103, 110 } },
		    { 1, 2, 2, 1 }, { 0, 0, 1, 1 }, 2 },
		{ 2, { { 0, 5, -1, -1, -1, -1 }, { 6, 7, 7, 8, 8, 9 } }, { 1, 1 }, { 0, 1 }, 1 },
		{ 0, { { 0 } }, { 0 }, { 0 }, 0 },
	};
	struct img im[4];
	int lane[4], nth[4];
	size_t c, i;

	for (c = 0; c < sizeof(cases) / sizeof(cases[0]); c++) {
		for (i = 0; i < cases[c].n; i++)
			memcpy(im[i].t, cases[c].t[i], sizeof(im[i].t));
		assert_int_equal(gantt_lanes(im, cases[c].n, lane, nth), cases[c].lanes);
		for (i = 0; i < cases[c].n; i++) {
			assert_int_equal(lane[i], cases[c].lane[i]);
			assert_int_equal(nth[i], cases[c].nth[i]);
		}
	}
}

static void
test_cdf_pick(void **state)
{
	static const struct {
		size_t n, rows, first;
	} cases[] = { { 0, 0, 0 }, { 1, 1, 0 }, { 7, 7, 0 }, { 200, 200, 0 }, { 201, 200, 0 },
		{ 1000, 200, 4 }, { 100003, 200, 499 } };
	size_t idx[CDF_ROWS], c, k, rows;

	for (c = 0; c < sizeof(cases) / sizeof(cases[0]); c++) {
		rows = cdf_pick(cases[c].n, CDF_ROWS, idx);
		assert_int_equal(rows, cases[c].rows);
		if (rows == 0)
			continue;
		assert_int_equal(idx[0], cases[c].first);
		assert_int_equal(idx[rows - 1], cases[c].n - 1);
		for (k = 1; k < rows; k++)
			assert_true(idx[k] > idx[k - 1]);
	}
}

/* The checked-in results-small: every scenario's files, their columns, aligned indexes. */
static void
test_results_small(void **state)
{
	struct fixture *fx = *state;
	char path[512], name[160], err[256];
	const struct report_scenario *s;
	struct dat *d;
	size_t i;

	testutil_data_path(path, sizeof(path), "results-small");
	if (access(path, F_OK) != 0)
		skip();
	build(&fx->rep, path);
	assert_int_equal(plotdata_write(&fx->rep, fx->out, err, sizeof(err)), 0);
	for (i = 0; i < fx->rep.n; i++) {
		s = &fx->rep.sc[i];
		snprintf(name, sizeof(name), "throughput-%s.dat", s->rs->name);
		assert_cols(d = dat(fx, name), 7);
		assert_int_equal(d->rows[0], s->n_models);
		snprintf(name, sizeof(name), "cpu-%s.dat", s->rs->name);
		assert_cols(dat(fx, name), 10);
		snprintf(name, sizeof(name), "waits-%s.dat", s->rs->name);
		assert_cols(d = dat(fx, name), 12);
		assert_int_equal(d->rows[0], s->n_models);
		snprintf(name, sizeof(name), "scaling-%s.dat", s->rs->name);
		assert_cols(d = dat(fx, name), 6);
		assert_int_equal(d->blocks, s->n_models);
		snprintf(name, sizeof(name), "uslfit-%s.dat", s->rs->name);
		assert_cols(d = dat(fx, name), 3);
		assert_int_equal(d->blocks, s->n_models);
		snprintf(name, sizeof(name), "cputime-%s.dat", s->rs->name);
		assert_cols(d = dat(fx, name), 5);
		assert_int_equal(d->blocks, s->n_models);
		snprintf(name, sizeof(name), "latency-%s.dat", s->rs->name);
		assert_cols(d = dat(fx, name), 3);
		assert_int_equal(d->blocks, s->n_models);
		snprintf(name, sizeof(name), "gantt-%s-async.dat", s->rs->name);
		if (exists(fx, name)) {
			assert_cols(d = dat(fx, name), 6);
			assert_true(d->rows[0] > 0 && d->rows[0] <= 3 * GANTT_IMAGES);
		}
	}
	d = dat(fx, "hardware-hardware-scaling.dat");
	assert_cols(d, 5);
}

static void
test_inval(void **state)
{
	struct fixture *fx = *state;
	char err[256], path[128];

	write_tiny(fx, 0);
	err[0] = '\0';
	assert_int_equal(plotdata_write(NULL, fx->out, err, sizeof(err)), -1);
	assert_true(err[0] != '\0');
	assert_int_equal(plotdata_write(&fx->rep, NULL, err, sizeof(err)), -1);
	assert_int_equal(plotdata_write(&fx->rep, "", err, sizeof(err)), -1);
	/* A folder under a regular file cannot be made; the message names it. */
	snprintf(path, sizeof(path), "%s/a-tiny/meta.json/data", fx->dir);
	assert_int_equal(plotdata_write(&fx->rep, path, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "meta.json"));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_summary_files, setup, teardown),
		cmocka_unit_test_setup_teardown(test_latency, setup, teardown),
		cmocka_unit_test_setup_teardown(test_latency_trim, setup, teardown),
		cmocka_unit_test_setup_teardown(test_gantt, setup, teardown),
		cmocka_unit_test_setup_teardown(test_hardware, setup, teardown),
		cmocka_unit_test(test_keep_earliest),
		cmocka_unit_test(test_lanes),
		cmocka_unit_test(test_cdf_pick),
		cmocka_unit_test_setup_teardown(test_results_small, setup, teardown),
		cmocka_unit_test_setup_teardown(test_inval, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
