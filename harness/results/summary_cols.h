/*
 * summary_cols.h: the columns of a result folder's summary.csv (a row per run), listed once
 * for the writer (results.c) and the reader (the report's resultset.c, which finds each by
 * name, so a folder written before a column existed still reads). docs/harness.md describes
 * each column.
 */
#ifndef EXIFBENCH_SUMMARY_COLS_H
#define EXIFBENCH_SUMMARY_COLS_H

/*
 * X(name, kind, expr): kind is S (a string, quoted when it must be), I (an integer), F (a
 * number with 3 decimals), U (CPU seconds with 6, getrusage's resolution: a short run's 0.03 s
 * compared at 3 decimals differs by a rounding step) or N (a whole number); F, U and N are
 * blank when expr is negative (unknown, or no such figure). expr is the writer's, over `row`
 * (a const struct result_row *) with results.c's helpers LAT, GF, OPEN (an open-loop run's
 * figure, -1 closed) and tv_s; a reader's X ignores it.
 */
#define SUMMARY_LAT_COLUMNS(X, name, k) \
	X(name##_p50_ms, F, LAT(k, 0))  \
	X(name##_p90_ms, F, LAT(k, 1))  \
	X(name##_p99_ms, F, LAT(k, 2))  \
	X(name##_p999_ms, F, LAT(k, 3)) \
	X(name##_max_ms, F, LAT(k, 4))
#define SUMMARY_GROUP_COLUMNS(X, name, g)      \
	X(name##_cpu_pct, F, GF(g, cpu_pct))   \
	X(name##_on_pct, F, GF(g, on_pct))     \
	X(name##_runq_pct, F, GF(g, runq_pct)) \
	X(name##_off_pct, F, GF(g, off_pct))   \
	X(name##_cpu_s, U, GF(g, cpu_s))       \
	X(name##_vcsw, N, GF(g, vcsw))         \
	X(name##_ivcsw, N, GF(g, ivcsw))       \
	X(name##_max_rss_kib, N, GF(g, max_rss_kib))
#define SUMMARY_COLUMNS(X)                                                            \
	X(model, S, row->model)                                                       \
	X(level, I, row->level)                                                       \
	X(workers, I, row->workers)                                                   \
	X(client_cpus, S, row->client_cpus[0] ? row->client_cpus : "all")             \
	X(client_pus, I, row->client_pus)                                             \
	X(in_flight, I, row->in_flight)                                               \
	X(cpu_threads, I, row->cpu_threads)                                           \
	X(rep, I, row->rep)                                                           \
	X(clients, I, row->clients ? row->clients : 1)                                \
	X(status, S, row->status)                                                     \
	X(exit_code, I, row->exit_code)                                               \
	X(images, I, row->ts->rows)                                                   \
	X(ok, I, row->ts->ok)                                                         \
	X(errors, I, row->ts->failed)                                                 \
	X(wall_s, F, row->wall_s)                                                     \
	X(window_s, F, row->ts->window_s)                                             \
	X(kept, I, row->ts->kept)                                                     \
	X(images_per_s, F, row->ts->images_per_s)                                     \
	X(mib_per_s, F, row->ts->mib_per_s)                                           \
	X(arrivals, S, row->arrivals ? row->arrivals : "closed")                      \
	X(offered_per_s, F, OPEN(row->offered_per_s))                                 \
	X(sustained, I, !row->unsustained)                                            \
	X(behind_ms, F, OPEN(row->behind_ms))                                         \
	X(behind_end_ms, F, OPEN(row->behind_end_ms))                                 \
	X(backlog_max, N, OPEN(row->backlog_max))                                     \
	SUMMARY_LAT_COLUMNS(X, e2e, E2E)                                              \
	SUMMARY_LAT_COLUMNS(X, get, GET)                                              \
	SUMMARY_LAT_COLUMNS(X, proc, PROC)                                            \
	SUMMARY_LAT_COLUMNS(X, put, PUT)                                              \
	SUMMARY_LAT_COLUMNS(X, resp, RESP)                                            \
	SUMMARY_LAT_COLUMNS(X, wait, WAIT)                                            \
	X(ttfb_p50_ms, F, LAT(TTFB, 0))                                               \
	X(ttfb_p99_ms, F, LAT(TTFB, 2))                                               \
	X(requests_ms, F, row->ts->mean_requests_ms)                                  \
	X(littles_ips, F, row->littles_ips)                                           \
	SUMMARY_GROUP_COLUMNS(X, model, MODEL)                                        \
	SUMMARY_GROUP_COLUMNS(X, server, SERVER)                                      \
	SUMMARY_GROUP_COLUMNS(X, shaper, SHAPER)                                      \
	X(sys_user_pct, F, row->rr->sys.user)                                         \
	X(sys_system_pct, F, row->rr->sys.system)                                     \
	X(sys_idle_pct, F, row->rr->sys.idle)                                         \
	X(sys_iowait_pct, F, row->rr->sys.iowait)                                     \
	X(sys_softirq_pct, F, row->rr->sys.softirq)                                   \
	X(sys_steal_pct, F, row->rr->sys.steal)                                       \
	X(rusage_cpu_s, U, tv_s(&row->rr->ru.ru_utime) + tv_s(&row->rr->ru.ru_stime)) \
	X(model_cpu_late_s, U, GF(MODEL, late_s))                                     \
	X(samples, I, row->rr->ticks)                                                 \
	X(sampler_cpu_pct, F, row->rr->wall_s > 0 ?                                   \
	    100 * row->rr->sampler_cost_s / row->rr->wall_s : -1)                     \
	/* the model group's wait profile (waits.h): blocked-thread samples, each class's      \
	   share of them (waitclass.h's classes), the system call with the most, the samples \
	   of the toolkit's helper threads kept apart, the class of that call's main row; blank for a run with none (no sampler, \
	   a merged mpirun row) */                              \
	X(model_wait_samples, N, WAITS_SAMPLES())                                     \
	X(model_wait_network_pct, F, WAITS_PCT(network))                              \
	X(model_wait_lock_pct, F, WAITS_PCT(lock))                                    \
	X(model_wait_pipe_pct, F, WAITS_PCT(pipe))                                    \
	X(model_wait_sleep_pct, F, WAITS_PCT(sleep))                                  \
	X(model_wait_disk_pct, F, WAITS_PCT(disk))                                    \
	X(model_wait_other_pct, F, WAITS_PCT(other))                                  \
	X(model_wait_top, S, WAITS_TOP())                                             \
	X(model_wait_top_pct, F, WAITS_TOP_PCT())                                     \
	X(model_wait_helper_samples, N, W->samples > 0 ? (double)W->helper_samples : -1) \
	X(model_wait_top_class, S, WAITS_TOP_CLASS())

#endif
