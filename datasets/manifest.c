/*
 * manifest.c: JSON Lines manifests through jansson. Writing builds one object per entry and
 * dumps it compact; reading parses one line at a time and checks every field it needs, so a
 * hand-edited manifest fails with the line and the key at fault rather than a wrong count later.
 */
#include "manifest.h"

#include <jansson.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

static const char *const kind_names[MANIFEST_NKINDS] = { "ok", "noexif", "truncated",
	"corrupt" };

static json_t *exif_to_json(const struct manifest_exif *x);
static int exif_from_json(json_t *o, struct manifest_exif *x, const char **bad);
static int copy_str(json_t *o, const char *name, char *dst, size_t dstlen, int required);
static int frame_dim(json_t *o, const char *name, int *out);
static ssize_t next_line(FILE *f, unsigned long *lineno, char **line, size_t *cap);
static int entry_from_json(json_t *o, struct manifest_entry *e, const char **bad);

const char *
manifest_kind_name(enum manifest_kind k)
{
	return (unsigned)k < MANIFEST_NKINDS ? kind_names[k] : NULL;
}

/* NULL when out of memory or a string is not UTF-8: a value is never dropped silently. */
static json_t *
exif_to_json(const struct manifest_exif *x)
{
	json_t *o = json_object();
	int bad = o == NULL;

#define PUT(name, val) \
	do { \
		if (!bad) \
			bad = json_object_set_new(o, name, val) != 0; \
	} while (0)
	if (x->make[0])
		PUT("Make", json_string(x->make));
	if (x->model[0])
		PUT("Model", json_string(x->model));
	if (x->lens_model[0])
		PUT("LensModel", json_string(x->lens_model));
	if (x->datetime_original[0])
		PUT("DateTimeOriginal", json_string(x->datetime_original));
	if (x->orientation)
		PUT("Orientation", json_integer(x->orientation));
	if (x->exposure_time > 0)
		PUT("ExposureTime", json_real(x->exposure_time));
	if (x->fnumber > 0)
		PUT("FNumber", json_real(x->fnumber));
	if (x->iso)
		PUT("ISOSpeedRatings", json_integer(x->iso));
	if (x->focal_length > 0)
		PUT("FocalLength", json_real(x->focal_length));
	if (x->has_gps) {
		PUT("GPSLatitude", json_real(x->gps_latitude));
		PUT("GPSLongitude", json_real(x->gps_longitude));
	}
#undef PUT
	if (bad) {
		json_decref(o);
		return NULL;
	}
	return o;
}

int
manifest_write(FILE *f, const struct manifest_entry *e)
{
	json_t *o, *x;
	char *line;
	int rc = -1;

	if (f == NULL || e == NULL || manifest_kind_name(e->kind) == NULL ||
	    e->size > (uint64_t)INT64_MAX)
		return -1;
	if (e->has_exif > 0)
		x = exif_to_json(&e->exif);
	else
		x = e->has_exif == 0 ? json_object() : json_null();
	if (x == NULL)
		return -1;
	o = json_pack("{s:s, s:I, s:s, s:s, s:i, s:i, s:o}", "key", e->key, "size",
	    (json_int_t)e->size, "sha256", e->sha256, "kind", kind_names[e->kind], "width",
	    e->width, "height", e->height, "exif", x);
	if (o == NULL)
		return -1;
	line = json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(17));
	if (line != NULL && fprintf(f, "%s\n", line) > 0)
		rc = 0;
	free(line);
	json_decref(o);
	return rc;
}

static int
copy_str(json_t *o, const char *name, char *dst, size_t dstlen, int required)
{
	json_t *v = json_object_get(o, name);

	dst[0] = '\0';
	if (v == NULL)
		return required ? -1 : 0;
	if (!json_is_string(v) || json_string_length(v) >= dstlen)
		return -1;
	memcpy(dst, json_string_value(v), json_string_length(v) + 1);
	return 0;
}

/* An optional frame dimension: absent is 0, otherwise an integer in [0, 65535] (JPEG's limit). */
static int
frame_dim(json_t *o, const char *name, int *out)
{
	json_t *v = json_object_get(o, name);

	*out = 0;
	if (v == NULL)
		return 0;
	if (!json_is_integer(v) || json_integer_value(v) < 0 || json_integer_value(v) > 65535)
		return -1;
	*out = (int)json_integer_value(v);
	return 0;
}

/* Fills x from an "exif" object; on a wrong type, *bad names the key. */
static int
exif_from_json(json_t *o, struct manifest_exif *x, const char **bad)
{
	static const struct {
		const char *name;
		size_t off;
	} reals[] = {
		{ "ExposureTime", offsetof(struct manifest_exif, exposure_time) },
		{ "FNumber", offsetof(struct manifest_exif, fnumber) },
		{ "FocalLength", offsetof(struct manifest_exif, focal_length) },
		{ "GPSLatitude", offsetof(struct manifest_exif, gps_latitude) },
		{ "GPSLongitude", offsetof(struct manifest_exif, gps_longitude) },
	};
	json_t *v;
	size_t i;

	memset(x, 0, sizeof(*x));
	if ((*bad = "Make", copy_str(o, *bad, x->make, sizeof(x->make), 0)) < 0 ||
	    (*bad = "Model", copy_str(o, *bad, x->model, sizeof(x->model), 0)) < 0 ||
	    (*bad = "LensModel", copy_str(o, *bad, x->lens_model, sizeof(x->lens_model), 0)) < 0 ||
	    (*bad = "DateTimeOriginal", copy_str(o, *bad, x->datetime_original,
	    sizeof(x->datetime_original), 0)) < 0)
		return -1;
	for (i = 0; i < sizeof(reals) / sizeof(reals[0]); i++) {
		v = json_object_get(o, reals[i].name);
		*bad = reals[i].name;
		if (v != NULL && !json_is_number(v))
			return -1;
		if (v != NULL)
			*(double *)((char *)x + reals[i].off) = json_number_value(v);
	}
	*bad = "Orientation";
	if ((v = json_object_get(o, *bad)) != NULL && (!json_is_integer(v) ||
	    json_integer_value(v) < 1 || json_integer_value(v) > 8))
		return -1;
	x->orientation = v ? (int)json_integer_value(v) : 0;
	*bad = "ISOSpeedRatings";
	if ((v = json_object_get(o, *bad)) != NULL && (!json_is_integer(v) ||
	    json_integer_value(v) < 0 || json_integer_value(v) > 65535))
		return -1;
	x->iso = v ? (int)json_integer_value(v) : 0;
	x->has_gps = json_object_get(o, "GPSLatitude") != NULL &&
	    json_object_get(o, "GPSLongitude") != NULL;
	return 0;
}

/* The next line of f that is not blank, in *line; its length, or 0 at the end of f. */
static ssize_t
next_line(FILE *f, unsigned long *lineno, char **line, size_t *cap)
{
	ssize_t n;

	do {
		if ((n = getline(line, cap, f)) < 0)
			return 0;
		(*lineno)++;
	} while (strspn(*line, " \t\r\n") == (size_t)n);
	return n;
}

/* Fills e from a line's object; on a missing or invalid field, *bad names it. */
static int
entry_from_json(json_t *o, struct manifest_entry *e, const char **bad)
{
	char kind[16];
	json_t *v, *x;
	int k;

	if ((*bad = "key", copy_str(o, *bad, e->key, sizeof(e->key), 1)) < 0 ||
	    e->key[0] == '\0' ||
	    (*bad = "sha256", copy_str(o, *bad, e->sha256, sizeof(e->sha256), 1)) < 0 ||
	    strlen(e->sha256) != DIGEST_HEX_LEN ||
	    strspn(e->sha256, "0123456789abcdef") != DIGEST_HEX_LEN ||
	    (*bad = "kind", copy_str(o, *bad, kind, sizeof(kind), 1)) < 0)
		return -1;
	for (k = 0; k < MANIFEST_NKINDS && strcmp(kind, kind_names[k]) != 0; k++)
		;
	if (k == MANIFEST_NKINDS)
		return -1;
	e->kind = (enum manifest_kind)k;
	v = json_object_get(o, *bad = "size");
	if (!json_is_integer(v) || json_integer_value(v) < 0)
		return -1;
	e->size = (uint64_t)json_integer_value(v);
	if ((*bad = "width", frame_dim(o, *bad, &e->width)) < 0 ||
	    (*bad = "height", frame_dim(o, *bad, &e->height)) < 0)
		return -1;
	x = json_object_get(o, *bad = "exif");
	if (x == NULL || json_is_null(x)) {
		e->has_exif = -1;
	} else if (!json_is_object(x)) {
		return -1;
	} else if (json_object_size(x) == 0) {
		e->has_exif = 0;
	} else {
		e->has_exif = 1;
		return exif_from_json(x, &e->exif, bad);
	}
	return 0;
}

int
manifest_read(FILE *f, const char *path, unsigned long *lineno, struct manifest_entry *e,
    char *err, size_t errlen)
{
	char *line = NULL;
	size_t cap = 0;
	ssize_t n;
	json_t *o;
	json_error_t jerr;
	const char *bad = NULL;
	int rc = -1;

	if (f == NULL || lineno == NULL || e == NULL || err == NULL)
		return -1;
	path = path ? path : "manifest";
	if ((n = next_line(f, lineno, &line, &cap)) == 0) {
		free(line);
		return 0;
	}
	memset(e, 0, sizeof(*e));
	o = json_loadb(line, (size_t)n, JSON_REJECT_DUPLICATES, &jerr);
	if (o == NULL || !json_is_object(o))
		snprintf(err, errlen, "%s:%lu: not a JSON object: %s", path, *lineno,
		    o ? "wrong type" : jerr.text);
	else if (entry_from_json(o, e, &bad) < 0)
		snprintf(err, errlen, "%s:%lu: key \"%s\" is missing or invalid", path, *lineno,
		    bad);
	else
		rc = 1;
	json_decref(o);
	free(line);
	return rc;
}
