/*
 * transform.h: the optional CPU stage of the pipeline, with libjpeg-turbo.
 *
 *  - probe: parse a JPEG's headers up to its first scan (no pixel is decoded): the frame size,
 *    and the test that tells a JPEG from a corrupt file;
 *  - thumbnail: decode with DCT scaling (scale 1/2, 1/4 or 1/8, the smallest that fits
 *    thumb_max, else 1/8) and encode the result at quality;
 *  - recompress: full decode and re-encode at quality;
 *  - spin: burn a given amount of this thread's CPU time (CLOCK_THREAD_CPUTIME_ID), to emulate
 *    the per-image cost of a slower language.
 *
 * Outputs are deterministic: the same input and options give the same bytes. libjpeg's fatal
 * errors are caught with setjmp and returned as values: nothing here prints or exits.
 * Thread-safe: no state outside the call.
 */
#ifndef EXIFBENCH_TRANSFORM_H
#define EXIFBENCH_TRANSFORM_H

#include <stddef.h>
#include <stdint.h>

enum transform_kind { TRANSFORM_NONE, TRANSFORM_THUMBNAIL, TRANSFORM_RECOMPRESS };

struct transform_opts {
	enum transform_kind kind;
	int quality;		/* JPEG quality for the encoder, 1..100 */
	int thumb_max;		/* thumbnail: target for the longest side, in pixels */
	double spin_ms;		/* CPU time to burn per image, 0 for none */
};

#define TRANSFORM_OPTS_DEFAULT { TRANSFORM_NONE, 85, 160, 0.0 }

/* "none", "thumbnail" or "recompress" to *kind: 0, or -1 for anything else. */
int transform_kind_parse(const char *name, enum transform_kind *kind);

/* The name transform_kind_parse accepts for kind. */
const char *transform_kind_name(enum transform_kind kind);

struct jpeg_info {
	int width;		/* frame size, from the SOF marker */
	int height;
	int components;
	int warnings;		/* libjpeg's recoverable warnings while reading the headers */
};

/*
 * Reads the headers of buf[0..len) up to the first scan. Returns 0 with *info filled, or -1
 * with a one-line reason in err starting "corrupt JPEG: " (libjpeg's message follows).
 * Garbage between markers, which libjpeg skips, counts in info->warnings.
 */
int transform_probe(const unsigned char *buf, size_t len, struct jpeg_info *info, char *err,
    size_t errlen);

/*
 * Runs o->kind on in[0..len) (o->spin_ms is not applied here; see transform_spin). For
 * TRANSFORM_NONE, *out is NULL and *out_len 0. Otherwise *out is a malloc'd JPEG the caller
 * frees, and *warnings counts libjpeg's recoverable warnings (such as data that ends early,
 * which libjpeg pads). Returns 0, or -1 with a one-line reason in err ("corrupt JPEG: ...",
 * "out of memory").
 */
int transform_run(const struct transform_opts *o, const unsigned char *in, size_t len,
    unsigned char **out, size_t *out_len, int *warnings, char *err, size_t errlen);

/*
 * Burns ms milliseconds of the calling thread's CPU time (time spent waiting for a core does
 * not count) in a fixed integer mix, reading the thread CPU clock at most every 100 us and
 * more often near the end, so the overshoot is a few microseconds.
 * Returns the mix so the work cannot be optimised away. ms <= 0 returns at once.
 */
uint64_t transform_spin(double ms);

#endif
