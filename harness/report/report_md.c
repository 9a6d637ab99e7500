/*
 * report_md.c: writes the report (report.md for people, report.json for programs) from a
 * built struct report. Both are written in one pass, section by section, so a figure in the
 * text and in the JSON is the same number. The sections follow the questions a reader asks:
 * how fast is each model, where does one image's time go, is the work I/O- or CPU-bound,
 * how close is each run to what its costs allow, how does each model scale and where should
 * it run, does a bigger machine help, what does that mean for a fleet, and what could skew it;
 * the summary also says what dataset each scenario ran on, and over what network (the latency
 * added, the endpoint's measured round trip: report_net.c); a run spread over several
 * endpoints gets a per-endpoint table after the breakdown (report_endpoints.c); a rate sweep
 * gets the open-loop section after the scaling (report_rates.c). The settings section, the
 * summary table and the CPU breakdown are report_summary.c's, the verdicts, bounds and
 * scaling report_verdicts.c's; every figure carries its scenario's settings in one line
 * (report_caption, report_out.c).
 * Capacity planning, what-ifs and the skew list are in report_plan.c.
 */
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "report.h"
#include "report_out.h"
#include "harness/engine/versions.h"

static void header(struct report_out *o, const struct report *rep);
static void not_recorded(struct report_out *o, const struct report *rep);
static void summary(struct report_out *o, const struct report *rep);
static void datasets(struct report_out *o, const struct report *rep);
static const char *bytes(char *buf, size_t len, json_t *v);
static void breakdown(struct report_out *o, const struct report *rep);

int
report_write(const struct report *rep, const char *dir, int plots, char *err, size_t errlen)
{
	struct report_out o;
	int rv;

	if (report_out_open(&o, dir, plots, err, errlen) < 0)
		return -1;
	o.rep = rep;
	header(&o, rep);
	report_settings(&o, rep);
	summary(&o, rep);
	breakdown(&o, rep);
	report_endpoints(&o, rep);
	report_verdicts(&o, rep);
	report_cpu_shares(&o, rep);
	report_waits(&o, rep);
	report_profile(&o, rep);
	report_bounds(&o, rep);
	report_scaling(&o, rep);
	report_rates(&o, rep);
	report_plan_hardware(&o, rep);
	report_plan_capacity(&o, rep);
	report_plan_skews(&o, rep);
	rv = report_out_close(&o, err, errlen);
	return rv;
}

static void
header(struct report_out *o, const struct report *rep)
{
	const struct rs_scenario *s0 = rep->n > 0 ? rep->sc[0].rs : NULL;
	size_t i;

	fprintf(o->md, "# exifbench report\n\n");
	fprintf(o->md, "Written by exifbench %s from `%s`: %zu scenario%s (", EXIFBENCH_VERSION,
	    rep->dir, rep->n, rep->n == 1 ? "" : "s");
	for (i = 0; i < rep->n; i++)
		fprintf(o->md, "%s`%s`", i ? ", " : "", rep->sc[i].label);
	fprintf(o->md, ").\n");
	if (s0 != NULL) {
		fprintf(o->md, "Measured on %s, %.0f PUs (%.0f cores), Linux %s, exifbench commit "
		    "%s; S3 endpoint %s (%s); dataset `%s`. First run started %s.\n",
		    rs_meta_str(s0, "machine.cpu_model"), rs_meta_num(s0, "machine.pus"),
		    rs_meta_num(s0, "machine.cores"), rs_meta_str(s0, "machine.os.release"),
		    rs_meta_str(s0, "versions.git_commit"), rs_meta_str(s0, "endpoint"),
		    rs_meta_num(s0, "server.local") == 1 ? "the local server, on this machine" :
		    rs_meta_num(s0, "server.sampled") == 0 ? "not sampled: no sampler ran" :
		    "not a local server: its CPU is not sampled",
		    *rs_meta_str(s0, "dataset.profile") ? rs_meta_str(s0, "dataset.profile") :
		    rs_meta_str(s0, "dataset.source"), rs_meta_str(s0, "started_utc"));
		json_object_set_new(o->js, "machine", json_deep_copy(json_object_get(s0->meta,
		    "machine")));
	}
	fprintf(o->md, "\nEvery number below is computed from the folders' summary.csv, "
	    "trace.csv and samples.csv; how each is measured, and its limits, is in "
	    "docs/methodology.md. A figure marked *prediction* is not measured.\n");
	not_recorded(o, rep);
	if (!o->plots)
		fprintf(o->md, "\n**The figures were not drawn** (`--no-plots`, or gnuplot "
		    "failed: see plots/gnuplot.log); the tables are complete.\n");
	json_object_set_new(o->js, "generated_by", json_string("exifbench " EXIFBENCH_VERSION));
	json_object_set_new(o->js, "results", json_string(rep->dir));
}

/*
 * What a folder says it lacks (meta.json's not_recorded: a single `exifbench run` has no
 * sampler), a paragraph per such scenario; its figures print as "-". report.json: the same.
 */
static void
not_recorded(struct report_out *o, const struct report *rep)
{
	json_t *all = json_object(), *nr;
	size_t i, k;

	for (i = 0; i < rep->n; i++) {
		nr = rs_meta(rep->sc[i].rs, "not_recorded");
		if (json_array_size(nr) == 0)
			continue;
		fprintf(o->md, "\n**Not recorded** in `%s` (%s): ", rep->sc[i].label,
		    strcmp(rs_meta_str(rep->sc[i].rs, "command"), "run") == 0 ?
		    "a single `exifbench run`: no sampler" : "its meta.json says");
		for (k = 0; k < json_array_size(nr); k++)
			fprintf(o->md, "%s%s", k ? "; " : "",
			    json_string_value(json_array_get(nr, k)) ?: "?");
		fprintf(o->md, ". The tables show '-' for those figures.\n");
		json_object_set(all, rep->sc[i].label, nr);
	}
	json_object_set_new(o->js, "not_recorded", all);
}

/* The summary table (report_summary.c), then what the scenarios ran on and over. */
static void
summary(struct report_out *o, const struct report *rep)
{
	size_t i;

	report_summary(o, rep);
	datasets(o, rep);
	report_net(o, rep);
	report_hosts(o, rep);
	for (i = 0; i < rep->n; i++) {
		report_out_plot(o, "throughput", rep->sc[i].label, NULL,
		    "images/s per model at its best level");
		report_out_plot(o, "latency", rep->sc[i].label, NULL,
		    "end-to-end latency, cumulative");
	}
}

/* A size in bytes as people read it: "812 B", "21.4 KB", "2.00 MB", "38.5 MB", "1.20 GB" (SI). */
static const char *
bytes(char *buf, size_t len, json_t *v)
{
	double b = json_number_value(v), m = b >= 1e9 ? b / 1e9 : b / 1e6;

	if (b < 1e3)
		snprintf(buf, len, "%.0f B", b);
	else if (b < 1e6)
		snprintf(buf, len, "%.1f KB", b / 1e3);
	else
		snprintf(buf, len, "%.*f %s", m < 10 ? 2 : 1, m, b >= 1e9 ? "GB" : "MB");
	return buf;
}

/* What each scenario ran on: a line per scenario (rs_dataset.h), and report.json's datasets. */
static void
datasets(struct report_out *o, const struct report *rep)
{
	const struct report_scenario *s;
	json_t *arr = json_array(), *d, *share;
	char b[4][32];
	const char *name;
	size_t i, n = 0;

	for (i = 0; i < rep->n; i++) {
		s = &rep->sc[i];
		if ((d = s->dataset) == NULL)
			continue;
		name = *rs_meta_str(s->rs, "dataset.source") ? rs_meta_str(s->rs, "dataset.source") :
		    *rs_meta_str(s->rs, "dataset.folder") ? rs_meta_str(s->rs, "dataset.folder") :
		    rs_meta_str(s->rs, "dataset.profile");
		share = json_object_get(d, "exif_share");
		if (n++ == 0)
			fprintf(o->md, "\nThe datasets the scenarios ran on:\n\n");
		fprintf(o->md, "- `%s`: `%s`", s->label, name);
		if (*rs_meta_str(s->rs, "dataset.folder"))
			fprintf(o->md, " (the folder `%s`, loaded as `%s`)",
			    rs_meta_str(s->rs, "dataset.path"), rs_meta_str(s->rs, "dataset.uri"));
		fprintf(o->md, ", %s images, %s in all; size p50 %s, p99 %s, max %s; ",
		    report_count(o, json_number_value(json_object_get(d, "images"))),
		    bytes(b[0], sizeof(b[0]), json_object_get(d, "bytes")),
		    bytes(b[1], sizeof(b[1]), json_object_get(d, "size_p50")),
		    bytes(b[2], sizeof(b[2]), json_object_get(d, "size_p99")),
		    bytes(b[3], sizeof(b[3]), json_object_get(d, "size_max")));
		if (json_is_number(share))
			fprintf(o->md, "%s%% with EXIF (%s of %s known)", report_num(o,
			    100 * json_number_value(share), 0), report_num(o, json_number_value(
			    json_object_get(d, "with_exif")), 0), report_num(o, json_number_value(
			    json_object_get(d, "exif_known")), 0));
		else
			fprintf(o->md, "EXIF not known");
		fprintf(o->md, " (from the %s).\n", json_string_value(json_object_get(d, "from")) ?:
		    "folder");
		d = json_deep_copy(d);
		json_object_set_new(d, "scenario", json_string(s->label));
		json_object_set_new(d, "dataset", json_string(name));
		if (*rs_meta_str(s->rs, "dataset.folder")) {
			json_object_set_new(d, "folder", json_string(rs_meta_str(s->rs,
			    "dataset.path")));
			json_object_set_new(d, "index", json_string(rs_meta_str(s->rs,
			    "dataset.index")));
		}
		json_array_append_new(arr, d);
	}
	json_object_set_new(o->js, "datasets", arr);
}

static void
breakdown(struct report_out *o, const struct report *rep)
{
	static const char *const stage[3] = { "download (GET)", "process", "upload (PUT)" };
	const struct report_scenario *s;
	const struct rs_run *r;
	json_t *arr = json_array(), *j, *st;
	double wall, cpu, tw = 0, tc = 0;
	size_t i;
	int k;

	report_out_section(o, "Where one image's time goes (sequential)");
	fprintf(o->md, "The measured counterpart of the published analysis's bar (800 ms "
	    "download, 120 ms EXIF, 400 ms upload, the CPU working about 10%% of the time): the "
	    "mean wall time and on-CPU time of each stage of the sequential model, one image at "
	    "a time. Waiting is wall minus on-CPU: the network, the server, the run queue.\n");
	for (i = 0; i < rep->n; i++) {
		s = &rep->sc[i], r = s->seq;
		if (r == NULL)
			continue;
		fprintf(o->md, "\n**%s** (%s at %u in flight, %s images/s):\n\n", s->label,
		    r->model, r->level, report_num(o, r->v[RS_images_per_s], 2));
		fprintf(o->md, "| stage | wall ms | on-CPU ms | waiting ms |\n|---|--:|--:|--:|\n");
		j = json_object(), st = json_array();
		tw = tc = 0;
		for (k = 0; k < 3; k++) {
			wall = r->tr.stage_ms[k], cpu = r->tr.stage_cpu_ms[k];
			tw += wall, tc += cpu >= 0 ? cpu : NAN;	/* a stage unknown: the sum too */
			fprintf(o->md, "| %s | %s | ", stage[k], report_num(o, wall, 2));
			fprintf(o->md, "%s | ", report_num(o, cpu, 3));
			fprintf(o->md, "%s |\n", report_num(o, cpu >= 0 ? wall - cpu : NAN, 2));
			json_array_append_new(st, json_pack("{s:s,s:o,s:o}", "stage", stage[k],
			    "wall_ms", report_jnum(wall), "cpu_ms", report_jnum(cpu)));
		}
		fprintf(o->md, "| **one image** | %s | ", report_num(o, tw, 2));
		fprintf(o->md, "%s | ", report_num(o, tc, 3));
		fprintf(o->md, "%s |\n\n", report_num(o, tw - tc, 2));
		if (isnan(tc))
			fprintf(o->md, "(%s's transfers share one thread, so their CPU is not "
			    "told apart per image: '-'.)\n\n", r->model);
		fprintf(o->md, "Over the whole run the client process was on a CPU %s%% of the "
		    "time (its CPU seconds over wall seconds) and waiting the rest",
		    report_num(o, r->v[RS_model_cpu_pct], 1));
		fprintf(o->md, "; the server used %s%% of a core.\n",
		    report_num(o, r->v[RS_server_cpu_pct], 1));
		json_object_set_new(j, "scenario", json_string(s->label));
		json_object_set_new(j, "stages", st);
		json_object_set_new(j, "cpu_pct", report_jnum(r->v[RS_model_cpu_pct]));
		json_array_append_new(arr, j);
		report_out_plot(o, "gantt", s->label, "sequential",
		    "sequential timeline: one image at a time");
	}
	json_object_set_new(o->js, "sequential_breakdown", arr);
}
