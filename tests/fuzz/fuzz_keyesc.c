/*
 * fuzz_keyesc.c: the key unescaper (models/core/keyesc.c) on any line of a `--keys FILE` or of
 * `dataset ls` output, and the round trip: a key escaped and decoded again is itself.
 */
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "models/core/keyesc.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s, *key, *esc;

	if ((s = fuzz_string(data, size)) == NULL)
		return 0;
	(void)keyesc_decode(s);
	free(s);
	if ((key = fuzz_string(data, size)) == NULL)
		return 0;
	if ((esc = malloc(KEYESC_SIZE(strlen(key)))) != NULL) {
		keyesc_encode(key, esc);
		if (keyesc_decode(esc) != 0 || strcmp(esc, key) != 0)
			__builtin_trap();
		free(esc);
	}
	free(key);
	return 0;
}
