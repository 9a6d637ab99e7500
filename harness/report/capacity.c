/*
 * capacity.c: the plan's arithmetic and the parsers of its inputs. See capacity.h. Pure
 * functions: numbers and strings in, numbers out, so that the tests feed hand-made cases.
 * Every figure is tested with `> 0` or `>= 0`, so NaN counts as unknown.
 */
#include "capacity.h"

#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int number(const char *s, double *v, char **end);

void
capacity_plan(double ips, double gets, double puts, const struct cap_in *in,
    struct cap_plan *p)
{
	struct capacity c;

	if (p == NULL)
		return;
	memset(p, 0, sizeof(*p));
	p->gets = gets >= 0 ? gets : -1;
	p->puts = puts >= 0 ? puts : -1;
	p->compute_per_m = p->requests_per_m = -1;
	if (in == NULL || !(ips > 0) || !(in->images > 0) || !(in->deadline_s > 0) ||
	    !(in->headroom >= 0 && in->headroom < 1))
		return;
	p->ips = ips;
	p->planned_ips = ips * (1 - in->headroom);
	p->machines = in->images / (p->planned_ips * in->deadline_s);
	/* the rounding (up, but not past an exact fit) is analysis_capacity's */
	analysis_capacity(p->planned_ips, in->images, in->deadline_s, &c);
	p->machines_up = c.machines;
	p->hours = in->images / (p->planned_ips * p->machines_up) / 3600;
	p->machine_hours = p->machines_up * p->hours;
	/* per million: the machine-hours of 1e6 images, which rounding up does not change */
	if (in->price_hour >= 0)
		p->compute_per_m = 1e6 / p->planned_ips / 3600 * in->price_hour;
	if (in->get_1k >= 0 && in->put_1k >= 0 && p->gets >= 0 && p->puts >= 0)
		p->requests_per_m = 1e6 * (p->gets * in->get_1k + p->puts * in->put_1k) / 1000;
}

int
capacity_parse_count(const char *s, double *out, char *err, size_t errlen)
{
	double v, mul = 1;
	char *end;

	if (s == NULL || number(s, &v, &end) < 0)
		goto bad;
	switch (*end) {
	case '\0': break;
	case 'k': case 'K': mul = 1e3, end++; break;
	case 'M': mul = 1e6, end++; break;
	case 'G': mul = 1e9, end++; break;
	default: goto bad;
	}
	if (*end != '\0' || !(v * mul >= 1) || !isfinite(v * mul))
		goto bad;
	*out = v * mul;
	return 0;
bad:
	snprintf(err, errlen, "'%s' is not a count of at least 1 (e.g. 10000000 or 10M; "
	    "suffixes k, M, G)", s != NULL ? s : "");
	return -1;
}

int
capacity_parse_duration(const char *s, double *out, char *err, size_t errlen)
{
	double v, mul = 1;
	char *end;

	if (s == NULL || number(s, &v, &end) < 0)
		goto bad;
	switch (*end) {
	case '\0': case 's': break;
	case 'm': mul = 60; break;
	case 'h': mul = 3600; break;
	case 'd': mul = 86400; break;
	default: goto bad;
	}
	if ((*end != '\0' && end[1] != '\0') || !(v * mul > 0) || !isfinite(v * mul))
		goto bad;
	*out = v * mul;
	return 0;
bad:
	snprintf(err, errlen, "'%s' is not a duration above 0 (e.g. 24h, 90m, 3600s or 3600: "
	    "seconds)", s != NULL ? s : "");
	return -1;
}

int
capacity_parse_prices(const char *s, double *get_1k, double *put_1k, char *err,
    size_t errlen)
{
	double g, p;
	char *end;

	if (s == NULL || number(s, &g, &end) < 0 || *end != ',' || number(end + 1, &p, &end) < 0 ||
	    *end != '\0' || !(g >= 0) || !(p >= 0) || !isfinite(g) || !isfinite(p)) {
		snprintf(err, errlen, "'%s' is not two prices per 1000 requests, GET,PUT (e.g. "
		    "0.0004,0.005), each 0 or more", s != NULL ? s : "");
		return -1;
	}
	*get_1k = g, *put_1k = p;
	return 0;
}

int
capacity_parse_scaled(const char *s, double base, double *out, char *err, size_t errlen)
{
	double v;
	char *end;

	if (s == NULL || number(s, &v, &end) < 0 || !(v >= 0) || !isfinite(v) ||
	    (*end != '\0' && strcmp(end, "x") != 0)) {
		snprintf(err, errlen, "'%s' is not milliseconds (e.g. 20) or a multiple of the "
		    "measured figure (e.g. 2x), 0 or more", s != NULL ? s : "");
		return -1;
	}
	*out = *end == 'x' ? v * (base >= 0 ? base : 0) : v;
	return 0;
}

/* A decimal number at the start of s (no leading space, no hex, no inf or nan). */
static int
number(const char *s, double *v, char **end)
{
	if (!isdigit((unsigned char)*s) && *s != '.')
		return -1;
	*v = strtod(s, end);
	return *end == s ? -1 : 0;
}
