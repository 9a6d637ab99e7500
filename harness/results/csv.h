/*
 * csv.h: reading the harness's CSV files (RFC 4180: cells quoted when they hold commas,
 * quotes or newlines, quotes doubled inside). Records are read one at a time into a
 * caller-owned buffer and split in place, so memory is one record, never the file.
 */
#ifndef EXIFBENCH_CSV_H
#define EXIFBENCH_CSV_H

#include <stddef.h>
#include <stdio.h>

/*
 * Reads one record (a line, or several while a quoted cell spans newlines) into *line
 * (grown with realloc; free it when done), ending in '\n'; *lineno counts the lines read.
 * 0, or -1 at the end of the file (or when out of memory).
 */
int csv_record(FILE *f, char **line, size_t *cap, size_t *lineno);

/* Splits a record into at most max cells in place, undoing quotes. The number of cells. */
size_t csv_split(char *rec, char **cell, size_t max);

/* The index of the cell equal to name among cell[0..n), or -1. */
int csv_index(char *const *cell, size_t n, const char *name);

#endif
