/*
 * job.h: the pipeline as steps. A job takes one input key through GET -> PROCESS -> PUT and
 * records what each stage cost; a model only decides who runs which step, and when.
 *
 * The core owns no thread, loop or curl handle. A model drives a job like this:
 *
 *	job_start(job, key);
 *	while ((next = job_next(job)) != JOB_DONE)
 *		if (next == JOB_TRANSFER) {
 *			wait job_retry_delay_ms(job);	   (non-zero only before a retry)
 *			job_prepare(job, easy);		   (sets CURLOPT_PRIVATE = job)
 *			perform the transfer on easy, however the model likes;
 *			job_transfer_done(job, curl_code);
 *		} else
 *			job_process(job);		   (CPU only: EXIF, transform, spin)
 *	hand job_record(job) to run_record();
 *
 * job_run_blocking() is that loop for the models that block on curl_easy_perform.
 *
 * Steps: GET the input (retried by the S3 retry policy; a local file is read once); PROCESS it: probe the JPEG (a file
 * that is not one fails the job, "corrupt JPEG: ..."), extract EXIF (none is not a failure:
 * an empty record), run the CPU stage (the transform and the spin, or the worker's plugin:
 * job_set_stage); PUT the processed image when
 * upload_image is set, then PUT `<dst prefix>/<key relative to src prefix>.json`:
 *
 *	{"key":K,"size":N,"sha256":H,"width":W,"height":H,"jpeg_warnings":N,"exif":{...}
 *	 [,"transform":NAME,"output_size":N,"output_sha256":H]}
 *
 * (the transform fields when the stage made an output image; NAME is the plugin's own;
 * K is the object's key, or a local file's path relative to the --src folder)
 *
 * compact, keys in that order, so that every model writes the same bytes. jpeg_warnings
 * counts what libjpeg skipped with a warning (garbage between markers, data that ends
 * early): such a file is read, not failed, and the count says so.
 *
 * A job is used by one thread at a time; it may move between threads between steps (the
 * hybrid model runs job_process on a worker). Memory: the input buffer, sized by the GET's
 * Content-Length, is freed after job_process (at the next job_start with upload_image); the
 * transformed image and the JSON at the next job_start. A model's memory is at most its
 * number of jobs times one image, and does not grow with the number of keys.
 */
#ifndef EXIFBENCH_JOB_H
#define EXIFBENCH_JOB_H

#include <curl/curl.h>
#include <pthread.h>
#include <stdint.h>

#include "breaker.h"
#include "local.h"
#include "s3.h"
#include "stage.h"
#include "transform.h"

#define JOB_KEY_MAX 1024	/* S3's limit on a key, in bytes */
#define JOB_BUCKET_MAX 64

/*
 * What a run's jobs share; read-only once the run starts. A side with a local folder
 * (src_dir or dst_dir not "") reads or writes files under it (local.h: curl's FILE protocol)
 * instead of its bucket; its keys are then paths relative to the folder (its prefix is "").
 */
struct pipeline {
	struct s3_config s3;
	char src_bucket[JOB_BUCKET_MAX];
	char src_prefix[JOB_KEY_MAX];
	char dst_bucket[JOB_BUCKET_MAX];
	char dst_prefix[JOB_KEY_MAX];
	char src_dir[LOCATION_DIR_MAX];	/* "" for S3 */
	char dst_dir[LOCATION_DIR_MAX];
	struct transform_opts transform;
	struct stage_conf stage;	/* the CPU stage: built-in (transform) or a plugin */
	int upload_image;	/* also PUT the processed (or, with no transform, original) image */
	/*
	 * Set by models whose transfers interleave on one thread (async, hybrid): the thread's
	 * CPU time during a transfer then belongs to many jobs, so transfer stages record none.
	 */
	int shared_io_thread;
	/*
	 * The run's circuit breaker (breaker.h), or NULL for none: every S3 request's end is
	 * noted in it. The pointer is read-only; the breaker it points at is shared state.
	 */
	struct breaker *breaker;
};

enum job_stage { JOB_GET, JOB_PROC, JOB_PUT, JOB_NSTAGES };
enum job_next { JOB_TRANSFER, JOB_PROCESS, JOB_DONE };
enum job_outcome { JOB_OK, JOB_FAILED };

/* One stage of one job. Times are CLOCK_MONOTONIC nanoseconds, comparable across processes. */
struct job_stage_time {
	int64_t start_ns;	/* 0 when the stage never ran */
	int64_t end_ns;
	int64_t cpu_ns;		/* thread CPU time spent in the stage; -1 when not attributable */
	int32_t worker;		/* the model's worker (thread, process, loop) that ran it */
	int32_t attempts;	/* requests made, retries included (transfer stages) */
};

/*
 * Everything a finished job reports: plain data of fixed size, so a forked worker can send it
 * through a pipe in one write (sizeof < PIPE_BUF).
 */
struct job_record {
	char key[JOB_KEY_MAX + 1];
	char error[240];	/* one line when outcome is JOB_FAILED, else "" */
	int32_t outcome;	/* enum job_outcome */
	int32_t status;		/* HTTP status of the last request, 0 if none answered */
	int32_t exif_tags;	/* tags in the EXIF record */
	int32_t endpoint;	/* the gateway of its requests: s3_endpoint_of(&p->s3, key) */
	int32_t curl_code;	/* libcurl's result of the last S3 request, 0 if none */
	int32_t pad;
	int64_t due_ns;		/* open loop: when it was due (run.h), else 0 */
	int64_t bytes_in;	/* the input object */
	int64_t bytes_out;	/* everything uploaded */
	struct s3_timing get_t;	/* curl's timings of the GET's last attempt */
	struct s3_timing put_t;	/* ... and of the last PUT */
	struct job_stage_time stage[JOB_NSTAGES];
};

struct job;

/*
 * A job for pipeline p (not copied; it must outlive the job), used in the process that made
 * it (it keeps its pid for the retry jitter: make jobs after a fork). NULL when out of memory.
 */
struct job *job_new(const struct pipeline *p);
void job_free(struct job *j);

/* Starts key over from the GET, keeping the buffers. A key over JOB_KEY_MAX fails the job. */
void job_start(struct job *j, const char *key);

/*
 * The time the job was due (CLOCK_MONOTONIC ns; 0: closed-loop), recorded as its due_ns.
 * Call after job_start, which clears it.
 */
void job_set_due(struct job *j, int64_t due_ns);

/* The worker recorded in the stages that run from now on. */
void job_set_worker(struct job *j, int worker);

/*
 * The worker's CPU stage (stage.h) that job_process runs from now on (not owned; NULL: the
 * built-in transform of the pipeline, with no per-worker state). Models set it where they
 * set the worker; a plugin needs it set by every model.
 */
void job_set_stage(struct job *j, struct stage *s);

enum job_next job_next(const struct job *j);

/* Milliseconds to wait before the next transfer: the retry backoff, 0 for a first attempt. */
long job_retry_delay_ms(const struct job *j);

/*
 * Sets up the next transfer on easy (all options, then CURLOPT_PRIVATE = j). Returns 0, or -1
 * when the job failed instead (job_next is then JOB_DONE).
 */
int job_prepare(struct job *j, CURL *easy);

/* Ends the transfer job_prepare set up, which finished with rc: retry, next step, or done. */
void job_transfer_done(struct job *j, CURLcode rc);

/* The CPU step; call when job_next is JOB_PROCESS. Touches no handle and no socket. */
void job_process(struct job *j);

/* Fails the job from outside (e.g. its transfer could not be handed to curl), unless it ended. */
void job_fail(struct job *j, const char *reason);

const struct job_record *job_record(const struct job *j);
const char *job_key(const struct job *j);

/*
 * Runs the job to its end on easy with curl_easy_perform, sleeping through retry backoffs.
 * With cpu_lock non-NULL, job_process runs holding it (the pthreads model's GIL emulation).
 */
void job_run_blocking(struct job *j, CURL *easy, pthread_mutex_t *cpu_lock);

/* CLOCK_MONOTONIC and this thread's CPU clock, in nanoseconds. */
int64_t job_now_ns(void);
int64_t job_thread_cpu_ns(void);

#endif
