/*
 * fuzz_csv.c: the CSV reader of result folders (harness/results/csv.c) on any bytes as a file:
 * every record read (quoted cells spanning lines), split into cells, and a column looked up,
 * as the report reads summary.csv, trace.csv and samples.csv. Seeds: real result files.
 */
#include <stdlib.h>

#include "fuzz.h"
#include "harness/results/csv.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *line = NULL, *cell[64];
	size_t cap = 0, lineno = 0, n;
	FILE *f;

	if ((f = fuzz_stream(data, size)) == NULL)
		return 0;
	while (csv_record(f, &line, &cap, &lineno) == 0) {
		n = csv_split(line, cell, sizeof(cell) / sizeof(cell[0]));
		(void)csv_index(cell, n, "model");
	}
	free(line);
	fclose(f);
	return 0;
}
