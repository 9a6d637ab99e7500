/*
 * records.h: the run's outcomes, handed from the model's threads to one delivering thread
 * in bulk, so the toolkit's bookkeeping (counting, the trace, progress) stays off the
 * measured path: a model's thread only copies its record into a ring, with no lock and no
 * system call, and the delivering thread passes the records on in the order their slots were
 * taken, every few milliseconds or when half the ring is full.
 */
#ifndef EXIFBENCH_RECORDS_H
#define EXIFBENCH_RECORDS_H

#include "models/core/job.h"

/* Called on the delivering thread, one record at a time, in order. */
typedef void (*records_fn)(const struct job_record *rec, void *arg);

struct records;

/* A ring and its delivering thread, started here. NULL when out of memory or threads. */
struct records *records_new(records_fn fn, void *arg);

/* Delivers what is left, stops the thread and frees everything. NULL is ok. */
void records_free(struct records *q);

/*
 * Stops the thread (delivering what was put) and from then on delivers each record in
 * records_put, on the caller's thread and under a lock: for a run whose model forks (see
 * run_without_threads).
 */
void records_inline(struct records *q);

/*
 * Queues a copy of rec. Thread-safe and lock-free; waits only when the ring is full (the
 * delivering thread is behind by a whole ring).
 */
void records_put(struct records *q, const struct job_record *rec);

/* Returns once every record put before the call has been delivered. */
void records_flush(struct records *q);

#endif
