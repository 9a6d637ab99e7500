/*
 * trace_cols.h: the columns of a trace (the CSV `exifbench run --trace` writes, one row per
 * image; in a result folder's trace.csv they follow the run's label columns, results.h), listed
 * once for the writer (trace.c) and every reader (tracestats.c, the report's rs_trace.c and
 * plotdata_runs.c), with the two figures every reader derives from a row the same way: when
 * the image finished, and its end-to-end time. Times are microseconds from the run's start,
 * -1 when the stage did not happen; cpu is -1 where a stage's CPU cannot be told apart from
 * other jobs' (see job.h). endpoint is the gateway the job's requests went to, an index into
 * the run's endpoint list (meta.json's "endpoints"; 0 with one endpoint). due_us is when an
 * open-loop run's schedule released the image (run --rate; -1 in a closed-loop run): its
 * response time counts from then, its wait for a free slot runs from then to the GET.
 */
#ifndef EXIFBENCH_TRACE_COLS_H
#define EXIFBENCH_TRACE_COLS_H

/*
 * X(name, kind, expr): kind is I (an integer) or S (a string, always quoted); expr is the
 * writer's, over `r` (a const struct job_record *) with US(ns) turning a CLOCK_MONOTONIC time
 * into microseconds from the run's start; a reader's X ignores it.
 */
#define TRACE_STAGE_COLUMNS(X, s, S)                                      \
	X(s##_worker, I, r->stage[S].start_ns ? r->stage[S].worker : -1)  \
	X(s##_start_us, I, US(r->stage[S].start_ns))                      \
	X(s##_end_us, I, US(r->stage[S].end_ns))                          \
	X(s##_cpu_us, I, r->stage[S].start_ns && r->stage[S].cpu_ns >= 0 ? \
	    r->stage[S].cpu_ns / 1000 : -1)                               \
	X(s##_attempts, I, r->stage[S].attempts)
#define TRACE_COLUMNS(X)                                       \
	X(key, S, r->key)                                      \
	X(outcome, S, r->outcome == JOB_OK ? "ok" : "failed")  \
	X(error, S, r->error)                                  \
	X(status, I, r->status)                                \
	X(exif_tags, I, r->exif_tags)                          \
	X(bytes_in, I, r->bytes_in)                            \
	X(bytes_out, I, r->bytes_out)                          \
	X(endpoint, I, r->endpoint)                            \
	X(get_connect_us, I, r->get_t.connect_us)              \
	X(get_ttfb_us, I, r->get_t.ttfb_us)                    \
	X(get_total_us, I, r->get_t.total_us)                  \
	X(put_connect_us, I, r->put_t.connect_us)              \
	X(put_ttfb_us, I, r->put_t.ttfb_us)                    \
	X(put_total_us, I, r->put_t.total_us)                  \
	TRACE_STAGE_COLUMNS(X, get, JOB_GET)                   \
	TRACE_STAGE_COLUMNS(X, proc, JOB_PROC)                 \
	TRACE_STAGE_COLUMNS(X, put, JOB_PUT)                   \
	X(due_us, I, US(r->due_ns))

#define TRACE_COL_ENUM(name, kind, expr) TRACE_##name,
enum trace_col { TRACE_COLUMNS(TRACE_COL_ENUM) TRACE_NCOL };
#undef TRACE_COL_ENUM

/* The column names, by enum trace_col ("key", "outcome", ...). */
extern const char *const trace_col_name[TRACE_NCOL];

/*
 * A reader's numbers of one row, by enum trace_col: v[TRACE_x] is the cell read as a number,
 * -1 or NaN when blank or absent (string columns are not numbers); ok says the outcome was
 * "ok". The figures below read only the start and end columns.
 */

/* When the image finished: the latest end of its stages; -1 when no stage ended. */
double trace_finish_us(const double *v);

/* Its end-to-end time: PUT end minus GET start, for an image that ended ok; else -1. */
double trace_e2e_us(const double *v, int ok);

/*
 * Open loop: its response time, PUT end minus when it was due, for an image that ended ok;
 * and its wait for a free slot, GET start minus when it was due. -1 in a closed-loop run.
 */
double trace_resp_us(const double *v, int ok);
double trace_wait_us(const double *v);

#endif
