/*
 * exif.c: the EXIF step of the pipeline. Finds the APP1 "Exif" segment of a JPEG held in
 * memory, has libexif parse it (no fix-up of missing tags, no log, so nothing is invented and
 * nothing is printed), then reads a fixed table of tags from the entries' raw bytes into a
 * jansson object: integers, rationals as reals, trimmed strings, and GPS positions as signed
 * decimal degrees. No state outside the call, so any thread may run it.
 */
#include "exif.h"

#include <libexif/exif-data.h>
#include <libexif/exif-utils.h>
#include <stdlib.h>
#include <string.h>

#define EXIF_HDR_LEN 6
#define APP1_PAYLOAD_MAX 65533	/* a JPEG segment length is 16 bits and counts itself */

/* How a table entry's value is read. */
enum exif_kind {
	KIND_TEXT,		/* ASCII up to its first NUL, trailing spaces cut; out when empty */
	KIND_NUMBER,		/* first component: integer, or real for a rational */
	KIND_DEGREES,		/* 3 rationals (d, m, s); negative when the ref tag is 'S' or 'W' */
	KIND_ALTITUDE		/* 1 rational; negative when the ref tag (a BYTE) is 1 */
};

struct exif_field {
	ExifIfd ifd;
	ExifIfd fallback;	/* where to look when ifd gives no value; EXIF_IFD_COUNT: nowhere */
	ExifTag tag;
	enum exif_kind kind;
	ExifTag ref;		/* KIND_DEGREES, KIND_ALTITUDE: the GPS ref tag */
	const char *name;	/* the JSON key */
};

/* One decoded value, before it becomes JSON. */
struct exif_value {
	enum { VAL_NONE, VAL_INT, VAL_REAL, VAL_TEXT } type;
	json_int_t i;
	double r;
	const char *s;
	size_t n;
};

/*
 * The tags reported, in output order: X(WHERE, TAG, KIND, NAME), TAG without EXIF_TAG_. WHERE
 * names the IFD and the fallback: IFD0 tags fall back to IFD1 (the thumbnail's IFD; some cameras
 * write Orientation only there); EXIF IFD tags fall back to IFD0, where a few writers misplace
 * them (a Canon's BodySerialNumber, a Pentax's WhiteBalance; exiftool reads them there too); GPS
 * tags are read with their ref tag, from the GPS IFD only.
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

#define WHERE_IFD0 EXIF_IFD_0, EXIF_IFD_1
#define WHERE_EXIF EXIF_IFD_EXIF, EXIF_IFD_0
#define WHERE_GPS EXIF_IFD_GPS, EXIF_IFD_COUNT
#define REF_IFD0(t) 0
#define REF_EXIF(t) 0
#define REF_GPS(t) EXIF_TAG_##t##_REF
#define FIELD_ENUM(w, t, k, name) FIELD_##t,
#define FIELD_ROW(w, t, k, name) { WHERE_##w, EXIF_TAG_##t, KIND_##k, REF_##w(t), name },
#define FIELD_CASE(w, t, k, name) case EXIF_TAG_##t: return FIELD_##t;

enum { EXIF_FIELDS(FIELD_ENUM) NFIELDS };

static const struct exif_field exif_fields[NFIELDS] = { EXIF_FIELDS(FIELD_ROW) };

static const unsigned char exif_header[EXIF_HDR_LEN] = { 'E', 'x', 'i', 'f', 0, 0 };

/* Bytes per component by ExifFormat; exif_format_get_size searches a table on every call. */
static const unsigned char format_size[] = { 0, 1, 1, 2, 4, 8, 1, 1, 2, 4, 8, 4, 8 };

static const unsigned char *find_exif(const unsigned char *buf, size_t len, size_t *outlen);
static size_t unit_size(ExifFormat f);
static int has_component(const ExifEntry *e, unsigned long k);
static int read_number(const ExifEntry *e, ExifByteOrder o, unsigned long k,
    struct exif_value *v);
static void read_text(const ExifEntry *e, struct exif_value *v);
static int ref_char(ExifContent *c, ExifTag ref);
static void read_degrees(const ExifEntry *e, ExifByteOrder o, int ref, struct exif_value *v);
static void read_field(ExifData *d, const struct exif_field *f, const ExifEntry *e,
    struct exif_value *v);
static int field_of(ExifTag tag);
static void collect(ExifData *d, ExifEntry *(*slot)[2]);
static json_t *latin1_string(const char *s, size_t n);
static int put_value(json_t *o, const char *name, const struct exif_value *v);

/*
 * The EXIF block ("Exif\0\0" and the TIFF data) in buf: buf itself when it starts with the
 * header, else the payload of the first APP1 segment that does, cut to what buf holds when the
 * file is truncated (libexif then still reads what is there). libexif's own search gives up
 * at the first marker that is neither SOI nor APPn (a COM or DQT before the APP1), where
 * exiftool reads on, as this walk does.
 */
static const unsigned char *
find_exif(const unsigned char *buf, size_t len, size_t *outlen)
{
	size_t i, seglen;
	unsigned char m;

	if (len >= EXIF_HDR_LEN && memcmp(buf, exif_header, EXIF_HDR_LEN) == 0) {
		*outlen = len < APP1_PAYLOAD_MAX ? len : APP1_PAYLOAD_MAX;
		return buf;
	}
	if (len < 4 || buf[0] != 0xff || buf[1] != 0xd8)
		return NULL;
	for (i = 2; i + 4 <= len;) {
		if (buf[i] != 0xff)
			return NULL;	/* lost sync: not a marker where one must be */
		m = buf[i + 1];
		if (m == 0xff) {	/* fill byte */
			i++;
			continue;
		}
		if (m == 0xd8 || m == 0x01 || (m >= 0xd0 && m <= 0xd7)) {	/* no length */
			i += 2;
			continue;
		}
		if (m == 0xda || m == 0xd9)	/* image data or end: no EXIF after that */
			return NULL;
		seglen = (size_t)buf[i + 2] << 8 | buf[i + 3];
		if (seglen < 2)
			return NULL;
		if (m == 0xe1 && seglen >= 2 + EXIF_HDR_LEN && len - i - 4 >= EXIF_HDR_LEN &&
		    memcmp(buf + i + 4, exif_header, EXIF_HDR_LEN) == 0) {
			*outlen = seglen - 2 < len - i - 4 ? seglen - 2 : len - i - 4;
			return buf + i + 4;
		}
		i += 2 + seglen;
	}
	return NULL;
}

static size_t
unit_size(ExifFormat f)
{
	return (unsigned)f < sizeof(format_size) ? format_size[f] : 0;
}

/* Whether e holds component k in full (libexif sizes data from the count; this is cheap). */
static int
has_component(const ExifEntry *e, unsigned long k)
{
	size_t unit = unit_size(e->format);

	return e->data != NULL && unit != 0 && k < e->components && e->size / unit > k;
}

/*
 * Component k of e as a number, by the format the file gives it rather than the one the
 * standard says (Orientation is sometimes a LONG). A zero denominator gives VAL_NONE. Returns 0,
 * or -1 when e holds no numeric component k.
 */
static int
read_number(const ExifEntry *e, ExifByteOrder o, unsigned long k, struct exif_value *v)
{
	const unsigned char *p;
	ExifRational r;
	ExifSRational sr;

	v->type = VAL_NONE;
	if (!has_component(e, k))
		return -1;
	p = e->data + k * unit_size(e->format);
	v->type = VAL_INT;
	switch (e->format) {
	case EXIF_FORMAT_BYTE: v->i = p[0]; break;
	case EXIF_FORMAT_SBYTE: v->i = (signed char)p[0]; break;
	case EXIF_FORMAT_SHORT: v->i = exif_get_short(p, o); break;
	case EXIF_FORMAT_SSHORT: v->i = exif_get_sshort(p, o); break;
	case EXIF_FORMAT_LONG: v->i = exif_get_long(p, o); break;
	case EXIF_FORMAT_SLONG: v->i = exif_get_slong(p, o); break;
	case EXIF_FORMAT_RATIONAL:
		r = exif_get_rational(p, o);
		v->type = r.denominator != 0 ? VAL_REAL : VAL_NONE;
		if (r.denominator != 0)
			v->r = (double)r.numerator / r.denominator;
		break;
	case EXIF_FORMAT_SRATIONAL:
		sr = exif_get_srational(p, o);
		v->type = sr.denominator != 0 ? VAL_REAL : VAL_NONE;
		if (sr.denominator != 0)
			v->r = (double)sr.numerator / sr.denominator;
		break;
	default:
		v->type = VAL_NONE;
		return -1;
	}
	return 0;
}

/* An ASCII entry up to its first NUL, trailing spaces cut; VAL_NONE when that leaves nothing. */
static void
read_text(const ExifEntry *e, struct exif_value *v)
{
	const char *s = (const char *)e->data, *nul;
	size_t n;

	v->type = VAL_NONE;
	if (e->format != EXIF_FORMAT_ASCII || s == NULL)
		return;
	n = e->size < e->components ? e->size : e->components;
	if ((nul = memchr(s, '\0', n)) != NULL)
		n = (size_t)(nul - s);
	while (n > 0 && s[n - 1] == ' ')
		n--;
	if (n > 0) {
		v->type = VAL_TEXT;
		v->s = s;
		v->n = n;
	}
}

/* The first byte of a GPS ref tag (ASCII "S", or the BYTE of GPSAltitudeRef); -1 if absent. */
static int
ref_char(ExifContent *c, ExifTag ref)
{
	ExifEntry *e = exif_content_get_entry(c, ref);

	return e != NULL && e->data != NULL && e->size > 0 ? e->data[0] : -1;
}

/*
 * Degrees, minutes and seconds to signed decimal degrees. Fewer than three components count the
 * missing ones as 0, as exiftool does; a zero denominator leaves the tag out.
 */
static void
read_degrees(const ExifEntry *e, ExifByteOrder o, int ref, struct exif_value *v)
{
	static const double scale[3] = { 1, 60, 3600 };
	struct exif_value c;
	double deg = 0;
	unsigned long k;

	v->type = VAL_NONE;
	if (e->format != EXIF_FORMAT_RATIONAL && e->format != EXIF_FORMAT_SRATIONAL)
		return;
	for (k = 0; k < 3 && has_component(e, k); k++) {
		if (read_number(e, o, k, &c) < 0 || c.type != VAL_REAL)
			return;
		deg += c.r / scale[k];
	}
	if (k > 0) {
		v->type = VAL_REAL;
		v->r = ref == 'S' || ref == 'W' ? -deg : deg;
	}
}

/* f's value from entry e (of f's IFD or its fallback); VAL_NONE when e is NULL. */
static void
read_field(ExifData *d, const struct exif_field *f, const ExifEntry *e, struct exif_value *v)
{
	ExifByteOrder o = exif_data_get_byte_order(d);

	v->type = VAL_NONE;
	if (e == NULL)
		return;
	switch (f->kind) {
	case KIND_TEXT: read_text(e, v); break;
	case KIND_NUMBER: (void)read_number(e, o, 0, v); break;
	case KIND_DEGREES: read_degrees(e, o, ref_char(d->ifd[f->ifd], f->ref), v); break;
	case KIND_ALTITUDE:
		if (read_number(e, o, 0, v) == 0 && v->type == VAL_REAL &&
		    ref_char(d->ifd[f->ifd], f->ref) == 1)
			v->r = -v->r;
		break;
	}
}

/* The table row of tag, or -1. The tags of the table are unique across IFDs. */
static int
field_of(ExifTag tag)
{
	switch ((unsigned)tag) {	/* some GPS tags are macros, not ExifTag members */
	EXIF_FIELDS(FIELD_CASE)
	default: return -1;
	}
}

/*
 * Fills slot[row][0] with the entry of each row's tag in its IFD, slot[row][1] in its fallback
 * IFD. One pass over the entries: a search of an IFD per row (exif_content_get_entry) was a
 * sixth of the wrapper's time. The first of duplicates wins, as with exif_content_get_entry.
 */
static void
collect(ExifData *d, ExifEntry *(*slot)[2])
{
	const struct exif_field *f;
	ExifContent *c;
	ExifEntry *e;
	unsigned ifd, k;
	int row, w;

	for (ifd = 0; ifd < EXIF_IFD_COUNT; ifd++) {
		c = d->ifd[ifd];
		for (k = 0; c != NULL && k < c->count; k++) {
			if ((e = c->entries[k]) == NULL || (row = field_of(e->tag)) < 0)
				continue;
			f = &exif_fields[row];
			w = f->ifd == ifd ? 0 : f->fallback == ifd ? 1 : -1;
			if (w >= 0 && slot[row][w] == NULL)
				slot[row][w] = e;
		}
	}
}

/*
 * EXIF ASCII is 7-bit by the standard, but cameras and editors write UTF-8 or Latin-1 in
 * Artist and Copyright. jansson takes only UTF-8, so a string that is not valid UTF-8 is read
 * as Latin-1: the likeliest guess, and one that keeps every byte.
 */
static json_t *
latin1_string(const char *s, size_t n)
{
	unsigned char *u;
	size_t i, j = 0;
	json_t *js;

	if ((u = malloc(2 * n)) == NULL)
		return NULL;
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c < 0x80) {
			u[j++] = c;
		} else {
			u[j++] = 0xc0 | c >> 6;
			u[j++] = 0x80 | (c & 0x3f);
		}
	}
	js = json_stringn((const char *)u, j);
	free(u);
	return js;
}

/* Sets o[name] to v unless v is VAL_NONE. Returns 0, or -1 when out of memory. */
static int
put_value(json_t *o, const char *name, const struct exif_value *v)
{
	json_t *j;

	switch (v->type) {
	case VAL_INT: j = json_integer(v->i); break;
	case VAL_REAL: j = json_real(v->r); break;
	case VAL_TEXT:
		if ((j = json_stringn(v->s, v->n)) == NULL)	/* not UTF-8 */
			j = latin1_string(v->s, v->n);
		break;
	default: return 0;
	}
	/* The table's names are ASCII; jansson's UTF-8 check of them took a third of its time. */
	return j != NULL ? json_object_set_new_nocheck(o, name, j) : -1;
}

json_t *
exif_extract(const unsigned char *buf, size_t len)
{
	ExifEntry *slot[NFIELDS][2] = { { NULL } };
	const unsigned char *blob;
	struct exif_value v;
	ExifData *d = NULL;
	json_t *o;
	size_t i, bloblen;

	if (buf == NULL && len > 0)
		return NULL;
	if ((o = json_object()) == NULL)
		return NULL;
	if (buf == NULL || (blob = find_exif(buf, len, &bloblen)) == NULL)
		return o;
	if ((d = exif_data_new()) == NULL)
		goto fail;
	exif_data_unset_option(d, EXIF_DATA_OPTION_FOLLOW_SPECIFICATION);
	/* Else libexif drops tags from IFDs they do not belong in: the table's fallbacks. */
	exif_data_unset_option(d, EXIF_DATA_OPTION_IGNORE_UNKNOWN_TAGS);
	exif_data_load_data(d, blob, (unsigned int)bloblen);
	collect(d, slot);
	for (i = 0; i < NFIELDS; i++) {
		read_field(d, &exif_fields[i], slot[i][0], &v);
		if (v.type == VAL_NONE)
			read_field(d, &exif_fields[i], slot[i][1], &v);
		if (put_value(o, exif_fields[i].name, &v) < 0)
			goto fail;
	}
	exif_data_unref(d);
	return o;
fail:
	if (d != NULL)
		exif_data_unref(d);
	json_decref(o);
	return NULL;
}
