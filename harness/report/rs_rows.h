/*
 * rs_rows.h: the rows of a scenario's CSV files (summary.csv, trace.csv, samples.csv), read
 * back by column name; the bottom of the result set's reader, below resultset.c (which reads
 * summary.csv through it) and rs_trace.c (trace.csv). Included by resultset.h, so its readers
 * see it with the rest of the contract.
 */
#ifndef EXIFBENCH_RS_ROWS_H
#define EXIFBENCH_RS_ROWS_H

#include <stddef.h>

struct rs_scenario;
struct rs_run;

/* One row: its cells and the file's header, both split in place (nc may differ from nh). */
struct rs_row {
	char **head, **cell;
	size_t nh, nc;
};

/* The row's cell in the column called name; "" for a column the file does not have. */
const char *rs_cell(const struct rs_row *row, const char *name);
/* The cell as a number; NaN when blank, absent or not a number. */
double rs_num(const struct rs_row *row, const char *name);
/*
 * The cell as a count (level, rep, workers, client_pus): 0 when blank, absent, not a number or
 * negative, UINT_MAX when beyond it (converting such a double to unsigned is undefined).
 */
unsigned rs_count(const struct rs_row *row, const char *name);

/*
 * Whether a row of trace.csv or samples.csv carries run r's labels: model, level, rep,
 * clients, rate (to 3 decimals, as summary.csv has it; a file without the cell: 0, closed
 * loop), and client_cpus (the tag) or, in a file without that column, client_pus.
 */
int rs_row_is(const struct rs_row *row, const struct rs_run *r);

typedef int (*rs_row_cb)(const struct rs_row *row, void *arg);

/*
 * Streams s's file ("trace.csv", "samples.csv" or "summary.csv") and calls cb for each row of
 * run r (every row when r is NULL), in file order, until cb returns non-zero. 0, or -1 with
 * err when the file cannot be read or cb returned a negative value (a missing file reads as
 * no rows).
 */
int rs_each(const struct rs_scenario *s, const struct rs_run *r, const char *file, rs_row_cb cb,
    void *arg, char *err, size_t errlen);

#endif
