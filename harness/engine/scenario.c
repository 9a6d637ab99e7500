/*
 * scenario.c: the scenario file parser. One table lists every key with its kind, its field,
 * its bounds and its default as text, so a key is declared once: scenario_defaults feeds the
 * defaults through scenario_set, and scenario_json walks the same table; each kind's value
 * parser is in scenario_value.c. A file starts from the defaults, is read line by line, and
 * keeps its PROFILE.key lines until its plain keys are in. Values and files are read into a
 * copy, so an error leaves the caller's scenario untouched. Values cannot hold '#' (it starts
 * a comment); only description cares.
 */
#include "scenario.h"

#include <ctype.h>
#include <errno.h>
#include <stddef.h>
#include <string.h>

#include "harness/engine/scenario_value.h"
#include "models/core/stage.h"

#define F(f) offsetof(struct scenario, f), sizeof(((struct scenario *)0)->f)

static const struct scenario_key keys[] = {
	{ "name", K_WORD, F(name), 1, 63, NULL },
	{ "description", K_TEXT, F(description), 0, 255, "" },
	{ "dataset", K_DATASET, F(dataset), 1, SCENARIO_DATASET_MAX, "default" },
	{ "data_bucket", K_BUCKET, F(data_bucket), 3, 63, SCENARIO_DATA_BUCKET },
	{ "data_prefix", K_PREFIX, F(data_prefix), 0, SCENARIO_PREFIX_MAX, "" },
	{ "source", K_SOURCE, F(source), 0, SCENARIO_PREFIX_MAX, "" },
	{ "out_bucket", K_BUCKET, F(out_bucket), 3, 63, SCENARIO_OUT_BUCKET },
	{ "out_prefix", K_PREFIX, F(out_prefix), 0, SCENARIO_PREFIX_MAX, "" },
	{ "images", K_UINT, F(images), 0, 1e9, "0" },
	{ "duration", K_DOUBLE, F(duration_s), 0, 86400, "0" },
	{ "latency_ms", K_LATENCY, F(latency_ms), 0, 60000, "0" },
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
	{ "stage", K_TEXT, F(stage), 0, 511, "" },
	{ "stage_cmd", K_TEXT, F(stage_cmd), 0, 511, "" },
	{ "global_lock", K_BOOL, F(global_lock), 0, 1, "no" },
	{ "cpu_profile", K_BOOL, F(cpu_profile), 0, 1, "off" },
	{ "models", K_MODELS, F(models), 0, 0, "sequential pthreads forkpool async hybrid" },
	{ "concurrency", K_LEVELS, F(levels), 1, 4096, "8" },
	{ "clients", K_CLIENTS, F(clients), 1, 4096, "1" },
	{ "rates", K_RATES, F(rates), 0.01, 1e6, "none" },
	{ "arrivals", K_ARRIVALS, F(arrivals), 0, 0, "constant" },
	{ "max_backlog", K_UINT, F(max_backlog), 0, 1e9, "0" },
	{ "slo_p99_ms", K_DOUBLE, F(slo_p99_ms), 0, 3.6e6, "0" },
	{ "workers", K_UINT, F(workers), 0, 4096, "0" },
	{ "client_cpus", K_CPUS, F(client_cpus), 0, 0, "all" },
	{ "server_cpus", K_CPUSET, F(server_cpus), 0, 0, "all" },
	{ "endpoints", K_ENDPOINTS, F(endpoints), 0, 1023, "" },
	{ "usl_fit", K_USLFIT, F(usl_fit), 0, 0, "relative" },
	{ "trim", K_DOUBLE, F(trim), 0, 0.45, "0.1" },
	{ "sample_hz", K_DOUBLE, F(sample_hz), 1, 100, "10" },
	{ "repeat", K_UINT, F(repeat), 1, 20, "1" },
	{ "price_per_hour", K_DOUBLE, F(price_per_hour), 0, 1e12, "0" },
	{ "request_prices", K_TEXT, F(request_prices), 0, 63, "" },
};

#define NKEYS (sizeof(keys) / sizeof(keys[0]))

static const struct scenario_key *key_find(const char *name);
static json_t *key_json(const struct scenario *sc, const struct scenario_key *k);
static int profile_known(const char *name, size_t len);
static int check_stage(const struct scenario *sc, char *err, size_t errlen);
static int prices_ok(const char *s);
static int set_key(struct scenario *sc, const char *key, const char *value, const char *base,
    char *err, size_t errlen);

/* A PROFILE.key line kept until the plain keys are read. */
struct profile_line {
	const struct scenario_key *key;
	unsigned line;
	char val[SCENARIO_LINE_MAX + 1];
};

/*
 * A file being read: the scenario so far, the line each key was first given on, and the
 * file's folder (for a relative dataset folder).
 */
struct parse {
	const char *name, *profile;
	char base[PATH_MAX];
	unsigned lineno, first[NKEYS], pfirst[NKEYS];	/* 0: not yet given */
	unsigned nkeys;			/* key lines read, plain or full. */
	struct profile_line later[NKEYS];
	size_t nlater;
	struct scenario sc;
};

static int split_line(const struct parse *ps, char *line, char **keyp, char **valp, char *err,
    size_t errlen);
static int take_line(struct parse *ps, const char *key, const char *val, char *err,
    size_t errlen);
static int name_from_stem(struct scenario *sc, const char *path, char *err, size_t errlen);

static const char *const profiles[] = { "quick", "full", NULL };

static const struct scenario_key *
key_find(const char *name)
{
	size_t i;

	for (i = 0; i < NKEYS; i++)
		if (strcmp(keys[i].name, name) == 0)
			return &keys[i];
	return NULL;
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
	return set_key(sc, key, value, NULL, err, errlen);
}

/* scenario_set, with a relative dataset folder in base (NULL: the working directory). */
static int
set_key(struct scenario *sc, const char *key, const char *value, const char *base, char *err,
    size_t errlen)
{
	const struct scenario_key *k;
	struct scenario tmp;

	if (sc == NULL || key == NULL || value == NULL)
		return scenario_error(err, errlen, "scenario_set: NULL argument");
	if ((k = key_find(key)) == NULL)
		return scenario_error(err, errlen, "unknown key '%s'", key);
	if (*value == '\0' && k->kind != K_TEXT && k->kind != K_CPUS && k->kind != K_CPUSET &&
	    k->kind != K_PREFIX && k->kind != K_SOURCE && k->kind != K_ENDPOINTS)
		return scenario_error(err, errlen, "key '%s': no value", key);
	tmp = *sc;
	if (scenario_value(&tmp, k, value, base, err, errlen) < 0)
		return -1;
	*sc = tmp;
	return 0;
}

int
scenario_parse(FILE *f, const char *name, const char *profile, struct scenario *sc, char *err,
    size_t errlen)
{
	char line[SCENARIO_LINE_MAX + 3], msg[512], *key = NULL, *val = NULL;
	struct parse ps;
	size_t i;

	if (f == NULL || name == NULL || sc == NULL)
		return scenario_error(err, errlen, "scenario_parse: NULL argument");
	if (profile != NULL && !profile_known(profile, strlen(profile)))
		return scenario_error(err, errlen, "%s: unknown profile '%s' (quick or full)",
		    name, profile);
	memset(&ps, 0, sizeof(ps));
	ps.name = name, ps.profile = profile;
	snprintf(ps.base, sizeof(ps.base), "%.*s", strrchr(name, '/') != NULL ?
	    (int)(strrchr(name, '/') - name + 1) : 0, name);
	scenario_defaults(&ps.sc);
	while (fgets(line, sizeof(line), f) != NULL) {
		ps.lineno++;
		if (split_line(&ps, line, &key, &val, err, errlen) < 0 ||
		    (key != NULL && take_line(&ps, key, val, err, errlen) < 0))
			return -1;
		ps.nkeys += key != NULL;
	}
	if (ps.nkeys == 0 && !ferror(f))
		return scenario_error(err, errlen, "%s: no key in it (an empty scenario); for "
		    "every key's default, `exifbench bench --model LIST` needs no file", name);
	for (i = 0; i < ps.nlater; i++)
		if (set_key(&ps.sc, ps.later[i].key->name, ps.later[i].val, ps.base, msg,
		    sizeof(msg)) < 0)
			return scenario_error(err, errlen, "%s:%u: %s", name, ps.later[i].line,
			    msg);
	snprintf(ps.sc.profile, sizeof(ps.sc.profile), "%s", profile != NULL ? profile : "quick");
	if (ferror(f))
		return scenario_error(err, errlen, "%s:%u: read error", name, ps.lineno);
	if (ps.first[key_find("name") - keys] == 0 &&
	    name_from_stem(&ps.sc, name, err, errlen) < 0)
		return -1;
	if (scenario_check(&ps.sc, msg, sizeof(msg)) < 0)
		return scenario_error(err, errlen, "%s: %s", name, msg);
	*sc = ps.sc;
	return 0;
}

/*
 * Cuts line (as fgets read it) into key and value, without the comment and the spaces around
 * them: 0 (*keyp NULL for a blank or comment line), or -1 with err.
 */
static int
split_line(const struct parse *ps, char *line, char **keyp, char **valp, char *err,
    size_t errlen)
{
	char *key, *val, *eq;
	size_t len = strcspn(line, "\n");

	if (len > 0 && line[len - 1] == '\r')
		len--;
	if (len > SCENARIO_LINE_MAX)
		return scenario_error(err, errlen, "%s:%u: line longer than %d characters",
		    ps->name, ps->lineno, SCENARIO_LINE_MAX);
	line[len] = '\0';
	line[strcspn(line, "#")] = '\0';
	for (key = line; isspace((unsigned char)*key); key++)
		;
	*keyp = NULL;
	if (*key == '\0')
		return 0;
	if ((eq = strchr(key, '=')) == NULL || eq == key)
		return scenario_error(err, errlen, "%s:%u: expected key = value", ps->name,
		    ps->lineno);
	for (val = eq + 1; isspace((unsigned char)*val); val++)
		;
	for (len = strlen(val); len > 0 && isspace((unsigned char)val[len - 1]); len--)
		val[len - 1] = '\0';
	for (*eq = '\0'; eq > key && isspace((unsigned char)eq[-1]); eq--)
		eq[-1] = '\0';
	*keyp = key, *valp = val;
	return 0;
}

/*
 * One key = value line. A plain key is set now. PROFILE.key is checked now (over a scratch
 * copy) and, when PROFILE is the one chosen, kept to be applied after the plain keys.
 */
static int
take_line(struct parse *ps, const char *key, const char *val, char *err, size_t errlen)
{
	const char *dot = strchr(key, '.');
	const struct scenario_key *k;
	struct scenario scratch;
	unsigned *seen = ps->first;
	char msg[512];

	if (dot != NULL) {
		if (!profile_known(key, (size_t)(dot - key)))
			return scenario_error(err, errlen, "%s:%u: unknown profile '%.*s' in '%s' "
			    "(quick or full)", ps->name, ps->lineno, (int)(dot - key), key, key);
		seen = ps->profile != NULL && strncmp(key, ps->profile, (size_t)(dot - key)) == 0 &&
		    ps->profile[dot - key] == '\0' ? ps->pfirst : NULL;
		key = dot + 1;
	}
	if ((k = key_find(key)) != NULL && seen != NULL && seen[k - keys] != 0)
		return scenario_error(err, errlen, "%s:%u: key '%s%s%s' given twice, first on "
		    "line %u", ps->name, ps->lineno, seen == ps->pfirst ? ps->profile : "",
		    seen == ps->pfirst ? "." : "", key, seen[k - keys]);
	scratch = ps->sc;
	if (set_key(dot != NULL ? &scratch : &ps->sc, key, val, ps->base, msg, sizeof(msg)) < 0)
		return scenario_error(err, errlen, "%s:%u: %s", ps->name, ps->lineno, msg);
	if (seen == ps->pfirst) {
		snprintf(ps->later[ps->nlater].val, sizeof(ps->later[0].val), "%s", val);
		ps->later[ps->nlater].key = k, ps->later[ps->nlater++].line = ps->lineno;
	}
	if (seen != NULL)
		seen[k - keys] = ps->lineno;
	return 0;
}

/* The name when the file gives none: path's stem, without folders and ".conf". */
static int
name_from_stem(struct scenario *sc, const char *path, char *err, size_t errlen)
{
	char stem[SCENARIO_LINE_MAX + 3], msg[512];
	const char *s = strrchr(path, '/') != NULL ? strrchr(path, '/') + 1 : path;
	size_t len = strlen(s);

	if (len > 5 && strcmp(s + len - 5, ".conf") == 0)
		len -= 5;
	snprintf(stem, sizeof(stem), "%.*s", (int)len, s);
	if (scenario_set(sc, "name", stem, msg, sizeof(msg)) < 0)
		return scenario_error(err, errlen, "%s: no name given: %s", path, msg);
	return 0;
}

int
scenario_load(const char *path, const char *profile, struct scenario *sc, char *err,
    size_t errlen)
{
	FILE *f;
	int rc;

	if (path == NULL || sc == NULL)
		return scenario_error(err, errlen, "scenario_load: NULL argument");
	if ((f = fopen(path, "r")) == NULL)
		return scenario_error(err, errlen, "%s: %s", path, strerror(errno));
	rc = scenario_parse(f, path, profile, sc, err, errlen);
	fclose(f);
	return rc;
}

int
scenario_check(const struct scenario *sc, char *err, size_t errlen)
{
	int no_jitter = strcmp(sc->jitter, "none") == 0;

	if (sc->stall_fraction > 0 && sc->stall_ms == 0)
		return scenario_error(err, errlen, "stall_fraction %g needs stall_ms > 0",
		    sc->stall_fraction);
	if (sc->stall_ms > 0 && sc->stall_fraction == 0)
		return scenario_error(err, errlen, "stall_ms %g needs stall_fraction > 0",
		    sc->stall_ms);
	if (sc->jitter_ms > 0 && no_jitter)
		return scenario_error(err, errlen, "jitter_ms %g needs jitter uniform, normal or "
		    "pareto", sc->jitter_ms);
	if (sc->jitter_ms == 0 && !no_jitter)
		return scenario_error(err, errlen, "jitter %s needs jitter_ms > 0", sc->jitter);
	if (sc->endpoints[0] != '\0' && (sc->latency_ms > 0 || sc->jitter_ms > 0 ||
	    sc->bandwidth_mbit > 0 || sc->total_bandwidth_mbit > 0 || sc->reset_fraction > 0 ||
	    sc->stall_fraction > 0))
		return scenario_error(err, errlen, "endpoints: the shaper fronts one endpoint; "
		    "with endpoints listed, leave latency_ms (or auto), jitter, bandwidth, resets "
		    "and stalls unset, and list shaped endpoints (exifbench shape) instead");
	if (sc->request_prices[0] != '\0' && !prices_ok(sc->request_prices))
		return scenario_error(err, errlen, "request_prices '%s' must be two prices per "
		    "1000 requests, GET,PUT (e.g. 0.0004,0.005)", sc->request_prices);
	return check_stage(sc, err, errlen);
}

/*
 * A plugin stage replaces the built-in one, and is loaded once now so that no run fails on it.
 * A co-process stage (stage_cmd) replaces it too and excludes a plugin; its command is not
 * started here: the first run reports a bad one.
 */
static int
check_stage(const struct scenario *sc, char *err, size_t errlen)
{
	struct stage_conf c;
	char why[512];

	if (sc->stage_cmd[0] != '\0') {
		if (sc->stage[0] != '\0')
			return scenario_error(err, errlen, "stage_cmd and stage are two CPU stages: "
			    "give one of them");
		if (strcmp(sc->transform, "none") != 0 || sc->cpu_spin_ms > 0)
			return scenario_error(err, errlen, "stage_cmd %s replaces the built-in "
			    "stage: it takes no transform nor cpu_spin_ms", sc->stage_cmd);
		return 0;
	}
	if (sc->stage[0] == '\0')
		return 0;
	if (strcmp(sc->transform, "none") != 0 || sc->cpu_spin_ms > 0)
		return scenario_error(err, errlen, "stage %s replaces the built-in stage: it takes "
		    "no transform nor cpu_spin_ms", sc->stage);
	if (stage_conf_parse(&c, sc->stage, why, sizeof(why)) < 0 ||
	    stage_check(&c, why, sizeof(why)) < 0)
		return scenario_error(err, errlen, "key 'stage': %s", why);
	return 0;
}

/* "GET,PUT": two numbers >= 0 (the report reads them for its costs). */
static int
prices_ok(const char *s)
{
	double g, p;
	int n = -1;

	return sscanf(s, "%lf,%lf%n", &g, &p, &n) == 2 && n >= 0 && s[n] == '\0' &&
	    isdigit((unsigned char)*s) && g >= 0 && p >= 0 && g < 1e12 && p < 1e12;
}

static json_t *
key_json(const struct scenario *sc, const struct scenario_key *k)
{
	const char *p = (const char *)sc + k->off;
	json_t *a;
	size_t i, n;
	int rc = 0;

	switch (k->kind) {
	case K_LATENCY:
		if (sc->latency_auto && !sc->latency_resolved)
			return json_string("auto");
		/* FALLTHROUGH */
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
	case K_CLIENTS:
	case K_RATES:
	case K_CPUS:
		break;
	default:
		return json_string(p);
	}
	if ((a = json_array()) == NULL)
		return NULL;
	n = k->kind == K_MODELS ? sc->n_models : k->kind == K_LEVELS ? sc->n_levels :
	    k->kind == K_CLIENTS ? sc->n_clients : k->kind == K_RATES ? sc->n_rates :
	    sc->n_client_cpus;
	for (i = 0; i < n && rc == 0; i++)
		rc = json_array_append_new(a, k->kind == K_MODELS ? json_string(sc->models[i]) :
		    k->kind == K_LEVELS ? json_integer(sc->levels[i]) :
		    k->kind == K_CLIENTS ? json_integer(sc->clients[i]) :
		    k->kind == K_RATES ? json_real(sc->rates[i]) :
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

void
scenario_resolve_latency(struct scenario *sc, int local)
{
	if (sc == NULL || !sc->latency_auto)
		return;
	if (sc->endpoints[0] != '\0')
		local = 0;
	sc->latency_ms = local ? SCENARIO_AUTO_LATENCY_MS : 0;
	sc->latency_resolved = 1;
	if (!local) {	/* the jitter was the emulated latency's: a real network has its own */
		sc->jitter_ms = 0;
		snprintf(sc->jitter, sizeof(sc->jitter), "none");
	}
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
