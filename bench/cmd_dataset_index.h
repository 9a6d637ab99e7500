/*
 * cmd_dataset_index.h: `exifbench dataset index`, for the dispatcher in cmd_dataset.c. Takes
 * its argv (argv[0] "index") and returns an exit code of cli.h.
 */
#ifndef EXIFBENCH_CMD_DATASET_INDEX_H
#define EXIFBENCH_CMD_DATASET_INDEX_H

int dataset_index(int argc, char **argv);

#endif
