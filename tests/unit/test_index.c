/*
 * test_index.c: unit tests of datasets/index.c. index_entry, the per-file part, on the shared
 * corpus (a Canon 40D: kind ok, frame size, the manifest's EXIF values; a JPEG without EXIF:
 * noexif, "exif" {}), on bytes that are not a JPEG (corrupt, "exif" null), on no bytes, and
 * with NULL or too long arguments; put_text keeps UTF-8 only and cuts at a character
 * boundary. index_run over a scratch folder of three files (one of them manifest.jsonl,
 * which is left out, and a subfolder, also left out) writes entries that manifest_read reads
 * back as they were made.
 */
#include "datasets/index.c"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "../testutil.h"

/* The corpus file name (under jpeg/) into e; skips the test when there is no corpus. */
static void
entry_of(const char *name, struct manifest_entry *e)
{
	char path[4096];
	const char *dir = testutil_corpus_dir();
	unsigned char *buf;
	size_t len;

	if (dir == NULL)
		skip();
	snprintf(path, sizeof(path), "%s/jpeg/%s", dir, name);
	assert_non_null(buf = testutil_slurp(path, &len));
	assert_int_equal(index_entry(buf, len, name, e), 0);
	assert_int_equal(e->size, len);
	free(buf);
}

static void
test_jpeg(void **state)
{
	struct manifest_entry e;

	entry_of("exif-samples__Canon_40D.jpg", &e);
	assert_string_equal(e.key, "exif-samples__Canon_40D.jpg");
	assert_int_equal(e.kind, MANIFEST_OK);
	assert_int_equal(e.has_exif, 1);
	assert_int_equal(e.width, 100);
	assert_int_equal(e.height, 68);
	assert_string_equal(e.exif.make, "Canon");
	assert_string_equal(e.exif.model, "Canon EOS 40D");
	assert_string_equal(e.exif.datetime_original, "2008:05:30 15:56:01");
	assert_int_equal(e.exif.orientation, 1);
	assert_int_equal(e.exif.iso, 100);
	assert_true(e.exif.exposure_time == 0.00625 && e.exif.fnumber == 7.1);
	assert_int_equal(strlen(e.sha256), DIGEST_HEX_LEN);
	entry_of("metadata-extractor-images__Issue 131.jpg", &e);
	assert_int_equal(e.kind, MANIFEST_NOEXIF);
	assert_int_equal(e.has_exif, 0);
	assert_true(e.width > 0 && e.height > 0);
}

static void
test_not_jpeg(void **state)
{
	static const unsigned char junk[] = "not a JPEG at all";
	struct manifest_entry e;

	assert_int_equal(index_entry(junk, sizeof(junk) - 1, "a/b.jpg", &e), 0);
	assert_int_equal(e.kind, MANIFEST_CORRUPT);
	assert_int_equal(e.has_exif, -1);
	assert_int_equal(e.size, 17);
	assert_int_equal(e.width, 0);
	assert_int_equal(index_entry(NULL, 0, "empty", &e), 0);
	assert_int_equal(e.kind, MANIFEST_CORRUPT);
	/* SHA-256 of no bytes */
	assert_string_equal(e.sha256,
	    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
}

static void
test_text(void **state)
{
	struct exif_value v = { .type = EXIF_VALUE_TEXT };
	char dst[6];

	snprintf(v.text.s, sizeof(v.text.s), "caf\xc3\xa9s");	/* "cafés": é is 2 bytes */
	v.text.len = strlen(v.text.s);
	put_text(&v, dst, sizeof(dst));		/* 5 bytes fit: "caf" + é */
	assert_string_equal(dst, "caf\xc3\xa9");
	put_text(&v, dst, 5);			/* 4 bytes fit: é would be split */
	assert_string_equal(dst, "caf");
	snprintf(v.text.s, sizeof(v.text.s), "Latin-1 \xe9");
	v.text.len = strlen(v.text.s);
	put_text(&v, dst, sizeof(dst));		/* cut to "Latin": fine */
	assert_string_equal(dst, "Latin");
	{
		char big[32];

		put_text(&v, big, sizeof(big));	/* whole, and not UTF-8: left out */
		assert_string_equal(big, "");
	}
	v.type = EXIF_VALUE_INT;
	put_text(&v, dst, sizeof(dst));
	assert_string_equal(dst, "");
}

static void
test_inval(void **state)
{
	struct manifest_entry e;
	struct index_stats st;
	char key[MANIFEST_KEY_MAX + 2], err[128];
	struct index_options o = { 0 };

	assert_int_equal(index_entry(NULL, 1, "k", &e), -1);
	assert_int_equal(index_entry((const unsigned char *)"x", 1, NULL, &e), -1);
	assert_int_equal(index_entry((const unsigned char *)"x", 1, "k", NULL), -1);
	memset(key, 'k', sizeof(key) - 1);
	key[sizeof(key) - 1] = '\0';
	assert_int_equal(index_entry((const unsigned char *)"x", 1, key, &e), -1);
	assert_int_equal(index_run(NULL, &st, err, sizeof(err)), -1);
	assert_int_equal(index_run(&o, &st, err, sizeof(err)), -1);
	assert_string_equal(err, "index: invalid options");
	o.dir = "/nonexistent/h12", o.concurrency = 2, o.out = stdout;
	assert_int_equal(index_run(&o, &st, err, sizeof(err)), -1);
	assert_string_equal(err, "/nonexistent/h12: No such file or directory");
}

static void
test_run_dir(void **state)
{
	struct index_options o = { .concurrency = 3 };
	struct manifest_entry e;
	struct index_stats st;
	unsigned long lineno = 0;
	char dir[128], sub[256], err[256], *text = NULL;
	size_t len = 0, seen = 0;

	assert_int_equal(testutil_tmpdir(dir, sizeof(dir), "test_index"), 0);
	testutil_write(dir, "a.jpg", "aaa");
	testutil_write(dir, "b.txt", "bb");
	testutil_write(dir, MANIFEST_NAME, "{}\n");
	snprintf(sub, sizeof(sub), "%s/folder", dir);
	assert_int_equal(mkdir(sub, 0700), 0);
	assert_non_null(o.out = open_memstream(&text, &len));
	o.dir = dir;
	assert_int_equal(index_run(&o, &st, err, sizeof(err)), 0);
	fclose(o.out);
	assert_int_equal(st.files, 2);
	assert_int_equal(st.failed, 0);
	assert_int_equal(st.bytes, 5);
	assert_int_equal(st.kinds[MANIFEST_CORRUPT], 2);
	assert_non_null(o.out = fmemopen(text, len, "r"));
	while (manifest_read(o.out, "m", &lineno, &e, err, sizeof(err)) == 1) {
		assert_true(strcmp(e.key, "a.jpg") == 0 || strcmp(e.key, "b.txt") == 0);
		assert_int_equal(e.size, e.key[0] == 'a' ? 3 : 2);
		assert_int_equal(e.kind, MANIFEST_CORRUPT);
		seen++;
	}
	assert_int_equal(seen, 2);
	fclose(o.out);
	free(text);
	testutil_rmtree(dir);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_jpeg),
		cmocka_unit_test(test_not_jpeg),
		cmocka_unit_test(test_text),
		cmocka_unit_test(test_inval),
		cmocka_unit_test(test_run_dir),
	};

	return cmocka_run_group_tests_name("index", tests, NULL, NULL);
}
