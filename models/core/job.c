/*
 * job.c: the pipeline's state machine, GET -> PROCESS -> PUT [image] -> PUT json, with the
 * timing of every stage. The contract, and the output format, are in models/core/job.h.
 *
 * Each request is an s3_req living in the job across its attempts; the job hands the model
 * an easy handle's worth of options and reads the outcome back, so the same code serves the
 * blocking models (job_run_blocking) and the event loop ones. A job's GET and PUTs go to one
 * gateway of the store, chosen from its key (s3_endpoint_of), so every model spreads its
 * jobs over several endpoints alike, with no code of its own. The input image is freed as
 * soon as nothing needs it (after the CPU step, unless it is uploaded): kept from key to key,
 * each job's buffer grew to the largest image it had seen, and RSS with the run's length.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>

#include "digest.h"
#include "exif.h"
#include "job.h"
#include "include/rng.h"

enum job_state { ST_GET, ST_PROC, ST_PUT_IMAGE, ST_PUT_JSON, ST_DONE };

struct job {
	const struct pipeline *p;
	enum job_state st;
	int worker;
	struct stage *stage;	/* the worker's CPU stage, or NULL: the built-in one */
	struct s3_req req;
	/*
	 * Instead of req when the side's folder is local; made at its first use (20 KiB of
	 * paths and URL a job on S3 sides never needs: a job is memory per transfer).
	 */
	struct local_req *lreq;
	int req_live;		/* req (or lreq) holds a request across its attempts */
	int local;		/* the request is lreq */
	CURL *easy;		/* the handle of the attempt under way */
	struct s3_result res;
	long delay_ms;
	uint64_t rng;		/* retry jitter */
	uint64_t pid;		/* getpid() at job_new: no system call per key */
	int64_t cpu0;		/* thread CPU clock when the current stage began */
	struct s3_buf in;	/* the input object */
	unsigned char *out;	/* the transformed image, or NULL */
	size_t out_len;
	char *json;		/* the output record */
	/* the SHA-256 of the input and of the transformed image, in the record: an image PUT
	   sends the one of its body, not hashed twice ("" until the record is made) */
	char in_sha[DIGEST_HEX_LEN + 1], out_sha[DIGEST_HEX_LEN + 1];
	char dst_key[JOB_KEY_MAX * 2 + 8];
	struct job_record rec;
};

static int64_t clock_ns(clockid_t id);
static void fail(struct job *j, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void stage_begin(struct job *j, enum job_stage s);
static void stage_end(struct job *j, enum job_stage s, int cpu_known);
static void release_request(struct job *j);
static int request_init(struct job *j);
static int process(struct job *j, char *err, size_t errlen);
static char *record_json(struct job *j, json_t *exif, const struct jpeg_info *info, int warns);
static int dst_key(struct job *j, const char *suffix);

static int64_t
clock_ns(clockid_t id)
{
	struct timespec ts;

	clock_gettime(id, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

int64_t
job_now_ns(void)
{
	return clock_ns(CLOCK_MONOTONIC);
}

int64_t
job_thread_cpu_ns(void)
{
	return clock_ns(CLOCK_THREAD_CPUTIME_ID);
}

struct job *
job_new(const struct pipeline *p)
{
	struct job *j;

	if (p == NULL || (j = calloc(1, sizeof(*j))) == NULL)
		return NULL;
	j->p = p;
	j->st = ST_DONE;
	j->pid = (uint64_t)getpid();
	return j;
}

void
job_free(struct job *j)
{
	if (j == NULL)
		return;
	release_request(j);
	s3_buf_free(&j->in);
	free(j->lreq);
	free(j->out);
	free(j->json);
	free(j);
}

void
job_start(struct job *j, const char *key)
{
	size_t n = strlen(key);

	release_request(j);
	memset(&j->rec, 0, sizeof(j->rec));
	s3_buf_free(&j->in);
	free(j->out);
	j->out = NULL;
	j->out_len = 0;
	free(j->json);
	j->json = NULL;
	j->in_sha[0] = j->out_sha[0] = '\0';
	j->delay_ms = 0;
	/*
	 * forked workers hold jobs at the same address: the pid keeps their jitter apart (a
	 * job is made in the process that runs it: forkpool makes its jobs after the fork)
	 */
	j->rng = rng_seed2((uint64_t)(uintptr_t)j ^ j->pid << 32, rng_fnv1a(key));
	j->st = ST_GET;
	j->rec.outcome = JOB_OK;
	memcpy(j->rec.key, key, n < JOB_KEY_MAX ? n : JOB_KEY_MAX);
	j->rec.endpoint = (int32_t)s3_endpoint_of(&j->p->s3, j->rec.key);
	if (n > JOB_KEY_MAX)
		fail(j, "key longer than %d bytes", JOB_KEY_MAX);
}

void
job_set_due(struct job *j, int64_t due_ns)
{
	j->rec.due_ns = due_ns;
}

void
job_set_worker(struct job *j, int worker)
{
	j->worker = worker;
}

void
job_set_stage(struct job *j, struct stage *s)
{
	j->stage = s;
}

enum job_next
job_next(const struct job *j)
{
	switch (j->st) {
	case ST_PROC:
		return JOB_PROCESS;
	case ST_DONE:
		return JOB_DONE;
	default:
		return JOB_TRANSFER;
	}
}

long
job_retry_delay_ms(const struct job *j)
{
	return j->delay_ms;
}

int
job_prepare(struct job *j, CURL *easy)
{
	enum job_stage s = j->st == ST_GET ? JOB_GET : JOB_PUT;
	int rv = 0;

	j->delay_ms = 0;
	if (!j->req_live) {
		if (j->rec.stage[s].start_ns == 0)
			stage_begin(j, s);
		memset(&j->res, 0, sizeof(j->res));
		rv = request_init(j);
		j->req_live = 1;
	}
	if (rv == 0)
		rv = j->local ? local_req_prepare(j->lreq, easy, &j->res) :
		    s3_req_prepare(&j->req, easy, &j->res);
	if (rv < 0) {
		fail(j, "%s", j->res.error);
		return -1;
	}
	j->easy = easy;
	curl_easy_setopt(easy, CURLOPT_PRIVATE, j);
	return 0;
}

void
job_transfer_done(struct job *j, CURLcode rc)
{
	enum job_stage s = j->st == ST_GET ? JOB_GET : JOB_PUT;
	enum s3_outcome o = j->local ? local_req_finish(j->lreq, j->easy, rc, &j->res) :
	    s3_req_finish(&j->req, j->easy, rc, &j->res);

	j->rec.status = (int32_t)j->res.status;
	if (!j->local) {
		j->rec.curl_code = (int32_t)rc;
		breaker_note(j->p->breaker, (int)rc, j->res.status);
	}
	if (o == S3_RETRY) {
		j->delay_ms = retry_delay_ms(&j->p->s3.retry, j->res.attempts, &j->rng);
		return;
	}
	j->rec.stage[s].attempts += j->res.attempts;
	if (s == JOB_GET)
		j->rec.get_t = j->res.t;
	else
		j->rec.put_t = j->res.t;
	release_request(j);
	if (o == S3_FAIL) {
		stage_end(j, s, !j->p->shared_io_thread);
		fail(j, "%s", j->res.error);
		return;
	}
	if (j->st == ST_GET) {
		j->rec.bytes_in = (int64_t)j->in.len;
		stage_end(j, s, !j->p->shared_io_thread);
		j->st = ST_PROC;
	} else {
		j->rec.bytes_out += (int64_t)j->res.bytes;
		if (j->st == ST_PUT_IMAGE) {
			dst_key(j, ".json");	/* its length was checked in process() */
			j->st = ST_PUT_JSON;
		} else if (j->st == ST_PUT_JSON) {
			stage_end(j, s, !j->p->shared_io_thread);
			j->st = ST_DONE;
		}
	}
}

void
job_process(struct job *j)
{
	char err[sizeof(j->rec.error)];

	if (j->st != ST_PROC)
		return;
	stage_begin(j, JOB_PROC);
	if (process(j, err, sizeof(err)) < 0) {
		stage_end(j, JOB_PROC, 1);
		fail(j, "%s", err);
		return;
	}
	stage_end(j, JOB_PROC, 1);
	if (!j->p->upload_image)
		s3_buf_free(&j->in);	/* the PUT of the record needs it no more */
	j->st = j->p->upload_image ? ST_PUT_IMAGE : ST_PUT_JSON;
}

void
job_fail(struct job *j, const char *reason)
{
	if (j->st != ST_DONE)
		fail(j, "%s", reason);
}

const struct job_record *
job_record(const struct job *j)
{
	return &j->rec;
}

const char *
job_key(const struct job *j)
{
	return j->rec.key;
}

void
job_run_blocking(struct job *j, CURL *easy, pthread_mutex_t *cpu_lock)
{
	enum job_next next;

	while ((next = job_next(j)) != JOB_DONE) {
		if (next == JOB_PROCESS) {
			if (cpu_lock != NULL)
				pthread_mutex_lock(cpu_lock);
			job_process(j);
			if (cpu_lock != NULL)
				pthread_mutex_unlock(cpu_lock);
			continue;
		}
		retry_sleep_ms(job_retry_delay_ms(j));
		if (job_prepare(j, easy) == 0)
			job_transfer_done(j, curl_easy_perform(easy));
	}
}

/* The CPU step proper: probe, the stage (transform and spin, or a plugin), EXIF, the record. */
static int
process(struct job *j, char *err, size_t errlen)
{
	const struct transform_opts *t = &j->p->transform;
	struct jpeg_info info;
	json_t *exif;
	int warns;

	if (transform_probe(j->in.data, j->in.len, &info, err, errlen) < 0)
		return -1;
	warns = info.warnings;	/* a transform re-reads the headers and counts them again */
	if ((j->stage != NULL ? stage_process(j->stage, j->in.data, j->in.len, &j->out,
	    &j->out_len, &warns, err, errlen) : stage_builtin(t, j->in.data, j->in.len, &j->out,
	    &j->out_len, &warns, err, errlen)) < 0)
		return -1;
	if ((exif = exif_extract(j->in.data, j->in.len)) == NULL) {
		snprintf(err, errlen, "out of memory extracting EXIF");
		return -1;
	}
	j->rec.exif_tags = (int32_t)json_object_size(exif);
	j->json = record_json(j, exif, &info, warns);
	json_decref(exif);
	if (j->json == NULL) {
		snprintf(err, errlen, "out of memory writing the record");
		return -1;
	}
	if (dst_key(j, ".json") < 0 || (j->p->upload_image && dst_key(j, "") < 0)) {
		snprintf(err, errlen, "output key longer than %d bytes", JOB_KEY_MAX);
		return -1;
	}
	return 0;
}

/* The output record, as compact JSON text (malloc'd), or NULL when out of memory. */
static char *
record_json(struct job *j, json_t *exif, const struct jpeg_info *info, int warns)
{
	const char *in_sha = j->in_sha, *out_sha = j->out_sha;
	json_t *o;
	char *text;

	if (digest_sha256_hex(j->in.data, j->in.len, j->in_sha) < 0 ||
	    (j->out != NULL && digest_sha256_hex(j->out, j->out_len, j->out_sha) < 0))
		return NULL;
	o = json_pack("{s:s, s:I, s:s, s:i, s:i, s:i, s:O}", "key", j->rec.key, "size",
	    (json_int_t)j->in.len, "sha256", in_sha, "width", info->width, "height",
	    info->height, "jpeg_warnings", warns, "exif", exif);
	if (o != NULL && j->out != NULL &&
	    (json_object_set_new(o, "transform",
	    json_string(j->stage != NULL ? stage_name(j->stage) :
	    transform_kind_name(j->p->transform.kind))) < 0 ||
	    json_object_set_new(o, "output_size", json_integer((json_int_t)j->out_len)) < 0 ||
	    json_object_set_new(o, "output_sha256", json_string(out_sha)) < 0)) {
		json_decref(o);
		return NULL;
	}
	text = o ? json_dumps(o, EXIF_JSON_FLAGS) : NULL;
	json_decref(o);
	return text;
}

/* dst_key = dst prefix / (key relative to the src prefix) suffix. */
static int
dst_key(struct job *j, const char *suffix)
{
	const struct pipeline *p = j->p;
	const char *rel = j->rec.key;
	size_t n = strlen(p->src_prefix);
	int len;

	if (n > 0 && strncmp(rel, p->src_prefix, n) == 0 && rel[n] == '/')
		rel += n + 1;
	len = snprintf(j->dst_key, sizeof(j->dst_key), "%s%s%s%s", p->dst_prefix,
	    p->dst_prefix[0] ? "/" : "", rel, suffix);
	return len < 0 || len > JOB_KEY_MAX ? -1 : 0;
}

static void
stage_begin(struct job *j, enum job_stage s)
{
	j->rec.stage[s].start_ns = job_now_ns();
	j->rec.stage[s].worker = j->worker;
	/* a transfer on a shared I/O thread records no CPU (stage_end): no clock read */
	j->cpu0 = s == JOB_PROC || !j->p->shared_io_thread ? job_thread_cpu_ns() : 0;
}

static void
stage_end(struct job *j, enum job_stage s, int cpu_known)
{
	j->rec.stage[s].end_ns = job_now_ns();
	j->rec.stage[s].cpu_ns = cpu_known ? job_thread_cpu_ns() - j->cpu0 : -1;
}

/* The request of the current transfer, on the S3 or the local side: 0, or -1 (res.error). */
static int
request_init(struct job *j)
{
	const struct pipeline *p = j->p;
	int get = j->st == ST_GET;
	const void *body = NULL;
	size_t len = 0;
	const char *type = NULL, *sha = NULL;

	if (j->st == ST_PUT_IMAGE) {
		body = j->out ? j->out : j->in.data;
		len = j->out ? j->out_len : j->in.len;
		sha = j->out ? j->out_sha : j->in_sha;
		type = "image/jpeg";
	} else if (j->st == ST_PUT_JSON) {
		body = j->json;
		len = strlen(j->json);
		type = "application/json";
	}
	j->local = (get ? p->src_dir : p->dst_dir)[0] != '\0';
	if (j->local && j->lreq == NULL && (j->lreq = malloc(sizeof(*j->lreq))) == NULL) {
		snprintf(j->res.error, sizeof(j->res.error), "out of memory");
		return -1;	/* a local request: nothing to release */
	}
	if (j->local)
		return local_req_init(j->lreq, get ? S3_GET : S3_PUT, get ? p->src_dir :
		    p->dst_dir, get ? j->rec.key : j->dst_key, body, len, get ? &j->in : NULL,
		    p->s3.max_object_bytes, &j->res);
	return s3_req_init_at(&j->req, &p->s3, (unsigned)j->rec.endpoint, get ? S3_GET : S3_PUT,
	    get ? p->src_bucket : p->dst_bucket, get ? j->rec.key : j->dst_key, body, len,
	    sha != NULL && sha[0] != '\0' ? sha : NULL, type, get ? &j->in : NULL, &j->res);
}

static void
release_request(struct job *j)
{
	if (j->req_live && !j->local)
		s3_req_cleanup(&j->req);
	j->req_live = 0;
}

static void
fail(struct job *j, const char *fmt, ...)
{
	va_list ap;

	release_request(j);
	va_start(ap, fmt);
	vsnprintf(j->rec.error, sizeof(j->rec.error), fmt, ap);
	va_end(ap);
	j->rec.outcome = JOB_FAILED;
	j->st = ST_DONE;
}
