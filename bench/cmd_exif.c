/*
 * cmd_exif.c: `exifbench exif FILE...`. Reads each file whole (up to S3_MAX_OBJECT_BYTES, the
 * cap of an S3 object, so memory stays bounded), runs the pipeline's EXIF step
 * (exif_extract) on it and prints one compact JSON line per file on stdout,
 * {"file":NAME,"exif":{...}}, in the order given. A file that cannot be read gives one line on
 * stderr and the rest still print; the exit code then says some items failed.
 */
#include <sys/stat.h>

#include <errno.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "models/core/exif.h"
#include "models/core/s3.h"

#define CHUNK 65536

static unsigned char *slurp(const char *path, size_t *lenp);
static json_t *file_name(const char *path);
static int print_one(const char *path);

static const char exif_usage[] =
    "usage: exifbench exif [--help] FILE...\n"
    "Prints the EXIF record of each local JPEG, one JSON object per line, in the order given:\n"
    "  {\"file\":\"NAME\",\"exif\":{\"Make\":\"Canon\",\"Orientation\":1,\"FNumber\":7.1,...}}\n"
    "Keys are EXIF tag names; only tags the file holds are listed, so a JPEG without EXIF\n"
    "gives \"exif\":{}. GPSLatitude and GPSLongitude are signed decimal degrees.\n"
    "A file that cannot be read, or is over 256 MiB (the cap of an S3 object), is\n"
    "reported on stderr and the others still print.\n"
    "exit codes: 0 ok, 1 some files could not be read, 2 usage error\n";

/*
 * The whole file in a malloc'd buffer (its length in *lenp), or NULL with errno set: EFBIG
 * for a file over S3_MAX_OBJECT_BYTES, the cap of an S3 object, so memory stays bounded.
 */
static unsigned char *
slurp(const char *path, size_t *lenp)
{
	unsigned char *buf = NULL, *nbuf;
	size_t len = 0, cap = 0, got;
	struct stat st;
	FILE *f;
	int e;

	if ((f = fopen(path, "rb")) == NULL)
		return NULL;
	if (fstat(fileno(f), &st) == 0 && S_ISREG(st.st_mode) &&
	    (uint64_t)st.st_size > S3_MAX_OBJECT_BYTES) {
		errno = EFBIG;	/* said before reading; a pipe is counted as it is read */
		goto fail;
	}
	do {
		if (len > S3_MAX_OBJECT_BYTES) {
			errno = EFBIG;
			goto fail;
		}
		if (len == cap) {
			cap = cap ? 2 * cap : CHUNK;
			if (cap > S3_MAX_OBJECT_BYTES + 1)
				cap = S3_MAX_OBJECT_BYTES + 1;	/* one byte over tells it is too big */
			if ((nbuf = realloc(buf, cap)) == NULL)
				goto fail;
			buf = nbuf;
		}
		got = fread(buf + len, 1, cap - len, f);
		len += got;
	} while (got > 0);
	if (ferror(f))
		goto fail;
	fclose(f);
	*lenp = len;
	return buf;
fail:
	e = errno != 0 ? errno : EIO;
	free(buf);
	fclose(f);
	errno = e;
	return NULL;
}

/* The name as a JSON string; bytes that are not UTF-8 become U+FFFD, so the line still prints. */
static json_t *
file_name(const char *path)
{
	json_t *s;
	char *copy;
	size_t i, j, n;

	if ((s = json_string(path)) != NULL)
		return s;
	n = strlen(path);
	if ((copy = malloc(3 * n + 1)) == NULL)
		return NULL;
	for (i = j = 0; i < n; i++) {
		if ((unsigned char)path[i] < 0x80) {
			copy[j++] = path[i];
		} else {
			memcpy(copy + j, "\xef\xbf\xbd", 3);
			j += 3;
		}
	}
	copy[j] = '\0';
	s = json_string(copy);
	free(copy);
	return s;
}

/* Prints path's line, or its error on stderr. Returns 0, or -1 when it failed. */
static int
print_one(const char *path)
{
	unsigned char *buf;
	json_t *line;
	size_t len;
	char *s = NULL;
	int rc;

	errno = 0;
	if ((buf = slurp(path, &len)) == NULL) {
		if (errno == EFBIG)
			fprintf(stderr, "exifbench: %s: larger than %llu MiB, the cap of an image\n",
			    path, (unsigned long long)(S3_MAX_OBJECT_BYTES >> 20));
		else
			fprintf(stderr, "exifbench: %s: %s\n", path, strerror(errno));
		return -1;
	}
	/* json_object_set_new releases the value whatever happens, even with a NULL object. */
	line = json_object();
	rc = json_object_set_new(line, "file", file_name(path));
	if (json_object_set_new(line, "exif", exif_extract(buf, len)) == 0 && rc == 0)
		s = json_dumps(line, EXIF_JSON_FLAGS);
	json_decref(line);
	free(buf);
	if (s == NULL) {
		fprintf(stderr, "exifbench: %s: out of memory\n", path);
		return -1;
	}
	puts(s);
	free(s);
	return 0;
}

int
cmd_exif(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int i, rc, failed = 0;

	if ((rc = cli_options(argc, argv, "h", longopts, exif_usage, NULL, NULL)) >= 0)
		return rc;
	if (optind == argc) {
		fprintf(stderr, "exifbench: exif needs at least one FILE\n%s", exif_usage);
		return EXIT_USAGE;
	}
	for (i = optind; i < argc; i++)
		if (print_one(argv[i]) < 0)
			failed++;
	if (fflush(stdout) != 0) {
		fprintf(stderr, "exifbench: stdout: %s\n", strerror(errno));
		return EXIT_ITEMS;
	}
	return failed ? EXIT_ITEMS : 0;
}
