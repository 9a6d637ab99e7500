/*
 * gen.c: synthetic camera images. Each image draws its frame size, its kind (clean or one of
 * the bad ones) and its EXIF values from a table of real cameras, written as the rationals
 * cameras use (the manifest records their exact decimal value); picture.c draws and compresses
 * the pixels. gen_run spreads the indexes over a pool and writes the manifest in index order.
 */
#include "gen.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "models/core/digest.h"
#include "exifwrite.h"
#include "picture.h"
#include "pool.h"
#include "include/rng.h"

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

const struct gen_profile gen_profiles[] = {
	{ "tiny", 50, 1, "50 images, for tests" },
	{ "default", 2000, 2, "2,000 images, for make bench" },
	{ "seed003", 8154, 3, "8,154 images, ~152 MB: the published analysis's dataset" },
	{ NULL, 0, 0, NULL },
};

struct camera {
	const char *make, *model, *lens;
	int big_endian;
	unsigned focal_min, focal_max;	/* mm */
};

static const struct camera cameras[] = {
	{ "Canon", "Canon EOS 5D Mark IV", "EF24-105mm f/4L IS USM", 0, 24, 105 },
	{ "Canon", "Canon EOS 80D", "EF-S18-135mm f/3.5-5.6 IS USM", 0, 18, 135 },
	{ "Canon", "Canon PowerShot G7 X Mark II", NULL, 0, 9, 37 },
	{ "Canon", "Canon EOS R6", "RF24-105mm F4 L IS USM", 0, 24, 105 },
	{ "NIKON CORPORATION", "NIKON D750", "24.0-120.0 mm f/4.0", 1, 24, 120 },
	{ "NIKON CORPORATION", "NIKON D3300", "18.0-55.0 mm f/3.5-5.6", 1, 18, 55 },
	{ "NIKON CORPORATION", "NIKON Z 6", "NIKKOR Z 24-70mm f/4 S", 1, 24, 70 },
	{ "NIKON", "COOLPIX P1000", NULL, 1, 4, 539 },
	{ "SONY", "ILCE-7M3", "FE 28-70mm F3.5-5.6 OSS", 0, 28, 70 },
	{ "SONY", "ILCE-6000", "E PZ 16-50mm F3.5-5.6 OSS", 0, 16, 50 },
	{ "SONY", "DSC-RX100M5A", NULL, 0, 9, 25 },
	{ "FUJIFILM", "X-T3", "XF18-55mmF2.8-4 R LM OIS", 0, 18, 55 },
	{ "FUJIFILM", "X100V", NULL, 0, 23, 23 },
	{ "OLYMPUS CORPORATION", "E-M10MarkIII", "OLYMPUS M.14-42mm F3.5-5.6 EZ", 0, 14, 42 },
	{ "OM Digital Solutions", "OM-1", "OLYMPUS M.12-40mm F2.8", 0, 12, 40 },
	{ "Panasonic", "DMC-GH4", "LUMIX G VARIO 12-35/F2.8", 0, 12, 35 },
	{ "Panasonic", "DC-TZ90", NULL, 0, 4, 129 },
	{ "PENTAX", "PENTAX K-70", "smc PENTAX-DA 18-55mm F3.5-5.6 AL WR", 0, 18, 55 },
	{ "RICOH IMAGING COMPANY, LTD.", "GR III", NULL, 0, 18, 18 },
	{ "LEICA CAMERA AG", "LEICA Q2", "SUMMILUX 1:1.7/28 ASPH.", 0, 28, 28 },
	{ "Hasselblad", "X1D II 50C", "XCD 45", 1, 45, 45 },
	{ "Apple", "iPhone 12 Pro", "iPhone 12 Pro back triple camera 4.2mm f/1.6", 1, 4, 4 },
	{ "Apple", "iPhone 8", "iPhone 8 back camera 3.99mm f/1.8", 1, 3, 3 },
	{ "Apple", "iPhone 14", "iPhone 14 back dual wide camera 5.7mm f/1.5", 1, 5, 5 },
	{ "samsung", "SM-G991B", NULL, 0, 5, 5 },
	{ "samsung", "SM-A515F", NULL, 0, 4, 4 },
	{ "Google", "Pixel 7", NULL, 0, 6, 6 },
	{ "HUAWEI", "ELE-L29", NULL, 0, 5, 5 },
	{ "Xiaomi", "Redmi Note 8 Pro", NULL, 0, 4, 4 },
	{ "OnePlus", "ONEPLUS A6003", NULL, 0, 4, 4 },
	{ "GoPro", "HERO9 Black", NULL, 0, 3, 3 },
	{ "DJI", "FC3170", NULL, 0, 4, 4 },
};

static const unsigned exposures[][2] = { { 1, 4000 }, { 1, 2000 }, { 1, 1000 }, { 1, 500 },
	{ 1, 250 }, { 1, 125 }, { 1, 60 }, { 1, 30 }, { 1, 15 }, { 1, 8 }, { 1, 4 }, { 1, 2 },
	{ 1, 1 }, { 5, 2 } };
static const unsigned fnumbers[] = { 14, 16, 18, 20, 28, 35, 40, 56, 80, 110, 160, 220 };
static const unsigned isos[] = { 50, 100, 125, 200, 400, 800, 1600, 3200, 6400, 12800 };
static const unsigned widths[] = { 320, 400, 480, 512, 560, 640 };

struct gen_ctx {
	const struct gen_options *o;
	struct manifest_entry *entries;
	char errs[64][256];	/* one per worker: the first error it met */
};

static void draw_exif(uint64_t *r, unsigned index, struct manifest_exif *x,
    struct exifwrite_rationals *q, int *big_endian);
static void dms(uint64_t *r, double max_deg, unsigned (*q)[2], double *dec);
static int gen_one(unsigned worker, size_t item, void *arg);
static int write_file(const char *path, const void *buf, size_t len);
static int mkdir_p(const char *dir);
static int write_manifest(const struct gen_options *o, const struct manifest_entry *entries,
    struct gen_stats *st, char *err, size_t errlen);

const struct gen_profile *
gen_profile_find(const char *name)
{
	const struct gen_profile *p;

	for (p = gen_profiles; name != NULL && p->name != NULL; p++)
		if (strcmp(p->name, name) == 0)
			return p;
	return NULL;
}

/* A coordinate as degrees, minutes and hundredths of seconds; *dec is its exact value. */
static void
dms(uint64_t *r, double max_deg, unsigned (*q)[2], double *dec)
{
	unsigned deg = (unsigned)rng_below(r, (uint64_t)max_deg);
	unsigned min = (unsigned)rng_below(r, 60), csec = (unsigned)rng_below(r, 6000);

	q[0][0] = deg, q[0][1] = 1;
	q[1][0] = min, q[1][1] = 1;
	q[2][0] = csec, q[2][1] = 100;
	*dec = deg + min / 60.0 + csec / 100.0 / 3600.0;
}

static void
draw_exif(uint64_t *r, unsigned index, struct manifest_exif *x, struct exifwrite_rationals *q,
    int *big_endian)
{
	const struct camera *c = &cameras[rng_below(r, NELEM(cameras))];
	const unsigned *ex = exposures[rng_below(r, NELEM(exposures))];
	unsigned fn = fnumbers[rng_below(r, NELEM(fnumbers))];
	unsigned focal10 = c->focal_min * 10 +
	    (unsigned)rng_below(r, (c->focal_max - c->focal_min) * 10 + 1);
	time_t t = (time_t)(1325376000 + rng_below(r, 12ULL * 365 * 86400));	/* 2012..2023 */
	struct tm tm;

	memset(x, 0, sizeof(*x));
	snprintf(x->make, sizeof(x->make), "%s", c->make);
	snprintf(x->model, sizeof(x->model), "%s", c->model);
	if (c->lens != NULL)
		snprintf(x->lens_model, sizeof(x->lens_model), "%s", c->lens);
	gmtime_r(&t, &tm);
	strftime(x->datetime_original, sizeof(x->datetime_original), "%Y:%m:%d %H:%M:%S", &tm);
	x->orientation = (int)(index % 8) + 1;
	q->exposure[0] = ex[0], q->exposure[1] = ex[1];
	x->exposure_time = (double)ex[0] / ex[1];
	q->fnumber[0] = fn, q->fnumber[1] = 10;
	x->fnumber = fn / 10.0;
	q->focal[0] = focal10, q->focal[1] = 10;
	x->focal_length = focal10 / 10.0;
	x->iso = (int)isos[rng_below(r, NELEM(isos))];
	x->has_gps = rng_below(r, 3) == 0;
	if (x->has_gps) {
		dms(r, 80, q->lat, &x->gps_latitude);
		dms(r, 180, q->lon, &x->gps_longitude);
		if (rng_below(r, 2))
			x->gps_latitude = -x->gps_latitude;
		if (rng_below(r, 2))
			x->gps_longitude = -x->gps_longitude;
	}
	*big_endian = c->big_endian;
}

int
gen_image(uint64_t seed, unsigned index, double bad_fraction, unsigned char **out,
    size_t *len, struct manifest_entry *e, char *err, size_t errlen)
{
	uint64_t r = rng_seed2(seed, index);
	struct exifwrite_rationals q;
	unsigned char *app1 = NULL, *img = NULL;
	size_t app1_len = 0, img_len = 0, i;
	int big_endian, w, h;
	double bad = rng_unit(&r);
	uint64_t badr = rng_next(&r);	/* the damage draws from its own stream */

	if (out == NULL || len == NULL || e == NULL || err == NULL ||
	    !(bad_fraction >= 0 && bad_fraction <= 1)) {
		if (err != NULL)
			snprintf(err, errlen, "gen_image: invalid arguments");
		return -1;
	}
	memset(e, 0, sizeof(*e));
	snprintf(e->key, sizeof(e->key), "IMG_%05u.jpg", index);
	e->kind = MANIFEST_OK;
	if (bad < bad_fraction)
		e->kind = (enum manifest_kind)(1 + rng_below(&badr, 3));
	draw_exif(&r, index, &e->exif, &q, &big_endian);
	w = (int)widths[rng_below(&r, NELEM(widths))];
	h = rng_below(&r, 2) ? w * 3 / 4 : w * 2 / 3;
	if (rng_below(&r, 4) == 0) {
		int t = w;

		w = h, h = t;
	}
	e->width = w, e->height = h;
	e->has_exif = e->kind == MANIFEST_NOEXIF ? 0 : e->kind == MANIFEST_CORRUPT ? -1 : 1;
	if (e->kind != MANIFEST_NOEXIF &&
	    exifwrite_build(&e->exif, &q, big_endian, &app1, &app1_len) < 0) {
		snprintf(err, errlen, "%s: building EXIF failed", e->key);
		return -1;
	}
	if (e->kind != MANIFEST_OK && e->kind != MANIFEST_TRUNCATED)
		memset(&e->exif, 0, sizeof(e->exif));
	if (picture_encode(&r, w, h, app1, app1_len, &img, &img_len) < 0) {
		free(app1);
		snprintf(err, errlen, "%s: out of memory", e->key);
		return -1;
	}
	free(app1);
	if (e->kind == MANIFEST_TRUNCATED) {
		img_len = img_len * (40 + rng_below(&badr, 50)) / 100;
	} else if (e->kind == MANIFEST_CORRUPT) {
		for (i = 2; i < 66 && i < img_len; i++)
			img[i] = (unsigned char)rng_next(&badr);
	}
	e->size = img_len;
	if (digest_sha256_hex(img, img_len, e->sha256) < 0) {
		free(img);
		snprintf(err, errlen, "%s: SHA-256 failed", e->key);
		return -1;
	}
	*out = img;
	*len = img_len;
	return 0;
}

/* mkdir -p: 0 when dir exists as a folder afterwards, else -1 with errno set. */
static int
mkdir_p(const char *dir)
{
	char path[4096], *p;
	struct stat sb;

	if (snprintf(path, sizeof(path), "%s", dir) >= (int)sizeof(path)) {
		errno = ENAMETOOLONG;
		return -1;
	}
	for (p = path + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(path, 0755) < 0 && errno != EEXIST)
			return -1;
		*p = '/';
	}
	if (mkdir(path, 0755) < 0 && errno != EEXIST)
		return -1;
	if (stat(path, &sb) < 0)
		return -1;
	if (!S_ISDIR(sb.st_mode)) {
		errno = ENOTDIR;
		return -1;
	}
	return 0;
}

static int
write_file(const char *path, const void *buf, size_t len)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	const char *p = buf;
	ssize_t n;

	if (fd < 0)
		return -1;
	while (len > 0) {
		n = write(fd, p, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			close(fd);
			return -1;
		}
		p += n;
		len -= (size_t)n;
	}
	return close(fd);
}

static int
gen_one(unsigned worker, size_t item, void *arg)
{
	struct gen_ctx *g = arg;
	struct manifest_entry *e = &g->entries[item];
	char path[4096], *err = g->errs[worker];
	unsigned char *img;
	size_t len;
	int rc;

	if (gen_image(g->o->seed, (unsigned)item, g->o->bad_fraction, &img, &len, e, err,
	    sizeof(g->errs[0])) < 0)
		return -1;
	snprintf(path, sizeof(path), "%s/%s", g->o->out_dir, e->key);
	rc = write_file(path, img, len);
	if (rc < 0)
		snprintf(err, sizeof(g->errs[0]), "%s: %s", path, strerror(errno));
	free(img);
	return rc;
}

/* <out_dir>/manifest.jsonl in index order; st counts the bytes and kinds written. */
static int
write_manifest(const struct gen_options *o, const struct manifest_entry *entries,
    struct gen_stats *st, char *err, size_t errlen)
{
	char path[4096];
	FILE *f;
	unsigned i;

	snprintf(path, sizeof(path), "%s/%s", o->out_dir, MANIFEST_NAME);
	if ((f = fopen(path, "we")) == NULL) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	for (i = 0; i < o->count; i++) {
		if (manifest_write(f, &entries[i]) < 0) {
			snprintf(err, errlen, "%s: write failed", path);
			fclose(f);
			return -1;
		}
		st->bytes += entries[i].size;
		st->kinds[entries[i].kind]++;
	}
	if (fclose(f) != 0) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	return 0;
}

int
gen_run(const struct gen_options *o, struct gen_stats *st, char *err, size_t errlen)
{
	struct gen_ctx *g;
	double t0, seconds;
	long failed;
	unsigned w;
	int rc = -1;

	if (o == NULL || st == NULL || err == NULL || o->out_dir == NULL || o->count == 0 ||
	    !(o->bad_fraction >= 0 && o->bad_fraction <= 1)) {
		if (err != NULL)
			snprintf(err, errlen, "gen: invalid options");
		return -1;
	}
	memset(st, 0, sizeof(*st));
	if (mkdir_p(o->out_dir) < 0) {
		snprintf(err, errlen, "cannot create '%s': %s", o->out_dir, strerror(errno));
		return -2;
	}
	if ((g = calloc(1, sizeof(*g))) == NULL ||
	    (g->entries = calloc(o->count, sizeof(*g->entries))) == NULL) {
		free(g);
		snprintf(err, errlen, "gen: out of memory for %u entries", o->count);
		return -1;
	}
	g->o = o;
	t0 = pool_now();
	/* One error slot per worker: no more workers than slots. */
	w = o->threads ? o->threads : pool_cpus();
	failed = pool_for(o->count, w < NELEM(g->errs) ? w : NELEM(g->errs), gen_one, g, "gen");
	seconds = pool_now() - t0;
	if (failed != 0) {
		for (w = 0; w < NELEM(g->errs) && g->errs[w][0] == '\0'; w++)
			;
		snprintf(err, errlen, "%s", w < NELEM(g->errs) ? g->errs[w] : "gen: cannot start");
	} else if (write_manifest(o, g->entries, st, err, errlen) == 0) {
		st->files = o->count;
		st->seconds = seconds;
		rc = 0;
	}
	free(g->entries);
	free(g);
	return rc;
}
