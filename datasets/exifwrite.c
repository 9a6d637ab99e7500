/*
 * exifwrite.c: EXIF blocks written with libexif. Entries are made by hand (format, count, raw
 * bytes in the block's byte order) rather than through exif_entry_initialize, whose defaults
 * would add values the manifest does not list; they are added in ascending tag order, as TIFF
 * requires of every IFD.
 */
#include "exifwrite.h"

#include <libexif/exif-data.h>
#include <libexif/exif-utils.h>
#include <stdlib.h>
#include <string.h>

#define APP1_MAX 65533

static ExifEntry *add(ExifData *ed, ExifIfd ifd, ExifTag tag, ExifFormat fmt, unsigned long n);
static int add_ascii(ExifData *ed, ExifIfd ifd, ExifTag tag, const char *s);
static int add_short(ExifData *ed, ExifIfd ifd, ExifTag tag, unsigned v);
static int add_rationals(ExifData *ed, ExifIfd ifd, ExifTag tag, const unsigned (*r)[2],
    unsigned n);

static ExifEntry *
add(ExifData *ed, ExifIfd ifd, ExifTag tag, ExifFormat fmt, unsigned long n)
{
	ExifMem *mem = exif_mem_new_default();
	ExifEntry *e = NULL;
	unsigned long sz = exif_format_get_size(fmt) * n;

	if (mem == NULL || (e = exif_entry_new_mem(mem)) == NULL)
		goto out;
	e->data = exif_mem_alloc(mem, sz);
	if (e->data == NULL) {
		exif_entry_unref(e);
		e = NULL;
		goto out;
	}
	e->size = sz;
	e->tag = tag;
	e->format = fmt;
	e->components = n;
	exif_content_add_entry(ed->ifd[ifd], e);
	exif_entry_unref(e);	/* the IFD holds the reference now */
out:
	exif_mem_unref(mem);
	return e;
}

static int
add_ascii(ExifData *ed, ExifIfd ifd, ExifTag tag, const char *s)
{
	size_t n = strlen(s) + 1;
	ExifEntry *e = add(ed, ifd, tag, EXIF_FORMAT_ASCII, n);

	if (e == NULL)
		return -1;
	memcpy(e->data, s, n);
	return 0;
}

static int
add_short(ExifData *ed, ExifIfd ifd, ExifTag tag, unsigned v)
{
	ExifEntry *e = add(ed, ifd, tag, EXIF_FORMAT_SHORT, 1);

	if (e == NULL)
		return -1;
	exif_set_short(e->data, exif_data_get_byte_order(ed), (ExifShort)v);
	return 0;
}

static int
add_rationals(ExifData *ed, ExifIfd ifd, ExifTag tag, const unsigned (*r)[2], unsigned n)
{
	ExifEntry *e = add(ed, ifd, tag, EXIF_FORMAT_RATIONAL, n);
	unsigned i;

	if (e == NULL)
		return -1;
	for (i = 0; i < n; i++) {
		ExifRational q = { r[i][0], r[i][1] };

		exif_set_rational(e->data + 8 * i, exif_data_get_byte_order(ed), q);
	}
	return 0;
}

int
exifwrite_build(const struct manifest_exif *x, const struct exifwrite_rationals *r,
    int big_endian, unsigned char **out, size_t *len)
{
	static const unsigned char gps_version[4] = { 2, 2, 0, 0 };
	ExifData *ed;
	ExifEntry *e;
	unsigned char *buf = NULL;
	unsigned int n = 0;
	int rc = -1;

	if (x == NULL || r == NULL || out == NULL || len == NULL || (ed = exif_data_new()) == NULL)
		return -1;
	exif_data_unset_option(ed, EXIF_DATA_OPTION_FOLLOW_SPECIFICATION);
	exif_data_set_byte_order(ed, big_endian ? EXIF_BYTE_ORDER_MOTOROLA : EXIF_BYTE_ORDER_INTEL);
	if (add_ascii(ed, EXIF_IFD_0, EXIF_TAG_MAKE, x->make) < 0 ||
	    add_ascii(ed, EXIF_IFD_0, EXIF_TAG_MODEL, x->model) < 0 ||
	    add_short(ed, EXIF_IFD_0, EXIF_TAG_ORIENTATION, (unsigned)x->orientation) < 0 ||
	    add_ascii(ed, EXIF_IFD_0, EXIF_TAG_SOFTWARE, "exifbench dataset gen") < 0 ||
	    add_ascii(ed, EXIF_IFD_0, EXIF_TAG_DATE_TIME, x->datetime_original) < 0 ||
	    add_rationals(ed, EXIF_IFD_EXIF, EXIF_TAG_EXPOSURE_TIME, &r->exposure, 1) < 0 ||
	    add_rationals(ed, EXIF_IFD_EXIF, EXIF_TAG_FNUMBER, &r->fnumber, 1) < 0 ||
	    add_short(ed, EXIF_IFD_EXIF, EXIF_TAG_ISO_SPEED_RATINGS, (unsigned)x->iso) < 0 ||
	    (e = add(ed, EXIF_IFD_EXIF, EXIF_TAG_EXIF_VERSION, EXIF_FORMAT_UNDEFINED, 4)) == NULL)
		goto out;
	memcpy(e->data, "0230", 4);
	if (add_ascii(ed, EXIF_IFD_EXIF, EXIF_TAG_DATE_TIME_ORIGINAL, x->datetime_original) < 0 ||
	    add_rationals(ed, EXIF_IFD_EXIF, EXIF_TAG_FOCAL_LENGTH, &r->focal, 1) < 0 ||
	    (x->lens_model[0] &&
	    add_ascii(ed, EXIF_IFD_EXIF, EXIF_TAG_LENS_MODEL, x->lens_model) < 0))
		goto out;
	if (x->has_gps) {
		if ((e = add(ed, EXIF_IFD_GPS, EXIF_TAG_GPS_VERSION_ID, EXIF_FORMAT_BYTE, 4)) == NULL)
			goto out;
		memcpy(e->data, gps_version, 4);
		if (add_ascii(ed, EXIF_IFD_GPS, EXIF_TAG_GPS_LATITUDE_REF,
		    x->gps_latitude < 0 ? "S" : "N") < 0 ||
		    add_rationals(ed, EXIF_IFD_GPS, EXIF_TAG_GPS_LATITUDE, r->lat, 3) < 0 ||
		    add_ascii(ed, EXIF_IFD_GPS, EXIF_TAG_GPS_LONGITUDE_REF,
		    x->gps_longitude < 0 ? "W" : "E") < 0 ||
		    add_rationals(ed, EXIF_IFD_GPS, EXIF_TAG_GPS_LONGITUDE, r->lon, 3) < 0)
			goto out;
	}
	exif_data_save_data(ed, &buf, &n);
	if (buf == NULL || n == 0 || n > APP1_MAX) {
		free(buf);
		goto out;
	}
	*out = buf;
	*len = n;
	rc = 0;
out:
	exif_data_unref(ed);
	return rc;
}
