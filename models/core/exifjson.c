/*
 * exifjson.c: the second step of the EXIF stage, a record (exif.c) to a jansson object keyed by
 * the EXIF names of the EXIF_FIELDS table, in its order. Strings that are not UTF-8 are read
 * as Latin-1, so any bytes in a record give a valid object; reals that are not finite are left
 * out. No state outside the call, so any thread may run it.
 */
#include "exif.h"

#include <math.h>

#define FIELD_NAME(w, t, k, name) name,

/* The JSON key of each field, by enum exif_field. */
static const char *const field_names[EXIF_NFIELDS] = { EXIF_FIELDS(FIELD_NAME) };

static json_t *latin1_string(const char *s, size_t n);
static int put_value(json_t *o, const char *name, const struct exif_value *v);

/*
 * EXIF ASCII is 7-bit by the standard, but cameras and editors write UTF-8 or Latin-1 in
 * Artist and Copyright. jansson takes only UTF-8, so a string that is not valid UTF-8 is read
 * as Latin-1: the likeliest guess, and one that keeps every byte. n is at most EXIF_TEXT_MAX.
 */
static json_t *
latin1_string(const char *s, size_t n)
{
	unsigned char u[2 * EXIF_TEXT_MAX];
	size_t i, j = 0;

	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c < 0x80) {
			u[j++] = c;
		} else {
			u[j++] = 0xc0 | c >> 6;
			u[j++] = 0x80 | (c & 0x3f);
		}
	}
	return json_stringn((const char *)u, j);
}

/*
 * Sets o[name] to v unless v is EXIF_VALUE_NONE, of no known type, or a NaN or infinite real.
 * Returns 0, or -1 when out of memory.
 */
static int
put_value(json_t *o, const char *name, const struct exif_value *v)
{
	size_t n;
	json_t *j;

	switch (v->type) {
	case EXIF_VALUE_INT: j = json_integer(v->i); break;
	case EXIF_VALUE_REAL:
		if (!isfinite(v->r))	/* json_real refuses them: not a lack of memory */
			return 0;
		j = json_real(v->r);
		break;
	case EXIF_VALUE_TEXT:
		n = v->text.len < EXIF_TEXT_MAX ? v->text.len : EXIF_TEXT_MAX;
		if ((j = json_stringn(v->text.s, n)) == NULL)	/* not UTF-8 */
			j = latin1_string(v->text.s, n);
		break;
	default: return 0;
	}
	/* The table's names are ASCII; jansson's UTF-8 check of them took a third of its time. */
	return j != NULL ? json_object_set_new_nocheck(o, name, j) : -1;
}

json_t *
exif_record_json(const struct exif_record *rec)
{
	json_t *o;
	size_t i;

	if (rec == NULL || (o = json_object()) == NULL)
		return NULL;
	for (i = 0; i < EXIF_NFIELDS; i++) {
		if (put_value(o, field_names[i], &rec->field[i]) < 0) {
			json_decref(o);
			return NULL;
		}
	}
	return o;
}

json_t *
exif_extract(const unsigned char *buf, size_t len)
{
	struct exif_record rec;

	return exif_read(buf, len, &rec) < 0 ? NULL : exif_record_json(&rec);
}
