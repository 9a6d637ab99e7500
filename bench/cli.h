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

#include <jansson.h>

/*
 * s as an integer in [min, max] into *out: 0, or -1 after printing a one-line error naming
 * the option opt.
 */
int cli_parse_uint(const char *opt, const char *s, unsigned long min, unsigned long max,
    unsigned long *out);

/* The same for a decimal number in [min, max]. */
int cli_parse_double(const char *opt, const char *s, double min, double max, double *out);

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

#endif
