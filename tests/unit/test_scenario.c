/*
 * test_scenario.c: unit tests of harness/engine/scenario.c, the scenario file parser. The
 * defaults are checked key by key. A table sets each kind of key (word, text, number, integer,
 * yes/no, the two enums, the three lists and the CPU set) to good values, whose JSON must come
 * out as written, and to bad ones, whose exact error must name the key and leave the scenario
 * as it was. Files are fed from memory: comments, blank lines, spaces and tabs, CRLF, a last
 * line without an end, lines of 1023 and 1024 characters, keys given twice, unknown keys,
 * missing '=', empty values and the checks across keys must give "NAME:LINE: ..." (or "NAME:
 * ..."). The list limits, the name taken from the file's stem, and the sample files of
 * tests/data/scenario/ are checked: full.conf sets every key away from its default, and each
 * bad_*.conf holds its expected error on its first line ("# want: ..." after the path). The
 * JSON round trip sets every JSON member back as text and must give the same JSON, with exactly
 * the table's keys. test_dataset_folder gives the dataset key folders: which values are
 * folders ('/', or a leading '.' or '~'), relative ones resolved against the file's folder
 * (scenario_set: the working directory, a full.dataset line: the file's folder too), ~
 * expanded, and a missing, empty or not-a-folder one refused with the key and the folder
 * named, the scenario left as it was. test_inval feeds NULL arguments, a missing file and a NULL error buffer.
 */
#include "harness/engine/scenario.c"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "../testutil.h"

#ifndef TEST_STAGES
#define TEST_STAGES "build/tests/stages"
#endif

#define DUMP_FLAGS (JSON_COMPACT | JSON_ENCODE_ANY | JSON_SORT_KEYS | JSON_REAL_PRECISION(10))

struct fixture {
	struct scenario sc;
	char err[512];
	FILE *f;
};

static int
setup(void **state)
{
	struct fixture *fx;

	if ((fx = calloc(1, sizeof(*fx))) == NULL)
		return -1;
	scenario_defaults(&fx->sc);
	*state = fx;
	return 0;
}

static int
teardown(void **state)
{
	struct fixture *fx = *state;

	if (fx->f != NULL)
		fclose(fx->f);
	free(fx);
	return 0;
}

/* The JSON text of one key of sc, or of all of sc when key is NULL; free with free(). */
static char *
dump(const struct scenario *sc, const char *key)
{
	json_t *v = key != NULL ? key_json(sc, key_find(key)) : scenario_json(sc);
	char *s;

	assert_non_null(v);
	s = json_dumps(v, DUMP_FLAGS);
	json_decref(v);
	assert_non_null(s);
	return s;
}

/* scenario_parse of text, named name. */
static int
parse_text(struct fixture *fx, const char *name, const char *text)
{
	int rc;

	fx->f = fmemopen((void *)text, strlen(text), "r");
	assert_non_null(fx->f);
	rc = scenario_parse(fx->f, name, NULL, &fx->sc, fx->err, sizeof(fx->err));
	fclose(fx->f);
	fx->f = NULL;
	return rc;
}

static void
test_defaults(void **state)
{
	struct fixture *fx = *state;
	const struct scenario *sc = &fx->sc;
	static const char *const models[] = { "sequential", "pthreads", "forkpool", "async",
		"hybrid" };
	size_t i;

	assert_string_equal(sc->name, "");
	assert_string_equal(sc->description, "");
	assert_string_equal(sc->dataset, "default");
	assert_string_equal(sc->data_bucket, "exifbench-data");
	assert_string_equal(sc->out_bucket, "exifbench-out");
	assert_string_equal(sc->data_prefix, "");
	assert_string_equal(sc->out_prefix, "");
	assert_string_equal(sc->source, "");
	assert_int_equal(sc->images, 0);
	assert_true(sc->duration_s == 0 && sc->latency_ms == 0 && sc->jitter_ms == 0);
	assert_true(sc->bandwidth_mbit == 0 && sc->total_bandwidth_mbit == 0);
	assert_true(sc->reset_fraction == 0 && sc->stall_fraction == 0 && sc->stall_ms == 0);
	assert_string_equal(sc->jitter, "none");
	assert_string_equal(sc->transform, "none");
	assert_int_equal(sc->quality, 85);
	assert_int_equal(sc->thumb_max, 160);
	assert_true(sc->cpu_spin_ms == 0);
	assert_int_equal(sc->global_lock, 0);
	assert_int_equal(sc->n_models, 5);
	for (i = 0; i < 5; i++)
		assert_string_equal(sc->models[i], models[i]);
	assert_int_equal(sc->n_levels, 1);
	assert_int_equal(sc->levels[0], 8);
	assert_int_equal(sc->workers, 0);
	assert_int_equal(sc->n_client_cpus, 1);
	assert_string_equal(sc->client_cpus[0], "");
	assert_string_equal(sc->server_cpus, "");
	assert_double_same(sc->trim, 0.1);
	assert_double_same(sc->sample_hz, 10);
	assert_int_equal(sc->repeat, 1);
	/* Each default is also good input, and a default set again changes nothing. */
	for (i = 0; i < NKEYS; i++)
		if (keys[i].dflt != NULL)
			assert_int_equal(scenario_set(&fx->sc, keys[i].name, keys[i].dflt, NULL, 0), 0);
	assert_int_equal(sc->n_models, 5);
}

/* Good values: the key's JSON afterwards. Bad values: the exact error (want starts with '!'). */
static void
test_kinds(void **state)
{
	static const struct {
		const char *key, *value, *want;
	} cases[] = {
		{ "name", "io-bound_2", "\"io-bound_2\"" },
		{ "name", "x", "\"x\"" },
		{ "name", "a b", "!key 'name': 'a b' is not 1 to 63 letters, digits, '-' or '_'" },
		{ "name", "io.bound", "!key 'name': 'io.bound' is not 1 to 63 letters, digits, '-' "
		    "or '_'" },
		{ "name", "", "!key 'name': no value" },
		{ "dataset", "seed003", "\"seed003\"" },
		{ "dataset", "a b", "!key 'dataset': 'a b' is neither a profile name (1 to 31 "
		    "letters, digits, '-' or '_') nor a folder (a path with a '/', or starting with "
		    "'.' or '~')" },
		{ "dataset", "/nonexistent/photos", "!key 'dataset': folder '/nonexistent/photos': "
		    "No such file or directory" },
		{ "dataset", "/dev/null", "!key 'dataset': '/dev/null' is not a folder" },
		{ "data_bucket", "my-photos.eu", "\"my-photos.eu\"" },
		{ "data_bucket", "ab", "!key 'data_bucket': 's3://ab': bucket names are 3 to 63 "
		    "characters of a-z 0-9 . -" },
		{ "data_bucket", "My_Bucket", "!key 'data_bucket': 's3://My_Bucket': bucket names "
		    "are 3 to 63 characters of a-z 0-9 . -" },
		{ "out_bucket", "out/x", "!key 'out_bucket': 'out/x' is not a bucket name (3 to 63 "
		    "characters of a-z 0-9 . -)" },
		{ "out_bucket", "", "!key 'out_bucket': no value" },
		{ "out_prefix", "", "\"\"" },
		{ "out_prefix", "runs/2026-12_a.b", "\"runs/2026-12_a.b\"" },
		{ "out_prefix", "/runs", "!key 'out_prefix': '/runs' is not a prefix of 1 to 255 "
		    "letters, digits, '-', '_', '.' and '/' with no empty part" },
		{ "data_prefix", "a//b", "!key 'data_prefix': 'a//b' is not a prefix of 1 to 255 "
		    "letters, digits, '-', '_', '.' and '/' with no empty part" },
		{ "data_prefix", "a b", "!key 'data_prefix': 'a b' is not a prefix of 1 to 255 "
		    "letters, digits, '-', '_', '.' and '/' with no empty part" },
		{ "source", "", "\"\"" },
		{ "source", "s3://photos", "\"s3://photos\"" },
		{ "source", "s3://photos//2024/jpeg/", "\"s3://photos/2024/jpeg\"" },
		{ "source", "photos/2024", "!key 'source': 'photos/2024' is not an s3://BUCKET/PREFIX "
		    "address" },
		{ "source", "s3://Photos/x", "!key 'source': 's3://Photos/x': bucket names are 3 to 63 "
		    "characters of a-z 0-9 . -" },
		{ "source", "s3://photos/a b", "!key 'source': 's3://photos/a b': the prefix is not 1 "
		    "to 255 letters, digits, '-', '_', '.' and '/' with no empty part" },
		{ "description", "", "\"\"" },
		{ "description", "50 ms, \xc2\xb5s and \"quotes\"", "\"50 ms, \xc2\xb5s and "
		    "\\\"quotes\\\"\"" },
		{ "description", "bad \xff byte", "!key 'description': not UTF-8 text of at most "
		    "255 bytes" },
		{ "latency_ms", "0", "0.0" },
		{ "latency_ms", "2.5", "2.5" },
		{ "latency_ms", "60000", "60000.0" },
		{ "latency_ms", "1e3", "1000.0" },
		{ "latency_ms", "auto", "\"auto\"" },
		{ "latency_ms", "-3", "!key 'latency_ms': '-3' is not auto or a number "
		    "in [0, 60000]" },
		{ "latency_ms", "Auto", "!key 'latency_ms': 'Auto' is not auto or a number "
		    "in [0, 60000]" },
		{ "latency_ms", "60000.5", "!key 'latency_ms': '60000.5' is not auto or a number "
		    "in [0, 60000]" },
		{ "latency_ms", "abc", "!key 'latency_ms': 'abc' is not auto or a number "
		    "in [0, 60000]" },
		{ "latency_ms", "nan", "!key 'latency_ms': 'nan' is not auto or a number "
		    "in [0, 60000]" },
		{ "latency_ms", "0x10", "!key 'latency_ms': '0x10' is not auto or a number "
		    "in [0, 60000]" },
		{ "latency_ms", "5ms", "!key 'latency_ms': '5ms' is not auto or a number "
		    "in [0, 60000]" },
		{ "latency_ms", "1e999", "!key 'latency_ms': '1e999' is not auto or a number "
		    "in [0, 60000]" },
		{ "latency_ms", "", "!key 'latency_ms': no value" },
		{ "reset_fraction", "1", "1.0" },
		{ "reset_fraction", "1.01", "!key 'reset_fraction': '1.01' is not a number in [0, 1]" },
		{ "trim", "0.45", "0.45" },
		{ "trim", "0.5", "!key 'trim': '0.5' is not a number in [0, 0.45]" },
		{ "sample_hz", "0.5", "!key 'sample_hz': '0.5' is not a number in [1, 100]" },
		{ "duration", "86401", "!key 'duration': '86401' is not a number in [0, 86400]" },
		{ "images", "1000000000", "1000000000" },
		{ "images", "1000000001", "!key 'images': '1000000001' is not an integer in [0, "
		    "1000000000]" },
		{ "images", "99999999999999999999999", "!key 'images': '99999999999999999999999' "
		    "is not an integer in [0, 1000000000]" },
		{ "quality", "1", "1" },
		{ "quality", "0", "!key 'quality': '0' is not an integer in [1, 100]" },
		{ "quality", "+5", "!key 'quality': '+5' is not an integer in [1, 100]" },
		{ "quality", "7.0", "!key 'quality': '7.0' is not an integer in [1, 100]" },
		{ "repeat", "20", "20" },
		{ "repeat", "21", "!key 'repeat': '21' is not an integer in [1, 20]" },
		{ "workers", "-1", "!key 'workers': '-1' is not an integer in [0, 4096]" },
		{ "global_lock", "yes", "true" },
		{ "global_lock", "no", "false" },
		{ "global_lock", "true", "!key 'global_lock': 'true' is not yes or no (on or off)" },
		{ "global_lock", "YES", "!key 'global_lock': 'YES' is not yes or no (on or off)" },
		{ "cpu_profile", "on", "true" },
		{ "cpu_profile", "off", "false" },
		{ "cpu_profile", "1", "!key 'cpu_profile': '1' is not yes or no (on or off)" },
		{ "jitter", "normal", "\"normal\"" },
		{ "jitter", "gauss", "!key 'jitter': 'gauss' is not one of none, uniform, normal, "
		    "pareto" },
		{ "transform", "recompress", "\"recompress\"" },
		{ "usl_fit", "ols", "\"ols\"" },
		{ "usl_fit", "OLS", "!key 'usl_fit': 'OLS' is not one of relative, ols" },
		{ "transform", "thumb", "!key 'transform': 'thumb' is not one of none, thumbnail, "
		    "recompress" },
		{ "models", "hybrid  async\tsequential", "[\"hybrid\",\"async\",\"sequential\"]" },
		{ "models", "threads", "!key 'models': unknown model 'threads' (sequential, pthreads, "
		    "forkpool, async, hybrid)" },
		{ "models", "async async", "!key 'models': 'async' given twice" },
		{ "models", " ", "!key 'models': no value" },
		{ "concurrency", "1 4096", "[1,4096]" },
		{ "concurrency", "1 0", "!key 'concurrency': '0' is not an integer in [1, 4096]" },
		{ "concurrency", "4097", "!key 'concurrency': '4097' is not an integer in [1, "
		    "4096]" },
		{ "client_cpus", "", "[\"all\"]" },
		{ "client_cpus", "all 0 0-1 0,2-3", "[\"all\",\"0\",\"0-1\",\"0,2-3\"]" },
		{ "client_cpus", "1-0", "!key 'client_cpus': '1-0' is not all or a CPU list such as "
		    "0, 0-1 or 0,2-3" },
		{ "client_cpus", "0,,1", "!key 'client_cpus': '0,,1' is not all or a CPU list such "
		    "as 0, 0-1 or 0,2-3" },
		{ "client_cpus", "-1", "!key 'client_cpus': '-1' is not all or a CPU list such as 0, "
		    "0-1 or 0,2-3" },
		{ "client_cpus", "0-", "!key 'client_cpus': '0-' is not all or a CPU list such as "
		    "0, 0-1 or 0,2-3" },
		{ "client_cpus", "0-1-2", "!key 'client_cpus': '0-1-2' is not all or a CPU list "
		    "such as 0, 0-1 or 0,2-3" },
		{ "server_cpus", "2-3", "\"2-3\"" },
		{ "server_cpus", "all", "\"all\"" },
		{ "server_cpus", "", "\"all\"" },
		{ "server_cpus", "0 1", "!key 'server_cpus': '0 1' is not all or a CPU list such as "
		    "0, 0-1 or 0,2-3" },
		{ "server_cpus", "cpu0", "!key 'server_cpus': 'cpu0' is not all or a CPU list such "
		    "as 0, 0-1 or 0,2-3" },
		{ "endpoints", "http://a:1,http://b:2/", "\"http://a:1,http://b:2/\"" },
		{ "endpoints", "", "\"\"" },
		{ "endpoints", "http://a,ftp://b", "!key 'endpoints': endpoint 'ftp://b' must start "
		    "with http:// or https://" },
		{ "endpoints", "http://a http://b", "!key 'endpoints': endpoint 'http://a http://b' "
		    "holds a blank (a list is URL[,URL...])" },
		{ "latncy_ms", "5", "!unknown key 'latncy_ms'" },
		{ "Latency_ms", "5", "!unknown key 'Latency_ms'" },
	};
	struct fixture *fx = *state;
	char *before, *after, *got;
	size_t i;
	int rc;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		scenario_defaults(&fx->sc);
		before = dump(&fx->sc, NULL);
		fx->err[0] = '\0';
		rc = scenario_set(&fx->sc, cases[i].key, cases[i].value, fx->err, sizeof(fx->err));
		if (cases[i].want[0] == '!') {
			after = dump(&fx->sc, NULL);
			if (rc != -1 || strcmp(fx->err, cases[i].want + 1) != 0 ||
			    strcmp(before, after) != 0)
				fail_msg("%s = '%s': rc %d, error \"%s\", want \"%s\"%s", cases[i].key,
				    cases[i].value, rc, fx->err, cases[i].want + 1,
				    strcmp(before, after) != 0 ? ", and the scenario changed" : "");
			free(after);
		} else {
			if (rc != 0)
				fail_msg("%s = '%s': %s", cases[i].key, cases[i].value, fx->err);
			got = dump(&fx->sc, cases[i].key);
			if (strcmp(got, cases[i].want) != 0)
				fail_msg("%s = '%s': got %s, want %s", cases[i].key,
				    cases[i].value, got, cases[i].want);
			free(got);
		}
		free(before);
	}
}

/* Comments, blank lines, spaces, tabs, CRLF, no final line end, '=' inside a value. */
static void
test_format(void **state)
{
	struct fixture *fx = *state;

	assert_int_equal(parse_text(fx, "bench/io-bound.conf",
	    "# a comment\r\n"
	    "\r\n"
	    "   \t  \n"
	    "  latency_ms\t=   50   # one way\r\n"
	    "models=async hybrid\r\n"
	    "description = x = y, then a comment # not this\n"
	    "\tconcurrency = 4 8 \t\n"
	    "#latency_ms = 70\n"
	    "repeat = 2"), 0);
	assert_double_same(fx->sc.latency_ms, 50);
	assert_int_equal(fx->sc.n_models, 2);
	assert_string_equal(fx->sc.models[1], "hybrid");
	assert_string_equal(fx->sc.description, "x = y, then a comment");
	assert_int_equal(fx->sc.n_levels, 2);
	assert_int_equal(fx->sc.levels[1], 8);
	assert_int_equal(fx->sc.repeat, 2);
	assert_string_equal(fx->sc.name, "io-bound");

	/* One key: the others at their defaults (whatever sc held), named after the file. */
	assert_int_equal(parse_text(fx, "empty.conf", "# all defaults\nrepeat = 1\n"), 0);
	assert_string_equal(fx->sc.name, "empty");
	assert_double_same(fx->sc.latency_ms, 0);
	assert_int_equal(fx->sc.n_models, 5);
	assert_int_equal(fx->sc.repeat, 1);

	/* No key at all: an error, not the defaults in silence. */
	assert_int_equal(parse_text(fx, "empty.conf", ""), -1);
	assert_non_null(strstr(fx->err, "empty.conf: no key in it"));
	assert_int_equal(parse_text(fx, "empty.conf", "# nothing\n\n  \n"), -1);
	assert_non_null(strstr(fx->err, "empty.conf: no key in it"));
}

static void
test_parse_errors(void **state)
{
	static const struct {
		const char *text, *want;
	} cases[] = {
		{ "a = 1\n", "t.conf:1: unknown key 'a'" },
		{ "# c\n\nlatency_ms 50\n", "t.conf:3: expected key = value" },
		{ "= 50\n", "t.conf:1: expected key = value" },
		{ "   =\n", "t.conf:1: expected key = value" },
		{ "repeat = 2\r\n\r\nrepeat = 3\r\n",
		    "t.conf:3: key 'repeat' given twice, first on line 1" },
		{ "name = x\nname = x # same value\n",
		    "t.conf:2: key 'name' given twice, first on line 1" },
		{ "quality =\n", "t.conf:1: key 'quality': no value" },
		{ "quality = # none\n", "t.conf:1: key 'quality': no value" },
		{ "\n\nlatency_ms = -3\n",
		    "t.conf:3: key 'latency_ms': '-3' is not auto or a number in [0, 60000]" },
		{ "stall_fraction = 0.1\n", "t.conf: stall_fraction 0.1 needs stall_ms > 0" },
		{ "stall_ms = 500\n", "t.conf: stall_ms 500 needs stall_fraction > 0" },
		{ "jitter_ms = 5\n", "t.conf: jitter_ms 5 needs jitter uniform, normal or pareto" },
		{ "endpoints = http://a,http://b\nlatency_ms = 5\n", "t.conf: endpoints: the shaper "
		    "fronts one endpoint; with endpoints listed, leave latency_ms (or auto), jitter, "
		    "bandwidth, resets and stalls unset, and list shaped endpoints (exifbench shape) "
		    "instead" },
		{ "jitter = uniform\n", "t.conf: jitter uniform needs jitter_ms > 0" },
		{ "jitter = uniform\njitter_ms = 0\n",
		    "t.conf: jitter uniform needs jitter_ms > 0" },
		{ "stage = x.so\ntransform = thumbnail\n", "t.conf: stage x.so replaces the "
		    "built-in stage: it takes no transform nor cpu_spin_ms" },
		{ "stage_cmd = ./s\ntransform = thumbnail\n", "t.conf: stage_cmd ./s replaces the "
		    "built-in stage: it takes no transform nor cpu_spin_ms" },
		{ "stage_cmd = ./s\ncpu_spin_ms = 2\n", "t.conf: stage_cmd ./s replaces the "
		    "built-in stage: it takes no transform nor cpu_spin_ms" },
		{ "stage_cmd = ./s\nstage = x.so\n", "t.conf: stage_cmd and stage are two CPU "
		    "stages: give one of them" },
		{ "stage = /nonexistent/x.so:1\n", "t.conf: key 'stage': stage /nonexistent/x.so: "
		    "cannot load: /nonexistent/x.so: cannot open shared object file: No such file "
		    "or directory" },
	};
	struct fixture *fx = *state;
	char *before, *after;
	size_t i;

	/* An error leaves the caller's scenario as it was. */
	assert_int_equal(scenario_set(&fx->sc, "latency_ms", "7", NULL, 0), 0);
	before = dump(&fx->sc, NULL);
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		fx->err[0] = '\0';
		if (parse_text(fx, "t.conf", cases[i].text) != -1 ||
		    strcmp(fx->err, cases[i].want) != 0)
			fail_msg("case %zu: error \"%s\", want \"%s\"", i, fx->err, cases[i].want);
		after = dump(&fx->sc, NULL);
		assert_string_equal(before, after);
		free(after);
	}
	free(before);
	/* The settings that go together are fine together. */
	scenario_defaults(&fx->sc);
	assert_int_equal(parse_text(fx, "t.conf", "stall_ms = 1\nstall_fraction = 1\n"
	    "jitter = normal\njitter_ms = 3\n"), 0);
}

/*
 * latency_ms = auto: kept as asked (JSON "auto") until the endpoint is known; then 50 on the
 * local server and 0 elsewhere (and no jitter there), as a number in the JSON; a number is
 * left alone, jitter too; a full. line can ask for auto over a number and a later number
 * clears it.
 */
static void
test_latency_auto(void **state)
{
	struct fixture *fx = *state;
	char *got;

	if (parse_text(fx, "t.conf", "latency_ms = auto\n") < 0)
		fail_msg("%s", fx->err);
	assert_true(fx->sc.latency_auto && !fx->sc.latency_resolved);
	assert_true(fx->sc.latency_ms == 0);
	got = dump(&fx->sc, "latency_ms");
	assert_string_equal(got, "\"auto\"");
	free(got);
	scenario_resolve_latency(&fx->sc, 1);
	assert_true(fx->sc.latency_ms == SCENARIO_AUTO_LATENCY_MS && fx->sc.latency_resolved);
	got = dump(&fx->sc, "latency_ms");
	assert_string_equal(got, "50.0");
	free(got);
	assert_int_equal(scenario_set(&fx->sc, "jitter_ms", "2", NULL, 0), 0);
	assert_int_equal(scenario_set(&fx->sc, "jitter", "normal", NULL, 0), 0);
	scenario_resolve_latency(&fx->sc, 1);
	assert_true(fx->sc.jitter_ms == 2 && strcmp(fx->sc.jitter, "normal") == 0);
	assert_int_equal(scenario_set(&fx->sc, "endpoints", "http://a,http://b", NULL, 0), 0);
	fx->sc.latency_resolved = 0;
	scenario_resolve_latency(&fx->sc, 1);	/* endpoints listed: auto adds nothing */
	assert_true(fx->sc.latency_ms == 0);
	assert_int_equal(scenario_set(&fx->sc, "endpoints", "", NULL, 0), 0);
	scenario_resolve_latency(&fx->sc, 0);	/* elsewhere: no emulated latency, no jitter */
	assert_true(fx->sc.latency_ms == 0 && fx->sc.latency_auto);
	assert_true(fx->sc.jitter_ms == 0 && strcmp(fx->sc.jitter, "none") == 0);
	assert_int_equal(scenario_check(&fx->sc, fx->err, sizeof(fx->err)), 0);
	got = dump(&fx->sc, "latency_ms");
	assert_string_equal(got, "0.0");
	free(got);
	/* A number is what it says, wherever the endpoint is. */
	assert_int_equal(scenario_set(&fx->sc, "latency_ms", "7", NULL, 0), 0);
	assert_true(!fx->sc.latency_auto && !fx->sc.latency_resolved);
	scenario_resolve_latency(&fx->sc, 1);
	assert_true(fx->sc.latency_ms == 7);
	/* The full profile's line replaces the plain one, either way. */
	fx->f = fmemopen("latency_ms = 5\nfull.latency_ms = auto\n", 38, "r");
	assert_non_null(fx->f);
	assert_int_equal(scenario_parse(fx->f, "t.conf", "full", &fx->sc, fx->err,
	    sizeof(fx->err)), 0);
	assert_true(fx->sc.latency_auto && fx->sc.latency_ms == 0);
	rewind(fx->f);
	assert_int_equal(scenario_parse(fx->f, "t.conf", "quick", &fx->sc, fx->err,
	    sizeof(fx->err)), 0);
	assert_true(!fx->sc.latency_auto && fx->sc.latency_ms == 5);
	fclose(fx->f);
	fx->f = NULL;
	scenario_resolve_latency(NULL, 1);
}

/* A plugin stage is loaded once at parse time and passed on as it is written. */
static void
test_stage_key(void **state)
{
	struct fixture *fx = *state;
	char text[256];

	snprintf(text, sizeof(text), "stage = %s/teststage.so:ok\n", TEST_STAGES);
	if (parse_text(fx, "t.conf", text) < 0)
		fail_msg("%s", fx->err);
	assert_string_equal(fx->sc.stage, TEST_STAGES "/teststage.so:ok");
	snprintf(text, sizeof(text), "stage = %s/teststage.so:fail-init\n", TEST_STAGES);
	assert_int_equal(parse_text(fx, "t.conf", text), -1);
	assert_non_null(strstr(fx->err, "t.conf: key 'stage': stage teststage: init('fail-init') "
	    "failed: asked to fail"));
}

/* Lines of 1023 characters (with LF, CRLF or none, at the end) read; 1024 and more do not. */
static void
test_long_lines(void **state)
{
	static const struct {
		size_t len;
		const char *end;
		int rc;
	} cases[] = {
		{ 1023, "\n", 0 }, { 1023, "\r\n", 0 }, { 1023, "", 0 },
		{ 1024, "\n", -1 }, { 1024, "\r\n", -1 }, { 1024, "", -1 },
		{ 1025, "\n", -1 }, { 5000, "\n", -1 },
	};
	struct fixture *fx = *state;
	char text[6000];
	size_t i, n, start;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		start = (size_t)snprintf(text, sizeof(text), "repeat = 2\n\n");
		n = start + (size_t)snprintf(text + start, sizeof(text) - start,
		    "description = long #");
		memset(text + n, '#', cases[i].len - (n - start));
		n = start + cases[i].len;
		snprintf(text + n, sizeof(text) - n, "%s%s", cases[i].end,
		    *cases[i].end != '\0' ? "quality = 50\n" : "");
		scenario_defaults(&fx->sc);
		if (parse_text(fx, "long.conf", text) != cases[i].rc)
			fail_msg("line of %zu: %s", cases[i].len, fx->err);
		if (cases[i].rc == 0) {
			assert_string_equal(fx->sc.description, "long");
			assert_int_equal(fx->sc.quality, *cases[i].end != '\0' ? 50 : 85);
		} else {
			assert_string_equal(fx->err, "long.conf:3: line longer than 1023 characters");
		}
	}
}

static void
test_lists(void **state)
{
	struct fixture *fx = *state;

	assert_int_equal(scenario_set(&fx->sc, "concurrency",
	    "1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16", fx->err, sizeof(fx->err)), 0);
	assert_int_equal(fx->sc.n_levels, 16);
	assert_int_equal(fx->sc.levels[15], 16);
	assert_int_equal(scenario_set(&fx->sc, "concurrency",
	    "1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17", fx->err, sizeof(fx->err)), -1);
	assert_string_equal(fx->err, "key 'concurrency': more than 16 values");
	assert_int_equal(fx->sc.n_levels, 16);

	/* A list replaces the one before it, whatever its length. */
	assert_int_equal(scenario_set(&fx->sc, "concurrency", "32", NULL, 0), 0);
	assert_int_equal(fx->sc.n_levels, 1);
	assert_int_equal(fx->sc.levels[0], 32);

	assert_int_equal(scenario_set(&fx->sc, "client_cpus", "0 1 2 all", NULL, 0), 0);
	assert_int_equal(fx->sc.n_client_cpus, 4);
	assert_string_equal(fx->sc.client_cpus[3], "");
	assert_int_equal(scenario_set(&fx->sc, "client_cpus", "0 1 2 3 4", fx->err,
	    sizeof(fx->err)), -1);
	assert_string_equal(fx->err, "key 'client_cpus': more than 4 values");
	assert_int_equal(scenario_set(&fx->sc, "client_cpus", "", NULL, 0), 0);
	assert_int_equal(fx->sc.n_client_cpus, 1);
	assert_string_equal(fx->sc.client_cpus[0], "");

	assert_int_equal(scenario_set(&fx->sc, "models", "hybrid", NULL, 0), 0);
	assert_int_equal(fx->sc.n_models, 1);
	assert_string_equal(fx->sc.models[0], "hybrid");
}

/* The name is the file's stem, unless the file gives one. */
static void
test_stem(void **state)
{
	static const struct {
		const char *path, *text, *want;
	} cases[] = {
		{ "bench/io-bound.conf", "repeat = 1\n", "io-bound" },
		{ "/a/b.c/cpu_bound", "repeat = 1\n", "cpu_bound" },
		{ "x.conf.conf", "repeat = 1\n", "!x.conf.conf: no name given: key 'name': 'x.conf' is not 1 to "
		    "63 letters, digits, '-' or '_'" },
		{ "dir/.conf", "repeat = 1\n", "!dir/.conf: no name given: key 'name': '.conf' is not 1 to 63 "
		    "letters, digits, '-' or '_'" },
		{ "dir/", "repeat = 1\n", "!dir/: no name given: key 'name': no value" },
		{ "my scenario.conf", "name = mine\n", "mine" },
	};
	struct fixture *fx = *state;
	size_t i;
	int rc;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		scenario_defaults(&fx->sc);
		rc = parse_text(fx, cases[i].path, cases[i].text);
		if (cases[i].want[0] == '!') {
			assert_int_equal(rc, -1);
			assert_string_equal(fx->err, cases[i].want + 1);
		} else {
			assert_int_equal(rc, 0);
			assert_string_equal(fx->sc.name, cases[i].want);
		}
	}
}

/* full.conf sets every key, each away from its default. */
static void
test_full_file(void **state)
{
	struct fixture *fx = *state;
	struct scenario dflt;
	char path[4096], *a, *b;
	size_t i;

	testutil_data_path(path, sizeof(path), "scenario/full.conf");
	scenario_defaults(&dflt);
	if (scenario_load(path, NULL, &fx->sc, fx->err, sizeof(fx->err)) < 0)
		fail_msg("%s", fx->err);
	for (i = 0; i < NKEYS; i++) {
		if (strcmp(keys[i].name, "stage") == 0 || strcmp(keys[i].name, "stage_cmd") == 0)
			continue;	/* they exclude transform: test_stage_key, test_errors */
		if (strcmp(keys[i].name, "endpoints") == 0)
			continue;	/* it excludes shaping: test_kinds, test_parse_errors */
		a = dump(&dflt, keys[i].name);
		b = dump(&fx->sc, keys[i].name);
		if (strcmp(a, b) == 0)
			fail_msg("key '%s' is at its default %s in full.conf", keys[i].name, a);
		free(a);
		free(b);
	}
	assert_string_equal(fx->sc.name, "full-Example_1");
	assert_string_equal(fx->sc.description,
	    "Every key set: a = b is fine, only the hash sign starts a comment");
	assert_string_equal(fx->sc.dataset, "tiny");
	assert_string_equal(fx->sc.data_bucket, "my-photos.eu");
	assert_string_equal(fx->sc.data_prefix, "sets/tiny");
	assert_string_equal(fx->sc.source, "s3://camera-roll/2024");
	assert_string_equal(fx->sc.out_bucket, "my-results");
	assert_string_equal(fx->sc.out_prefix, "exifbench/full");
	assert_int_equal(fx->sc.images, 1200);
	assert_double_same(fx->sc.duration_s, 90.5);
	assert_string_equal(fx->sc.jitter, "pareto");
	assert_string_equal(fx->sc.transform, "thumbnail");
	assert_int_equal(fx->sc.global_lock, 1);
	assert_int_equal(fx->sc.n_levels, 8);
	assert_int_equal(fx->sc.levels[7], 128);
	assert_int_equal(fx->sc.n_client_cpus, 3);
	assert_string_equal(fx->sc.client_cpus[1], "0-1");
	assert_string_equal(fx->sc.client_cpus[2], "");
	assert_string_equal(fx->sc.server_cpus, "1");
	assert_double_same(fx->sc.trim, 0.05);
}

/* Each bad file's first line is "# want: " and its error after the path. */
static void
test_bad_files(void **state)
{
	static const char *const names[] = { "bad_duplicate.conf", "bad_unknown_key.conf",
		"bad_model.conf", "bad_no_equals.conf", "bad_jitter.conf", "bad_range.conf",
		"bad_cpus.conf" };
	struct fixture *fx = *state;
	char path[4096], want[1024], *text, *nl;
	size_t i;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		testutil_data_path(path, sizeof(path), "scenario/");
		strcat(path, names[i]);
		text = testutil_slurp(path, NULL);
		assert_non_null(text);
		assert_memory_equal(text, "# want: ", 8);
		nl = strchr(text, '\n');
		assert_non_null(nl);
		snprintf(want, sizeof(want), "%s%.*s", path, (int)(nl - text - 8), text + 8);
		free(text);
		scenario_defaults(&fx->sc);
		fx->err[0] = '\0';
		assert_int_equal(scenario_load(path, NULL, &fx->sc, fx->err, sizeof(fx->err)), -1);
		assert_string_equal(fx->err, want);
	}
}

/*
 * Profiles: plain keys are `quick`; `full.KEY` lines apply only with "full", after the plain
 * keys whatever their order; they are checked under every profile; an unknown profile, in
 * a line or as the argument, and a profile key given twice are errors naming the line.
 */
static void
test_profiles(void **state)
{
	struct fixture *fx = *state;
	static const char text[] =
	    "full.concurrency = 1 2 4 8\n"
	    "name = p\n"
	    "concurrency = 1 8\n"
	    "full.dataset = seed003\n";
	static const struct {
		const char *text, *profile, *err;
	} bad[] = {
		{ "name = p\nfull.latency_ms = -1\n", NULL, "x.conf:2: key 'latency_ms'" },
		{ "name = p\nfull.latency_ms = -1\n", "full", "x.conf:2: key 'latency_ms'" },
		{ "name = p\nhuge.images = 5\n", NULL, "x.conf:2: unknown profile 'huge'" },
		{ "name = p\nfull.images = 5\nfull.images = 6\n", "full",
		    "x.conf:3: key 'full.images' given twice" },
		{ "name = p\nfull.nokey = 5\n", NULL, "x.conf:2: unknown key 'nokey'" },
		{ "name = p\n", "huge", "x.conf: unknown profile 'huge'" },
	};
	size_t i;

	fx->f = fmemopen((void *)text, strlen(text), "r");
	assert_int_equal(scenario_parse(fx->f, "x.conf", NULL, &fx->sc, fx->err,
	    sizeof(fx->err)), 0);
	assert_int_equal(fx->sc.n_levels, 2);
	assert_string_equal(fx->sc.dataset, "default");
	assert_string_equal(fx->sc.profile, "quick");
	rewind(fx->f);
	assert_int_equal(scenario_parse(fx->f, "x.conf", "full", &fx->sc, fx->err,
	    sizeof(fx->err)), 0);
	assert_int_equal(fx->sc.n_levels, 4);
	assert_int_equal(fx->sc.levels[3], 8);
	assert_string_equal(fx->sc.dataset, "seed003");
	assert_string_equal(fx->sc.profile, "full");
	fclose(fx->f);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		fx->f = fmemopen((void *)bad[i].text, strlen(bad[i].text), "r");
		assert_int_equal(scenario_parse(fx->f, "x.conf", bad[i].profile, &fx->sc,
		    fx->err, sizeof(fx->err)), -1);
		if (strstr(fx->err, bad[i].err) == NULL)
			fail_msg("case %zu: '%s' lacks '%s'", i, fx->err, bad[i].err);
		fclose(fx->f);
	}
	fx->f = NULL;
}

/* JSON keys are the table's keys; each member set back as text gives the same JSON. */
static void
test_json_round_trip(void **state)
{
	struct fixture *fx = *state;
	struct scenario back;
	char path[4096], text[1024], *a, *b;
	json_t *o, *v, *item;
	const char *key;
	size_t i, j, n;

	testutil_data_path(path, sizeof(path), "scenario/full.conf");
	if (scenario_load(path, NULL, &fx->sc, fx->err, sizeof(fx->err)) < 0)
		fail_msg("%s", fx->err);
	o = scenario_json(&fx->sc);
	assert_non_null(o);
	assert_int_equal(json_object_size(o), NKEYS + 1);	/* + the profile applied */
	assert_string_equal(json_string_value(json_object_get(o, "profile")), "quick");
	for (i = 0; i < NKEYS; i++)
		assert_non_null(json_object_get(o, keys[i].name));
	scenario_defaults(&back);
	json_object_foreach(o, key, v) {
		if (strcmp(key, "profile") == 0)
			continue;
		text[0] = '\0';
		if (json_is_array(v)) {
			json_array_foreach(v, j, item) {
				n = strlen(text);
				if (json_is_string(item))
					snprintf(text + n, sizeof(text) - n, "%s%s", j ? " " : "",
					    json_string_value(item));
				else if (json_is_real(item))
					snprintf(text + n, sizeof(text) - n, "%s%.17g", j ? " " : "",
					    json_real_value(item));
				else
					snprintf(text + n, sizeof(text) - n, "%s%lld", j ? " " : "",
					    (long long)json_integer_value(item));
			}
		} else if (json_is_string(v)) {
			snprintf(text, sizeof(text), "%s", json_string_value(v));
		} else if (json_is_boolean(v)) {
			snprintf(text, sizeof(text), "%s", json_is_true(v) ? "yes" : "no");
		} else if (json_is_integer(v)) {
			snprintf(text, sizeof(text), "%lld", (long long)json_integer_value(v));
		} else {
			snprintf(text, sizeof(text), "%.17g", json_real_value(v));
		}
		if (scenario_set(&back, key, text, fx->err, sizeof(fx->err)) < 0)
			fail_msg("%s = '%s': %s", key, text, fx->err);
	}
	json_decref(o);
	a = dump(&fx->sc, NULL);
	b = dump(&back, NULL);
	assert_string_equal(a, b);
	free(a);
	free(b);
}

static void
test_inval(void **state)
{
	struct fixture *fx = *state;
	char small[8];

	assert_int_equal(scenario_set(NULL, "repeat", "1", fx->err, sizeof(fx->err)), -1);
	assert_string_equal(fx->err, "scenario_set: NULL argument");
	assert_int_equal(scenario_set(&fx->sc, NULL, "1", fx->err, sizeof(fx->err)), -1);
	assert_int_equal(scenario_set(&fx->sc, "repeat", NULL, fx->err, sizeof(fx->err)), -1);
	assert_int_equal(scenario_set(&fx->sc, "repeat", "0", NULL, 0), -1);
	assert_int_equal(scenario_set(&fx->sc, "repeat", "0", small, sizeof(small)), -1);
	assert_string_equal(small, "key 're");
	assert_int_equal(fx->sc.repeat, 1);

	assert_int_equal(scenario_parse(NULL, "x", NULL, &fx->sc, fx->err, sizeof(fx->err)), -1);
	assert_string_equal(fx->err, "scenario_parse: NULL argument");
	fx->f = fmemopen("", 1, "r");
	assert_non_null(fx->f);
	assert_int_equal(scenario_parse(fx->f, NULL, NULL, &fx->sc, fx->err, sizeof(fx->err)), -1);
	assert_int_equal(scenario_parse(fx->f, "x", NULL, NULL, fx->err, sizeof(fx->err)), -1);

	assert_int_equal(scenario_load(NULL, NULL, &fx->sc, fx->err, sizeof(fx->err)), -1);
	assert_int_equal(scenario_load("x.conf", NULL, NULL, fx->err, sizeof(fx->err)), -1);
	assert_int_equal(scenario_load("/nonexistent/x.conf", NULL, &fx->sc, fx->err,
	    sizeof(fx->err)), -1);
	assert_string_equal(fx->err, "/nonexistent/x.conf: No such file or directory");
	assert_null(scenario_json(NULL));
	scenario_defaults(NULL);
}

/* The dataset key's folders, in a scratch tree: top/s.conf, top/photos/a.jpg, top/empty/. */
static void
test_dataset_folder(void **state)
{
	struct fixture *fx = *state;
	static char text[] = "dataset = tiny\nfull.dataset = photos/\n";
	char top[256], conf[512], want[1024], cwd[4096], *before, *after;
	const char *home = getenv("HOME");

	assert_int_equal(testutil_tmpdir(top, sizeof(top), "test_scenario"), 0);
	snprintf(conf, sizeof(conf), "%s/photos", top);
	assert_int_equal(mkdir(conf, 0777), 0);
	testutil_write(conf, "a.jpg", "not really a JPEG");
	snprintf(conf, sizeof(conf), "%s/empty", top);
	assert_int_equal(mkdir(conf, 0777), 0);
	testutil_write(conf, "manifest.jsonl", "");	/* not a file the bench loads */
	snprintf(conf, sizeof(conf), "%s/sub", top);
	assert_int_equal(mkdir(conf, 0777), 0);
	testutil_write(top, "s.conf", "");
	snprintf(conf, sizeof(conf), "%s/s.conf", top);

	/* Relative to the file's folder, whatever the working directory. */
	assert_int_equal(parse_text(fx, conf, "dataset = ./photos\n"), 0);
	assert_string_equal(fx->sc.dataset, "./photos");
	snprintf(want, sizeof(want), "%s/photos", top);
	assert_string_equal(fx->sc.dataset_dir, want);
	assert_int_equal(parse_text(fx, conf, "dataset = sub/../photos/\n"), 0);
	assert_string_equal(fx->sc.dataset_dir, want);
	assert_int_equal(parse_text(fx, conf, "dataset = tiny\nfull.dataset = photos/\n"), 0);
	assert_string_equal(fx->sc.dataset_dir, "");
	fx->f = fmemopen(text, strlen(text), "r");
	assert_int_equal(scenario_parse(fx->f, conf, "full", &fx->sc, fx->err,
	    sizeof(fx->err)), 0);
	assert_string_equal(fx->sc.dataset, "photos/");
	assert_string_equal(fx->sc.dataset_dir, want);

	/* A profile name again clears the folder. */
	assert_int_equal(scenario_set(&fx->sc, "dataset", "seed003", fx->err, sizeof(fx->err)),
	    0);
	assert_string_equal(fx->sc.dataset_dir, "");

	/* scenario_set: the working directory; absolute paths as they are. */
	assert_non_null(getcwd(cwd, sizeof(cwd)));
	assert_int_equal(chdir(top), 0);
	assert_int_equal(scenario_set(&fx->sc, "dataset", "./photos", fx->err, sizeof(fx->err)),
	    0);
	assert_string_equal(fx->sc.dataset_dir, want);
	assert_int_equal(chdir(cwd), 0);
	assert_int_equal(scenario_set(&fx->sc, "dataset", want, fx->err, sizeof(fx->err)), 0);
	assert_string_equal(fx->sc.dataset_dir, want);
	assert_int_equal(scenario_set(&fx->sc, "dataset", ".", fx->err, sizeof(fx->err)), 0);
	assert_string_equal(fx->sc.dataset_dir, cwd);

	/* ~ is $HOME. */
	assert_int_equal(setenv("HOME", top, 1), 0);
	assert_int_equal(scenario_set(&fx->sc, "dataset", "~/photos", fx->err, sizeof(fx->err)),
	    0);
	assert_string_equal(fx->sc.dataset_dir, want);
	if (home != NULL)
		setenv("HOME", home, 1);
	else
		unsetenv("HOME");

	/* Errors name the key and the folder, with the path tried, and change nothing. */
	before = dump(&fx->sc, NULL);
	assert_int_equal(parse_text(fx, conf, "\ndataset = ./nope\n"), -1);
	snprintf(want, sizeof(want), "%s:2: key 'dataset': folder './nope' (%s/./nope): No such "
	    "file or directory", conf, top);
	assert_string_equal(fx->err, want);
	assert_int_equal(parse_text(fx, conf, "dataset = empty/\n"), -1);
	snprintf(want, sizeof(want), "%s:1: key 'dataset': folder 'empty/' (%s/empty/) holds no "
	    "regular file", conf, top);
	assert_string_equal(fx->err, want);
	assert_int_equal(parse_text(fx, conf, "dataset = ./s.conf\n"), -1);
	snprintf(want, sizeof(want), "%s:1: key 'dataset': './s.conf' (%s/./s.conf) is not a "
	    "folder", conf, top);
	assert_string_equal(fx->err, want);
	assert_int_equal(scenario_set(&fx->sc, "dataset", "~no-such-user-h19/x", fx->err,
	    sizeof(fx->err)), -1);
	assert_string_equal(fx->err, "key 'dataset': folder '~no-such-user-h19/x': cannot "
	    "expand its '~'");
	after = dump(&fx->sc, NULL);
	assert_string_equal(before, after);
	free(before);
	free(after);
	assert_int_equal(testutil_rmtree(top), 0);
}

#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)

int
main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_defaults),
		T(test_kinds),
		T(test_format),
		T(test_latency_auto),
		T(test_parse_errors),
		T(test_long_lines),
		T(test_lists),
		T(test_stem),
		T(test_full_file),
		T(test_stage_key),
		T(test_bad_files),
		T(test_json_round_trip),
		T(test_profiles),
		T(test_dataset_folder),
		T(test_inval),
	};

	return cmocka_run_group_tests_name("scenario", tests, NULL, NULL);
}
