/*
 * test_dirdata.c: unit tests of harness/engine/dirdata.c. dirdata_name over manifests written
 * here: the SHA-256 of the sorted, escaped (key, size, sha256) lines, whatever the entries'
 * order, and another name when a size changes. dirdata_prepare over scratch folders: a
 * folder's two photos (not its manifest.jsonl, not its sub-folder) indexed once, the index
 * reused while the folder is the same, a copy elsewhere giving the same name (and a second
 * path in source.json), an added file a new name, and a missing or empty folder refused with
 * its name. test_inval: a missing manifest, a malformed one.
 */
#include "harness/engine/dirdata.c"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "../testutil.h"

struct fixture {
	char top[256], err[512];
};

static int
setup(void **state)
{
	struct fixture *fx;

	if ((fx = calloc(1, sizeof(*fx))) == NULL ||
	    testutil_tmpdir(fx->top, sizeof(fx->top), "test_dirdata") < 0) {
		free(fx);
		return -1;
	}
	*state = fx;
	return 0;
}

static int
teardown(void **state)
{
	struct fixture *fx = *state;

	testutil_rmtree(fx->top);
	free(fx);
	return 0;
}

/* Writes a manifest of n entries (key i, size i's) at top/name. */
static void
write_manifest(const struct fixture *fx, const char *name, const char *const *keys,
    const uint64_t *sizes, size_t n)
{
	struct manifest_entry e;
	char path[512];
	size_t i;
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", fx->top, name);
	assert_non_null(f = fopen(path, "w"));
	for (i = 0; i < n; i++) {
		memset(&e, 0, sizeof(e));
		snprintf(e.key, sizeof(e.key), "%s", keys[i]);
		e.size = sizes[i];
		digest_sha256_hex(keys[i], strlen(keys[i]), e.sha256);
		e.kind = MANIFEST_CORRUPT, e.has_exif = -1;
		assert_int_equal(manifest_write(f, &e), 0);
	}
	assert_int_equal(fclose(f), 0);
}

static void
test_name(void **state)
{
	static const char *const keys[] = { "b\tx.jpg", "a.jpg", "c\\d\n.jpg" };
	static const char *const rev[] = { "c\\d\n.jpg", "a.jpg", "b\tx.jpg" };
	static const uint64_t sizes[] = { 20, 3, 7 }, rsizes[] = { 7, 3, 20 },
	    other[] = { 20, 4, 7 };
	struct fixture *fx = *state;
	char text[1024], sha[3][DIGEST_HEX_LEN + 1], hex[DIGEST_HEX_LEN + 1], want[32];
	char name[DIRDATA_NAME_LEN + 1], path[512];
	size_t i;

	for (i = 0; i < 3; i++)
		digest_sha256_hex(keys[i], strlen(keys[i]), sha[i]);
	/* Sorted bytewise: "a.jpg" < "b\\tx.jpg" < "c\\\\d\\n.jpg". */
	snprintf(text, sizeof(text), "a.jpg\t3\t%s\nb\\tx.jpg\t20\t%s\nc\\\\d\\n.jpg\t7\t%s\n",
	    sha[1], sha[0], sha[2]);
	digest_sha256_hex(text, strlen(text), hex);
	snprintf(want, sizeof(want), "dir-%.16s", hex);

	write_manifest(fx, "m1.jsonl", keys, sizes, 3);
	snprintf(path, sizeof(path), "%s/m1.jsonl", fx->top);
	assert_int_equal(dirdata_name(path, name, fx->err, sizeof(fx->err)), 0);
	assert_string_equal(name, want);
	assert_true(name_ok(name));

	write_manifest(fx, "m2.jsonl", rev, rsizes, 3);
	snprintf(path, sizeof(path), "%s/m2.jsonl", fx->top);
	assert_int_equal(dirdata_name(path, name, fx->err, sizeof(fx->err)), 0);
	assert_string_equal(name, want);

	write_manifest(fx, "m3.jsonl", keys, other, 3);
	snprintf(path, sizeof(path), "%s/m3.jsonl", fx->top);
	assert_int_equal(dirdata_name(path, name, fx->err, sizeof(fx->err)), 0);
	assert_string_not_equal(name, want);
}

/* The number of sources top/data/name/source.json records. */
static size_t
sources(const struct fixture *fx, const char *name)
{
	char path[512];
	json_t *j;
	size_t n;

	snprintf(path, sizeof(path), "%s/data/%s/%s", fx->top, name, SOURCE_NAME);
	assert_non_null(j = json_load_file(path, 0, NULL));
	n = json_array_size(json_object_get(j, "sources"));
	json_decref(j);
	return n;
}

static void
test_prepare(void **state)
{
	struct fixture *fx = *state;
	char data[512], photos[512], copy[512], sub[600], path[700], want[1024];
	char name[DIRDATA_NAME_LEN + 1], again[DIRDATA_NAME_LEN + 1];
	struct dirdata_scan s;
	int indexed;
	size_t lines = 0;
	FILE *f;
	int c;

	snprintf(data, sizeof(data), "%s/data", fx->top);
	snprintf(photos, sizeof(photos), "%s/photos", fx->top);
	snprintf(copy, sizeof(copy), "%s/copy", fx->top);
	assert_int_equal(mkdir(photos, 0777), 0);
	testutil_write(photos, "x.jpg", "not a JPEG");
	testutil_write(photos, "y.jpg", "nor this one");
	testutil_write(photos, MANIFEST_NAME, "left out\n");
	snprintf(sub, sizeof(sub), "%s/sub", photos);
	assert_int_equal(mkdir(sub, 0777), 0);
	testutil_write(sub, "z.jpg", "left out too");

	assert_int_equal(dirdata_prepare(data, photos, name, &s, &indexed, fx->err,
	    sizeof(fx->err)), 0);
	assert_int_equal(indexed, 1);
	assert_true(name_ok(name));
	assert_int_equal(s.files, 2);
	assert_int_equal(s.bytes, strlen("not a JPEG") + strlen("nor this one"));
	snprintf(path, sizeof(path), "%s/%s/%s", data, name, MANIFEST_NAME);
	assert_non_null(f = fopen(path, "r"));
	while ((c = fgetc(f)) != EOF)
		lines += c == '\n';
	fclose(f);
	assert_int_equal(lines, 2);
	assert_int_equal(dirdata_name(path, again, fx->err, sizeof(fx->err)), 0);
	assert_string_equal(again, name);
	assert_int_equal(sources(fx, name), 1);

	/* The same folder again: the index is reused. */
	assert_int_equal(dirdata_prepare(data, photos, again, &s, &indexed, fx->err,
	    sizeof(fx->err)), 0);
	assert_int_equal(indexed, 0);
	assert_string_equal(again, name);

	/* The same photos elsewhere: indexed, the same name, two sources. */
	assert_int_equal(mkdir(copy, 0777), 0);
	testutil_write(copy, "x.jpg", "not a JPEG");
	testutil_write(copy, "y.jpg", "nor this one");
	assert_int_equal(dirdata_prepare(data, copy, again, &s, &indexed, fx->err,
	    sizeof(fx->err)), 0);
	assert_int_equal(indexed, 1);
	assert_string_equal(again, name);
	assert_int_equal(sources(fx, name), 2);
	assert_int_equal(dirdata_scan(photos, &s, fx->err, sizeof(fx->err)), 0);
	assert_int_equal(dirdata_lookup(data, photos, &s, again), 1);	/* still there */

	/* A file added: a new name. */
	testutil_write(photos, "w.jpg", "new");
	assert_int_equal(dirdata_scan(photos, &s, fx->err, sizeof(fx->err)), 0);
	assert_int_equal(dirdata_lookup(data, photos, &s, again), 0);
	assert_int_equal(dirdata_prepare(data, photos, again, &s, &indexed, fx->err,
	    sizeof(fx->err)), 0);
	assert_int_equal(indexed, 1);
	assert_string_not_equal(again, name);
	assert_int_equal(s.files, 3);

	/* A missing folder, a folder without a file to load. */
	snprintf(path, sizeof(path), "%s/none", fx->top);
	assert_int_equal(dirdata_prepare(data, path, again, &s, &indexed, fx->err,
	    sizeof(fx->err)), -1);
	snprintf(want, sizeof(want), "folder '%s': No such file or directory", path);
	assert_string_equal(fx->err, want);
	assert_int_equal(dirdata_prepare(data, sub, again, &s, &indexed, fx->err,
	    sizeof(fx->err)), 0);
	assert_int_equal(unlink(strcat(strcpy(path, sub), "/z.jpg")), 0);
	assert_int_equal(dirdata_prepare(data, sub, again, &s, &indexed, fx->err,
	    sizeof(fx->err)), -1);
	snprintf(want, sizeof(want), "folder '%s' holds no file to load", sub);
	assert_string_equal(fx->err, want);
}

static void
test_inval(void **state)
{
	struct fixture *fx = *state;
	char name[DIRDATA_NAME_LEN + 1], path[512], want[1024];

	snprintf(path, sizeof(path), "%s/none.jsonl", fx->top);
	assert_int_equal(dirdata_name(path, name, fx->err, sizeof(fx->err)), -1);
	snprintf(want, sizeof(want), "cannot read '%s': No such file or directory", path);
	assert_string_equal(fx->err, want);
	testutil_write(fx->top, "bad.jsonl", "{\"key\": 1}\n");
	snprintf(path, sizeof(path), "%s/bad.jsonl", fx->top);
	assert_int_equal(dirdata_name(path, name, fx->err, sizeof(fx->err)), -1);
	assert_non_null(strstr(fx->err, "bad.jsonl:1:"));
	assert_false(name_ok("dir-0123"));
	assert_false(name_ok("dir-0123456789abcdeX"));
	assert_true(name_ok("dir-0123456789abcdef"));
}

#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)

int
main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_name),
		T(test_prepare),
		T(test_inval),
	};

	return cmocka_run_group_tests_name("dirdata", tests, NULL, NULL);
}
