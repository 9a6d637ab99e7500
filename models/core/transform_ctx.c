/*
 * transform_ctx.c: the libjpeg context of one transform call. libjpeg's fatal errors are
 * formatted into the caller's error buffer (out of memory, the memory cap, or libjpeg's own
 * message after "corrupt JPEG" or "JPEG encoder") and longjmp back to the call; warnings are
 * counted, never printed; a progress monitor stops a decoder past MAX_SCANS scans; and the
 * encoder writes into a realloc'd buffer that is handed to the caller.
 */
#include "transform_int.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <jerror.h>

/*
 * A guard against crafted headers, like MEM_LIMIT: TurboJPEG's recommended TJPARAM_SCANLIMIT.
 * Real progressive files have about 10 scans, while a file of thousands of tiny scans makes
 * every scan a pass over the whole image.
 */
#define MAX_SCANS 500

/* The output buffer starts at 2 bits per sample (quality 85 photographs take less). */
#define DEST_MIN 4096
#define DEST_MAX_START (16 << 20)

static void on_error_exit(j_common_ptr ci);
static void on_output_message(j_common_ptr ci);
static void on_emit_message(j_common_ptr ci, int level);
static void on_reset(j_common_ptr ci);
static void on_progress(j_common_ptr ci);
static void dest_init(j_compress_ptr c);
static boolean dest_empty(j_compress_ptr c);
static void dest_term(j_compress_ptr c);

void
transform_seterr(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	if (err == NULL || errlen == 0)
		return;
	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
}

void
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
void
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
		transform_seterr(je->err, je->errlen, "out of memory");
		break;
	case JERR_NO_BACKING_STORE: /* what libjpeg says when MEM_LIMIT is reached */
		transform_seterr(je->err, je->errlen,
		    "out of memory: the image needs more than %ld MiB", MEM_LIMIT >> 20);
		break;
	default:
		(*ci->err->format_message)(ci, msg);
		transform_seterr(je->err, je->errlen, "%s: %s",
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
		transform_seterr(je->err, je->errlen, "corrupt JPEG: more than %d scans",
		    MAX_SCANS);
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
