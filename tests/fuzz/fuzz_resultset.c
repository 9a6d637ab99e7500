/*
 * fuzz_resultset.c: the result-folder reader (harness/report/resultset.c, rs_rows.c,
 * rs_trace.c) on any bytes as one scenario folder: the input is cut at lines "--8<--" into
 * meta.json, summary.csv and trace.csv (a part left out is a missing file), written to a
 * temporary folder and loaded as `exifbench report` loads it. Seeds: tests/data/results-small.
 */
#include <limits.h>
#include <string.h>
#include <unistd.h>

#include "fuzz.h"
#include "harness/report/resultset.h"

#define CUT "\n--8<--\n"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const names[] = { "meta.json", "summary.csv", "trace.csv" };
	const char *p = (const char *)data, *end = p + size, *cut;
	char path[PATH_MAX], err[1024];
	struct resultset rs;
	size_t i;

	for (i = 0; i < 3; i++) {
		if (fuzz_file(names[i], "", 0, path, sizeof(path)) < 0 || unlink(path) < 0)
			return 0;
		if (p == NULL)
			continue;
		cut = memmem(p, (size_t)(end - p), CUT, strlen(CUT));
		if (fuzz_file(names[i], p, (size_t)((cut ? cut : end) - p), path, sizeof(path)) < 0)
			return 0;
		p = cut ? cut + strlen(CUT) : NULL;
	}
	memset(&rs, 0, sizeof(rs));
	(void)resultset_load(&rs, fuzz_dir(), err, sizeof(err));
	resultset_free(&rs);
	return 0;
}
