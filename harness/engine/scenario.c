/*
 * scenario.c: the scenario file parser. One table lists every key with its kind, its field,
 * its bounds and its default as text, so a key is declared once: scenario_defaults feeds the
 * defaults through scenario_set, and scenario_json walks the same table. A file starts
 * from the defaults; values and files are read into a copy, so an error leaves the caller's
 * scenario untouched. Values cannot hold '#' (it starts a comment); only description cares.
 */
#include "scenario.h"

#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "models/model.h"
#include "models/core/transform.h"

#define SCENARIO_LINE_MAX 1023	/* characters, without the line end */
#define WORD_CHARS "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"

enum kind { K_WORD, K_TEXT, K_DOUBLE, K_UINT, K_BOOL, K_JITTER, K_TRANSFORM, K_MODELS,
	K_LEVELS, K_CPUS, K_CPUSET };

struct key {
	const char *name;
	enum kind kind;
	size_t off, size;	/* the field; for lists, the whole array */
	double min, max;	/* numbers and list items: bounds; strings: length */
	const char *dflt;	/* the default as file text, NULL for none */
};

#define F(f) offsetof(struct scenario, f), sizeof(((struct scenario *)0)->f)

static const struct key keys[] = {
	{ "name", K_WORD, F(name), 1, 63, NULL },
	{ "description", K_TEXT, F(description), 0, 255, "" },
	{ "dataset", K_WORD, F(dataset), 1, 31, "default" },
	{ "images", K_UINT, F(images), 0, 1e9, "0" },
	{ "duration", K_DOUBLE, F(duration_s), 0, 86400, "0" },
	{ "latency_ms", K_DOUBLE, F(latency_ms), 0, 60000, "0" },
	{ "jitter_ms", K_DOUBLE, F(jitter_ms), 0, 60000, "0" },
	{ "jitter", K_JITTER, F(jitter), 0, 0, "none" },
	{ "bandwidth_mbit", K_DOUBLE, F(bandwidth_mbit), 0, 1e6, "0" },
	{ "total_bandwidth_mbit", K_DOUBLE, F(total_bandwidth_mbit), 0, 1e6, "0" },
	{ "reset_fraction", K_DOUBLE, F(reset_fraction), 0, 1, "0" },
	{ "stall_fraction", K_DOUBLE, F(stall_fraction), 0, 1, "0" },
	{ "stall_ms", K_DOUBLE, F(stall_ms), 0, 60000, "0" },
	{ "transform", K_TRANSFORM, F(transform), 0, 0, "none" },
	{ "quality", K_UINT, F(quality), 1, 100, "85" },
	{ "thumb_max", K_UINT, F(thumb_max), 1, 65535, "160" },
	{ "cpu_spin_ms", K_DOUBLE, F(cpu_spin_ms), 0, 60000, "0" },
	{ "global_lock", K_BOOL, F(global_lock), 0, 1, "no" },
	{ "models", K_MODELS, F(models), 0, 0, "sequential pthreads forkpool async hybrid" },
	{ "concurrency", K_LEVELS, F(levels), 1, 4096, "8" },
	{ "workers", K_UINT, F(workers), 0, 4096, "0" },
	{ "client_cpus", K_CPUS, F(client_cpus), 0, 0, "all" },
	{ "server_cpus", K_CPUSET, F(server_cpus), 0, 0, "all" },
	{ "trim", K_DOUBLE, F(trim), 0, 0.45, "0.1" },
	{ "sample_hz", K_DOUBLE, F(sample_hz), 1, 100, "10" },
	{ "repeat", K_UINT, F(repeat), 1, 20, "1" },
};

#define NKEYS (sizeof(keys) / sizeof(keys[0]))

static const char *const jitters[] = { "none", "uniform", "normal", "pareto", NULL };

static int set_error(char *err, size_t errlen, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static const struct key *key_find(const char *name);
static void append(char *buf, size_t len, const char *name);
static int parse_double(const char *s, double *v);
static int parse_uint(const struct key *k, const char *s, unsigned long *v, char *err,
    size_t errlen);
static int cpuset_ok(const char *s);
static int set_cpus(const struct key *k, const char *v, char *out, size_t outlen, char *err,
    size_t errlen);
static int set_value(struct scenario *sc, const struct key *k, const char *v, char *err,
    size_t errlen);
static int set_item(struct scenario *sc, const struct key *k, size_t i, const char *v,
    char *err, size_t errlen);
static int set_list(struct scenario *sc, const struct key *k, const char *value, char *err,
    size_t errlen);
static json_t *key_json(const struct scenario *sc, const struct key *k);
static int profile_known(const char *name, size_t len);

/* A PROFILE.key line kept until the plain keys are read. */
struct profile_line {
	const struct key *key;
	unsigned line;
	char val[SCENARIO_LINE_MAX + 1];
};

static const char *const profiles[] = { "quick", "full", NULL };

static int
set_error(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	if (err != NULL && errlen > 0) {
		va_start(ap, fmt);
		vsnprintf(err, errlen, fmt, ap);
		va_end(ap);
	}
	return -1;
}

static const struct key *
key_find(const char *name)
{
	size_t i;

	for (i = 0; i < NKEYS; i++)
		if (strcmp(keys[i].name, name) == 0)
			return &keys[i];
	return NULL;
}

/* Appends name to a ", "-separated list in buf. */
static void
append(char *buf, size_t len, const char *name)
{
	size_t n = strlen(buf);

	snprintf(buf + n, len - n, "%s%s", n > 0 ? ", " : "", name);
}

/* Plain decimal only: strtod would also take "inf", "nan", hex and leading spaces. */
static int
parse_double(const char *s, double *v)
{
	char *end;

	if (*s == '\0' || s[strspn(s, "0123456789.eE+-")] != '\0')
		return -1;
	errno = 0;
	*v = strtod(s, &end);
	return *end == '\0' && errno == 0 ? 0 : -1;
}

/* s as an integer in k's bounds: 0, or -1 with the message. */
static int
parse_uint(const struct key *k, const char *s, unsigned long *v, char *err, size_t errlen)
{
	if (*s != '\0' && s[strspn(s, "0123456789")] == '\0') {
		errno = 0;
		*v = strtoul(s, NULL, 10);
		if (errno == 0 && *v >= k->min && *v <= k->max)
			return 0;
	}
	return set_error(err, errlen, "key '%s': '%s' is not an integer in [%.10g, %.10g]",
	    k->name, s, k->min, k->max);
}

/* An hwloc list: items N or N-M (N <= M) separated by commas. */
static int
cpuset_ok(const char *s)
{
	unsigned long a, b;
	char *end;

	if (strlen(s) > 63 || s[strspn(s, "0123456789,-")] != '\0')
		return 0;
	for (;;) {
		if (!isdigit((unsigned char)*s))
			return 0;
		a = b = strtoul(s, &end, 10);
		if (*end == '-') {
			if (!isdigit((unsigned char)end[1]))
				return 0;
			b = strtoul(end + 1, &end, 10);
		}
		if (b < a || (*end != ',' && *end != '\0'))
			return 0;
		if (*end == '\0')
			return 1;
		s = end + 1;
	}
}

/* One CPU set of k into out: "all" and "" both mean unbound, stored as "". */
static int
set_cpus(const struct key *k, const char *v, char *out, size_t outlen, char *err,
    size_t errlen)
{
	if (strcmp(v, "all") == 0)
		v = "";
	if (*v != '\0' && !cpuset_ok(v))
		return set_error(err, errlen, "key '%s': '%s' is not all or a CPU list such as "
		    "0, 0-1 or 0,2-3", k->name, v);
	snprintf(out, outlen, "%s", v);
	return 0;
}

static int
set_value(struct scenario *sc, const struct key *k, const char *v, char *err, size_t errlen)
{
	char *p = (char *)sc + k->off, names[64] = "";
	enum transform_kind tk;
	unsigned long u;
	size_t len = strlen(v), i;
	double d;
	json_t *utf8;

	switch (k->kind) {
	case K_WORD:
		if (len < k->min || len > k->max || v[strspn(v, WORD_CHARS)] != '\0')
			return set_error(err, errlen, "key '%s': '%s' is not 1 to %.0f letters, "
			    "digits, '-' or '_'", k->name, v, k->max);
		break;
	case K_TEXT:
		if (len > k->max || (utf8 = json_string(v)) == NULL)
			return set_error(err, errlen, "key '%s': not UTF-8 text of at most %.0f "
			    "bytes", k->name, k->max);
		json_decref(utf8);
		break;
	case K_DOUBLE:
		if (parse_double(v, &d) < 0 || !(d >= k->min && d <= k->max))
			return set_error(err, errlen, "key '%s': '%s' is not a number in [%.10g, "
			    "%.10g]", k->name, v, k->min, k->max);
		*(double *)p = d;
		return 0;
	case K_UINT:
		if (parse_uint(k, v, &u, err, errlen) < 0)
			return -1;
		if (k->size == sizeof(unsigned long))
			*(unsigned long *)p = u;
		else
			*(unsigned *)p = (unsigned)u;
		return 0;
	case K_BOOL:
		if (strcmp(v, "yes") != 0 && strcmp(v, "no") != 0)
			return set_error(err, errlen, "key '%s': '%s' is not yes or no", k->name, v);
		*(int *)p = strcmp(v, "yes") == 0;
		return 0;
	case K_JITTER:
		for (i = 0; jitters[i] != NULL && strcmp(jitters[i], v) != 0; i++)
			append(names, sizeof(names), jitters[i]);
		if (jitters[i] == NULL)
			return set_error(err, errlen, "key '%s': '%s' is not one of %s", k->name, v,
			    names);
		break;
	case K_TRANSFORM:
		if (transform_kind_parse(v, &tk) < 0) {
			for (i = TRANSFORM_NONE; i <= TRANSFORM_RECOMPRESS; i++)
				append(names, sizeof(names), transform_kind_name(i));
			return set_error(err, errlen, "key '%s': '%s' is not one of %s", k->name, v,
			    names);
		}
		v = transform_kind_name(tk);
		break;
	case K_CPUSET:
		return set_cpus(k, v, p, k->size, err, errlen);
	default:
		return set_list(sc, k, v, err, errlen);
	}
	snprintf(p, k->size, "%s", v);
	return 0;
}

/* Item i of list key k, checked (with the items before it already set). */
static int
set_item(struct scenario *sc, const struct key *k, size_t i, const char *v, char *err,
    size_t errlen)
{
	const struct model *const *m;
	char names[128] = "";
	unsigned long u;
	size_t j;

	switch (k->kind) {
	case K_MODELS:
		if (model_find(v) == NULL) {
			for (m = model_table; *m != NULL; m++)
				append(names, sizeof(names), (*m)->name);
			return set_error(err, errlen, "key '%s': unknown model '%s' (%s)", k->name,
			    v, names);
		}
		for (j = 0; j < i; j++)
			if (strcmp(sc->models[j], v) == 0)
				return set_error(err, errlen, "key '%s': '%s' given twice",
				    k->name, v);
		snprintf(sc->models[i], sizeof(sc->models[i]), "%s", v);
		return 0;
	case K_LEVELS:
		if (parse_uint(k, v, &u, err, errlen) < 0)
			return -1;
		sc->levels[i] = (unsigned)u;
		return 0;
	default:
		return set_cpus(k, v, sc->client_cpus[i], sizeof(sc->client_cpus[i]), err,
		    errlen);
	}
}

/* A space-separated list replaces the list before it; client_cpus "" means one "all". */
static int
set_list(struct scenario *sc, const struct key *k, const char *value, char *err,
    size_t errlen)
{
	size_t n = 0, max, *count;
	char buf[SCENARIO_LINE_MAX + 1], *tok, *save;

	max = k->kind == K_MODELS ? SCENARIO_MAX_MODELS :
	    k->kind == K_LEVELS ? SCENARIO_MAX_LEVELS : SCENARIO_MAX_CPUSETS;
	count = k->kind == K_MODELS ? &sc->n_models :
	    k->kind == K_LEVELS ? &sc->n_levels : &sc->n_client_cpus;
	if (strlen(value) > SCENARIO_LINE_MAX)
		return set_error(err, errlen, "key '%s': value longer than %d characters",
		    k->name, SCENARIO_LINE_MAX);
	snprintf(buf, sizeof(buf), "%s", value);
	for (tok = strtok_r(buf, " \t", &save); tok != NULL; tok = strtok_r(NULL, " \t", &save)) {
		if (n == max)
			return set_error(err, errlen, "key '%s': more than %zu values", k->name,
			    max);
		if (set_item(sc, k, n++, tok, err, errlen) < 0)
			return -1;
	}
	if (n == 0 && k->kind == K_CPUS)
		sc->client_cpus[n++][0] = '\0';
	if (n == 0)
		return set_error(err, errlen, "key '%s': no value", k->name);
	*count = n;
	return 0;
}

void
scenario_defaults(struct scenario *sc)
{
	size_t i;

	if (sc == NULL)
		return;
	memset(sc, 0, sizeof(*sc));
	for (i = 0; i < NKEYS; i++)
		if (keys[i].dflt != NULL)
			scenario_set(sc, keys[i].name, keys[i].dflt, NULL, 0);
	snprintf(sc->profile, sizeof(sc->profile), "quick");
}

int
scenario_set(struct scenario *sc, const char *key, const char *value, char *err,
    size_t errlen)
{
	const struct key *k;
	struct scenario tmp;

	if (sc == NULL || key == NULL || value == NULL)
		return set_error(err, errlen, "scenario_set: NULL argument");
	if ((k = key_find(key)) == NULL)
		return set_error(err, errlen, "unknown key '%s'", key);
	if (*value == '\0' && k->kind != K_TEXT && k->kind != K_CPUS && k->kind != K_CPUSET)
		return set_error(err, errlen, "key '%s': no value", key);
	tmp = *sc;
	if (set_value(&tmp, k, value, err, errlen) < 0)
		return -1;
	*sc = tmp;
	return 0;
}

int
scenario_parse(FILE *f, const char *name, const char *profile, struct scenario *sc, char *err,
    size_t errlen)
{
	char line[SCENARIO_LINE_MAX + 3], msg[512], *key, *val, *eq;
	unsigned first[NKEYS] = { 0 }, pfirst[NKEYS] = { 0 }, lineno = 0, *seen;
	struct profile_line later[NKEYS];
	size_t len, nlater = 0, i;
	const struct key *k;
	struct scenario tmp, scratch;
	const char *stem, *dot;

	if (f == NULL || name == NULL || sc == NULL)
		return set_error(err, errlen, "scenario_parse: NULL argument");
	if (profile != NULL && !profile_known(profile, strlen(profile)))
		return set_error(err, errlen, "%s: unknown profile '%s' (quick or full)", name,
		    profile);
	scenario_defaults(&tmp);
	while (fgets(line, sizeof(line), f) != NULL) {
		lineno++;
		len = strcspn(line, "\n");
		if (len > 0 && line[len - 1] == '\r')
			len--;
		if (len > SCENARIO_LINE_MAX)
			return set_error(err, errlen, "%s:%u: line longer than %d characters",
			    name, lineno, SCENARIO_LINE_MAX);
		line[len] = '\0';
		line[strcspn(line, "#")] = '\0';
		for (key = line; isspace((unsigned char)*key); key++)
			;
		if (*key == '\0')
			continue;
		if ((eq = strchr(key, '=')) == NULL || eq == key)
			return set_error(err, errlen, "%s:%u: expected key = value", name, lineno);
		for (val = eq + 1; isspace((unsigned char)*val); val++)
			;
		for (len = strlen(val); len > 0 && isspace((unsigned char)val[len - 1]); len--)
			val[len - 1] = '\0';
		for (*eq = '\0'; eq > key && isspace((unsigned char)eq[-1]); eq--)
			eq[-1] = '\0';
		/* PROFILE.key: checked now, applied after the plain keys if PROFILE is chosen */
		seen = first, dot = strchr(key, '.');
		if (dot != NULL) {
			if (!profile_known(key, (size_t)(dot - key)))
				return set_error(err, errlen, "%s:%u: unknown profile '%.*s' in "
				    "'%s' (quick or full)", name, lineno, (int)(dot - key), key, key);
			seen = profile != NULL && strncmp(key, profile, (size_t)(dot - key)) == 0 &&
			    profile[dot - key] == '\0' ? pfirst : NULL;
			key = (char *)dot + 1;
		}
		if ((k = key_find(key)) != NULL && seen != NULL && seen[k - keys] != 0)
			return set_error(err, errlen, "%s:%u: key '%s%s%s' given twice, first on "
			    "line %u", name, lineno, seen == pfirst ? profile : "",
			    seen == pfirst ? "." : "", key, seen[k - keys]);
		scratch = tmp;
		if (scenario_set(dot != NULL ? &scratch : &tmp, key, val, msg, sizeof(msg)) < 0)
			return set_error(err, errlen, "%s:%u: %s", name, lineno, msg);
		if (seen == pfirst) {
			snprintf(later[nlater].val, sizeof(later[0].val), "%s", val);
			later[nlater].key = k, later[nlater++].line = lineno;
		}
		if (seen != NULL)
			seen[k - keys] = lineno;
	}
	for (i = 0; i < nlater; i++)
		if (scenario_set(&tmp, later[i].key->name, later[i].val, msg, sizeof(msg)) < 0)
			return set_error(err, errlen, "%s:%u: %s", name, later[i].line, msg);
	snprintf(tmp.profile, sizeof(tmp.profile), "%s", profile != NULL ? profile : "quick");
	if (ferror(f))
		return set_error(err, errlen, "%s:%u: read error", name, lineno);
	if (first[key_find("name") - keys] == 0) {
		stem = strrchr(name, '/') != NULL ? strrchr(name, '/') + 1 : name;
		len = strlen(stem);
		if (len > 5 && strcmp(stem + len - 5, ".conf") == 0)
			len -= 5;
		snprintf(line, sizeof(line), "%.*s", (int)len, stem);
		if (scenario_set(&tmp, "name", line, msg, sizeof(msg)) < 0)
			return set_error(err, errlen, "%s: no name given: %s", name, msg);
	}
	if (scenario_check(&tmp, msg, sizeof(msg)) < 0)
		return set_error(err, errlen, "%s: %s", name, msg);
	*sc = tmp;
	return 0;
}

int
scenario_load(const char *path, const char *profile, struct scenario *sc, char *err,
    size_t errlen)
{
	FILE *f;
	int rc;

	if (path == NULL || sc == NULL)
		return set_error(err, errlen, "scenario_load: NULL argument");
	if ((f = fopen(path, "r")) == NULL)
		return set_error(err, errlen, "%s: %s", path, strerror(errno));
	rc = scenario_parse(f, path, profile, sc, err, errlen);
	fclose(f);
	return rc;
}

int
scenario_check(const struct scenario *sc, char *err, size_t errlen)
{
	int no_jitter = strcmp(sc->jitter, "none") == 0;

	if (sc->stall_fraction > 0 && sc->stall_ms == 0)
		return set_error(err, errlen, "stall_fraction %g needs stall_ms > 0",
		    sc->stall_fraction);
	if (sc->stall_ms > 0 && sc->stall_fraction == 0)
		return set_error(err, errlen, "stall_ms %g needs stall_fraction > 0", sc->stall_ms);
	if (sc->jitter_ms > 0 && no_jitter)
		return set_error(err, errlen, "jitter_ms %g needs jitter uniform, normal or pareto",
		    sc->jitter_ms);
	if (sc->jitter_ms == 0 && !no_jitter)
		return set_error(err, errlen, "jitter %s needs jitter_ms > 0", sc->jitter);
	return 0;
}

static json_t *
key_json(const struct scenario *sc, const struct key *k)
{
	const char *p = (const char *)sc + k->off;
	json_t *a;
	size_t i, n;
	int rc = 0;

	switch (k->kind) {
	case K_DOUBLE:
		return json_real(*(const double *)p);
	case K_UINT:
		return json_integer(k->size == sizeof(unsigned long) ?
		    (json_int_t)*(const unsigned long *)p : (json_int_t)*(const unsigned *)p);
	case K_BOOL:
		return json_boolean(*(const int *)p);
	case K_CPUSET:
		return json_string(*p != '\0' ? p : "all");
	case K_MODELS:
	case K_LEVELS:
	case K_CPUS:
		break;
	default:
		return json_string(p);
	}
	if ((a = json_array()) == NULL)
		return NULL;
	n = k->kind == K_MODELS ? sc->n_models :
	    k->kind == K_LEVELS ? sc->n_levels : sc->n_client_cpus;
	for (i = 0; i < n && rc == 0; i++)
		rc = json_array_append_new(a, k->kind == K_MODELS ? json_string(sc->models[i]) :
		    k->kind == K_LEVELS ? json_integer(sc->levels[i]) :
		    json_string(sc->client_cpus[i][0] != '\0' ? sc->client_cpus[i] : "all"));
	if (rc < 0) {
		json_decref(a);
		return NULL;
	}
	return a;
}

json_t *
scenario_json(const struct scenario *sc)
{
	json_t *o;
	size_t i;

	if (sc == NULL || (o = json_object()) == NULL)
		return NULL;
	if (json_object_set_new(o, "profile", json_string(sc->profile)) < 0) {
		json_decref(o);
		return NULL;
	}
	for (i = 0; i < NKEYS; i++) {
		if (json_object_set_new(o, keys[i].name, key_json(sc, &keys[i])) < 0) {
			json_decref(o);
			return NULL;
		}
	}
	return o;
}

static int
profile_known(const char *name, size_t len)
{
	size_t i;

	for (i = 0; profiles[i] != NULL; i++)
		if (strlen(profiles[i]) == len && strncmp(profiles[i], name, len) == 0)
			return 1;
	return 0;
}
