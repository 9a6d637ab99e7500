/*
 * test_plot.c: unit tests of harness/report/plot.c and of the gnuplot scripts in plots/. Every
 * script is rendered from the hand-made data files in tests/data/plotdata/ into a temporary
 * folder whose data/ links there: scenarios io-bound and cpu-bound (NaN cells, a model
 * missing from one scenario, a failed fit: an empty index), no-data (whole columns NaN, no
 * fit), one-model (every file with one model, async, and no server sampled: gnuplot 5.4.4
 * crashes on a labels plot of a one-row file whose row is undefined), one-no-run (one model,
 * its rate NaN) and hardware-scaling; the waits files of io-bound and cpu-bound are a real
 * bench's here (tiny dataset, 20 ms and 5 ms one-way). Each PNG must start with the PNG signature and each
 * SVG hold "<svg". Checked too: no file descriptor and no child left behind; a missing
 * script, a missing data file (gnuplot fails: err names the log, which holds gnuplot's
 * message, and a stale figure is removed), gnuplot missing from PATH; and test_inval: NULL
 * or empty arguments and values with a quote or a newline, refused before gnuplot runs.
 */
#include "harness/report/plot.c"

#include <dirent.h>
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/wait.h>

#include <cmocka.h>

#include "../testutil.h"

struct fixture {
	char dir[64];
	char err[512];
};

static int
setup(void **state)
{
	struct fixture *fx;
	char data[PATH_MAX], rel[PATH_MAX], link[128];

	if ((fx = calloc(1, sizeof(*fx))) == NULL)
		return -1;
	*state = fx;
	testutil_data_path(rel, sizeof(rel), "plotdata");
	if (testutil_tmpdir(fx->dir, sizeof(fx->dir), "test_plot") < 0 ||
	    realpath(rel, data) == NULL)
		return -1;
	snprintf(link, sizeof(link), "%s/data", fx->dir);
	return symlink(data, link);
}

static int
teardown(void **state)
{
	struct fixture *fx = *state;
	int rv = testutil_rmtree(fx->dir);

	free(fx);
	return rv;
}

/* plots/<name> in out, found from this file as testutil finds tests/data/. */
static const char *
script_path(char *out, size_t outlen, const char *name)
{
	char rel[128];

	snprintf(rel, sizeof(rel), "../../plots/%s", name);
	testutil_data_path(out, outlen, rel);
	return out;
}

static size_t
count_fds(void)
{
	DIR *d = opendir("/proc/self/fd");
	size_t n = 0;

	assert_non_null(d);
	while (readdir(d) != NULL)
		n++;
	closedir(d);
	return n;
}

static void
test_render_all(void **state)
{
	static const struct {
		const char *script, *scenario, *model;
	} cases[] = {
		{ "throughput.gp", "io-bound", NULL },
		{ "throughput.gp", "cpu-bound", NULL },
		{ "scaling.gp", "io-bound", NULL },
		{ "scaling.gp", "cpu-bound", NULL },
		{ "cpu.gp", "io-bound", NULL },
		{ "cpu.gp", "cpu-bound", NULL },
		{ "cputime.gp", "io-bound", NULL },
		{ "cputime.gp", "cpu-bound", NULL },
		{ "latency.gp", "io-bound", NULL },
		{ "latency.gp", "cpu-bound", NULL },
		{ "gantt.gp", "io-bound", "sequential" },
		{ "gantt.gp", "io-bound", "async" },
		{ "gantt.gp", "io-bound", "hybrid" },
		{ "gantt.gp", "cpu-bound", "sequential" },
		{ "gantt.gp", "cpu-bound", "async" },
		{ "gantt.gp", "cpu-bound", "hybrid" },
		{ "waits.gp", "io-bound", NULL },
		{ "waits.gp", "cpu-bound", NULL },
		{ "waits.gp", "no-data", NULL },
		{ "waits.gp", "one-model", NULL },
		{ "hardware.gp", "hardware-scaling", NULL },
		{ "throughput.gp", "no-data", NULL },
		{ "scaling.gp", "no-data", NULL },
		{ "cpu.gp", "no-data", NULL },
		{ "cputime.gp", "no-data", NULL },
		{ "latency.gp", "no-data", NULL },
		{ "throughput.gp", "one-model", NULL },
		{ "scaling.gp", "one-model", NULL },
		{ "cpu.gp", "one-model", NULL },
		{ "cputime.gp", "one-model", NULL },
		{ "latency.gp", "one-model", NULL },
		{ "gantt.gp", "one-model", "async" },
		{ "hardware.gp", "one-model", NULL },
		{ "throughput.gp", "one-no-run", NULL },
	};
	static const unsigned char sig[8] = { 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n' };
	struct fixture *fx = *state;
	char path[PATH_MAX], name[128], file[256], *text;
	size_t i, len, fds = count_fds();
	int st;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		snprintf(name, sizeof(name), "%.*s-%s%s%s", (int)strcspn(cases[i].script, "."),
		    cases[i].script, cases[i].scenario ? cases[i].scenario : "all",
		    cases[i].model ? "-" : "", cases[i].model ? cases[i].model : "");
		if (plot_render(script_path(path, sizeof(path), cases[i].script), fx->dir, name,
		    cases[i].scenario, cases[i].model, fx->err, sizeof(fx->err)) != 0)
			fail_msg("%s: %s", name, fx->err);
		snprintf(file, sizeof(file), "%s/%s.png", fx->dir, name);
		assert_non_null(text = testutil_slurp(file, &len));
		if (len < 1000 || memcmp(text, sig, sizeof(sig)) != 0)
			fail_msg("%s: not a PNG (%zu bytes)", file, len);
		free(text);
		snprintf(file, sizeof(file), "%s/%s.svg", fx->dir, name);
		assert_non_null(text = testutil_slurp(file, &len));
		if (strstr(text, "<svg") == NULL)
			fail_msg("%s: not an SVG", file);
		free(text);
	}
	assert_int_equal(count_fds(), fds);
	assert_int_equal(waitpid(-1, &st, WNOHANG), -1);
	assert_int_equal(errno, ECHILD);
}

static void
test_missing_script(void **state)
{
	struct fixture *fx = *state;
	char path[PATH_MAX];

	assert_int_equal(plot_render(script_path(path, sizeof(path), "nosuch.gp"), fx->dir, "x",
	    "io-bound", NULL, fx->err, sizeof(fx->err)), -1);
	assert_non_null(strstr(fx->err, "nosuch.gp"));
}

/* No throughput-nosuch.dat: gnuplot fails, the log says why, a stale x.png is gone. */
static void
test_missing_data(void **state)
{
	struct fixture *fx = *state;
	char path[PATH_MAX], file[128], *log;
	FILE *f;

	snprintf(file, sizeof(file), "%s/x.png", fx->dir);
	assert_non_null(f = fopen(file, "w"));
	fputs("stale", f);
	fclose(f);
	assert_int_equal(plot_render(script_path(path, sizeof(path), "throughput.gp"), fx->dir, "x",
	    "nosuch", NULL, fx->err, sizeof(fx->err)), -1);
	assert_non_null(strstr(fx->err, "throughput.gp"));
	assert_non_null(strstr(fx->err, "gnuplot.log"));
	assert_int_equal(access(file, F_OK), -1);
	snprintf(file, sizeof(file), "%s/gnuplot.log", fx->dir);
	assert_non_null(log = testutil_slurp(file, NULL));
	assert_non_null(strstr(log, "throughput-nosuch.dat"));
	free(log);
}

static void
test_no_gnuplot(void **state)
{
	struct fixture *fx = *state;
	char path[PATH_MAX], *saved = getenv("PATH") ? strdup(getenv("PATH")) : NULL;
	int rc;

	setenv("PATH", "/nonexistent", 1);
	rc = plot_render(script_path(path, sizeof(path), "throughput.gp"), fx->dir, "x", "io-bound",
	    NULL, fx->err, sizeof(fx->err));
	if (saved != NULL)
		setenv("PATH", saved, 1);
	free(saved);
	assert_int_equal(rc, -1);
	assert_non_null(strstr(fx->err, "gnuplot not found: install gnuplot-nox"));
	assert_non_null(strstr(fx->err, "throughput.gp"));
}

static void
test_inval(void **state)
{
	static const struct {
		const char *script, *dir, *name, *scenario, *model, *want;
	} cases[] = {
		{ NULL, "D", "x", "io-bound", NULL, "no script" },
		{ "S", NULL, "x", "io-bound", NULL, "no folder" },
		{ "S", "D", NULL, "io-bound", NULL, "no name" },
		{ "S", "D", "", "io-bound", NULL, "no name" },
		{ "S", "D", "x", "io-bound", "", "no model" },
		{ "S", "D", "it's", "io-bound", NULL, "quote" },
		{ "S", "D", "x", "io'bound", NULL, "quote" },
		{ "S", "D", "x", "io-bound", "a\nb", "newline" },
		{ "S", "/tmp/a'b", "x", "io-bound", NULL, "quote" },
		{ "S", "/tmp/a\nb", "x", "io-bound", NULL, "newline" },
		{ "plots/a'b.gp", "D", "x", "io-bound", NULL, "quote" },
	};
	struct fixture *fx = *state;
	char path[PATH_MAX];
	const char *s, *d;
	size_t i;

	script_path(path, sizeof(path), "throughput.gp");
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		s = cases[i].script != NULL && strcmp(cases[i].script, "S") == 0 ? path :
		    cases[i].script;
		d = cases[i].dir != NULL && strcmp(cases[i].dir, "D") == 0 ? fx->dir :
		    cases[i].dir;
		fx->err[0] = '\0';
		if (plot_render(s, d, cases[i].name, cases[i].scenario, cases[i].model, fx->err,
		    sizeof(fx->err)) != -1 || strstr(fx->err, cases[i].want) == NULL)
			fail_msg("case %zu: err '%s', want '%s'", i, fx->err, cases[i].want);
	}
	/* Refused before gnuplot ran: nothing was logged. */
	snprintf(path, sizeof(path), "%s/gnuplot.log", fx->dir);
	assert_int_equal(access(path, F_OK), -1);
}

#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)

int
main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_render_all),
		T(test_missing_script),
		T(test_missing_data),
		T(test_no_gnuplot),
		T(test_inval),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
