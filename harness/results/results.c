/*
 * results.c: the files of a result folder. See results.h. The summary's columns are
 * summary_cols.h's X-macro, so its header, its rows and its reader cannot drift apart;
 * docs/harness.md describes each. The macros below are the helpers its expressions use.
 */
#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "results.h"
#include "models/core/local.h"
#include "summary_cols.h"

#define G(g) (&row->rr->group[SAMPLER_##g])
/* A group with no process (no shaper, a server that is not local) has no figures: blank. */
#define GF(g, f) (G(g)->max_procs > 0 ? (double)G(g)->f : -1)
#define LAT(k, i) (row->ts->lat_ms[TS_##k][i])
/* A figure of an open-loop run only: blank for a closed-loop one. */
#define OPEN(v) (row->offered_per_s > 0 ? (double)(v) : -1)

/* The wait profile's cells (summary_cols.h): blank (-1, "") without samples. */
#define W (&row->rr->waits)
#define WAITS_SAMPLES() (W->samples > 0 ? (double)W->samples : -1)
#define WAITS_PCT(c) (W->samples > 0 ? 100.0 * W->by_class[WAITCLASS_##c] / W->samples : -1)
#define WAITS_TOP() (top.name)
#define WAITS_TOP_PCT() (W->samples > 0 ? 100.0 * (double)top.samples / W->samples : -1)
#define WAITS_TOP_CLASS() (top.cls)

/* The system call the model's threads were blocked in most, found once per summary row. */
struct wait_top {
	char name[32];		/* "epoll_wait", syscall_<nr>; "" with no samples */
	uint64_t samples;	/* its samples over its wait channels */
	const char *cls;	/* the class of its row with the most samples; "" with none */
};

static void wait_top(const struct waits_totals *t, struct wait_top *top);
static FILE *create(struct results *r, const char *name, char *err, size_t errlen);
static void put_cell_s(FILE *f, const char *s);
static double tv_s(const struct timeval *tv);

int
results_open(struct results *r, const char *root, const char *name, char *err,
    size_t errlen)
{
	char stamp[32], dir[PATH_MAX];
	struct tm tm;
	time_t now;
	int tries;

	memset(r, 0, sizeof(*r));
	snprintf(dir, sizeof(dir), "%s/x", root);	/* the root and its parents: mkdir -p */
	if (local_mkdirs(dir) < 0) {
		snprintf(err, errlen, "cannot create results folder '%s': %s", root,
		    strerror(errno));
		return -1;
	}
	/* A bench of the same name began this second: wait for the next one (names sort by time). */
	for (tries = 0;; tries++) {
		now = time(NULL);
		gmtime_r(&now, &tm);
		strftime(stamp, sizeof(stamp), "%Y%m%dT%H%M%SZ", &tm);
		snprintf(dir, sizeof(dir), "%s/%s-%s", root, stamp, name);
		if (mkdir(dir, 0777) == 0)
			break;
		if (errno != EEXIST || tries == 3) {
			snprintf(err, errlen, "cannot create '%s': %s", dir, strerror(errno));
			return -1;
		}
		while (time(NULL) == now)
			usleep(50000);
	}
	return results_open_dir(r, dir, err, errlen);
}

int
results_empty_dir(const char *dir, char *err, size_t errlen)
{
	struct dirent *de;
	struct stat st;
	DIR *d;

	if (dir == NULL) {
		snprintf(err, errlen, "results_empty_dir: NULL argument");
		return -1;
	}
	if (stat(dir, &st) < 0)
		return errno == ENOENT ? 0 : (snprintf(err, errlen, "'%s': %s", dir,
		    strerror(errno)), -1);
	if (!S_ISDIR(st.st_mode)) {
		snprintf(err, errlen, "'%s' is not a folder", dir);
		return -1;
	}
	if ((d = opendir(dir)) == NULL) {
		snprintf(err, errlen, "'%s': %s", dir, strerror(errno));
		return -1;
	}
	while ((de = readdir(d)) != NULL && (strcmp(de->d_name, ".") == 0 ||
	    strcmp(de->d_name, "..") == 0))
		;
	closedir(d);
	if (de != NULL) {
		snprintf(err, errlen, "'%s' is not empty (a result folder goes into a new or "
		    "empty folder)", dir);
		return -1;
	}
	return 0;
}

int
results_open_dir(struct results *r, const char *dir, char *err, size_t errlen)
{
	json_t *meta;
	int rv;

	if (r == NULL) {
		snprintf(err, errlen, "results_open_dir: NULL argument");
		return -1;
	}
	memset(r, 0, sizeof(*r));
	if (results_empty_dir(dir, err, errlen) < 0)
		return -1;
	if (snprintf(r->dir, sizeof(r->dir), "%s", dir) >= (int)sizeof(r->dir) ||
	    (mkdir(r->dir, 0777) < 0 && errno != EEXIST)) {
		snprintf(err, errlen, "cannot create '%s': %s", dir, strerror(errno));
		return -1;
	}
	meta = json_pack("{s:s}", "status", "running");
	rv = results_meta(r, meta, err, errlen);
	json_decref(meta);
	if (rv < 0 || (r->summary = create(r, "summary.csv", err, errlen)) == NULL ||
	    (r->samples = create(r, "samples.csv", err, errlen)) == NULL ||
	    (r->trace = create(r, "trace.csv", err, errlen)) == NULL ||
	    (r->waits = create(r, "waits.csv", err, errlen)) == NULL) {
		results_close(r);
		return -1;
	}
	{
		char logs[PATH_MAX + 8];

		snprintf(logs, sizeof(logs), "%s/logs", r->dir);
		mkdir(logs, 0777);
	}
#define X(name, kind, expr) fprintf(r->summary, "%s%s", sep, #name), sep = ",";
	{
		const char *sep = "";

		SUMMARY_COLUMNS(X)
	}
#undef X
	fputc('\n', r->summary);
	sampler_csv_header(r->samples, RESULTS_LABEL_HEADER);
	results_waits_header(r->waits);
	return 0;
}

int
results_meta(struct results *r, json_t *meta, char *err, size_t errlen)
{
	char tmp[PATH_MAX + 16], path[PATH_MAX + 16];

	snprintf(tmp, sizeof(tmp), "%s/.meta.json.tmp", r->dir);
	snprintf(path, sizeof(path), "%s/meta.json", r->dir);
	if (json_dump_file(meta, tmp, JSON_INDENT(2) | JSON_SORT_KEYS) < 0 ||
	    rename(tmp, path) < 0) {
		snprintf(err, errlen, "cannot write '%s'", path);
		unlink(tmp);
		return -1;
	}
	return 0;
}

void
results_row(struct results *r, const struct result_row *row)
{
	struct wait_top top;
	const char *sep = "";
	double d;

	wait_top(W, &top);

#define PUT_I(v) fprintf(r->summary, "%s%lld", sep, (long long)(v))
#define PUT_F(v) (d = (v), d < 0 ? (void)fputs(sep, r->summary) : \
	(void)fprintf(r->summary, "%s%.3f", sep, d))
#define PUT_U(v) (d = (v), d < 0 ? (void)fputs(sep, r->summary) : \
	(void)fprintf(r->summary, "%s%.6f", sep, d))
#define PUT_S(v) (fputs(sep, r->summary), put_cell_s(r->summary, (v)))
#define PUT_N(v) (d = (v), d < 0 ? (void)fputs(sep, r->summary) : \
	(void)fprintf(r->summary, "%s%.0f", sep, d))
#define X(name, kind, expr) PUT_##kind(expr), sep = ",";
	SUMMARY_COLUMNS(X)
#undef X
	fputc('\n', r->summary);
	fflush(r->summary);
	fflush(r->samples);
	fflush(r->trace);
}

/* top of t: its call seen most, that call's samples and the class of its main row. */
static void
wait_top(const struct waits_totals *t, struct wait_top *top)
{
	const struct waits_row *best = NULL;
	char buf[32];
	long nr;
	size_t i;

	top->name[0] = '\0', top->samples = 0, top->cls = "";
	if (t->samples == 0 || (nr = waits_top_syscall(t, &top->samples)) == -2)
		return;
	snprintf(top->name, sizeof(top->name), "%s", waitclass_syscall_text(nr, buf, sizeof(buf)));
	for (i = 0; i < t->nrows; i++)
		if (!t->rows[i].helper && t->rows[i].nr == nr &&
		    (best == NULL || t->rows[i].samples > best->samples))
			best = &t->rows[i];
	top->cls = best != NULL ? waitclass_name(best->cls) : "";
}

const char *
results_label(char *buf, size_t len, const char *model, unsigned level, const char *cpus_tag,
    unsigned rep, unsigned clients, double rate)
{
	snprintf(buf, len, "%s,%u,%s,%u,%u,%.10g", model, level, cpus_tag, rep,
	    clients ? clients : 1, rate > 0 ? rate : 0);
	return buf;
}

int
results_close(struct results *r)
{
	FILE **f[] = { &r->summary, &r->samples, &r->trace, &r->waits };
	size_t i;
	int rv = 0;

	for (i = 0; i < sizeof(f) / sizeof(f[0]); i++)
		if (*f[i] != NULL) {
			int bad = ferror(*f[i]);

			if (fclose(*f[i]) != 0 || bad)
				rv = -1;
			*f[i] = NULL;
		}
	return rv;
}

static FILE *
create(struct results *r, const char *name, char *err, size_t errlen)
{
	char path[PATH_MAX + 32];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", r->dir, name);
	if ((f = fopen(path, "we")) == NULL)	/* close-on-exec: runs must not hold them */
		snprintf(err, errlen, "cannot write '%s': %s", path, strerror(errno));
	return f;
}

/* A CSV cell, quoted per RFC 4180 when it holds a comma, quote or newline. */
static void
put_cell_s(FILE *f, const char *s)
{
	if (strpbrk(s, ",\"\n\r") == NULL) {
		fputs(s, f);
		return;
	}
	fputc('"', f);
	for (; *s != '\0'; s++) {
		if (*s == '"')
			fputc('"', f);
		fputc(*s, f);
	}
	fputc('"', f);
}

static double
tv_s(const struct timeval *tv)
{
	return (double)tv->tv_sec + (double)tv->tv_usec / 1e6;
}
