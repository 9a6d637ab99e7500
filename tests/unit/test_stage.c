/*
 * test_stage.c: unit tests of the CPU-stage loader (models/core/stage.c) with the tests' own
 * plugins (tests/stages/teststage.c, built three ways) and the shipped examples: the spec's
 * parse; load errors, each a one-line reason naming the file (no such file, no entry symbol, a
 * wrong ABI version, init failing); a stage whose init failed failing every image with that
 * reason; process errors with the plugin's reason; an output buffer handed over; the jpeg.so
 * example giving the built-in thumbnail's bytes; and, in a forked child as forkpool's worker,
 * a crash and a hang turned into exit statuses that stage_exit_reason explains; and a
 * co-process stage (models/stages/stage.py, sh): its error, its death and restart, a hang
 * killed at the timeout, an answer that breaks the protocol.
 */
#include "models/core/stage.c"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>

#include <cmocka.h>

#include "../testutil.h"

#ifndef TEST_STAGES
#define TEST_STAGES "build/tests/stages"
#endif
#define STAGES TEST_STAGES "/../../stages"	/* build/stages, the examples */

static void
conf(struct stage_conf *c, const char *spec)
{
	char err[256];

	assert_int_equal(stage_conf_parse(c, spec, err, sizeof(err)), 0);
}

/* stage_check's reason for spec, which must fail. */
static void
check_fails(const char *spec, const char *want)
{
	struct stage_conf c;
	char err[512] = "";

	conf(&c, spec);
	assert_int_equal(stage_check(&c, err, sizeof(err)), -1);
	if (strstr(err, want) == NULL)
		fail_msg("stage_check(%s): '%s', want '%s'", spec, err, want);
	assert_null(strchr(err, '\n'));
}

static void
test_conf_parse(void **state)
{
	struct stage_conf c;
	char err[256];
	char longer[STAGE_PATH_MAX + 8];

	(void)state;
	conf(&c, "x.so");
	assert_int_equal(c.kind, STAGE_PLUGIN);
	assert_string_equal(c.path, "./x.so");
	assert_string_equal(c.arg, "");
	conf(&c, "/a/b.so:thumbnail:80:120");
	assert_string_equal(c.path, "/a/b.so");
	assert_string_equal(c.arg, "thumbnail:80:120");
	assert_int_equal(stage_conf_parse(&c, ":x", err, sizeof(err)), -1);
	assert_non_null(strstr(err, "no plugin file"));
	memset(longer, 'a', sizeof(longer) - 1);
	longer[sizeof(longer) - 1] = '\0';
	assert_int_equal(stage_conf_parse(&c, longer, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "too long"));
}

static void
test_load_errors(void **state)
{
	(void)state;
	check_fails(TEST_STAGES "/missing.so", "cannot load");
	check_fails(TEST_STAGES "/nosym.so", "no exifbench_stage_v1(): not an exifbench stage");
	check_fails(TEST_STAGES "/badabi.so", "ABI version 99, this exifbench loads version 1");
	check_fails(TEST_STAGES "/teststage.so:fail-init",
	    "stage teststage: init('fail-init') failed: asked to fail");
	check_fails(TEST_STAGES "/teststage.so:nonsense", "unknown mode 'nonsense'");
	check_fails(STAGES "/spin.so", "ARG must be the milliseconds");
	check_fails(STAGES "/jpeg.so:none", "ARG must be thumbnail|recompress");
}

/* A worker whose init failed still answers each image, with the reason. */
static void
test_broken_stage_fails_images(void **state)
{
	struct stage_conf c;
	struct stage *s;
	unsigned char in[4] = { 1, 2, 3, 4 }, *out = (unsigned char *)"x";
	size_t out_len = 9;
	int warns = 0;
	char err[256];

	(void)state;
	conf(&c, TEST_STAGES "/teststage.so:fail-init");
	assert_non_null(s = stage_new(&c, NULL));
	assert_int_equal(stage_process(s, in, sizeof(in), &out, &out_len, &warns, err,
	    sizeof(err)), -1);
	assert_non_null(strstr(err, "asked to fail"));
	assert_null(out);
	assert_int_equal(out_len, 0);
	stage_free(s);
}

static void
test_process_error_and_output(void **state)
{
	struct stage_conf c;
	struct stage *s;
	unsigned char in[3] = { 7, 8, 9 }, *out;
	size_t out_len;
	int warns = 0;
	char err[256];

	(void)state;
	conf(&c, TEST_STAGES "/teststage.so:error");
	assert_non_null(s = stage_new(&c, NULL));
	assert_string_equal(stage_name(s), "teststage");
	assert_int_equal(stage_process(s, in, 3, &out, &out_len, &warns, err, sizeof(err)), -1);
	assert_string_equal(err, "stage teststage: odd size 3");
	assert_null(out);
	assert_int_equal(stage_process(s, in, 2, &out, &out_len, &warns, err, sizeof(err)), 0);
	assert_null(out);	/* no output: the input is the output */
	stage_free(s);
	conf(&c, TEST_STAGES "/teststage.so:copy");
	assert_non_null(s = stage_new(&c, NULL));
	assert_int_equal(stage_process(s, in, 3, &out, &out_len, &warns, err, sizeof(err)), 0);
	assert_int_equal(out_len, 3);
	assert_memory_equal(out, in, 3);
	free(out);
	stage_free(s);
}

/* The example plugin's thumbnail is the built-in one, byte for byte. */
static void
test_jpeg_plugin_is_builtin(void **state)
{
	struct transform_opts t = TRANSFORM_OPTS_DEFAULT;
	struct stage_conf c, bc = { .kind = STAGE_BUILTIN };
	struct stage *s, *b;
	unsigned char *in, *o1, *o2;
	size_t len = 0, l1, l2;
	int warns = 0;
	char path[4096], err[256];
	const char *dir = testutil_corpus_dir();

	(void)state;
	if (dir == NULL)
		skip();
	snprintf(path, sizeof(path), "%s/jpeg/exif-samples__Canon_40D.jpg", dir);
	assert_non_null(in = testutil_slurp(path, &len));
	t.kind = TRANSFORM_THUMBNAIL;
	conf(&c, STAGES "/jpeg.so:thumbnail:85:160");
	assert_non_null(s = stage_new(&c, &t));
	assert_non_null(b = stage_new(&bc, &t));
	assert_string_equal(stage_name(b), "thumbnail");
	assert_int_equal(stage_process(s, in, len, &o1, &l1, &warns, err, sizeof(err)), 0);
	assert_int_equal(stage_process(b, in, len, &o2, &l2, &warns, err, sizeof(err)), 0);
	assert_non_null(o1);
	assert_int_equal(l1, l2);
	assert_memory_equal(o1, o2, l1);
	free(o1);
	free(o2);
	stage_free(s);
	stage_free(b);
	free(in);
}

/* forkpool's child: the wait status of one isolated call on an odd-sized image. */
static int
isolated_status(const char *spec, long timeout_ms)
{
	struct stage_conf c;
	unsigned char in[3] = { 1, 2, 3 }, *out;
	size_t out_len;
	int st, warns = 0;
	char err[256];
	pid_t pid;

	conf(&c, spec);
	c.timeout_ms = timeout_ms;
	assert_true((pid = fork()) >= 0);
	if (pid == 0) {
		struct stage *s = stage_new(&c, NULL);

		stage_isolate(s);
		stage_process(s, in, sizeof(in), &out, &out_len, &warns, err, sizeof(err));
		_exit(0);
	}
	assert_int_equal(waitpid(pid, &st, 0), pid);
	return st;
}

static void
test_isolated_crash_and_hang(void **state)
{
	char why[128] = "";

	(void)state;
	assert_int_equal(stage_exit_reason(isolated_status(TEST_STAGES "/teststage.so:crash",
	    0), 0, why, sizeof(why)), 1);
	assert_string_equal(why, "died: the stage crashed (signal 11, Segmentation fault)");
	assert_int_equal(stage_exit_reason(isolated_status(TEST_STAGES "/teststage.so:hang",
	    50), 50, why, sizeof(why)), 1);
	assert_string_equal(why, "was killed: the stage timed out after 50 ms");
	/* an ordinary exit, or a signal outside the stage, is not the stage's */
	assert_int_equal(stage_exit_reason(isolated_status(TEST_STAGES "/teststage.so:ok", 50),
	    50, why, sizeof(why)), 0);
	assert_int_equal(stage_exit_reason(SIGKILL, 0, why, sizeof(why)), 0);
	assert_int_equal(stage_exit_reason(2 << 8, 0, why, sizeof(why)), 0);
}

/* A co-process stage's answers, its death (restarted next time), a hang and a bad answer. */
static void
test_cmd(void **state)
{
	struct stage_conf c;
	struct stage *s;
	unsigned char in[3] = { 1, 2, 3 }, *out;
	size_t out_len;
	int warns = 0;
	char err[256], cmd[8192], py[4096 + 8];

	(void)state;
	testutil_data_path(cmd, 4096, "../../models/stages/stage.py");
	snprintf(py, sizeof(py), "python3 %s", cmd);
	assert_int_equal(stage_conf_cmd(&c, " ", err, sizeof(err)), -1);
	snprintf(cmd, sizeof(cmd), "%s --fail-odd", py);
	assert_int_equal(stage_conf_cmd(&c, cmd, err, sizeof(err)), 0);
	assert_non_null(s = stage_new(&c, NULL));
	assert_int_equal(stage_process(s, in, 2, &out, &out_len, &warns, err, sizeof(err)), 0);
	assert_null(out);
	assert_int_equal(stage_process(s, in, 3, &out, &out_len, &warns, err, sizeof(err)), -1);
	assert_string_equal(err, "stage co-process: odd size 3");
	stage_free(s);
	snprintf(cmd, sizeof(cmd), "%s --crash-odd", py);
	stage_conf_cmd(&c, cmd, err, sizeof(err));
	assert_non_null(s = stage_new(&c, NULL));
	assert_int_equal(stage_process(s, in, 3, &out, &out_len, &warns, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "died: exit status 3"));
	assert_int_equal(stage_process(s, in, 2, &out, &out_len, &warns, err, sizeof(err)), 0);
	stage_free(s);
	stage_conf_cmd(&c, "exec sleep 60", err, sizeof(err));
	c.timeout_ms = 100;
	assert_non_null(s = stage_new(&c, NULL));
	assert_int_equal(stage_process(s, in, 2, &out, &out_len, &warns, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "timed out and was killed"));
	stage_free(s);
	stage_conf_cmd(&c, "head -c 4 >/dev/null; printf 'garbage!'; cat >/dev/null", err,
	    sizeof(err));
	c.timeout_ms = 0;
	assert_non_null(s = stage_new(&c, NULL));
	assert_int_equal(stage_process(s, in, 2, &out, &out_len, &warns, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "broke the protocol"));
	stage_free(s);
}

static void
test_inval(void **state)
{
	struct stage_conf bc = { .kind = STAGE_BUILTIN };
	char err[64] = "";

	(void)state;
	stage_free(NULL);
	assert_int_equal(stage_check(&bc, err, sizeof(err)), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_conf_parse),
		cmocka_unit_test(test_load_errors),
		cmocka_unit_test(test_broken_stage_fails_images),
		cmocka_unit_test(test_process_error_and_output),
		cmocka_unit_test(test_jpeg_plugin_is_builtin),
		cmocka_unit_test(test_isolated_crash_and_hang),
		cmocka_unit_test(test_cmd),
		cmocka_unit_test(test_inval),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
