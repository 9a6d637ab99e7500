/*
 * scenario_value.c: the scenario file's value parsers, one per kind of key: words, text,
 * plain decimals and integers within the key's bounds (latency_ms: or auto), yes/no, the
 * jitter, arrivals, transform and USL weighting names, the model list (names from the model
 * table, none twice), concurrency levels, offered rates (or none), hwloc CPU lists, the places in S3
 * (bucket names, prefixes, s3://BUCKET/PREFIX) and the dataset (a profile name, or a
 * folder, resolved and checked for files now). Each message names the key and says what is
 * wrong. The keys themselves are in scenario.c's table.
 */
#include "harness/engine/scenario_value.h"

#include <ctype.h>
#include <errno.h>
#include <pwd.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "harness/engine/dirdata.h"
#include "harness/report/usl.h"
#include "models/model.h"
#include "models/core/s3.h"
#include "models/core/s3url.h"
#include "models/core/transform.h"

#define WORD_CHARS "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
#define PREFIX_CHARS WORD_CHARS "./"

static const char *const jitters[] = { "none", "uniform", "normal", "pareto", NULL };
static const char *const arrivals[] = { "constant", "poisson", NULL };

static void append(char *buf, size_t len, const char *name);
static int parse_double(const char *s, double *v);
static int parse_uint(const struct scenario_key *k, const char *s, unsigned long *v, char *err,
    size_t errlen);
static int cpuset_ok(const char *s);
static int set_cpus(const struct scenario_key *k, const char *v, char *out, size_t outlen,
    char *err, size_t errlen);
static int prefix_ok(const char *s, size_t max);
static int set_place(const struct scenario_key *k, const char *v, char *out, size_t outlen,
    char *err, size_t errlen);
static int folder_path(const char *v, const char *base, char *out, size_t outlen);
static int set_dataset(struct scenario *sc, const struct scenario_key *k, const char *v,
    const char *base, char *err, size_t errlen);
static int check_name(const struct scenario_key *k, const char **v, char *err,
    size_t errlen);
static int set_item(struct scenario *sc, const struct scenario_key *k, size_t i, const char *v,
    char *err, size_t errlen);
static int check_endpoints(const struct scenario_key *k, const char *v, char *err,
    size_t errlen);
static int set_list(struct scenario *sc, const struct scenario_key *k, const char *value,
    char *err, size_t errlen);

int
scenario_error(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	if (err != NULL && errlen > 0) {
		va_start(ap, fmt);
		vsnprintf(err, errlen, fmt, ap);
		va_end(ap);
	}
	return -1;
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
parse_uint(const struct scenario_key *k, const char *s, unsigned long *v, char *err, size_t errlen)
{
	if (*s != '\0' && s[strspn(s, "0123456789")] == '\0') {
		errno = 0;
		*v = strtoul(s, NULL, 10);
		if (errno == 0 && *v >= k->min && *v <= k->max)
			return 0;
	}
	return scenario_error(err, errlen, "key '%s': '%s' is not an integer in [%.10g, %.10g]",
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
set_cpus(const struct scenario_key *k, const char *v, char *out, size_t outlen, char *err,
    size_t errlen)
{
	if (strcmp(v, "all") == 0)
		v = "";
	if (*v != '\0' && !cpuset_ok(v))
		return scenario_error(err, errlen, "key '%s': '%s' is not all or a CPU list "
		    "such as 0, 0-1 or 0,2-3", k->name, v);
	snprintf(out, outlen, "%s", v);
	return 0;
}

int
scenario_value(struct scenario *sc, const struct scenario_key *k, const char *v,
    const char *base, char *err, size_t errlen)
{
	char *p = (char *)sc + k->off;
	unsigned long u;
	size_t len = strlen(v);
	double d;
	json_t *utf8;

	switch (k->kind) {
	case K_WORD:
		if (len < k->min || len > k->max || v[strspn(v, WORD_CHARS)] != '\0')
			return scenario_error(err, errlen, "key '%s': '%s' is not 1 to %.0f "
			    "letters, digits, '-' or '_'", k->name, v, k->max);
		break;
	case K_TEXT:
		if (len > k->max || (utf8 = json_string(v)) == NULL)
			return scenario_error(err, errlen, "key '%s': not UTF-8 text of at most "
			    "%.0f bytes", k->name, k->max);
		json_decref(utf8);
		break;
	case K_LATENCY:
		sc->latency_auto = strcmp(v, "auto") == 0, sc->latency_resolved = 0;
		if (sc->latency_auto) {
			*(double *)p = 0;
			return 0;
		}
		if (parse_double(v, &d) < 0 || !(d >= k->min && d <= k->max))
			return scenario_error(err, errlen, "key '%s': '%s' is not auto or a number "
			    "in [%.10g, %.10g]", k->name, v, k->min, k->max);
		*(double *)p = d;
		return 0;
	case K_DOUBLE:
		if (parse_double(v, &d) < 0 || !(d >= k->min && d <= k->max))
			return scenario_error(err, errlen, "key '%s': '%s' is not a number in "
			    "[%.10g, %.10g]", k->name, v, k->min, k->max);
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
		/* on and off too: cpu_profile = on reads better */
		if (strcmp(v, "yes") != 0 && strcmp(v, "no") != 0 && strcmp(v, "on") != 0 &&
		    strcmp(v, "off") != 0)
			return scenario_error(err, errlen, "key '%s': '%s' is not yes or no (on "
			    "or off)", k->name, v);
		*(int *)p = strcmp(v, "yes") == 0 || strcmp(v, "on") == 0;
		return 0;
	case K_JITTER:
	case K_ARRIVALS:
	case K_TRANSFORM:
	case K_USLFIT:
		if (check_name(k, &v, err, errlen) < 0)
			return -1;
		break;
	case K_CPUSET:
		return set_cpus(k, v, p, k->size, err, errlen);
	case K_BUCKET:
	case K_PREFIX:
	case K_SOURCE:
		return set_place(k, v, p, k->size, err, errlen);
	case K_DATASET:
		return set_dataset(sc, k, v, base, err, errlen);
	case K_ENDPOINTS:
		if (len > k->max || check_endpoints(k, v, err, errlen) < 0)
			return len > k->max ? scenario_error(err, errlen, "key '%s': longer than "
			    "%.0f bytes", k->name, k->max) : -1;
		break;
	default:
		return set_list(sc, k, v, err, errlen);
	}
	snprintf(p, k->size, "%s", v);
	return 0;
}

/* A prefix: letters, digits, - _ . and /, with no empty part (no leading, trailing or double /). */
static int
prefix_ok(const char *s, size_t max)
{
	size_t len = strlen(s);

	return len > 0 && len <= max && s[strspn(s, PREFIX_CHARS)] == '\0' && s[0] != '/' &&
	    s[len - 1] != '/' && strstr(s, "//") == NULL;
}

/*
 * A bucket name, a prefix ("" allowed: the key's default meaning) or an s3://BUCKET[/PREFIX]
 * address ("" allowed: none), stored as s3://BUCKET or s3://BUCKET/PREFIX. 0, or -1 with err.
 */
static int
set_place(const struct scenario_key *k, const char *v, char *out, size_t outlen, char *err,
    size_t errlen)
{
	char uri[SCENARIO_LINE_MAX + 8], bucket[64], prefix[SCENARIO_LINE_MAX + 1], msg[256];

	if (*v == '\0' || (k->kind == K_PREFIX && prefix_ok(v, (size_t)k->max))) {
		snprintf(out, outlen, "%s", v);
		return 0;
	}
	if (k->kind == K_PREFIX)
		return scenario_error(err, errlen, "key '%s': '%s' is not a prefix of 1 to %.0f "
		    "letters, digits, '-', '_', '.' and '/' with no empty part", k->name, v, k->max);
	snprintf(uri, sizeof(uri), "%s%s", k->kind == K_BUCKET ? "s3://" : "", v);
	if (k->kind == K_BUCKET && strchr(v, '/') != NULL)
		return scenario_error(err, errlen, "key '%s': '%s' is not a bucket name (3 to 63 "
		    "characters of a-z 0-9 . -)", k->name, v);
	if (s3url_parse_uri(uri, bucket, sizeof(bucket), prefix, sizeof(prefix), msg,
	    sizeof(msg)) < 0)
		return scenario_error(err, errlen, "key '%s': %s", k->name, msg);
	if (prefix[0] != '\0' && !prefix_ok(prefix, SCENARIO_PREFIX_MAX))
		return scenario_error(err, errlen, "key '%s': '%s': the prefix is not 1 to %d "
		    "letters, digits, '-', '_', '.' and '/' with no empty part", k->name, v,
		    SCENARIO_PREFIX_MAX);
	if (k->kind == K_BUCKET)
		snprintf(out, outlen, "%s", bucket);
	else
		snprintf(out, outlen, "s3://%s%s%s", bucket, prefix[0] ? "/" : "", prefix);
	return 0;
}

/*
 * The folder v names as a path: ~ and ~USER/ expanded, a relative path put under base
 * ("" or NULL: as it is, from the working directory). 0, or -1 when ~ cannot be expanded.
 */
static int
folder_path(const char *v, const char *base, char *out, size_t outlen)
{
	const char *rest = v + strcspn(v, "/"), *home;
	char user[256];
	struct passwd *pw;

	if (v[0] == '~') {
		snprintf(user, sizeof(user), "%.*s", (int)(rest - v - 1), v + 1);
		home = user[0] == '\0' ? getenv("HOME") :
		    (pw = getpwnam(user)) != NULL ? pw->pw_dir : NULL;
		if (home == NULL || home[0] == '\0')
			return -1;
		snprintf(out, outlen, "%s%s", home, rest);
	} else if (v[0] == '/' || base == NULL || base[0] == '\0') {
		snprintf(out, outlen, "%s", v);
	} else {
		snprintf(out, outlen, "%s%s%s", base, base[strlen(base) - 1] == '/' ? "" : "/", v);
	}
	return 0;
}

/*
 * The dataset: a profile name, or a folder (a '/' in it, or a leading '.' or '~') that
 * exists and holds a regular file, whose absolute path goes to sc->dataset_dir.
 */
static int
set_dataset(struct scenario *sc, const struct scenario_key *k, const char *v,
    const char *base, char *err, size_t errlen)
{
	char path[PATH_MAX + SCENARIO_DATASET_MAX + 2], abs[PATH_MAX], msg[PATH_MAX + 64];
	char shown[PATH_MAX + SCENARIO_DATASET_MAX + 8] = "";
	size_t len = strlen(v);
	struct dirdata_scan ds;
	struct stat sb;

	if (strchr(v, '/') == NULL && v[0] != '.' && v[0] != '~') {
		if (len > 31 || v[strspn(v, WORD_CHARS)] != '\0')
			return scenario_error(err, errlen, "key '%s': '%s' is neither a profile "
			    "name (1 to 31 letters, digits, '-' or '_') nor a folder (a path with "
			    "a '/', or starting with '.' or '~')", k->name, v);
		snprintf(sc->dataset, sizeof(sc->dataset), "%s", v);
		sc->dataset_dir[0] = '\0';
		return 0;
	}
	if (len > k->max)
		return scenario_error(err, errlen, "key '%s': a folder of more than %.0f bytes",
		    k->name, k->max);
	if (folder_path(v, base, path, sizeof(path)) < 0)
		return scenario_error(err, errlen, "key '%s': folder '%s': cannot expand its "
		    "'~'", k->name, v);
	if (strcmp(path, v) != 0)
		snprintf(shown, sizeof(shown), " (%s)", path);
	if (realpath(path, abs) == NULL || stat(abs, &sb) < 0)
		return scenario_error(err, errlen, "key '%s': folder '%s'%s: %s", k->name, v,
		    shown, strerror(errno));
	if (!S_ISDIR(sb.st_mode))
		return scenario_error(err, errlen, "key '%s': '%s'%s is not a folder", k->name,
		    v, shown);
	if (dirdata_scan(abs, &ds, msg, sizeof(msg)) < 0)
		return scenario_error(err, errlen, "key '%s': %s", k->name, msg);
	if (ds.files == 0)
		return scenario_error(err, errlen, "key '%s': folder '%s'%s holds no regular "
		    "file", k->name, v, shown);
	snprintf(sc->dataset, sizeof(sc->dataset), "%s", v);
	snprintf(sc->dataset_dir, sizeof(sc->dataset_dir), "%s", abs);
	return 0;
}

/*
 * A jitter, arrivals, transform or USL weighting name, *v then the transform's own spelling:
 * 0, or -1 with err.
 */
static int
check_name(const struct scenario_key *k, const char **v, char *err, size_t errlen)
{
	const char *const *list = k->kind == K_JITTER ? jitters : arrivals;
	char names[64] = "";
	enum transform_kind tk;
	enum usl_weight w;
	size_t i;

	if (k->kind == K_JITTER || k->kind == K_ARRIVALS) {
		for (i = 0; list[i] != NULL && strcmp(list[i], *v) != 0; i++)
			append(names, sizeof(names), list[i]);
		if (list[i] == NULL)
			return scenario_error(err, errlen, "key '%s': '%s' is not one of %s",
			    k->name, *v, names);
		return 0;
	}
	if (k->kind == K_USLFIT) {
		if (usl_weight_parse(*v, &w) == 0)
			return 0;
		for (i = 0; i < USL_WEIGHTS; i++)
			append(names, sizeof(names), usl_weight_name((enum usl_weight)i));
		return scenario_error(err, errlen, "key '%s': '%s' is not one of %s", k->name,
		    *v, names);
	}
	if (transform_kind_parse(*v, &tk) < 0) {
		for (i = TRANSFORM_NONE; i <= TRANSFORM_RECOMPRESS; i++)
			append(names, sizeof(names), transform_kind_name(i));
		return scenario_error(err, errlen, "key '%s': '%s' is not one of %s", k->name,
		    *v, names);
	}
	*v = transform_kind_name(tk);
	return 0;
}

/* Item i of list key k, checked (with the items before it already set). */
static int
set_item(struct scenario *sc, const struct scenario_key *k, size_t i, const char *v, char *err,
    size_t errlen)
{
	const struct model *const *m;
	char names[128] = "";
	unsigned long u;
	double d;
	size_t j;

	switch (k->kind) {
	case K_MODELS:
		if (model_find(v) == NULL) {
			for (m = model_table; *m != NULL; m++)
				append(names, sizeof(names), (*m)->name);
			return scenario_error(err, errlen, "key '%s': unknown model '%s' (%s)",
			    k->name, v, names);
		}
		for (j = 0; j < i; j++)
			if (strcmp(sc->models[j], v) == 0)
				return scenario_error(err, errlen, "key '%s': '%s' given twice",
				    k->name, v);
		snprintf(sc->models[i], sizeof(sc->models[i]), "%s", v);
		return 0;
	case K_LEVELS:
	case K_CLIENTS:
		if (parse_uint(k, v, &u, err, errlen) < 0)
			return -1;
		*(k->kind == K_LEVELS ? &sc->levels[i] : &sc->clients[i]) = (unsigned)u;
		return 0;
	case K_RATES:
		if (parse_double(v, &d) < 0 || !(d >= k->min && d <= k->max))
			return scenario_error(err, errlen, "key '%s': '%s' is not none or a rate "
			    "in images/s in [%.10g, %.10g]", k->name, v, k->min, k->max);
		sc->rates[i] = d;
		return 0;
	default:
		return set_cpus(k, v, sc->client_cpus[i], sizeof(sc->client_cpus[i]), err,
		    errlen);
	}
}

/*
 * A space-separated list replaces the list before it; client_cpus "" means one "all"; rates
 * "none" (alone) means none: closed loop.
 */
static int
set_list(struct scenario *sc, const struct scenario_key *k, const char *value, char *err,
    size_t errlen)
{
	size_t n = 0, max, *count;
	char buf[SCENARIO_LINE_MAX + 1], *tok, *save;

	max = k->kind == K_MODELS ? SCENARIO_MAX_MODELS : k->kind == K_LEVELS ||
	    k->kind == K_CLIENTS ? SCENARIO_MAX_LEVELS : k->kind == K_RATES ?
	    SCENARIO_MAX_RATES : SCENARIO_MAX_CPUSETS;
	count = k->kind == K_MODELS ? &sc->n_models : k->kind == K_LEVELS ? &sc->n_levels :
	    k->kind == K_CLIENTS ? &sc->n_clients : k->kind == K_RATES ? &sc->n_rates :
	    &sc->n_client_cpus;
	if (k->kind == K_RATES && strcmp(value, "none") == 0) {
		*count = 0;
		return 0;
	}
	if (strlen(value) > SCENARIO_LINE_MAX)
		return scenario_error(err, errlen, "key '%s': value longer than %d characters",
		    k->name, SCENARIO_LINE_MAX);
	snprintf(buf, sizeof(buf), "%s", value);
	for (tok = strtok_r(buf, " \t", &save); tok != NULL; tok = strtok_r(NULL, " \t", &save)) {
		if (n == max)
			return scenario_error(err, errlen, "key '%s': more than %zu values",
			    k->name, max);
		if (set_item(sc, k, n++, tok, err, errlen) < 0)
			return -1;
	}
	if (n == 0 && k->kind == K_CPUS)
		sc->client_cpus[n++][0] = '\0';
	if (n == 0)
		return scenario_error(err, errlen, "key '%s': no value", k->name);
	*count = n;
	return 0;
}

/* endpoints: "" (the environment's), or URL[,URL...] as run --endpoints takes them. */
static int
check_endpoints(const struct scenario_key *k, const char *v, char *err, size_t errlen)
{
	struct s3_config *cfg;
	char what[48], msg[512];
	int rc;

	if (*v == '\0')
		return 0;
	if ((cfg = calloc(1, sizeof(*cfg))) == NULL)
		return scenario_error(err, errlen, "key '%s': out of memory", k->name);
	snprintf(what, sizeof(what), "key '%s': endpoint", k->name);
	rc = s3_config_set_endpoints(cfg, v, what, msg, sizeof(msg));
	free(cfg);
	return rc < 0 ? scenario_error(err, errlen, "%s", msg) : 0;
}
