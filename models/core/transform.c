/*
 * transform.c: the optional CPU stage, over libjpeg-turbo's libjpeg API. A thumbnail and a
 * recompression are one transcode: open the input (the probe), start a decoder at a DCT scale
 * (1/1 for recompress), start an encoder on the decoder's output, and stream the rows across a
 * strip at a time, so no job ever holds a whole decoded image. Each entry point owns one
 * zeroed context (transform_ctx.c) holding both codec objects and the output buffer;
 * libjpeg's fatal errors longjmp back to the entry point, which releases the context whatever
 * state it reached. transform_spin is in transform_spin.c.
 */
#include "transform.h"

#include <limits.h>
#include <string.h>

#include <jerror.h>

#include "transform_int.h"

static const char *const kind_names[] = {
	[TRANSFORM_NONE] = "none",
	[TRANSFORM_THUMBNAIL] = "thumbnail",
	[TRANSFORM_RECOMPRESS] = "recompress",
};

static int probe_guarded(struct tctx *t, const unsigned char *buf, size_t len);
static int transcode_guarded(struct tctx *t, const struct transform_opts *o,
    const unsigned char *in, size_t len);
static void input_open(struct tctx *t, const unsigned char *buf, size_t len);
static unsigned thumb_denom(struct jpeg_decompress_struct *d, int thumb_max);
static J_COLOR_SPACE decode_space(J_COLOR_SPACE stored);
static void decode_start(struct tctx *t, unsigned denom);
static void encode_start(struct tctx *t, JDIMENSION w, JDIMENSION h, int comps,
    J_COLOR_SPACE space, int quality);
static void copy_rows(struct tctx *t);
static int check_run_args(const struct transform_opts *o, const unsigned char *in, size_t len,
    char *err, size_t errlen);

int
transform_kind_parse(const char *name, enum transform_kind *kind)
{
	size_t i;

	if (name == NULL || kind == NULL)
		return -1;
	for (i = 0; i < sizeof(kind_names) / sizeof(kind_names[0]); i++) {
		if (strcmp(name, kind_names[i]) == 0) {
			*kind = (enum transform_kind)i;
			return 0;
		}
	}
	return -1;
}

/* "unknown" for a value outside the enum: callers print the result unchecked. */
const char *
transform_kind_name(enum transform_kind kind)
{
	if ((unsigned)kind >= sizeof(kind_names) / sizeof(kind_names[0]))
		return "unknown";
	return kind_names[kind];
}

int
transform_probe(const unsigned char *buf, size_t len, struct jpeg_info *info, char *err,
    size_t errlen)
{
	struct tctx t;
	int rc;

	if (info == NULL || (buf == NULL && len > 0)) {
		transform_seterr(err, errlen, "invalid argument: NULL pointer");
		return -1;
	}
	tctx_init(&t, err, errlen);
	if ((rc = probe_guarded(&t, buf, len)) == 0) {
		info->width = (int)t.d.image_width;
		info->height = (int)t.d.image_height;
		info->components = t.d.num_components;
		info->warnings = t.jerr.pub.num_warnings > INT_MAX ? INT_MAX :
		    (int)t.jerr.pub.num_warnings;
	}
	tctx_release(&t);
	return rc;
}

/*
 * The setjmp lives in a function of its own whose locals never change after it, and every
 * resource is in *t, which belongs to the caller's frame: so nothing needs to be volatile.
 */
static int
probe_guarded(struct tctx *t, const unsigned char *buf, size_t len)
{
	if (setjmp(t->jerr.jb) != 0)
		return -1;
	input_open(t, buf, len);
	return 0;
}

int
transform_run(const struct transform_opts *o, const unsigned char *in, size_t len,
    unsigned char **out, size_t *out_len, int *warnings, char *err, size_t errlen)
{
	struct tctx t;
	int rc;

	if (out == NULL || out_len == NULL || warnings == NULL) {
		transform_seterr(err, errlen, "invalid argument: NULL pointer");
		return -1;
	}
	*out = NULL;
	*out_len = 0;
	*warnings = 0;
	if (check_run_args(o, in, len, err, errlen) < 0)
		return -1;
	if (o->kind == TRANSFORM_NONE)
		return 0;

	tctx_init(&t, err, errlen);
	if ((rc = transcode_guarded(&t, o, in, len)) == 0) {
		*out = t.dst.buf;
		*out_len = t.dst.cap - t.dst.pub.free_in_buffer;
		t.dst.buf = NULL;
	}
	*warnings = t.jerr.pub.num_warnings > INT_MAX ? INT_MAX : (int)t.jerr.pub.num_warnings;
	tctx_release(&t);
	return rc;
}

static int
check_run_args(const struct transform_opts *o, const unsigned char *in, size_t len, char *err,
    size_t errlen)
{
	if (o == NULL || (in == NULL && len > 0)) {
		transform_seterr(err, errlen, "invalid argument: NULL pointer");
		return -1;
	}
	switch (o->kind) {
	case TRANSFORM_NONE:
		return 0;
	case TRANSFORM_THUMBNAIL:
		if (o->thumb_max < 1) {
			transform_seterr(err, errlen, "invalid argument: thumb_max %d < 1",
			    o->thumb_max);
			return -1;
		}
		break;
	case TRANSFORM_RECOMPRESS:
		break;
	default:
		transform_seterr(err, errlen, "invalid argument: transform kind %d", (int)o->kind);
		return -1;
	}
	if (o->quality < 1 || o->quality > 100) {
		transform_seterr(err, errlen, "invalid argument: quality %d not in 1..100",
		    o->quality);
		return -1;
	}
	return 0;
}

/*
 * jpeg_finish_decompress is never called: every row has been read by then, and reading on to
 * EOI could only turn junk after the image into a failure.
 */
static int
transcode_guarded(struct tctx *t, const struct transform_opts *o, const unsigned char *in,
    size_t len)
{
	if (setjmp(t->jerr.jb) != 0)
		return -1;
	input_open(t, in, len);
	decode_start(t, o->kind == TRANSFORM_THUMBNAIL ? thumb_denom(&t->d, o->thumb_max) : 1);
	encode_start(t, t->d.output_width, t->d.output_height, t->d.output_components,
	    t->d.out_color_space, o->quality);
	copy_rows(t);
	jpeg_finish_compress(&t->c);
	return 0;
}

/* Creates the decoder and reads the headers up to the first scan (an empty buffer fails). */
static void
input_open(struct tctx *t, const unsigned char *buf, size_t len)
{
	jpeg_create_decompress(&t->d);
	t->d.mem->max_memory_to_use = MEM_LIMIT;
	t->d.progress = &t->progress;
	jpeg_mem_src(&t->d, buf, (unsigned long)len);
	(void)jpeg_read_header(&t->d, TRUE);
}

/* The smallest 1/denom whose output fits thumb_max on both sides, else 1/8. */
static unsigned
thumb_denom(struct jpeg_decompress_struct *d, int thumb_max)
{
	unsigned denom;

	d->scale_num = 1;
	for (denom = 1; denom < 8; denom *= 2) {
		d->scale_denom = denom;
		jpeg_calc_output_dimensions(d);
		if (d->output_width <= (JDIMENSION)thumb_max &&
		    d->output_height <= (JDIMENSION)thumb_max)
			break;
	}
	return denom;
}

/*
 * Colour handling. YCbCr stays YCbCr: the rows cross from decoder to encoder with no colour
 * conversion either way, which a JPEG-to-JPEG transcode does not need; it saves two
 * conversions and their rounding, and keeps libjpeg-turbo's SIMD YCbCr->RGB code out (memcheck
 * takes the last bytes of its rows for undefined when the width is not a multiple of the
 * vector, and then flags every output byte; they are defined in fact). Grayscale and RGB
 * stay as they are (the encoder stores RGB as YCbCr); CMYK, and YCCK converted to CMYK, are
 * encoded as CMYK values as they are, Adobe's inverted convention included (libjpeg writes an
 * Adobe marker for CMYK, so viewers read the values as they read the input's); any other
 * component count passes through as JCS_UNKNOWN.
 */
static J_COLOR_SPACE
decode_space(J_COLOR_SPACE stored)
{
	switch (stored) {
	case JCS_YCCK:
		return JCS_CMYK;
	default:
		return stored;
	}
}

/*
 * JDCT_ISLOW in both directions: libjpeg's default and most accurate integer DCT, with SIMD
 * versions bit-exact with the C code, so outputs agree across machines; JDCT_FLOAT does not
 * promise that, and JDCT_IFAST saves little once the DCT is SIMD.
 */
static void
decode_start(struct tctx *t, unsigned denom)
{
	t->d.out_color_space = decode_space(t->d.jpeg_color_space);
	t->d.dct_method = JDCT_ISLOW;
	t->d.scale_num = 1;
	t->d.scale_denom = denom;
	(void)jpeg_start_decompress(&t->d);
}

/* Library defaults otherwise: baseline, Huffman tables from the standard, JFIF header. */
static void
encode_start(struct tctx *t, JDIMENSION w, JDIMENSION h, int comps, J_COLOR_SPACE space,
    int quality)
{
	jpeg_create_compress(&t->c);
	t->c.mem->max_memory_to_use = MEM_LIMIT;
	t->c.dest = &t->dst.pub;
	t->c.image_width = w;
	t->c.image_height = h;
	t->c.input_components = comps;
	t->c.in_color_space = space;
	jpeg_set_defaults(&t->c);
	jpeg_set_quality(&t->c, quality, TRUE);
	t->c.dct_method = JDCT_ISLOW;
	jpeg_start_compress(&t->c, TRUE);
}

/* The strip lives in the decoder's image pool, released with the decoder. */
static void
copy_rows(struct tctx *t)
{
	JDIMENSION n, nrows = (JDIMENSION)t->d.rec_outbuf_height;
	JSAMPARRAY rows;

	rows = (*t->d.mem->alloc_sarray)((j_common_ptr)&t->d, JPOOL_IMAGE,
	    t->d.output_width * (JDIMENSION)t->d.output_components, nrows);
	while (t->d.output_scanline < t->d.output_height) {
		/* With a memory source libjpeg never suspends: 0 rows would loop forever. */
		if ((n = jpeg_read_scanlines(&t->d, rows, nrows)) == 0)
			ERREXIT1(&t->d, JERR_BAD_STATE, t->d.global_state);
		(void)jpeg_write_scanlines(&t->c, rows, n);
	}
}

