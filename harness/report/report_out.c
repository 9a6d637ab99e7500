/*
 * report_out.c: the report writers' output helpers. See report_out.h. report.md is written
 * to report.md.tmp and renamed once complete, so a reader never sees half a report. The
 * figures' settings captions are built here from meta.json, so every figure of a scenario
 * carries the same line.
 */
#include "report_out.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static const struct report_scenario *scenario_of(const struct report_out *o,
    const char *label);
static size_t cat(char *buf, size_t len, size_t off, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

int
report_out_open(struct report_out *o, const char *dir, int plots, char *err, size_t errlen)
{
	char path[PATH_MAX];

	memset(o, 0, sizeof(*o));
	snprintf(o->dir, sizeof(o->dir), "%s", dir);
	o->plots = plots;
	snprintf(path, sizeof(path), "%s/report.md.tmp", dir);
	if ((o->md = fopen(path, "w")) == NULL) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	if ((o->js = json_object()) == NULL) {
		fclose(o->md);
		unlink(path);
		snprintf(err, errlen, "%s: out of memory", path);
		return -1;
	}
	return 0;
}

int
report_out_close(struct report_out *o, char *err, size_t errlen)
{
	char tmp[PATH_MAX], path[PATH_MAX];
	int bad = ferror(o->md);

	snprintf(tmp, sizeof(tmp), "%s/report.md.tmp", o->dir);
	snprintf(path, sizeof(path), "%s/report.json", o->dir);
	bad |= fclose(o->md) != 0;
	if (!bad && json_dump_file(o->js, path, JSON_INDENT(2) | JSON_SORT_KEYS) < 0) {
		snprintf(err, errlen, "%s: cannot write", path);
		bad = 2;
	}
	json_decref(o->js);
	snprintf(path, sizeof(path), "%s/report.md", o->dir);
	if (bad == 1)
		snprintf(err, errlen, "%s: write error", tmp);
	else if (!bad && rename(tmp, path) < 0) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		bad = 1;
	}
	if (bad)
		unlink(tmp);
	return bad ? -1 : 0;
}

void
report_out_section(struct report_out *o, const char *title)
{
	fprintf(o->md, "\n## %s\n\n", title);
}

void
report_out_plot(struct report_out *o, const char *name, const char *scenario,
    const char *model, const char *caption)
{
	char file[256], path[PATH_MAX], line[320];
	const struct report_scenario *s;
	struct stat st;

	if (!o->plots)
		return;
	snprintf(file, sizeof(file), "%s-%s%s%s", name, scenario, model ? "-" : "",
	    model ? model : "");
	snprintf(path, sizeof(path), "%s/plots/%s.png", o->dir, file);
	if (stat(path, &st) < 0)
		return;
	fprintf(o->md, "\n![%s: %s%s%s](plots/%s.png)\n*%s: %s%s%s* ([SVG](plots/%s.svg))\n",
	    scenario, model ? model : "", model ? ", " : "", caption, file, scenario,
	    model ? model : "", model ? ", " : "", caption, file);
	if ((s = scenario_of(o, scenario)) != NULL)
		fprintf(o->md, "\n<sub>%s</sub>\n", report_caption(s, line, sizeof(line)));
}

/* The scenario labelled label in o->rep, or NULL. */
static const struct report_scenario *
scenario_of(const struct report_out *o, const char *label)
{
	size_t i;

	for (i = 0; o->rep != NULL && i < o->rep->n; i++)
		if (strcmp(o->rep->sc[i].label, label) == 0)
			return &o->rep->sc[i];
	return NULL;
}

const char *
report_caption(const struct report_scenario *s, char *buf, size_t len)
{
	const struct rs_scenario *rs = s->rs;
	json_t *lv = rs_meta(rs, "scenario.concurrency"), *v, *cpus;
	double lat = rs_meta_num(rs, "scenario.latency_ms"), spin;
	double jit = rs_meta_num(rs, "scenario.jitter_ms"), dur, images, rep, trim;
	const char *tf = rs_meta_str(rs, "scenario.transform");
	size_t off = 0, i;

	spin = rs_meta_num(rs, "scenario.cpu_spin_ms");
	dur = rs_meta_num(rs, "scenario.duration");
	images = rs_meta_num(rs, "scenario.images");
	rep = rs_meta_num(rs, "scenario.repeat");
	trim = rs_meta_num(rs, "scenario.trim");
	off += cat(buf, len, off, "settings: %s", isfinite(lat) ? "" : "latency not recorded");
	if (isfinite(lat))
		off += cat(buf, len, off, "%g ms one-way", lat);
	off += cat(buf, len, off, jit > 0 ? ", jitter %g ms (%s)" : ", no jitter", jit,
	    rs_meta_str(rs, "scenario.jitter"));
	if (spin > 0 || (*tf && strcmp(tf, "none") != 0))
		off += cat(buf, len, off, ", CPU stage %s%s%g ms spin", *tf && strcmp(tf,
		    "none") != 0 ? tf : "", *tf && strcmp(tf, "none") != 0 ? " + " : "",
		    spin > 0 ? spin : 0);
	else
		off += cat(buf, len, off, ", CPU stage EXIF only");
	off += cat(buf, len, off, ", dataset %s", *rs_meta_str(rs, "dataset.profile") ?
	    rs_meta_str(rs, "dataset.profile") : *rs_meta_str(rs, "scenario.dataset") ?
	    rs_meta_str(rs, "scenario.dataset") : "not recorded");
	if (json_array_size(lv) > 0) {
		off += cat(buf, len, off, ", levels ");
		json_array_foreach(lv, i, v)
			off += cat(buf, len, off, "%s%g", i ? ", " : "", json_number_value(v));
	}
	if (rs_meta_num(rs, "scenario.bandwidth_mbit") > 0)
		off += cat(buf, len, off, ", %g Mbit/s each way", rs_meta_num(rs,
		    "scenario.bandwidth_mbit"));
	cpus = rs_meta(rs, "scenario.client_cpus");
	if (json_array_size(cpus) > 1 || (json_array_size(cpus) == 1 &&
	    strcmp(json_string_value(json_array_get(cpus, 0)) ?: "all", "all") != 0)) {
		off += cat(buf, len, off, ", client on PUs ");
		json_array_foreach(cpus, i, v)
			off += cat(buf, len, off, "%s%s", i ? " then " : "",
			    json_string_value(v) ?: "?");
	}
	if (dur > 0)
		off += cat(buf, len, off, ", %g s a run", dur);
	else if (images > 0)
		off += cat(buf, len, off, ", %g images a run", images);
	if (trim >= 0)
		off += cat(buf, len, off, ", trim %g%%", 100 * trim);
	if (rep > 0)
		off += cat(buf, len, off, ", %g repeat%s", rep, rep == 1 ? "" : "s");
	return buf;
}

/* snprintf at buf + off, returning what it added (0 once buf is full). */
static size_t
cat(char *buf, size_t len, size_t off, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (off + 1 >= len)
		return 0;
	va_start(ap, fmt);
	n = vsnprintf(buf + off, len - off, fmt, ap);
	va_end(ap);
	if (n < 0)
		return 0;
	return (size_t)n < len - off ? (size_t)n : len - off - 1;
}

const char *
report_count(struct report_out *o, double v)
{
	char *b = o->num[o->next++ % 16], d[40];
	size_t n, i, k = 0;

	if (!isfinite(v) || v < 0 || v >= 1e30)
		return "-";
	n = (size_t)snprintf(d, sizeof(d), "%.0f", v);
	for (i = 0; i < n && k + 2 < sizeof(o->num[0]); i++) {
		if (i > 0 && (n - i) % 3 == 0)
			b[k++] = ',';
		b[k++] = d[i];
	}
	b[k] = '\0';
	return b;
}

const char *
report_num(struct report_out *o, double v, int prec)
{
	char *b = o->num[o->next++ % 16];

	if (!isfinite(v) || v < 0)
		return "-";
	if (prec < 0)	/* auto: two significant digits below 10, whole numbers above */
		prec = v < 1 ? 2 : v < 10 ? 1 : 0;
	snprintf(b, sizeof(o->num[0]), "%.*f", prec, v);
	return b;
}

json_t *
report_jnum(double v)
{
	return isfinite(v) && v >= 0 ? json_real(v) : json_null();
}

json_t *
report_run_json(const struct rs_run *r)
{
	return json_pack("{s:s,s:i,s:s,s:i,s:o,s:o,s:o,s:o,s:o,s:o,s:o}", "model", r->model,
	    "level", (int)r->level, "client_cpus", r->client_cpus, "client_pus",
	    (int)r->client_pus, "images_per_s", report_jnum(r->v[RS_images_per_s]),
	    "e2e_p50_ms", report_jnum(r->v[RS_e2e_p50_ms]), "e2e_p99_ms",
	    report_jnum(r->v[RS_e2e_p99_ms]), "client_on_pct", report_jnum(r->v[RS_model_on_pct]),
	    "client_off_pct", report_jnum(r->v[RS_model_off_pct]), "server_cpu_pct",
	    report_jnum(r->v[RS_server_cpu_pct]), "errors", report_jnum(r->v[RS_errors]));
}
