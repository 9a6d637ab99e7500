/*
 * test_manifest.c: unit tests of datasets/manifest.c, the JSON Lines manifest. Entries of every
 * kind (ok with full EXIF and negative GPS coordinates, ok without GPS or lens, noexif, corrupt,
 * truncated, fields at their maximum lengths, keys with spaces, parentheses, quotes, backslashes
 * and non-ASCII UTF-8) are written to a file, with blank lines between them, and read back: every
 * field must come back equal, doubles bit for bit (they are written with 17 significant digits),
 * line numbers must count the blank lines, and the end gives 0 for good. Two lines are checked
 * byte for byte ("exif":{} for noexif, "exif":null for corrupt, keys in a fixed order). The bad
 * lines come from tests/data/manifest_bad.jsonl: its first line holds a good entry ("base") and
 * each further line one case, either a raw line or the base with keys set or deleted; every case
 * is written to one manifest, each followed by the base line, and must give -1 with an error
 * that starts with "PATH:LINE: " and contains the case's "want" strings (the key at fault), while
 * the good line after it still reads. Keys longer than 1024 bytes, lines written in other ways
 * (spaces, escapes, CRLF, unknown keys, no "exif"), manifest_kind_name for every kind and out of
 * range, and NULL or bad arguments to every function (test_inval) are checked as well.
 */
#include "datasets/manifest.c"

#include <errno.h>
#include <ftw.h>
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "../testutil.h"

#define SHA_A "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
#define SHA_B "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"
#define NEG_ZERO (-0.0)

struct fixture {
	char dir[64]; /* mkdtemp folder, removed by teardown */
	int made; /* dir exists */
	char path[128]; /* dir/manifest.jsonl */
	FILE *f;
};

static int
setup(void **state)
{
	struct fixture *fx;

	if ((fx = calloc(1, sizeof(*fx))) == NULL)
		return -1;
	*state = fx;
	if (testutil_tmpdir(fx->dir, sizeof(fx->dir), "test_manifest") < 0)
		return -1;
	fx->made = 1;
	snprintf(fx->path, sizeof(fx->path), "%s/%s", fx->dir, MANIFEST_NAME);
	return 0;
}

static int
teardown(void **state)
{
	struct fixture *fx = *state;
	int rc = 0;

	if (fx == NULL)
		return 0;
	if (fx->f != NULL)
		fclose(fx->f);
	if (fx->made)
		rc = testutil_rmtree(fx->dir);
	free(fx);
	return rc;
}

/* Opens the fixture's manifest for writing (truncating) or for reading. */
static FILE *
open_manifest(struct fixture *fx, const char *mode)
{
	if (fx->f != NULL)
		fclose(fx->f);
	fx->f = fopen(fx->path, mode);
	assert_non_null(fx->f);
	return fx->f;
}

static void
close_manifest(struct fixture *fx)
{
	assert_int_equal(fclose(fx->f), 0);
	fx->f = NULL;
}

static void
write_text(FILE *f, const char *s)
{
	assert_int_equal(fputs(s, f) >= 0, 1);
}

/* got must equal want field by field; the EXIF block only where want has one. */
static void
assert_entry_equal(const struct manifest_entry *got, const struct manifest_entry *want)
{
	static const struct manifest_exif zero;

	assert_string_equal(got->key, want->key);
	assert_true(got->size == want->size);
	assert_string_equal(got->sha256, want->sha256);
	assert_int_equal(got->kind, want->kind);
	assert_int_equal(got->width, want->width);
	assert_int_equal(got->height, want->height);
	assert_int_equal(got->has_exif, want->has_exif);
	if (want->has_exif <= 0) {
		assert_memory_equal(&got->exif, &zero, sizeof(zero));
		return;
	}
	assert_string_equal(got->exif.make, want->exif.make);
	assert_string_equal(got->exif.model, want->exif.model);
	assert_string_equal(got->exif.lens_model, want->exif.lens_model);
	assert_string_equal(got->exif.datetime_original, want->exif.datetime_original);
	assert_int_equal(got->exif.orientation, want->exif.orientation);
	assert_double_same(got->exif.exposure_time, want->exif.exposure_time);
	assert_double_same(got->exif.fnumber, want->exif.fnumber);
	assert_double_same(got->exif.focal_length, want->exif.focal_length);
	assert_int_equal(got->exif.iso, want->exif.iso);
	assert_int_equal(got->exif.has_gps, want->exif.has_gps);
	assert_double_same(got->exif.gps_latitude, want->exif.gps_latitude);
	assert_double_same(got->exif.gps_longitude, want->exif.gps_longitude);
}

static void
set_exif(struct manifest_entry *e, const char *make, const char *model, const char *lens,
    const char *dt, int orientation, double exposure, double fnumber, double focal, int iso)
{
	e->has_exif = 1;
	snprintf(e->exif.make, sizeof(e->exif.make), "%s", make);
	snprintf(e->exif.model, sizeof(e->exif.model), "%s", model);
	snprintf(e->exif.lens_model, sizeof(e->exif.lens_model), "%s", lens);
	snprintf(e->exif.datetime_original, sizeof(e->exif.datetime_original), "%s", dt);
	e->exif.orientation = orientation;
	e->exif.exposure_time = exposure;
	e->exif.fnumber = fnumber;
	e->exif.focal_length = focal;
	e->exif.iso = iso;
}

static void
set_gps(struct manifest_entry *e, double lat, double lon)
{
	e->exif.has_gps = 1;
	e->exif.gps_latitude = lat;
	e->exif.gps_longitude = lon;
}

static void
set_head(struct manifest_entry *e, const char *key, uint64_t size, const char *sha,
    enum manifest_kind kind, int w, int h)
{
	memset(e, 0, sizeof(*e));
	snprintf(e->key, sizeof(e->key), "%s", key);
	e->size = size;
	snprintf(e->sha256, sizeof(e->sha256), "%s", sha);
	e->kind = kind;
	e->width = w;
	e->height = h;
}

enum { NROUND = 9 };

/* The round-trip entries: every kind, awkward keys, awkward doubles, fields at their limits. */
static void
make_entries(struct manifest_entry *v)
{
	/* ok, full EXIF, GPS south and west, a key with spaces and parentheses */
	set_head(&v[0], "metadata-extractor-images__Canon PowerShot G2 (1).jpg", 18734, SHA_A,
	    MANIFEST_OK, 640, 480);
	set_exif(&v[0], "NIKON CORPORATION", "NIKON D750", "24.0-120.0 mm f/4.0",
	    "2019:07:14 09:03:27", 8, 1.0 / 3.0, 5.6, 24.1, 12800);
	set_gps(&v[0], -33.865143000000003, -151.20990000000001);

	/* ok without GPS or lens, quotes, a backslash and a slash in the key */
	set_head(&v[1], "dir/a \"quoted\" \\ name.jpg", 1, SHA_B, MANIFEST_OK, 480, 640);
	set_exif(&v[1], "samsung", "SM-G991B", "", "2012:01:01 00:00:00", 1, 2.5, 1.8, 5.4, 50);

	/* ok with GPS north and east, a non-ASCII UTF-8 key (café/日本 📷.jpg) */
	set_head(&v[2], "caf\xc3\xa9/\xe6\x97\xa5\xe6\x9c\xac \xf0\x9f\x93\xb7.jpg", 99999, SHA_A,
	    MANIFEST_OK, 320, 213);
	set_exif(&v[2], "Apple", "iPhone 12 Pro", "iPhone 12 Pro back triple camera 4.2mm f/1.6",
	    "2023:12:31 23:59:59", 6, 1.0 / 4000.0, 1.6, 4.2, 32);
	set_gps(&v[2], 79.999997222222219, 0.1);

	/* noexif: "exif":{} */
	set_head(&v[3], "IMG_00003.jpg", 5000, SHA_B, MANIFEST_NOEXIF, 512, 384);

	/* corrupt: "exif":null */
	set_head(&v[4], "IMG_00004.jpg", 6000, SHA_A, MANIFEST_CORRUPT, 560, 420);
	v[4].has_exif = -1;

	/* truncated: EXIF intact */
	set_head(&v[5], "IMG_00005.jpg", 2345, SHA_B, MANIFEST_TRUNCATED, 400, 300);
	set_exif(
	    &v[5], "FUJIFILM", "X100V", "", "2016:02:29 12:00:00", 3, 1.0 / 60.0, 2.0, 23.0, 200);
	set_gps(&v[5], -0.5, 179.99999999999997);

	/* fields at their limits: a 1024-byte key, strings one short of their fields */
	set_head(&v[6], "", UINT64_C(1) << 40, SHA_A, MANIFEST_OK, 65535, 65535);
	memset(v[6].key, 'k', MANIFEST_KEY_MAX);
	v[6].key[MANIFEST_KEY_MAX] = '\0';
	set_exif(&v[6], "", "", "", "", 7, 0.1, 22.0, 539.0, 65535);
	memset(v[6].exif.make, 'M', sizeof(v[6].exif.make) - 1);
	memset(v[6].exif.model, 'm', sizeof(v[6].exif.model) - 1);
	memset(v[6].exif.lens_model, 'L', sizeof(v[6].exif.lens_model) - 1);
	memcpy(v[6].exif.datetime_original, "2020:02:02 02:02:02", 19);
	set_gps(&v[6], -79.999999999999986, -179.98333333333335);

	/* GPS at minus zero keeps its sign; size 0 */
	set_head(&v[7], "zero.jpg", 0, SHA_B, MANIFEST_OK, 1, 1);
	set_exif(&v[7], "GoPro", "HERO9 Black", "", "2018:06:06 06:06:06", 2, 1.0, 14.0, 3.0, 100);
	set_gps(&v[7], NEG_ZERO, NEG_ZERO);

	/* noexif with an awkward key: tab and control characters are escaped and come back */
	set_head(&v[8], "tab\there\x01\x1f end.jpg", 7, SHA_A, MANIFEST_NOEXIF, 2, 3);
}

static void
test_kind_name(void **state)
{
	assert_string_equal(manifest_kind_name(MANIFEST_OK), "ok");
	assert_string_equal(manifest_kind_name(MANIFEST_NOEXIF), "noexif");
	assert_string_equal(manifest_kind_name(MANIFEST_TRUNCATED), "truncated");
	assert_string_equal(manifest_kind_name(MANIFEST_CORRUPT), "corrupt");
	assert_null(manifest_kind_name(MANIFEST_NKINDS));
	assert_null(manifest_kind_name((enum manifest_kind)(MANIFEST_NKINDS + 1)));
	assert_null(manifest_kind_name((enum manifest_kind)(-1)));
	assert_null(manifest_kind_name((enum manifest_kind)1000000));
}

/* Writes every entry with blank lines around them, reads them back with their line numbers. */
static void
test_roundtrip(void **state)
{
	struct fixture *fx = *state;
	struct manifest_entry in[NROUND], got;
	unsigned long lineno = 0, want_line[NROUND], line = 0;
	char err[256];
	FILE *f;
	int i;

	make_entries(in);
	f = open_manifest(fx, "w");
	write_text(f, "\n");
	line++;
	for (i = 0; i < NROUND; i++) {
		assert_int_equal(manifest_write(f, &in[i]), 0);
		want_line[i] = ++line;
		if (i % 3 == 1) {
			write_text(f, "\n\n");
			line += 2;
		}
	}
	write_text(f, "\n");
	close_manifest(fx);

	f = open_manifest(fx, "r");
	for (i = 0; i < NROUND; i++) {
		memset(&got, 0xa5, sizeof(got));
		err[0] = '\0';
		assert_int_equal(manifest_read(f, fx->path, &lineno, &got, err, sizeof(err)), 1);
		assert_string_equal(err, "");
		assert_int_equal(lineno, want_line[i]);
		assert_entry_equal(&got, &in[i]);
		/* the sign of -0.0 survives (assert_double_same compares bits too) */
		if (i == 7)
			assert_true(signbit(got.exif.gps_latitude));
	}
	assert_int_equal(manifest_read(f, fx->path, &lineno, &got, err, sizeof(err)), 0);
	assert_int_equal(lineno, line + 1);
	assert_int_equal(manifest_read(f, fx->path, &lineno, &got, err, sizeof(err)), 0);
	assert_int_equal(lineno, line + 1);
}

/* Two lines byte for byte: key order, compact form, "exif":null and "exif":{}. */
static void
test_write_exact(void **state)
{
	struct fixture *fx = *state;
	struct manifest_entry e;
	char *text;
	FILE *f;

	f = open_manifest(fx, "w");
	set_head(&e, "IMG_00004.jpg", 6000, SHA_A, MANIFEST_CORRUPT, 560, 420);
	e.has_exif = -1;
	/* values under a has_exif of -1 or 0 are not written */
	e.exif.orientation = 3;
	assert_int_equal(manifest_write(f, &e), 0);
	e.kind = MANIFEST_NOEXIF;
	e.has_exif = 0;
	assert_int_equal(manifest_write(f, &e), 0);
	set_head(&e, "a \"b\".jpg", 18734, SHA_B, MANIFEST_OK, 640, 480);
	set_exif(&e, "Canon", "Canon EOS 80D", "EF-S18-135mm f/3.5-5.6 IS USM",
	    "2019:07:14 09:03:27", 8, 0.004, 5.6, 35.0, 400);
	set_gps(&e, -33.5, 151.25);
	assert_int_equal(manifest_write(f, &e), 0);
	set_head(&e, "IMG_00009.jpg", 10, SHA_A, MANIFEST_TRUNCATED, 3, 2);
	set_exif(&e, "SONY", "DSC-RX100M5A", "", "2015:05:05 05:05:05", 1, 0.5, 2.8, 9.0, 125);
	assert_int_equal(manifest_write(f, &e), 0);
	close_manifest(fx);
	assert_non_null(text = testutil_slurp(fx->path, NULL));
	assert_string_equal(text,
	    "{\"key\":\"IMG_00004.jpg\",\"size\":6000,\"sha256\":\"" SHA_A "\",\"kind\":"
	    "\"corrupt\",\"width\":560,\"height\":420,\"exif\":null}\n"
	    "{\"key\":\"IMG_00004.jpg\",\"size\":6000,\"sha256\":\"" SHA_A "\",\"kind\":"
	    "\"noexif\",\"width\":560,\"height\":420,\"exif\":{}}\n"
	    "{\"key\":\"a \\\"b\\\".jpg\",\"size\":18734,\"sha256\":\"" SHA_B "\",\"kind\":\"ok\","
	    "\"width\":640,\"height\":480,\"exif\":{\"Make\":\"Canon\",\"Model\":"
	    "\"Canon EOS 80D\",\"LensModel\":\"EF-S18-135mm f/3.5-5.6 IS USM\","
	    "\"DateTimeOriginal\":\"2019:07:14 09:03:27\",\"Orientation\":8,"
	    "\"ExposureTime\":0.0040000000000000001,\"FNumber\":5.5999999999999996,"
	    "\"ISOSpeedRatings\":400,\"FocalLength\":35.0,\"GPSLatitude\":-33.5,"
	    "\"GPSLongitude\":151.25}}\n"
	    "{\"key\":\"IMG_00009.jpg\",\"size\":10,\"sha256\":\"" SHA_A "\",\"kind\":"
	    "\"truncated\",\"width\":3,\"height\":2,\"exif\":{\"Make\":\"SONY\",\"Model\":"
	    "\"DSC-RX100M5A\",\"DateTimeOriginal\":\"2015:05:05 05:05:05\",\"Orientation\":1,"
	    "\"ExposureTime\":0.5,\"FNumber\":2.7999999999999998,\"ISOSpeedRatings\":125,"
	    "\"FocalLength\":9.0}}\n");
	free(text);
}

/* Lines written by hand rather than by manifest_write, all accepted. */
static void
test_read_variants(void **state)
{
	struct fixture *fx = *state;
	struct manifest_entry e;
	unsigned long lineno = 0;
	char err[256];
	FILE *f;

	f = open_manifest(fx, "w");
	/* 1: spaces everywhere, keys in another order, an integer where a real is expected */
	write_text(f,
	    "  { \"exif\" : { \"ExposureTime\" : 1 , \"Orientation\" : 5 } , \"kind\" : "
	    "\"truncated\" , \"sha256\" : \"" SHA_A "\" , \"size\" : 12 , \"key\" : "
	    "\"x.jpg\" , \"width\" : 8 , \"height\" : 9 }  \n");
	/* 2: \u escapes in the key, unknown keys ignored, no "exif" at all */
	write_text(f,
	    "{\"key\":\"caf\\u00e9 \\\"1\\\" \\ud83d\\udcf7.jpg\",\"size\":0,\"sha256\":\"" SHA_B
	    "\",\"kind\":\"corrupt\",\"width\":1,\"height\":1,\"extra\":[1,2],"
	    "\"exif2\":{}}\n");
	/* 3: CRLF line end; GPSLatitude without GPSLongitude is no GPS */
	write_text(f,
	    "{\"key\":\"c.jpg\",\"size\":3,\"sha256\":\"" SHA_A "\",\"kind\":\"ok\","
	    "\"width\":4,\"height\":5,\"exif\":{\"GPSLatitude\":-1.5}}\r\n");
	/* 4: an empty line, then 5: the last line without a newline */
	write_text(f,
	    "\n{\"key\":\"d.jpg\",\"size\":4,\"sha256\":\"" SHA_A "\",\"kind\":"
	    "\"noexif\",\"width\":6,\"height\":7,\"exif\":{}}");
	close_manifest(fx);

	f = open_manifest(fx, "r");
	assert_int_equal(manifest_read(f, fx->path, &lineno, &e, err, sizeof(err)), 1);
	assert_int_equal(lineno, 1);
	assert_string_equal(e.key, "x.jpg");
	assert_true(e.size == 12);
	assert_int_equal(e.kind, MANIFEST_TRUNCATED);
	assert_int_equal(e.width, 8);
	assert_int_equal(e.height, 9);
	assert_int_equal(e.has_exif, 1);
	assert_double_same(e.exif.exposure_time, 1.0);
	assert_int_equal(e.exif.orientation, 5);
	assert_string_equal(e.exif.make, "");
	assert_int_equal(e.exif.has_gps, 0);

	assert_int_equal(manifest_read(f, fx->path, &lineno, &e, err, sizeof(err)), 1);
	assert_int_equal(lineno, 2);
	assert_string_equal(e.key, "caf\xc3\xa9 \"1\" \xf0\x9f\x93\xb7.jpg");
	assert_true(e.size == 0);
	assert_string_equal(e.sha256, SHA_B);
	assert_int_equal(e.kind, MANIFEST_CORRUPT);
	assert_int_equal(e.has_exif, -1);

	assert_int_equal(manifest_read(f, fx->path, &lineno, &e, err, sizeof(err)), 1);
	assert_int_equal(lineno, 3);
	assert_string_equal(e.key, "c.jpg");
	assert_int_equal(e.has_exif, 1);
	assert_int_equal(e.exif.has_gps, 0);

	assert_int_equal(manifest_read(f, fx->path, &lineno, &e, err, sizeof(err)), 1);
	assert_int_equal(lineno, 5);
	assert_string_equal(e.key, "d.jpg");
	assert_int_equal(e.kind, MANIFEST_NOEXIF);
	assert_int_equal(e.has_exif, 0);
	assert_int_equal(e.width, 6);
	assert_int_equal(e.height, 7);

	assert_int_equal(manifest_read(f, fx->path, &lineno, &e, err, sizeof(err)), 0);
	assert_int_equal(lineno, 5);
}

/* One case of manifest_bad.jsonl turned into the line to feed manifest_read (caller frees). */
static char *
bad_line(json_t *c, json_t *base, int dataline)
{
	json_t *o, *x, *v, *set, *del;
	const char *name;
	char *line;
	size_t i;

	if ((v = json_object_get(c, "raw")) != NULL) {
		assert_true(json_is_string(v));
		line = strdup(json_string_value(v));
		assert_non_null(line);
		return line;
	}
	o = json_deep_copy(base);
	assert_non_null(o);
	x = json_object_get(o, "exif");
	if ((set = json_object_get(c, "set")) != NULL)
		json_object_foreach(set, name, v) assert_int_equal(json_object_set(o, name, v), 0);
	if ((set = json_object_get(c, "exif_set")) != NULL)
		json_object_foreach(set, name, v) assert_int_equal(json_object_set(x, name, v), 0);
	if ((del = json_object_get(c, "del")) != NULL)
		json_array_foreach(del, i, v)
		    assert_int_equal(json_object_del(o, json_string_value(v)), 0);
	if (json_equal(o, base))
		fail_msg("manifest_bad.jsonl:%d: the case changes nothing", dataline);
	line = json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER);
	assert_non_null(line);
	json_decref(o);
	return line;
}

/*
 * Every case of manifest_bad.jsonl in one manifest, each followed by the good base line (and a
 * blank line now and then): -1 with "PATH:LINE: " and the wanted words, then the base again.
 */
static void
test_bad_lines(void **state)
{
	struct fixture *fx = *state;
	char datapath[4096];
	FILE *data, *f;
	json_t *base = NULL, **cases = NULL, *c, *w;
	char *line = NULL, *baseline, err[512], prefix[256];
	size_t ncases = 0, i, j, cap = 0, linecap = 0;
	unsigned long lineno = 0, *where;
	struct manifest_entry e;
	json_error_t jerr;
	int dataline = 0, bad = 0;

	testutil_data_path(datapath, sizeof(datapath), "manifest_bad.jsonl");
	if ((data = fopen(datapath, "r")) == NULL)
		print_error("cannot open %s: %s\n", datapath, strerror(errno));
	assert_non_null(data);

	/* the table: a base entry, then cases; duplicates must survive this parse */
	while (getline(&line, &linecap, data) > 0) {
		dataline++;
		if ((c = json_loads(line, 0, &jerr)) == NULL)
			fail_msg("manifest_bad.jsonl:%d: %s", dataline, jerr.text);
		if (dataline == 1) {
			base = json_incref(json_object_get(c, "base"));
			assert_non_null(base);
			json_decref(c);
			continue;
		}
		assert_true(json_is_array(json_object_get(c, "want")));
		if (ncases == cap) {
			cap = cap ? 2 * cap : 64;
			cases = realloc(cases, cap * sizeof(*cases));
			assert_non_null(cases);
		}
		cases[ncases++] = c;
	}
	free(line);
	fclose(data);
	assert_true(ncases >= 40);
	where = calloc(ncases, sizeof(*where));
	assert_non_null(where);

	baseline = json_dumps(base, JSON_COMPACT | JSON_PRESERVE_ORDER);
	assert_non_null(baseline);
	f = open_manifest(fx, "w");
	for (i = 0; i < ncases; i++) {
		line = bad_line(cases[i], base, (int)i + 2);
		fprintf(f, "%s\n%s\n", line, baseline);
		where[i] = ++lineno;
		lineno++;
		if (i % 4 == 3) {
			write_text(f, "\n");
			lineno++;
		}
		free(line);
	}
	close_manifest(fx);

	f = open_manifest(fx, "r");
	lineno = 0;
	for (i = 0; i < ncases; i++) {
		const char *why = json_string_value(json_object_get(cases[i], "why"));

		err[0] = '\0';
		if (manifest_read(f, fx->path, &lineno, &e, err, sizeof(err)) != -1) {
			print_error("manifest_bad.jsonl case \"%s\": accepted\n", why);
			bad++;
		}
		snprintf(prefix, sizeof(prefix), "%s:%lu: ", fx->path, where[i]);
		if (lineno != where[i] || strncmp(err, prefix, strlen(prefix)) != 0) {
			print_error("case \"%s\": line %lu, want %lu; error \"%s\"\n", why, lineno,
			    where[i], err);
			bad++;
		}
		json_array_foreach(json_object_get(cases[i], "want"), j, w)
		{
			if (strstr(err + strlen(prefix), json_string_value(w)) == NULL) {
				print_error("case \"%s\": error \"%s\" lacks \"%s\"\n", why, err,
				    json_string_value(w));
				bad++;
			}
		}
		/* the good line after a bad one still reads */
		if (manifest_read(f, fx->path, &lineno, &e, err, sizeof(err)) != 1 ||
		    strcmp(e.key, "IMG_00007.jpg") != 0 || e.exif.orientation != 8 ||
		    lineno != where[i] + 1) {
			print_error("case \"%s\": the base line after it failed: %s\n", why, err);
			bad++;
		}
	}
	assert_int_equal(manifest_read(f, fx->path, &lineno, &e, err, sizeof(err)), 0);
	assert_int_equal(bad, 0);

	for (i = 0; i < ncases; i++)
		json_decref(cases[i]);
	free(cases);
	free(where);
	free(baseline);
	json_decref(base);
}

/* Keys of 1024 bytes read; 1025 and more do not, with the key named. */
static void
test_key_length(void **state)
{
	static const size_t lens[] = {1, MANIFEST_KEY_MAX - 1, MANIFEST_KEY_MAX,
	    MANIFEST_KEY_MAX + 1, MANIFEST_KEY_MAX + 2, 4 * MANIFEST_KEY_MAX};
	struct fixture *fx = *state;
	struct manifest_entry e;
	unsigned long lineno = 0;
	char err[256], want[256], *key;
	size_t i;
	FILE *f;

	f = open_manifest(fx, "w");
	for (i = 0; i < sizeof(lens) / sizeof(lens[0]); i++) {
		key = malloc(lens[i] + 1);
		assert_non_null(key);
		memset(key, 'a' + (int)i, lens[i]);
		key[lens[i]] = '\0';
		fprintf(f,
		    "{\"key\":\"%s\",\"size\":1,\"sha256\":\"%s\",\"kind\":\"ok\","
		    "\"width\":1,\"height\":1,\"exif\":{}}\n",
		    key, SHA_A);
		free(key);
	}
	close_manifest(fx);
	f = open_manifest(fx, "r");
	for (i = 0; i < sizeof(lens) / sizeof(lens[0]); i++) {
		err[0] = '\0';
		if (lens[i] <= MANIFEST_KEY_MAX) {
			assert_int_equal(
			    manifest_read(f, fx->path, &lineno, &e, err, sizeof(err)), 1);
			assert_int_equal(strlen(e.key), lens[i]);
			assert_int_equal(e.key[0], 'a' + (int)i);
		} else {
			assert_int_equal(
			    manifest_read(f, fx->path, &lineno, &e, err, sizeof(err)), -1);
			snprintf(want, sizeof(want), "%s:%zu: key \"key\" is missing or invalid",
			    fx->path, i + 1);
			assert_string_equal(err, want);
		}
		assert_int_equal(lineno, i + 1);
	}
	assert_int_equal(manifest_read(f, fx->path, &lineno, &e, err, sizeof(err)), 0);
}

/* An empty file, a file of blank lines: 0 at once, with the blank lines counted. */
static void
test_empty(void **state)
{
	struct fixture *fx = *state;
	struct manifest_entry e;
	unsigned long lineno = 0;
	char err[64];
	FILE *f;

	f = open_manifest(fx, "w");
	close_manifest(fx);
	f = open_manifest(fx, "r");
	assert_int_equal(manifest_read(f, fx->path, &lineno, &e, err, sizeof(err)), 0);
	assert_int_equal(lineno, 0);
	f = open_manifest(fx, "w");
	write_text(f, "\n\n\n");
	close_manifest(fx);
	f = open_manifest(fx, "r");
	assert_int_equal(manifest_read(f, fx->path, &lineno, &e, err, sizeof(err)), 0);
	assert_int_equal(lineno, 3);
}

static void
test_inval(void **state)
{
	struct fixture *fx = *state;
	struct manifest_entry e, got;
	unsigned long lineno = 0;
	char err[64], *small;
	FILE *f;

	set_head(&e, "IMG_00000.jpg", 1, SHA_A, MANIFEST_OK, 1, 1);
	f = open_manifest(fx, "w");
	assert_int_equal(manifest_write(NULL, &e), -1);
	assert_int_equal(manifest_write(f, NULL), -1);
	e.kind = MANIFEST_NKINDS;
	assert_int_equal(manifest_write(f, &e), -1);
	e.kind = (enum manifest_kind)(-1);
	assert_int_equal(manifest_write(f, &e), -1);
	e.kind = (enum manifest_kind)77;
	assert_int_equal(manifest_write(f, &e), -1);
	/* a key that is not UTF-8 cannot be a JSON string */
	e.kind = MANIFEST_OK;
	snprintf(e.key, sizeof(e.key), "bad\xff\xfe.jpg");
	assert_int_equal(manifest_write(f, &e), -1);
	assert_int_equal(ftell(f), 0);
	close_manifest(fx);

	/* a stream not open for writing */
	f = open_manifest(fx, "r");
	snprintf(e.key, sizeof(e.key), "IMG_00000.jpg");
	assert_int_equal(manifest_write(f, &e), -1);
	close_manifest(fx);

	f = open_manifest(fx, "w");
	write_text(f, "oops\noops\n");
	close_manifest(fx);
	f = open_manifest(fx, "r");
	assert_int_equal(manifest_read(NULL, fx->path, &lineno, &got, err, sizeof(err)), -1);
	assert_int_equal(manifest_read(f, fx->path, NULL, &got, err, sizeof(err)), -1);
	assert_int_equal(manifest_read(f, fx->path, &lineno, NULL, err, sizeof(err)), -1);
	assert_int_equal(manifest_read(f, fx->path, &lineno, &got, NULL, sizeof(err)), -1);
	assert_int_equal(lineno, 0);
	assert_int_equal(ftell(f), 0); /* nothing consumed by the rejected calls */
	/* NULL path: the error says "manifest" */
	assert_int_equal(manifest_read(f, NULL, &lineno, &got, err, sizeof(err)), -1);
	assert_int_equal(strncmp(err, "manifest:1: not a JSON object", 29), 0);
	/* an error buffer too small for the message is cut and terminated, never overrun */
	small = malloc(8);
	assert_non_null(small);
	memset(small, 'Z', 8);
	assert_int_equal(manifest_read(f, "p", &lineno, &got, small, 5), -1);
	assert_string_equal(small, "p:2:");
	assert_int_equal(small[5], 'Z');
	free(small);
	assert_int_equal(manifest_read(f, "p", &lineno, &got, err, sizeof(err)), 0);
}

int
main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
	const struct CMUnitTest tests[] = {
	    T(test_kind_name),
	    T(test_roundtrip),
	    T(test_write_exact),
	    T(test_read_variants),
	    T(test_bad_lines),
	    T(test_key_length),
	    T(test_empty),
	    T(test_inval),
	};
#undef T

	return cmocka_run_group_tests_name("manifest", tests, NULL, NULL);
}
