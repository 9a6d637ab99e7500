/*
 * run_rate.c: the open-loop options of `exifbench run` and what its summary says of the
 * schedule. See run_rate.h.
 */
#include <getopt.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>

#include "cli.h"
#include "run_rate.h"

int
run_rate_opt(struct run_rate *rr, int ch, const char *arg)
{
	unsigned long v;

	switch (ch - RUN_RATE_OPT) {
	case 0:
		if (cli_parse_double("--rate", arg, 1e-6, ARRIVALS_RATE_MAX, &rr->rate) < 0)
			return EXIT_USAGE;
		break;
	case 1:
		if (arrivals_parse(arg, &rr->kind) < 0) {
			fprintf(stderr, "exifbench: unknown --arrivals '%s' (constant, poisson)\n",
			    arg);
			return EXIT_USAGE;
		}
		rr->arrivals_set = 1;
		break;
	case 2:
		if (cli_parse_uint("--max-backlog", arg, 1, 100000000, &v) < 0)
			return EXIT_USAGE;
		rr->max_backlog = v, rr->backlog_set = 1;
		break;
	case 3:
		if (cli_parse_uint("--seed", arg, 0, ULONG_MAX, &v) < 0)
			return EXIT_USAGE;
		rr->seed = v, rr->seed_set = 1;
		break;
	}
	return -1;
}

int
run_rate_check(struct run_rate *rr)
{
	double b;

	if (rr->rate <= 0) {
		if (rr->arrivals_set || rr->backlog_set || rr->seed_set) {
			fprintf(stderr, "exifbench: --%s needs --rate (open loop)\n",
			    rr->arrivals_set ? "arrivals" : rr->backlog_set ? "max-backlog" :
			    "seed");
			return EXIT_USAGE;
		}
		rr->kind = ARRIVALS_CLOSED;
		return -1;
	}
	if (!rr->arrivals_set)
		rr->kind = ARRIVALS_CONSTANT;
	if (!rr->seed_set)
		rr->seed = 1;
	if (!rr->backlog_set) {
		b = fmax(ceil(rr->rate * RUN_RATE_BEHIND_S), 16);
		rr->max_backlog = (uint64_t)b;
	}
	return -1;
}

void
run_rate_apply(const struct run_rate *rr, struct run *r)
{
	if (rr->kind != ARRIVALS_CLOSED)
		run_set_rate(r, rr->kind, rr->rate, rr->seed, rr->max_backlog);
}

void
run_rate_json(const struct run_rate *rr, const struct run_totals *t, json_t *o)
{
	int open = rr->kind != ARRIVALS_CLOSED;

	json_object_set_new(o, "arrivals", json_string(arrivals_name(rr->kind)));
	json_object_set_new(o, "offered_per_s", open ? json_real(rr->rate) : json_null());
	json_object_set_new(o, "sustained", json_boolean(!t->unsustained));
	json_object_set_new(o, "behind_ms", open ? json_real((double)t->behind_ns / 1e6) :
	    json_null());
	json_object_set_new(o, "backlog_max", open ? json_integer((json_int_t)t->backlog_max) :
	    json_null());
	json_object_set_new(o, "max_backlog", open ? json_integer((json_int_t)rr->max_backlog) :
	    json_null());
	json_object_set_new(o, "gave_up_s", t->unsustained ?
	    json_real((double)t->gave_up_ns / 1e9) : json_null());
}

void
run_rate_print(const struct run_rate *rr, const struct run_totals *t)
{
	if (rr->kind == ARRIVALS_CLOSED)
		return;
	if (t->unsustained)
		printf("rate %g/s not sustained: fell %.2f s behind (backlog %llu images, bound "
		    "%llu) after %.1f s; later keys were not run\n", rr->rate,
		    (double)t->behind_ns / 1e9, (unsigned long long)t->backlog_max,
		    (unsigned long long)rr->max_backlog, (double)t->gave_up_ns / 1e9);
	else
		printf("rate %g/s %s: sustained, at most %.1f ms behind (backlog at most %llu)\n",
		    rr->rate, arrivals_name(rr->kind), (double)t->behind_ns / 1e6,
		    (unsigned long long)t->backlog_max);
}
