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

/* `exifbench dataset ...`; argv[0] is "dataset". Returns the exit code. */
int cmd_dataset(int argc, char **argv);

#endif
