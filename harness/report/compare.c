/*
 * compare.c: two sets of result folders side by side. See compare.h. Pairing is by name and
 * key only, so folders written by different versions (other columns, other runs) still
 * compare: what is on one side only is kept and said so. Numbers in meta.json compare by
 * value, not by type, so 50.0 and 50 (a file rewritten by jq, say) are the same.
 */
#include "compare.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const struct rs_scenario *nth_named(const struct resultset *rs, const char *name,
    size_t k);
static size_t rank_of(const struct resultset *rs, size_t i);
static int add_scenario(struct compare *c, const struct rs_scenario *a,
    const struct rs_scenario *b);
static int make_rows(struct cmp_scenario *cs, double threshold_pct);
static void side_of(const struct rs_scenario *s, const struct cmp_row *key,
    struct cmp_side *out);
static int is_key(const struct rs_run *r, const struct cmp_row *key);
static int same(const json_t *a, const json_t *b);
static json_t *side_json(const struct cmp_side *s);
static json_t *row_json(const struct cmp_row *r, double threshold_pct);

static const char *const sections[] = { "scenario", "dataset", "machine", "versions" };

int
compare_make(struct compare *c, const struct resultset *a, const struct resultset *b,
    double threshold_pct, char *err, size_t errlen)
{
	const struct rs_scenario *sb;
	size_t i;

	memset(c, 0, sizeof(*c));
	c->threshold_pct = threshold_pct;
	for (i = 0; i < a->n; i++) {
		sb = nth_named(b, a->sc[i].name, rank_of(a, i));
		if (add_scenario(c, &a->sc[i], sb) < 0)
			goto nomem;
		c->matched += sb != NULL;
	}
	for (i = 0; i < b->n; i++)
		if (nth_named(a, b->sc[i].name, rank_of(b, i)) == NULL &&
		    add_scenario(c, NULL, &b->sc[i]) < 0)
			goto nomem;
	return 0;
nomem:
	compare_free(c);
	snprintf(err, errlen, "out of memory");
	return -1;
}

void
compare_free(struct compare *c)
{
	size_t i;

	if (c == NULL)
		return;
	for (i = 0; i < c->n; i++) {
		free(c->sc[i].rows);
		json_decref(c->sc[i].diffs);
	}
	free(c->sc);
	memset(c, 0, sizeof(*c));
}

double
compare_change(double a, double b)
{
	if (!isfinite(a) || !isfinite(b))
		return NAN;
	if (a == 0)
		return b == 0 ? 0 : NAN;
	return 100 * (b - a) / a;
}

enum cmp_verdict
compare_verdict(const struct cmp_side *a, const struct cmp_side *b, double threshold_pct,
    double *noise)
{
	double sa = a->se, sb = b->se, ch;

	*noise = -1;
	if (a->reps == 0 || b->reps == 0 || !isfinite(a->ips) || !isfinite(b->ips))
		return CMP_NONE;
	if (!(sa >= 0 && isfinite(sa)))
		sa = -1;
	if (!(sb >= 0 && isfinite(sb)))
		sb = -1;
	if (sa < 0 || sb < 0) {	/* a side too short for an error: the threshold */
		ch = compare_change(a->ips, b->ips);
		return isfinite(ch) && fabs(ch) <= threshold_pct ? CMP_PCT_SAME : CMP_PCT_CHANGED;
	}
	*noise = 2 * sqrt(sa * sa + sb * sb);
	return fabs(b->ips - a->ips) <= *noise ? CMP_SE_SAME : CMP_SE_CHANGED;
}

void
compare_note(const struct cmp_row *r, double threshold_pct, char *buf, size_t len)
{
	const char *what = r->verdict == CMP_SE_SAME || r->verdict == CMP_PCT_SAME ?
	    "within noise" : "changed";

	if (r->a.reps == 0 || r->b.reps == 0)
		snprintf(buf, len, "only in %s", r->a.reps == 0 ? "B" : "A");
	else if (r->verdict == CMP_SE_SAME || r->verdict == CMP_SE_CHANGED)
		snprintf(buf, len, "%s (2 se = %.3g)", what, r->noise);
	else if (r->verdict == CMP_PCT_SAME || r->verdict == CMP_PCT_CHANGED)
		snprintf(buf, len, "%s (no se; threshold %g%%)", what, threshold_pct);
	else
		snprintf(buf, len, "no rate");
}

int
compare_diff(json_t *out, const char *prefix, const json_t *a, const json_t *b)
{
	const char *k;
	json_t *v;
	char key[256];

	if ((a == NULL || json_is_object(a)) && (b == NULL || json_is_object(b))) {
		json_object_foreach((json_t *)a, k, v) {
			snprintf(key, sizeof(key), "%s.%s", prefix, k);
			if (compare_diff(out, key, v, json_object_get(b, k)) < 0)
				return -1;
		}
		json_object_foreach((json_t *)b, k, v) {
			snprintf(key, sizeof(key), "%s.%s", prefix, k);
			if (json_object_get(a, k) == NULL && compare_diff(out, key, NULL, v) < 0)
				return -1;
		}
		return 0;
	}
	if (same(a, b))
		return 0;
	return json_array_append_new(out, json_pack("{s:s, s:O?, s:O?}", "key", prefix, "a", a,
	    "b", b));
}

json_t *
compare_json(const struct compare *c)
{
	const struct cmp_scenario *cs;
	json_t *o, *all, *s, *runs;
	size_t i, j;
	int bad = 0;

	o = json_pack("{s:f, s:I, s:[]}", "threshold_pct", c->threshold_pct, "matched",
	    (json_int_t)c->matched, "scenarios");
	if (o == NULL)
		return NULL;
	all = json_object_get(o, "scenarios");
	for (i = 0; i < c->n; i++) {
		cs = &c->sc[i];
		runs = json_array();
		for (j = 0; j < cs->n_rows; j++)
			bad |= json_array_append_new(runs,
			    row_json(&cs->rows[j], c->threshold_pct)) < 0;
		s = json_pack("{s:s, s:s?, s:s?, s:o, s:O?, s:{s:O?, s:O?}}", "name", cs->name,
		    "a", cs->a != NULL ? cs->a->dir : NULL, "b", cs->b != NULL ? cs->b->dir : NULL,
		    "runs", runs, "differences", cs->diffs, "not_recorded", "a", cs->a != NULL ?
		    rs_meta(cs->a, "not_recorded") : NULL, "b", cs->b != NULL ?
		    rs_meta(cs->b, "not_recorded") : NULL);
		bad |= json_array_append_new(all, s) < 0;
	}
	if (bad) {
		json_decref(o);
		return NULL;
	}
	return o;
}

/* The k-th (from 0) scenario of rs named name, or NULL. */
static const struct rs_scenario *
nth_named(const struct resultset *rs, const char *name, size_t k)
{
	size_t i;

	for (i = 0; i < rs->n; i++)
		if (strcmp(rs->sc[i].name, name) == 0 && k-- == 0)
			return &rs->sc[i];
	return NULL;
}

/* How many scenarios before rs->sc[i] have its name. */
static size_t
rank_of(const struct resultset *rs, size_t i)
{
	size_t j, k = 0;

	for (j = 0; j < i; j++)
		k += strcmp(rs->sc[j].name, rs->sc[i].name) == 0;
	return k;
}

static int
add_scenario(struct compare *c, const struct rs_scenario *a, const struct rs_scenario *b)
{
	struct cmp_scenario *grown, *cs;
	size_t i;

	if ((grown = realloc(c->sc, (c->n + 1) * sizeof(*grown))) == NULL)
		return -1;
	c->sc = grown;
	cs = &c->sc[c->n++];
	memset(cs, 0, sizeof(*cs));
	snprintf(cs->name, sizeof(cs->name), "%s", a != NULL ? a->name : b->name);
	cs->a = a, cs->b = b;
	if (a == NULL || b == NULL)
		return 0;
	if ((cs->diffs = json_array()) == NULL)
		return -1;
	for (i = 0; i < sizeof(sections) / sizeof(sections[0]); i++)
		if (compare_diff(cs->diffs, sections[i], json_object_get(a->meta, sections[i]),
		    json_object_get(b->meta, sections[i])) < 0)
			return -1;
	return make_rows(cs, c->threshold_pct);
}

/* One row per key (model, level, tag, rate) of A's runs, then of B's not in A. */
static int
make_rows(struct cmp_scenario *cs, double threshold_pct)
{
	const struct rs_run *r;
	struct cmp_row *row;
	size_t i, j, n = cs->a->n_runs + cs->b->n_runs;

	if (n > 0 && (cs->rows = calloc(n, sizeof(*cs->rows))) == NULL)
		return -1;
	for (i = 0; i < n; i++) {
		r = i < cs->a->n_runs ? &cs->a->runs[i] : &cs->b->runs[i - cs->a->n_runs];
		for (j = 0; j < cs->n_rows; j++)
			if (is_key(r, &cs->rows[j]))
				break;
		if (j < cs->n_rows)
			continue;
		row = &cs->rows[cs->n_rows++];
		snprintf(row->model, sizeof(row->model), "%s", r->model);
		snprintf(row->tag, sizeof(row->tag), "%s", r->tag);
		row->level = r->level, row->rate = r->rate;
		side_of(cs->a, row, &row->a);
		side_of(cs->b, row, &row->b);
		row->ips_pct = compare_change(row->a.ips, row->b.ips);
		row->p50_pct = compare_change(row->a.p50_ms, row->b.p50_ms);
		row->p99_pct = compare_change(row->a.p99_ms, row->b.p99_ms);
		row->verdict = compare_verdict(&row->a, &row->b, threshold_pct, &row->noise);
	}
	return 0;
}

/* The repeats of key's run in s, averaged (see compare.h). */
static void
side_of(const struct rs_scenario *s, const struct cmp_row *key, struct cmp_side *out)
{
	const struct rs_run *r, *first = NULL;
	double ss = 0;
	size_t i;

	memset(out, 0, sizeof(*out));
	for (i = 0; i < s->n_runs; i++) {
		if (!is_key(r = &s->runs[i], key))
			continue;
		first = first != NULL ? first : r;
		out->reps++;
		out->ips += r->v[RS_images_per_s];
		out->p50_ms += r->v[RS_e2e_p50_ms];
		out->p99_ms += r->v[RS_e2e_p99_ms];
		out->errors += r->v[RS_errors];
	}
	if (first == NULL) {
		out->ips = out->p50_ms = out->p99_ms = out->errors = NAN;
		out->se = -1;
		return;
	}
	out->ips /= out->reps, out->p50_ms /= out->reps, out->p99_ms /= out->reps;
	out->se = first->tr.ips_se;
	if (out->reps < 2)
		return;
	for (i = 0; i < s->n_runs; i++)
		if (is_key(r = &s->runs[i], key))
			ss += pow(r->v[RS_images_per_s] - out->ips, 2);
	out->se = sqrt(ss / (out->reps - 1)) / sqrt(out->reps);
}

static int
is_key(const struct rs_run *r, const struct cmp_row *key)
{
	return r->level == key->level && strcmp(r->model, key->model) == 0 &&
	    strcmp(r->tag, key->tag) == 0 && r->rate == key->rate;
}

/* Numbers by value, arrays element by element, anything else by jansson. */
static int
same(const json_t *a, const json_t *b)
{
	size_t i;

	if (json_is_number(a) && json_is_number(b))
		return json_number_value(a) == json_number_value(b);
	if (json_is_array(a) && json_is_array(b)) {
		if (json_array_size(a) != json_array_size(b))
			return 0;
		for (i = 0; i < json_array_size(a); i++)
			if (!same(json_array_get(a, i), json_array_get(b, i)))
				return 0;
		return 1;
	}
	return json_equal((json_t *)a, (json_t *)b);
}

/* NaN and infinities (absent figures) become null: json_real refuses them. */
static json_t *
side_json(const struct cmp_side *s)
{
	if (s->reps == 0)
		return NULL;
	return json_pack("{s:I, s:o?, s:o?, s:o?, s:o?, s:o?}", "reps", (json_int_t)s->reps,
	    "images_per_s", json_real(s->ips), "se", s->se >= 0 ? json_real(s->se) : NULL,
	    "e2e_p50_ms", json_real(s->p50_ms), "e2e_p99_ms", json_real(s->p99_ms), "errors",
	    json_real(s->errors));
}

static json_t *
row_json(const struct cmp_row *r, double threshold_pct)
{
	static const char *const rule[] = { NULL, "se", "se", "threshold", "threshold" };
	int same_ = r->verdict == CMP_SE_SAME || r->verdict == CMP_PCT_SAME;
	char note[64];

	compare_note(r, threshold_pct, note, sizeof(note));
	return json_pack("{s:s, s:I, s:s, s:o?, s:s, s:o?, s:o?, s:o?, s:o?, s:o?, s:o?, s:s?, "
	    "s:o?, s:s}", "model", r->model, "level", (json_int_t)r->level, "client_pus", r->tag,
	    "offered_per_s", r->rate > 0 ? json_real(r->rate) : NULL, "in",
	    r->a.reps == 0 ? "b" : r->b.reps == 0 ? "a" : "both", "a", side_json(&r->a), "b",
	    side_json(&r->b), "images_per_s_change_pct", json_real(r->ips_pct),
	    "e2e_p50_change_pct", json_real(r->p50_pct), "e2e_p99_change_pct",
	    json_real(r->p99_pct), "noise", r->noise >= 0 ? json_real(r->noise) : NULL, "rule",
	    rule[r->verdict], "within_noise", r->verdict == CMP_NONE ? NULL : json_boolean(same_),
	    "note", note);
}
