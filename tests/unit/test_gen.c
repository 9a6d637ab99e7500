/*
 * test_gen.c: unit tests of datasets/gen.c, the deterministic JPEG + EXIF generator (with
 * datasets/picture.c, exifwrite.c and pool.c behind it). The static draw_exif is run over
 * thousands of indexes without encoding: every value must come from the camera, exposure,
 * aperture and ISO tables, the decimals must equal the rationals exactly, dates must fall in
 * 2012..2023, GPS must appear on about a third with both signs. A group fixture then generates
 * images 0..49 of one seed clean (bad_fraction 0) and all bad (1.0), and 0..299 at 0.3. Clean
 * images must be reproducible byte for byte, differ across seeds and indexes, keep their bytes
 * when bad files are mixed in, carry keys "IMG_%05u.jpg", all 8 orientations in the first 8,
 * GPS on some of the first 50 and not on others; their EXIF, read back with libexif, must be
 * what the entry says (Make, Model, Orientation, DateTimeOriginal, ExposureTime, FNumber,
 * FocalLength, ISOSpeedRatings, LensModel, GPS as signed degrees, the camera's byte order), they
 * must decode with libjpeg-turbo to the entry's size without a warning, and size and sha256 must
 * match the bytes. Bad files: noexif ones have no APP1 Exif yet decode; truncated ones are a
 * 40..89% prefix of the clean file whose EXIF still parses and whose decoding warns; corrupt ones
 * differ from the clean file in bytes 2..65 only and say has_exif -1; at 0.3 the bad share is
 * within 0.2..0.4 with all three kinds. gen_run writes the same folder and manifest with 2
 * threads, 1 and all CPUs; the manifest reads back in index order with the in-memory entries;
 * the stats add up; a folder it cannot write to fails with the path. The draws of seed 3 (the
 * published dataset's) are pinned for its first images. gen_profile_find, then NULL and bad
 * arguments to gen_run and gen_image (test_inval; test_inval_image for gen_image's bad_fraction
 * range and its "-1 with err set") close the file. Files go under a mkdtemp() folder only.
 */
#include "datasets/gen.c"

#include <dirent.h>
#include <ftw.h>
#include <libexif/exif-data.h>
#include <libexif/exif-utils.h>
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <jpeglib.h>	/* after stdio.h, for FILE */
#include <cmocka.h>

#include "../testutil.h"

#define SEED UINT64_C(3)
#define NIMG 50 /* images checked one by one */
#define NSHARE 300 /* images for the bad share */
#define DRAWS 6000 /* draw_exif calls */
#define RUN_COUNT 20

struct img {
	unsigned char *buf;
	size_t len;
	struct manifest_entry e;
};

/* Generated once for the whole group. */
struct cache {
	struct img ok[NIMG]; /* bad_fraction 0 */
	struct img bad[NIMG]; /* bad_fraction 1 */
	struct img mix[NSHARE]; /* bad_fraction 0.3 */
};

struct fixture {
	struct cache *c;
	char dir[64]; /* mkdtemp folder, removed by teardown */
	int made; /* dir exists */
};

/* libjpeg errors jump back here instead of exiting. */
struct jerr {
	struct jpeg_error_mgr pub;
	jmp_buf jb;
};

static int
make(uint64_t seed, unsigned i, double bad, struct img *m)
{
	char err[256];

	return gen_image(seed, i, bad, &m->buf, &m->len, &m->e, err, sizeof(err));
}

static void
free_imgs(struct img *v, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		free(v[i].buf);
}

static int
group_setup(void **state)
{
	struct cache *c;
	unsigned i;

	if ((c = calloc(1, sizeof(*c))) == NULL)
		return -1;
	*state = c;
	for (i = 0; i < NIMG; i++)
		if (make(SEED, i, 0.0, &c->ok[i]) < 0 || make(SEED, i, 1.0, &c->bad[i]) < 0)
			return -1;
	for (i = 0; i < NSHARE; i++)
		if (make(SEED, i, 0.3, &c->mix[i]) < 0)
			return -1;
	return 0;
}

static int
group_teardown(void **state)
{
	struct cache *c = *state;

	if (c != NULL) {
		free_imgs(c->ok, NIMG);
		free_imgs(c->bad, NIMG);
		free_imgs(c->mix, NSHARE);
		free(c);
	}
	return 0;
}

/* cmocka hands the group state to each test's setup in *state. */
static int
setup(void **state)
{
	struct fixture *fx;

	if (*state == NULL || (fx = calloc(1, sizeof(*fx))) == NULL)
		return -1;
	fx->c = *state;
	*state = fx;
	if (testutil_tmpdir(fx->dir, sizeof(fx->dir), "test_gen") < 0)
		return -1;
	fx->made = 1;
	return 0;
}

static int
teardown(void **state)
{
	struct fixture *fx = *state;
	int rc = 0;

	if (fx == NULL)
		return 0;
	if (fx->made)
		rc = testutil_rmtree(fx->dir);
	free(fx);
	return rc;
}

static void
assert_near(double got, double want, const char *what)
{
	if (!(fabs(got - want) <= 1e-9)) {
		print_error("%s: %.17g, want %.17g\n", what, got, want);
		fail();
	}
}

static void
assert_entry_equal(const struct manifest_entry *got, const struct manifest_entry *want)
{
	const struct manifest_exif *g = &got->exif, *w = &want->exif;

	assert_string_equal(got->key, want->key);
	assert_true(got->size == want->size);
	assert_string_equal(got->sha256, want->sha256);
	assert_int_equal(got->kind, want->kind);
	assert_int_equal(got->width, want->width);
	assert_int_equal(got->height, want->height);
	assert_int_equal(got->has_exif, want->has_exif);
	assert_string_equal(g->make, w->make);
	assert_string_equal(g->model, w->model);
	assert_string_equal(g->lens_model, w->lens_model);
	assert_string_equal(g->datetime_original, w->datetime_original);
	assert_int_equal(g->orientation, w->orientation);
	assert_double_same(g->exposure_time, w->exposure_time);
	assert_double_same(g->fnumber, w->fnumber);
	assert_double_same(g->focal_length, w->focal_length);
	assert_int_equal(g->iso, w->iso);
	assert_int_equal(g->has_gps, w->has_gps);
	assert_double_same(g->gps_latitude, w->gps_latitude);
	assert_double_same(g->gps_longitude, w->gps_longitude);
}

static int
is_zero(const void *p, size_t n)
{
	const unsigned char *b = p;

	while (n-- > 0)
		if (*b++ != 0)
			return 0;
	return 1;
}

static const struct camera *
camera_of(const char *model)
{
	size_t i;

	for (i = 0; i < NELEM(cameras); i++)
		if (strcmp(cameras[i].model, model) == 0)
			return &cameras[i];
	return NULL;
}

static void
assert_sha_size(const struct img *m)
{
	char hex[DIGEST_HEX_LEN + 1];

	assert_true(m->e.size == m->len);
	assert_int_equal(digest_sha256_hex(m->buf, m->len, hex), 0);
	assert_string_equal(m->e.sha256, hex);
}

static void
jerr_exit(j_common_ptr cinfo)
{
	longjmp(((struct jerr *)cinfo->err)->jb, 1);
}

static void
jerr_quiet(j_common_ptr cinfo)
{
}

/*
 * Decodes buf: header only, or every scanline when full. Returns 0 with the frame size and the
 * number of warnings libjpeg gave, or -1 on a fatal libjpeg error.
 */
static int
decode(const unsigned char *buf, size_t len, int full, int *w, int *h, long *warnings)
{
	struct jpeg_decompress_struct cinfo;
	struct jerr jerr;
	JSAMPARRAY row;

	cinfo.err = jpeg_std_error(&jerr.pub);
	jerr.pub.error_exit = jerr_exit;
	jerr.pub.output_message = jerr_quiet;
	if (setjmp(jerr.jb)) {
		jpeg_destroy_decompress(&cinfo);
		return -1;
	}
	jpeg_create_decompress(&cinfo);
	jpeg_mem_src(&cinfo, buf, (unsigned long)len);
	if (jpeg_read_header(&cinfo, TRUE) != JPEG_HEADER_OK) {
		jpeg_destroy_decompress(&cinfo);
		return -1;
	}
	*w = (int)cinfo.image_width;
	*h = (int)cinfo.image_height;
	if (full) {
		jpeg_start_decompress(&cinfo);
		row = (*cinfo.mem->alloc_sarray)((j_common_ptr)&cinfo, JPOOL_IMAGE,
		    cinfo.output_width * (JDIMENSION)cinfo.output_components, 1);
		while (cinfo.output_scanline < cinfo.output_height)
			jpeg_read_scanlines(&cinfo, row, 1);
		jpeg_finish_decompress(&cinfo);
	}
	*warnings = jerr.pub.num_warnings;
	jpeg_destroy_decompress(&cinfo);
	return 0;
}

/* Offset of the APP1 "Exif" segment among the markers before the scan, or -1. */
static long
find_app1_exif(const unsigned char *b, size_t len)
{
	size_t i = 2, seg;

	if (len < 4 || b[0] != 0xff || b[1] != 0xd8)
		return -1;
	while (i + 4 <= len && b[i] == 0xff && b[i + 1] != 0xda) {
		seg = (size_t)b[i + 2] << 8 | b[i + 3];
		if (b[i + 1] == 0xe1 && seg >= 8 && i + 10 <= len &&
		    memcmp(b + i + 4, "Exif\0\0", 6) == 0)
			return (long)i;
		i += 2 + seg;
	}
	return -1;
}

static ExifEntry *
entry(ExifData *ed, ExifIfd ifd, ExifTag tag)
{
	return exif_content_get_entry(ed->ifd[ifd], tag);
}

static void
assert_ascii(ExifData *ed, ExifIfd ifd, ExifTag tag, const char *want)
{
	ExifEntry *e = entry(ed, ifd, tag);
	size_t n = strlen(want) + 1;

	if (e == NULL)
		fail_msg("tag 0x%04x missing, want \"%s\"", tag, want);
	assert_int_equal(e->format, EXIF_FORMAT_ASCII);
	assert_int_equal(e->components, n);
	assert_true(e->size >= n);
	assert_memory_equal(e->data, want, n);
}

static unsigned
get_short(ExifData *ed, ExifIfd ifd, ExifTag tag)
{
	ExifEntry *e = entry(ed, ifd, tag);

	if (e == NULL)
		fail_msg("tag 0x%04x missing", tag);
	assert_int_equal(e->format, EXIF_FORMAT_SHORT);
	assert_int_equal(e->components, 1);
	return exif_get_short(e->data, exif_data_get_byte_order(ed));
}

/* Rational number i of a tag as a double. */
static double
get_rational(ExifData *ed, ExifIfd ifd, ExifTag tag, unsigned long n, unsigned long i)
{
	ExifEntry *e = entry(ed, ifd, tag);
	ExifRational q;

	if (e == NULL)
		fail_msg("tag 0x%04x missing", tag);
	assert_int_equal(e->format, EXIF_FORMAT_RATIONAL);
	assert_int_equal(e->components, n);
	q = exif_get_rational(e->data + 8 * i, exif_data_get_byte_order(ed));
	assert_int_not_equal(q.denominator, 0);
	return (double)q.numerator / q.denominator;
}

/* A GPS coordinate as signed decimal degrees from its reference letter and D/M/S rationals. */
static double
get_coord(ExifData *ed, ExifTag ref_tag, ExifTag tag, char neg)
{
	ExifEntry *ref = entry(ed, EXIF_IFD_GPS, ref_tag);
	double d;

	assert_non_null(ref);
	assert_int_equal(ref->format, EXIF_FORMAT_ASCII);
	assert_int_equal(ref->components, 2);
	d = get_rational(ed, EXIF_IFD_GPS, tag, 3, 0) +
	    get_rational(ed, EXIF_IFD_GPS, tag, 3, 1) / 60.0 +
	    get_rational(ed, EXIF_IFD_GPS, tag, 3, 2) / 3600.0;
	return ref->data[0] == neg ? -d : d;
}

/* The EXIF in buf, read with libexif, is what the entry says. */
static void
assert_exif_matches(const unsigned char *buf, size_t len, const struct manifest_entry *m)
{
	const struct manifest_exif *x = &m->exif;
	const struct camera *cam = camera_of(x->model);
	ExifData *ed = exif_data_new_from_data(buf, (unsigned)len);
	ExifEntry *lat;

	assert_non_null(ed);
	assert_non_null(cam);
	assert_int_equal(exif_data_get_byte_order(ed),
	    cam->big_endian ? EXIF_BYTE_ORDER_MOTOROLA : EXIF_BYTE_ORDER_INTEL);
	assert_ascii(ed, EXIF_IFD_0, EXIF_TAG_MAKE, x->make);
	assert_ascii(ed, EXIF_IFD_0, EXIF_TAG_MODEL, x->model);
	assert_int_equal(get_short(ed, EXIF_IFD_0, EXIF_TAG_ORIENTATION), x->orientation);
	assert_ascii(ed, EXIF_IFD_EXIF, EXIF_TAG_DATE_TIME_ORIGINAL, x->datetime_original);
	assert_near(get_rational(ed, EXIF_IFD_EXIF, EXIF_TAG_EXPOSURE_TIME, 1, 0), x->exposure_time,
	    "ExposureTime");
	assert_near(get_rational(ed, EXIF_IFD_EXIF, EXIF_TAG_FNUMBER, 1, 0), x->fnumber, "FNumber");
	assert_near(get_rational(ed, EXIF_IFD_EXIF, EXIF_TAG_FOCAL_LENGTH, 1, 0), x->focal_length,
	    "FocalLength");
	assert_int_equal(get_short(ed, EXIF_IFD_EXIF, EXIF_TAG_ISO_SPEED_RATINGS), x->iso);
	if (x->lens_model[0] != '\0')
		assert_ascii(ed, EXIF_IFD_EXIF, EXIF_TAG_LENS_MODEL, x->lens_model);
	else
		assert_null(entry(ed, EXIF_IFD_EXIF, EXIF_TAG_LENS_MODEL));
	lat = entry(ed, EXIF_IFD_GPS, EXIF_TAG_GPS_LATITUDE);
	if (x->has_gps) {
		assert_non_null(lat);
		assert_near(get_coord(ed, EXIF_TAG_GPS_LATITUDE_REF, EXIF_TAG_GPS_LATITUDE, 'S'),
		    x->gps_latitude, "GPSLatitude");
		assert_near(get_coord(ed, EXIF_TAG_GPS_LONGITUDE_REF, EXIF_TAG_GPS_LONGITUDE, 'W'),
		    x->gps_longitude, "GPSLongitude");
	} else {
		assert_null(lat);
		assert_null(entry(ed, EXIF_IFD_GPS, EXIF_TAG_GPS_LONGITUDE));
	}
	exif_data_unref(ed);
}

/* The frame size is one of the widths and a 4:3 or 3:2 height, either way round. */
static void
assert_frame_size(int w, int h)
{
	int lng = w > h ? w : h, shrt = w > h ? h : w;
	size_t i;

	for (i = 0; i < NELEM(widths); i++)
		if ((int)widths[i] == lng)
			break;
	assert_true(i < NELEM(widths));
	assert_true(shrt == lng * 3 / 4 || shrt == lng * 2 / 3);
}

/* draw_exif alone, thousands of times: every value from its table, decimals exact. */
static void
test_draw_exif(void **state)
{
	unsigned cams[NELEM(cameras)] = {0}, exps[NELEM(exposures)] = {0};
	unsigned gps = 0, lat_neg = 0, lon_neg = 0, i, k;
	struct exifwrite_rationals q;
	struct manifest_exif x;
	const struct camera *c;
	struct tm tm;
	int be;

	for (i = 0; i < DRAWS; i++) {
		uint64_t r = rng_seed2(SEED, i);

		memset(&q, 0, sizeof(q));
		draw_exif(&r, i, &x, &q, &be);
		assert_non_null(c = camera_of(x.model));
		cams[c - cameras]++;
		assert_string_equal(x.make, c->make);
		assert_string_equal(x.lens_model, c->lens ? c->lens : "");
		assert_int_equal(be, c->big_endian);
		assert_int_equal(x.orientation, (int)(i % 8) + 1);
		for (k = 0; k < NELEM(exposures); k++)
			if (q.exposure[0] == exposures[k][0] && q.exposure[1] == exposures[k][1])
				break;
		assert_true(k < NELEM(exposures));
		exps[k]++;
		assert_double_same(x.exposure_time, (double)q.exposure[0] / q.exposure[1]);
		assert_int_equal(q.fnumber[1], 10);
		for (k = 0; k < NELEM(fnumbers) && fnumbers[k] != q.fnumber[0]; k++)
			;
		assert_true(k < NELEM(fnumbers));
		assert_double_same(x.fnumber, q.fnumber[0] / 10.0);
		assert_int_equal(q.focal[1], 10);
		assert_in_range(q.focal[0], c->focal_min * 10, c->focal_max * 10);
		assert_double_same(x.focal_length, q.focal[0] / 10.0);
		for (k = 0; k < NELEM(isos) && (int)isos[k] != x.iso; k++)
			;
		assert_true(k < NELEM(isos));
		assert_int_equal(strlen(x.datetime_original), 19);
		memset(&tm, 0, sizeof(tm));
		assert_non_null(strptime(x.datetime_original, "%Y:%m:%d %H:%M:%S", &tm));
		assert_in_range(tm.tm_year + 1900, 2012, 2023);
		if (!x.has_gps) {
			assert_true(x.gps_latitude == 0 && x.gps_longitude == 0);
			continue;
		}
		gps++;
		lat_neg += signbit(x.gps_latitude) != 0;
		lon_neg += signbit(x.gps_longitude) != 0;
		assert_true(q.lat[0][1] == 1 && q.lat[1][1] == 1 && q.lat[2][1] == 100);
		assert_true(q.lon[0][1] == 1 && q.lon[1][1] == 1 && q.lon[2][1] == 100);
		assert_true(q.lat[0][0] < 80 && q.lat[1][0] < 60 && q.lat[2][0] < 6000);
		assert_true(q.lon[0][0] < 180 && q.lon[1][0] < 60 && q.lon[2][0] < 6000);
		assert_double_same(fabs(x.gps_latitude),
		    q.lat[0][0] + q.lat[1][0] / 60.0 + q.lat[2][0] / 100.0 / 3600.0);
		assert_double_same(fabs(x.gps_longitude),
		    q.lon[0][0] + q.lon[1][0] / 60.0 + q.lon[2][0] / 100.0 / 3600.0);
	}
	for (k = 0; k < NELEM(cameras); k++)
		assert_int_not_equal(cams[k], 0);
	for (k = 0; k < NELEM(exposures); k++)
		assert_int_not_equal(exps[k], 0);
	/* "GPS on about a third", both hemispheres both ways */
	assert_in_range(gps, DRAWS * 3 / 10, DRAWS * 37 / 100);
	assert_in_range(lat_neg, gps * 4 / 10, gps * 6 / 10);
	assert_in_range(lon_neg, gps * 4 / 10, gps * 6 / 10);
}

/* Same (seed, index) same bytes and entry; other seeds and other indexes differ. */
static void
test_determinism(void **state)
{
	struct fixture *fx = *state;
	struct img m, o;
	unsigned i, j;

	for (i = 0; i < 5; i++) {
		assert_int_equal(make(SEED, i, 0.0, &m), 0);
		assert_int_equal(m.len, fx->c->ok[i].len);
		assert_memory_equal(m.buf, fx->c->ok[i].buf, m.len);
		assert_entry_equal(&m.e, &fx->c->ok[i].e);
		assert_int_equal(make(SEED + 1, i, 0.0, &o), 0);
		assert_string_not_equal(o.e.sha256, m.e.sha256);
		assert_false(o.len == m.len && memcmp(o.buf, m.buf, m.len) == 0);
		free(o.buf);
		/* a seed that differs in its top bit only */
		assert_int_equal(make(SEED ^ (UINT64_C(1) << 63), i, 0.0, &o), 0);
		assert_string_not_equal(o.e.sha256, m.e.sha256);
		free(o.buf);
		free(m.buf);
	}
	for (i = 0; i < NIMG; i++)
		for (j = i + 1; j < NIMG; j++)
			assert_string_not_equal(fx->c->ok[i].e.sha256, fx->c->ok[j].e.sha256);
}

/*
 * Values pinned for seed 3 (the published dataset's seed), which depend on the random draws
 * only, not on libjpeg: a change to the draw order changes every dataset, so it must be seen.
 */
static void
test_pinned(void **state)
{
	struct fixture *fx = *state;
	const struct manifest_entry *e = &fx->c->ok[2].e;

	assert_string_equal(fx->c->ok[0].e.exif.model, "Canon EOS 5D Mark IV");
	assert_string_equal(fx->c->ok[0].e.exif.datetime_original, "2016:08:24 10:21:01");
	assert_int_equal(fx->c->ok[0].e.width, 640);
	assert_int_equal(fx->c->ok[0].e.height, 426);
	assert_string_equal(fx->c->ok[1].e.exif.model, "Canon PowerShot G7 X Mark II");
	assert_string_equal(fx->c->ok[1].e.exif.lens_model, "");
	assert_string_equal(e->key, "IMG_00002.jpg");
	assert_string_equal(e->exif.make, "Canon");
	assert_string_equal(e->exif.model, "Canon EOS 80D");
	assert_string_equal(e->exif.lens_model, "EF-S18-135mm f/3.5-5.6 IS USM");
	assert_string_equal(e->exif.datetime_original, "2012:09:29 16:09:16");
	assert_int_equal(e->exif.orientation, 3);
	assert_double_same(e->exif.exposure_time, 1.0 / 15);
	assert_double_same(e->exif.fnumber, 20 / 10.0);
	assert_double_same(e->exif.focal_length, 296 / 10.0);
	assert_int_equal(e->exif.iso, 1600);
	assert_int_equal(e->exif.has_gps, 1);
	assert_double_same(e->exif.gps_latitude, -(8 + 16 / 60.0 + 3739 / 100.0 / 3600.0));
	assert_double_same(e->exif.gps_longitude, 173 + 16 / 60.0 + 2546 / 100.0 / 3600.0);
	assert_int_equal(e->width, 512);
	assert_int_equal(e->height, 341);
}

/* Keys, orientations and GPS over the first images. */
static void
test_first_images(void **state)
{
	struct fixture *fx = *state;
	unsigned seen = 0, gps = 0, lens = 0, i;
	char key[32];

	for (i = 0; i < NIMG; i++) {
		const struct manifest_entry *e = &fx->c->ok[i].e;

		snprintf(key, sizeof(key), "IMG_%05u.jpg", i);
		assert_string_equal(e->key, key);
		assert_int_equal(e->kind, MANIFEST_OK);
		assert_int_equal(e->has_exif, 1);
		assert_in_range(e->exif.orientation, 1, 8);
		if (i < 8)
			seen |= 1u << e->exif.orientation;
		gps += e->exif.has_gps != 0;
		lens += e->exif.lens_model[0] != '\0';
		assert_frame_size(e->width, e->height);
	}
	assert_int_equal(seen, 0x1fe);
	assert_in_range(gps, 1, NIMG - 1);
	assert_in_range(lens, 1, NIMG - 1);
	/* index 99999 still fits the pattern; 100000 takes six digits */
	{
		struct img m;

		assert_int_equal(make(SEED, 99999, 0.0, &m), 0);
		assert_string_equal(m.e.key, "IMG_99999.jpg");
		free(m.buf);
		assert_int_equal(make(SEED, 100000, 0.0, &m), 0);
		assert_string_equal(m.e.key, "IMG_100000.jpg");
		free(m.buf);
	}
}

/* The clean images: EXIF as the entry says, decodable, digest and size right. */
static void
test_ok_images(void **state)
{
	struct fixture *fx = *state;
	int w, h;
	long warnings;
	unsigned i;

	for (i = 0; i < NIMG; i++) {
		const struct img *m = &fx->c->ok[i];

		assert_sha_size(m);
		/* SOI then the APP1 Exif segment first */
		assert_int_equal(find_app1_exif(m->buf, m->len), 2);
		assert_exif_matches(m->buf, m->len, &m->e);
		assert_int_equal(decode(m->buf, m->len, 1, &w, &h, &warnings), 0);
		assert_int_equal(w, m->e.width);
		assert_int_equal(h, m->e.height);
		assert_int_equal(warnings, 0);
		/* ends with EOI */
		assert_true(m->buf[m->len - 2] == 0xff && m->buf[m->len - 1] == 0xd9);
	}
}

/* bad_fraction 1: every file bad, each kind as its contract says, against the clean file. */
static void
test_bad_images(void **state)
{
	struct fixture *fx = *state;
	unsigned kinds[MANIFEST_NKINDS] = {0}, i;
	ExifData *ed;
	long warnings;
	int w, h;

	for (i = 0; i < NIMG; i++) {
		const struct img *m = &fx->c->bad[i], *ok = &fx->c->ok[i];

		assert_sha_size(m);
		assert_string_equal(m->e.key, ok->e.key);
		assert_int_equal(m->e.width, ok->e.width);
		assert_int_equal(m->e.height, ok->e.height);
		assert_int_not_equal(m->e.kind, MANIFEST_OK);
		assert_in_range(m->e.kind, 0, MANIFEST_NKINDS - 1);
		kinds[m->e.kind]++;
		switch (m->e.kind) {
		case MANIFEST_NOEXIF:
			assert_int_equal(m->e.has_exif, 0);
			assert_true(is_zero(&m->e.exif, sizeof(m->e.exif)));
			assert_int_equal(find_app1_exif(m->buf, m->len), -1);
			assert_null(memmem(m->buf, m->len, "Exif\0\0", 6));
			ed = exif_data_new_from_data(m->buf, (unsigned)m->len);
			assert_non_null(ed);
			assert_int_equal(ed->ifd[EXIF_IFD_0]->count, 0);
			assert_int_equal(ed->ifd[EXIF_IFD_EXIF]->count, 0);
			assert_int_equal(ed->ifd[EXIF_IFD_GPS]->count, 0);
			exif_data_unref(ed);
			assert_int_equal(decode(m->buf, m->len, 1, &w, &h, &warnings), 0);
			assert_int_equal(w, m->e.width);
			assert_int_equal(h, m->e.height);
			assert_int_equal(warnings, 0);
			break;
		case MANIFEST_TRUNCATED:
			assert_int_equal(m->e.has_exif, 1);
			assert_memory_equal(&m->e.exif, &ok->e.exif, sizeof(m->e.exif));
			assert_true(m->len < ok->len);
			assert_true(m->len >= ok->len * 40 / 100);
			assert_true(m->len <= ok->len * 89 / 100);
			assert_memory_equal(m->buf, ok->buf, m->len);
			assert_int_equal(find_app1_exif(m->buf, m->len), 2);
			assert_exif_matches(m->buf, m->len, &m->e);
			assert_int_equal(decode(m->buf, m->len, 1, &w, &h, &warnings), 0);
			assert_int_equal(w, m->e.width);
			assert_int_equal(h, m->e.height);
			assert_true(warnings > 0);
			break;
		case MANIFEST_CORRUPT:
			assert_int_equal(m->e.has_exif, -1);
			assert_true(is_zero(&m->e.exif, sizeof(m->e.exif)));
			assert_int_equal(m->len, ok->len);
			assert_memory_equal(m->buf, ok->buf, 2);
			assert_memory_equal(m->buf + 66, ok->buf + 66, m->len - 66);
			assert_memory_not_equal(m->buf + 2, ok->buf + 2, 64);
			break;
		default: fail_msg("%s: kind %d", m->e.key, m->e.kind);
		}
	}
	assert_int_not_equal(kinds[MANIFEST_NOEXIF], 0);
	assert_int_not_equal(kinds[MANIFEST_TRUNCATED], 0);
	assert_int_not_equal(kinds[MANIFEST_CORRUPT], 0);
}

/* Good files keep their bytes whatever the bad fraction; the bad share follows it. */
static void
test_bad_fraction(void **state)
{
	struct fixture *fx = *state;
	unsigned kinds[MANIFEST_NKINDS] = {0}, same = 0, i;
	struct img m;

	for (i = 0; i < NIMG; i++) {
		assert_int_equal(make(SEED, i, 0.5, &m), 0);
		if (m.e.kind == MANIFEST_OK) {
			same++;
			assert_int_equal(m.len, fx->c->ok[i].len);
			assert_memory_equal(m.buf, fx->c->ok[i].buf, m.len);
			assert_entry_equal(&m.e, &fx->c->ok[i].e);
		} else {
			kinds[m.e.kind]++;
		}
		free(m.buf);
	}
	assert_in_range(same, NIMG / 4, NIMG * 3 / 4);
	for (i = 1; i < MANIFEST_NKINDS; i++)
		assert_int_not_equal(kinds[i], 0);

	memset(kinds, 0, sizeof(kinds));
	for (i = 0; i < NSHARE; i++) {
		const struct img *x = &fx->c->mix[i];

		kinds[x->e.kind]++;
		assert_sha_size(x);
		/* every truncated file keeps its whole EXIF, however short it is cut */
		if (x->e.kind == MANIFEST_TRUNCATED)
			assert_exif_matches(x->buf, x->len, &x->e);
		if (x->e.kind != MANIFEST_CORRUPT)
			assert_int_equal(
			    find_app1_exif(x->buf, x->len), x->e.kind == MANIFEST_NOEXIF ? -1 : 2);
		if (i < NIMG && x->e.kind == MANIFEST_OK) {
			assert_int_equal(x->len, fx->c->ok[i].len);
			assert_memory_equal(x->buf, fx->c->ok[i].buf, x->len);
		}
	}
	assert_in_range(NSHARE - kinds[MANIFEST_OK], NSHARE * 2 / 10, NSHARE * 4 / 10);
	assert_int_not_equal(kinds[MANIFEST_NOEXIF], 0);
	assert_int_not_equal(kinds[MANIFEST_TRUNCATED], 0);
	assert_int_not_equal(kinds[MANIFEST_CORRUPT], 0);
}

static int
not_dot(const struct dirent *d)
{
	return d->d_name[0] != '.';
}

/* The folder holds exactly the images of the cache's mix and a manifest that lists them. */
static void
assert_run_folder(struct fixture *fx, const char *dir, const struct gen_stats *st)
{
	struct dirent **names;
	char path[512], want[32], err[256];
	unsigned kinds[MANIFEST_NKINDS] = {0};
	struct manifest_entry e;
	unsigned long lineno = 0;
	uint64_t bytes = 0;
	unsigned char *buf;
	size_t len = 0;
	int n, i;
	FILE *f;

	n = scandir(dir, &names, not_dot, alphasort);
	assert_int_equal(n, RUN_COUNT + 1);
	for (i = 0; i < n; i++) {
		if (i < RUN_COUNT) {
			snprintf(want, sizeof(want), "IMG_%05d.jpg", i);
			assert_string_equal(names[i]->d_name, want);
			snprintf(path, sizeof(path), "%s/%s", dir, want);
			assert_non_null(buf = testutil_slurp(path, &len));
			assert_int_equal(len, fx->c->mix[i].len);
			assert_memory_equal(buf, fx->c->mix[i].buf, len);
			free(buf);
			bytes += len;
		} else {
			assert_string_equal(names[i]->d_name, MANIFEST_NAME);
		}
		free(names[i]);
	}
	free(names);

	snprintf(path, sizeof(path), "%s/%s", dir, MANIFEST_NAME);
	assert_non_null(f = fopen(path, "r"));
	for (i = 0; i < RUN_COUNT; i++) {
		err[0] = '\0';
		assert_int_equal(manifest_read(f, path, &lineno, &e, err, sizeof(err)), 1);
		assert_int_equal(lineno, i + 1);
		assert_entry_equal(&e, &fx->c->mix[i].e);
		kinds[e.kind]++;
	}
	assert_int_equal(manifest_read(f, path, &lineno, &e, err, sizeof(err)), 0);
	assert_int_equal(lineno, RUN_COUNT);
	fclose(f);

	assert_int_equal(st->files, RUN_COUNT);
	assert_true(st->bytes == bytes);
	for (i = 0; i < MANIFEST_NKINDS; i++)
		assert_int_equal(st->kinds[i], kinds[i]);
	assert_int_equal(st->kinds[0] + st->kinds[1] + st->kinds[2] + st->kinds[3], RUN_COUNT);
	assert_true(st->seconds >= 0 && st->seconds < 60);
}

static void
test_run(void **state)
{
	struct fixture *fx = *state;
	struct gen_options o = {.count = RUN_COUNT, .seed = SEED, .bad_fraction = 0.3};
	struct gen_stats st;
	char a[128], b[128], p[256], q[256], err[256];
	unsigned char *ma, *mb, *mc;
	size_t la, lb, lc;
	unsigned i;

	/* the 0.3 mix has bad files among the first RUN_COUNT, so they are in the folder */
	for (i = 0; i < RUN_COUNT && fx->c->mix[i].e.kind == MANIFEST_OK; i++)
		;
	assert_true(i < RUN_COUNT);

	snprintf(a, sizeof(a), "%s/two", fx->dir);
	snprintf(b, sizeof(b), "%s/one", fx->dir);
	o.out_dir = a;
	o.threads = 2;
	memset(&st, 0xa5, sizeof(st));
	err[0] = '\0';
	assert_int_equal(gen_run(&o, &st, err, sizeof(err)), 0);
	assert_string_equal(err, "");
	assert_run_folder(fx, a, &st);
	o.out_dir = b;
	o.threads = 1;
	assert_int_equal(gen_run(&o, &st, err, sizeof(err)), 0);
	assert_run_folder(fx, b, &st);

	snprintf(p, sizeof(p), "%s/%s", a, MANIFEST_NAME);
	snprintf(q, sizeof(q), "%s/%s", b, MANIFEST_NAME);
	assert_non_null(ma = testutil_slurp(p, &la));
	assert_non_null(mb = testutil_slurp(q, &lb));
	assert_int_equal(la, lb);
	assert_memory_equal(ma, mb, la);

	/* again into the existing folder, with every CPU: the same files, overwritten */
	o.out_dir = a;
	o.threads = 0;
	assert_int_equal(gen_run(&o, &st, err, sizeof(err)), 0);
	assert_run_folder(fx, a, &st);
	assert_non_null(mc = testutil_slurp(p, &lc));
	assert_int_equal(lc, la);
	assert_memory_equal(mc, ma, la);
	free(ma);
	free(mb);
	free(mc);
}

/* A folder that cannot be made or written to: -1 and the path in the error. */
static void
test_run_unwritable(void **state)
{
	struct fixture *fx = *state;
	struct gen_options o = {.count = 3, .seed = SEED, .threads = 2};
	struct gen_stats st;
	char path[128], want[160], err[256];
	struct stat sb;
	FILE *f;

	/* a missing parent is made, like mkdir -p */
	snprintf(path, sizeof(path), "%s/missing/out", fx->dir);
	o.out_dir = path;
	assert_int_equal(gen_run(&o, &st, err, sizeof(err)), 0);
	assert_int_equal(stat(path, &sb), 0);
	assert_true(S_ISDIR(sb.st_mode));

	/* a parent is a regular file */
	snprintf(path, sizeof(path), "%s/missing/out/IMG_00000.jpg/out", fx->dir);
	err[0] = '\0';
	assert_int_equal(gen_run(&o, &st, err, sizeof(err)), -2);
	snprintf(want, sizeof(want), "cannot create '%s': ", path);
	assert_int_equal(strncmp(err, want, strlen(want)), 0);
	assert_int_equal(stat(path, &sb), -1);

	/* out_dir is a regular file */
	snprintf(path, sizeof(path), "%s/file", fx->dir);
	assert_non_null(f = fopen(path, "w"));
	fclose(f);
	err[0] = '\0';
	assert_int_equal(gen_run(&o, &st, err, sizeof(err)), -2);
	assert_non_null(strstr(err, path));
	assert_int_equal(stat(path, &sb), 0);
	assert_true(S_ISREG(sb.st_mode));
	assert_int_equal(sb.st_size, 0);
}

static void
test_profiles(void **state)
{
	const struct gen_profile *p;
	size_t i, j;

	assert_non_null(p = gen_profile_find("tiny"));
	assert_string_equal(p->name, "tiny");
	assert_int_equal(p->count, 50);
	assert_true(p->seed == 1);
	assert_non_null(p = gen_profile_find("default"));
	assert_int_equal(p->count, 2000);
	assert_true(p->seed == 2);
	assert_non_null(p = gen_profile_find("seed003"));
	assert_int_equal(p->count, 8154);
	assert_true(p->seed == 3);
	assert_null(gen_profile_find("huge"));
	assert_null(gen_profile_find(""));
	assert_null(gen_profile_find("Tiny"));
	assert_null(gen_profile_find("tiny "));
	assert_null(gen_profile_find("seed00"));
	assert_null(gen_profile_find(NULL));
	for (i = 0; gen_profiles[i].name != NULL; i++) {
		assert_ptr_equal(gen_profile_find(gen_profiles[i].name), &gen_profiles[i]);
		assert_true(gen_profiles[i].count > 0);
		assert_non_null(gen_profiles[i].about);
		for (j = 0; j < i; j++)
			assert_string_not_equal(gen_profiles[i].name, gen_profiles[j].name);
	}
	assert_int_equal(i, 3);
}

static void
test_inval(void **state)
{
	struct fixture *fx = *state;
	struct gen_options o = {.count = 2, .seed = SEED, .threads = 1};
	static const double bad_fractions[] = {
	    1.5, -0.1, 1.0000000001, -1e-300, NAN, INFINITY, -INFINITY};
	struct manifest_entry e;
	struct gen_stats st;
	unsigned char *buf = NULL;
	char path[128], err[256];
	struct stat sb;
	size_t len = 0, i;

	assert_int_equal(gen_image(SEED, 0, 0.0, NULL, &len, &e, err, sizeof(err)), -1);
	assert_int_equal(gen_image(SEED, 0, 0.0, &buf, NULL, &e, err, sizeof(err)), -1);
	assert_int_equal(gen_image(SEED, 0, 0.0, &buf, &len, NULL, err, sizeof(err)), -1);
	assert_int_equal(gen_image(SEED, 0, 0.0, &buf, &len, &e, NULL, sizeof(err)), -1);
	assert_null(buf);
	assert_int_equal(len, 0);

	snprintf(path, sizeof(path), "%s/out", fx->dir);
	o.out_dir = path;
	assert_int_equal(gen_run(NULL, &st, err, sizeof(err)), -1);
	assert_string_equal(err, "gen: invalid options");
	assert_int_equal(gen_run(&o, NULL, err, sizeof(err)), -1);
	assert_int_equal(gen_run(&o, &st, NULL, sizeof(err)), -1);
	o.out_dir = NULL;
	err[0] = '\0';
	assert_int_equal(gen_run(&o, &st, err, sizeof(err)), -1);
	assert_string_equal(err, "gen: invalid options");
	o.out_dir = path;
	o.count = 0;
	err[0] = '\0';
	assert_int_equal(gen_run(&o, &st, err, sizeof(err)), -1);
	assert_string_equal(err, "gen: invalid options");
	o.count = 2;
	for (i = 0; i < NELEM(bad_fractions); i++) {
		o.bad_fraction = bad_fractions[i];
		err[0] = '\0';
		assert_int_equal(gen_run(&o, &st, err, sizeof(err)), -1);
		assert_string_equal(err, "gen: invalid options");
	}
	/* nothing was created by the rejected calls */
	assert_int_equal(stat(path, &sb), -1);
	/* the ends of the range are valid */
	o.bad_fraction = 1.0;
	assert_int_equal(gen_run(&o, &st, err, sizeof(err)), 0);
	assert_int_equal(st.kinds[MANIFEST_OK], 0);
	o.bad_fraction = 0.0;
	assert_int_equal(gen_run(&o, &st, err, sizeof(err)), 0);
	assert_int_equal(st.kinds[MANIFEST_OK], 2);
}

/*
 * gen_image's contract for bad arguments: a bad_fraction outside [0, 1] or NaN is refused as
 * gen_run refuses it, and every -1 comes "with err set" (gen.h) when err is given.
 */
static void
test_inval_image(void **state)
{
	static const double bad_fractions[] = {1.5, -0.5, NAN};
	unsigned char *buf;
	struct manifest_entry e;
	char err[256];
	size_t len, i;
	int rc;

	for (i = 0; i < NELEM(bad_fractions); i++) {
		buf = NULL;
		err[0] = '\0';
		rc = gen_image(SEED, 0, bad_fractions[i], &buf, &len, &e, err, sizeof(err));
		if (rc == 0)
			free(buf);
		if (rc != -1)
			fail_msg("gen_image(bad_fraction %g) returned %d (kind %s), want -1",
			    bad_fractions[i], rc, manifest_kind_name(e.kind));
		assert_string_not_equal(err, "");
	}
	err[0] = '\0';
	assert_int_equal(gen_image(SEED, 0, 0.0, NULL, &len, &e, err, sizeof(err)), -1);
	if (err[0] == '\0')
		fail_msg("gen_image(out NULL) returned -1 without setting err");
}

int
main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
	const struct CMUnitTest tests[] = {
	    T(test_draw_exif),
	    T(test_determinism),
	    T(test_pinned),
	    T(test_first_images),
	    T(test_ok_images),
	    T(test_bad_images),
	    T(test_bad_fraction),
	    T(test_run),
	    T(test_run_unwritable),
	    T(test_profiles),
	    T(test_inval),
	    T(test_inval_image),
	};
#undef T

	return cmocka_run_group_tests_name("gen", tests, group_setup, group_teardown);
}
