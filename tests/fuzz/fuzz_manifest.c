/*
 * fuzz_manifest.c: the dataset manifest reader (datasets/manifest.c) on any bytes as a
 * manifest.jsonl: every entry read until the end or the first bad line, as `dataset verify`
 * and the bench's dataset check read one. Seeds: a generated manifest and the bad-line cases.
 */
#include "datasets/manifest.h"
#include "fuzz.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct manifest_entry e;
	unsigned long lineno = 0;
	char err[512];
	FILE *f;

	if ((f = fuzz_stream(data, size)) == NULL)
		return 0;
	while (manifest_read(f, "fuzz.jsonl", &lineno, &e, err, sizeof(err)) == 1)
		;
	fclose(f);
	return 0;
}
