/*
 * exif.h: EXIF extraction from a JPEG held in memory, with libexif, as a JSON object.
 *
 * Only what the file holds is reported: libexif's fix-up of missing tags is off
 * (EXIF_DATA_OPTION_FOLLOW_SPECIFICATION unset), so no tag is invented, and its log is unset, so
 * nothing is printed. Keys are EXIF tag names from a fixed table in exif.c: IFD0 Make, Model,
 * Orientation, XResolution, YResolution, ResolutionUnit, Software, DateTime, Artist, Copyright;
 * EXIF IFD DateTimeOriginal, DateTimeDigitized, ExposureTime, FNumber, ExposureProgram,
 * ISOSpeedRatings, ShutterSpeedValue, ApertureValue, ExposureBiasValue, MaxApertureValue,
 * MeteringMode, Flash, FocalLength, FocalLengthIn35mmFilm, PixelXDimension, PixelYDimension,
 * ColorSpace, WhiteBalance, LensMake, LensModel, BodySerialNumber; GPS GPSLatitude, GPSLongitude,
 * GPSAltitude. The *Value tags are the APEX values the file holds, not converted to seconds or
 * f-numbers. An IFD0 tag missing from IFD0 is taken from IFD1, an EXIF IFD tag missing from the
 * EXIF IFD from IFD0 (where some writers put it).
 *
 * Values follow the format the file gives: BYTE, SHORT, LONG and their signed forms as JSON
 * integers, RATIONAL and SRATIONAL as reals (left out when the denominator is 0), the first
 * component when there are several; ASCII strings up to their first NUL with trailing spaces cut
 * (left out when empty), read as Latin-1 when they are not UTF-8. A tag in a format that does not
 * fit (a string where a number is due, or the reverse) is left out. GPSLatitude and GPSLongitude
 * are signed decimal degrees (south and west negative), GPSAltitude is negative below sea level.
 *
 * Thread-safe: no state outside the call. Never prints or exits.
 */
#ifndef EXIFBENCH_EXIF_H
#define EXIFBENCH_EXIF_H

#include <jansson.h>
#include <stddef.h>

/*
 * Returns a new JSON object (release with json_decref) holding the tags found in buf[0..len), a
 * JPEG (its first APP1 "Exif" segment is read, even when the file is cut short) or a bare
 * "Exif\0\0" block: an empty object when the data holds no EXIF or none that can be parsed,
 * which is not an error. Returns NULL only when out of memory or buf is NULL with len > 0.
 */
json_t *exif_extract(const unsigned char *buf, size_t len);

#endif
