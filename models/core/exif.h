/*
 * exif.h: EXIF extraction from a JPEG held in memory, with libexif, in two steps: exif_read
 * fills a fixed-size record without allocating (beyond libexif's own parse), exif_record_json
 * turns a record into a JSON object; exif_extract does both.
 *
 * Only what the file holds is reported: libexif's fix-up of missing tags is off
 * (EXIF_DATA_OPTION_FOLLOW_SPECIFICATION unset), so no tag is invented, and its log is unset, so
 * nothing is printed. The tags are those of EXIF_FIELDS below, the JSON keys their EXIF names.
 * The *Value tags are the APEX values the file holds, not converted to seconds or f-numbers.
 *
 * Values follow the format the file gives: BYTE, SHORT, LONG and their signed forms as
 * integers, RATIONAL and SRATIONAL as reals (left out when the denominator is 0), the first
 * component when there are several; ASCII strings up to their first NUL and at most
 * EXIF_TEXT_MAX bytes, trailing spaces cut (left out when empty), read as Latin-1 in JSON when
 * they are not UTF-8. A tag in a format that does not fit (a string where a number is due, or
 * the reverse) is left out. GPSLatitude and GPSLongitude are signed decimal degrees (south and
 * west negative), GPSAltitude is negative below sea level.
 *
 * Thread-safe: no state outside the call. Never prints or exits.
 */
#ifndef EXIFBENCH_EXIF_H
#define EXIFBENCH_EXIF_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

/*
 * The tags reported, in output order: X(WHERE, TAG, KIND, NAME), TAG as in libexif's EXIF_TAG_
 * names, NAME the JSON key. WHERE names the IFD and the fallback: IFD0 tags fall back to IFD1
 * (the thumbnail's IFD; some cameras write Orientation only there); EXIF IFD tags fall back to
 * IFD0, where a few writers misplace them (a Canon's BodySerialNumber, a Pentax's WhiteBalance;
 * exiftool reads them there too); GPS tags are read with their ref tag, from the GPS IFD only.
 * KIND: TEXT a string, NUMBER an integer or a real, DEGREES and ALTITUDE a real.
 */
#define EXIF_FIELDS(X) \
	X(IFD0, MAKE, TEXT, "Make") \
	X(IFD0, MODEL, TEXT, "Model") \
	X(IFD0, ORIENTATION, NUMBER, "Orientation") \
	X(IFD0, X_RESOLUTION, NUMBER, "XResolution") \
	X(IFD0, Y_RESOLUTION, NUMBER, "YResolution") \
	X(IFD0, RESOLUTION_UNIT, NUMBER, "ResolutionUnit") \
	X(IFD0, SOFTWARE, TEXT, "Software") \
	X(IFD0, DATE_TIME, TEXT, "DateTime") \
	X(IFD0, ARTIST, TEXT, "Artist") \
	X(IFD0, COPYRIGHT, TEXT, "Copyright") \
	X(EXIF, DATE_TIME_ORIGINAL, TEXT, "DateTimeOriginal") \
	X(EXIF, DATE_TIME_DIGITIZED, TEXT, "DateTimeDigitized") \
	X(EXIF, EXPOSURE_TIME, NUMBER, "ExposureTime") \
	X(EXIF, FNUMBER, NUMBER, "FNumber") \
	X(EXIF, EXPOSURE_PROGRAM, NUMBER, "ExposureProgram") \
	X(EXIF, ISO_SPEED_RATINGS, NUMBER, "ISOSpeedRatings") \
	X(EXIF, SHUTTER_SPEED_VALUE, NUMBER, "ShutterSpeedValue") \
	X(EXIF, APERTURE_VALUE, NUMBER, "ApertureValue") \
	X(EXIF, EXPOSURE_BIAS_VALUE, NUMBER, "ExposureBiasValue") \
	X(EXIF, MAX_APERTURE_VALUE, NUMBER, "MaxApertureValue") \
	X(EXIF, METERING_MODE, NUMBER, "MeteringMode") \
	X(EXIF, FLASH, NUMBER, "Flash") \
	X(EXIF, FOCAL_LENGTH, NUMBER, "FocalLength") \
	X(EXIF, FOCAL_LENGTH_IN_35MM_FILM, NUMBER, "FocalLengthIn35mmFilm") \
	X(EXIF, PIXEL_X_DIMENSION, NUMBER, "PixelXDimension") \
	X(EXIF, PIXEL_Y_DIMENSION, NUMBER, "PixelYDimension") \
	X(EXIF, COLOR_SPACE, NUMBER, "ColorSpace") \
	X(EXIF, WHITE_BALANCE, NUMBER, "WhiteBalance") \
	X(EXIF, LENS_MAKE, TEXT, "LensMake") \
	X(EXIF, LENS_MODEL, TEXT, "LensModel") \
	X(EXIF, BODY_SERIAL_NUMBER, TEXT, "BodySerialNumber") \
	X(GPS, GPS_LATITUDE, DEGREES, "GPSLatitude") \
	X(GPS, GPS_LONGITUDE, DEGREES, "GPSLongitude") \
	X(GPS, GPS_ALTITUDE, ALTITUDE, "GPSAltitude")

#define EXIF_FIELD_ENUM(w, t, k, name) EXIF_FIELD_##t,

/* A record's index of each tag: EXIF_FIELD_MAKE, EXIF_FIELD_GPS_LATITUDE, ... */
enum exif_field { EXIF_FIELDS(EXIF_FIELD_ENUM) EXIF_NFIELDS };

/*
 * The bytes kept of a string. The longest of the corpus's 124 cameras and editors is a
 * 58-byte Copyright; dates are 19, makes, models and lenses rarely above 40. A longer string is
 * cut to its first EXIF_TEXT_MAX bytes, less up to 3 more so as not to split a UTF-8 character.
 */
#define EXIF_TEXT_MAX 128

enum exif_type {
	EXIF_VALUE_NONE,	/* the tag is absent or unusable (wrong format, zero denominator) */
	EXIF_VALUE_INT,
	EXIF_VALUE_REAL,
	EXIF_VALUE_TEXT
};

struct exif_value {
	enum exif_type type;
	union {
		int64_t i;	/* EXIF_VALUE_INT */
		double r;	/* EXIF_VALUE_REAL */
		struct {
			size_t len;	/* 1 to EXIF_TEXT_MAX bytes before the NUL */
			char s[EXIF_TEXT_MAX + 1];
		} text;		/* EXIF_VALUE_TEXT: the raw bytes, UTF-8 or not, no NUL inside */
	};
};

/* What exif_read found, by enum exif_field. All zeros is a valid record with no tags. */
struct exif_record {
	struct exif_value field[EXIF_NFIELDS];
};

/*
 * Fills rec with the tags found in buf[0..len), a JPEG (its first APP1 "Exif" segment is read,
 * even when the file is cut short) or a bare "Exif\0\0" block. Returns how many tags it found:
 * 0 when the data holds no EXIF or none that can be parsed, which is not an error; -1 when
 * rec is NULL, buf is NULL with len > 0, or libexif is out of memory (rec is then all NONE
 * when not NULL). Allocates only inside libexif, and frees that before it returns.
 */
int exif_read(const unsigned char *buf, size_t len, struct exif_record *rec);

/*
 * Returns a new JSON object (release with json_decref) holding rec's tags in EXIF_FIELDS
 * order, or NULL when out of memory or rec is NULL. A value of an unknown type, or a NaN or
 * infinite real, is left out, a text longer than EXIF_TEXT_MAX cut to it: any bytes in rec
 * give a valid object.
 */
json_t *exif_record_json(const struct exif_record *rec);

/*
 * How an EXIF record is printed wherever it is written (the pipeline's output, `exifbench
 * exif`): compact, keys in table order, reals to 15 significant digits, enough for GPS
 * degrees without printing binary noise (0.00625, not 0.0062500000000000003).
 */
#define EXIF_JSON_FLAGS (JSON_COMPACT | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(15))

/*
 * exif_read then exif_record_json: an empty object when the data holds no EXIF or none that
 * can be parsed, NULL only when out of memory or buf is NULL with len > 0.
 */
json_t *exif_extract(const unsigned char *buf, size_t len);

#endif
