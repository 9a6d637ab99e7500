/*
 * test_resultset.c: unit tests of harness/report/resultset.c, result folders read back. Each test
 * gets its own copy of the checked-in tests/data/results-small/ (three scenario folders, a
 * README.md and a scenarios/ folder that are not results) under a mkdtemp() folder, so it
 * may break the copy. The test reads the fixture's CSV files itself (its cells hold no comma
 * or newline, so a line is a row) and checks against them: the parent folder reads as three
 * scenarios in time order, one scenario folder as one; each summary row is a run with its
 * labels and every numeric column by name; each run's trace figures (rows, stage, CPU and
 * end-to-end means, bytes) from its own trace rows, -1 for the I/O CPU of async and hybrid;
 * ips_se -1 for these short runs; rs_find, rs_meta_num, rs_meta_str; rs_each over a run's
 * samples and trace rows, stopping when the callback says so. Scenarios written here by hand
 * check ips_se against the per-second formula (the whole seconds of the trimmed window, the
 * 3 s floor), the mean end to end of the steady images only (never the cold first; -1
 * under 20 images), failed images, partly measured CPU, a "0,1" PU list and a trace row of no run.
 * Errors name the file or folder: missing, empty, not a folder, a meta.json that does not
 * parse or has no scenario.name, no or unreadable summary.csv, a short summary row, an
 * unreadable trace.csv; a missing trace.csv is not one; a missing column reads as NaN.
 */
#include "harness/report/resultset.c"
#include "harness/report/rs_trace.c"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <unistd.h>

#include <cmocka.h>

#include "../testutil.h"

#define MAX_COLS 128
#define N_SC 3
#define IO "20261121T212247Z-io-bound"
#define CPU "20261121T212313Z-cpu-bound"
#define HW "20261121T212320Z-hardware-scaling"

static const char *const sc_dirs[N_SC] = { IO, CPU, HW };
static const char *const sc_names[N_SC] = { "io-bound", "cpu-bound", "hardware-scaling" };

struct fixture {
	char tmp[64];			/* mkdtemp folder, removed by teardown */
	char top[128];			/* tmp/rs: the copy of results-small */
	char sc[N_SC][256];		/* its scenario folders, in time order */
	struct resultset rs;
};

/* A CSV file read by the test: a line is a row, quotes around a cell dropped. */
struct trow {
	char *cell[MAX_COLS];
	size_t n;
};

struct table {
	char *text;			/* the file, split in place */
	struct trow head, *row;
	size_t rows;
};

/* What a run's trace rows say, summed here. */
struct want_tr {
	size_t rows, ok, n_cpu[3];
	double stage[3], cpu[3], e2e, bytes;
	double end[64], one[64];	/* each ok image's finish and end to end (ms) */
};

static void
copy_fixture(struct fixture *fx)
{
	char src[4096], cmd[8192];

	testutil_rmtree(fx->top);
	testutil_data_path(src, sizeof(src), "results-small");
	snprintf(cmd, sizeof(cmd), "cp -R '%s' '%s'", src, fx->top);
	assert_int_equal(system(cmd), 0);
}

static int
setup(void **state)
{
	struct fixture *fx = calloc(1, sizeof(*fx));
	int i;

	if (fx == NULL || testutil_tmpdir(fx->tmp, sizeof(fx->tmp), "test_resultset") < 0)
		return -1;
	snprintf(fx->top, sizeof(fx->top), "%s/rs", fx->tmp);
	for (i = 0; i < N_SC; i++)
		snprintf(fx->sc[i], sizeof(fx->sc[i]), "%s/%s", fx->top, sc_dirs[i]);
	*state = fx;
	copy_fixture(fx);
	return 0;
}

static int
teardown(void **state)
{
	struct fixture *fx = *state;

	resultset_free(&fx->rs);
	testutil_rmtree(fx->tmp);
	free(fx);
	return 0;
}

static void
split_line(char *line, struct trow *r)
{
	char *c, *e;

	for (r->n = 0; line != NULL && r->n < MAX_COLS; r->n++) {
		c = strsep(&line, ",");
		if (*c == '"' && (e = strrchr(c + 1, '"')) != NULL)
			c++, *e = '\0';
		r->cell[r->n] = c;
	}
}

static void
table_read(struct table *t, const char *dir, const char *file)
{
	char path[512], *p;
	size_t lines = 0;

	memset(t, 0, sizeof(*t));
	snprintf(path, sizeof(path), "%s/%s", dir, file);
	assert_non_null(t->text = testutil_slurp(path, NULL));
	for (p = t->text; *p != '\0'; p++)
		lines += *p == '\n';
	assert_non_null(t->row = calloc(lines + 1, sizeof(*t->row)));
	p = t->text;
	split_line(strsep(&p, "\n"), &t->head);
	while (p != NULL && *p != '\0')
		split_line(strsep(&p, "\n"), &t->row[t->rows++]);
}

static void
table_free(struct table *t)
{
	free(t->text);
	free(t->row);
}

static int
table_col(const struct table *t, const char *name)
{
	size_t k;

	for (k = 0; k < t->head.n; k++)
		if (strcmp(t->head.cell[k], name) == 0)
			return (int)k;
	return -1;
}

/* Row i's cell in the named column; "" when the file has no such column. */
static const char *
table_cell(const struct table *t, size_t i, const char *name)
{
	int k = table_col(t, name);

	return k >= 0 && (size_t)k < t->row[i].n ? t->row[i].cell[k] : "";
}

static double
table_num(const struct table *t, size_t i, const char *name)
{
	return strtod(table_cell(t, i, name), NULL);
}

/* Whether row i of a trace or samples file is labelled as run r. */
static int
is_run(const struct table *t, size_t i, const struct rs_run *r)
{
	return strcmp(table_cell(t, i, "model"), r->model) == 0 &&
	    (unsigned)atoi(table_cell(t, i, "level")) == r->level &&
	    (unsigned)atoi(table_cell(t, i, "rep")) == r->rep &&
	    strcmp(table_cell(t, i, "client_cpus"), r->tag) == 0;
}

static size_t
count_rows(const char *dir, const char *file, const struct rs_run *r)
{
	struct table t;
	size_t i, n = 0;

	table_read(&t, dir, file);
	for (i = 0; i < t.rows; i++)
		n += is_run(&t, i, r);
	table_free(&t);
	return n;
}

static void
want_trace(const struct table *t, const struct rs_run *r, struct want_tr *w)
{
	static const char *const st[3][3] = {
		{ "get_start_us", "get_end_us", "get_cpu_us" },
		{ "proc_start_us", "proc_end_us", "proc_cpu_us" },
		{ "put_start_us", "put_end_us", "put_cpu_us" },
	};
	size_t i;
	int k;

	memset(w, 0, sizeof(*w));
	for (i = 0; i < t->rows; i++) {
		if (!is_run(t, i, r))
			continue;
		w->rows++;
		w->bytes += table_num(t, i, "bytes_in") + table_num(t, i, "bytes_out");
		if (strcmp(table_cell(t, i, "outcome"), "ok") != 0)
			continue;
		if (w->ok < 64)
			w->end[w->ok] = table_num(t, i, "put_end_us"), w->one[w->ok] =
			    (table_num(t, i, "put_end_us") - table_num(t, i, "get_start_us")) / 1e3;
		w->ok++;
		w->e2e += (table_num(t, i, "put_end_us") - table_num(t, i, "get_start_us")) / 1e3;
		for (k = 0; k < 3; k++) {
			w->stage[k] += (table_num(t, i, st[k][1]) - table_num(t, i, st[k][0])) /
			    1e3;
			if (table_num(t, i, st[k][2]) >= 0)
				w->cpu[k] += table_num(t, i, st[k][2]) / 1e3, w->n_cpu[k]++;
		}
	}
}

/*
 * The mean end to end of w's steady images (all ok here): ordered by finish, trim x n cut at
 * each end, and never the first.
 */
static double
want_steady(const struct want_tr *w, double trim)
{
	size_t n = w->ok < 64 ? w->ok : 64, cut = tracestats_cut(n, trim), i, j, k = 0;
	double end[64], one[64], t, sum = 0;

	memcpy(end, w->end, sizeof(end));
	memcpy(one, w->one, sizeof(one));
	for (i = 1; i < n; i++)		/* insertion sort by finish */
		for (j = i; j > 0 && end[j - 1] > end[j]; j--)
			t = end[j], end[j] = end[j - 1], end[j - 1] = t,
			t = one[j], one[j] = one[j - 1], one[j - 1] = t;
	for (i = cut > 0 ? cut : 1; i < n - cut; i++)
		sum += one[i], k++;
	return k > 0 ? sum / (double)k : -1;
}

static void
assert_near(double got, double want)
{
	if (!(fabs(got - want) <= 1e-9 * fmax(1, fabs(want)))) {
		print_error("%.17g != %.17g\n", got, want);
		fail();
	}
}

/* The copy's parent folder: three scenarios in time order, each summary row a run. */
static void
test_load_parent(void **state)
{
	struct fixture *fx = *state;
	char err[512], tag[64], *c;
	struct table t;
	size_t i, j;
	int k;

	assert_int_equal(resultset_load(&fx->rs, fx->top, err, sizeof(err)), 0);
	assert_int_equal(fx->rs.n, N_SC);
	for (i = 0; i < N_SC; i++) {
		const struct rs_scenario *s = &fx->rs.sc[i];

		assert_string_equal(s->name, sc_names[i]);
		assert_string_equal(s->dir, fx->sc[i]);
		assert_non_null(s->meta);
		table_read(&t, s->dir, "summary.csv");
		assert_int_equal(s->n_runs, t.rows);
		assert_int_equal(s->n_runs, 10);
		for (j = 0; j < t.rows; j++) {
			const struct rs_run *r = &s->runs[j];

			assert_string_equal(r->model, table_cell(&t, j, "model"));
			assert_int_equal(r->level, atoi(table_cell(&t, j, "level")));
			assert_int_equal(r->workers, atoi(table_cell(&t, j, "workers")));
			assert_int_equal(r->client_pus, atoi(table_cell(&t, j, "client_pus")));
			assert_int_equal(r->rep, atoi(table_cell(&t, j, "rep")));
			assert_string_equal(r->status, table_cell(&t, j, "status"));
			assert_string_equal(r->client_cpus, table_cell(&t, j, "client_cpus"));
			snprintf(tag, sizeof(tag), "%s", table_cell(&t, j, "client_cpus"));
			for (c = tag; (c = strchr(c, ',')) != NULL;)
				*c = '+';
			assert_string_equal(r->tag, tag);
			assert_double_same(r->v[RS_images_per_s],
			    strtod(table_cell(&t, j, "images_per_s"), NULL));
			for (k = 0; k < RS_NCOL; k++) {
				const char *cell = table_cell(&t, j, col_names[k]);

				if (*cell == '\0' || col_kind[k] == KIND_S)	/* cpu-bound: no shaper */
					assert_true(isnan(r->v[k]));
				else
					assert_double_same(r->v[k], strtod(cell, NULL));
			}
		}
		/* but clients, model_cpu_late_s, the open-loop and the wait profile's columns:
		   they came later (1, closed, blank when absent) */
		for (k = 0; k < RS_NCOL; k++)
			assert_true(table_col(&t, col_names[k]) >= 0 ||
			    strncmp(col_names[k], "model_wait_", 11) == 0 ||
			    strcmp(col_names[k], "clients") == 0 ||
			    strcmp(col_names[k], "model_cpu_late_s") == 0 ||
			    strstr(",arrivals,offered_per_s,sustained,behind_ms,behind_end_ms,backlog_max,",
			    col_names[k]) != NULL || strncmp(col_names[k], "resp_", 5) == 0 ||
			    strncmp(col_names[k], "wait_", 5) == 0);
		table_free(&t);
	}
	/* a few by hand, in case the reading above and the code agree wrongly */
	assert_true(isnan(fx->rs.sc[1].runs[0].v[RS_shaper_cpu_s]));
	assert_string_equal(fx->rs.sc[2].runs[0].tag, "0");
	assert_int_equal(fx->rs.sc[2].runs[0].client_pus, 1);
	assert_string_equal(fx->rs.sc[2].runs[9].tag, "0-1");
	assert_int_equal(fx->rs.sc[0].runs[9].workers, 2);
	assert_int_equal(fx->rs.sc[0].runs[9].clients, 1);
	assert_double_same(fx->rs.sc[0].runs[0].v[RS_images_per_s], 11.298);
}

/* One scenario folder reads as one scenario; names, not readdir, give the order. */
static void
test_load_one_and_order(void **state)
{
	struct fixture *fx = *state;
	char err[512], cmd[1024];

	assert_int_equal(resultset_load(&fx->rs, fx->sc[1], err, sizeof(err)), 0);
	assert_int_equal(fx->rs.n, 1);
	assert_string_equal(fx->rs.sc[0].name, "cpu-bound");
	assert_int_equal(fx->rs.sc[0].n_runs, 10);
	resultset_free(&fx->rs);
	snprintf(cmd, sizeof(cmd), "cp -R '%s' '%s/20200101T000000Z-early' && "
	    "cp -R '%s' '%s/30000101T000000Z-late'", fx->sc[0], fx->top, fx->sc[2], fx->top);
	assert_int_equal(system(cmd), 0);
	assert_int_equal(resultset_load(&fx->rs, fx->top, err, sizeof(err)), 0);
	assert_int_equal(fx->rs.n, 5);
	assert_non_null(strstr(fx->rs.sc[0].dir, "/20200101T000000Z-early"));
	assert_string_equal(fx->rs.sc[0].name, "io-bound");
	assert_string_equal(fx->rs.sc[1].dir, fx->sc[0]);
	assert_string_equal(fx->rs.sc[3].dir, fx->sc[2]);
	assert_non_null(strstr(fx->rs.sc[4].dir, "/30000101T000000Z-late"));
	assert_string_equal(fx->rs.sc[4].name, "hardware-scaling");
}

/* Each run's trace figures from its own rows of trace.csv. */
static void
test_trace_figures(void **state)
{
	struct fixture *fx = *state;
	char err[512];
	struct want_tr w;
	struct table t;
	size_t i, j, rows;
	int k;

	assert_int_equal(resultset_load(&fx->rs, fx->top, err, sizeof(err)), 0);
	for (i = 0; i < fx->rs.n; i++) {
		const struct rs_scenario *s = &fx->rs.sc[i];

		table_read(&t, s->dir, "trace.csv");
		for (j = 0, rows = 0; j < s->n_runs; j++) {
			const struct rs_run *r = &s->runs[j];
			int blocking = strcmp(r->model, "sequential") == 0 ||
			    strcmp(r->model, "pthreads") == 0;

			want_trace(&t, r, &w);
			rows += w.rows;
			assert_int_equal(r->tr.rows, w.rows);
			assert_int_equal(r->tr.rows, 50);
			assert_string_equal(r->status, "ok");
			assert_int_equal(w.ok, 50);
			for (k = 0; k < 3; k++) {
				assert_true(r->tr.stage_ms[k] > 0);
				assert_near(r->tr.stage_ms[k], w.stage[k] / (double)w.ok);
			}
			/* the steady images' mean: the cold first one left out */
			assert_near(r->tr.e2e_ms, want_steady(&w, rs_meta_num(s,
			    "scenario.trim")));
			assert_false(r->tr.short_run);
			assert_true(r->tr.e2e_ms > 0);
			assert_near(r->tr.bytes_per_image, w.bytes / (double)w.rows);
			assert_true(r->tr.bytes_per_image > 0);
			/* async and hybrid: the I/O thread's CPU is not one image's (cpu_us -1) */
			if (blocking) {
				assert_true(r->tr.stage_cpu_ms[0] >= 0);
				assert_true(r->tr.stage_cpu_ms[2] >= 0);
				assert_near(r->tr.stage_cpu_ms[0], w.cpu[0] / (double)w.ok);
			} else {
				assert_true(r->tr.stage_cpu_ms[0] == -1);
				assert_true(r->tr.stage_cpu_ms[2] == -1);
			}
			assert_near(r->tr.stage_cpu_ms[1], w.cpu[1] / (double)w.ok);
			assert_true(r->tr.stage_cpu_ms[1] > 0);
		}
		assert_int_equal(rows, t.rows);	/* every trace row belongs to a run */
		table_free(&t);
	}
	/* cpu-bound spins 5 ms per image */
	assert_true(fx->rs.sc[1].runs[0].tr.stage_cpu_ms[1] > 5);
}

/*
 * resultset.h: ips_se is -1 with fewer than 3 whole seconds in the window. In the fixture
 * (trim 0.1) the runs at one in flight last about 4.5 s and keep 3 (se from them); every
 * other run ends before 1.5 s, with none.
 */
static void
test_ips_se_fixture(void **state)
{
	struct fixture *fx = *state;
	char err[512];
	struct table t;
	size_t i, j, k, bad = 0, with = 0;
	double last;

	assert_int_equal(resultset_load(&fx->rs, fx->top, err, sizeof(err)), 0);
	for (i = 0; i < fx->rs.n; i++) {
		const struct rs_scenario *s = &fx->rs.sc[i];

		table_read(&t, s->dir, "trace.csv");
		for (j = 0; j < s->n_runs; j++) {
			const struct rs_run *r = &s->runs[j];

			for (k = 0, last = 0; k < t.rows; k++)
				if (is_run(&t, k, r))
					last = fmax(last, table_num(&t, k, "put_end_us") / 1e6);
			assert_true(last > 0 && last < 5);
			with += r->tr.ips_se >= 0;
			if ((last < 4) != (r->tr.ips_se == -1)) {
				print_error("%s %s %u %s: last completion %.3f s, ips_se %g\n",
				    s->name, r->model, r->level, r->tag, last, r->tr.ips_se);
				bad++;
			}
		}
		table_free(&t);
	}
	assert_int_equal(bad, 0);
	assert_int_equal(with, 10);
	/* by hand: 11, 12 and 11 images in seconds 1 to 3, sd 1 / sqrt(3), over sqrt(3) */
	assert_near(rs_find(&fx->rs.sc[2], "pthreads", 1, "0-1")->tr.ips_se, 1.0 / 3);
}

static void
test_find(void **state)
{
	struct fixture *fx = *state;
	const struct rs_scenario *io, *hw;
	const struct rs_run *r;
	char err[512];

	assert_int_equal(resultset_load(&fx->rs, fx->top, err, sizeof(err)), 0);
	io = &fx->rs.sc[0], hw = &fx->rs.sc[2];
	assert_non_null(r = rs_find(io, "async", 4, NULL));
	assert_ptr_equal(r, &io->runs[5]);
	assert_ptr_equal(rs_find(io, "async", 4, "all"), r);
	assert_ptr_equal(rs_find(io, "hybrid", 16, NULL), &io->runs[9]);
	assert_null(rs_find(io, "async", 4, "0"));
	assert_null(rs_find(io, "async", 2, NULL));
	assert_null(rs_find(io, "forkpool", 1, NULL));
	assert_null(rs_find(io, "", 1, NULL));
	assert_non_null(r = rs_find(hw, "async", 16, "0-1"));
	assert_ptr_equal(r, &hw->runs[7]);
	assert_int_equal(r->client_pus, 2);
	assert_ptr_equal(rs_find(hw, "async", 16, "0"), &hw->runs[2]);
	assert_ptr_equal(rs_find(hw, "async", 16, NULL), &hw->runs[2]);	/* the first */
	assert_null(rs_find(hw, "async", 16, "all"));
}

static void
test_meta(void **state)
{
	struct fixture *fx = *state;
	const struct rs_scenario *io, *cpu;
	char err[512];

	assert_int_equal(resultset_load(&fx->rs, fx->top, err, sizeof(err)), 0);
	io = &fx->rs.sc[0], cpu = &fx->rs.sc[1];
	assert_double_same(rs_meta_num(io, "scenario.latency_ms"), 20);
	assert_double_same(rs_meta_num(cpu, "scenario.latency_ms"), 0);
	assert_double_same(rs_meta_num(cpu, "scenario.cpu_spin_ms"), 5);
	assert_double_same(rs_meta_num(io, "machine.pus"), 2);
	assert_double_same(rs_meta_num(io, "dataset.images"), 50);
	assert_double_same(rs_meta_num(io, "scenario.global_lock"), 0);	/* false */
	assert_string_equal(rs_meta_str(io, "machine.cpu_model"), "AMD EPYC");
	assert_string_equal(rs_meta_str(io, "machine.os.sysname"), "Linux");
	assert_string_equal(rs_meta_str(cpu, "scenario.name"), "cpu-bound");
	assert_string_equal(rs_meta_str(io, "endpoint"), "http://127.0.0.1:7581");
	/* absent, or not of the type asked for */
	assert_true(isnan(rs_meta_num(io, "scenario.nosuch")));
	assert_true(isnan(rs_meta_num(io, "nosuch.latency_ms")));
	assert_true(isnan(rs_meta_num(io, "machine.cpu_model")));
	assert_true(isnan(rs_meta_num(io, "scenario")));
	assert_true(isnan(rs_meta_num(io, "scenario.latency_ms.x")));
	assert_true(isnan(rs_meta_num(io, "")));
	assert_string_equal(rs_meta_str(io, "machine.pus"), "");
	assert_string_equal(rs_meta_str(io, "machine"), "");
	assert_string_equal(rs_meta_str(io, "machine.cpu_model.x"), "");
	assert_string_equal(rs_meta_str(io, "machine..cpu_model"), "");
	assert_string_equal(rs_meta_str(io, ""), "");
}

struct walk {
	const struct rs_run *r;
	size_t n, stop;		/* rows seen; return ret after stop rows (0: never) */
	int ret;
	double last_t;
};

static int
walk_cb(const struct rs_row *row, void *arg)
{
	struct walk *w = arg;
	char lvl[16];

	snprintf(lvl, sizeof(lvl), "%u", w->r->level);
	assert_string_equal(rs_cell(row, "model"), w->r->model);
	assert_string_equal(rs_cell(row, "level"), lvl);
	assert_string_equal(rs_cell(row, "client_cpus"), w->r->tag);
	assert_string_equal(rs_cell(row, "nosuch"), "");
	assert_true(isnan(rs_num(row, "nosuch")));
	assert_true(isnan(rs_num(row, "model")));	/* not a number */
	if (!isnan(rs_num(row, "t_s"))) {		/* samples: in file order */
		assert_true(rs_num(row, "t_s") > w->last_t);
		w->last_t = rs_num(row, "t_s");
	}
	w->n++;
	return w->stop != 0 && w->n == w->stop ? w->ret : 0;
}

/* rs_each visits exactly the run's rows, in order, and stops when told. */
static void
test_each(void **state)
{
	struct fixture *fx = *state;
	static const char *const files[] = { "samples.csv", "trace.csv" };
	char err[512];
	size_t i, j, f, total;

	assert_int_equal(resultset_load(&fx->rs, fx->top, err, sizeof(err)), 0);
	for (i = 0; i < fx->rs.n; i++) {
		const struct rs_scenario *s = &fx->rs.sc[i];

		for (f = 0; f < 2; f++) {
			for (j = 0, total = 0; j < s->n_runs; j++) {
				struct walk w = { &s->runs[j], 0, 0, 0, -1 };

				assert_int_equal(rs_each(s, w.r, files[f], walk_cb, &w, err,
				    sizeof(err)), 0);
				assert_int_equal(w.n, count_rows(s->dir, files[f], w.r));
				assert_true(w.n > 0);
				total += w.n;
			}
			assert_true(total > 0);
		}
	}
	{
		const struct rs_scenario *hw = &fx->rs.sc[2];
		struct walk w = { &hw->runs[5], 0, 3, 1, -1 };

		assert_int_equal(rs_each(hw, w.r, "samples.csv", walk_cb, &w, err, sizeof(err)),
		    0);
		assert_int_equal(w.n, 3);
		w.n = 0, w.stop = 1, w.ret = -1, w.last_t = -1;
		rs_each(hw, w.r, "trace.csv", walk_cb, &w, err, sizeof(err));
		assert_int_equal(w.n, 1);
		w.n = 0, w.stop = 0;
		assert_int_equal(rs_each(hw, w.r, "nosuch.csv", walk_cb, &w, err, sizeof(err)),
		    0);
		assert_int_equal(w.n, 0);
	}
}

/* Writes text to dir/name (dir made first). */
static void
write_file(const char *dir, const char *name, const char *text)
{
	char path[512];
	FILE *f;

	mkdir(dir, 0755);
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	assert_non_null(f = fopen(path, "w"));
	assert_int_equal(fputs(text, f) >= 0, 1);
	assert_int_equal(fclose(f), 0);
}

static const char syn_meta[] = "{\"scenario\": {\"name\": \"syn\", \"trim\": 0.1}}\n";
static const char syn_trace_head[] =
    "model,level,client_cpus,rep,key,outcome,bytes_in,bytes_out,get_start_us,get_end_us,"
    "get_cpu_us,proc_start_us,proc_end_us,proc_cpu_us,put_start_us,put_end_us,put_cpu_us\n";

struct rate_case {
	const char *name;
	double last_s;			/* the last completion, in the last second */
	size_t nsec;			/* seconds */
	size_t first, last;		/* the whole seconds of the window, [first, last); 0, 0:
					   fewer than 3, ips_se -1 */
	unsigned count[24];		/* completions in each second */
};

/*
 * trim 0.1 (syn_meta). 20 s: 222 images, 22 cut each end: the 22nd finishes in second 1, the
 * 200th in second 18, so seconds 2 to 17 (8 and 12 in turn) are kept. 10 s: 115 images, 11
 * cut: seconds 1 to 7 (the middle 80% would also keep second 8). Under 20 images nothing is
 * cut: from second 0 to the last one's. 5.5 s: 73 images, 7 cut: seconds 2 to 4, the fewest
 * taken. 3.5 s and 2.5 s: 40 and 60 images, 4 and 6 cut: 2 and 1 whole seconds, too few.
 */
static const struct rate_case rate_cases[] = {
	{ "20 s", 19.9, 20, 2, 18, { 1, 30, 8, 12, 8, 12, 8, 12, 8, 12, 8, 12, 8, 12, 8, 12, 8,
	    12, 30, 1 } },
	{ "10 s", 9.5, 10, 1, 8, { 20, 20, 10, 10, 10, 10, 10, 10, 10, 5 } },
	{ "16 images", 5.5, 6, 0, 5, { 2, 4, 3, 4, 2, 1 } },
	{ "5.5 s", 5.5, 6, 2, 5, { 1, 8, 12, 8, 14, 30 } },
	{ "4.5 s", 4.5, 5, 1, 4, { 8, 12, 8, 12, 5 } },
	{ "3.5 s", 3.5, 4, 0, 0, { 8, 12, 8, 12 } },
	{ "2.5 s", 2.5, 3, 0, 0, { 20, 20, 20 } },
};

/* A scenario of one async run whose images complete c->count[s] in each second s. */
static void
write_rate(const char *dir, const struct rate_case *c)
{
	size_t cap = 1 << 16, len, s, j;
	char *tr = malloc(cap);
	double span, end;

	assert_non_null(tr);
	write_file(dir, "meta.json", syn_meta);
	write_file(dir, "summary.csv", "model,level,workers,client_cpus,client_pus,rep,status,"
	    "exit_code,images_per_s\nasync,8,0,all,2,1,ok,0,10\n");
	len = (size_t)snprintf(tr, cap, "%s", syn_trace_head);
	for (s = 0; s < c->nsec; s++) {
		span = s + 1 < c->nsec ? 999999 : (c->last_s - (double)s) * 1e6;
		for (j = 0; j < c->count[s]; j++) {
			end = (double)s * 1e6 + floor(span * (double)(j + 1) / c->count[s]);
			len += (size_t)snprintf(tr + len, cap - len, "async,8,all,1,\"k\",\"ok\","
			    "1000,500,%.0f,%.0f,-1,%.0f,%.0f,100,%.0f,%.0f,-1\n", end - 3000,
			    end - 2000, end - 2000, end - 1000, end - 1000, end);
			assert_true(len < cap);
		}
	}
	write_file(dir, "trace.csv", tr);
	free(tr);
}

/*
 * ips_se: the sample sd of the per-second counts of the window's whole seconds over
 * sqrt(their number); -1 under 3 of them. Runs the rate cases with floor (0: -1) or not.
 */
static void
check_rates(struct fixture *fx, int floor_cases)
{
	char dir[128], err[512];
	const struct rs_run *r;
	size_t i, s, n, total;
	double mean, ss, want;

	for (i = 0; i < sizeof(rate_cases) / sizeof(rate_cases[0]); i++) {
		const struct rate_case *c = &rate_cases[i];

		if ((c->last == 0) != floor_cases)
			continue;

		snprintf(dir, sizeof(dir), "%s/rate%zu", fx->tmp, i);
		write_rate(dir, c);
		assert_int_equal(resultset_load(&fx->rs, dir, err, sizeof(err)), 0);
		r = &fx->rs.sc[0].runs[0];
		for (s = 0, total = 0; s < c->nsec; s++)
			total += c->count[s];
		assert_int_equal(r->tr.rows, total);
		assert_near(r->tr.stage_ms[0], 1);
		/* every image took 3 ms; under 20 images, too few to trim: unknown */
		if (total >= 20)
			assert_near(r->tr.e2e_ms, 3);
		else
			assert_true(r->tr.e2e_ms == -1 && r->tr.short_run);
		if (c->last == 0) {
			want = -1;
		} else {
			n = c->last - c->first;
			for (s = c->first, mean = 0; s < c->last; s++)
				mean += c->count[s];
			mean /= (double)n;
			for (s = c->first, ss = 0; s < c->last; s++)
				ss += (c->count[s] - mean) * (c->count[s] - mean);
			want = sqrt(ss / (double)(n - 1)) / sqrt((double)n);
		}
		if (!(fabs(r->tr.ips_se - want) < 1e-12)) {
			print_error("case %s: ips_se %.17g, want %.17g\n", c->name, r->tr.ips_se,
			    want);
			fail();
		}
		resultset_free(&fx->rs);
	}
}

static void
test_ips_se_synthetic(void **state)
{
	struct fixture *fx = *state;
	char dir[128], err[512];

	check_rates(fx, 0);
	/* the 20 s case by hand: 16 seconds of 8 and 12 (sd sqrt(64 / 15)) over 4 */
	snprintf(dir, sizeof(dir), "%s/rate0", fx->tmp);
	assert_int_equal(resultset_load(&fx->rs, dir, err, sizeof(err)), 0);
	assert_near(fx->rs.sc[0].runs[0].tr.ips_se, 0.5163977794943222);
}

/* resultset.h: "-1 when fewer than 3" whole seconds. */
static void
test_ips_se_under_5s(void **state)
{
	check_rates(*state, 1);
}

/*
 * The cold first image: 25 images, the first 600 ms (it opened the connection), the others
 * 100 ms; with trim 0 nothing is cut, yet R0's mean leaves the first out: 100 ms.
 */
static void
test_trace_cold_first(void **state)
{
	struct fixture *fx = *state;
	char dir[128], err[512], tr[8192];
	const struct rs_run *r;
	size_t len, i;

	snprintf(dir, sizeof(dir), "%s/cold", fx->tmp);
	write_file(dir, "meta.json", "{\"scenario\": {\"name\": \"cold\", \"trim\": 0}}\n");
	write_file(dir, "summary.csv", "model,level,workers,client_cpus,client_pus,rep,status,"
	    "exit_code,images_per_s\nsequential,1,0,all,2,1,ok,0,5\n");
	len = (size_t)snprintf(tr, sizeof(tr), "%s", syn_trace_head);
	for (i = 0; i < 25; i++)
		len += (size_t)snprintf(tr + len, sizeof(tr) - len, "sequential,1,all,1,\"k\","
		    "\"ok\",10,10,%zu,%zu,-1,%zu,%zu,-1,%zu,%zu,-1\n", i ? 600000 + i * 100000 : 0,
		    i ? 650000 + i * 100000 : 300000, i ? 650000 + i * 100000 : 300000,
		    i ? 650000 + i * 100000 : 300000, i ? 650000 + i * 100000 : 300000,
		    i ? 700000 + i * 100000 : 600000);
	assert_true(len < sizeof(tr));
	write_file(dir, "trace.csv", tr);
	assert_int_equal(resultset_load(&fx->rs, dir, err, sizeof(err)), 0);
	r = &fx->rs.sc[0].runs[0];
	assert_int_equal(r->tr.rows, 25);
	assert_false(r->tr.short_run);
	assert_near(r->tr.e2e_ms, 100);
}

/*
 * Failed images, partly measured CPU, a "0,1" PU list, a second repeat, a trace row of no
 * summary run.
 */
static void
test_trace_synthetic(void **state)
{
	struct fixture *fx = *state;
	char dir[128], err[512];
	const struct rs_scenario *s;
	const struct rs_run *r;
	size_t i;

	snprintf(dir, sizeof(dir), "%s/syn", fx->tmp);
	write_file(dir, "meta.json", syn_meta);
	write_file(dir, "summary.csv",
	    "model,level,workers,client_cpus,client_pus,rep,status,exit_code,images_per_s\n"
	    "async,8,0,all,2,1,failed,1,3\n"
	    "async,8,0,\"0,1\",2,1,ok,0,\n"
	    "async,8,0,all,2,2,ok,0,4\n");
	write_file(dir, "trace.csv", "model,level,client_cpus,rep,key,outcome,bytes_in,bytes_out,"
	    "get_start_us,get_end_us,get_cpu_us,proc_start_us,proc_end_us,proc_cpu_us,"
	    "put_start_us,put_end_us,put_cpu_us\n"
	    "async,8,all,1,\"a,\"\"1\"\"\",\"ok\",1000,400,0,10000,100,10000,12000,1500,12000,"
	    "20000,200\n"
	    "async,8,all,1,\"b\",\"ok\",2000,800,1000,5000,300,5000,6000,500,6000,16000,-1\n"
	    "async,8,all,1,\"c\",\"failed\",300,0,2000,9000,50,-1,-1,-1,-1,-1,-1\n"
	    "async,9,all,1,\"d\",\"ok\",1,1,0,1,1,1,2,1,2,3,1\n"
	    "async,8,0+1,1,\"e\",\"ok\",10,20,0,1000,-1,1000,3000,-1,3000,6000,-1\n"
	    "async,8,all,2,\"f\",\"ok\",10,20,0,1000,-1,1000,3000,-1,3000,4000,-1\n");
	assert_int_equal(resultset_load(&fx->rs, dir, err, sizeof(err)), 0);
	s = &fx->rs.sc[0];
	assert_int_equal(s->n_runs, 3);
	assert_non_null(r = rs_find(s, "async", 8, "all"));
	assert_ptr_equal(r, &s->runs[0]);		/* the first repeat */
	assert_string_equal(r->status, "failed");
	assert_int_equal(r->tr.rows, 3);
	assert_near(r->tr.stage_ms[0], 7);		/* the ok images: (10 + 4) / 2 */
	assert_near(r->tr.stage_ms[1], 1.5);
	assert_near(r->tr.stage_ms[2], 9);
	assert_true(r->tr.e2e_ms == -1 && r->tr.short_run);	/* 3 images: too few */
	assert_near(r->tr.stage_cpu_ms[0], 0.2);
	assert_near(r->tr.stage_cpu_ms[1], 1.0);
	assert_true(r->tr.stage_cpu_ms[2] == -1);	/* measured for one image of two */
	assert_near(r->tr.bytes_per_image, 1500);	/* all three */
	assert_true(r->tr.ips_se == -1);
	assert_non_null(r = rs_find(s, "async", 8, "0+1"));
	assert_ptr_equal(r, &s->runs[1]);
	assert_string_equal(r->client_cpus, "0,1");
	assert_true(isnan(r->v[RS_images_per_s]));
	assert_true(isnan(r->v[RS_mib_per_s]));
	assert_int_equal(r->tr.rows, 1);
	assert_true(r->tr.e2e_ms == -1);
	assert_true(r->tr.stage_cpu_ms[0] == -1 && r->tr.stage_cpu_ms[1] == -1);
	assert_null(rs_find(s, "async", 9, NULL));
	/* a setting's repeats, and one repeat by number */
	assert_ptr_equal(rs_find_rep(s, "async", 8, "all", 2), &s->runs[2]);
	assert_ptr_equal(rs_find_rep(s, "async", 8, NULL, 1), &s->runs[0]);
	assert_null(rs_find_rep(s, "async", 8, "all", 3));
	{
		double x[4] = { 0, 0, 0, 0 };

		assert_int_equal(rs_reps(s, &s->runs[0], x, 4), 2);
		assert_true(x[0] == 3 && x[1] == 4);
		assert_int_equal(rs_reps(s, &s->runs[0], x, 1), 2);	/* counted past max */
		assert_int_equal(rs_reps(s, &s->runs[1], x, 4), 1);	/* another PU set */
	}
	r = &s->runs[2];
	assert_int_equal(r->rep, 2);
	assert_int_equal(r->tr.rows, 1);
	assert_true(r->tr.e2e_ms == -1);
	for (i = 0; i < 3; i++) {
		struct walk w = { &s->runs[i], 0, 0, 0, -1 };

		assert_int_equal(rs_each(s, w.r, "trace.csv", walk_cb, &w, err, sizeof(err)), 0);
		assert_int_equal(w.n, s->runs[i].tr.rows);
	}
}

enum act { ACT_NONE, ACT_WRITE, ACT_APPEND, ACT_REMOVE, ACT_DIR };

struct err_case {
	const char *name;
	enum act act;
	const char *path;		/* under the temporary folder */
	const char *text;
	const char *load;		/* under the temporary folder */
	const char *want;		/* in err, after the temporary folder's path */
};

static const char bad_json[] = "{\n\"scenario\": {\n\"name\": \"x\",,\n}}\n";

static const struct err_case err_cases[] = {
	{ "missing", ACT_NONE, NULL, NULL, "rs/nosuch", "rs/nosuch: " },
	{ "empty", ACT_DIR, "empty", NULL, "empty", "empty: no meta.json" },
	{ "no result inside", ACT_NONE, NULL, NULL, "rs/scenarios", "rs/scenarios: no meta.json" },
	{ "a file", ACT_NONE, NULL, NULL, "rs/README.md", "rs/README.md: not a results folder" },
	{ "bad meta.json", ACT_WRITE, "rs/" CPU "/meta.json", bad_json, "rs",
	    "rs/" CPU "/meta.json:3: " },
	{ "bad meta.json, one", ACT_WRITE, "rs/" CPU "/meta.json", bad_json, "rs/" CPU,
	    "rs/" CPU "/meta.json:3: " },
	{ "no scenario.name", ACT_WRITE, "rs/" CPU "/meta.json",
	    "{\"scenario\": {\"latency_ms\": 1}}", "rs", "rs/" CPU "/meta.json: no scenario.name" },
	{ "scenario.name a number", ACT_WRITE, "rs/" HW "/meta.json",
	    "{\"scenario\": {\"name\": 3}}", "rs/" HW, "rs/" HW "/meta.json: no scenario.name" },
	{ "no summary.csv", ACT_REMOVE, "rs/" HW "/summary.csv", NULL, "rs",
	    "rs/" HW "/summary.csv: No such file" },
	{ "summary.csv unreadable", ACT_DIR, "rs/" HW "/summary.csv", NULL, "rs",
	    "rs/" HW "/summary.csv: read error" },
	{ "short summary row", ACT_APPEND, "rs/" IO "/summary.csv", "x,1\n", "rs",
	    "rs/" IO "/summary.csv:12: " },
	{ "trace.csv unreadable", ACT_DIR, "rs/" IO "/trace.csv", NULL, "rs/" IO,
	    "rs/" IO "/trace.csv: read error" },
};

/* Each error on a fresh copy: -1, err naming the file, rs left zeroed. */
static void
test_errors(void **state)
{
	struct fixture *fx = *state;
	char path[512], want[512], err[512];
	size_t i;
	FILE *f;

	for (i = 0; i < sizeof(err_cases) / sizeof(err_cases[0]); i++) {
		const struct err_case *c = &err_cases[i];

		copy_fixture(fx);
		snprintf(path, sizeof(path), "%s/%s", fx->tmp, c->path ? c->path : "");
		if (c->act == ACT_REMOVE || c->act == ACT_DIR)
			remove(path);
		if (c->act == ACT_DIR)
			assert_int_equal(mkdir(path, 0755), 0);
		if (c->act == ACT_WRITE || c->act == ACT_APPEND) {
			assert_non_null(f = fopen(path, c->act == ACT_WRITE ? "w" : "a"));
			fputs(c->text, f);
			assert_int_equal(fclose(f), 0);
		}
		snprintf(path, sizeof(path), "%s/%s", fx->tmp, c->load);
		snprintf(want, sizeof(want), "%s/%s", fx->tmp, c->want);
		err[0] = '\0';
		if (resultset_load(&fx->rs, path, err, sizeof(err)) != -1 ||
		    strstr(err, want) == NULL) {
			print_error("case %s: err \"%s\", want \"%s\"\n", c->name, err, want);
			fail();
		}
		assert_int_equal(fx->rs.n, 0);
		assert_null(fx->rs.sc);
		rmdir(path);
	}
}

/* Without trace.csv the runs read, their trace figures -1. */
static void
test_no_trace(void **state)
{
	struct fixture *fx = *state;
	char path[512], err[512];
	size_t j;
	int k;

	snprintf(path, sizeof(path), "%s/trace.csv", fx->sc[0]);
	assert_int_equal(unlink(path), 0);
	assert_int_equal(resultset_load(&fx->rs, fx->top, err, sizeof(err)), 0);
	assert_int_equal(fx->rs.n, N_SC);
	assert_int_equal(fx->rs.sc[0].n_runs, 10);
	for (j = 0; j < fx->rs.sc[0].n_runs; j++) {
		const struct rs_run *r = &fx->rs.sc[0].runs[j];

		assert_int_equal(r->tr.rows, 0);
		for (k = 0; k < 3; k++)
			assert_true(r->tr.stage_ms[k] == -1 && r->tr.stage_cpu_ms[k] == -1);
		assert_true(r->tr.e2e_ms == -1 && r->tr.bytes_per_image == -1);
		assert_true(r->tr.ips_se == -1);
		assert_false(isnan(r->v[RS_images_per_s]));
	}
	assert_int_equal(fx->rs.sc[1].runs[0].tr.rows, 50);
}

/* summary.csv without mib_per_s and with one blank cell: NaN there, the rest by name. */
static void
test_missing_column(void **state)
{
	struct fixture *fx = *state;
	char path[512], err[512];
	struct table t;
	size_t i, k;
	int blank;
	FILE *f;

	table_read(&t, fx->sc[0], "summary.csv");
	snprintf(path, sizeof(path), "%s/summary.csv", fx->sc[0]);
	assert_non_null(f = fopen(path, "w"));
	for (i = 0; i <= t.rows; i++) {
		const struct trow *r = i == 0 ? &t.head : &t.row[i - 1];
		const char *sep = "";

		for (k = 0; k < r->n; k++) {
			if (strcmp(t.head.cell[k], "mib_per_s") == 0)
				continue;
			blank = i == 1 && strcmp(t.head.cell[k], "e2e_p50_ms") == 0;
			fprintf(f, "%s%s", sep, blank ? "" : r->cell[k]);
			sep = ",";
		}
		fputc('\n', f);
	}
	assert_int_equal(fclose(f), 0);
	assert_int_equal(resultset_load(&fx->rs, fx->sc[0], err, sizeof(err)), 0);
	assert_int_equal(fx->rs.sc[0].n_runs, t.rows);
	for (i = 0; i < t.rows; i++) {
		const struct rs_run *r = &fx->rs.sc[0].runs[i];

		assert_true(isnan(r->v[RS_mib_per_s]));
		assert_double_same(r->v[RS_images_per_s], table_num(&t, i, "images_per_s"));
		assert_double_same(r->v[RS_e2e_p90_ms], table_num(&t, i, "e2e_p90_ms"));
		assert_double_same(r->v[RS_sampler_cpu_pct], table_num(&t, i, "sampler_cpu_pct"));
		if (i == 0)
			assert_true(isnan(r->v[RS_e2e_p50_ms]));
		else
			assert_double_same(r->v[RS_e2e_p50_ms], table_num(&t, i, "e2e_p50_ms"));
	}
	assert_int_equal(fx->rs.sc[0].runs[0].tr.rows, 50);
	table_free(&t);
}

static void
test_free_twice(void **state)
{
	struct fixture *fx = *state;
	struct resultset rs;
	char err[512];

	memset(&rs, 0, sizeof(rs));
	resultset_free(&rs);
	resultset_free(NULL);
	assert_int_equal(resultset_load(&rs, fx->top, err, sizeof(err)), 0);
	resultset_free(&rs);
	assert_int_equal(rs.n, 0);
	assert_null(rs.sc);
	resultset_free(&rs);
}

/* Bad arguments: a failed load zeroes what it was given; a walk of a missing file is empty. */
static void
test_inval(void **state)
{
	struct fixture *fx = *state;
	struct walk w = { NULL, 0, 0, 0, -1 };
	char err[512], path[512];

	memset(&fx->rs, 0xff, sizeof(fx->rs));
	assert_int_equal(resultset_load(&fx->rs, "", err, sizeof(err)), -1);
	assert_int_equal(fx->rs.n, 0);
	assert_null(fx->rs.sc);
	assert_int_equal(resultset_load(&fx->rs, "/nonexistent/results", err, sizeof(err)), -1);
	assert_non_null(strstr(err, "/nonexistent/results"));
	assert_int_equal(resultset_load(&fx->rs, fx->sc[0], err, 0), 0);	/* no room */
	w.r = &fx->rs.sc[0].runs[0];
	assert_int_equal(rs_each(&fx->rs.sc[0], w.r, "", walk_cb, &w, err, sizeof(err)), -1);
	assert_non_null(strstr(err, fx->sc[0]));
	assert_int_equal(rs_each(&fx->rs.sc[0], w.r, "logs/nosuch", walk_cb, &w, err,
	    sizeof(err)), 0);
	assert_int_equal(w.n, 0);
	snprintf(path, sizeof(path), "%s/nosuch", fx->tmp);
	resultset_free(&fx->rs);
	assert_int_equal(resultset_load(&fx->rs, path, err, 8), -1);
	assert_int_equal(strlen(err), 7);		/* cut to errlen */
}

int
main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
	const struct CMUnitTest tests[] = {
		T(test_load_parent),
		T(test_load_one_and_order),
		T(test_trace_figures),
		T(test_ips_se_fixture),
		T(test_find),
		T(test_meta),
		T(test_each),
		T(test_ips_se_synthetic),
		T(test_ips_se_under_5s),
		T(test_trace_synthetic),
		T(test_trace_cold_first),
		T(test_errors),
		T(test_no_trace),
		T(test_missing_column),
		T(test_free_twice),
		T(test_inval),
	};
#undef T

	return cmocka_run_group_tests_name("resultset", tests, NULL, NULL);
}
