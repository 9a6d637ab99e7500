/*
 * trace_cols.c: the trace's column names and the figures every reader takes from a row the
 * same way (see trace_cols.h).
 */
#include "trace_cols.h"

#include <math.h>

const char *const trace_col_name[TRACE_NCOL] = {
#define X(name, kind, expr) #name,
	TRACE_COLUMNS(X)
#undef X
};

double
trace_finish_us(const double *v)
{
	double end = fmax(fmax(v[TRACE_get_end_us], v[TRACE_proc_end_us]), v[TRACE_put_end_us]);

	return end >= 0 ? end : -1;	/* fmax drops a NaN; all NaN stays NaN, then -1 */
}

double
trace_e2e_us(const double *v, int ok)
{
	if (!ok || !(v[TRACE_get_start_us] >= 0) || !(v[TRACE_put_end_us] >= 0))
		return -1;
	return v[TRACE_put_end_us] - v[TRACE_get_start_us];
}

double
trace_resp_us(const double *v, int ok)
{
	if (!ok || !(v[TRACE_due_us] >= 0) || !(v[TRACE_put_end_us] >= 0))
		return -1;
	return fmax(v[TRACE_put_end_us] - v[TRACE_due_us], 0);
}

double
trace_wait_us(const double *v)
{
	if (!(v[TRACE_due_us] >= 0) || !(v[TRACE_get_start_us] >= 0))
		return -1;
	return fmax(v[TRACE_get_start_us] - v[TRACE_due_us], 0);
}
