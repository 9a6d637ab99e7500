/*
 * transform.c: the optional CPU stage, over libjpeg-turbo's libjpeg API. A thumbnail and a
 * recompression are one transcode: open the input (the probe), start a decoder at a DCT scale
 * (1/1 for recompress), start an encoder on the decoder's output, and stream the rows across a
 * strip at a time, so no job ever holds a whole decoded image. The output collects in a
 * growing malloc'd buffer that is handed to the caller. Each entry point owns one zeroed
 * context holding both codec objects and that buffer; libjpeg's fatal errors longjmp back to
 * the entry point, which releases the context whatever state it reached. Warnings are
 * counted, never printed. transform_spin burns the calling thread's CPU time.
 */
#include "transform.h"

#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdio.h> /* before jpeglib.h, which uses FILE */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jerror.h>
#include <jpeglib.h>

/*
 * Guards against crafted headers, not limits on photographs. The memory cap applies to
 * libjpeg's whole-image buffers (progressive and multi-scan input keep every coefficient,
 * about 2 bytes per sample): 512 MiB holds a 64-megapixel 4:4:4 progressive image. The scan
 * cap is TurboJPEG's recommended TJPARAM_SCANLIMIT: real progressive files have about 10 scans,
 * while a file of thousands of tiny scans makes every scan a pass over the whole image.
 */
#define MEM_LIMIT (512L << 20)
#define MAX_SCANS 500

/* The output buffer starts at 2 bits per sample (quality 85 photographs take less). */
#define DEST_MIN 4096
#define DEST_MAX_START (16 << 20)

/*
 * transform_spin reads the thread CPU clock after each batch of iterations, sized from the
 * rate seen so far to last SPIN_BATCH_NS or half the time left, whichever is less. A reading
 * costs about 0.5 us on this project's VMs (`make microbench`, thread_clock: a system call,
 * the thread CPU clock is not in the vDSO), so 100 us batches keep the checks near 0.5%;
 * halving the approach to the deadline costs about ten more readings per call and keeps the
 * overshoot to a few microseconds (spin_1ms in `make microbench`: 1,000.8 us per 1 ms) even
 * when a busy SMT sibling halves the iteration rate. SPIN_FIRST iterations (about 2.5 us)
 * measure the rate.
 */
#define SPIN_BATCH_NS 100000.0
#define SPIN_FIRST 1024
#define SPIN_MAX_MS (86400.0 * 1000.0) /* one day: keeps ms * 1e6 within uint64_t */
#define SPIN_SEED UINT64_C(0x9e3779b97f4a7c15)

/* libjpeg's error manager, extended with the way back and the caller's error buffer. */
struct jerr {
	struct jpeg_error_mgr pub; /* first: libjpeg casts cinfo->err to this */
	jmp_buf jb;
	char *err;
	size_t errlen;
};

/*
 * A realloc'd output buffer. jpeg_mem_dest is not used: once its buffer has grown, the live
 * copy is reachable only from libjpeg's private state, so a longjmp would leak it.
 */
struct dest {
	struct jpeg_destination_mgr pub; /* first: cinfo->dest points here */
	unsigned char *buf;
	size_t cap;
};

/* Everything one call owns. Zeroed first, so tctx_release is safe from any point. */
struct tctx {
	struct jerr jerr;
	struct jpeg_progress_mgr progress;
	struct jpeg_decompress_struct d;
	struct jpeg_compress_struct c;
	struct dest dst;
};

static const char *const kind_names[] = {
	[TRANSFORM_NONE] = "none",
	[TRANSFORM_THUMBNAIL] = "thumbnail",
	[TRANSFORM_RECOMPRESS] = "recompress",
};

static void seterr(char *err, size_t errlen, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void tctx_init(struct tctx *t, char *err, size_t errlen);
static void tctx_release(struct tctx *t);
static void on_error_exit(j_common_ptr ci);
static void on_output_message(j_common_ptr ci);
static void on_emit_message(j_common_ptr ci, int level);
static void on_reset(j_common_ptr ci);
static void on_progress(j_common_ptr ci);
static void dest_init(j_compress_ptr c);
static boolean dest_empty(j_compress_ptr c);
static void dest_term(j_compress_ptr c);
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
static uint64_t cpu_ns(void);
static uint64_t mix(uint64_t x);

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

static void
seterr(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	if (err == NULL || errlen == 0)
		return;
	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
}

static void
tctx_init(struct tctx *t, char *err, size_t errlen)
{
	memset(t, 0, sizeof(*t));
	t->d.err = t->c.err = jpeg_std_error(&t->jerr.pub);
	t->jerr.pub.error_exit = on_error_exit;
	t->jerr.pub.output_message = on_output_message;
	t->jerr.pub.emit_message = on_emit_message;
	t->jerr.pub.reset_error_mgr = on_reset;
	t->jerr.err = err;
	t->jerr.errlen = errlen;
	t->progress.progress_monitor = on_progress;
	t->dst.pub.init_destination = dest_init;
	t->dst.pub.empty_output_buffer = dest_empty;
	t->dst.pub.term_destination = dest_term;
}

/* jpeg_destroy does nothing to an object never created (its mem is still NULL). */
static void
tctx_release(struct tctx *t)
{
	jpeg_destroy_compress(&t->c);
	jpeg_destroy_decompress(&t->d);
	free(t->dst.buf);
	t->dst.buf = NULL;
}

static void
on_error_exit(j_common_ptr ci)
{
	(*ci->err->output_message)(ci);
	longjmp(((struct jerr *)ci->err)->jb, 1);
}

/* Called by on_error_exit only: warnings go to on_emit_message, which never formats them. */
static void
on_output_message(j_common_ptr ci)
{
	struct jerr *je = (struct jerr *)ci->err;
	char msg[JMSG_LENGTH_MAX];

	switch (ci->err->msg_code) {
	case JERR_OUT_OF_MEMORY:
		seterr(je->err, je->errlen, "out of memory");
		break;
	case JERR_NO_BACKING_STORE: /* what libjpeg says when MEM_LIMIT is reached */
		seterr(je->err, je->errlen, "out of memory: the image needs more than %ld MiB",
		    MEM_LIMIT >> 20);
		break;
	default:
		(*ci->err->format_message)(ci, msg);
		seterr(je->err, je->errlen, "%s: %s",
		    ci->is_decompressor ? "corrupt JPEG" : "JPEG encoder", msg);
		break;
	}
}

/* Levels below 0 are warnings (libjpeg's own rule); the others are trace messages. */
static void
on_emit_message(j_common_ptr ci, int level)
{
	if (level < 0)
		ci->err->num_warnings++;
}

/*
 * The decoder and the encoder share one error manager, and jpeg_start_compress resets it: the
 * default reset would drop the warnings of a progressive input, all read by then.
 */
static void
on_reset(j_common_ptr ci)
{
	ci->err->msg_code = 0;
}

static void
on_progress(j_common_ptr ci)
{
	struct jerr *je = (struct jerr *)ci->err;

	if (ci->is_decompressor && ((j_decompress_ptr)ci)->input_scan_number > MAX_SCANS) {
		seterr(je->err, je->errlen, "corrupt JPEG: more than %d scans", MAX_SCANS);
		longjmp(je->jb, 1);
	}
}

static void
dest_init(j_compress_ptr c)
{
	struct dest *m = (struct dest *)c->dest;
	size_t cap = (size_t)c->image_width * c->image_height * (size_t)c->input_components / 4;

	cap = cap < DEST_MIN ? DEST_MIN : cap > DEST_MAX_START ? DEST_MAX_START : cap;
	if ((m->buf = malloc(cap)) == NULL)
		ERREXIT1(c, JERR_OUT_OF_MEMORY, 0);
	m->cap = cap;
	m->pub.next_output_byte = m->buf;
	m->pub.free_in_buffer = cap;
}

/* libjpeg calls this only when the whole buffer is full. */
static boolean
dest_empty(j_compress_ptr c)
{
	struct dest *m = (struct dest *)c->dest;
	unsigned char *p;

	if (m->cap > SIZE_MAX / 2 || (p = realloc(m->buf, m->cap * 2)) == NULL)
		ERREXIT1(c, JERR_OUT_OF_MEMORY, 0);
	m->buf = p;
	m->pub.next_output_byte = p + m->cap;
	m->pub.free_in_buffer = m->cap;
	m->cap *= 2;
	return TRUE;
}

/* The length is cap - free_in_buffer; nothing to flush. */
static void
dest_term(j_compress_ptr c)
{
	(void)c;
}

int
transform_probe(const unsigned char *buf, size_t len, struct jpeg_info *info, char *err,
    size_t errlen)
{
	struct tctx t;
	int rc;

	if (info == NULL || (buf == NULL && len > 0)) {
		seterr(err, errlen, "invalid argument: NULL pointer");
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
		seterr(err, errlen, "invalid argument: NULL pointer");
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
		seterr(err, errlen, "invalid argument: NULL pointer");
		return -1;
	}
	switch (o->kind) {
	case TRANSFORM_NONE:
		return 0;
	case TRANSFORM_THUMBNAIL:
		if (o->thumb_max < 1) {
			seterr(err, errlen, "invalid argument: thumb_max %d < 1", o->thumb_max);
			return -1;
		}
		break;
	case TRANSFORM_RECOMPRESS:
		break;
	default:
		seterr(err, errlen, "invalid argument: transform kind %d", (int)o->kind);
		return -1;
	}
	if (o->quality < 1 || o->quality > 100) {
		seterr(err, errlen, "invalid argument: quality %d not in 1..100", o->quality);
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

static uint64_t
cpu_ns(void)
{
	struct timespec ts;

	if (clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts) != 0)
		return UINT64_MAX;
	return (uint64_t)ts.tv_sec * UINT64_C(1000000000) + (uint64_t)ts.tv_nsec;
}

/* One xorshift64* step: a serial chain of shifts and a multiply that no compiler shortens. */
static uint64_t
mix(uint64_t x)
{
	x ^= x >> 12;
	x ^= x << 25;
	x ^= x >> 27;
	return x * UINT64_C(0x2545f4914f6cdd1d);
}

uint64_t
transform_spin(double ms)
{
	uint64_t x = SPIN_SEED, start, now, end, done = 0, n = SPIN_FIRST, i;
	double left;

	if (!(ms > 0)) /* also NaN */
		return 0;
	if (ms > SPIN_MAX_MS)
		ms = SPIN_MAX_MS;
	if ((start = cpu_ns()) == UINT64_MAX)
		return 0;
	end = start + (uint64_t)(ms * 1e6);
	for (;;) {
		for (i = 0; i < n; i++)
			x = mix(x);
		done += n;
		if ((now = cpu_ns()) >= end)
			return x;
		left = (double)(end - now) / 2;
		if (left > SPIN_BATCH_NS)
			left = SPIN_BATCH_NS;
		if (now > start)
			n = (uint64_t)(left * (double)done / (double)(now - start)) + 1;
	}
}
