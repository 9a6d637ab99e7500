/*
 * exif.c: the EXIF step of the pipeline. Finds the APP1 "Exif" segment of a JPEG held in
 * memory, has libexif parse it (no fix-up of missing tags, no log, so nothing is invented and
 * nothing is printed), then reads the tags of EXIF_FIELDS from the entries' raw bytes into a
 * fixed-size record: integers, rationals as reals, trimmed strings, and GPS positions as signed
 * decimal degrees. The second step, a record to a jansson object, is exifjson.c. No state
 * outside the call, so any thread may run it.
 */
#include "exif.h"

#include <libexif/exif-data.h>
#include <libexif/exif-utils.h>
#include <string.h>

#define EXIF_HDR_LEN 6
#define APP1_PAYLOAD_MAX 65533	/* a JPEG segment length is 16 bits and counts itself */

/* How a table entry's value is read. */
enum exif_kind {
	KIND_TEXT,		/* ASCII to its first NUL, cut to fit, spaces trimmed; or out */
	KIND_NUMBER,		/* first component: integer, or real for a rational */
	KIND_DEGREES,		/* 3 rationals (d, m, s); negative when the ref tag is 'S' or 'W' */
	KIND_ALTITUDE		/* 1 rational; negative when the ref tag (a BYTE) is 1 */
};

struct field_def {
	ExifIfd ifd;
	ExifIfd fallback;	/* where to look when ifd gives no value; EXIF_IFD_COUNT: nowhere */
	ExifTag tag;
	enum exif_kind kind;
	ExifTag ref;		/* KIND_DEGREES, KIND_ALTITUDE: the GPS ref tag */
};

#define WHERE_IFD0 EXIF_IFD_0, EXIF_IFD_1
#define WHERE_EXIF EXIF_IFD_EXIF, EXIF_IFD_0
#define WHERE_GPS EXIF_IFD_GPS, EXIF_IFD_COUNT
#define REF_IFD0(t) 0
#define REF_EXIF(t) 0
#define REF_GPS(t) EXIF_TAG_##t##_REF
#define FIELD_ROW(w, t, k, name) { WHERE_##w, EXIF_TAG_##t, KIND_##k, REF_##w(t) },
#define FIELD_CASE(w, t, k, name) case EXIF_TAG_##t: return EXIF_FIELD_##t;

static const struct field_def exif_fields[EXIF_NFIELDS] = { EXIF_FIELDS(FIELD_ROW) };

static const unsigned char exif_header[EXIF_HDR_LEN] = { 'E', 'x', 'i', 'f', 0, 0 };

/* Bytes per component by ExifFormat; exif_format_get_size searches a table on every call. */
static const unsigned char format_size[] = { 0, 1, 1, 2, 4, 8, 1, 1, 2, 4, 8, 4, 8 };

static const unsigned char *find_exif(const unsigned char *buf, size_t len, size_t *outlen);
static size_t unit_size(ExifFormat f);
static int has_component(const ExifEntry *e, unsigned long k);
static int read_number(const ExifEntry *e, ExifByteOrder o, unsigned long k,
    struct exif_value *v);
static void set_ratio(struct exif_value *v, double num, double den);
static size_t text_cut(const char *s, size_t n);
static void read_text(const ExifEntry *e, struct exif_value *v);
static int ref_char(ExifContent *c, ExifTag ref);
static void read_degrees(const ExifEntry *e, ExifByteOrder o, int ref, struct exif_value *v);
static void read_field(ExifData *d, const struct field_def *f, const ExifEntry *e,
    struct exif_value *v);
static int field_of(ExifTag tag);
static void collect(ExifData *d, ExifEntry *(*slot)[2]);

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
 * standard says (Orientation is sometimes a LONG). A zero denominator gives EXIF_VALUE_NONE.
 * Returns 0, or -1 when e holds no numeric component k.
 */
static int
read_number(const ExifEntry *e, ExifByteOrder o, unsigned long k, struct exif_value *v)
{
	const unsigned char *p;
	ExifRational r;
	ExifSRational sr;

	v->type = EXIF_VALUE_NONE;
	if (!has_component(e, k))
		return -1;
	p = e->data + k * unit_size(e->format);
	v->type = EXIF_VALUE_INT;
	switch (e->format) {
	case EXIF_FORMAT_BYTE: v->i = p[0]; break;
	case EXIF_FORMAT_SBYTE: v->i = (signed char)p[0]; break;
	case EXIF_FORMAT_SHORT: v->i = exif_get_short(p, o); break;
	case EXIF_FORMAT_SSHORT: v->i = exif_get_sshort(p, o); break;
	case EXIF_FORMAT_LONG: v->i = exif_get_long(p, o); break;
	case EXIF_FORMAT_SLONG: v->i = exif_get_slong(p, o); break;
	case EXIF_FORMAT_RATIONAL:
		r = exif_get_rational(p, o);
		set_ratio(v, r.numerator, r.denominator);
		break;
	case EXIF_FORMAT_SRATIONAL:
		sr = exif_get_srational(p, o);
		set_ratio(v, sr.numerator, sr.denominator);
		break;
	default:
		v->type = EXIF_VALUE_NONE;
		return -1;
	}
	return 0;
}

/* num / den as a real (both are 32-bit integers, exact in a double); none when den is 0. */
static void
set_ratio(struct exif_value *v, double num, double den)
{
	v->type = den != 0 ? EXIF_VALUE_REAL : EXIF_VALUE_NONE;
	if (den != 0)
		v->r = num / den;
}

/*
 * How many of s's n bytes fit a record: all when n <= EXIF_TEXT_MAX, else EXIF_TEXT_MAX less
 * the start of a UTF-8 character the cut would split, so that a UTF-8 string stays UTF-8 (and
 * is not read as Latin-1 for its last byte). A Latin-1 string may lose up to 3 bytes more.
 */
static size_t
text_cut(const char *s, size_t n)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t k;

	if (n <= EXIF_TEXT_MAX)
		return n;
	for (k = EXIF_TEXT_MAX; k > EXIF_TEXT_MAX - 3 && (u[k] & 0xc0) == 0x80; k--)
		;
	return (u[k] & 0xc0) == 0xc0 ? k : EXIF_TEXT_MAX;
}

/*
 * An ASCII entry up to its first NUL, cut to the record's buffer, trailing spaces cut;
 * EXIF_VALUE_NONE when that leaves nothing.
 */
static void
read_text(const ExifEntry *e, struct exif_value *v)
{
	const char *s = (const char *)e->data, *nul;
	size_t n;

	v->type = EXIF_VALUE_NONE;
	if (e->format != EXIF_FORMAT_ASCII || s == NULL)
		return;
	n = e->size < e->components ? e->size : e->components;
	if ((nul = memchr(s, '\0', n)) != NULL)
		n = (size_t)(nul - s);
	n = text_cut(s, n);
	while (n > 0 && s[n - 1] == ' ')
		n--;
	if (n > 0) {
		v->type = EXIF_VALUE_TEXT;
		memcpy(v->text.s, s, n);
		v->text.s[n] = '\0';
		v->text.len = n;
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

	v->type = EXIF_VALUE_NONE;
	if (e->format != EXIF_FORMAT_RATIONAL && e->format != EXIF_FORMAT_SRATIONAL)
		return;
	for (k = 0; k < 3 && has_component(e, k); k++) {
		if (read_number(e, o, k, &c) < 0 || c.type != EXIF_VALUE_REAL)
			return;
		deg += c.r / scale[k];
	}
	if (k > 0) {
		v->type = EXIF_VALUE_REAL;
		v->r = ref == 'S' || ref == 'W' ? -deg : deg;
	}
}

/* f's value from entry e (of f's IFD or its fallback); EXIF_VALUE_NONE when e is NULL. */
static void
read_field(ExifData *d, const struct field_def *f, const ExifEntry *e, struct exif_value *v)
{
	ExifByteOrder o;

	v->type = EXIF_VALUE_NONE;
	if (e == NULL)
		return;
	o = exif_data_get_byte_order(d);
	switch (f->kind) {
	case KIND_TEXT: read_text(e, v); break;
	case KIND_NUMBER: (void)read_number(e, o, 0, v); break;
	case KIND_DEGREES: read_degrees(e, o, ref_char(d->ifd[f->ifd], f->ref), v); break;
	case KIND_ALTITUDE:
		if (read_number(e, o, 0, v) == 0 && v->type == EXIF_VALUE_REAL &&
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
	const struct field_def *f;
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

int
exif_read(const unsigned char *buf, size_t len, struct exif_record *rec)
{
	ExifEntry *slot[EXIF_NFIELDS][2] = { { NULL } };
	const unsigned char *blob;
	struct exif_value *v;
	ExifData *d;
	size_t i, bloblen;
	int found = 0;

	if (rec == NULL)
		return -1;
	for (i = 0; i < EXIF_NFIELDS; i++)
		rec->field[i].type = EXIF_VALUE_NONE;
	if (buf == NULL && len > 0)
		return -1;
	if (buf == NULL || (blob = find_exif(buf, len, &bloblen)) == NULL)
		return 0;
	if ((d = exif_data_new()) == NULL)
		return -1;
	exif_data_unset_option(d, EXIF_DATA_OPTION_FOLLOW_SPECIFICATION);
	/* Else libexif drops tags from IFDs they do not belong in: the table's fallbacks. */
	exif_data_unset_option(d, EXIF_DATA_OPTION_IGNORE_UNKNOWN_TAGS);
	exif_data_load_data(d, blob, (unsigned int)bloblen);
	collect(d, slot);
	for (i = 0; i < EXIF_NFIELDS; i++) {
		v = &rec->field[i];
		read_field(d, &exif_fields[i], slot[i][0], v);
		if (v->type == EXIF_VALUE_NONE)
			read_field(d, &exif_fields[i], slot[i][1], v);
		found += v->type != EXIF_VALUE_NONE;
	}
	exif_data_unref(d);
	return found;
}
