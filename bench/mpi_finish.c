/*
 * mpi_finish.c: rank 0's end of a multi-client run: the merged folder or why none could be,
 * and the summary. See mpi_finish.h.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "cli.h"
#include "mpi_finish.h"
#include "harness/mpi/merge.h"

static void print_errors(const struct rank_info *all, unsigned n);

int
mpi_running_meta(struct results *res, unsigned ranks, char *err, size_t errlen)
{
	json_t *meta = json_pack("{s:s, s:s, s:{s:i}}", "status", "running", "command", "run",
	    "clients", "ranks", (int)ranks);
	int rv = results_meta(res, meta, err, errlen);

	json_decref(meta);
	return rv;
}

int
mpi_finish(const struct run_args *a, const char *dir, struct results *res,
    struct rank_info *all, unsigned n, double clock_s, double gather_s, int json)
{
	int rv = 0;
	struct merge_client *c = calloc(n, sizeof(*c));
	struct merge_totals t;
	char path[PATH_MAX + 64], err[512];
	double bmax = 0;
	json_t *meta, *coord, *hosts;
	unsigned i;

	if (!all[0].ok || c == NULL) {
		print_errors(all, n);
		if (all[0].error[0] == '\0' || strncmp(all[0].error, "--results", 9) != 0) {
			for (i = 0; i < n && all[i].error[0] == '\0'; i++)
				;
			meta = json_pack("{s:s, s:s, s:{s:i}, s:s}", "status", "failed", "command",
			    "run", "clients", "ranks", (int)n, "error", i < n ? all[i].error :
			    "out of memory");
			results_meta(res, meta, err, sizeof(err));
			json_decref(meta);
			results_close(res);
		}
		free(c);
		return EXIT_SETUP;
	}
	snprintf(path, sizeof(path), "%s/ranks/rank-000/meta.json", dir);
	if ((meta = json_load_file(path, 0, NULL)) == NULL)
		meta = json_object();
	hosts = json_array();
	for (i = 0; i < n; i++) {
		c[i].rank = i;
		snprintf(c[i].host, sizeof(c[i].host), "%s", all[i].host);
		snprintf(c[i].trace, sizeof(c[i].trace), "%s/ranks/rank-%03u/logs/run.trace.csv",
		    dir, i);
		c[i].start_ns = all[i].start_ns - all[i].offset_ns;
		c[i].barrier_ns = all[i].barrier_ns - all[i].offset_ns;
		c[i].offset_ms = all[i].offset_ns / 1e6, c[i].rtt_ms = all[i].rtt_ns / 1e6;
		c[i].exit_code = all[i].exit_code, c[i].signal = all[i].signal;
		c[i].cpu_s = all[i].cpu_s, c[i].max_rss_kib = (long)all[i].max_rss_kib;
		c[i].recovered = all[i].recovered;
		bmax = all[i].barrier_s > bmax ? all[i].barrier_s : bmax;
		json_array_append_new(hosts, json_string(all[i].host));
		if (all[i].error[0] != '\0')
			fprintf(stderr, "exifbench: mpi: rank %u (%s): %s\n", i, all[i].host,
			    all[i].error);
	}
	coord = json_pack("{s:i, s:o, s:s, s:s, s:f, s:f, s:f}", "ranks", (int)n, "hosts", hosts,
	    "split", "hash: a key is rank FNV-1a(key) mod ranks' (run --shard)", "clock",
	    "each host's CLOCK_REALTIME less its offset to rank 0's, measured over MPI (the "
	    "least round trip of 8)", "clock_s", clock_s, "barrier_max_ms", bmax * 1e3,
	    "gather_s", gather_s);
	if (merge_write(res, a->model, &a->opts, c, n, meta, coord, &t, err, sizeof(err)) < 0) {
		fprintf(stderr, "exifbench: mpi: merging into %s: %s\n", dir, err);
		rv = EXIT_SETUP;
	} else {
		rv = strcmp(t.status, "partial") == 0 ? 130 : t.failed > 0 ? EXIT_ITEMS : 0;
		for (i = 0; i < n; i++)
			if (all[i].exit_code > 1 && all[i].exit_code != 130 && all[i].signal == 0)
				rv = all[i].exit_code;
	}
	if (results_close(res) < 0 && rv == 0)
		rv = EXIT_SETUP;
	if (json) {
		json_t *o = json_pack("{s:s, s:i, s:I, s:I, s:I, s:f, s:f, s:f, s:s,"
		    " s:s, s:i}", "model", a->model->name, "clients", (int)n, "listed",
		    (json_int_t)t.listed, "ok", (json_int_t)t.ok, "failed", (json_int_t)t.failed,
		    "images_per_s", t.images_per_s, "window_s", t.window_s, "wall_s", t.wall_s,
		    "status", t.status != NULL ? t.status : "failed", "results", dir, "exit_code",
		    rv);

		cli_print_json(o);
	} else if (t.status != NULL) {
		char rate[96];

		if (t.images_per_s >= 0)
			snprintf(rate, sizeof(rate), "%.1f images/s over the %.2f s all ran",
			    t.images_per_s, t.window_s);
		else
			snprintf(rate, sizeof(rate), "no rate: no time in which all %u ran (a client "
			    "ended before the last started)", n);
		printf("%s: %u clients: %llu images: %llu ok, %llu failed; %s (%.2f s in all); "
		    "barrier %.2f ms, gather %.3f s; %s\n", a->model->name, n,
		    (unsigned long long)t.listed, (unsigned long long)t.ok,
		    (unsigned long long)t.failed, rate, t.wall_s, bmax * 1e3, gather_s, dir);
	}
	json_decref(meta);
	json_decref(coord);
	free(c);
	return rv;
}

static void
print_errors(const struct rank_info *all, unsigned n)
{
	unsigned i;

	for (i = 0; i < n; i++)
		if (all[i].error[0] != '\0')
			fprintf(stderr, "exifbench: mpi: rank %u (%s) could not start: %s\n", i,
			    all[i].host, all[i].error);
	fprintf(stderr, "exifbench: mpi: no client ran (every client waits for all)\n");
}

