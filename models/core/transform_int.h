/*
 * transform_int.h: what the transforms (transform.c) share with their libjpeg context
 * (transform_ctx.c), internal to them (the contract: transform.h). A context holds, for one
 * call, both codec objects, the error manager that longjmps back to the call on a fatal error
 * and counts warnings, and the growing output buffer. Nothing else includes this.
 */
#ifndef EXIFBENCH_TRANSFORM_INT_H
#define EXIFBENCH_TRANSFORM_INT_H

#include <setjmp.h>
#include <stddef.h>
#include <stdio.h> /* before jpeglib.h, which uses FILE */

#include <jpeglib.h>

/*
 * A guard against crafted headers, not a limit on photographs (the scan cap is in
 * transform_ctx.c). It applies to libjpeg's whole-image buffers (progressive and multi-scan
 * input keep every coefficient, about 2 bytes per sample): 512 MiB holds a 64-megapixel
 * 4:4:4 progressive image.
 */
#define MEM_LIMIT (512L << 20)

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

/*
 * Zeroes t and wires its error manager, progress monitor and destination, with err (may be
 * NULL) for the message of a fatal error. The caller sets t->jerr.jb with setjmp before its
 * first libjpeg call, and calls tctx_release on every path.
 */
void tctx_init(struct tctx *t, char *err, size_t errlen);

/* Destroys both codec objects and frees the output buffer; safe from any state t reached. */
void tctx_release(struct tctx *t);

/* printf into err[0..errlen) unless err is NULL or errlen is 0. */
void transform_seterr(char *err, size_t errlen, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

#endif
