/*
 * picture.h: the pixels of a generated image, compressed to a JPEG with libjpeg-turbo. A colour
 * gradient, two sine patterns and noise, with quality and noise drawn per image so that files
 * vary the way photos do (the noise is what sets the compressed size); tuned so that seed003
 * comes to 148 MB (measured with `exifbench dataset gen --profile seed003`), against the
 * published dataset's 152 MB.
 */
#ifndef EXIFBENCH_PICTURE_H
#define EXIFBENCH_PICTURE_H

#include <stddef.h>
#include <stdint.h>

/*
 * Draws a w x h picture from the generator state *r (advanced by a fixed number of draws) and
 * compresses it into *out (free with free()), *len bytes. app1 (may be NULL) is written as an
 * APP1 marker before the scan, in place of the JFIF header. Returns 0, or -1 when out of
 * memory.
 */
int picture_encode(uint64_t *r, int w, int h, const unsigned char *app1, size_t app1_len,
    unsigned char **out, size_t *len);

#endif
