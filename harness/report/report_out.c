/*
 * report_out.c: the report writers' output helpers. See report_out.h. report.md is written
 * to report.md.tmp and renamed once complete, so a reader never sees half a report.
 */
#include "report_out.h"

#include <errno.h>
#include <math.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

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
	char file[256], path[PATH_MAX];
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
