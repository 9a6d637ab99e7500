/*
 * rs_rows.c: a scenario's CSV files streamed row by row, cells found by column name. See
 * rs_rows.h. The header record is kept in its own buffer so that every row can be looked up
 * by name; memory is one record, never the file.
 */
#include "rs_rows.h"

#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness/results/csv.h"
#include "resultset.h"

#define MAX_CELLS 128

const char *
rs_cell(const struct rs_row *row, const char *name)
{
	int i = csv_index(row->head, row->nh, name);

	return i >= 0 && (size_t)i < row->nc ? row->cell[i] : "";
}

double
rs_num(const struct rs_row *row, const char *name)
{
	const char *c = rs_cell(row, name);
	char *end;
	double v;

	if (*c == '\0')
		return NAN;
	v = strtod(c, &end);
	return end == c ? NAN : v;
}

unsigned
rs_count(const struct rs_row *row, const char *name)
{
	double v = rs_num(row, name);

	if (!(v > 0))	/* NaN too */
		return 0;
	return v >= (double)UINT_MAX ? UINT_MAX : (unsigned)v;
}

int
rs_row_is(const struct rs_row *row, const struct rs_run *r)
{
	const char *tag = rs_cell(row, "client_cpus");
	unsigned clients = rs_count(row, "clients");	/* 0: no such cell (an older folder) */
	double rate = rs_num(row, "rate");		/* NaN: no such cell, closed loop */

	return strcmp(rs_cell(row, "model"), r->model) == 0 &&
	    (clients ? clients : 1) == r->clients &&
	    fabs((rate > 0 ? rate : 0) - r->rate) < 5e-4 &&
	    rs_count(row, "level") == r->level && rs_count(row, "rep") == r->rep &&
	    (*tag != '\0' ? strcmp(tag, r->tag) == 0 :
	    rs_count(row, "client_pus") == r->client_pus);
}

int
rs_each(const struct rs_scenario *s, const struct rs_run *r, const char *file, rs_row_cb cb,
    void *arg, char *err, size_t errlen)
{
	char path[PATH_MAX], *hline = NULL, *line = NULL, *head[MAX_CELLS], *cell[MAX_CELLS];
	size_t hcap = 0, cap = 0, lineno = 0;
	struct rs_row row = { head, cell, 0, 0 };
	FILE *f;
	int rv = 0;

	snprintf(path, sizeof(path), "%s/%s", s->dir, file);
	if ((f = fopen(path, "r")) == NULL) {
		if (errno == ENOENT)
			return 0;
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	if (csv_record(f, &hline, &hcap, &lineno) == 0) {
		row.nh = csv_split(hline, head, MAX_CELLS);
		while (rv == 0 && csv_record(f, &line, &cap, &lineno) == 0) {
			row.nc = csv_split(line, cell, MAX_CELLS);
			if (r == NULL || rs_row_is(&row, r))
				rv = cb(&row, arg);
		}
	}
	if (rv >= 0 && ferror(f))
		snprintf(err, errlen, "%s: read error", path), rv = -1;
	else if (rv < 0)
		snprintf(err, errlen, "%s:%zu: a row that cannot be read (too few cells, or out "
		    "of memory)", path, lineno);
	free(hline);
	free(line);
	fclose(f);
	return rv < 0 ? -1 : 0;
}
