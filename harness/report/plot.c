/*
 * plot.c: runs gnuplot on one script of plots/ for each output format. See plot.h. gnuplot
 * runs through gnuplot_run (no shell), with its variables in one -e string; since that string
 * is gnuplot code, every value is quoted with single quotes and a value that holds a quote or
 * a newline is refused rather than escaped. The output file is removed before each run, so
 * that a stale figure never passes for a new one, and after a failed run, which may have left
 * it empty or half drawn.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "gnuplot.h"
#include "plot.h"

#define PLOT_VARS_MAX 8192

static const char *const plot_fmts[] = { "png", "svg" };

static int plot_check(const char *what, const char *s, int empty_ok, char *err, size_t errlen);
static int plot_once(const char *script, const char *dir, const char *name,
    const char *scenario, const char *model, const char *fmt, int logfd, const char *log,
    char *err, size_t errlen);

int
plot_render(const char *script, const char *dir, const char *name, const char *scenario,
    const char *model, char *err, size_t errlen)
{
	char log[4096];
	size_t i;
	int fd, rv = 0;

	if (scenario == NULL)
		scenario = "";
	if (plot_check("script", script, 0, err, errlen) < 0 ||
	    plot_check("folder", dir, 0, err, errlen) < 0 ||
	    plot_check("name", name, 0, err, errlen) < 0 ||
	    plot_check("scenario", scenario, 1, err, errlen) < 0 ||
	    (model != NULL && plot_check("model", model, 0, err, errlen) < 0))
		return -1;
	if (access(script, R_OK) < 0) {
		snprintf(err, errlen, "plot: script %s: %s", script, strerror(errno));
		return -1;
	}
	if ((size_t)snprintf(log, sizeof(log), "%s/gnuplot.log", dir) >= sizeof(log)) {
		snprintf(err, errlen, "plot: folder name too long: %s", dir);
		return -1;
	}
	if ((fd = open(log, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644)) < 0) {
		snprintf(err, errlen, "plot: %s: %s", log, strerror(errno));
		return -1;
	}
	for (i = 0; i < sizeof(plot_fmts) / sizeof(plot_fmts[0]) && rv == 0; i++)
		rv = plot_once(script, dir, name, scenario, model, plot_fmts[i], fd, log, err,
		    errlen);
	close(fd);
	return rv;
}

/* A value goes into the -e string between single quotes: no quote, no newline. */
static int
plot_check(const char *what, const char *s, int empty_ok, char *err, size_t errlen)
{
	if (s == NULL || (*s == '\0' && !empty_ok)) {
		snprintf(err, errlen, "plot: no %s given", what);
		return -1;
	}
	if (strpbrk(s, "'\n\r") != NULL) {
		snprintf(err, errlen, "plot: %s '%s' holds a quote or a newline", what, s);
		return -1;
	}
	return 0;
}

/* One format: the -e string, a note in the log, the run, and the check of the file. */
static int
plot_once(const char *script, const char *dir, const char *name, const char *scenario,
    const char *model, const char *fmt, int logfd, const char *log, char *err, size_t errlen)
{
	char vars[PLOT_VARS_MAX], out[4096], file[4200];
	struct stat sb;
	int n, rv;

	if ((size_t)snprintf(out, sizeof(out), "%s/%s", dir, name) >= sizeof(out)) {
		snprintf(err, errlen, "plot: output name too long: %s/%s", dir, name);
		return -1;
	}
	n = snprintf(vars, sizeof(vars), "datadir='%s/data'; out='%s'; fmt='%s'; "
	    "scenario='%s'%s%s%s", dir, out, fmt, scenario, model != NULL ? "; model='" : "",
	    model != NULL ? model : "", model != NULL ? "'" : "");
	if (n < 0 || (size_t)n >= sizeof(vars)) {
		snprintf(err, errlen, "plot: %s: arguments too long", script);
		return -1;
	}
	snprintf(file, sizeof(file), "%s.%s", out, fmt);
	if (unlink(file) < 0 && errno != ENOENT) {
		snprintf(err, errlen, "plot: %s: %s", file, strerror(errno));
		return -1;
	}
	dprintf(logfd, "# gnuplot -e \"%s\" %s\n", vars, script);
	if ((rv = gnuplot_run(script, vars, logfd, NULL, 0, err, errlen)) < 0) {
		unlink(file);
		/* -2: gnuplot never ran, so the log has nothing to add. */
		if (strlen(err) + 1 < errlen)
			snprintf(err + strlen(err), errlen - strlen(err), rv == -1 ? " (see %s)" :
			    " to draw %s", rv == -1 ? log : script);
		return -1;
	}
	if (stat(file, &sb) < 0 || !S_ISREG(sb.st_mode) || sb.st_size == 0) {
		snprintf(err, errlen, "plot: gnuplot %s wrote no %s (see %s)", script, file, log);
		return -1;
	}
	return 0;
}
