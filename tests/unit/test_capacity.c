/*
 * test_capacity.c: unit tests of harness/report/capacity.c, capacity_pick.c and
 * capacity_whatif.c, on hand-made cases. The plan's arithmetic: machines fractional and
 * rounded up (an exact fit not rounded past), the hours on that many, the cost per million
 * split into machine time and requests, headroom, and no figures from a bad rate. The
 * parsers: counts with k, M, G; durations in s, m, h, d; GET,PUT price lists; "Kx". Settings
 * from a hand-written result folder: repeats averaged, a run that did not end ok left out,
 * an open-loop run's p99 from resp_p99_ms, requests per image from the trace; the SLO filter
 * and the nearest level. The what-if's choice of level on a hand-made USL fit: the peak, a
 * CPU bound that makes a lower level as good, an objective that holds it lower still, none
 * met, and the model's cap. The CPU a run's machine spent outside it. test_inval feeds NULL
 * and bad values.
 */
#include "harness/report/capacity.c"
#include "harness/report/capacity_pick.c"
#include "harness/report/capacity_whatif.c"

#include <setjmp.h>
#include <stddef.h>
#include <stdint.h>
#include <unistd.h>

#include <cmocka.h>

#include "tests/testutil.h"

static int
close_to(double got, double want)
{
	return fabs(got - want) <= 1e-9 * fmax(1, fabs(want));
}

#define assert_close(got, want) do { \
	double g_ = (got), w_ = (want); \
	if (!close_to(g_, w_)) \
		fail_msg("%s = %.12g, want %.12g", #got, g_, w_); \
} while (0)

static void
test_plan(void **state)
{
	struct cap_in in = { 1e6, 3600, 0, 0.5, 0.0004, 0.005 };
	struct cap_plan p;

	(void)state;
	capacity_plan(100, 1, 1, &in, &p);
	assert_close(p.planned_ips, 100);
	assert_close(p.machines, 1e6 / (100 * 3600.0));
	assert_close(p.machines_up, 3);
	assert_close(p.hours, 1e6 / (100 * 3.0) / 3600);
	assert_close(p.machine_hours, 1e6 / 100.0 / 3600);
	/* 1e6 images at 100/s: 2.78 machine-hours at 0.5 */
	assert_close(p.compute_per_m, 1e6 / 100.0 / 3600 * 0.5);
	/* 1e6 x (1 x 0.0004 + 1 x 0.005) / 1000 */
	assert_close(p.requests_per_m, 5.4);
	/* two PUTs per image (upload_image) and a retry now and then */
	capacity_plan(100, 1.01, 2, &in, &p);
	assert_close(p.requests_per_m, 1e3 * (1.01 * 0.0004 + 2 * 0.005));
	/* headroom 0.2: each machine at 80/s */
	in.headroom = 0.2;
	capacity_plan(100, 1, 1, &in, &p);
	assert_close(p.planned_ips, 80);
	assert_close(p.machines, 1e6 / (80 * 3600.0));
	assert_close(p.machines_up, 4);
	assert_close(p.hours, 1e6 / (80 * 4.0) / 3600);
	assert_close(p.compute_per_m, 1e6 / 80.0 / 3600 * 0.5);
	/* an exact fit: 3 machines, not 4 through rounding */
	in.headroom = 0;
	in.images = 3 * 3600 * 0.1 * 3;
	capacity_plan(0.3, 1, 1, &in, &p);
	assert_close(p.machines, 3);
	assert_close(p.machines_up, 3);
	assert_close(p.hours, 1);
	/* a small batch: a fraction of a machine, still one */
	in.images = 10;
	capacity_plan(100, 1, 1, &in, &p);
	assert_close(p.machines, 10 / 360000.0);
	assert_close(p.machines_up, 1);
	/* no prices: no costs; request counts unknown: no request cost */
	in.price_hour = in.get_1k = in.put_1k = -1;
	capacity_plan(100, 1, 1, &in, &p);
	assert_true(p.compute_per_m == -1 && p.requests_per_m == -1);
	in.price_hour = 1, in.get_1k = in.put_1k = 1;
	capacity_plan(100, -1, NAN, &in, &p);
	assert_true(p.compute_per_m > 0 && p.requests_per_m == -1);
	/* a bad rate or headroom: nothing planned */
	capacity_plan(0, 1, 1, &in, &p);
	assert_true(p.machines == 0 && p.machines_up == 0 && p.compute_per_m == -1);
	capacity_plan(NAN, 1, 1, &in, &p);
	assert_true(p.machines == 0);
	in.headroom = 1;
	capacity_plan(100, 1, 1, &in, &p);
	assert_true(p.machines == 0);
}

static void
test_parse(void **state)
{
	static const struct {
		const char *s;
		double count, secs;	/* -1: rejected */
	} cases[] = {
		{ "10000000", 1e7, 1e7 }, { "10M", 1e7, -1 }, { "1.5k", 1500, -1 },
		{ "2K", 2000, -1 }, { "1G", 1e9, -1 }, { "1e3", 1000, 1000 },
		{ "24h", -1, 86400 }, { "90m", -1, 5400 }, { "3600s", -1, 3600 },
		{ "3600", 3600, 3600 }, { "2d", -1, 172800 }, { "0.5h", -1, 1800 },
		{ "1", 1, 1 }, { "0.5", -1, 0.5 }, { "0", -1, -1 }, { "", -1, -1 },
		{ "-5", -1, -1 }, { "M", -1, -1 }, { "10X", -1, -1 }, { "10hh", -1, -1 },
		{ "nan", -1, -1 }, { "inf", -1, -1 }, { " 10", -1, -1 }, { "10 M", -1, -1 },
		{ "1e400", -1, -1 },
	};
	char err[256];
	double v, g, p;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		v = -1;
		if ((capacity_parse_count(cases[i].s, &v, err, sizeof(err)) == 0) !=
		    (cases[i].count >= 0) || (cases[i].count >= 0 && v != cases[i].count))
			fail_msg("count '%s': %g, want %g", cases[i].s, v, cases[i].count);
		v = -1;
		if ((capacity_parse_duration(cases[i].s, &v, err, sizeof(err)) == 0) !=
		    (cases[i].secs >= 0) || (cases[i].secs >= 0 && v != cases[i].secs))
			fail_msg("duration '%s': %g, want %g", cases[i].s, v, cases[i].secs);
	}
	assert_int_equal(capacity_parse_count("10Q", &v, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "'10Q'"));
	assert_int_equal(capacity_parse_prices("0.0004,0.005", &g, &p, err, sizeof(err)), 0);
	assert_close(g, 0.0004);
	assert_close(p, 0.005);
	assert_int_equal(capacity_parse_prices("0,0", &g, &p, err, sizeof(err)), 0);
	assert_true(g == 0 && p == 0);
	for (i = 0; i < 8; i++) {
		static const char *const bad[] = { "0.1", "a,b", "1,", ",1", "1,2,3", "-1,2",
			"1;2", "" };

		assert_int_equal(capacity_parse_prices(bad[i], &g, &p, err, sizeof(err)), -1);
		assert_non_null(strstr(err, "GET,PUT"));
	}
	assert_int_equal(capacity_parse_scaled("2x", 10, &v, err, sizeof(err)), 0);
	assert_close(v, 20);
	assert_int_equal(capacity_parse_scaled("15", 10, &v, err, sizeof(err)), 0);
	assert_close(v, 15);
	assert_int_equal(capacity_parse_scaled("0.5x", 5, &v, err, sizeof(err)), 0);
	assert_close(v, 2.5);
	assert_int_equal(capacity_parse_scaled("x", 10, &v, err, sizeof(err)), -1);
	assert_int_equal(capacity_parse_scaled("2y", 10, &v, err, sizeof(err)), -1);
	assert_int_equal(capacity_parse_scaled("-1", 10, &v, err, sizeof(err)), -1);
	assert_int_equal(capacity_parse_scaled("2xx", 10, &v, err, sizeof(err)), -1);
}

/* A result folder written by hand: meta.json, summary.csv and trace.csv. */
struct folder {
	char dir[64];
	struct resultset rs;
};

static int
setup_folder(void **state)
{
	static const char summary[] =
	    "model,level,client_cpus,client_pus,in_flight,cpu_threads,rep,clients,status,"
	    "images,images_per_s,e2e_p99_ms,offered_per_s,resp_p99_ms\n"
	    "pthreads,1,all,2,1,1,1,1,ok,100,10,110,,\n"
	    "pthreads,4,all,2,4,4,1,1,ok,100,36,120,,\n"
	    "pthreads,4,all,2,4,4,2,1,ok,100,40,150,,\n"
	    "pthreads,4,all,2,4,4,3,1,failed,100,90,100,,\n"
	    "pthreads,16,all,2,16,16,1,1,ok,100,100,400,,\n"
	    "async,8,all,2,8,1,1,1,ok,100,50,30,60,250\n"
	    "async,8,all,2,8,1,1,1,ok,100,70,35,80,90\n";
	static const char trace[] =
	    "model,level,client_cpus,rep,key,outcome,get_attempts,put_attempts\n"
	    "pthreads,4,all,1,\"a\",\"ok\",1,1\n"
	    "pthreads,4,all,1,\"b\",\"ok\",2,1\n"
	    "pthreads,4,all,1,\"c\",\"ok\",1,2\n"
	    "pthreads,4,all,1,\"d\",\"ok\",1,1\n"
	    "pthreads,16,all,1,\"a\",\"ok\",1,1\n";
	struct folder *f = calloc(1, sizeof(*f));
	char path[128], err[256];
	FILE *fp;

	assert_non_null(f);
	snprintf(f->dir, sizeof(f->dir), "/tmp/test_capacity.XXXXXX");
	assert_non_null(mkdtemp(f->dir));
	snprintf(path, sizeof(path), "%s/meta.json", f->dir);
	assert_non_null(fp = fopen(path, "w"));
	fputs("{\"scenario\": {\"name\": \"t\", \"trim\": 0, \"latency_ms\": 5}}\n", fp);
	fclose(fp);
	snprintf(path, sizeof(path), "%s/summary.csv", f->dir);
	assert_non_null(fp = fopen(path, "w"));
	fputs(summary, fp);
	fclose(fp);
	snprintf(path, sizeof(path), "%s/trace.csv", f->dir);
	assert_non_null(fp = fopen(path, "w"));
	fputs(trace, fp);
	fclose(fp);
	if (resultset_load(&f->rs, f->dir, err, sizeof(err)) < 0)
		fail_msg("%s", err);
	*state = f;
	return 0;
}

static int
teardown_folder(void **state)
{
	struct folder *f = *state;

	resultset_free(&f->rs);
	testutil_rmtree(f->dir);
	free(f);
	return 0;
}

static void
test_settings(void **state)
{
	struct folder *f = *state;
	struct cap_setting set[8];
	const struct cap_setting *b;
	const struct rs_scenario *s = &f->rs.sc[0];
	char err[256];
	double best_p99, g, p;
	int n;

	n = capacity_settings(s, "pthreads", "all", 1, set, 8, err, sizeof(err));
	assert_int_equal(n, 3);
	assert_int_equal(set[1].level, 4);
	/* the failed repeat (90/s) is left out: (36 + 40) / 2, the worse p99 */
	assert_int_equal(set[1].reps, 2);
	assert_close(set[1].ips, 38);
	assert_close(set[1].p99_ms, 150);
	assert_int_equal(set[1].p99_resp, 0);
	assert_true(isnan(set[1].offered));
	/* the SLO filter */
	b = capacity_best(set, (size_t)n, 0, &best_p99);
	assert_int_equal(b->level, 16);
	assert_close(best_p99, 110);
	b = capacity_best(set, (size_t)n, 200, NULL);
	assert_int_equal(b->level, 4);
	b = capacity_best(set, (size_t)n, 150, NULL);
	assert_int_equal(b->level, 4);		/* at the objective is meeting it */
	assert_null(capacity_best(set, (size_t)n, 100, &best_p99));
	assert_close(best_p99, 110);
	/* the nearest level, by ratio: 8 is as far from 4 as from 16 (the lower wins) */
	assert_int_equal(capacity_nearest(set, (size_t)n, 4)->level, 4);
	assert_int_equal(capacity_nearest(set, (size_t)n, 8)->level, 4);
	assert_int_equal(capacity_nearest(set, (size_t)n, 64)->level, 16);
	assert_int_equal(capacity_nearest(set, (size_t)n, 3)->level, 4);
	assert_null(capacity_nearest(set, 0, 4));
	/* open loop: two offered rates are two settings; p99 from resp_p99_ms */
	n = capacity_settings(s, "async", NULL, 0, set, 8, err, sizeof(err));
	assert_int_equal(n, 2);
	assert_close(set[0].offered, 60);
	assert_close(set[0].p99_ms, 250);
	assert_int_equal(set[0].p99_resp, 1);
	b = capacity_best(set, (size_t)n, 100, NULL);
	assert_close(b->offered, 80);
	/* a cap on the settings kept */
	assert_int_equal(capacity_settings(s, "pthreads", NULL, 0, set, 1, err, sizeof(err)), 1);
	assert_int_equal(capacity_settings(s, "hybrid", NULL, 0, set, 8, err, sizeof(err)), 0);
	/* requests per image from the trace: (1+2+1+1)/4 GETs, (1+1+2+1)/4 PUTs */
	n = capacity_settings(s, "pthreads", NULL, 0, set, 8, err, sizeof(err));
	assert_int_equal(capacity_requests(s, set[1].run, &g, &p), 0);
	assert_close(g, 1.25);
	assert_close(p, 1.25);
	assert_int_equal(capacity_requests(s, set[0].run, &g, &p), -1);	/* no rows */
	assert_true(g == -1 && p == -1);
	assert_close(capacity_latency_ms(s), 5);
}

/* A fit with N* = sqrt(0.95 / 0.001) = 30.8 and R0 0.1 s. */
static const struct usl fit = { 10, 0.05, 0.001, -1, -1, 1, 30.8, 5, 1, USL_RELATIVE };

static void
test_choose(void **state)
{
	struct bound_in base = { 1, 1, 0.1, -1, -1, -1, -1, -1, 0, 0 };
	struct cap_scale sc = { 0, 1, 2, -1, -1 };
	struct cap_whatif_in in = { 0, 0, 0, 0 };
	struct cap_whatif w;
	struct usl u = fit;

	(void)state;
	/* no CPU bound: the peak of the fit, at 32 of 16, 32, 64 */
	capacity_choose(&u, &base, &sc, 4096, &in, &w);
	assert_int_equal(w.level, 32);
	assert_close(w.ips, usl_predict(&u, 32));
	assert_int_equal(w.from_fit, 1);
	assert_int_equal(w.meets, 1);
	assert_int_equal(w.cap, 4096);
	assert_close(w.mean_ms, 1e3 * 32 / w.ips);
	/* 25 ms more one way, lambda kept: the same level, Little's law far off */
	in.add_r0_s = 0.1;
	capacity_choose(&u, &base, &sc, 4096, &in, &w);
	assert_int_equal(w.level, 32);
	assert_close(w.r0_s, 0.2);
	assert_close(w.ips, usl_predict(&u, 32));
	/* rescaled, lambda halves: still 32, half the rate */
	in.rescale = 1;
	capacity_choose(&u, &base, &sc, 4096, &in, &w);
	assert_int_equal(w.level, 32);
	assert_close(w.ips, usl_predict(&u, 32) / 2);
	/*
	 * A CPU stage: 20 ms of client CPU on 2 PUs, 20 ms more per image: the CPU bound
	 * 2 / 0.04 = 50/s. Lambda 10 x 0.1 / 0.12; the fit passes 50 between 8 and 16, so 16
	 * is the lowest level at the bound.
	 */
	base.client_cpu_s = 0.02;
	in.add_r0_s = in.add_cpu_s = 0.02;
	capacity_choose(&u, &base, &sc, 4096, &in, &w);
	assert_int_equal(w.level, 16);
	assert_close(w.ips, 50);
	assert_int_equal(w.from_fit, 0);
	assert_int_equal(w.b.limit, B_CLIENT_CPU);
	assert_close(w.mean_ms, 320);
	/* an objective of 200 ms mean: 16 (320 ms) misses it, 8 meets it */
	in.slo_ms = 200;
	capacity_choose(&u, &base, &sc, 4096, &in, &w);
	assert_int_equal(w.level, 8);
	u.lambda = 10 * 0.1 / 0.12;
	assert_close(w.ips, usl_predict(&u, 8));
	assert_true(w.mean_ms <= 200);
	assert_int_equal(w.meets, 1);
	/* none meets 1 ms: the level with the lowest predicted latency, and says so */
	in.slo_ms = 1;
	capacity_choose(&fit, &base, &sc, 4096, &in, &w);
	assert_int_equal(w.meets, 0);
	assert_int_equal(w.level, 1);
	/* the model's cap (sequential: 1) */
	in.slo_ms = 0;
	capacity_choose(&fit, &base, &sc, 1, &in, &w);
	assert_int_equal(w.level, 1);
	assert_int_equal(w.cap, 1);
	/* without a fit, the bounds alone: Little's 8 / 0.12 = 67/s passes the CPU's 50 at 8 */
	capacity_choose(NULL, &base, &sc, 4096, &in, &w);
	assert_int_equal(w.from_fit, 0);
	assert_close(w.ips, 50);
	assert_int_equal(w.level, 8);
}

static void
test_bound_at(void **state)
{
	struct bound_in base = { 4, 2, 0.1, 0.01, -1, -1, -1, -1, 1000, -1 }, at;
	struct cap_scale sc = { 0, 1, 2, 100, -1 };

	(void)state;
	capacity_bound_at(&base, &sc, 8, &at);
	assert_close(at.in_flight, 8);
	assert_close(at.parallel, 2);	/* threads follow, at most the PUs */
	assert_close(at.link_bytes_per_s, 800);
	assert_close(at.r0_s, 0.1);
	capacity_bound_at(&base, &sc, 1, &at);
	assert_close(at.parallel, 1);
	sc.link_total = 500, sc.max_in_flight = 4;
	capacity_bound_at(&base, &sc, 64, &at);
	assert_close(at.in_flight, 4);	/* the model's cap */
	assert_close(at.link_bytes_per_s, 400);
	sc.max_in_flight = 0;
	capacity_bound_at(&base, &sc, 64, &at);
	assert_close(at.link_bytes_per_s, 500);	/* the total cap */
	sc.threads_follow = 0;
	capacity_bound_at(&base, &sc, 64, &at);
	assert_close(at.parallel, 2);	/* async, hybrid: the threads the run had */
}

/* The CPU spent outside a run: 95% of 2 PUs busy, the run's parties 1.85 cores of it. */
static void
test_other_cores(void **state)
{
	struct rs_scenario s;
	struct rs_run r;
	size_t i;

	(void)state;
	memset(&s, 0, sizeof(s));
	memset(&r, 0, sizeof(r));
	for (i = 0; i < RS_NCOL; i++)
		r.v[i] = NAN;
	s.meta = json_pack("{s:{s:i}}", "machine", "pus", 2);
	r.v[RS_sys_idle_pct] = 5, r.v[RS_sys_iowait_pct] = 0;
	r.v[RS_model_cpu_pct] = 100, r.v[RS_server_cpu_pct] = 77.5;
	r.v[RS_shaper_cpu_pct] = 7.5;
	assert_close(capacity_other_cores(&s, &r), 0.05);
	r.v[RS_shaper_cpu_pct] = NAN;	/* no shaper */
	assert_close(capacity_other_cores(&s, &r), 0.125);
	r.v[RS_model_cpu_pct] = 300;	/* more than the machine had: none outside */
	assert_close(capacity_other_cores(&s, &r), 0);
	r.v[RS_sys_idle_pct] = NAN;
	assert_true(isnan(capacity_other_cores(&s, &r)));
	json_decref(s.meta);
	s.meta = NULL;
	r.v[RS_sys_idle_pct] = 5;
	assert_true(isnan(capacity_other_cores(&s, &r)));	/* no machine.pus */
}

static void
test_inval(void **state)
{
	struct cap_in in = { 1e6, 3600, 0, -1, -1, -1 };
	struct cap_plan p;
	char err[256];
	double v;

	(void)state;
	capacity_plan(100, 1, 1, &in, NULL);
	capacity_plan(100, 1, 1, NULL, &p);
	assert_true(p.machines == 0 && p.compute_per_m == -1);
	in.images = 0;
	capacity_plan(100, 1, 1, &in, &p);
	assert_true(p.machines == 0);
	in.images = 1, in.deadline_s = NAN;
	capacity_plan(100, 1, 1, &in, &p);
	assert_true(p.machines == 0);
	assert_int_equal(capacity_parse_count(NULL, &v, err, sizeof(err)), -1);
	assert_int_equal(capacity_parse_duration(NULL, &v, err, sizeof(err)), -1);
	assert_int_equal(capacity_parse_prices(NULL, &v, &v, err, sizeof(err)), -1);
	assert_int_equal(capacity_parse_scaled(NULL, 1, &v, err, sizeof(err)), -1);
	assert_null(capacity_best(NULL, 0, 0, NULL));
	assert_null(capacity_nearest(NULL, 0, 1));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_plan),
		cmocka_unit_test(test_parse),
		cmocka_unit_test_setup_teardown(test_settings, setup_folder, teardown_folder),
		cmocka_unit_test(test_choose),
		cmocka_unit_test(test_bound_at),
		cmocka_unit_test(test_other_cores),
		cmocka_unit_test(test_inval),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
