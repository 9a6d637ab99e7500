/*
 * sequential.c: one image after another on one keep-alive connection. The baseline the
 * others are measured against: its throughput is 1 / (the sum of one image's stage times).
 *
 * DESIGN: the calling thread owns the one job and the one easy handle and runs each key to
 * its end (job_run_blocking) before asking for the next. Stop: run_next_key returns 0 once
 * the stop flag is set, so the image in flight finishes and is recorded.
 */
#include "model.h"

static int sequential_run(struct run *r);

const struct model model_sequential = {
	.name = "sequential",
	.summary = "one image after another, one keep-alive connection",
	.max_concurrency = 1,
	.run = sequential_run,
};

static int
sequential_run(struct run *r)
{
	char key[JOB_KEY_MAX + 1];
	CURL *easy = curl_easy_init();
	struct job *j = job_new(run_pipeline(r));
	struct stage *st = stage_new(&run_pipeline(r)->stage, &run_pipeline(r)->transform);
	int rv = -1;

	if (easy == NULL || j == NULL || st == NULL) {
		run_fail(r, "out of memory starting the model");
		goto out;
	}
	job_set_worker(j, 0);
	job_set_stage(j, st);
	while ((rv = run_next_key(r, key)) == 1) {
		job_start(j, key);
		job_set_due(j, run_key_due_ns(r));
		job_run_blocking(j, easy, NULL);
		run_record(r, job_record(j));
	}
out:
	stage_free(st);
	job_free(j);
	curl_easy_cleanup(easy);
	return rv < 0 ? -1 : 0;
}
