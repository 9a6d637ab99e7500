/*
 * test_transform.c: unit tests of models/core/transform.c, the optional CPU stage, with its
 * libjpeg context (transform_ctx.c) and transform_spin (transform_spin.c). On the real-camera
 * corpus (EXIFBENCH_CORPUS, else ../shared/exif-corpus, else /work/shared/...): the probe's frame
 * size must equal exiftool's ImageWidth/ImageHeight in expected.json for every file that has one,
 * and files without one must fail as "corrupt JPEG: "; every file the probe accepts must thumbnail
 * to ceil(w/d) x ceil(h/d) for the d the test works out itself, and recompress to its own frame
 * size, each twice to the same bytes; cut at 60% of its bytes up to EOI (of its entropy data when
 * the headers are longer), it must still transform, with warnings. Every file of malformed/ goes
 * through the probe and both transforms: failures are allowed, crashes and leaks are not (run
 * under ASan, UBSan and valgrind), and whatever succeeds must be a JPEG of the right size.
 * Synthetic images, encoded here with libjpeg and transform_ctx.c's error manager, cover the
 * thumbnail size table (tests/data/transform_thumb_sizes.txt), every colour space the decoder
 * reports (grayscale, YCbCr, stored RGB, CMYK, YCCK, a 2-component JCS_UNKNOWN: the samples' means
 * must survive, so CMYK is neither inverted nor converted), corrupt headers, a 704-scan
 * progressive file (the scan limit) and a progressive header claiming 60000x60000 (the memory
 * limit). Then determinism across qualities, four threads against the serial results, error
 * buffers of every small size, transform_spin (at least the CPU time asked for; never an upper
 * bound), the kind names, and NULL and out-of-range arguments.
 */
#include "models/core/transform.c"
#include "models/core/transform_ctx.c"
#include "models/core/transform_spin.c"

#include <dirent.h>
#include <jansson.h>
#include <math.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include <cmocka.h>

#include "../testutil.h"

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))
#define THUMB_MAX 160
#define QUALITY 85
#define NTHREADS 4
#define CUT 0.6 /* truncated files keep this share of their image data */
#define CORRUPT "corrupt JPEG: "

struct cfile {
	char *name;
	unsigned char *buf;
	size_t len;
	int w, h; /* exiftool's frame size; 0 when it reports none */
};

/* The corpus, loaded once by the group setup; empty (tests skip) when it is not found. */
struct corpus {
	struct cfile *jpeg, *bad;
	size_t njpeg, nbad;
};

/* One transform_run's results. */
struct out {
	unsigned char *buf;
	size_t len;
	int warnings;
	char err[256];
};

/* What the headers say, read with transform.c's own input_open. */
struct stored {
	int w, h, comps, progressive;
	J_COLOR_SPACE space;
	size_t header_len; /* bytes up to the first scan's data */
};

/* A full decode's per-component sample means, and where the image's EOI ends. */
struct decoded {
	int w, h, comps;
	double mean[MAX_COMPONENTS];
	uintptr_t endp; /* libjpeg's read position after EOI */
	size_t end;
};

struct synth {
	int w, h, comps;
	J_COLOR_SPACE in_space, jpeg_space;
	int progressive; /* 1: libjpeg's standard script; many_scans when scans is given */
};

struct worker {
	const struct corpus *c;
	unsigned char **ref;
	size_t *reflen, first;
	int mismatches;
	pthread_t tid;
};

/* Every coefficient of a grayscale image sent bit by bit: 64 x 11 = 704 scans. */
static jpeg_scan_info many_scans[64 * 11];

static const char *
corpus_dir(void)
{
	return testutil_corpus_dir();
}

static int
name_cmp(const void *a, const void *b)
{
	return strcmp(((const struct cfile *)a)->name, ((const struct cfile *)b)->name);
}

/* Every file of dir/sub, sorted by name. */
static int
load_dir(const char *dir, const char *sub, struct cfile **files, size_t *n)
{
	char path[4096];
	struct dirent *e;
	size_t cap = 0;
	DIR *d;

	snprintf(path, sizeof(path), "%s/%s", dir, sub);
	if ((d = opendir(path)) == NULL) {
		print_error("cannot open %s\n", path);
		return -1;
	}
	while ((e = readdir(d)) != NULL) {
		struct cfile *f;

		if (e->d_name[0] == '.')
			continue;
		if (*n == cap) {
			cap = cap ? 2 * cap : 128;
			if ((f = realloc(*files, cap * sizeof(*f))) == NULL)
				break;
			*files = f;
		}
		f = &(*files)[*n];
		memset(f, 0, sizeof(*f));
		snprintf(path, sizeof(path), "%s/%s/%s", dir, sub, e->d_name);
		if ((f->name = strdup(e->d_name)) == NULL ||
		    (f->buf = testutil_slurp(path, &f->len)) == NULL) {
			free(f->name);
			break;
		}
		(*n)++;
	}
	closedir(d);
	if (e != NULL)
		return -1;
	qsort(*files, *n, sizeof(**files), name_cmp);
	return 0;
}

/* ImageWidth and ImageHeight from expected.json onto the files of the same name. */
static int
load_expected(const char *dir, struct corpus *c)
{
	char path[4096];
	json_error_t jerr;
	json_t *root, *v;
	struct cfile key, *f;
	size_t i;

	snprintf(path, sizeof(path), "%s/expected.json", dir);
	if ((root = json_load_file(path, 0, &jerr)) == NULL) {
		print_error("%s:%d: %s\n", path, jerr.line, jerr.text);
		return -1;
	}
	json_array_foreach(root, i, v) {
		key.name = (char *)json_string_value(json_object_get(v, "SourceFile"));
		if (key.name == NULL ||
		    (f = bsearch(&key, c->jpeg, c->njpeg, sizeof(*f), name_cmp)) == NULL)
			continue;
		f->w = (int)json_integer_value(json_object_get(v, "ImageWidth"));
		f->h = (int)json_integer_value(json_object_get(v, "ImageHeight"));
	}
	json_decref(root);
	return 0;
}

static void
free_files(struct cfile *v, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		free(v[i].name);
		free(v[i].buf);
	}
	free(v);
}

static int
group_setup(void **state)
{
	struct corpus *c;
	const char *dir;

	if ((c = calloc(1, sizeof(*c))) == NULL)
		return -1;
	*state = c;
	if ((dir = corpus_dir()) == NULL) {
		print_message("exif-corpus not found: the corpus tests skip\n");
		return 0;
	}
	if (load_dir(dir, "jpeg", &c->jpeg, &c->njpeg) < 0 ||
	    load_dir(dir, "malformed", &c->bad, &c->nbad) < 0 || load_expected(dir, c) < 0)
		return -1;
	return 0;
}

static int
group_teardown(void **state)
{
	struct corpus *c = *state;

	if (c != NULL) {
		free_files(c->jpeg, c->njpeg);
		free_files(c->bad, c->nbad);
		free(c);
	}
	return 0;
}

static struct corpus *
corpus_or_skip(void **state)
{
	struct corpus *c = *state;

	if (c->njpeg == 0)
		skip();
	return c;
}

static struct transform_opts
opts(enum transform_kind kind, int quality, int thumb_max)
{
	struct transform_opts o = TRANSFORM_OPTS_DEFAULT;

	o.kind = kind;
	o.quality = quality;
	o.thumb_max = thumb_max;
	return o;
}

/* transform_run, checking the contract's outputs on both outcomes. */
static int
run(const struct transform_opts *o, const unsigned char *in, size_t len, struct out *r)
{
	int rc;

	r->buf = (unsigned char *)r; /* must be overwritten */
	r->len = 1;
	r->warnings = -1;
	r->err[0] = '\0';
	rc = transform_run(o, in, len, &r->buf, &r->len, &r->warnings, r->err, sizeof(r->err));
	if (rc == 0) {
		assert_non_null(r->buf);
		assert_true(r->len > 0);
		assert_true(r->warnings >= 0);
	} else {
		assert_int_equal(rc, -1);
		assert_null(r->buf);
		assert_int_equal(r->len, 0);
		assert_string_not_equal(r->err, "");
	}
	return rc;
}

static int
run_kind(enum transform_kind kind, const unsigned char *in, size_t len, struct out *r)
{
	struct transform_opts o = opts(kind, QUALITY, THUMB_MAX);

	return run(&o, in, len, r);
}

/* Probes a transform's output, which must be a JPEG. */
static struct jpeg_info
probe_ok(const struct out *r)
{
	struct jpeg_info info;
	char err[256];

	if (transform_probe(r->buf, r->len, &info, err, sizeof(err)) != 0)
		fail_msg("output does not probe: %s", err);
	return info;
}

/* The scale the contract asks for, worked out without libjpeg. */
static int
want_denom(int w, int h, int thumb_max)
{
	int d;

	for (d = 1; d < 8; d *= 2)
		if ((w + d - 1) / d <= thumb_max && (h + d - 1) / d <= thumb_max)
			break;
	return d;
}

static int
inspect_guarded(struct tctx *t, const unsigned char *buf, size_t len)
{
	if (setjmp(t->jerr.jb) != 0)
		return -1;
	input_open(t, buf, len);
	return 0;
}

static struct stored
inspect(const unsigned char *buf, size_t len)
{
	struct stored s = { 0 };
	struct tctx t;
	char err[256] = "";
	int rc;

	tctx_init(&t, err, sizeof(err));
	if ((rc = inspect_guarded(&t, buf, len)) == 0) {
		s.w = (int)t.d.image_width;
		s.h = (int)t.d.image_height;
		s.comps = t.d.num_components;
		s.progressive = t.d.progressive_mode;
		s.space = t.d.jpeg_color_space;
		s.header_len = (size_t)(t.d.src->next_input_byte - buf);
	}
	tctx_release(&t);
	if (rc != 0)
		fail_msg("inspect: %s", err);
	return s;
}

/* Locals changed after setjmp are not read after a longjmp: the sums live in *r. */
static int
decode_guarded(struct tctx *t, const unsigned char *buf, size_t len, unsigned denom,
    struct decoded *r)
{
	JSAMPARRAY row;
	JDIMENSION x;
	int c;

	if (setjmp(t->jerr.jb) != 0)
		return -1;
	input_open(t, buf, len);
	decode_start(t, denom);
	r->w = (int)t->d.output_width;
	r->h = (int)t->d.output_height;
	r->comps = t->d.output_components;
	row = (*t->d.mem->alloc_sarray)((j_common_ptr)&t->d, JPOOL_IMAGE,
	    t->d.output_width * (JDIMENSION)r->comps, 1);
	while (t->d.output_scanline < t->d.output_height) {
		(void)jpeg_read_scanlines(&t->d, row, 1);
		for (x = 0; x < t->d.output_width * (JDIMENSION)r->comps; x++)
			r->mean[x % (JDIMENSION)r->comps] += row[0][x];
	}
	(void)jpeg_finish_decompress(&t->d);
	r->endp = (uintptr_t)t->d.src->next_input_byte;
	for (c = 0; c < r->comps; c++)
		r->mean[c] /= (double)r->w * r->h;
	return 0;
}

/* Decodes at 1/denom (where the image ends is all some callers want: 8 is faster). */
static struct decoded
decode(const unsigned char *buf, size_t len, unsigned denom)
{
	struct decoded r = { 0 };
	struct tctx t;
	char err[256] = "";
	int rc;

	tctx_init(&t, err, sizeof(err));
	rc = decode_guarded(&t, buf, len, denom, &r);
	tctx_release(&t);
	if (rc != 0)
		fail_msg("decode: %s", err);
	/* Past the data, libjpeg reads a fake EOI of its own: then the image ends with buf. */
	if (r.endp >= (uintptr_t)buf && r.endp <= (uintptr_t)buf + len)
		r.end = r.endp - (uintptr_t)buf;
	else
		r.end = len;
	return r;
}

static int
build_many_scans(void)
{
	jpeg_scan_info *s = many_scans;
	int k, al;

	for (k = 0; k < 64; k++) {
		for (al = 10; al >= 0; al--, s++) {
			s->comps_in_scan = 1;
			s->component_index[0] = 0;
			s->Ss = s->Se = k;
			s->Ah = al == 10 ? 0 : al + 1;
			s->Al = al;
		}
	}
	return (int)(s - many_scans);
}

/* Smooth ramps plus a little texture, different in each component. */
static JSAMPLE
pattern(const struct synth *s, int x, int y, int c)
{
	return (JSAMPLE)((x * 200 / s->w + y * 50 / s->h + c * 40 + (x * 7 + y * 13 + c) % 11) &
	    255);
}

static int
synth_guarded(struct tctx *t, const struct synth *s, int nscans)
{
	JSAMPARRAY row;
	int x, y, c;

	if (setjmp(t->jerr.jb) != 0)
		return -1;
	jpeg_create_compress(&t->c);
	t->c.dest = &t->dst.pub;
	t->c.image_width = (JDIMENSION)s->w;
	t->c.image_height = (JDIMENSION)s->h;
	t->c.input_components = s->comps;
	t->c.in_color_space = s->in_space;
	jpeg_set_defaults(&t->c);
	jpeg_set_colorspace(&t->c, s->jpeg_space);
	jpeg_set_quality(&t->c, 90, TRUE);
	if (nscans > 0) {
		t->c.scan_info = many_scans;
		t->c.num_scans = nscans;
	} else if (s->progressive) {
		jpeg_simple_progression(&t->c);
	}
	jpeg_start_compress(&t->c, TRUE);
	row = (*t->c.mem->alloc_sarray)((j_common_ptr)&t->c, JPOOL_IMAGE,
	    (JDIMENSION)(s->w * s->comps), 1);
	for (y = 0; y < s->h; y++) {
		for (x = 0; x < s->w; x++)
			for (c = 0; c < s->comps; c++)
				row[0][x * s->comps + c] = pattern(s, x, y, c);
		(void)jpeg_write_scanlines(&t->c, row, 1);
	}
	jpeg_finish_compress(&t->c);
	return 0;
}

/* A JPEG of s, malloc'd; nscans > 0 uses the first nscans of many_scans. */
static unsigned char *
synth_jpeg(const struct synth *s, int nscans, size_t *len)
{
	struct tctx t;
	unsigned char *buf = NULL;
	char err[256] = "";
	int rc;

	tctx_init(&t, err, sizeof(err));
	if ((rc = synth_guarded(&t, s, nscans)) == 0) {
		buf = t.dst.buf;
		*len = t.dst.cap - t.dst.pub.free_in_buffer;
		t.dst.buf = NULL;
	}
	tctx_release(&t);
	if (rc != 0)
		fail_msg("synth %dx%d: %s", s->w, s->h, err);
	return buf;
}

static unsigned char *
synth_rgb(int w, int h, int progressive, size_t *len)
{
	struct synth s = { w, h, 3, JCS_RGB, JCS_YCbCr, progressive };

	return synth_jpeg(&s, 0, len);
}

/* The offset of the first marker of type m (a SOFn, DQT, ...), walking the segments. */
static size_t
marker_at(const unsigned char *buf, size_t len, unsigned char m)
{
	size_t i = 2;

	while (i + 4 <= len && buf[i] == 0xff) {
		if (buf[i + 1] == m)
			return i;
		i += 2 + ((size_t)buf[i + 2] << 8 | buf[i + 3]);
	}
	fail_msg("marker 0x%02x not found", m);
	return 0;
}

/* JFIF's RGB to YCbCr, in place. */
static void
rgb_to_ycc(double *v)
{
	double r = v[0], g = v[1], b = v[2];

	v[0] = 0.299 * r + 0.587 * g + 0.114 * b;
	v[1] = -0.168736 * r - 0.331264 * g + 0.5 * b + 128;
	v[2] = 0.5 * r - 0.418688 * g - 0.081312 * b + 128;
}

static void
test_kind_names(void **state)
{
	static const char *const bad[] = { "", "Thumbnail", "thumb", "none ", "recompress\n",
		"NONE" };
	enum transform_kind k, got;
	size_t i;

	(void)state;
	for (k = TRANSFORM_NONE; k <= TRANSFORM_RECOMPRESS; k++) {
		got = (enum transform_kind)99;
		assert_int_equal(transform_kind_parse(transform_kind_name(k), &got), 0);
		assert_int_equal(got, k);
	}
	assert_string_equal(transform_kind_name(TRANSFORM_NONE), "none");
	assert_string_equal(transform_kind_name(TRANSFORM_THUMBNAIL), "thumbnail");
	assert_string_equal(transform_kind_name(TRANSFORM_RECOMPRESS), "recompress");
	for (i = 0; i < NELEM(bad); i++) {
		got = TRANSFORM_THUMBNAIL;
		assert_int_equal(transform_kind_parse(bad[i], &got), -1);
		assert_int_equal(got, TRANSFORM_THUMBNAIL);
	}
	assert_int_equal(transform_kind_parse(NULL, &got), -1);
	assert_int_equal(transform_kind_parse("none", NULL), -1);
	assert_string_equal(transform_kind_name((enum transform_kind)3), "unknown");
	assert_string_equal(transform_kind_name((enum transform_kind)-1), "unknown");
}

static void
test_probe_corpus(void **state)
{
	struct corpus *c = corpus_or_skip(state);
	struct jpeg_info info;
	size_t i, agree = 0, nosize = 0, bad = 0, warned = 0;
	char err[256];
	int rc;

	for (i = 0; i < c->njpeg; i++) {
		const struct cfile *f = &c->jpeg[i];

		err[0] = '\0';
		rc = transform_probe(f->buf, f->len, &info, err, sizeof(err));
		/* one camera file has bytes between two markers, which libjpeg skips */
		if (rc == 0 && info.warnings != (strcmp(f->name,
		    "metadata-extractor-images__issue 121.jpg") == 0)) {
			print_error("%s: %d header warnings\n", f->name, info.warnings);
			bad++;
		}
		warned += rc == 0 && info.warnings > 0;
		if (f->w > 0 && f->h > 0) {
			if (rc == 0 && info.width == f->w && info.height == f->h &&
			    info.components >= 1) {
				agree++;
				continue;
			}
			print_error("%s: probe %d %dx%d (%s), exiftool %dx%d\n", f->name, rc,
			    rc == 0 ? info.width : 0, rc == 0 ? info.height : 0, err, f->w, f->h);
			bad++;
		} else {
			/* No frame, or a height of 0 that a DNL marker defines: not for libjpeg. */
			nosize++;
			if (rc != -1 || strncmp(err, CORRUPT, strlen(CORRUPT)) != 0) {
				print_error("%s: exiftool has no size, probe %d (%s)\n", f->name, rc,
				    err);
				bad++;
			}
		}
	}
	print_message("probe: %zu of %zu frame sizes agree with exiftool; %zu files without "
		      "one fail as corrupt\n",
	    agree, c->njpeg - nosize, nosize);
	assert_int_equal(bad, 0);
	assert_int_equal(warned, 1);
	assert_true(agree >= 100);
}

static void
test_probe_garbage(void **state)
{
	static const unsigned char soi[] = { 0xff, 0xd8 }, soi_eoi[] = { 0xff, 0xd8, 0xff, 0xd9 },
				   png[] = { 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n', 0, 0,
					   0, 13, 'I', 'H', 'D', 'R' };
	unsigned char noise[1000], jnoise[1000];
	struct {
		const unsigned char *buf;
		size_t len;
	} cases[] = {
		{ NULL, 0 },
		{ soi, 0 },
		{ soi, 1 },
		{ soi, sizeof(soi) },
		{ soi_eoi, sizeof(soi_eoi) },
		{ png, sizeof(png) },
		{ (const unsigned char *)"hello, world", 12 },
		{ noise, sizeof(noise) },
		{ jnoise, sizeof(jnoise) },
	};
	struct jpeg_info info = { 7, 7, 7, 7 };
	struct out r;
	uint64_t x = 1;
	size_t i;
	char err[256];

	(void)state;
	for (i = 0; i < sizeof(noise); i++) {
		x = mix(x);
		noise[i] = jnoise[i] = (unsigned char)(x >> 56);
	}
	jnoise[0] = 0xff;
	jnoise[1] = 0xd8;
	jnoise[2] = 0xff;
	for (i = 0; i < NELEM(cases); i++) {
		err[0] = '\0';
		assert_int_equal(transform_probe(cases[i].buf, cases[i].len, &info, err,
		    sizeof(err)), -1);
		if (strncmp(err, CORRUPT, strlen(CORRUPT)) != 0)
			fail_msg("case %zu: \"%s\"", i, err);
		assert_int_equal(run_kind(TRANSFORM_THUMBNAIL, cases[i].buf, cases[i].len, &r), -1);
		assert_string_equal(r.err, err);
		assert_int_equal(run_kind(TRANSFORM_RECOMPRESS, cases[i].buf, cases[i].len, &r), -1);
		assert_string_equal(r.err, err);
	}
	/* A failed probe leaves *info alone. */
	assert_int_equal(info.width, 7);
	transform_probe(NULL, 0, &info, err, sizeof(err));
	assert_string_equal(err, CORRUPT "Empty input file");
}

/* Every corpus JPEG thumbnails to the contract's size, twice to the same bytes. */
static void
test_thumbnail_corpus(void **state)
{
	struct corpus *c = corpus_or_skip(state);
	struct jpeg_info in, got;
	struct out a, b;
	size_t i, done = 0, warned = 0;
	char err[256];
	int d;

	for (i = 0; i < c->njpeg; i++) {
		const struct cfile *f = &c->jpeg[i];

		if (transform_probe(f->buf, f->len, &in, err, sizeof(err)) != 0) {
			assert_int_equal(run_kind(TRANSFORM_THUMBNAIL, f->buf, f->len, &a), -1);
			assert_string_equal(a.err, err);
			continue;
		}
		if (run_kind(TRANSFORM_THUMBNAIL, f->buf, f->len, &a) != 0)
			fail_msg("%s: %s", f->name, a.err);
		got = probe_ok(&a);
		d = want_denom(in.width, in.height, THUMB_MAX);
		if (got.width != (in.width + d - 1) / d || got.height != (in.height + d - 1) / d ||
		    got.components != in.components)
			fail_msg("%s: %dx%d/%d gave %dx%dx%d", f->name, in.width, in.height, d,
			    got.width, got.height, got.components);
		assert_int_equal(run_kind(TRANSFORM_THUMBNAIL, f->buf, f->len, &b), 0);
		assert_int_equal(b.len, a.len);
		assert_memory_equal(b.buf, a.buf, a.len);
		assert_int_equal(b.warnings, a.warnings);
		warned += a.warnings > 0;
		done++;
		free(a.buf);
		free(b.buf);
	}
	print_message("thumbnail: %zu files, %zu with warnings\n", done, warned);
	assert_true(done >= 100);
}

/* Every corpus JPEG recompresses to its own frame size, twice to the same bytes. */
static void
test_recompress_corpus(void **state)
{
	struct corpus *c = corpus_or_skip(state);
	struct jpeg_info in, got;
	struct out a, b;
	size_t i, done = 0;
	char err[256];

	for (i = 0; i < c->njpeg; i++) {
		const struct cfile *f = &c->jpeg[i];

		if (transform_probe(f->buf, f->len, &in, err, sizeof(err)) != 0) {
			assert_int_equal(run_kind(TRANSFORM_RECOMPRESS, f->buf, f->len, &a), -1);
			assert_string_equal(a.err, err);
			continue;
		}
		if (run_kind(TRANSFORM_RECOMPRESS, f->buf, f->len, &a) != 0)
			fail_msg("%s: %s", f->name, a.err);
		got = probe_ok(&a);
		if (got.width != in.width || got.height != in.height ||
		    got.components != in.components)
			fail_msg("%s: %dx%dx%d gave %dx%dx%d", f->name, in.width, in.height,
			    in.components, got.width, got.height, got.components);
		assert_int_equal(run_kind(TRANSFORM_RECOMPRESS, f->buf, f->len, &b), 0);
		assert_int_equal(b.len, a.len);
		assert_memory_equal(b.buf, a.buf, a.len);
		done++;
		free(a.buf);
		free(b.buf);
	}
	assert_true(done >= 100);
}

/*
 * Each corpus JPEG cut at 60% of its image (EOI included, trailers after it not) still
 * thumbnails, at full size, with libjpeg's warnings; one baseline and one progressive file
 * also recompress. Where the headers take more than 60%, the cut is 60% of the way from the
 * first scan to EOI.
 */
static void
test_truncated(void **state)
{
	struct corpus *c = corpus_or_skip(state);
	struct jpeg_info in, got;
	struct stored s;
	struct decoded full;
	struct out r;
	size_t i, cut, done = 0, recompressed[2] = { 0, 0 };
	char err[256];
	int d;

	for (i = 0; i < c->njpeg; i++) {
		const struct cfile *f = &c->jpeg[i];

		if (transform_probe(f->buf, f->len, &in, err, sizeof(err)) != 0)
			continue;
		s = inspect(f->buf, f->len);
		full = decode(f->buf, f->len, 8);
		cut = (size_t)((double)full.end * CUT);
		if (s.header_len >= cut)
			cut = s.header_len + (size_t)((double)(full.end - s.header_len) * CUT);
		if (run_kind(TRANSFORM_THUMBNAIL, f->buf, cut, &r) != 0)
			fail_msg("%s cut at %zu: %s", f->name, cut, r.err);
		got = probe_ok(&r);
		d = want_denom(in.width, in.height, THUMB_MAX);
		assert_int_equal(got.width, (in.width + d - 1) / d);
		assert_int_equal(got.height, (in.height + d - 1) / d);
		if (r.warnings <= 0)
			fail_msg("%s cut at %zu of %zu: no warning", f->name, cut, full.end);
		free(r.buf);
		if (recompressed[s.progressive]++ == 0) {
			if (run_kind(TRANSFORM_RECOMPRESS, f->buf, cut, &r) != 0)
				fail_msg("%s cut at %zu: %s", f->name, cut, r.err);
			got = probe_ok(&r);
			assert_int_equal(got.width, in.width);
			assert_int_equal(got.height, in.height);
			assert_true(r.warnings > 0);
			free(r.buf);
		}
		done++;
	}
	print_message("truncated: %zu files cut at %.0f%% (%zu progressive)\n", done, CUT * 100,
	    recompressed[1]);
	assert_true(done >= 100);
	assert_true(recompressed[0] > 0 && recompressed[1] > 0);
}

/* malformed/: anything may fail, nothing may crash or leak, successes must be right. */
static void
test_malformed(void **state)
{
	struct corpus *c = corpus_or_skip(state);
	struct jpeg_info in, got;
	struct out r;
	size_t i, probed = 0, ok[2] = { 0, 0 };
	char err[256];
	int k, d, prc;

	for (i = 0; i < c->nbad; i++) {
		const struct cfile *f = &c->bad[i];

		prc = transform_probe(f->buf, f->len, &in, err, sizeof(err));
		if (prc != 0 && strncmp(err, CORRUPT, strlen(CORRUPT)) != 0)
			fail_msg("%s: probe: %s", f->name, err);
		probed += prc == 0;
		for (k = 0; k < 2; k++) {
			if (run_kind(k ? TRANSFORM_RECOMPRESS : TRANSFORM_THUMBNAIL, f->buf, f->len,
				&r) != 0) {
				if (strncmp(r.err, CORRUPT, strlen(CORRUPT)) != 0 &&
				    strncmp(r.err, "out of memory", 13) != 0)
					fail_msg("%s: %s", f->name, r.err);
				continue;
			}
			if (prc != 0)
				fail_msg("%s: transforms but does not probe (%s)", f->name, err);
			got = probe_ok(&r);
			d = k ? 1 : want_denom(in.width, in.height, THUMB_MAX);
			assert_int_equal(got.width, (in.width + d - 1) / d);
			assert_int_equal(got.height, (in.height + d - 1) / d);
			assert_int_equal(got.components, in.components);
			ok[k]++;
			free(r.buf);
		}
	}
	print_message("malformed: %zu files, %zu probe, %zu thumbnail, %zu recompress\n",
	    c->nbad, probed, ok[0], ok[1]);
}

/* The table of tests/data/transform_thumb_sizes.txt on synthetic RGB images. */
static void
test_thumb_sizes(void **state)
{
	char *text, *line, *save = NULL;
	unsigned char *buf = NULL;
	size_t len = 0;
	struct transform_opts o;
	struct jpeg_info got;
	struct out r;
	int w, h, max, ww, wh, lw = 0, lh = 0, n = 0;

	(void)state;
	text = testutil_slurp_data("transform_thumb_sizes.txt", NULL);
	assert_non_null(text);
	for (line = strtok_r(text, "\n", &save); line != NULL; line = strtok_r(NULL, "\n", &save)) {
		if (line[0] == '#')
			continue;
		if (sscanf(line, "%d %d %d %d %d", &w, &h, &max, &ww, &wh) != 5)
			fail_msg("transform_thumb_sizes.txt: bad line \"%s\"", line);
		/* The table agrees with the rule, and the rule with libjpeg. */
		assert_int_equal(ww, (w + want_denom(w, h, max) - 1) / want_denom(w, h, max));
		if (w != lw || h != lh) {
			free(buf);
			buf = synth_rgb(w, h, 0, &len);
			lw = w;
			lh = h;
		}
		o = opts(TRANSFORM_THUMBNAIL, QUALITY, max);
		assert_int_equal(run(&o, buf, len, &r), 0);
		got = probe_ok(&r);
		if (got.width != ww || got.height != wh || got.components != 3)
			fail_msg("%dx%d at %d: got %dx%d, want %dx%d", w, h, max, got.width,
			    got.height, ww, wh);
		free(r.buf);
		n++;
	}
	free(buf);
	free(text);
	assert_true(n >= 20);
}

/*
 * Each colour space through both transforms: the component count and the stored space
 * must be as documented in decode_space, and the mean of each component must survive
 * (within a few levels of JPEG loss), so CMYK is neither inverted nor converted. Stored RGB
 * comes out as YCbCr: means commute with the (linear) JFIF conversion.
 */
static void
test_colour_spaces(void **state)
{
	static const struct {
		struct synth s;
		J_COLOR_SPACE want;
	} cases[] = {
		{ { 67, 45, 1, JCS_GRAYSCALE, JCS_GRAYSCALE, 0 }, JCS_GRAYSCALE },
		{ { 67, 45, 1, JCS_GRAYSCALE, JCS_GRAYSCALE, 1 }, JCS_GRAYSCALE },
		{ { 67, 45, 3, JCS_RGB, JCS_YCbCr, 0 }, JCS_YCbCr },
		{ { 67, 45, 3, JCS_RGB, JCS_RGB, 0 }, JCS_YCbCr },
		{ { 67, 45, 4, JCS_CMYK, JCS_CMYK, 0 }, JCS_CMYK },
		{ { 67, 45, 4, JCS_CMYK, JCS_YCCK, 0 }, JCS_CMYK },
		{ { 67, 45, 4, JCS_CMYK, JCS_YCCK, 1 }, JCS_CMYK },
		{ { 67, 45, 2, JCS_UNKNOWN, JCS_UNKNOWN, 0 }, JCS_UNKNOWN },
	};
	struct decoded src, got;
	struct stored st;
	struct out r;
	unsigned char *buf;
	size_t i, len;
	int k, ci;

	(void)state;
	for (i = 0; i < NELEM(cases); i++) {
		buf = synth_jpeg(&cases[i].s, 0, &len);
		st = inspect(buf, len);
		assert_int_equal(st.comps, cases[i].s.comps);
		assert_int_equal(st.space, cases[i].s.jpeg_space);
		src = decode(buf, len, 1);
		if (st.space == JCS_RGB)
			rgb_to_ycc(src.mean);
		for (k = 0; k < 2; k++) {
			struct transform_opts o = opts(k ? TRANSFORM_RECOMPRESS : TRANSFORM_THUMBNAIL,
			    QUALITY, 40);

			if (run(&o, buf, len, &r) != 0)
				fail_msg("case %zu: %s", i, r.err);
			st = inspect(r.buf, r.len);
			got = decode(r.buf, r.len, 1);
			assert_int_equal(st.comps, cases[i].s.comps);
			assert_int_equal(st.space, cases[i].want);
			assert_int_equal(got.w, k ? 67 : 34);
			assert_int_equal(got.h, k ? 45 : 23);
			for (ci = 0; ci < st.comps; ci++)
				if (fabs(got.mean[ci] - src.mean[ci]) > 4)
					fail_msg("case %zu kind %d component %d: mean %.1f, "
						 "source %.1f",
					    i, k, ci, got.mean[ci], src.mean[ci]);
			free(r.buf);
		}
		free(buf);
	}
}

/* Headers broken one way each: -1, "corrupt JPEG: " and libjpeg's reason, from all three. */
static void
test_corrupt_headers(void **state)
{
	static const struct {
		const char *what;
		unsigned char marker; /* patch the segment of this marker... */
		size_t off;	      /* ...at this offset from it */
		int byte;	      /* to this value, or -1: cut the file there */
		const char *want;
	} cases[] = {
		{ "no SOI", 0xd8, 0, 0x00, "Not a JPEG file: starts with 0x00 0xd8" },
		{ "SOI only", 0xd8, 2, -1, "JPEG datastream contains no image" },
		{ "cut after SOF", 0xc4, 0, -1, "Invalid JPEG file structure: missing SOS marker" },
		{ "height 0", 0xc0, 5, 0x00, "Empty JPEG image (DNL not supported)" },
		{ "12-bit", 0xc0, 4, 12, "Unsupported JPEG data precision 12" },
		{ "17 components in 3's length", 0xc0, 9, 17, "Bogus marker length" },
		{ "bad DQT index", 0xdb, 4, 9, "Bogus DQT index 9" },
		{ "lossless", 0xc0, 1, 0xc3, "Unsupported JPEG process: SOF type 0xc3" },
	};
	unsigned char *good, *bad;
	struct jpeg_info info;
	struct out r;
	size_t i, len, at, n;
	char err[256], want[256];

	(void)state;
	good = synth_rgb(40, 30, 0, &len);
	for (i = 0; i < NELEM(cases); i++) {
		bad = malloc(len);
		assert_non_null(bad);
		memcpy(bad, good, len);
		at = cases[i].marker == 0xd8 ? 0 : marker_at(good, len, cases[i].marker);
		n = len;
		if (cases[i].byte < 0)
			n = at + cases[i].off;
		else
			bad[at + cases[i].off] = (unsigned char)cases[i].byte;
		if (cases[i].marker == 0xc0 && cases[i].off == 5)
			bad[at + 6] = 0; /* both bytes of the height */
		snprintf(want, sizeof(want), CORRUPT "%s", cases[i].want);
		err[0] = '\0';
		assert_int_equal(transform_probe(bad, n, &info, err, sizeof(err)), -1);
		if (strcmp(err, want) != 0)
			fail_msg("%s: \"%s\", want \"%s\"", cases[i].what, err, want);
		assert_int_equal(run_kind(TRANSFORM_THUMBNAIL, bad, n, &r), -1);
		assert_string_equal(r.err, want);
		assert_int_equal(run_kind(TRANSFORM_RECOMPRESS, bad, n, &r), -1);
		assert_string_equal(r.err, want);
		free(bad);
	}
	free(good);
}

/* More than MAX_SCANS scans fail in the decoder; libjpeg's standard script passes. */
static void
test_scan_limit(void **state)
{
	struct synth s = { 16, 16, 1, JCS_GRAYSCALE, JCS_GRAYSCALE, 1 };
	struct jpeg_info info;
	struct out r;
	unsigned char *buf;
	size_t len;
	char err[256], want[64];

	(void)state;
	buf = synth_jpeg(&s, 0, &len);
	assert_int_equal(run_kind(TRANSFORM_RECOMPRESS, buf, len, &r), 0);
	free(r.buf);
	free(buf);

	buf = synth_jpeg(&s, build_many_scans(), &len);
	assert_int_equal(transform_probe(buf, len, &info, err, sizeof(err)), 0);
	snprintf(want, sizeof(want), CORRUPT "more than %d scans", MAX_SCANS);
	assert_int_equal(run_kind(TRANSFORM_THUMBNAIL, buf, len, &r), -1);
	assert_string_equal(r.err, want);
	assert_int_equal(run_kind(TRANSFORM_RECOMPRESS, buf, len, &r), -1);
	assert_string_equal(r.err, want);
	free(buf);
}

/*
 * A progressive header claiming 60000x60000 asks for about 10 GB of coefficients: refused
 * before any of it is allocated (ASan would report a huge allocation, valgrind a slow one).
 */
static void
test_memory_limit(void **state)
{
	struct jpeg_info info;
	struct out r;
	unsigned char *buf;
	size_t len, at;
	char err[256];
	int k;

	(void)state;
	buf = synth_rgb(64, 64, 1, &len);
	at = marker_at(buf, len, 0xc2);
	buf[at + 5] = buf[at + 7] = 60000 >> 8;
	buf[at + 6] = buf[at + 8] = 60000 & 255;
	assert_int_equal(transform_probe(buf, len, &info, err, sizeof(err)), 0);
	assert_int_equal(info.width, 60000);
	assert_int_equal(info.height, 60000);
	for (k = 0; k < 2; k++) {
		assert_int_equal(run_kind(k ? TRANSFORM_RECOMPRESS : TRANSFORM_THUMBNAIL, buf, len,
		    &r), -1);
		assert_string_equal(r.err, "out of memory: the image needs more than 512 MiB");
	}
	free(buf);
}

/* Same input and options, same bytes, at several qualities; other qualities, other bytes. */
static void
test_determinism(void **state)
{
	static const int qualities[] = { 1, 50, 85, 100 };
	static const enum transform_kind kinds[] = { TRANSFORM_THUMBNAIL, TRANSFORM_RECOMPRESS };
	struct synth s[] = {
		{ 300, 200, 3, JCS_RGB, JCS_YCbCr, 0 },
		{ 300, 200, 3, JCS_RGB, JCS_YCbCr, 1 },
		{ 150, 90, 4, JCS_CMYK, JCS_YCCK, 0 },
		{ 150, 90, 1, JCS_GRAYSCALE, JCS_GRAYSCALE, 1 },
	};
	unsigned char *prev = NULL;
	struct out a, b;
	unsigned char *buf;
	size_t i, j, k, len, prevlen = 0;

	(void)state;
	for (i = 0; i < NELEM(s); i++) {
		buf = synth_jpeg(&s[i], 0, &len);
		for (k = 0; k < NELEM(kinds); k++) {
			for (j = 0; j < NELEM(qualities); j++) {
				struct transform_opts o = opts(kinds[k], qualities[j], 100);

				assert_int_equal(run(&o, buf, len, &a), 0);
				assert_int_equal(run(&o, buf, len, &b), 0);
				assert_int_equal(a.len, b.len);
				assert_memory_equal(a.buf, b.buf, a.len);
				assert_int_equal(a.warnings, 0);
				if (j > 0 && prevlen == a.len)
					assert_memory_not_equal(prev, a.buf, a.len);
				free(prev);
				free(b.buf);
				prev = a.buf;
				prevlen = a.len;
			}
			free(prev);
			prev = NULL;
		}
		free(buf);
	}
}

static void *
worker_main(void *arg)
{
	struct worker *w = arg;
	struct transform_opts o = opts(TRANSFORM_THUMBNAIL, QUALITY, THUMB_MAX);
	unsigned char *out;
	size_t i, len;
	char err[256];
	int warn, rc;

	for (i = w->first; i < w->c->njpeg; i += NTHREADS) {
		rc = transform_run(&o, w->c->jpeg[i].buf, w->c->jpeg[i].len, &out, &len, &warn, err,
		    sizeof(err));
		if ((rc == 0) != (w->ref[i] != NULL) ||
		    (rc == 0 && (len != w->reflen[i] || memcmp(out, w->ref[i], len) != 0)))
			w->mismatches++;
		free(out);
	}
	return NULL;
}

/* Four threads at once give the serial results: no state outside the call. */
static void
test_threads(void **state)
{
	struct corpus *c = corpus_or_skip(state);
	struct worker w[NTHREADS];
	struct out r;
	unsigned char **ref;
	size_t *reflen, i;
	int t, total = 0;

	ref = calloc(c->njpeg, sizeof(*ref));
	reflen = calloc(c->njpeg, sizeof(*reflen));
	assert_non_null(ref);
	assert_non_null(reflen);
	for (i = 0; i < c->njpeg; i++) {
		if (run_kind(TRANSFORM_THUMBNAIL, c->jpeg[i].buf, c->jpeg[i].len, &r) == 0) {
			ref[i] = r.buf;
			reflen[i] = r.len;
		}
	}
	for (t = 0; t < NTHREADS; t++) {
		w[t] = (struct worker){ c, ref, reflen, (size_t)t, 0, 0 };
		assert_int_equal(pthread_create(&w[t].tid, NULL, worker_main, &w[t]), 0);
	}
	for (t = 0; t < NTHREADS; t++) {
		assert_int_equal(pthread_join(w[t].tid, NULL), 0);
		total += w[t].mismatches;
	}
	for (i = 0; i < c->njpeg; i++)
		free(ref[i]);
	free(ref);
	free(reflen);
	assert_int_equal(total, 0);
}

/* A message cut to every small buffer size, in heap buffers of exactly that size. */
static void
test_err_buffers(void **state)
{
	static const unsigned char junk[] = { 0xff, 0xd8, 0xff, 0x30, 0, 0 };
	const char *full = CORRUPT "Unsupported marker type 0x30";
	struct transform_opts o = opts(TRANSFORM_THUMBNAIL, QUALITY, THUMB_MAX);
	struct jpeg_info info;
	unsigned char *out;
	size_t n, len;
	char *err;
	int warn;

	(void)state;
	for (n = 1; n <= strlen(full) + 1; n++) {
		err = malloc(n);
		assert_non_null(err);
		memset(err, 'x', n);
		assert_int_equal(transform_probe(junk, sizeof(junk), &info, err, n), -1);
		assert_int_equal(strlen(err), n - 1);
		assert_memory_equal(err, full, n - 1);
		memset(err, 'x', n);
		assert_int_equal(transform_run(&o, junk, sizeof(junk), &out, &len, &warn, err, n),
		    -1);
		assert_int_equal(strlen(err), n - 1);
		assert_memory_equal(err, full, n - 1);
		free(err);
	}
	/* No buffer at all. */
	assert_int_equal(transform_probe(junk, sizeof(junk), &info, NULL, 0), -1);
	assert_int_equal(transform_run(&o, junk, sizeof(junk), &out, &len, &warn, NULL, 0), -1);
	o.quality = 0;
	assert_int_equal(transform_run(&o, junk, sizeof(junk), &out, &len, &warn, NULL, 0), -1);
}

static void
test_spin(void **state)
{
	struct timespec a, b;
	double ms;

	(void)state;
	assert_int_equal(transform_spin(0), 0);
	assert_int_equal(transform_spin(-1), 0);
	assert_int_equal(transform_spin(NAN), 0);
	assert_int_equal(transform_spin(-INFINITY), 0);
	assert_true(transform_spin(0.001) != 0);

	assert_int_equal(clock_gettime(CLOCK_THREAD_CPUTIME_ID, &a), 0);
	(void)transform_spin(20);
	assert_int_equal(clock_gettime(CLOCK_THREAD_CPUTIME_ID, &b), 0);
	ms = (double)(b.tv_sec - a.tv_sec) * 1e3 + (double)(b.tv_nsec - a.tv_nsec) / 1e6;
	if (ms < 20)
		fail_msg("spin(20) burned %.3f ms of thread CPU time", ms);
	print_message("spin(20): %.3f ms of thread CPU time\n", ms);
}

/* NULL and out-of-range arguments: -1 with a message, outputs cleared, nothing read. */
static void
test_inval(void **state)
{
	static const unsigned char junk[] = "not a jpeg";
	static unsigned char sentinel[1];
	struct transform_opts o = opts(TRANSFORM_THUMBNAIL, QUALITY, THUMB_MAX), bad;
	static const int bad_q[] = { 0, 101, -1, INT_MIN, INT_MAX };
	static const int bad_max[] = { 0, -1, INT_MIN };
	struct jpeg_info info;
	unsigned char *buf, *out = sentinel;
	size_t i, len, out_len = 5;
	char err[256];
	int warn = 5;

	(void)state;
	buf = synth_rgb(32, 24, 0, &len);
	err[0] = '\0';
	assert_int_equal(transform_probe(NULL, 10, &info, err, sizeof(err)), -1);
	assert_string_equal(err, "invalid argument: NULL pointer");
	assert_int_equal(transform_probe(buf, len, NULL, err, sizeof(err)), -1);
	assert_int_equal(transform_probe(buf, 0, &info, err, sizeof(err)), -1);
	assert_string_equal(err, CORRUPT "Empty input file");

	assert_int_equal(transform_run(NULL, buf, len, &out, &out_len, &warn, err, sizeof(err)),
	    -1);
	assert_string_equal(err, "invalid argument: NULL pointer");
	assert_null(out);
	assert_int_equal(out_len, 0);
	assert_int_equal(warn, 0);
	assert_int_equal(transform_run(&o, buf, len, NULL, &out_len, &warn, err, sizeof(err)), -1);
	assert_int_equal(transform_run(&o, buf, len, &out, NULL, &warn, err, sizeof(err)), -1);
	assert_int_equal(transform_run(&o, buf, len, &out, &out_len, NULL, err, sizeof(err)), -1);
	assert_int_equal(transform_run(&o, NULL, len, &out, &out_len, &warn, err, sizeof(err)),
	    -1);
	assert_string_equal(err, "invalid argument: NULL pointer");
	assert_int_equal(transform_run(&o, buf, 0, &out, &out_len, &warn, err, sizeof(err)), -1);
	assert_string_equal(err, CORRUPT "Empty input file");

	for (i = 0; i < NELEM(bad_q); i++) {
		bad = o;
		bad.quality = bad_q[i];
		out = sentinel;
		assert_int_equal(transform_run(&bad, buf, len, &out, &out_len, &warn, err,
		    sizeof(err)), -1);
		assert_null(out);
		assert_non_null(strstr(err, "quality"));
		bad.kind = TRANSFORM_RECOMPRESS;
		assert_int_equal(transform_run(&bad, buf, len, &out, &out_len, &warn, err,
		    sizeof(err)), -1);
	}
	for (i = 0; i < NELEM(bad_max); i++) {
		bad = o;
		bad.thumb_max = bad_max[i];
		assert_int_equal(transform_run(&bad, buf, len, &out, &out_len, &warn, err,
		    sizeof(err)), -1);
		assert_non_null(strstr(err, "thumb_max"));
		/* thumb_max is a thumbnail's option only. */
		bad.kind = TRANSFORM_RECOMPRESS;
		assert_int_equal(transform_run(&bad, buf, len, &out, &out_len, &warn, err,
		    sizeof(err)), 0);
		free(out);
	}
	bad = o;
	bad.kind = (enum transform_kind)3;
	assert_int_equal(transform_run(&bad, buf, len, &out, &out_len, &warn, err, sizeof(err)),
	    -1);
	assert_string_equal(err, "invalid argument: transform kind 3");
	bad.kind = (enum transform_kind)-1;
	assert_int_equal(transform_run(&bad, buf, len, &out, &out_len, &warn, err, sizeof(err)),
	    -1);

	/* TRANSFORM_NONE reads nothing and ignores quality: no output, no warning. */
	bad = o;
	bad.kind = TRANSFORM_NONE;
	bad.quality = 0;
	out = sentinel;
	out_len = warn = 5;
	assert_int_equal(transform_run(&bad, NULL, 0, &out, &out_len, &warn, err, sizeof(err)), 0);
	assert_null(out);
	assert_int_equal(out_len, 0);
	assert_int_equal(warn, 0);
	assert_int_equal(transform_run(&bad, junk, sizeof(junk), &out, &out_len, &warn, err,
	    sizeof(err)), 0);
	assert_null(out);
	free(buf);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_kind_names),
		cmocka_unit_test(test_probe_corpus),
		cmocka_unit_test(test_probe_garbage),
		cmocka_unit_test(test_thumbnail_corpus),
		cmocka_unit_test(test_recompress_corpus),
		cmocka_unit_test(test_truncated),
		cmocka_unit_test(test_malformed),
		cmocka_unit_test(test_thumb_sizes),
		cmocka_unit_test(test_colour_spaces),
		cmocka_unit_test(test_corrupt_headers),
		cmocka_unit_test(test_scan_limit),
		cmocka_unit_test(test_memory_limit),
		cmocka_unit_test(test_determinism),
		cmocka_unit_test(test_threads),
		cmocka_unit_test(test_err_buffers),
		cmocka_unit_test(test_spin),
		cmocka_unit_test(test_inval),
	};

	return cmocka_run_group_tests_name("transform", tests, group_setup, group_teardown);
}
