/*
 * test_profile.c: unit tests of harness/profile/'s pure parts: the frame names and groups
 * (frame.c), folding `perf script` output (fold.c), the top entries (top.c) and the flame
 * graph SVG (flame.c). tests/data/perf_script_spin.txt is real output, 15 whole samples of
 * 54 kept: `perf record -e cpu-clock -F 199 --call-graph dwarf` of `exifbench run -m pthreads
 * -c 2 -n 60 --cpu-spin-ms 4` against the local server, then `perf script --no-inline -F
 * comm,period,ip,sym,dso` (what perfrec_fold runs), on 4 Dec 2026 (perf 6.1, kernel 6.18):
 * 9 samples in transform_spin, 3 in the kernel, one each in ld.so, libcrypto and libcurl.
 */
#include "harness/profile/frame.c"
#include "harness/profile/fold.c"
#include "harness/profile/fold_perf.c"
#include "harness/profile/top.c"
#include "harness/profile/flame.c"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "tests/testutil.h"

/* The capture folded, line by line. */
static struct fold *
fold_capture(void)
{
	char *text = testutil_slurp_data("perf_script_spin.txt", NULL), *line, *save = NULL;
	struct fold *f = fold_new(0);

	assert_non_null(text);
	assert_non_null(f);
	for (line = strtok_r(text, "\n", &save); line != NULL; line = strtok_r(NULL, "\n", &save))
		assert_int_equal(fold_line(f, line), 0);
	assert_int_equal(fold_end(f), 0);
	free(text);
	return f;
}

static void
test_frame_name(void **state)
{
	char out[FRAME_NAME_MAX];

	(void)state;
	assert_int_equal(frame_name(out, sizeof(out), "Curl_http",
	    "/usr/lib/x86_64-linux-gnu/libcurl.so.4.8.0"), 0);
	assert_string_equal(out, "libcurl.so.4`Curl_http");
	assert_int_equal(frame_name(out, sizeof(out), "tcp_sendmsg", "[kernel.kallsyms]"), 0);
	assert_string_equal(out, "kernel`tcp_sendmsg");
	assert_int_equal(frame_name(out, sizeof(out), "transform_spin",
	    "/work/wt-h32/build/exifbench"), 0);
	assert_string_equal(out, "exifbench`transform_spin");
	assert_int_equal(frame_name(out, sizeof(out), "[unknown]",
	    "/usr/lib/x86_64-linux-gnu/libcurl.so.4.8.0"), 0);
	assert_string_equal(out, "libcurl.so.4`[unknown]");
	assert_int_equal(frame_name(out, sizeof(out), "__vdso_clock_gettime", "[vdso]"), 0);
	assert_string_equal(out, "vdso`__vdso_clock_gettime");
	assert_int_equal(frame_name(out, sizeof(out), "a;b\nc", "libx.so"), 0);
	assert_string_equal(out, "libx.so`a:b c");
	assert_int_equal(frame_name(out, sizeof(out), "[unknown]", "[unknown]"), -1);
	assert_int_equal(frame_name(out, 8, "a_long_function", "libjansson.so.4"), 0);
	assert_string_equal(out, "libjans");	/* cut to fit, still terminated */
}

static void
test_frame_lib(void **state)
{
	static const struct {
		const char *frame;
		enum frame_lib lib;
	} cases[] = {
		{ "libcurl.so.4`Curl_http", FRAME_LIBCURL }, { "libssl.so.3`SSL_read", FRAME_CRYPTO },
		{ "libcrypto.so.3`OPENSSL_cleanse", FRAME_CRYPTO },
		{ "libexif.so.12`exif_data_load_data", FRAME_LIBEXIF },
		{ "libjpeg.so.62`jpeg_idct_islow", FRAME_LIBJPEG },
		{ "libjansson.so.4`json_dumps", FRAME_JANSSON }, { "libc.so.6`malloc", FRAME_LIBC },
		{ "ld-linux-x86-64.so.2`_dl_relocate_object", FRAME_LIBC },
		{ "vdso`__vdso_clock_gettime", FRAME_LIBC },
		{ "libevent-2.1.so.7`event_base_loop", FRAME_LIBEVENT },
		{ "kernel`schedule", FRAME_KERNEL }, { "exifbench`job_process", FRAME_EXIFBENCH },
		{ "libz.so.1`inflate", FRAME_OTHER }, { "?`[unknown]", FRAME_OTHER },
		{ "libcurl.so.4", FRAME_LIBCURL },
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		assert_int_equal(frame_lib_of(cases[i].frame), cases[i].lib);
	assert_string_equal(frame_lib_name(FRAME_CRYPTO), "libcrypto/libssl");
	assert_string_equal(frame_lib_name(FRAME_NLIB), "");
}

static void
test_fold_capture(void **state)
{
	struct fold *f = fold_capture();
	const struct fold_entry *e;
	size_t n, i, spin = 0;

	(void)state;
	assert_int_equal(fold_samples(f), 15);
	e = fold_sorted(f, &n);
	assert_int_equal(n, fold_count(f));
	for (i = 0; i < n; i++) {
		if (i > 0)
			assert_true(strcmp(e[i - 1].stack, e[i].stack) < 0);
		if (strcmp(e[i].stack, "libc.so.6`clone3;libc.so.6`start_thread;"
		    "exifbench`worker_main;exifbench`job_run_blocking;exifbench`job_process;"
		    "exifbench`builtin_process;exifbench`transform_spin") == 0)
			spin = e[i].count;
	}
	assert_int_equal(spin, 9);	/* nine samples, one stack: the addresses do not count */
	fold_free(f);
}

/* What fold_write writes, fold_read reads back the same. */
static void
test_fold_roundtrip(void **state)
{
	struct fold *f = fold_capture(), *g = fold_new(0);
	char *a = NULL, *b = NULL, err[128];
	size_t alen, blen;
	FILE *out = open_memstream(&a, &alen), *in;

	(void)state;
	assert_int_equal(fold_write(f, out), 0);
	fclose(out);
	in = fmemopen(a, alen, "r");
	assert_int_equal(fold_read(g, in, err, sizeof(err)), 0);
	fclose(in);
	out = open_memstream(&b, &blen);
	assert_int_equal(fold_write(g, out), 0);
	fclose(out);
	assert_string_equal(a, b);
	assert_int_equal(fold_samples(g), 15);
	in = fmemopen("a;b 3\nno count here\n", 20, "r");
	assert_int_equal(fold_read(g, in, err, sizeof(err)), -1);
	assert_string_equal(err, "line 2: not a folded stack (STACK COUNT)");
	fclose(in);
	free(a), free(b);
	fold_free(f), fold_free(g);
}

/* Past the memory bound, new stacks count under FOLD_OVERFLOW; known ones still count. */
static void
test_fold_bound(void **state)
{
	struct fold *f = fold_new(64);
	char stack[32];
	const struct fold_entry *e;
	size_t i, n, over = 0;

	(void)state;
	for (i = 0; i < 100; i++) {
		snprintf(stack, sizeof(stack), "root;leaf%zu", i);
		assert_int_equal(fold_add(f, stack, 1), 0);
	}
	assert_int_equal(fold_add(f, "root;leaf0", 5), 0);
	assert_int_equal(fold_samples(f), 105);
	e = fold_sorted(f, &n);
	assert_true(n < 10);
	for (i = 0; i < n; i++)
		if (strcmp(e[i].stack, FOLD_OVERFLOW) == 0)
			over = e[i].count;
		else if (strcmp(e[i].stack, "root;leaf0") == 0)
			assert_int_equal(e[i].count, 6);
	assert_true(over > 90);
	fold_free(f);
}

/* A stack deeper than FOLD_MAX_FRAMES keeps its leaf-most frames under FOLD_CUT. */
static void
test_fold_deep(void **state)
{
	struct fold *f = fold_new(0);
	char line[64];
	const struct fold_entry *e;
	size_t i, n;

	(void)state;
	assert_int_equal(fold_line(f, "exifbench    1001001 \n"), 0);
	for (i = 0; i < 300; i++) {
		snprintf(line, sizeof(line), "\t%zx f%zu (/usr/bin/exifbench)\n", i, i);
		assert_int_equal(fold_line(f, line), 0);
	}
	assert_int_equal(fold_line(f, "\n"), 0);
	e = fold_sorted(f, &n);
	assert_int_equal(n, 1);
	assert_true(strncmp(e[0].stack, FOLD_CUT ";exifbench`f126;",
	    strlen(FOLD_CUT ";exifbench`f126;")) == 0);
	assert_non_null(strstr(e[0].stack, ";exifbench`f0"));
	fold_free(f);
}

static void
test_top(void **state)
{
	struct fold *f = fold_capture();
	struct top t;
	size_t idx[3], n;

	(void)state;
	assert_int_equal(top_compute(f, &t), 0);
	assert_int_equal(t.total, 15);
	assert_string_equal(t.fn[0].name, "exifbench`transform_spin");
	assert_int_equal(t.fn[0].self, 9);
	assert_int_equal(t.lib[FRAME_EXIFBENCH].self, 9);
	assert_int_equal(t.lib[FRAME_KERNEL].self, 3);
	assert_int_equal(t.lib[FRAME_CRYPTO].self, 1);
	assert_int_equal(t.lib[FRAME_LIBCURL].self, 1);
	assert_int_equal(t.lib[FRAME_LIBC].self, 1);	/* ld.so's */
	n = top_best(&t, 1, idx, 3);
	assert_int_equal(n, 3);
	/* Inclusive: the worker's loop holds every sample but the loader's. */
	assert_int_equal(t.fn[idx[0]].lib, FRAME_EXIFBENCH);
	assert_int_equal(t.fn[idx[0]].incl, 14);
	assert_true(t.fn[idx[1]].incl <= t.fn[idx[0]].incl);
	assert_true(t.fn[idx[2]].incl <= t.fn[idx[1]].incl);
	n = top_best(&t, 0, idx, 3);
	assert_int_equal(n, 3);
	assert_string_equal(t.fn[idx[0]].name, "exifbench`transform_spin");
	top_free(&t);
	fold_free(f);
}

/* A recursive frame counts once inclusive per stack. */
static void
test_top_recursion(void **state)
{
	struct fold *f = fold_new(0);
	struct top t;
	size_t i;

	(void)state;
	assert_int_equal(fold_add(f, "exifbench`main;exifbench`walk;exifbench`walk", 4), 0);
	assert_int_equal(top_compute(f, &t), 0);
	for (i = 0; i < t.nfn; i++)
		if (strcmp(t.fn[i].name, "exifbench`walk") == 0) {
			assert_int_equal(t.fn[i].incl, 4);
			assert_int_equal(t.fn[i].self, 4);
		}
	assert_int_equal(t.lib[FRAME_EXIFBENCH].incl, 4);
	top_free(&t);
	fold_free(f);
}

static size_t
count(const char *s, const char *what)
{
	size_t n = 0;

	for (; (s = strstr(s, what)) != NULL; s++)
		n++;
	return n;
}

static void
test_flame(void **state)
{
	struct fold *f = fold_capture();
	char *svg = NULL;
	size_t len;
	FILE *out = open_memstream(&svg, &len);

	(void)state;
	assert_int_equal(flame_svg(f, "pthreads c=2 <spin> & co", out), 0);
	fclose(out);
	assert_true(strncmp(svg, "<?xml", 5) == 0);
	assert_non_null(strstr(svg, "</svg>\n"));
	assert_non_null(strstr(svg, "pthreads c=2 &lt;spin&gt; &amp; co"));
	/* The spin's frame (one of its ten samples was in an interrupt), its name whole. */
	assert_non_null(strstr(svg, "<title>exifbench`transform_spin (exifbench): 10 samples, "
	    "66.67%; self 9, 60.00%</title>"));
	assert_non_null(strstr(svg, ">transform_spin</text>"));
	assert_non_null(strstr(svg, "<title>libc.so.6`clone3 (libc): 13 samples"));
	/* One <g> per merged frame: the 15 stacks share their roots. */
	assert_int_equal(count(svg, "<g>"), count(svg, "</g>"));
	assert_int_equal(count(svg, "<g>"), 60);
	free(svg);
	fold_free(f);
}

static void
test_flame_empty(void **state)
{
	struct fold *f = fold_new(0);
	char *svg = NULL;
	size_t len;
	FILE *out = open_memstream(&svg, &len);

	(void)state;
	assert_int_equal(flame_svg(f, "empty", out), 0);
	fclose(out);
	assert_non_null(strstr(svg, "No samples"));
	assert_int_equal(count(svg, "<g>"), 0);
	free(svg);
	fold_free(f);
}

/* A header line, a frame line before any header, lines without a dso. */
static void
test_inval(void **state)
{
	struct fold *f = fold_new(0);
	const struct fold_entry *e;
	size_t n;

	(void)state;
	fold_free(NULL);
	top_free(NULL);
	assert_int_equal(fold_line(f, "\t1234 orphan (/usr/bin/x)"), 0);	/* no sample yet */
	assert_int_equal(fold_samples(f), 0);
	assert_null(fold_sorted(f, &n));
	assert_int_equal(n, 0);
	assert_int_equal(fold_line(f, "exifbench 1001001"), 0);
	assert_int_equal(fold_line(f, "\tffff [unknown] ([unknown])"), 0);
	assert_int_equal(fold_line(f, "exifbench 1001001"), 0);	/* ends the first */
	assert_int_equal(fold_line(f, "\t1234 nodso"), 0);
	assert_int_equal(fold_line(f, "exifbench 1001001"), 0);	/* a binary rebuilt since */
	assert_int_equal(fold_line(f, "\t1234 main (/usr/bin/exifbench (deleted))"), 0);
	assert_int_equal(fold_end(f), 0);
	assert_int_equal(fold_end(f), 0);	/* twice: no sample in progress */
	e = fold_sorted(f, &n);
	assert_int_equal(n, 3);
	assert_string_equal(e[0].stack, "?`[unknown]");
	assert_string_equal(e[1].stack, "?`nodso");
	assert_string_equal(e[2].stack, "exifbench (deleted)`main");
	fold_free(f);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_frame_name),
		cmocka_unit_test(test_frame_lib),
		cmocka_unit_test(test_fold_capture),
		cmocka_unit_test(test_fold_roundtrip),
		cmocka_unit_test(test_fold_bound),
		cmocka_unit_test(test_fold_deep),
		cmocka_unit_test(test_top),
		cmocka_unit_test(test_top_recursion),
		cmocka_unit_test(test_flame),
		cmocka_unit_test(test_flame_empty),
		cmocka_unit_test(test_inval),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
