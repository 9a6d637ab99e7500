/*
 * test_models.c: unit tests of models/models.c, the table and the two rules read from a
 * model's fields (model.h): the requests in flight at a level and the threads that can run
 * the CPU stage at once. A table gives each of the five models at several levels, worker
 * counts, PU counts and with or without the global lock, with the figure each rule must give;
 * the bench records them in summary.csv and the report's bounds are computed from them.
 */
#include "models/models.c"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

struct rule_case {
	const char *model;
	unsigned level, workers, pus;
	int global_lock;
	unsigned in_flight, cpu_threads;
};

static const struct rule_case cases[] = {
	/* one in flight whatever the level; one thread for the CPU stage */
	{ "sequential", 1, 0, 2, 0, 1, 1 },
	{ "sequential", 64, 0, 2, 0, 1, 1 },
	/* a thread per request, unless the lock makes it one */
	{ "pthreads", 1, 0, 2, 0, 1, 1 },
	{ "pthreads", 64, 0, 2, 0, 64, 64 },
	{ "pthreads", 64, 0, 2, 1, 64, 1 },
	{ "pthreads", 8, 4, 1, 0, 8, 8 },
	/* a process per request; the lock is not its */
	{ "forkpool", 16, 0, 2, 0, 16, 16 },
	{ "forkpool", 16, 0, 2, 1, 16, 16 },
	/* one loop thread runs transfers and the CPU stage */
	{ "async", 256, 0, 2, 0, 256, 1 },
	{ "async", 256, 4, 2, 1, 256, 1 },
	/* the workers (else one per PU) and the loop thread; one worker at a time under the lock */
	{ "hybrid", 64, 0, 2, 0, 64, 3 },
	{ "hybrid", 64, 4, 2, 0, 64, 5 },
	{ "hybrid", 1, 0, 1, 0, 1, 2 },
	{ "hybrid", 64, 0, 2, 1, 64, 1 },
	{ "hybrid", 64, 4, 2, 1, 64, 1 },
};

static void
test_table(void **state)
{
	const struct model *const *m;
	size_t n = 0;

	(void)state;
	for (m = model_table; *m != NULL; m++, n++) {
		assert_non_null((*m)->name);
		assert_non_null((*m)->run);
		assert_ptr_equal(model_find((*m)->name), *m);
	}
	assert_int_equal(n, 5);
	assert_null(model_find("nope"));
	assert_null(model_find(""));
	assert_null(model_find(NULL));
}

static void
test_rules(void **state)
{
	const struct rule_case *c;
	const struct model *m;
	struct model_opts o;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		c = &cases[i];
		m = model_find(c->model);
		assert_non_null(m);
		o = (struct model_opts){ c->level, c->workers, c->global_lock };
		if (model_in_flight(m, c->level) != c->in_flight ||
		    model_cpu_threads(m, &o, c->pus) != c->cpu_threads)
			fail_msg("case %zu (%s at %u, %u workers, %u PUs, lock %d): in flight %u "
			    "(want %u), CPU threads %u (want %u)", i, c->model, c->level, c->workers,
			    c->pus, c->global_lock, model_in_flight(m, c->level), c->in_flight,
			    model_cpu_threads(m, &o, c->pus), c->cpu_threads);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_table),
		cmocka_unit_test(test_rules),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
