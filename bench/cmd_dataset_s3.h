/*
 * cmd_dataset_s3.h: the dataset commands that talk to S3 (load, verify, ls, rm), for the
 * dispatcher in cmd_dataset.c. Each takes its argv (argv[0] the command's name), prints its
 * summary on stdout and one line per failed item on stderr, and returns an exit code of cli.h.
 */
#ifndef EXIFBENCH_CMD_DATASET_S3_H
#define EXIFBENCH_CMD_DATASET_S3_H

/* The size of the error buffers the dataset commands hand to datasets/. */
#define DATASET_ERRLEN 640

int dataset_load(int argc, char **argv);
int dataset_verify(int argc, char **argv);
int dataset_rm(int argc, char **argv);
int dataset_ls(int argc, char **argv);

#endif
