/*
 * rs_dataset.c: a result folder's dataset figures from its trace. See rs_dataset.h. A
 * scenario's trace.csv holds its runs one after another, so the trace is streamed once with
 * two sets of figures: the run being read and the largest run so far.
 */
#include "rs_dataset.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness/results/trace_cols.h"

struct ds_ctx {
	char label[256];		/* the run being read: model,level,client_cpus,rep */
	struct dsstats cur, best;
};

static void run_end(struct ds_ctx *c);
static int ds_row(const struct rs_row *row, void *arg);

/* The run read so far becomes the best when it read more images. */
static void
run_end(struct ds_ctx *c)
{
	if (c->cur.count > c->best.count)
		c->best = c->cur;
	dsstats_init(&c->cur);
}

static int
ds_row(const struct rs_row *row, void *arg)
{
	struct ds_ctx *c = arg;
	char label[256];
	double in = rs_num(row, trace_col_name[TRACE_bytes_in]);
	double tags = rs_num(row, trace_col_name[TRACE_exif_tags]);

	snprintf(label, sizeof(label), "%s,%s,%s,%s", rs_cell(row, "model"),
	    rs_cell(row, "level"), rs_cell(row, "client_cpus"), rs_cell(row, "rep"));
	if (strcmp(label, c->label) != 0) {
		run_end(c);
		snprintf(c->label, sizeof(c->label), "%s", label);
	}
	if (!(in > 0))
		return 0;	/* not downloaded: its size is not known */
	dsstats_add(&c->cur, (uint64_t)in, strcmp(rs_cell(row,
	    trace_col_name[TRACE_outcome]), "ok") != 0 ? -1 : tags > 0);
	return 0;
}

int
rs_dataset_trace(const char *dir, struct dsstats *st, char *err, size_t errlen)
{
	struct rs_scenario s;
	struct ds_ctx *c;
	int rv;

	dsstats_init(st);
	if ((c = calloc(1, sizeof(*c))) == NULL) {
		snprintf(err, errlen, "%s: out of memory", dir);
		return -1;
	}
	memset(&s, 0, sizeof(s));
	snprintf(s.dir, sizeof(s.dir), "%s", dir);
	if ((rv = rs_each(&s, NULL, "trace.csv", ds_row, c, err, errlen)) == 0) {
		run_end(c);
		*st = c->best;
	}
	free(c);
	return rv;
}

json_t *
rs_dataset(const struct rs_scenario *s)
{
	json_t *rec = rs_meta(s, "dataset.stats");
	struct dsstats *st;
	char err[256];
	json_t *j = NULL;

	if (json_is_object(rec) && json_integer_value(json_object_get(rec, "images")) > 0)
		return json_deep_copy(rec);
	if ((st = malloc(sizeof(*st))) == NULL)
		return NULL;
	if (rs_dataset_trace(s->dir, st, err, sizeof(err)) == 0 && st->count > 0)
		j = dsstats_json(st, "trace");
	free(st);
	return j;
}
