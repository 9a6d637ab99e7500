/*
 * microbench_passes.c: the benchmarks of `make microbench`, each a function doing one pass over
 * the corpus and a row of the table that names it, says what it runs and which benchmarks it
 * is compared with. A benchmark is added here with a function and a row; microbench.c times
 * them.
 *
 * EXIF: libexif is the bare library on the JPEG, libexif_keep_unknown the same with the options
 * exif_read sets; exif_read is the extraction (APP1 search, libexif, the tag table into a
 * fixed-size record, no JSON); exif_extract is the pipeline's step, exif_read and then
 * exif_record_json, the jansson object.
 *
 * sha256 is a per-image cost of the client (issue 17): the record's hash of the input, on the
 * corpus's images (about 310 KB each; the default profile's 19 KB take about a sixteenth).
 *
 * head_request and head_sigv4 (microbench_s3.c) are a request's CPU, without and with curl's
 * signer, against the S3 endpoint: skipped without one.
 *
 * s3xml_list_1000 is not about images: per image it parses one 1,000-key ListObjectsV2 page
 * shaped like Ceph RGW's (tests/data/s3xml_rgw_list_page1.xml: ETags in &quot;, an Owner per
 * object, one key in ten with an &amp;), built once; its us/image is microseconds per page.
 */
#include <jansson.h>
#include <libexif/exif-data.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "microbench.h"
#include "models/core/digest.h"
#include "models/core/exif.h"
#include "models/core/s3xml.h"
#include "models/core/transform.h"

static size_t pass_libexif(const struct mb_corpus *c);
static size_t pass_libexif_keep_unknown(const struct mb_corpus *c);
static size_t pass_exif_read(const struct mb_corpus *c);
static size_t pass_exif_extract(const struct mb_corpus *c);
static size_t pass_probe(const struct mb_corpus *c);
static size_t pass_thumbnail(const struct mb_corpus *c);
static size_t pass_recompress(const struct mb_corpus *c);
static size_t pass_spin_1ms(const struct mb_corpus *c);
static size_t pass_thread_clock(const struct mb_corpus *c);
static size_t pass_s3xml_list(const struct mb_corpus *c);
static size_t pass_sha256(const struct mb_corpus *c);
static size_t transform_pass(const struct mb_corpus *c, enum transform_kind kind);
static size_t libexif_load(const struct mb_corpus *c, int keep_unknown);
static char *list_page_1000(size_t *len);
static int count_key(const char *key, uint64_t size, void *arg);

const struct microbench microbench_table[] = {
	{ "libexif", "bare libexif: exif_data_new, FOLLOW_SPECIFICATION off, load the JPEG, "
	    "unref", pass_libexif, { NULL }, NULL },
	{ "libexif_keep_unknown", "libexif with IGNORE_UNKNOWN_TAGS off too: exif_read's options",
	    pass_libexif_keep_unknown, { "libexif" }, NULL },
	{ "exif_read", "EXIF extraction without JSON: exif_read into a struct exif_record",
	    pass_exif_read, { "libexif_keep_unknown", "libexif" }, NULL },
	{ "exif_extract", "the pipeline's EXIF step: exif_read, exif_record_json, json_decref",
	    pass_exif_extract, { "libexif_keep_unknown", "libexif" }, NULL },
	{ "probe", "transform_probe: JPEG headers up to the first scan", pass_probe, { NULL }, NULL },
	{ "thumbnail", "transform_run thumbnail (longest side to 160 by DCT scaling), q85",
	    pass_thumbnail, { NULL }, NULL },
	{ "recompress", "transform_run recompress: full decode and encode, q85",
	    pass_recompress, { NULL }, NULL },
	{ "spin_1ms", "transform_spin(1.0): the time per image shows its accuracy",
	    pass_spin_1ms, { NULL }, NULL },
	{ "thread_clock", "one CLOCK_THREAD_CPUTIME_ID reading per image: what the spin and the "
	    "job's stage timing pay per check", pass_thread_clock, { NULL }, NULL },
	{ "s3xml_list_1000", "s3xml_list_page over one 1,000-key ListObjectsV2 page per image "
	    "(us/image = us per page)", pass_s3xml_list, { NULL }, NULL },
	{ "sha256", "digest_sha256_hex of the image: the hash of the input its record holds "
	    "(a PUT's body is hashed too; signing: head_sigv4)",
	    pass_sha256, { NULL }, NULL },
	{ "head_request", "one HEAD through s3_req_init/prepare/finish and curl, kept alive, "
	    "signing options off (us/image = us per request; needs the S3 endpoint)",
	    microbench_head_request, { NULL }, microbench_s3_ready },
	{ "head_sigv4", "the same HEAD signed by curl's CURLOPT_AWS_SIGV4: its extra CPU over "
	    "head_request is the signer's", microbench_head_sigv4, { "head_request" },
	    microbench_s3_ready },
};

const size_t microbench_count = sizeof(microbench_table) / sizeof(microbench_table[0]);

static size_t
libexif_load(const struct mb_corpus *c, int keep_unknown)
{
	ExifData *d;
	size_t i, sink = 0;

	for (i = 0; i < c->n; i++) {
		if ((d = exif_data_new()) == NULL)
			continue;
		exif_data_unset_option(d, EXIF_DATA_OPTION_FOLLOW_SPECIFICATION);
		if (keep_unknown)
			exif_data_unset_option(d, EXIF_DATA_OPTION_IGNORE_UNKNOWN_TAGS);
		exif_data_load_data(d, c->img[i].buf, (unsigned int)c->img[i].len);
		sink += d->ifd[EXIF_IFD_0]->count + d->ifd[EXIF_IFD_EXIF]->count;
		exif_data_unref(d);
	}
	return sink;
}

static size_t
pass_libexif(const struct mb_corpus *c)
{
	return libexif_load(c, 0);
}

static size_t
pass_libexif_keep_unknown(const struct mb_corpus *c)
{
	return libexif_load(c, 1);
}

static size_t
pass_exif_read(const struct mb_corpus *c)
{
	struct exif_record rec;
	size_t i, sink = 0;

	for (i = 0; i < c->n; i++)
		sink += (size_t)exif_read(c->img[i].buf, c->img[i].len, &rec);
	return sink;
}

static size_t
pass_exif_extract(const struct mb_corpus *c)
{
	json_t *x;
	size_t i, sink = 0;

	for (i = 0; i < c->n; i++) {
		x = exif_extract(c->img[i].buf, c->img[i].len);
		sink += json_object_size(x);
		json_decref(x);
	}
	return sink;
}

static size_t
pass_probe(const struct mb_corpus *c)
{
	struct jpeg_info info;
	char err[256];
	size_t i, sink = 0;

	for (i = 0; i < c->n; i++)
		if (transform_probe(c->img[i].buf, c->img[i].len, &info, err, sizeof(err)) == 0)
			sink += (size_t)info.width;
	return sink;
}

static size_t
transform_pass(const struct mb_corpus *c, enum transform_kind kind)
{
	struct transform_opts o = TRANSFORM_OPTS_DEFAULT;
	unsigned char *out;
	size_t i, len, sink = 0;
	char err[256];
	int warns;

	o.kind = kind;
	for (i = 0; i < c->n; i++) {
		if (transform_run(&o, c->img[i].buf, c->img[i].len, &out, &len, &warns, err,
		    sizeof(err)) == 0)
			sink += len;
		free(out);
	}
	return sink;
}

static size_t
pass_thumbnail(const struct mb_corpus *c)
{
	return transform_pass(c, TRANSFORM_THUMBNAIL);
}

static size_t
pass_recompress(const struct mb_corpus *c)
{
	return transform_pass(c, TRANSFORM_RECOMPRESS);
}

static size_t
pass_thread_clock(const struct mb_corpus *c)
{
	struct timespec ts;
	size_t i, sink = 0;

	for (i = 0; i < c->n; i++) {
		clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
		sink += (size_t)ts.tv_nsec;
	}
	return sink;
}

static size_t
pass_sha256(const struct mb_corpus *c)
{
	char hex[DIGEST_HEX_LEN + 1];
	size_t i, sink = 0;

	for (i = 0; i < c->n; i++)
		if (digest_sha256_hex(c->img[i].buf, c->img[i].len, hex) == 0)
			sink += (size_t)hex[0];
	return sink;
}

static size_t
pass_spin_1ms(const struct mb_corpus *c)
{
	size_t i, sink = 0;

	for (i = 0; i < c->n; i++)
		sink += (size_t)transform_spin(1.0);
	return sink;
}

/* A ListObjectsV2 page of 1,000 objects in RGW's layout; the caller frees it. */
static char *
list_page_1000(size_t *len)
{
	static const char head[] = "<?xml version=\"1.0\" encoding=\"UTF-8\"?><ListBucketResult "
				   "xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\"><Name>"
				   "exifbench</Name><Prefix>jpeg/</Prefix><MaxKeys>1000</MaxKeys>"
				   "<IsTruncated>true</IsTruncated>";
	static const char tail[] = "<NextContinuationToken>jpeg/IMG_00999.jpg"
				   "</NextContinuationToken><KeyCount>1000</KeyCount>"
				   "</ListBucketResult>";
	size_t cap = 400 * 1000 + sizeof(head) + sizeof(tail), n, i;
	char *s = malloc(cap);

	if (s == NULL)
		return NULL;
	n = (size_t)snprintf(s, cap, "%s", head);
	for (i = 0; i < 1000; i++)
		n += (size_t)snprintf(s + n, cap - n, "<Contents><Key>jpeg/IMG_%05zu%s.jpg</Key>"
		    "<LastModified>2026-11-21T17:52:58.309Z</LastModified><ETag>&quot;"
		    "87682bef8fbd7d1a6e8ffb0b3bf69b70&quot;</ETag><Size>%zu</Size><StorageClass>"
		    "STANDARD</StorageClass><Owner><ID>exifbench</ID><DisplayName>exifbench"
		    "</DisplayName></Owner><Type>Normal</Type></Contents>", i,
		    i % 10 == 0 ? " &amp; co" : "", 18000 + i);
	n += (size_t)snprintf(s + n, cap - n, "%s", tail);
	*len = n;
	return s;
}

static int
count_key(const char *key, uint64_t size, void *arg)
{
	*(size_t *)arg += strlen(key) + (size_t)size;
	return 0;
}

static size_t
pass_s3xml_list(const struct mb_corpus *c)
{
	static char *page;
	static size_t len;
	struct s3xml_page pg;
	size_t i, sink = 0;

	if (page == NULL && (page = list_page_1000(&len)) == NULL)
		return 0;
	for (i = 0; i < c->n; i++)
		if (s3xml_list_page(page, len, count_key, &sink, &pg) == 0)
			sink += pg.objects;
	return sink;
}
