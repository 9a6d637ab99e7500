/*
 * bench_profile.c: perf on bench's runs. See bench_profile.h.
 *
 * The hook runs on the harness's thread between the runner's first sample and its loop, so
 * the run waits at its gate while perf starts (0.1 to 0.3 s here): that wait is before the
 * run takes its start time, outside everything it measures.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "bench_profile.h"
#include "harness/engine/gate.h"
#include "harness/profile/profile.h"

static struct {
	int armed, gate;		/* our end of the run's gate */
	pid_t pid;
	char file[128];
	struct profile_run run;
} cur = { .gate = -1 };

static void started(void *arg);

void
bench_profile_arm(struct bench *b, const struct plan_run *pr, struct runner_spec *spec,
    int *gate)
{
	int sv[2];

	memset(&cur.run, 0, sizeof(cur.run));
	cur.armed = 0, cur.pid = 0;
	if (!b->sc.cpu_profile)
		return;
	cur.armed = 1;
	plan_run_name(pr, cur.file, sizeof(cur.file));
	if (pr->clients > 1) {
		snprintf(cur.run.why, sizeof(cur.run.why), "not profiled: a run of %u clients "
		    "(profiles are of one client's runs)", pr->clients);
		return;
	}
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) < 0) {
		snprintf(cur.run.why, sizeof(cur.run.why), "not profiled: socketpair: %s",
		    strerror(errno));
		return;
	}
	cur.gate = sv[0], *gate = sv[1];
	spec->gate = gate, spec->started = started, spec->child = &cur.pid;
}

/* The runner's hook: the run ready, perf on it, then go (the run's start time read back). */
static void
started(void *arg)
{
	struct bench *b = arg;
	int64_t t0;

	if (gate_ready(cur.gate) < 0)
		snprintf(cur.run.why, sizeof(cur.run.why), "not profiled: the run ended before "
		    "it was ready");
	else {
		profile_start(&cur.run, cur.pid, b->res.dir, cur.file);
		if (gate_send(cur.gate, 1) == 0)
			gate_start_time(cur.gate, &t0);
	}
	close(cur.gate);
	cur.gate = -1;
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
	if (cur.gate >= 0)	/* the run never got to its hook */
		close(cur.gate), cur.gate = -1;
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
