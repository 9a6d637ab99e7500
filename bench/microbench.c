/*
 * microbench.c: `make microbench`, the speed of the pipeline's CPU steps on one core, as figures
 * (nothing is asserted). Loads every file of the real-camera corpus's jpeg/ folder into memory
 * once, then runs each benchmark of a table over all of them, pass after pass. A benchmark is one
 * function doing one pass; its rounds are interleaved with the other benchmarks' (so a change of
 * clock speed hits all alike) and the best round is reported: images per second of thread CPU
 * time (CLOCK_THREAD_CPUTIME_ID) and of wall time, and the extra CPU per image over each
 * benchmark named as its baselines. The benchmarks (a function and a table row each) are in
 * microbench_passes.c; this file is the runner: options, corpus, rounds, reports.
 */
#include <dirent.h>
#include <errno.h>
#include <getopt.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli.h"
#include "microbench.h"

#define DEFAULT_CORPUS "../shared/exif-corpus/jpeg"
#define DEFAULT_SECONDS 1.5
#define ROUNDS 3

static const struct microbench *const benches = microbench_table;

struct options {
	const char *dir;
	double seconds;		/* wall time per benchmark, over all its rounds */
	int json;
};

/* A benchmark's best round (least CPU per image) and its totals. */
struct result {
	int selected;
	unsigned long passes;	/* over all rounds */
	double images, cpu_s, wall_s;	/* best round */
	size_t sink;
};

static int load_corpus(const char *dir, struct mb_corpus *c);
static void free_corpus(struct mb_corpus *c);
static int name_cmp(const void *a, const void *b);
static double now(clockid_t clk);
static void run_round(const struct microbench *b, const struct mb_corpus *c, double seconds,
    struct result *r);
static double per_image(const struct result *r);
static const struct microbench *find_bench(const char *name, size_t *index);
static void usage(FILE *f);
static const struct result *baseline_of(size_t i, size_t k, const struct result *res);
static double overhead(const struct result *r, const struct result *base);
static void report_text(const struct options *o, const struct mb_corpus *c,
    const struct result *res);
static int report_json(const struct options *o, const struct mb_corpus *c,
    const struct result *res);
static int parse_args(int argc, char **argv, struct options *o, struct result *res);

static int
name_cmp(const void *a, const void *b)
{
	const struct mb_image *x = a, *y = b;

	return strcmp(x->name, y->name);
}

/* Reads every regular file of dir into c, sorted by name. Returns 0, or -1 with errno set. */
static int
load_corpus(const char *dir, struct mb_corpus *c)
{
	char path[4096];
	struct dirent *de;
	struct mb_image *img;
	size_t cap = 0;
	FILE *f = NULL;
	long len;
	DIR *dp;

	if ((dp = opendir(dir)) == NULL)
		return -1;
	while ((de = readdir(dp)) != NULL) {
		if (de->d_name[0] == '.')
			continue;
		if (c->n == cap) {
			cap = cap ? 2 * cap : 128;
			if ((img = realloc(c->img, cap * sizeof(*img))) == NULL)
				goto fail;
			c->img = img;
		}
		img = &c->img[c->n];
		*img = (struct mb_image){ NULL, NULL, 0 };
		snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
		if ((f = fopen(path, "rb")) == NULL || fseek(f, 0, SEEK_END) < 0 ||
		    (len = ftell(f)) < 0 || fseek(f, 0, SEEK_SET) < 0 ||
		    (img->name = strdup(de->d_name)) == NULL ||
		    (img->buf = malloc(len > 0 ? (size_t)len : 1)) == NULL ||
		    fread(img->buf, 1, (size_t)len, f) != (size_t)len) {
			c->n++;	/* so that free_corpus frees what this one got */
			goto fail;
		}
		fclose(f);
		f = NULL;
		img->len = (size_t)len;
		c->bytes += img->len;
		c->n++;
	}
	closedir(dp);
	qsort(c->img, c->n, sizeof(*c->img), name_cmp);
	return 0;
fail:
	if (errno == 0)
		errno = EIO;
	if (f != NULL)
		fclose(f);
	closedir(dp);
	return -1;
}

static void
free_corpus(struct mb_corpus *c)
{
	size_t i;

	for (i = 0; i < c->n; i++) {
		free(c->img[i].name);
		free(c->img[i].buf);
	}
	free(c->img);
}

static double
now(clockid_t clk)
{
	struct timespec ts;

	clock_gettime(clk, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* Passes of b over c until seconds of wall time have gone; r keeps the best round. */
static void
run_round(const struct microbench *b, const struct mb_corpus *c, double seconds, struct result *r)
{
	double cpu0, wall0, cpu, wall;
	unsigned long passes = 0;

	r->sink += b->pass(c);	/* warm the caches and the allocator */
	cpu0 = now(CLOCK_THREAD_CPUTIME_ID);
	wall0 = now(CLOCK_MONOTONIC);
	do {
		r->sink += b->pass(c);
		passes++;
	} while (now(CLOCK_MONOTONIC) - wall0 < seconds);
	cpu = now(CLOCK_THREAD_CPUTIME_ID) - cpu0;
	wall = now(CLOCK_MONOTONIC) - wall0;
	r->passes += passes;
	if (r->images == 0 || cpu / (passes * c->n) < r->cpu_s / r->images) {
		r->images = (double)passes * c->n;
		r->cpu_s = cpu;
		r->wall_s = wall;
	}
}

/* CPU seconds per image in the best round. */
static double
per_image(const struct result *r)
{
	return r->images > 0 ? r->cpu_s / r->images : 0;
}

static const struct microbench *
find_bench(const char *name, size_t *index)
{
	size_t i;

	for (i = 0; i < microbench_count; i++) {
		if (strcmp(benches[i].name, name) == 0) {
			*index = i;
			return &benches[i];
		}
	}
	return NULL;
}

static void
usage(FILE *f)
{
	size_t i;

	fprintf(f, "usage: microbench [--help] [--json] [--time SECONDS] [--corpus DIR] "
	    "[NAME...]\n"
	    "Speed of the pipeline's CPU steps on one core over every file of DIR (default\n"
	    "%s, relative to the repository), held in memory. Each benchmark runs %d\n"
	    "interleaved rounds sharing SECONDS (default %.1f); the best round is reported.\n"
	    "Figures only: nothing is asserted.\n"
	    "  -j, --json          print one JSON object instead of a line per benchmark\n"
	    "  -t, --time SECONDS  wall time per benchmark, over all its rounds\n"
	    "  -c, --corpus DIR    the images to use\n"
	    "benchmarks (all unless NAMEs are given):\n", DEFAULT_CORPUS, ROUNDS,
	    DEFAULT_SECONDS);
	for (i = 0; i < microbench_count; i++)
		fprintf(f, "  %-22s %s\n", benches[i].name, benches[i].what);
}

/* The result of benchmark i's baseline k, when it names one and that one ran; else NULL. */
static const struct result *
baseline_of(size_t i, size_t k, const struct result *res)
{
	size_t j;

	if (benches[i].baseline[k] == NULL || find_bench(benches[i].baseline[k], &j) == NULL ||
	    !res[j].selected)
		return NULL;
	return &res[j];
}

/* Extra CPU per image of r over base, in percent. */
static double
overhead(const struct result *r, const struct result *base)
{
	return 100 * (per_image(r) / per_image(base) - 1);
}

/* A line of figures per benchmark, then what it runs and its extra CPU over its baselines. */
static void
report_text(const struct options *o, const struct mb_corpus *c, const struct result *res)
{
	const struct result *base;
	size_t i, k, n;

	printf("%zu images, %.1f MB, from %s; best of %d rounds, %.2f s per benchmark\n", c->n,
	    c->bytes / 1e6, o->dir, ROUNDS, o->seconds);
	for (i = 0; i < microbench_count; i++) {
		if (!res[i].selected)
			continue;
		printf("%-22s %8.0f images/s CPU (%6.2f us/image), %8.0f images/s wall\n"
		    "    %s\n", benches[i].name, 1 / per_image(&res[i]), per_image(&res[i]) * 1e6,
		    res[i].images / res[i].wall_s, benches[i].what);
		for (k = 0, n = 0; k < MICROBENCH_NBASE; k++)
			if ((base = baseline_of(i, k, res)) != NULL)
				printf("%s%+.1f%% vs %s", n++ > 0 ? ", " : "    CPU per image: ",
				    overhead(&res[i], base), benches[i].baseline[k]);
		if (n > 0)
			putchar('\n');
	}
}

/* Prints the run as one JSON object. Returns 0, or -1 when out of memory. */
static int
report_json(const struct options *o, const struct mb_corpus *c, const struct result *res)
{
	const struct result *base;
	json_t *out, *list, *b, *over;
	char *text = NULL;
	size_t i, k;

	out = json_pack("{s:s, s:I, s:I, s:i, s:f, s:[]}", "corpus", o->dir, "images",
	    (json_int_t)c->n, "bytes", (json_int_t)c->bytes, "rounds", ROUNDS, "seconds",
	    o->seconds, "benchmarks");
	if ((list = json_object_get(out, "benchmarks")) == NULL)
		goto out;
	for (i = 0; i < microbench_count; i++) {
		if (!res[i].selected)
			continue;
		b = json_pack("{s:s, s:s, s:I, s:f, s:f, s:f, s:f, s:f}", "name", benches[i].name,
		    "what", benches[i].what, "passes", (json_int_t)res[i].passes, "images",
		    res[i].images, "cpu_s", res[i].cpu_s, "wall_s", res[i].wall_s,
		    "images_per_s_cpu", 1 / per_image(&res[i]), "images_per_s_wall",
		    res[i].images / res[i].wall_s);
		if (json_array_append_new(list, b) < 0 || (over = json_object()) == NULL ||
		    json_object_set_new(b, "overhead_pct", over) < 0)
			goto out;
		for (k = 0; k < MICROBENCH_NBASE; k++)
			if ((base = baseline_of(i, k, res)) != NULL &&
			    json_object_set_new(over, benches[i].baseline[k],
			    json_real(overhead(&res[i], base))) < 0)
				goto out;
	}
	if ((text = json_dumps(out, JSON_PRESERVE_ORDER | JSON_INDENT(2) |
	    JSON_REAL_PRECISION(6))) != NULL)
		puts(text);
out:
	free(text);
	json_decref(out);
	return text != NULL ? 0 : -1;
}

/*
 * Reads the command line into o and marks the benchmarks to run in res. Returns -1 to go on, or
 * the exit code to return now (after --help, or a usage error already printed).
 */
static int
parse_args(int argc, char **argv, struct options *o, struct result *res)
{
	static const struct option longopts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "time", required_argument, NULL, 't' },
		{ "corpus", required_argument, NULL, 'c' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	size_t i, j;
	int ch, any = 0;
	char junk;

	while ((ch = getopt_long(argc, argv, "jt:c:h", longopts, NULL)) != -1) {
		switch (ch) {
		case 'j': o->json = 1; break;
		case 't':
			if (sscanf(optarg, "%lf%c", &o->seconds, &junk) != 1 ||
			    !(o->seconds > 0 && o->seconds <= 3600)) {
				fprintf(stderr, "microbench: --time '%s' must be a number "
				    "of seconds from 0 to 3600\n", optarg);
				return EXIT_USAGE;
			}
			break;
		case 'c': o->dir = optarg; break;
		case 'h': usage(stdout); return 0;
		default: usage(stderr); return EXIT_USAGE;
		}
	}
	for (i = (size_t)optind; i < (size_t)argc; i++) {
		if (find_bench(argv[i], &j) == NULL) {
			fprintf(stderr, "microbench: unknown benchmark '%s' (see --help)\n",
			    argv[i]);
			return EXIT_USAGE;
		}
		res[j].selected = any = 1;
	}
	for (i = 0; i < microbench_count; i++)
		res[i].selected |= !any;
	return -1;
}

int
main(int argc, char **argv)
{
	struct options o = { DEFAULT_CORPUS, DEFAULT_SECONDS, 0 };
	struct result *res;
	struct mb_corpus c = { NULL, 0, 0 };
	size_t i;
	int rc, round;

	if ((res = calloc(microbench_count, sizeof(*res))) == NULL) {
		fprintf(stderr, "microbench: out of memory\n");
		return EXIT_SETUP;
	}
	if ((rc = parse_args(argc, argv, &o, res)) >= 0) {
		free(res);
		return rc;
	}
	errno = 0;
	if (load_corpus(o.dir, &c) < 0 || c.n == 0) {
		fprintf(stderr, "microbench: %s: %s\n", o.dir, c.n == 0 && errno == 0 ?
		    "no images" : strerror(errno));
		free_corpus(&c);
		free(res);
		return EXIT_SETUP;
	}
	for (i = 0; i < microbench_count; i++) {
		const char *why;

		if (res[i].selected && benches[i].ready != NULL &&
		    (why = benches[i].ready()) != NULL) {
			fprintf(stderr, "microbench: %s skipped: %s\n", benches[i].name, why);
			res[i].selected = 0;
		}
	}
	for (round = 0; round < ROUNDS; round++)
		for (i = 0; i < microbench_count; i++)
			if (res[i].selected)
				run_round(&benches[i], &c, o.seconds / ROUNDS, &res[i]);
	rc = 0;
	if (!o.json)
		report_text(&o, &c, res);
	else if (report_json(&o, &c, res) < 0)
		rc = EXIT_SETUP;
	if (rc != 0)
		fprintf(stderr, "microbench: out of memory\n");
	free_corpus(&c);
	free(res);
	return rc;
}
