/*
 * test_exif.c: unit tests of models/core/exif.c and exifjson.c, the EXIF step's two halves, mostly
 * against files no one on this project wrote. The oracle runs exif_extract on every JPEG of the
 * real-camera corpus (../shared/exif-corpus from the repository, or $EXIFBENCH_CORPUS) and
 * compares Make, Model, DateTimeOriginal, Orientation, ExposureTime, FNumber, ISO, FocalLength,
 * GPSLatitude and GPSLongitude with exiftool's values in expected.groups.json, only where exiftool
 * took them from the EXIF groups IFD0, ExifIFD, GPS or IFD1 (XMP, maker note and composite values
 * are not EXIF's); it prints how many were compared and agreed, what we report that exiftool has
 * not and what we miss, and wants 99% agreement. Every file of malformed/, and prefixes of one
 * corpus file's EXIF block (every length to 1 KiB, then every 13th), must give an object without
 * crash or leak (ASan, UBSan and valgrind run this test). Whole records of chosen corpus files are
 * checked key by key against tests/data/exif_records.jsonl. Hand-built EXIF blocks, in both byte
 * orders, cover what the corpus lacks: wrong formats, zero denominators, padded and Latin-1
 * strings, IFD fallbacks, GPS signs, and strings longer than a record holds (cut to EXIF_TEXT_MAX
 * without splitting a UTF-8 character). Everywhere exif_extract runs, its two steps run too:
 * exif_record_json of exif_read's record must print the same to the byte, and exif_read must count
 * its keys. The APP1 search is checked on hand-built JPEG headers; EXIF blocks written by
 * datasets/exifwrite.c must come back with the manifest's values; test_inval feeds NULL, empty,
 * random and header-only buffers, and records of garbage.
 */
#include "models/core/exif.c"
#include "models/core/exifjson.c"

#include <dirent.h>
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "../testutil.h"
#include "datasets/exifwrite.h"

#define CORPUS_DEFAULT "../shared/exif-corpus"
#define REL_TOL 1e-6		/* the oracle's tolerance for numbers */
#define RECORD_TOL 1e-12	/* ours against ours: only the printing rounds */
#define TIFF_MAX 4096
/* Prints a JSON value exactly, keys in order: what "the same to the byte" compares. */
#define DUMP_EXACT (JSON_COMPACT | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(17) | \
	JSON_ENCODE_ANY)

/* The oracle's fields: exiftool's tag name, and ours. */
static const struct {
	const char *tool, *ours;
} oracle_fields[] = {
	{ "Make", "Make" },
	{ "Model", "Model" },
	{ "DateTimeOriginal", "DateTimeOriginal" },
	{ "Orientation", "Orientation" },
	{ "ExposureTime", "ExposureTime" },
	{ "FNumber", "FNumber" },
	{ "ISO", "ISOSpeedRatings" },
	{ "FocalLength", "FocalLength" },
	{ "GPSLatitude", "GPSLatitude" },
	{ "GPSLongitude", "GPSLongitude" },
};

/* exiftool's EXIF groups, in the order our table looks (IFD1 only where IFD0 has nothing). */
static const char *const exif_groups[] = { "IFD0", "ExifIFD", "GPS", "IFD1" };

struct oracle_count {
	int compared, agreed, extra, missing;
};

/* One entry of a hand-built EXIF block: values by format, or bytes for ASCII and UNDEFINED. */
struct raw_tag {
	ExifIfd ifd;
	ExifTag tag;
	ExifFormat fmt;
	unsigned count;
	const char *bytes;	/* ASCII, UNDEFINED: count bytes, NULs included */
	uint32_t v[6];		/* the other formats: one per component; rationals: pairs */
};

/* Rows of block_cases: NUM(IFD, TAG, FORMAT, COUNT, values...), STR(IFD, TAG, FORMAT, COUNT, s). */
#define NUM(i, t, f, n, ...) \
	{ EXIF_IFD_##i, EXIF_TAG_##t, EXIF_FORMAT_##f, n, NULL, { __VA_ARGS__ } }
#define STR(i, t, f, n, s) { EXIF_IFD_##i, EXIF_TAG_##t, EXIF_FORMAT_##f, n, s, { 0 } }

#define NRAW 6

struct block_case {
	const char *name;
	struct raw_tag tags[NRAW];	/* ended by count 0 */
	const char *want;		/* the whole object, as JSON */
};

/* -2/3 as a SRATIONAL numerator, in a uint32_t. */
#define MINUS2 0xfffffffeu

static const struct block_case block_cases[] = {
	{ "Orientation as LONG", {
	    NUM(0, ORIENTATION, LONG, 1, 6) },
	    "{\"Orientation\": 6}" },
	{ "Orientation only in IFD1", {
	    NUM(1, ORIENTATION, SHORT, 1, 8) },
	    "{\"Orientation\": 8}" },
	{ "IFD0 before IFD1", {
	    NUM(0, ORIENTATION, SHORT, 1, 3),
	    NUM(1, ORIENTATION, SHORT, 1, 8),
	    STR(1, MAKE, ASCII, 6, "Thumb") },
	    "{\"Make\": \"Thumb\", \"Orientation\": 3}" },
	{ "IFD1 when IFD0's value is unusable", {
	    STR(0, MAKE, ASCII, 3, "  \0"),
	    STR(1, MAKE, ASCII, 6, "Canon") },
	    "{\"Make\": \"Canon\"}" },
	{ "EXIF IFD tags misplaced in IFD0", {
	    NUM(0, WHITE_BALANCE, SHORT, 1, 1),
	    NUM(0, FLASH, SHORT, 1, 9),
	    NUM(EXIF, FLASH, SHORT, 1, 16) },
	    "{\"Flash\": 16, \"WhiteBalance\": 1}" },
	{ "first of several components", {
	    NUM(EXIF, ISO_SPEED_RATINGS, SHORT, 2, 100, 200),
	    NUM(EXIF, FNUMBER, RATIONAL, 2, 28, 10, 4, 1) },
	    "{\"FNumber\": 2.8, \"ISOSpeedRatings\": 100}" },
	{ "zero denominators", {
	    NUM(EXIF, EXPOSURE_TIME, RATIONAL, 1, 1, 0),
	    NUM(EXIF, EXPOSURE_BIAS_VALUE, SRATIONAL, 1, 0, 0),
	    NUM(EXIF, FOCAL_LENGTH, RATIONAL, 1, 0, 1) },
	    "{\"FocalLength\": 0.0}" },
	{ "signed formats", {
	    NUM(EXIF, EXPOSURE_BIAS_VALUE, SRATIONAL, 1, MINUS2, 3),
	    NUM(EXIF, METERING_MODE, SSHORT, 1, 0xfffe),
	    NUM(EXIF, PIXEL_X_DIMENSION, SLONG, 1, 0xffffffffu),
	    NUM(EXIF, COLOR_SPACE, SBYTE, 1, 0xff),
	    NUM(EXIF, WHITE_BALANCE, BYTE, 1, 0xff) },
	    "{\"ExposureBiasValue\": -0.6666666666666666, \"MeteringMode\": -2, "
	    "\"PixelXDimension\": -1, \"ColorSpace\": -1, \"WhiteBalance\": 255}" },
	{ "unsigned LONG above 2^31", {
	    NUM(EXIF, PIXEL_Y_DIMENSION, LONG, 1, 0xffffffffu) },
	    "{\"PixelYDimension\": 4294967295}" },
	{ "strings: padding, NULs, no NUL, empty", {
	    STR(0, MAKE, ASCII, 12, "Canon  \0\0\0\0\0"),
	    STR(0, MODEL, ASCII, 3, "EOS"),
	    STR(0, SOFTWARE, ASCII, 4, "   \0"),
	    STR(0, ARTIST, ASCII, 4, "A\0B\0"),
	    STR(0, DATE_TIME, ASCII, 1, "\0"),
	    STR(EXIF, LENS_MODEL, ASCII, 8, " EF 50 \0") },
	    "{\"Make\": \"Canon\", \"Model\": \"EOS\", \"Artist\": \"A\", "
	    "\"LensModel\": \" EF 50\"}" },
	{ "Latin-1 and UTF-8 strings", {
	    STR(0, COPYRIGHT, ASCII, 6, "\xa9 Me\xe9\0"),
	    STR(0, ARTIST, ASCII, 4, "\xc3\xa9t\0") },
	    "{\"Artist\": \"\\u00e9t\", \"Copyright\": \"\\u00a9 Me\\u00e9\"}" },
	{ "wrong formats are left out", {
	    STR(EXIF, FNUMBER, ASCII, 4, "2.8\0"),
	    NUM(0, MAKE, SHORT, 1, 7),
	    STR(0, MODEL, UNDEFINED, 4, "EOS\0"),
	    STR(0, ORIENTATION, UNDEFINED, 2, "\0\1"),
	    NUM(GPS, GPS_LATITUDE, SHORT, 3, 10, 20, 30) },
	    "{}" },
	{ "GPS south, west, below sea level", {
	    STR(GPS, GPS_LATITUDE_REF, ASCII, 2, "S"),
	    NUM(GPS, GPS_LATITUDE, RATIONAL, 3, 33, 1, 51, 1, 3000, 100),
	    STR(GPS, GPS_LONGITUDE_REF, ASCII, 2, "W"),
	    NUM(GPS, GPS_LONGITUDE, RATIONAL, 3, 151, 1, 12, 1, 36, 10),
	    NUM(GPS, GPS_ALTITUDE_REF, BYTE, 1, 1),
	    NUM(GPS, GPS_ALTITUDE, RATIONAL, 1, 1234, 10) },
	    "{\"GPSLatitude\": -33.858333333333334, \"GPSLongitude\": -151.201, "
	    "\"GPSAltitude\": -123.4}" },
	{ "GPS north, no longitude ref, short arrays", {
	    STR(GPS, GPS_LATITUDE_REF, ASCII, 2, "N"),
	    NUM(GPS, GPS_LATITUDE, RATIONAL, 2, 10, 1, 30, 1),
	    NUM(GPS, GPS_LONGITUDE, RATIONAL, 1, 2505, 100),
	    NUM(GPS, GPS_ALTITUDE_REF, BYTE, 1, 0),
	    NUM(GPS, GPS_ALTITUDE, RATIONAL, 1, 5, 2) },
	    "{\"GPSLatitude\": 10.5, \"GPSLongitude\": 25.05, \"GPSAltitude\": 2.5}" },
	{ "GPS with a zero denominator", {
	    NUM(GPS, GPS_LATITUDE, RATIONAL, 3, 10, 1, 30, 1, 0, 0),
	    NUM(GPS, GPS_LONGITUDE, RATIONAL, 3, 0, 0, 0, 0, 0, 0),
	    NUM(GPS, GPS_ALTITUDE, RATIONAL, 1, 5, 0) },
	    "{}" },
	{ "GPS tags outside the GPS IFD are not GPS tags", {
	    NUM(0, GPS_LATITUDE, RATIONAL, 3, 10, 1, 30, 1, 0, 1) },
	    "{}" },
};

static const char *corpus_dir(void);
static json_t *extract_checked(const unsigned char *buf, size_t len);
static json_t *extract_file(const char *sub, const char *name, int *read_ok);
static int same_value(const json_t *got, const json_t *want, double tol);
static int check_record(const char *label, const json_t *got, const json_t *want, double tol);
static const json_t *oracle_value(const json_t *e, const char *tool, double *sign);
static int oracle_agrees(const json_t *want, double sign, const json_t *got);
static void oracle_file(const json_t *e, const json_t *got, struct oracle_count *n);
static size_t tiff_put(unsigned char *p, ExifByteOrder o, const struct raw_tag *t);
static size_t build_block(unsigned char *out, ExifByteOrder o, const struct raw_tag *tags);
static size_t pos_of(const unsigned char *buf, size_t len, size_t *bloblen);

static const char *
corpus_dir(void)
{
	const char *d = testutil_corpus_dir();

	return d != NULL ? d : CORPUS_DEFAULT;
}

/*
 * exif_extract(buf, len), checked against its two steps: exif_record_json of what exif_read
 * wrote over a record of garbage (so every field must be set) prints the same to the byte, and
 * exif_read returns the object's size; both fail alike.
 */
static json_t *
extract_checked(const unsigned char *buf, size_t len)
{
	struct exif_record rec;
	json_t *x, *y;
	char *a, *b;
	int n;

	memset(&rec, 0x5a, sizeof(rec));
	n = exif_read(buf, len, &rec);
	if ((x = exif_extract(buf, len)) == NULL) {
		assert_true(n < 0);
		return NULL;
	}
	assert_non_null(y = exif_record_json(&rec));
	assert_non_null(a = json_dumps(x, DUMP_EXACT));
	assert_non_null(b = json_dumps(y, DUMP_EXACT));
	if (strcmp(a, b) != 0)
		fail_msg("exif_extract %s, exif_record_json(exif_read) %s", a, b);
	assert_int_equal(n, json_object_size(x));
	free(a);
	free(b);
	json_decref(y);
	return x;
}

/* extract_checked of the corpus file sub/name; *read_ok says whether the file could be read. */
static json_t *
extract_file(const char *sub, const char *name, int *read_ok)
{
	char path[4096];
	unsigned char *buf;
	size_t len;
	json_t *x;

	snprintf(path, sizeof(path), "%s/%s/%s", corpus_dir(), sub, name);
	*read_ok = (buf = testutil_slurp(path, &len)) != NULL;
	if (!*read_ok)
		return NULL;
	x = extract_checked(buf, len);
	free(buf);
	return x;
}

/* Same type (integer, real, string) and value, reals within tol relative. */
static int
same_value(const json_t *got, const json_t *want, double tol)
{
	double a, b;

	if (json_typeof(got) != json_typeof(want))
		return 0;
	switch (json_typeof(want)) {
	case JSON_STRING: return json_equal(got, want);
	case JSON_INTEGER: return json_integer_value(got) == json_integer_value(want);
	case JSON_REAL:
		a = json_real_value(got);
		b = json_real_value(want);
		return a == b || fabs(a - b) <= tol * fmax(fabs(a), fabs(b));
	default: return 0;
	}
}

/* Prints each key got and want do not share, or hold different values. Returns that count. */
static int
check_record(const char *label, const json_t *got, const json_t *want, double tol)
{
	const char *k;
	json_t *v, *w;
	int bad = 0;
	char *g;

	json_object_foreach((json_t *)want, k, w) {
		if ((v = json_object_get(got, k)) == NULL || !same_value(v, w, tol)) {
			g = v != NULL ? json_dumps(v, JSON_ENCODE_ANY) : NULL;
			print_error("%s: %s is %s\n", label, k, g != NULL ? g : "missing");
			free(g);
			bad++;
		}
	}
	json_object_foreach((json_t *)got, k, v) {
		if (json_object_get(want, k) == NULL) {
			print_error("%s: unexpected %s\n", label, k);
			bad++;
		}
	}
	return bad;
}

/*
 * exiftool's value of tool from the first EXIF group that has it, or NULL; *sign is -1 when the
 * value is to be negated. GPS:GPSLatitude and GPS:GPSLongitude are unsigned in exiftool (the ref
 * is another tag); its Composite tag of the same name, made from the two, holds the sign. An
 * empty string is exiftool's "no value" (the rationals have zero denominators), which we leave
 * out too.
 */
static const json_t *
oracle_value(const json_t *e, const char *tool, double *sign)
{
	const json_t *v = NULL, *comp;
	char key[64];
	size_t i;

	*sign = 1;
	for (i = 0; i < sizeof(exif_groups) / sizeof(exif_groups[0]) && v == NULL; i++) {
		snprintf(key, sizeof(key), "%s:%s", exif_groups[i], tool);
		v = json_object_get(e, key);
	}
	if (v != NULL && json_is_string(v) && json_string_length(v) == 0)
		return NULL;
	snprintf(key, sizeof(key), "Composite:%s", tool);
	if (v != NULL && json_is_number(v) && strncmp(tool, "GPS", 3) == 0 &&
	    (comp = json_object_get(e, key)) != NULL && json_is_number(comp) &&
	    json_number_value(comp) < 0)
		*sign = -1;
	return v;
}

/*
 * Strings as strings, exiftool's with trailing spaces cut; a number of exiftool's against our
 * string when it turned a numeric-looking string into a number (Make "456"); numbers within
 * REL_TOL relative, integers and reals alike.
 */
static int
oracle_agrees(const json_t *want, double sign, const json_t *got)
{
	const char *s;
	char *end;
	double a, b;
	size_t n;

	if (json_is_string(want)) {
		s = json_string_value(want);
		n = json_string_length(want);
		while (n > 0 && s[n - 1] == ' ')
			n--;
		return json_is_string(got) && json_string_length(got) == n &&
		    memcmp(json_string_value(got), s, n) == 0;
	}
	if (!json_is_number(want))
		return 0;
	b = sign * json_number_value(want);
	if (json_is_string(got)) {
		a = strtod(json_string_value(got), &end);
		if (end == json_string_value(got) || *end != '\0')
			return 0;
	} else if (json_is_number(got)) {
		a = json_number_value(got);
	} else {
		return 0;
	}
	return a == b || fabs(a - b) <= REL_TOL * fmax(fabs(a), fabs(b));
}

static void
oracle_file(const json_t *e, const json_t *got, struct oracle_count *n)
{
	const char *file = json_string_value(json_object_get(e, "SourceFile"));
	const json_t *want, *ours;
	double sign;
	char *g, *w;
	size_t i;

	for (i = 0; i < sizeof(oracle_fields) / sizeof(oracle_fields[0]); i++) {
		want = oracle_value(e, oracle_fields[i].tool, &sign);
		ours = json_object_get(got, oracle_fields[i].ours);
		if (want == NULL && ours == NULL)
			continue;
		if (want == NULL || ours == NULL) {
			g = ours != NULL ? json_dumps(ours, JSON_ENCODE_ANY) : NULL;
			print_message("  %s %s: %s %s\n", want == NULL ? "extra" : "missing", file,
			    oracle_fields[i].ours, g != NULL ? g : "");
			free(g);
			n->extra += want == NULL;
			n->missing += ours == NULL;
			continue;
		}
		n->compared++;
		if (oracle_agrees(want, sign, ours)) {
			n->agreed++;
			continue;
		}
		g = json_dumps(ours, JSON_ENCODE_ANY);
		w = json_dumps(want, JSON_ENCODE_ANY);
		print_message("  differs %s: %s %s, exiftool %s%s\n", file,
		    oracle_fields[i].ours, g != NULL ? g : "?", sign < 0 ? "-" : "",
		    w != NULL ? w : "?");
		free(g);
		free(w);
	}
}

static void
test_oracle(void **state)
{
	struct oracle_count n = { 0, 0, 0, 0 };
	json_error_t jerr;
	json_t *expected, *e, *got;
	char path[4096];
	size_t i;
	int read_ok, unread = 0;

	(void)state;
	snprintf(path, sizeof(path), "%s/expected.groups.json", corpus_dir());
	if ((expected = json_load_file(path, 0, &jerr)) == NULL || !json_is_array(expected)) {
		print_error("%s: %s (set EXIFBENCH_CORPUS to the corpus folder)\n", path,
		    jerr.text);
		fail();
	}
	json_array_foreach(expected, i, e) {
		got = extract_file("jpeg", json_string_value(json_object_get(e, "SourceFile")),
		    &read_ok);
		unread += !read_ok;
		if (got != NULL)
			oracle_file(e, got, &n);
		else if (read_ok)
			fail_msg("exif_extract returned NULL");
		json_decref(got);
	}
	print_message("exif oracle: %zu files, %d values compared, %d agreed (%.2f%%); "
	    "%d extra (we have, exiftool's EXIF groups have not), %d missing\n",
	    json_array_size(expected), n.compared, n.agreed,
	    n.compared ? 100.0 * n.agreed / n.compared : 0.0, n.extra, n.missing);
	json_decref(expected);
	assert_int_equal(unread, 0);
	assert_true(n.compared >= 700);	/* the corpus has 728: not a vacuous pass */
	assert_true(100 * n.agreed >= 99 * n.compared);
	assert_true(100 * n.missing <= n.compared + n.missing);
}

static void
test_malformed(void **state)
{
	char path[4096];
	struct dirent *de;
	json_t *x;
	DIR *dp;
	int files = 0, read_ok;

	(void)state;
	snprintf(path, sizeof(path), "%s/malformed", corpus_dir());
	if ((dp = opendir(path)) == NULL) {
		print_error("%s: cannot open (set EXIFBENCH_CORPUS)\n", path);
		fail();
	}
	while ((de = readdir(dp)) != NULL) {
		if (de->d_name[0] == '.')
			continue;
		x = extract_file("malformed", de->d_name, &read_ok);
		if (!read_ok || !json_is_object(x))
			print_error("malformed/%s: %s\n", de->d_name, read_ok ? "no object" :
			    "unreadable");
		assert_true(read_ok && json_is_object(x));
		json_decref(x);
		files++;
	}
	closedir(dp);
	print_message("exif malformed: %d files, each gave an object\n", files);
	assert_true(files >= 80);
}

/* Prefixes of a corpus file's APP1 payload, as "Exif\0\0" blocks: IFDs and values cut anywhere. */
static void
test_truncated(void **state)
{
	char path[4096];
	unsigned char *buf, *cut;
	size_t len = 0, bloblen = 0, off, n;
	json_t *x;

	(void)state;
	snprintf(path, sizeof(path), "%s/jpeg/exif-samples__hdr__iphone_hdr_YES.jpg",
	    corpus_dir());
	assert_non_null(buf = testutil_slurp(path, &len));
	off = pos_of(buf, len, &bloblen);
	assert_true(off > 0 && bloblen > 1000);
	for (n = 0; n <= bloblen; n += n < 1024 ? 1 : 13) {
		/* A fresh copy of exactly n bytes, so ASan and valgrind see any overread. */
		assert_non_null(cut = malloc(n > 0 ? n : 1));
		memcpy(cut, buf + off, n);
		assert_non_null(x = extract_checked(cut, n));
		json_decref(x);
		free(cut);
	}
	free(buf);
}

static void
test_records(void **state)
{
	json_error_t jerr;
	json_t *line, *got;
	char path[4096], *text = NULL, *slash, label[64], file[1024];
	int lines = 0, bad = 0, read_ok, ln = 0;
	size_t cap = 0;
	FILE *f;

	(void)state;
	testutil_data_path(path, sizeof(path), "exif_records.jsonl");
	assert_non_null(f = fopen(path, "r"));
	while (getline(&text, &cap, f) > 0) {
		snprintf(label, sizeof(label), "exif_records.jsonl:%d", ++ln);
		if (text[0] == '#' || text[0] == '\n')
			continue;
		if ((line = json_loads(text, 0, &jerr)) == NULL) {
			print_error("%s: %s\n", label, jerr.text);
			fail();
		}
		snprintf(file, sizeof(file), "%s",
		    json_string_value(json_object_get(line, "file")));	/* "jpeg/NAME" */
		assert_non_null(slash = strchr(file, '/'));
		*slash = '\0';
		got = extract_file(file, slash + 1, &read_ok);
		assert_true(read_ok);
		assert_non_null(got);
		bad += check_record(label, got, json_object_get(line, "exif"), RECORD_TOL);
		json_decref(got);
		json_decref(line);
		lines++;
	}
	free(text);
	fclose(f);
	assert_true(lines >= 10);
	assert_int_equal(bad, 0);
}

/* Writes t's value at p in order o. Returns its size in bytes. */
static size_t
tiff_put(unsigned char *p, ExifByteOrder o, const struct raw_tag *t)
{
	size_t unit = exif_format_get_size(t->fmt), k;

	for (k = 0; k < t->count; k++) {
		switch (t->fmt) {
		case EXIF_FORMAT_ASCII:
		case EXIF_FORMAT_UNDEFINED: p[k] = (unsigned char)t->bytes[k]; break;
		case EXIF_FORMAT_BYTE:
		case EXIF_FORMAT_SBYTE: p[k] = (unsigned char)t->v[k]; break;
		case EXIF_FORMAT_SHORT:
		case EXIF_FORMAT_SSHORT: exif_set_short(p + 2 * k, o, (ExifShort)t->v[k]); break;
		case EXIF_FORMAT_RATIONAL:
		case EXIF_FORMAT_SRATIONAL:
			exif_set_long(p + 8 * k, o, t->v[2 * k]);
			exif_set_long(p + 8 * k + 4, o, t->v[2 * k + 1]);
			break;
		default: exif_set_long(p + 4 * k, o, t->v[k]); break;
		}
	}
	return unit * t->count;
}

/*
 * An "Exif\0\0" block holding tags: IFD0 (with pointers to the EXIF and GPS IFDs when they have
 * tags), then the EXIF IFD, the GPS IFD and IFD1, each followed by its values longer than 4
 * bytes. Returns its length.
 */
static size_t
build_block(unsigned char *out, ExifByteOrder o, const struct raw_tag *tags)
{
	static const ExifIfd order[] = { EXIF_IFD_0, EXIF_IFD_EXIF, EXIF_IFD_GPS, EXIF_IFD_1 };
	static const ExifTag ptr_tag[] = { 0, EXIF_TAG_EXIF_IFD_POINTER,
		EXIF_TAG_GPS_INFO_IFD_POINTER };
	unsigned char *t = out + 6;	/* TIFF offsets count from here */
	unsigned cnt[EXIF_IFD_COUNT] = { 0 }, at[EXIF_IFD_COUNT] = { 0 }, pos, data, e, k, i;
	unsigned char *ent;
	size_t sz;

	memcpy(out, "Exif\0\0", 6);
	memcpy(t, o == EXIF_BYTE_ORDER_INTEL ? "II" : "MM", 2);
	exif_set_short(t + 2, o, 42);
	exif_set_long(t + 4, o, 8);
	for (i = 0; i < NRAW && tags[i].count > 0; i++)
		cnt[tags[i].ifd]++;
	cnt[EXIF_IFD_0] += (cnt[EXIF_IFD_EXIF] > 0) + (cnt[EXIF_IFD_GPS] > 0);
	pos = 8;
	for (k = 0; k < 4; k++) {
		if (order[k] != EXIF_IFD_0 && cnt[order[k]] == 0)
			continue;
		at[order[k]] = pos;
		exif_set_short(t + pos, o, (ExifShort)cnt[order[k]]);
		data = pos + 2 + 12 * cnt[order[k]] + 4;
		exif_set_long(t + data - 4, o, 0);	/* next IFD: patched for IFD0 below */
		ent = t + pos + 2;
		for (i = 0; i < NRAW && tags[i].count > 0; i++) {
			if (tags[i].ifd != order[k])
				continue;
			exif_set_short(ent, o, tags[i].tag);
			exif_set_short(ent + 2, o, tags[i].fmt);
			exif_set_long(ent + 4, o, tags[i].count);
			memset(ent + 8, 0, 4);
			sz = exif_format_get_size(tags[i].fmt) * tags[i].count;
			if (sz <= 4) {
				tiff_put(ent + 8, o, &tags[i]);
			} else {
				exif_set_long(ent + 8, o, data);
				data += (unsigned)tiff_put(t + data, o, &tags[i]);
				data += data & 1;
			}
			ent += 12;
		}
		if (order[k] == EXIF_IFD_0)	/* room for the pointers, filled in below */
			for (e = 1; e <= 2; e++)
				if (cnt[order[e]] > 0) {
					exif_set_short(ent, o, ptr_tag[e]);
					exif_set_short(ent + 2, o, EXIF_FORMAT_LONG);
					exif_set_long(ent + 4, o, 1);
					ent += 12;
				}
		pos = data;
		assert_true(pos < TIFF_MAX - 6);
	}
	/* The pointers are the last entries of IFD0, in the order EXIF, GPS. */
	ent = t + at[EXIF_IFD_0] + 2 + 12 * cnt[EXIF_IFD_0];
	for (e = 2; e >= 1; e--)
		if (cnt[order[e]] > 0) {
			ent -= 12;
			exif_set_long(ent + 8, o, at[order[e]]);
		}
	if (cnt[EXIF_IFD_1] > 0)
		exif_set_long(t + at[EXIF_IFD_0] + 2 + 12 * cnt[EXIF_IFD_0], o, at[EXIF_IFD_1]);
	return 6 + pos;
}

static void
test_blocks(void **state)
{
	static const ExifByteOrder orders[] = { EXIF_BYTE_ORDER_INTEL, EXIF_BYTE_ORDER_MOTOROLA };
	unsigned char *blk;
	json_error_t jerr;
	json_t *got, *want;
	char label[128];
	size_t i, j, len;
	int bad = 0;

	(void)state;
	for (i = 0; i < sizeof(block_cases) / sizeof(block_cases[0]); i++) {
		want = json_loads(block_cases[i].want, 0, &jerr);
		if (want == NULL)
			fail_msg("%s: %s", block_cases[i].name, jerr.text);
		for (j = 0; j < 2; j++) {
			assert_non_null(blk = calloc(1, TIFF_MAX));
			len = build_block(blk, orders[j], block_cases[i].tags);
			snprintf(label, sizeof(label), "%s (%s)", block_cases[i].name,
			    j == 0 ? "II" : "MM");
			assert_non_null(got = extract_checked(blk, len));
			bad += check_record(label, got, want, RECORD_TOL);
			json_decref(got);
			free(blk);
		}
		json_decref(want);
	}
	assert_int_equal(bad, 0);
}

/*
 * Artist strings longer than a record holds, without a NUL: what exif_read keeps (the first
 * want bytes), and the JSON string's length (the same bytes when they are UTF-8).
 */
static void
test_long_text(void **state)
{
	static const struct {
		const char *name, *head, *unit, *tail;
		size_t units, want, want_json;
	} cases[] = {
		{ "ASCII", "", "a", "", 300, EXIF_TEXT_MAX, EXIF_TEXT_MAX },
		{ "exactly EXIF_TEXT_MAX", "", "a", "", EXIF_TEXT_MAX, EXIF_TEXT_MAX,
		    EXIF_TEXT_MAX },
		{ "one byte over", "", "b", "", EXIF_TEXT_MAX + 1, EXIF_TEXT_MAX, EXIF_TEXT_MAX },
		{ "2-byte UTF-8 across the cut", "a", "\xc3\xa9", "", 150, EXIF_TEXT_MAX - 1,
		    EXIF_TEXT_MAX - 1 },
		{ "4-byte UTF-8 across the cut", "ab", "\xf0\x9f\x98\x80", "", 40,
		    EXIF_TEXT_MAX - 2, EXIF_TEXT_MAX - 2 },
		{ "4-byte UTF-8 ending at the cut", "", "\xf0\x9f\x98\x80", "", 40, EXIF_TEXT_MAX,
		    EXIF_TEXT_MAX },
		{ "Latin-1", "", "\xa9", "", 200, EXIF_TEXT_MAX, 2 * EXIF_TEXT_MAX },
		{ "spaces at the cut", "x", " ", "y", 200, 1, 1 },
	};
	struct raw_tag tags[NRAW] = { { 0 } };
	struct exif_record rec;
	const struct exif_value *v;
	const json_t *js;
	unsigned char *blk;
	char text[1024];
	json_t *got;
	size_t i, k, n, len;

	(void)state;
	v = &rec.field[EXIF_FIELD_ARTIST];
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		n = (size_t)snprintf(text, sizeof(text), "%s", cases[i].head);
		for (k = 0; k < cases[i].units; k++)
			n += (size_t)snprintf(text + n, sizeof(text) - n, "%s", cases[i].unit);
		n += (size_t)snprintf(text + n, sizeof(text) - n, "%s", cases[i].tail);
		assert_true(n < sizeof(text));
		tags[0] = (struct raw_tag){ EXIF_IFD_0, EXIF_TAG_ARTIST, EXIF_FORMAT_ASCII,
		    (unsigned)n, text, { 0 } };
		assert_non_null(blk = calloc(1, TIFF_MAX));
		len = build_block(blk, EXIF_BYTE_ORDER_INTEL, tags);
		memset(&rec, 0x5a, sizeof(rec));
		assert_int_equal(exif_read(blk, len, &rec), 1);
		if (v->type != EXIF_VALUE_TEXT || v->text.len != cases[i].want ||
		    memcmp(v->text.s, text, cases[i].want) != 0 || v->text.s[v->text.len] != '\0')
			fail_msg("%s: kept %zu bytes, want %zu", cases[i].name, v->text.len,
			    cases[i].want);
		assert_non_null(got = extract_checked(blk, len));
		assert_non_null(js = json_object_get(got, "Artist"));
		if (json_string_length(js) != cases[i].want_json || (cases[i].want_json ==
		    cases[i].want && memcmp(json_string_value(js), text, cases[i].want) != 0))
			fail_msg("%s: JSON string of %zu bytes, want %zu", cases[i].name,
			    json_string_length(js), cases[i].want_json);
		json_decref(got);
		free(blk);
	}
}

/* Where find_exif puts the block in buf: its offset (0 when none, or buf itself). */
static size_t
pos_of(const unsigned char *buf, size_t len, size_t *bloblen)
{
	const unsigned char *p = find_exif(buf, len, bloblen);

	return p != NULL ? (size_t)(p - buf) : 0;
}

/* Hand-made JPEG heads: where the APP1 search finds the block, and how long it says it is. */
static void
test_find_exif(void **state)
{
	static const struct {
		const char *name;
		const char *bytes;
		size_t len, want_off, want_len;
	} cases[] = {
		{ "APP0 then APP1", "\xff\xd8\xff\xe0\0\4ab\xff\xe1\0\x0a" "Exif\0\0II\xff\xd9",
		    22, 12, 8 },
		{ "COM and DQT before APP1 (libexif alone stops there)",
		    "\xff\xd8\xff\xfe\0\3c\xff\xdb\0\2\xff\xe1\0\x0a" "Exif\0\0II", 23, 15, 8 },
		{ "XMP APP1 first", "\xff\xd8\xff\xe1\0\6XMP\0\xff\xe1\0\x09" "Exif\0\0M",
		    21, 14, 7 },
		{ "fill bytes and RSTn", "\xff\xd8\xff\xff\xff\xd0\xff\xe1\0\x08" "Exif\0\0",
		    16, 10, 6 },
		{ "APP1 cut short by the end of the file", "\xff\xd8\xff\xe1\x10\0" "Exif\0\0II*",
		    15, 6, 9 },
		{ "Exif block without JPEG", "Exif\0\0MM\0*", 10, 0, 10 },
		{ "SOS before any APP1", "\xff\xd8\xff\xda\0\2\xff\xe1\0\x08" "Exif\0\0", 16, 0,
		    0 },
		{ "garbage where a marker must be", "\xff\xd8\x00\xe1\0\x08" "Exif\0\0", 12, 0, 0 },
		{ "segment length below 2", "\xff\xd8\xff\xe1\0\1" "Exif\0\0", 12, 0, 0 },
		{ "APP1 too short for the header", "\xff\xd8\xff\xe1\0\5" "Exif\0\0", 12, 0, 0 },
		{ "not a JPEG", "GIF89a", 6, 0, 0 },
		{ "SOI alone", "\xff\xd8", 2, 0, 0 },
	};
	unsigned char *buf;
	size_t i, off, bloblen;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		assert_non_null(buf = malloc(cases[i].len));
		memcpy(buf, cases[i].bytes, cases[i].len);
		bloblen = 0;
		off = pos_of(buf, cases[i].len, &bloblen);
		if (off != cases[i].want_off || (cases[i].want_len > 0 && bloblen !=
		    cases[i].want_len) || (off == 0 && cases[i].want_len > 0 &&
		    find_exif(buf, cases[i].len, &bloblen) != buf))
			fail_msg("%s: offset %zu length %zu, want %zu %zu", cases[i].name, off,
			    bloblen, cases[i].want_off, cases[i].want_len);
		if (cases[i].want_len == 0)
			assert_null(find_exif(buf, cases[i].len, &bloblen));
		free(buf);
	}
}

/* A block from datasets/exifwrite.c, in a JPEG head with a COM first, reads back as written. */
static void
test_exifwrite_roundtrip(void **state)
{
	struct manifest_exif x = {
		"Canon", "Canon EOS 80D", "", "2021:06:01 12:34:56",
		6, 1.0 / 250, 5.6, 35, 400, 1, -33.8583333, 151.2, };
	const struct exifwrite_rationals r = { { 1, 250 }, { 56, 10 }, { 35, 1 },
		{ { 33, 1 }, { 51, 1 }, { 30, 1 } }, { { 151, 1 }, { 12, 1 }, { 0, 1 } } };
	unsigned char *blk, *jpg;
	json_t *got, *want, *more;
	size_t len;
	int be, gps;

	(void)state;
	for (gps = 0; gps <= 1; gps++) {
		x.has_gps = gps;
		snprintf(x.lens_model, sizeof(x.lens_model), "%s", gps ? "EF-S18-135mm" : "");
		for (be = 0; be <= 1; be++) {
			assert_int_equal(exifwrite_build(&x, &r, be, &blk, &len), 0);
			assert_non_null(jpg = malloc(len + 13));
			memcpy(jpg, "\xff\xd8\xff\xfe\0\3c\xff\xe1", 9);
			jpg[9] = (unsigned char)((len + 2) >> 8);
			jpg[10] = (unsigned char)(len + 2);
			memcpy(jpg + 11, blk, len);
			memcpy(jpg + 11 + len, "\xff\xd9", 2);
			assert_non_null(got = extract_checked(jpg, len + 13));
			want = json_pack("{s:s, s:s, s:i, s:s, s:s, s:s, s:f, s:f, s:i, s:f}",
			    "Make", x.make, "Model", x.model, "Orientation", x.orientation,
			    "Software", "exifbench dataset gen", "DateTime", x.datetime_original,
			    "DateTimeOriginal", x.datetime_original, "ExposureTime", 1.0 / 250,
			    "FNumber", 5.6, "ISOSpeedRatings", x.iso, "FocalLength", 35.0);
			assert_non_null(want);
			if (gps) {
				more = json_pack("{s:s, s:f, s:f}", "LensModel", x.lens_model,
				    "GPSLatitude", -(33 + 51 / 60.0 + 30 / 3600.0), "GPSLongitude",
				    151.2);
				assert_int_equal(json_object_update(want, more), 0);
				json_decref(more);
			}
			assert_int_equal(check_record(be ? "exifwrite MM" : "exifwrite II", got,
			    want, RECORD_TOL), 0);
			json_decref(want);
			json_decref(got);
			free(jpg);
			free(blk);
		}
	}
}

static void
test_inval(void **state)
{
	static const struct {
		const char *name;
		const char *bytes;
		size_t len;
	} cases[] = {
		{ "header only", "Exif\0\0", 6 },
		{ "header and garbage", "Exif\0\0garbage-garbage-garbage", 29 },
		{ "bad byte order", "Exif\0\0IM*\0\x08\0\0\0", 14 },
		{ "bad magic", "Exif\0\0II+\0\x08\0\0\0", 14 },
		{ "IFD0 past the end", "Exif\0\0II*\0\xff\xff\0\0", 14 },
		{ "entry count past the end", "Exif\0\0II*\0\x08\0\0\0\xff\xff", 16 },
		{ "IFD0 pointing at itself", "Exif\0\0MM\0*\0\0\0\x08\0\1\x87\x69\0\4\0\0\0\1"
		    "\0\0\0\x08\0\0\0\0", 32 },
		{ "JPEG with no EXIF", "\xff\xd8\xff\xe0\0\4ab\xff\xd9", 10 },
	};
	unsigned char noise[4096], *buf;
	struct exif_record rec;
	uint32_t seed = 12345;
	json_t *x;
	size_t i, j;

	(void)state;
	assert_null(extract_checked(NULL, 1));
	memset(&rec, 0x5a, sizeof(rec));
	assert_int_equal(exif_read(NULL, 1, &rec), -1);
	for (i = 0; i < EXIF_NFIELDS; i++)
		assert_int_equal(rec.field[i].type, EXIF_VALUE_NONE);
	assert_int_equal(exif_read(noise, sizeof(noise), NULL), -1);
	x = extract_checked(NULL, 0);
	assert_true(json_is_object(x) && json_object_size(x) == 0);
	json_decref(x);
	assert_non_null(buf = malloc(1));
	x = extract_checked(buf, 0);
	assert_true(json_is_object(x) && json_object_size(x) == 0);
	json_decref(x);
	free(buf);
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		assert_non_null(buf = malloc(cases[i].len));
		memcpy(buf, cases[i].bytes, cases[i].len);
		x = extract_checked(buf, cases[i].len);
		if (!json_is_object(x) || json_object_size(x) != 0)
			fail_msg("%s: not an empty object", cases[i].name);
		json_decref(x);
		free(buf);
	}
	/* Random bytes, bare and behind a valid header: no crash, an object. */
	for (i = 0; i < 200; i++) {
		for (j = 0; j < sizeof(noise); j++) {
			seed = seed * 1103515245u + 12345u;
			noise[j] = (unsigned char)(seed >> 16);
		}
		if (i % 2)
			memcpy(noise, i % 4 == 1 ? "Exif\0\0II*\0\x08\0\0\0" :
			    "Exif\0\0MM\0*\0\0\0\x08", 14);
		x = extract_checked(noise, sizeof(noise));
		assert_true(json_is_object(x));
		json_decref(x);
	}
}

/*
 * Records exif_read never writes: unknown types, text lengths past the buffer, NaN and infinite
 * reals. exif_record_json must give an object of the rest, reading only inside the record.
 */
static void
test_record_inval(void **state)
{
	struct exif_record rec;
	const json_t *v;
	json_t *x;
	size_t i, want = 0;

	(void)state;
	assert_null(exif_record_json(NULL));
	memset(&rec, 0, sizeof(rec));
	assert_non_null(x = exif_record_json(&rec));
	assert_int_equal(json_object_size(x), 0);
	json_decref(x);
	memset(&rec, 0xab, sizeof(rec));	/* text.len past EXIF_TEXT_MAX, s not UTF-8 */
	for (i = 0; i < EXIF_NFIELDS; i++) {
		rec.field[i].type = (enum exif_type)(i % 5);	/* NONE, INT, REAL, TEXT, unknown */
		if (i % 10 == 7)	/* every other REAL */
			rec.field[i].r = i % 20 == 7 ? NAN : INFINITY;
		want += i % 5 == 1 || i % 5 == 3 || (i % 5 == 2 && i % 10 != 7);
	}
	assert_non_null(x = exif_record_json(&rec));
	assert_int_equal(json_object_size(x), want);
	for (i = 3; i < EXIF_NFIELDS; i += 5) {	/* TEXT: cut, and read as Latin-1 */
		assert_non_null(v = json_object_get(x, field_names[i]));
		assert_int_equal(json_string_length(v), 2 * EXIF_TEXT_MAX);
	}
	json_decref(x);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_oracle),
		cmocka_unit_test(test_malformed),
		cmocka_unit_test(test_truncated),
		cmocka_unit_test(test_records),
		cmocka_unit_test(test_blocks),
		cmocka_unit_test(test_long_text),
		cmocka_unit_test(test_find_exif),
		cmocka_unit_test(test_exifwrite_roundtrip),
		cmocka_unit_test(test_inval),
		cmocka_unit_test(test_record_inval),
	};

	return cmocka_run_group_tests_name("exif", tests, NULL, NULL) != 0;
}
