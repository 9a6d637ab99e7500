/*
 * test_csv.c: unit tests of harness/results/csv.c, the RFC 4180 record reader and splitter. A table
 * of inputs is written to a tmpfile() and read back record by record: each record's cells
 * and the line count after it. Checked: plain rows, a last line without '\n' (one is added),
 * quoted cells holding commas, doubled quotes and newlines (one record over several lines,
 * the line count following), empty lines (one empty cell), empty and quoted-empty cells,
 * CRLF endings (the CR stays in an unquoted last cell), an empty file; a quote left open at
 * the end of the file (the rest is one record, still ending in '\n'); a record longer than
 * any buffer; csv_split with more cells than max (the rest left alone) and without a final
 * '\n'; csv_index found, absent, past n and duplicated; and an empty file, max 0, n 0.
 */
#include "harness/results/csv.c"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#define MAX_REC 4
#define MAX_CELL 8

struct rec_want {
	size_t lineno;			/* *lineno after the record */
	size_t n;			/* cells */
	const char *cell[MAX_CELL];
};

struct rec_case {
	const char *name, *in;
	size_t nrec;
	struct rec_want rec[MAX_REC];
};

static const struct rec_case rec_cases[] = {
	{ "plain", "a,b,c\n1,2,3\n", 2,
	    { { 1, 3, { "a", "b", "c" } }, { 2, 3, { "1", "2", "3" } } } },
	{ "no final newline", "a,b\n1,2", 2,
	    { { 1, 2, { "a", "b" } }, { 2, 2, { "1", "2" } } } },
	{ "quoted comma", "\"a,b\",c\n", 1, { { 1, 2, { "a,b", "c" } } } },
	{ "doubled quotes", "\"say \"\"hi\"\"\",x,\"\"\"\"\n", 1,
	    { { 1, 3, { "say \"hi\"", "x", "\"" } } } },
	{ "newline in a cell", "k,\"two\nlines\",z\nnext\n", 2,
	    { { 2, 3, { "k", "two\nlines", "z" } }, { 3, 1, { "next" } } } },
	{ "three lines, doubled quote", "\"a\"\"\nb\n\",c\nd,e\n", 2,
	    { { 3, 2, { "a\"\nb\n", "c" } }, { 4, 2, { "d", "e" } } } },
	{ "newline in a cell, no final newline", "x,\"1\n2\"", 1,
	    { { 2, 2, { "x", "1\n2" } } } },
	{ "empty lines", "a\n\nb\n\n", 4,
	    { { 1, 1, { "a" } }, { 2, 1, { "" } }, { 3, 1, { "b" } }, { 4, 1, { "" } } } },
	{ "empty cells", ",,\na,,b,\n\"\",x\n", 3,
	    { { 1, 3, { "", "", "" } }, { 2, 4, { "a", "", "b", "" } },
		{ 3, 2, { "", "x" } } } },
	/* the harness writes '\n' only: a CR stays in an unquoted last cell */
	{ "CRLF", "a,b\r\n\"c\",\"d\"\r\n", 2,
	    { { 1, 2, { "a", "b\r" } }, { 2, 2, { "c", "d" } } } },
	{ "empty file", "", 0, { { 0, 0, { NULL } } } },
};

/* A tmpfile() holding in, at its start. */
static FILE *
file_of(const char *in)
{
	FILE *f = tmpfile();

	assert_non_null(f);
	assert_int_equal(fwrite(in, 1, strlen(in), f), strlen(in));
	rewind(f);
	return f;
}

/* Fails unless ok, naming the table case and the record (or max) in it. */
static void
check(int ok, const char *name, size_t rec, const char *what)
{
	if (!ok) {
		print_error("case \"%s\" (%zu): %s\n", name, rec, what);
		fail();
	}
}

static void
test_record_table(void **state)
{
	char *line = NULL, *cell[MAX_CELL + 1];
	size_t i, j, k, n, cap = 0, lineno;
	FILE *f;

	(void)state;
	for (i = 0; i < sizeof(rec_cases) / sizeof(rec_cases[0]); i++) {
		const struct rec_case *c = &rec_cases[i];

		f = file_of(c->in);
		lineno = 0;
		for (j = 0; j < c->nrec; j++) {
			const struct rec_want *w = &c->rec[j];

			check(csv_record(f, &line, &cap, &lineno) == 0, c->name, j, "no record");
			check(lineno == w->lineno, c->name, j, "lineno");
			check(strlen(line) < cap && line[strlen(line) - 1] == '\n', c->name, j,
			    "not ending in '\\n'");
			n = csv_split(line, cell, MAX_CELL + 1);
			check(n == w->n, c->name, j, "number of cells");
			for (k = 0; k < n; k++)
				check(strcmp(cell[k], w->cell[k]) == 0, c->name, j, w->cell[k]);
		}
		check(csv_record(f, &line, &cap, &lineno) == -1, c->name, j, "a record too many");
		check(lineno == (c->nrec ? c->rec[c->nrec - 1].lineno : 0), c->name, j,
		    "lineno at the end");
		fclose(f);
	}
	free(line);
}

/* One record far longer than the first buffer, after a short one, with a short one after. */
static void
test_record_long(void **state)
{
	size_t len = 100000, cap = 0, lineno = 0, n, i;
	char *in = malloc(len + 64), *line = NULL, *cell[4];
	FILE *f;

	(void)state;
	assert_non_null(in);
	strcpy(in, "a,b\n\"");
	for (i = 5; i < len; i++)
		in[i] = i % 1000 == 0 ? '\n' : 'x';
	strcpy(in + len, "\",end\nz\n");
	f = file_of(in);
	assert_int_equal(csv_record(f, &line, &cap, &lineno), 0);
	assert_string_equal(line, "a,b\n");
	assert_int_equal(csv_record(f, &line, &cap, &lineno), 0);
	assert_int_equal(lineno, 1 + 1 + (len - 1) / 1000);
	assert_int_equal(strlen(line), len + 2);	/* from the quote to "end\n" */
	n = csv_split(line, cell, 4);
	assert_int_equal(n, 2);
	assert_int_equal(strlen(cell[0]), len - 5);
	assert_memory_equal(cell[0], in + 5, len - 5);
	assert_string_equal(cell[1], "end");
	assert_int_equal(csv_record(f, &line, &cap, &lineno), 0);
	assert_string_equal(line, "z\n");
	assert_int_equal(csv_record(f, &line, &cap, &lineno), -1);
	fclose(f);
	free(line);
	free(in);
}

/* A quote left open at the end of the file: the rest of the file is one record and cell. */
static void
test_record_open_quote(void **state)
{
	char *line = NULL, *cell[4], got[64] = "";
	size_t cap = 0, lineno = 0, n = 0;
	FILE *f = file_of("a\n\"open,x\nmore");
	int rv[3];

	(void)state;
	rv[0] = csv_record(f, &line, &cap, &lineno);
	rv[1] = csv_record(f, &line, &cap, &lineno);
	if (rv[1] == 0) {
		snprintf(got, sizeof(got), "%s", line);
		n = csv_split(line, cell, 4);
	}
	rv[2] = csv_record(f, &line, &cap, &lineno);
	fclose(f);
	free(line);
	assert_true(rv[0] == 0 && rv[1] == 0 && rv[2] == -1);
	assert_int_equal(lineno, 3);
	assert_int_equal(n, 1);
	assert_string_equal(got, "\"open,x\nmore\n");	/* "ending in '\n'" (csv.h) */
}

struct split_case {
	const char *in;
	size_t max, n;
	const char *cell[MAX_CELL];
	const char *rest;	/* what follows the last cell, untouched (NULL: not checked) */
};

static const struct split_case split_cases[] = {
	{ "a,b,c,d\n", 2, 2, { "a", "b" }, "c,d\n" },
	{ "a,b,c,d\n", 4, 4, { "a", "b", "c", "d" }, NULL },
	{ "a,b,c,d\n", 1, 1, { "a" }, "b,c,d\n" },
	{ "\"x,y\",z,w\n", 1, 1, { "x,y" }, "z,w\n" },
	{ "a,b", 8, 2, { "a", "b" }, NULL },
	{ "", 8, 1, { "" }, NULL },
	{ "\n", 8, 1, { "" }, NULL },
	{ ",\n", 8, 2, { "", "" }, NULL },
	{ "\"q\"\"\",\"\"\n", 8, 2, { "q\"", "" }, NULL },
	{ "a,b\n", 0, 0, { NULL }, "a,b\n" },
};

static void
test_split_table(void **state)
{
	char buf[64], *cell[MAX_CELL];
	size_t i, k, n;

	(void)state;
	for (i = 0; i < sizeof(split_cases) / sizeof(split_cases[0]); i++) {
		const struct split_case *c = &split_cases[i];

		snprintf(buf, sizeof(buf), "%s", c->in);
		memset(cell, 0, sizeof(cell));
		n = csv_split(buf, cell, c->max);
		check(n == c->n, c->in, c->max, "number of cells");
		for (k = 0; k < n; k++)
			check(strcmp(cell[k], c->cell[k]) == 0, c->in, c->max, c->cell[k]);
		for (; k < MAX_CELL; k++)
			check(cell[k] == NULL, c->in, c->max, "a cell past n");
		if (c->rest != NULL)
			check(strcmp(buf + strlen(c->in) - strlen(c->rest), c->rest) == 0, c->in,
			    c->max, "the rest");
	}
}

static void
test_index(void **state)
{
	char a[] = "model", b[] = "level", c[] = "", d[] = "level", e[] = "rep";
	char *const cell[] = { a, b, c, d, e };

	(void)state;
	assert_int_equal(csv_index(cell, 5, "model"), 0);
	assert_int_equal(csv_index(cell, 5, "level"), 1);	/* the first of two */
	assert_int_equal(csv_index(cell, 5, ""), 2);
	assert_int_equal(csv_index(cell, 5, "rep"), 4);
	assert_int_equal(csv_index(cell, 4, "rep"), -1);	/* past n */
	assert_int_equal(csv_index(cell, 5, "Model"), -1);
	assert_int_equal(csv_index(cell, 5, "mode"), -1);
	assert_int_equal(csv_index(cell, 5, "models"), -1);
}

static void
test_inval(void **state)
{
	char *line = NULL, *cell[1] = { NULL }, buf[] = "a,b\n";
	size_t cap = 0, lineno = 7;
	FILE *f = file_of("");

	(void)state;
	assert_int_equal(csv_record(f, &line, &cap, &lineno), -1);
	assert_int_equal(lineno, 7);
	assert_null(line);
	assert_int_equal(cap, 0);
	fclose(f);
	assert_int_equal(csv_split(buf, cell, 0), 0);
	assert_null(cell[0]);
	assert_string_equal(buf, "a,b\n");
	assert_int_equal(csv_index(cell, 0, "a"), -1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_record_table),
		cmocka_unit_test(test_record_long),
		cmocka_unit_test(test_record_open_quote),
		cmocka_unit_test(test_split_table),
		cmocka_unit_test(test_index),
		cmocka_unit_test(test_inval),
	};

	return cmocka_run_group_tests_name("csv", tests, NULL, NULL);
}
