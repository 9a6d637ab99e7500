/*
 * resultset.c: reads result folders back. See resultset.h. Finds the scenario folders,
 * parses each meta.json (jansson), reads summary.csv whole (a row per run, numbers by column
 * name, through rs_rows.c) and has rs_trace.c add the per-run trace figures.
 */
#include "resultset.h"

#include <dirent.h>
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "rs_trace.h"

static const char *const col_names[RS_NCOL] = {
#define X(name, kind, expr) #name,
	SUMMARY_COLUMNS(X)
#undef X
};
enum kind { KIND_S, KIND_I, KIND_F, KIND_U, KIND_N };
static const enum kind col_kind[RS_NCOL] = {
#define X(name, kind, expr) KIND_##kind,
	SUMMARY_COLUMNS(X)
#undef X
};


/* The scenario folders found inside a parent folder, by name. */
struct names {
	char **v;
	size_t n, cap;
};

static int load_one(struct resultset *rs, const char *dir, char *err, size_t errlen);
static int scan_dir(const char *dir, struct names *nl, char *err, size_t errlen);
static int names_add(struct names *nl, const char *name);
static void names_free(struct names *nl);
static int load_each(struct resultset *rs, const char *dir, const struct names *nl, char *err,
    size_t errlen);
static int is_dir(const char *path);
static int has_meta(const char *dir);
static int cmp_str(const void *a, const void *b);
static int load_scenario(struct rs_scenario *s, const char *dir, char *err, size_t errlen);
static int load_summary(struct rs_scenario *s, char *err, size_t errlen);
static void run_from_row(struct rs_run *r, const struct rs_row *row);
static int set_err(char *err, size_t errlen, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

int
resultset_load(struct resultset *rs, const char *dir, char *err, size_t errlen)
{
	struct names nl = { NULL, 0, 0 };
	int rv = -1;

	memset(rs, 0, sizeof(*rs));
	if (!is_dir(dir))
		return set_err(err, errlen, "%s: not a results folder (%s)", dir,
		    errno ? strerror(errno) : "not a directory");
	if (has_meta(dir))
		return load_one(rs, dir, err, errlen);
	if (scan_dir(dir, &nl, err, errlen) == 0)
		rv = load_each(rs, dir, &nl, err, errlen);
	names_free(&nl);
	if (rv < 0)
		resultset_free(rs);
	return rv;
}

void
resultset_free(struct resultset *rs)
{
	size_t i;

	if (rs == NULL)
		return;
	for (i = 0; i < rs->n; i++) {
		json_decref(rs->sc[i].meta);
		free(rs->sc[i].runs);
	}
	free(rs->sc);
	memset(rs, 0, sizeof(*rs));
}

json_t *
rs_meta(const struct rs_scenario *s, const char *path)
{
	char key[128], *dot, *k = key;
	json_t *j = s->meta;

	snprintf(key, sizeof(key), "%s", path);
	for (; j != NULL && (dot = strchr(k, '.')) != NULL; k = dot + 1) {
		*dot = '\0';
		j = json_object_get(j, k);
	}
	return j != NULL ? json_object_get(j, k) : NULL;
}

double
rs_meta_num(const struct rs_scenario *s, const char *path)
{
	json_t *j = rs_meta(s, path);

	return json_is_number(j) ? json_number_value(j) : json_is_boolean(j) ?
	    (double)json_is_true(j) : NAN;
}

const char *
rs_meta_str(const struct rs_scenario *s, const char *path)
{
	const char *v = json_string_value(rs_meta(s, path));

	return v != NULL ? v : "";
}

const struct rs_run *
rs_find(const struct rs_scenario *s, const char *model, unsigned level, const char *tag)
{
	size_t i;

	for (i = 0; i < s->n_runs; i++)
		if (strcmp(s->runs[i].model, model) == 0 && s->runs[i].level == level &&
		    (tag == NULL || strcmp(s->runs[i].tag, tag) == 0))
			return &s->runs[i];
	return NULL;
}

/* dir is one scenario folder: the set holds it alone. */
static int
load_one(struct resultset *rs, const char *dir, char *err, size_t errlen)
{
	if ((rs->sc = calloc(1, sizeof(*rs->sc))) == NULL)
		return set_err(err, errlen, "%s: out of memory", dir);
	rs->n = 1;
	if (load_scenario(&rs->sc[0], dir, err, errlen) < 0) {
		resultset_free(rs);
		return -1;
	}
	return 0;
}

/* The folders inside dir that hold a meta.json, sorted; none is an error. */
static int
scan_dir(const char *dir, struct names *nl, char *err, size_t errlen)
{
	char path[PATH_MAX];
	struct dirent *de;
	DIR *d;

	if ((d = opendir(dir)) == NULL)
		return set_err(err, errlen, "%s: %s", dir, strerror(errno));
	while ((de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.' ||
		    (size_t)snprintf(path, sizeof(path), "%s/%s", dir, de->d_name) >= sizeof(path) ||
		    !is_dir(path) || !has_meta(path))
			continue;
		if (names_add(nl, de->d_name) < 0)
			break;
	}
	closedir(d);
	if (de != NULL)
		return set_err(err, errlen, "%s: out of memory", dir);
	if (nl->n == 0)
		return set_err(err, errlen, "%s: no meta.json in it or in a folder inside it: not "
		    "a results folder", dir);
	qsort(nl->v, nl->n, sizeof(*nl->v), cmp_str);
	return 0;
}

static int
names_add(struct names *nl, const char *name)
{
	char **g;

	if (nl->n == nl->cap) {
		nl->cap = nl->cap ? 2 * nl->cap : 8;
		if ((g = realloc(nl->v, nl->cap * sizeof(*g))) == NULL)
			return -1;
		nl->v = g;
	}
	if ((nl->v[nl->n] = strdup(name)) == NULL)
		return -1;
	nl->n++;
	return 0;
}

static void
names_free(struct names *nl)
{
	size_t i;

	for (i = 0; i < nl->n; i++)
		free(nl->v[i]);
	free(nl->v);
}

/* Each scenario folder of nl, inside dir, in order; rs->n counts those begun. */
static int
load_each(struct resultset *rs, const char *dir, const struct names *nl, char *err,
    size_t errlen)
{
	char path[PATH_MAX];
	size_t i;

	if ((rs->sc = calloc(nl->n, sizeof(*rs->sc))) == NULL)
		return set_err(err, errlen, "%s: out of memory", dir);
	for (i = 0; i < nl->n; i++) {
		snprintf(path, sizeof(path), "%s/%s", dir, nl->v[i]);
		rs->n = i + 1;
		if (load_scenario(&rs->sc[i], path, err, errlen) < 0)
			return -1;
	}
	return 0;
}

static int
load_scenario(struct rs_scenario *s, const char *dir, char *err, size_t errlen)
{
	char path[PATH_MAX];
	json_error_t je;
	const char *name;

	snprintf(s->dir, sizeof(s->dir), "%s", dir);
	snprintf(path, sizeof(path), "%s/meta.json", dir);
	if ((s->meta = json_load_file(path, 0, &je)) == NULL)
		return set_err(err, errlen, "%s:%d: %s", path, je.line, je.text);
	name = rs_meta_str(s, "scenario.name");
	if (*name == '\0')
		return set_err(err, errlen, "%s: no scenario.name: not written by exifbench bench",
		    path);
	snprintf(s->name, sizeof(s->name), "%s", name);
	if (load_summary(s, err, errlen) < 0)
		return -1;
	return rs_trace_load(s, rs_meta_num(s, "scenario.trim"), err, errlen);
}

struct summary_ctx {
	struct rs_scenario *s;
	size_t cap;
};

static int
summary_row(const struct rs_row *row, void *arg)
{
	struct summary_ctx *c = arg;
	struct rs_run *g;

	if (row->nc < 8)
		return -1;
	if (c->s->n_runs == c->cap) {
		c->cap = c->cap ? 2 * c->cap : 32;
		if ((g = realloc(c->s->runs, c->cap * sizeof(*g))) == NULL)
			return -1;
		c->s->runs = g;
	}
	run_from_row(&c->s->runs[c->s->n_runs++], row);
	return 0;
}

static int
load_summary(struct rs_scenario *s, char *err, size_t errlen)
{
	struct summary_ctx c = { s, 0 };
	char path[PATH_MAX];
	struct stat st;

	snprintf(path, sizeof(path), "%s/summary.csv", s->dir);
	if (stat(path, &st) < 0)
		return set_err(err, errlen, "%s: %s", path, strerror(errno));
	if (rs_each(s, NULL, "summary.csv", summary_row, &c, err, errlen) < 0)
		return -1;
	return 0;
}

static void
run_from_row(struct rs_run *r, const struct rs_row *row)
{
	char *c;
	int i;

	memset(r, 0, sizeof(*r));
	snprintf(r->model, sizeof(r->model), "%s", rs_cell(row, "model"));
	r->level = rs_count(row, "level");
	r->workers = rs_count(row, "workers");
	r->client_pus = rs_count(row, "client_pus");
	r->rep = rs_count(row, "rep");
	r->clients = rs_count(row, "clients") ? rs_count(row, "clients") : 1;	/* 0: none */
	r->rate = rs_num(row, "offered_per_s") > 0 ? rs_num(row, "offered_per_s") : 0;
	snprintf(r->client_cpus, sizeof(r->client_cpus), "%s",
	    *rs_cell(row, "client_cpus") ? rs_cell(row, "client_cpus") : "all");
	snprintf(r->tag, sizeof(r->tag), "%s", r->client_cpus);
	for (c = r->tag; (c = strchr(c, ',')) != NULL;)
		*c = '+';
	snprintf(r->status, sizeof(r->status), "%s", rs_cell(row, "status"));
	snprintf(r->wait_top, sizeof(r->wait_top), "%s", rs_cell(row, "model_wait_top"));
	snprintf(r->wait_top_class, sizeof(r->wait_top_class), "%s",
	    rs_cell(row, "model_wait_top_class"));
	for (i = 0; i < RS_NCOL; i++)
		r->v[i] = col_kind[i] == KIND_S ? NAN : rs_num(row, col_names[i]);
	r->tr.rows = 0;
	r->tr.short_run = 0;
	for (i = 0; i < 3; i++)
		r->tr.stage_ms[i] = r->tr.stage_cpu_ms[i] = -1;
	r->tr.e2e_ms = r->tr.bytes_per_image = r->tr.ips_se = -1;
	r->tr.bytes_in = r->tr.bytes_out = -1;
}

static int
is_dir(const char *path)
{
	struct stat st;

	errno = 0;
	return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

static int
has_meta(const char *dir)
{
	char path[PATH_MAX];
	struct stat st;

	snprintf(path, sizeof(path), "%s/meta.json", dir);
	return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

static int
cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int
set_err(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
	return -1;
}

size_t
rs_reps(const struct rs_scenario *s, const struct rs_run *r, double *x, size_t max)
{
	return rs_reps_col(s, r, RS_images_per_s, x, max);
}

size_t
rs_reps_col(const struct rs_scenario *s, const struct rs_run *r, enum rs_col col, double *x,
    size_t max)
{
	const struct rs_run *o;
	size_t i, n = 0;

	for (i = 0; i < s->n_runs; i++) {
		o = &s->runs[i];
		if (strcmp(o->model, r->model) != 0 || o->level != r->level ||
		    strcmp(o->tag, r->tag) != 0 || o->clients != r->clients || o->rate != r->rate)
			continue;
		if (n < max)
			x[n] = o->v[col];
		n++;
	}
	return n;
}

const struct rs_run *
rs_find_rep(const struct rs_scenario *s, const char *model, unsigned level, const char *tag,
    unsigned rep)
{
	size_t i;

	for (i = 0; i < s->n_runs; i++)
		if (strcmp(s->runs[i].model, model) == 0 && s->runs[i].level == level &&
		    s->runs[i].rep == rep && (tag == NULL || strcmp(s->runs[i].tag, tag) == 0))
			return &s->runs[i];
	return NULL;
}
