/*
 * replay.c: main() for a fuzz target built with the normal compiler (gcc, and any SANITIZER=):
 * runs LLVMFuzzerTestOneInput once on each file given, so `make unit` replays the seeds and the
 * regression inputs of tests/fuzz/ without clang. A crash ends it as a crash; a file that
 * cannot be read is an error naming it (exit 2). Prints "NAME: N inputs" at the end.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"

static unsigned char *slurp(const char *path, size_t *len);

/* The whole file, or NULL with errno set. */
static unsigned char *
slurp(const char *path, size_t *len)
{
	unsigned char *buf = NULL, *p;
	size_t cap = 0, n = 0, k;
	FILE *f;

	if ((f = fopen(path, "rb")) == NULL)
		return NULL;
	do {
		if (n == cap) {
			cap = cap ? 2 * cap : 65536;
			if ((p = realloc(buf, cap)) == NULL) {
				free(buf);
				fclose(f);
				errno = ENOMEM;
				return NULL;
			}
			buf = p;
		}
		k = fread(buf + n, 1, cap - n, f);
		n += k;
	} while (k > 0);
	if (ferror(f)) {
		free(buf);
		fclose(f);
		errno = EIO;
		return NULL;
	}
	fclose(f);
	*len = n;
	return buf;
}

int
main(int argc, char **argv)
{
	unsigned char *buf;
	size_t len;
	int i;

	for (i = 1; i < argc; i++) {
		if ((buf = slurp(argv[i], &len)) == NULL) {
			fprintf(stderr, "%s: %s: %s\n", argv[0], argv[i], strerror(errno));
			return 2;
		}
		(void)LLVMFuzzerTestOneInput(buf, len);
		free(buf);
	}
	printf("%s: %d inputs\n", strrchr(argv[0], '/') ? strrchr(argv[0], '/') + 1 : argv[0],
	    argc - 1);
	return 0;
}
