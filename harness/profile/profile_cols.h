/*
 * profile_cols.h: the columns of a result folder's profile.csv, listed once for the writer
 * (profile.c) and the report's reader. Each row follows the run's label columns (results.h's
 * RESULTS_LABEL_HEADER) and is one of three kinds:
 *   run       one per profiled run: file (its files are profiles/FILE.folded and .svg),
 *             total_samples, perf_cpu_s (perf record's own CPU), model_cpu_s (the run's),
 *             note ("recorded", or the one line saying why perf could not record);
 *   library   one per library group with samples (harness/profile/frame.h): name the group;
 *   function  the top functions by self and by inclusive samples (PROFILE_TOP of each):
 *             name "LIB`FUNCTION", library its group.
 * self/incl_samples are the samples with the entry as the leaf / anywhere on the stack, and
 * self/incl_pct their shares of total_samples.
 */
#ifndef EXIFBENCH_PROFILE_COLS_H
#define EXIFBENCH_PROFILE_COLS_H

#define PROFILE_COLUMNS(X)                                                         \
	X(file) X(kind) X(name) X(library) X(self_samples) X(incl_samples)         \
	X(total_samples) X(self_pct) X(incl_pct) X(perf_cpu_s) X(model_cpu_s) X(note)

#define PROFILE_COL_ENUM(name) PROFILE_##name,
enum profile_col { PROFILE_COLUMNS(PROFILE_COL_ENUM) PROFILE_NCOL };
#undef PROFILE_COL_ENUM

/* The functions of each order (self, inclusive) a run's rows keep. */
#define PROFILE_TOP 20

#endif
