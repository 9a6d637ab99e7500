/*
 * plotdata_out.c: the output helpers of the figures' data writer (see plotdata_int.h): a data
 * file opened by name, closed with its write errors reported, and one number cell. Below both
 * plotdata.c and plotdata_runs.c, so neither calls the other back.
 */
#include "plotdata_int.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

int
plotdata_open(struct plotdata_out *o, const char *dir, char *err, size_t errlen,
    const char *fmt, ...)
{
	char name[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(name, sizeof(name), fmt, ap);
	va_end(ap);
	snprintf(o->path, sizeof(o->path), "%s/%s", dir, name);
	if ((o->f = fopen(o->path, "w")) == NULL) {
		snprintf(err, errlen, "%s: %s", o->path, strerror(errno));
		return -1;
	}
	return 0;
}

int
plotdata_close(struct plotdata_out *o, char *err, size_t errlen)
{
	int bad = ferror(o->f);

	if (fclose(o->f) != 0 || bad) {
		snprintf(err, errlen, "%s: write error", o->path);
		return -1;
	}
	return 0;
}

void
plotdata_num(FILE *f, const char *sep, double v)
{
	if (isfinite(v))
		fprintf(f, "%s%.6g", sep, v);
	else
		fprintf(f, "%sNaN", sep);
}
