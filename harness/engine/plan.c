/*
 * plan.c: a scenario's runs, where they read and write, and their command lines. See plan.h.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "plan.h"
#include "topo.h"
#include "models/core/s3url.h"

static int add(struct plan *p, size_t *cap, const struct plan_run *r);
static int places(const struct scenario *sc, struct plan *p, char *err, size_t errlen);
static int add_levels(struct plan *p, size_t *cap, struct plan_run *r,
    const struct scenario *sc);

int
plan_make(const struct scenario *sc, struct plan *p, char *err, size_t errlen)
{
	struct plan_run r;
	size_t cap = 0, c, m, l, k, n;
	int pus;

	memset(p, 0, sizeof(*p));
	if (places(sc, p, err, errlen) < 0)
		return -1;
	for (l = 0; l < sc->n_levels; l++)
		for (k = 0; k < l; k++)
			if (sc->levels[k] == sc->levels[l]) {
				snprintf(err, errlen, "concurrency: level %u given twice",
				    sc->levels[l]);
				return -1;
			}
	for (l = 0; l < sc->n_rates; l++)
		for (k = 0; k < l; k++)
			if (fabs(sc->rates[k] - sc->rates[l]) < 5e-4) {
				snprintf(err, errlen, "rates: %g given twice", sc->rates[l]);
				return -1;
			}
	for (l = 0; sc->n_rates > 0 && l < sc->n_clients; l++) {
		if (sc->clients[l] <= 1)
			continue;
		snprintf(err, errlen, "rates with clients %u: open-loop runs over several clients "
		    "are not supported yet (give clients = 1)", sc->clients[l]);
		return -1;
	}
	for (l = 0; l < sc->n_clients; l++)
		for (k = 0; k < l; k++)
			if (sc->clients[k] == sc->clients[l]) {
				snprintf(err, errlen, "clients: %u given twice", sc->clients[l]);
				return -1;
			}
	for (c = 0; c < sc->n_client_cpus; c++) {
		for (k = 0; k < c; k++)
			if (strcmp(sc->client_cpus[k], sc->client_cpus[c]) == 0) {
				snprintf(err, errlen, "client_cpus: '%s' given twice",
				    sc->client_cpus[c][0] ? sc->client_cpus[c] : "all");
				goto fail;
			}
		if ((pus = topo_pus(sc->client_cpus[c], err, errlen)) < 0)
			goto fail;
		for (m = 0; m < sc->n_models; m++) {
			memset(&r, 0, sizeof(r));
			r.model = model_find(sc->models[m]);
			r.client_cpus = sc->client_cpus[c], r.client_pus = (unsigned)pus;
			r.workers = r.model->uses_workers ? (sc->workers ? sc->workers :
			    (unsigned)pus) : 0;
			for (n = 0; n < (sc->n_clients ? sc->n_clients : 1); n++) {
				r.clients = sc->n_clients ? sc->clients[n] : 1;
				if (add_levels(p, &cap, &r, sc) < 0) {
					snprintf(err, errlen, "out of memory");
					goto fail;
				}
			}
		}
	}
	return 0;
fail:
	plan_free(p);
	return -1;
}

/*
 * r at each level, rate and repeat; a model that keeps at most N requests in flight at each
 * level up to N, and at N once when the levels go past it. 0, or -1 when out of memory.
 */
static int
add_levels(struct plan *p, size_t *cap, struct plan_run *r, const struct scenario *sc)
{
	unsigned max = r->model->max_concurrency;
	int done_max = 0;
	size_t l, k, q;

	for (l = 0; l < sc->n_levels; l++) {
		r->level = sc->levels[l];
		if (max > 0 && r->level >= max) {
			if (done_max)
				continue;
			r->level = max, done_max = 1;
		}
		for (q = 0; q < (sc->n_rates ? sc->n_rates : 1); q++) {
			r->rate = sc->n_rates ? sc->rates[q] : 0;
			for (k = 1; k <= sc->repeat; k++) {
				r->rep = (unsigned)k;
				if (add(p, cap, r) < 0)
					return -1;
			}
		}
	}
	return 0;
}

void
plan_free(struct plan *p)
{
	free(p->run);
	memset(p, 0, sizeof(*p));
}

void
plan_print(const struct plan *p, const struct scenario *sc, FILE *f)
{
	size_t i;

	fprintf(f, "%-4s %-10s %6s %8s %-8s %4s %7s%s\n", "run", "model", "level", "workers",
	    "cpus", "rep", "clients", sc->n_rates ? "   rate/s" : "");
	for (i = 0; i < p->n; i++) {
		fprintf(f, "%-4zu %-10s %6u %8u %-8s %4u %7u", i + 1, p->run[i].model->name,
		    p->run[i].level, p->run[i].workers, p->run[i].client_cpus[0] ?
		    p->run[i].client_cpus : "all", p->run[i].rep, p->run[i].clients);
		if (sc->n_rates)
			fprintf(f, " %9g", p->run[i].rate);
		fputc('\n', f);
	}
	if (sc->n_rates && sc->max_backlog)
		fprintf(f, "open loop: each run offers its rate (%s arrivals) and stops early, "
		    "unsustained, with more than %lu keys due and not started\n", sc->arrivals,
		    sc->max_backlog);
	else if (sc->n_rates)
		fprintf(f, "open loop: each run offers its rate (%s arrivals) and stops early, "
		    "unsustained, when its backlog passes the run's default\n", sc->arrivals);
	fprintf(f, "%zu runs of %s; ", p->n, sc->name);
	if (sc->duration_s > 0)
		fprintf(f, "each at most %.0f s, so at most %.0f s of runs\n", sc->duration_s,
		    sc->duration_s * (double)p->n);
	else
		fprintf(f, "each runs %s\n", sc->images ? "its images" : "the whole dataset");
	if (sc->latency_auto && !sc->latency_resolved)
		fprintf(f, "latency: auto: %g ms one-way on the local server, 0 elsewhere%s "
		    "(resolved when the bench knows its endpoint)\n", SCENARIO_AUTO_LATENCY_MS,
		    sc->jitter_ms > 0 ? " and no jitter there" : "");
	else
		fprintf(f, "latency: %g ms one-way added\n", sc->latency_ms);
}

/* The source and the outputs' root of sc into p, refused when they overlap. */
static int
places(const struct scenario *sc, struct plan *p, char *err, size_t errlen)
{
	char msg[256];

	if (sc->source[0] != '\0') {
		if (s3url_parse_uri(sc->source, p->src_bucket, sizeof(p->src_bucket),
		    p->src_prefix, sizeof(p->src_prefix), msg, sizeof(msg)) < 0) {
			snprintf(err, errlen, "source: %s", msg);
			return -1;
		}
	} else {
		snprintf(p->src_bucket, sizeof(p->src_bucket), "%s", sc->data_bucket);
		snprintf(p->src_prefix, sizeof(p->src_prefix), "%s", sc->data_prefix[0] ?
		    sc->data_prefix : sc->dataset_dir[0] ? "dir-" : sc->dataset);
	}
	snprintf(p->dst_bucket, sizeof(p->dst_bucket), "%s", sc->out_bucket);
	snprintf(p->dst_prefix, sizeof(p->dst_prefix), "%s", sc->out_prefix[0] ?
	    sc->out_prefix : sc->name);
	return plan_overlap(p->src_bucket, p->src_prefix, p->dst_bucket, p->dst_prefix, 1, err,
	    errlen);
}

int
plan_inside(const char *bucket, const char *prefix, const char *in_bucket,
    const char *in_prefix)
{
	size_t n = strlen(in_prefix);

	if (strcmp(bucket, in_bucket) != 0)
		return 0;
	return n == 0 || (strncmp(prefix, in_prefix, n) == 0 &&
	    (prefix[n] == '\0' || prefix[n] == '/'));
}

int
plan_overlap(const char *src_bucket, const char *src_prefix, const char *dst_bucket,
    const char *dst_prefix, int both_ways, char *err, size_t errlen)
{
	const char *ss = *src_prefix ? "/" : "", *ds = *dst_prefix ? "/" : "";

	if (plan_inside(dst_bucket, dst_prefix, src_bucket, src_prefix)) {
		snprintf(err, errlen, "the outputs s3://%s%s%s are inside the source s3://%s%s%s: "
		    "they would overwrite it or be read as input; choose another bucket or prefix",
		    dst_bucket, ds, dst_prefix, src_bucket, ss, src_prefix);
		return -1;
	}
	if (both_ways && plan_inside(src_bucket, src_prefix, dst_bucket, dst_prefix)) {
		snprintf(err, errlen, "the source s3://%s%s%s is inside the outputs s3://%s%s%s, "
		    "which the bench deletes run by run; choose another bucket or prefix",
		    src_bucket, ss, src_prefix, dst_bucket, ds, dst_prefix);
		return -1;
	}
	return 0;
}

void
plan_argv(const struct plan *p, const struct plan_run *r, const struct scenario *sc,
    const char *exe, const char *run_prefix, const char *trace, size_t images, char **argv,
    size_t max)
{
	static char buf[14][512];
	size_t n = 0, k = 0;

#define A(s) (n + 1 < max ? (void)(argv[n++] = (char *)(s)) : (void)0)
#define F(fmt, ...) (snprintf(buf[k], sizeof(buf[k]), fmt, __VA_ARGS__), A(buf[k++]))
	A(exe), A("run"), A("--model"), A(r->model->name);
	A("--src"), F("s3://%s/%s", p->src_bucket, p->src_prefix);
	A("--dst"), F("s3://%s/%s", p->dst_bucket, run_prefix);
	A("--concurrency"), F("%u", r->level);
	if (r->workers > 0)
		A("--workers"), F("%u", r->workers);
	if (images > 0)
		A("--limit"), F("%zu", images);
	if (sc->duration_s > 0)
		A("--duration"), F("%g", sc->duration_s);
	A("--transform"), A(sc->transform);
	A("--quality"), F("%u", sc->quality);
	A("--thumb-max"), F("%u", sc->thumb_max);
	if (sc->cpu_spin_ms > 0)
		A("--cpu-spin-ms"), F("%g", sc->cpu_spin_ms);
	if (sc->stage[0] != '\0')
		A("--stage"), A(sc->stage);
	if (sc->stage_cmd[0] != '\0')
		A("--stage-cmd"), A(sc->stage_cmd);
	if (sc->global_lock && r->model->uses_global_lock)
		A("--global-lock");
	if (r->rate > 0) {
		A("--rate"), F("%.10g", r->rate);
		A("--arrivals"), A(sc->arrivals);
		if (sc->max_backlog > 0)
			A("--max-backlog"), F("%lu", sc->max_backlog);
	}
	A("--trace"), A(trace), A("--json"), A("--quiet");
#undef F
#undef A
	argv[n] = NULL;
}

const char *
plan_run_name(const struct plan_run *r, char *buf, size_t len)
{
	char tag[64];
	size_t n;

	snprintf(buf, len, "%s-c%u-cpus%s-r%u", r->model->name, r->level,
	    plan_cpus_tag(r, tag, sizeof(tag)), r->rep);
	if (r->clients > 1 && (n = strlen(buf)) < len)	/* a run of several clients */
		snprintf(buf + n, len - n, "-n%u", r->clients);
	if (r->rate > 0 && (n = strlen(buf)) < len)	/* open loop: its offered rate */
		snprintf(buf + n, len - n, "-rate%g", r->rate);
	return buf;
}

const char *
plan_cpus_tag(const struct plan_run *r, char *buf, size_t len)
{
	char *c;

	snprintf(buf, len, "%s", r->client_cpus[0] ? r->client_cpus : "all");
	for (c = buf; (c = strchr(c, ',')) != NULL;)
		*c = '+';
	return buf;
}

const char *
plan_utc_now(char *buf, size_t len)
{
	time_t now = time(NULL);
	struct tm tm;

	gmtime_r(&now, &tm);
	strftime(buf, len, "%Y-%m-%dT%H:%M:%SZ", &tm);
	return buf;
}

json_t *
plan_methodology(void)
{
	return json_pack("{s:s, s:s, s:s, s:s, s:s}",
	    "trim", "images are ordered by the time they finished; the first and last `trim` "
	    "fraction are cut (warm-up and drain); images_per_s is the kept images over the "
	    "window from the last cut image's finish to the last kept one's; latencies are "
	    "those of the kept images that ended ok; nearest-rank percentiles",
	    "cpu_shares", "per process group, from /proc/PID/stat and /proc/PID/task/TID/"
	    "schedstat: cpu_pct is CPU seconds over wall seconds (100 = one core busy); "
	    "on_pct, runq_pct and off_pct split the group's thread time (threads alive x "
	    "interval) into running, waiting for a CPU, and blocked (sleeping on sockets, "
	    "locks, timers); they sum to 100",
	    "iowait", "waits on sockets show as idle, not iowait, in /proc/stat (iowait counts "
	    "block I/O only): the I/O wait of a network-bound client is its off_pct",
	    "littles_ips", "requests in flight / mean (GET + PUT time) of the kept images: "
	    "the rate Little's law allows at the measured request latency",
	    "runs", "each run is its own `exifbench run` process, bound to the client PUs, with "
	    "its destination prefix deleted before and after it");
}

static int
add(struct plan *p, size_t *cap, const struct plan_run *r)
{
	struct plan_run *grown;

	if (p->n == *cap) {
		*cap = *cap ? 2 * *cap : 16;
		if ((grown = realloc(p->run, *cap * sizeof(*grown))) == NULL)
			return -1;
		p->run = grown;
	}
	p->run[p->n++] = *r;
	return 0;
}
