/*
 * test_report_html.c: unit tests of harness/report/report_html.c on hand-made report.md and
 * SVG files in a temporary folder. Checked: a GFM table becomes a <table>; a figure shown as
 * plots/NAME.png is put inline from plots/NAME.svg, its XML prologue dropped, its ids and the
 * references to them prefixed with its number, its size taken from its viewBox, its title
 * the alt text (the plots' own titles kept); raw HTML, inline and as a block, is shown as
 * text; a figure without an SVG, or whose SVG holds a script, stays a link to its PNG; the
 * page is written whole (no .tmp left); errors: no report.md, a folder that cannot be written.
 */
#include "harness/report/report_html.c"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "../testutil.h"

static const char svg_text[] =
    "<?xml version=\"1.0\" encoding=\"utf-8\"  standalone=\"no\"?>\n"
    "<svg \n viewBox=\"0 0 1200 700\"\n xmlns=\"http://www.w3.org/2000/svg\"\n"
    " xmlns:xlink=\"http://www.w3.org/1999/xlink\"\n>\n<title>Gnuplot</title>\n"
    "<defs><circle id='gpDot' r='0.5'/><use xlink:href='#gpDot' id=\"gpPt6\"/>"
    "<pattern id='gpPat1'/></defs>\n"
    "<g id=\"gnuplot_plot_1\"><title>sequential</title>"
    "<path fill=\"url(#gpPat1)\" d=\"M0,0\"/></g>\n</svg>\n";

struct fixture {
	char dir[64];
	char err[512];
	char *html;
};

static int
setup(void **state)
{
	struct fixture *fx = calloc(1, sizeof(*fx));
	char plots[128];

	if (fx == NULL || testutil_tmpdir(fx->dir, sizeof(fx->dir), "test_report_html") < 0)
		return -1;
	snprintf(plots, sizeof(plots), "%s/plots", fx->dir);
	if (mkdir(plots, 0777) < 0)
		return -1;
	*state = fx;
	return 0;
}

static int
teardown(void **state)
{
	struct fixture *fx = *state;

	testutil_rmtree(fx->dir);
	free(fx->html);
	free(fx);
	return 0;
}

/* report_html on md (and the SVGs already written); fx->html the page. */
static void
make(struct fixture *fx, const char *md)
{
	char path[128];

	testutil_write(fx->dir, "report.md", md);
	if (report_html(fx->dir, fx->err, sizeof(fx->err)) != 0)
		fail_msg("report_html: %s", fx->err);
	snprintf(path, sizeof(path), "%s/report.html", fx->dir);
	free(fx->html);
	assert_non_null(fx->html = testutil_slurp(path, NULL));
	snprintf(path, sizeof(path), "%s/report.html.tmp", fx->dir);
	assert_int_equal(access(path, F_OK), -1);
}

static void
test_page(void **state)
{
	struct fixture *fx = *state;
	const char *h;

	testutil_write(fx->dir, "plots/a-x.svg", svg_text);
	testutil_write(fx->dir, "plots/c-x.svg", "<svg><script>alert(1)</script></svg>");
	make(fx, "# exifbench report\n\nCPU <b>bold</b> & co.\n\n<div>block</div>\n\n"
	    "| model | images/s |\n|---|--:|\n| async | 185.4 |\n\n"
	    "![x: the \"a\" figure](plots/a-x.png)\n*x: the a figure* ([SVG](plots/a-x.svg))\n\n"
	    "![x: b](plots/b-x.png)\n\n![x: c](plots/c-x.png)\n");
	h = fx->html;
	assert_non_null(strstr(h, "<!DOCTYPE html>"));
	assert_non_null(strstr(h, "<h1>exifbench report</h1>"));
	assert_non_null(strstr(h, "<table>"));
	assert_non_null(strstr(h, "<td align=\"right\">185.4</td>"));
	/* raw HTML as text */
	assert_null(strstr(h, "<b>"));
	assert_null(strstr(h, "<div>"));
	assert_non_null(strstr(h, "<code>&lt;b&gt;</code>bold"));
	assert_non_null(strstr(h, "&lt;div&gt;block&lt;/div&gt;"));
	assert_non_null(strstr(h, "&amp; co."));
	/* the figure inline */
	assert_null(strstr(h, "<?xml"));
	assert_non_null(strstr(h, "<svg class=\"figure\" role=\"img\" aria-label=\"x: the "
	    "&quot;a&quot; figure\" width=\"1200\" height=\"700\""));
	assert_non_null(strstr(h, "<title>x: the &quot;a&quot; figure</title>"));
	assert_non_null(strstr(h, "<title>sequential</title>"));
	assert_non_null(strstr(h, "id='fig1-gpDot'"));
	assert_non_null(strstr(h, "xlink:href='#fig1-gpDot' id=\"fig1-gpPt6\""));
	assert_non_null(strstr(h, "id=\"fig1-gnuplot_plot_1\""));
	assert_non_null(strstr(h, "fill=\"url(#fig1-gpPat1)\""));
	assert_null(strstr(h, "id='gpDot'"));
	assert_null(strstr(h, "src=\"plots/a-x.png\""));
	/* no SVG, or one with a script: the PNG stays */
	assert_non_null(strstr(h, "<img src=\"plots/b-x.png\" alt=\"x: b\""));
	assert_non_null(strstr(h, "<img src=\"plots/c-x.png\" alt=\"x: c\""));
	assert_null(strstr(h, "<script"));
	assert_non_null(strstr(h, "</body>\n</html>\n"));
}

/* Two figures: each its own ids. */
static void
test_two(void **state)
{
	struct fixture *fx = *state;

	testutil_write(fx->dir, "plots/a-x.svg", svg_text);
	testutil_write(fx->dir, "plots/b-x.svg", svg_text);
	make(fx, "![a](plots/a-x.png)\n\n![b](plots/b-x.png)\n");
	assert_non_null(strstr(fx->html, "id='fig1-gpDot'"));
	assert_non_null(strstr(fx->html, "id='fig2-gpDot'"));
	assert_non_null(strstr(fx->html, "xlink:href='#fig2-gpDot'"));
	/* a name outside plots/ is not read */
	make(fx, "![a](../plots/a-x.png)\n\n![b](plots/sub/b-x.png)\n");
	assert_null(strstr(fx->html, "<svg"));
}

static void
test_errors(void **state)
{
	struct fixture *fx = *state;
	char path[128];

	assert_int_equal(report_html(fx->dir, fx->err, sizeof(fx->err)), -1);
	assert_non_null(strstr(fx->err, "report.md: No such file"));
	assert_int_equal(report_html("/nonexistent/dir", fx->err, sizeof(fx->err)), -1);
	assert_non_null(strstr(fx->err, "/nonexistent/dir/report.md"));
	/* report.html.tmp cannot be created: a folder in its place */
	testutil_write(fx->dir, "report.md", "# r\n");
	snprintf(path, sizeof(path), "%s/report.html.tmp", fx->dir);
	assert_int_equal(mkdir(path, 0777), 0);
	assert_int_equal(report_html(fx->dir, fx->err, sizeof(fx->err)), -1);
	assert_non_null(strstr(fx->err, "report.html.tmp"));
	rmdir(path);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_page, setup, teardown),
		cmocka_unit_test_setup_teardown(test_two, setup, teardown),
		cmocka_unit_test_setup_teardown(test_errors, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
