/*
 * shape.c: the network shaper's model, without sockets or a loop: the configuration checks,
 * address parsing, the jitter draws, the due-time rule and the lateness histogram. The proxy
 * (shape_proxy.c) calls these for every connection and chunk; the unit tests call them
 * directly. See shape.h for the model itself.
 */
#include "shape.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "include/rng.h"

#define MS_MAX 600000.0		/* ten minutes: any delay above is a typo */
#define MBIT_MAX 1000000.0	/* a terabit */

static int check_ms(const char *opt, double v, char *err, size_t errlen);
static int check_fraction(const char *opt, double v, char *err, size_t errlen);
static int hist_index(int64_t v);
static int64_t hist_upper(int i);

static const char *const jitter_names[] = { "none", "uniform", "normal", "pareto" };

int
shape_config_check(const struct shape_config *cfg, char *err, size_t errlen)
{
	if (cfg == NULL) {
		snprintf(err, errlen, "no configuration");
		return -1;
	}
	if (check_ms("--latency-ms", cfg->latency_ms, err, errlen) < 0 ||
	    check_ms("--jitter-ms", cfg->jitter_ms, err, errlen) < 0 ||
	    check_ms("--stall-ms", cfg->stall_ms, err, errlen) < 0 ||
	    check_fraction("--reset-fraction", cfg->reset_fraction, err, errlen) < 0 ||
	    check_fraction("--stall-fraction", cfg->stall_fraction, err, errlen) < 0)
		return -1;
	if (!(cfg->bandwidth_mbit >= 0 && cfg->bandwidth_mbit <= MBIT_MAX) ||
	    !(cfg->total_bandwidth_mbit >= 0 && cfg->total_bandwidth_mbit <= MBIT_MAX)) {
		snprintf(err, errlen, "%s must be from 0 (no cap) to %g Mbit/s",
		    cfg->bandwidth_mbit >= 0 && cfg->bandwidth_mbit <= MBIT_MAX ?
		    "--total-bandwidth-mbit" : "--bandwidth-mbit", MBIT_MAX);
		return -1;
	}
	if ((unsigned)cfg->jitter > SHAPE_JITTER_PARETO) {
		snprintf(err, errlen, "--jitter must be none, uniform, normal or pareto");
		return -1;
	}
	if (cfg->stall_fraction > 0 && cfg->stall_ms <= 0) {
		snprintf(err, errlen, "--stall-fraction needs --stall-ms above 0");
		return -1;
	}
	if (cfg->listen_host[0] == '\0' || cfg->listen_port > 65535) {
		snprintf(err, errlen, "--listen needs a host and a port from 0 to 65535");
		return -1;
	}
	if (cfg->upstream_host[0] == '\0' || cfg->upstream_port < 1 ||
	    cfg->upstream_port > 65535) {
		snprintf(err, errlen, "no upstream: set --upstream or AWS_ENDPOINT_URL");
		return -1;
	}
	if (cfg->queue_cap < 65536) {
		snprintf(err, errlen, "queue cap %zu is below 64 KiB", cfg->queue_cap);
		return -1;
	}
	return 0;
}

int
shape_parse_addr(const char *s, unsigned min_port, char *host, size_t hostlen,
    unsigned *port, char *err, size_t errlen)
{
	const char *p, *h, *he, *colon;
	unsigned long v = 0;
	char *end;
	int url;

	if (s == NULL || host == NULL || port == NULL || hostlen == 0) {
		snprintf(err, errlen, "no address");
		return -1;
	}
	p = s;
	if ((url = (h = strstr(s, "://")) != NULL)) {
		if (strncmp(s, "http://", 7) == 0)
			v = 80;
		else if (strncmp(s, "https://", 8) == 0)
			v = 443;
		else
			goto bad;
		p = h + 3;
	}
	h = p;
	if (*p == '[') {		/* [v6]:port */
		h = p + 1;
		if ((he = strchr(h, ']')) == NULL)
			goto bad;
		colon = he[1] == ':' ? he + 1 : NULL;
		p = he + 1;
	} else {
		he = p + strcspn(p, ":/");
		colon = *he == ':' ? he : NULL;
		p = he;
	}
	if (he == h || (size_t)(he - h) >= hostlen)
		goto bad;
	if (colon != NULL) {
		v = strtoul(colon + 1, &end, 10);
		if (end == colon + 1 || colon[1] == '-' || colon[1] == '+')
			goto bad;
		p = end;
	} else if (v == 0) {
		goto bad;		/* host:port needs the port */
	}
	if (*p != '\0' && !(url && *p == '/'))
		goto bad;		/* only a URL may go on, with a path */
	if (v < min_port || v > 65535) {
		snprintf(err, errlen, "port in '%s' must be from %u to 65535", s, min_port);
		return -1;
	}
	memcpy(host, h, (size_t)(he - h));
	host[he - h] = '\0';
	*port = (unsigned)v;
	return 0;
bad:
	snprintf(err, errlen, "'%s' is neither HOST:PORT nor http[s]://HOST[:PORT]", s);
	return -1;
}

int
shape_jitter_parse(const char *name, enum shape_jitter *out)
{
	size_t i;

	for (i = 0; name != NULL && i < sizeof(jitter_names) / sizeof(jitter_names[0]); i++) {
		if (strcmp(name, jitter_names[i]) == 0) {
			*out = (enum shape_jitter)i;
			return 0;
		}
	}
	return -1;
}

const char *
shape_jitter_name(enum shape_jitter j)
{
	return (unsigned)j <= SHAPE_JITTER_PARETO ? jitter_names[j] : "?";
}

int64_t
shape_jitter_ns(enum shape_jitter j, double jitter_ms, uint64_t *rng)
{
	double J = jitter_ms * 1e6, u, x;

	if (!(J > 0))
		return 0;
	switch (j) {
	case SHAPE_JITTER_UNIFORM:
		x = 2 * J * rng_unit(rng);
		break;
	case SHAPE_JITTER_NORMAL:
		u = 1.0 - rng_unit(rng);	/* (0, 1]: log(u) is finite */
		x = J * fabs(sqrt(-2 * log(u)) * cos(2 * M_PI * rng_unit(rng)));
		break;
	case SHAPE_JITTER_PARETO:
		x = 1.5 * J * (pow(1.0 - rng_unit(rng), -1.0 / SHAPE_PARETO_SHAPE) - 1);
		if (x > SHAPE_PARETO_CAP * J)
			x = SHAPE_PARETO_CAP * J;
		break;
	default:
		return 0;
	}
	return (int64_t)x;
}

int64_t
shape_due(int64_t prev_due, int64_t now, int64_t delay)
{
	int64_t due = now + (delay > 0 ? delay : 0);

	return due > prev_due ? due : prev_due;
}

void
shape_hist_add(struct shape_hist *h, int64_t ns)
{
	if (ns < 0)
		ns = 0;
	h->count++;
	h->sum_ns += (double)ns;
	if (ns > h->max_ns)
		h->max_ns = ns;
	h->bucket[hist_index(ns)]++;
}

int64_t
shape_hist_quantile(const struct shape_hist *h, double q)
{
	uint64_t want, seen = 0;
	int64_t up;
	int i;

	if (h == NULL || h->count == 0 || !(q > 0))
		return 0;
	want = (uint64_t)ceil(q * (double)h->count);
	if (want < 1)
		want = 1;
	for (i = 0; i < SHAPE_HIST_BUCKETS; i++) {
		seen += h->bucket[i];
		if (seen >= want)
			break;
	}
	up = hist_upper(i < SHAPE_HIST_BUCKETS ? i : SHAPE_HIST_BUCKETS - 1);
	return up < h->max_ns ? up : h->max_ns;
}

int64_t
shape_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static int
check_ms(const char *opt, double v, char *err, size_t errlen)
{
	if (v >= 0 && v <= MS_MAX)
		return 0;
	snprintf(err, errlen, "%s must be from 0 to %g ms", opt, MS_MAX);
	return -1;
}

static int
check_fraction(const char *opt, double v, char *err, size_t errlen)
{
	if (v >= 0 && v <= 1)
		return 0;
	snprintf(err, errlen, "%s must be a fraction from 0 to 1", opt);
	return -1;
}

/*
 * Values below 16 have a bucket each; above, 16 buckets per power of two [2^e, 2^(e+1)),
 * for e = 4 .. 40 (about 18 minutes); larger values share the last bucket.
 */
static int
hist_index(int64_t v)
{
	int e;

	if (v < 16)
		return (int)v;
	e = 63 - __builtin_clzll((unsigned long long)v);
	if (e > 40)
		return SHAPE_HIST_BUCKETS - 1;
	return (e - 3) * 16 + (int)((v >> (e - 4)) & 15);
}

/* The largest value of bucket i. */
static int64_t
hist_upper(int i)
{
	int e;

	if (i < 16)
		return i;
	e = i / 16 + 3;
	return ((int64_t)(16 + i % 16) << (e - 4)) + ((int64_t)1 << (e - 4)) - 1;
}
