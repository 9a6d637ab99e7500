/*
 * bench_profile.c: perf on bench's runs. See bench_profile.h.
 *
 * perf is attached while the run's process waits before its exec (the runner's before_exec
 * hook), not once it has started: attached to a process already running, perf's own CPU on
 * a forkpool run at 16 in flight was 0.47 to 1.18 s against 0.10 to 0.11 s attached before
 * the exec (three runs each, 3 s each, the same perf options), and the run's throughput fell
 * with it. The wait (perf's start, 0.1 to 0.3 s here) is before the run exists, outside
 * everything it measures.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "bench_profile.h"
#include "harness/profile/profile.h"

static struct {
	int armed;
	char file[128];
	struct profile_run run;
} cur;

static void before_exec(pid_t pid, void *arg);

void
bench_profile_arm(struct bench *b, const struct plan_run *pr, struct runner_spec *spec)
{
	memset(&cur.run, 0, sizeof(cur.run));
	cur.armed = 0;
	if (!b->sc.cpu_profile)
		return;
	cur.armed = 1;
	plan_run_name(pr, cur.file, sizeof(cur.file));
	if (pr->clients > 1) {
		snprintf(cur.run.why, sizeof(cur.run.why), "not profiled: a run of %u clients "
		    "(profiles are of one client's runs)", pr->clients);
		return;
	}
	snprintf(cur.run.why, sizeof(cur.run.why), "not profiled: the run did not start");
	spec->before_exec = before_exec;
}

/* The runner's hook: perf on the run's process, which waits before its exec meanwhile. */
static void
before_exec(pid_t pid, void *arg)
{
	struct bench *b = arg;

	profile_start(&cur.run, pid, b->res.dir, cur.file);
}

void
bench_profile_done(struct bench *b, const struct plan_run *pr, const char *label,
    const struct runner_result *rr)
{
	char path[PATH_MAX + 32], title[256];
	struct stat sb;
	FILE *csv;
	int ok;

	if (!cur.armed)
		return;
	cur.armed = 0;
	snprintf(path, sizeof(path), "%s/profile.csv", b->res.dir);
	if ((csv = fopen(path, "a")) == NULL) {
		fprintf(stderr, "exifbench: %s: %s\n", path, strerror(errno));
		return;
	}
	if (fstat(fileno(csv), &sb) == 0 && sb.st_size == 0)
		profile_csv_header(csv, RESULTS_LABEL_HEADER);
	snprintf(title, sizeof(title), "CPU profile: %s, %s c=%u (%s), perf cpu-clock at %d Hz",
	    b->sc.name, pr->model->name, pr->level, cur.file, PERFREC_HZ);
	ok = profile_finish(&cur.run, b->res.dir, cur.file, label, title,
	    rr->group[SAMPLER_MODEL].cpu_s, csv) == 0;
	if (fclose(csv) != 0)
		fprintf(stderr, "exifbench: %s: write failed\n", path);
	if (ok && (!b->json || b->progress))
		fprintf(stderr, "  %-10s profile: %s/profiles/%s.svg (perf's own CPU %.2f s, the "
		    "run's %.2f s)\n", "", b->res.dir, cur.file, cur.run.perf_cpu_s,
		    rr->group[SAMPLER_MODEL].cpu_s);
	else if (!ok)
		fprintf(stderr, "exifbench: %s: CPU profile: %s\n", cur.file, cur.run.why);
}
