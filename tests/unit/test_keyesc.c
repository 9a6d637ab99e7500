/*
 * test_keyesc.c: unit tests of models/core/keyesc.c: the four escapes both ways, a key of
 * every byte 1..255 round-trips, and a backslash before anything else is refused.
 */
#include "models/core/keyesc.c"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

static void
test_escapes(void **state)
{
	char out[KEYESC_SIZE(16)], back[KEYESC_SIZE(16)];

	(void)state;
	assert_int_equal(keyesc_encode("a\tb\nc\rd\\e", out), 13);
	assert_string_equal(out, "a\\tb\\nc\\rd\\\\e");
	memcpy(back, out, sizeof(out));
	assert_int_equal(keyesc_decode(back), 0);
	assert_string_equal(back, "a\tb\nc\rd\\e");
	assert_int_equal(keyesc_encode("", out), 0);
	assert_string_equal(out, "");
	assert_int_equal(keyesc_encode("plain/key.jpg", out), 13);
	assert_string_equal(out, "plain/key.jpg");
}

static void
test_round_trip(void **state)
{
	char key[256], out[KEYESC_SIZE(255)];
	int i;

	(void)state;
	for (i = 1; i < 256; i++)
		key[i - 1] = (char)i;
	key[255] = '\0';
	keyesc_encode(key, out);
	assert_null(strpbrk(out, "\t\n\r"));
	assert_int_equal(keyesc_decode(out), 0);
	assert_memory_equal(out, key, 256);
}

static void
test_bad(void **state)
{
	char a[] = "x\\q", b[] = "trailing\\", c[] = "ok\\\\";

	(void)state;
	assert_int_equal(keyesc_decode(a), -1);
	assert_int_equal(keyesc_decode(b), -1);
	assert_int_equal(keyesc_decode(c), 0);
	assert_string_equal(c, "ok\\");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_escapes),
		cmocka_unit_test(test_round_trip),
		cmocka_unit_test(test_bad),
	};

	return cmocka_run_group_tests_name("keyesc", tests, NULL, NULL);
}
