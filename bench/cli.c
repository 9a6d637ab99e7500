/*
 * cli.c: small helpers the command files share: the option loop, strict number parsing with
 * one-line errors that name the option, the list of names an unknown-name message gives, the
 * S3 settings of the environment, the checks of a folder argument, set-up errors kept for
 * --json, and JSON printing.
 */
#include <sys/stat.h>

#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "models/core/s3.h"

int
cli_options(int argc, char **argv, const char *shortopts, const struct option *longopts,
    const char *usage, cli_option_fn fn, void *ctx)
{
	return cli_options_help(argc, argv, shortopts, longopts, NULL, usage, fn, ctx);
}

int
cli_options_help(int argc, char **argv, const char *shortopts, const struct option *longopts,
    cli_help_fn help, const char *usage, cli_option_fn fn, void *ctx)
{
	int ch, rc;

	optind = 1;
	while ((ch = getopt_long(argc, argv, shortopts, longopts, NULL)) != -1) {
		if (ch == 'h') {
			if (help != NULL)
				help();
			else
				fputs(usage, stdout);
			return 0;
		}
		if (ch == '?' || ch == ':' || fn == NULL) {
			fputs(usage, stderr);
			return EXIT_USAGE;
		}
		if ((rc = fn(ch, optarg, ctx)) >= 0)
			return rc;
	}
	return -1;
}

int
cli_parse_uint(const char *opt, const char *s, unsigned long min, unsigned long max,
    unsigned long *out)
{
	char *end;
	unsigned long v;

	v = strtoul(s, &end, 10);
	if (*s == '\0' || *s == '-' || *end != '\0' || v < min || v > max) {
		fprintf(stderr, "exifbench: %s '%s' must be an integer from %lu to %lu\n", opt, s,
		    min, max);
		return -1;
	}
	*out = v;
	return 0;
}

int
cli_parse_double(const char *opt, const char *s, double min, double max, double *out)
{
	char *end;
	double v;

	v = strtod(s, &end);
	if (*s == '\0' || *end != '\0' || !(v >= min && v <= max)) {
		fprintf(stderr, "exifbench: %s '%s' must be a number from %g to %g\n", opt, s, min,
		    max);
		return -1;
	}
	*out = v;
	return 0;
}

int
cli_check_dir(const char *what, const char *path)
{
	struct stat st;

	if (stat(path, &st) < 0) {
		fprintf(stderr, "exifbench: %s '%s': %s\n", what, path, strerror(errno));
		return -1;
	}
	if (!S_ISDIR(st.st_mode)) {
		fprintf(stderr, "exifbench: %s '%s': not a folder\n", what, path);
		return -1;
	}
	return 0;
}

int
cli_check_out(const char *what, const char *path)
{
	char dir[PATH_MAX];
	struct stat st;
	const char *why;
	char *slash;

	snprintf(dir, sizeof(dir), "%s", path);
	while (stat(dir, &st) < 0 && errno == ENOENT) {	/* the nearest folder that exists */
		if ((slash = strrchr(dir, '/')) == NULL)
			snprintf(dir, sizeof(dir), ".");
		else if (slash == dir)
			dir[1] = '\0';
		else
			*slash = '\0';
	}
	if (stat(dir, &st) < 0)
		why = strerror(errno);
	else if (!S_ISDIR(st.st_mode) && strcmp(dir, path) != 0)
		why = "not a folder";
	else if (!S_ISDIR(st.st_mode))
		return 0;	/* a file there already: its writer says whether it can */
	else if (access(dir, W_OK | X_OK) < 0)
		why = strerror(errno);
	else
		return 0;
	fprintf(stderr, "exifbench: %s '%s': cannot write in '%s': %s\n", what, path, dir, why);
	return -1;
}

void
cli_list_add(char *buf, size_t len, const char *name)
{
	size_t n = strlen(buf);

	if (n + 1 < len)
		snprintf(buf + n, len - n, "%s%s", n ? ", " : "", name);
}

static char last_error[1024];	/* cli_error's last message */

void
cli_error(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(last_error, sizeof(last_error), fmt, ap);
	va_end(ap);
	fprintf(stderr, "exifbench: %s\n", last_error);
}

const char *
cli_last_error(void)
{
	return last_error;
}

int
cli_s3_config(struct s3_config *cfg)
{
	char err[512];

	if (s3_config_from_env(cfg, err, sizeof(err)) < 0) {
		cli_error("%s", err);
		return EXIT_SETUP;
	}
	return -1;
}

void
cli_print_json(json_t *o)
{
	char *s = json_dumps(o, JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(6));

	if (s != NULL)
		printf("%s\n", s);
	free(s);
	json_decref(o);
}
