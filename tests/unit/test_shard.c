/*
 * test_shard.c: unit tests of models/core/shard.c: every key lands in exactly one share, the
 * shares of 3,000 keys are even to within 10%, one share takes everything, and the --shard
 * forms parse (literal, k8s/COUNT, slurm as an array task and as an srun step), with the
 * variable named when it is missing or bad, and INDEX past COUNT refused.
 */
#include "models/core/shard.c"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

static void
test_partition(void **state)
{
	unsigned seen[3] = { 0 }, i, j, in;
	char key[64];

	(void)state;
	for (i = 0; i < 3000; i++) {
		snprintf(key, sizeof(key), "photos/%05u.jpg", i);
		for (in = 0, j = 0; j < 3; j++) {
			struct shard s = { j, 3 };

			if (shard_has(&s, key))
				in++, seen[j]++;
		}
		assert_int_equal(in, 1);
		assert_true(shard_has(&(struct shard){ 0, 1 }, key));
	}
	for (j = 0; j < 3; j++)
		assert_in_range(seen[j], 900, 1100);
}

static void
test_parse(void **state)
{
	struct shard s;
	char err[256];

	(void)state;
	assert_int_equal(shard_parse("2/5", &s, err, sizeof(err)), 0);
	assert_int_equal(s.index, 2);
	assert_int_equal(s.count, 5);
	assert_int_equal(shard_parse("5/5", &s, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "not below COUNT"));
	assert_int_equal(shard_parse("1/0", &s, err, sizeof(err)), -1);
	assert_int_equal(shard_parse("x/3", &s, err, sizeof(err)), -1);
	assert_int_equal(shard_parse("3", &s, err, sizeof(err)), -1);
	assert_int_equal(shard_parse("-1/3", &s, err, sizeof(err)), -1);
	assert_int_equal(shard_parse("1/99999999", &s, err, sizeof(err)), -1);

	unsetenv("JOB_COMPLETION_INDEX");
	assert_int_equal(shard_parse("k8s/4", &s, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "JOB_COMPLETION_INDEX"));
	setenv("JOB_COMPLETION_INDEX", "3", 1);
	assert_int_equal(shard_parse("k8s/4", &s, err, sizeof(err)), 0);
	assert_int_equal(s.index, 3);
	assert_int_equal(s.count, 4);
	setenv("JOB_COMPLETION_INDEX", "three", 1);
	assert_int_equal(shard_parse("k8s/4", &s, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "'three'"));

	unsetenv("SLURM_ARRAY_TASK_ID");
	unsetenv("SLURM_PROCID");
	assert_int_equal(shard_parse("slurm", &s, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "SLURM_PROCID"));
	setenv("SLURM_PROCID", "1", 1);
	setenv("SLURM_NTASKS", "2", 1);
	assert_int_equal(shard_parse("slurm", &s, err, sizeof(err)), 0);
	assert_int_equal(s.index, 1);
	setenv("SLURM_ARRAY_TASK_ID", "7", 1);
	setenv("SLURM_ARRAY_TASK_MIN", "5", 1);
	setenv("SLURM_ARRAY_TASK_COUNT", "4", 1);
	assert_int_equal(shard_parse("slurm", &s, err, sizeof(err)), 0);
	assert_int_equal(s.index, 2);
	assert_int_equal(s.count, 4);
	setenv("SLURM_ARRAY_TASK_MIN", "8", 1);
	assert_int_equal(shard_parse("slurm", &s, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "SLURM_ARRAY_TASK_MIN"));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_partition),
		cmocka_unit_test(test_parse),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
