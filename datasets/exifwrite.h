/*
 * exifwrite.h: builds the APP1 EXIF block of a generated image with libexif, from the values in
 * a manifest entry: IFD0 (Make, Model, Orientation, Software, DateTime), the EXIF IFD (exposure,
 * aperture, ISO, date, focal length, lens) and, when asked, the GPS IFD. Values are written as
 * the rationals a camera would write; the manifest holds their exact decimal values.
 */
#ifndef EXIFBENCH_EXIFWRITE_H
#define EXIFBENCH_EXIFWRITE_H

#include <stddef.h>

#include "manifest.h"

/* Rationals behind the manifest's decimals: value = num / den. */
struct exifwrite_rationals {
	unsigned exposure[2], fnumber[2], focal[2];
	unsigned lat[3][2], lon[3][2];		/* degrees, minutes, seconds */
};

/*
 * Writes "Exif\0\0" + TIFF data into *out (free with free()), *len bytes, for jpeg_write_marker.
 * big_endian picks Motorola byte order (Nikon-style) over Intel. Returns 0, or -1 when out of
 * memory or the block would not fit one APP1 segment.
 */
int exifwrite_build(const struct manifest_exif *x, const struct exifwrite_rationals *r,
    int big_endian, unsigned char **out, size_t *len);

#endif
