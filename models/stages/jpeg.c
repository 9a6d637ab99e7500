/*
 * jpeg.c: an example CPU-stage plugin (include/exifbench_stage.h) that really transforms the
 * image with libjpeg-turbo: the toolkit's own thumbnail or recompression (models/core/
 * transform.h), compiled into the plugin, so its output is byte for byte that of the built-in
 * `--transform`, and a run with it against a run with the built-in stage measures the cost of
 * the plugin call alone. Built by `make` as build/stages/jpeg.so.
 *
 *	--stage build/stages/jpeg.so[:KIND[:QUALITY[:THUMB_MAX]]]
 *
 * KIND thumbnail (default) or recompress; QUALITY 1..100 (85), THUMB_MAX 8..65535 (160): the
 * defaults of `exifbench run`. The state is the parsed options; the plugin keeps no other.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "include/exifbench_stage.h"
#include "models/core/transform.h"

static void *jpeg_init(const char *arg, char *err, size_t errlen);
static int jpeg_process(void *state, const unsigned char *in, size_t len, unsigned char **out,
    size_t *out_len, char *err, size_t errlen);
static void jpeg_fini(void *state);
static int parse_int(const char *s, long lo, long hi, int *v);

static const struct exifbench_stage jpeg_stage = {
	.abi = EXIFBENCH_STAGE_ABI,
	.name = "jpeg",
	.init = jpeg_init,
	.process = jpeg_process,
	.fini = jpeg_fini,
};

EXIFBENCH_STAGE_EXPORT const struct exifbench_stage *
exifbench_stage_v1(void)
{
	return &jpeg_stage;
}

/* ARG: KIND[:QUALITY[:THUMB_MAX]]. */
static void *
jpeg_init(const char *arg, char *err, size_t errlen)
{
	struct transform_opts *o = malloc(sizeof(*o)), def = TRANSFORM_OPTS_DEFAULT;
	char buf[64], *q, *m;

	if (o == NULL) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	*o = def;
	o->kind = TRANSFORM_THUMBNAIL;
	snprintf(buf, sizeof(buf), "%s", arg);
	if ((q = strchr(buf, ':')) != NULL)
		*q++ = '\0';
	if (q != NULL && (m = strchr(q, ':')) != NULL)
		*m++ = '\0';
	else
		m = NULL;
	if ((buf[0] != '\0' && (transform_kind_parse(buf, &o->kind) < 0 ||
	    o->kind == TRANSFORM_NONE)) || (q != NULL && parse_int(q, 1, 100, &o->quality) < 0) ||
	    (m != NULL && parse_int(m, 8, 65535, &o->thumb_max) < 0)) {
		snprintf(err, errlen, "ARG must be thumbnail|recompress[:QUALITY 1..100"
		    "[:THUMB_MAX 8..65535]], not '%s'", arg);
		free(o);
		return NULL;
	}
	return o;
}

static int
jpeg_process(void *state, const unsigned char *in, size_t len, unsigned char **out,
    size_t *out_len, char *err, size_t errlen)
{
	int warnings = 0;

	return transform_run(state, in, len, out, out_len, &warnings, err, errlen);
}

static void
jpeg_fini(void *state)
{
	free(state);
}

static int
parse_int(const char *s, long lo, long hi, int *v)
{
	char *end;
	long n = strtol(s, &end, 10);

	if (*s == '\0' || *end != '\0' || n < lo || n > hi)
		return -1;
	*v = (int)n;
	return 0;
}
