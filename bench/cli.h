/*
 * cli.h: what the command files of the exifbench CLI share: exit codes, and the entry point of
 * each command. Only the CLI prints and exits; the modules it calls return errors as values.
 */
#ifndef EXIFBENCH_CLI_H
#define EXIFBENCH_CLI_H

/* Exit codes, documented in `exifbench --help` and README.md. */
#define EXIT_ITEMS 1	/* the command ran, but some items (files, keys) failed */
#define EXIT_USAGE 2	/* bad command line or input file */
#define EXIT_SETUP 3	/* environment: missing AWS_* settings, unreachable endpoint, no bucket */

#include <getopt.h>
#include <jansson.h>
#include <stddef.h>

/* A command's handler for one option: -1 to go on, else the exit code to return now. */
typedef int (*cli_option_fn)(int ch, const char *arg, void *ctx);

/*
 * The option loop of every command: getopt_long over argv from argv[1]. Each option but
 * -h goes to fn with its letter (or code) and argument; -h (--help) prints usage on stdout
 * and returns 0; an unknown option or a missing argument (getopt has said which) prints
 * usage on stderr and returns EXIT_USAGE; a handler's exit code is returned as it is.
 * Returns -1 when the options are read, the operands then at argv[optind]. fn may be NULL
 * when -h is the only option.
 */
int cli_options(int argc, char **argv, const char *shortopts, const struct option *longopts,
    const char *usage, cli_option_fn fn, void *ctx);

/* A command's --help when it is more than its usage text: prints it on stdout. */
typedef void (*cli_help_fn)(void);

/*
 * cli_options for a command whose -h (--help) prints more than usage: help is called instead,
 * and the loop returns 0; a bad option still prints usage on stderr. The rest as cli_options.
 */
int cli_options_help(int argc, char **argv, const char *shortopts, const struct option *longopts,
    cli_help_fn help, const char *usage, cli_option_fn fn, void *ctx);

/*
 * s as an integer in [min, max] into *out: 0, or -1 after printing a one-line error naming
 * the option opt.
 */
int cli_parse_uint(const char *opt, const char *s, unsigned long min, unsigned long max,
    unsigned long *out);

/* The same for a decimal number in [min, max]. */
int cli_parse_double(const char *opt, const char *s, double min, double max, double *out);

/*
 * Appends name to the list in buf (len bytes, "" to start with), ", " between two names; a
 * name that does not fit is cut. For the "(one, two, three)" of an unknown-name message.
 */
void cli_list_add(char *buf, size_t len, const char *name);

/*
 * The folder an input argument names (what: "dataset load DIR") must exist and be a folder:
 * 0, or -1 after a one-line error naming it ("exifbench: dataset load DIR '/x': No such file
 * or directory"); the caller exits EXIT_USAGE.
 */
int cli_check_dir(const char *what, const char *path);

/*
 * Where an output argument goes must be writable: the nearest of path and its parents that
 * exists must be a writable folder (or path an existing file): 0, or -1 after a one-line
 * error naming both ("cannot write in '/proc': Permission denied").
 */
int cli_check_out(const char *what, const char *path);

/*
 * Prints "exifbench: MESSAGE" on stderr, as every set-up error is printed, and keeps the
 * message for cli_last_error (a command's --json output repeats it on stdout).
 */
void cli_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* The last cli_error message, "" when there was none. */
const char *cli_last_error(void);

struct s3_config;

/*
 * The AWS_* settings into cfg (s3_config_from_env): -1 to go on, else EXIT_SETUP after a
 * one-line error on stderr saying which setting is wrong.
 */
int cli_s3_config(struct s3_config *cfg);

/* Prints o as one line of JSON on stdout, then releases it. */
void cli_print_json(json_t *o);

/* `exifbench dataset ...`; argv[0] is "dataset". Returns the exit code. */
int cmd_dataset(int argc, char **argv);

/* `exifbench run ...`; argv[0] is "run". Returns the exit code. */
int cmd_run(int argc, char **argv);

/* `exifbench exif FILE...`; argv[0] is "exif". Returns the exit code. */
int cmd_exif(int argc, char **argv);

/* `exifbench shape ...`: the network-shaping proxy; argv[0] is "shape". */
int cmd_shape(int argc, char **argv);

/* `exifbench bench --scenario FILE ...`: a scenario's runs into a results folder. */
int cmd_bench(int argc, char **argv);

/* `exifbench report DIR`: report.md, report.json and plots/ from result folders. */
int cmd_report(int argc, char **argv);

/* `exifbench compare A B`: two result folders side by side. */
int cmd_compare(int argc, char **argv);

/* `exifbench trace FILE`: a run's stage times from its trace. */
int cmd_trace(int argc, char **argv);

/* `exifbench plan DIR --images N --deadline T`: the capacity planner (and --check). */
int cmd_plan(int argc, char **argv);

#endif
