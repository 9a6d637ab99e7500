/*
 * rs_dataset.h: the dataset a result folder ran on, in the figures of datasets/dsstats.h
 * (images, total size, size p50/p99/max, share with EXIF). The bench records them in
 * meta.json's dataset.stats: from the manifest for a generated profile, from the trace for a
 * source. A folder without them (written before they were recorded) has them computed here
 * from its trace.
 */
#ifndef EXIFBENCH_RS_DATASET_H
#define EXIFBENCH_RS_DATASET_H

#include <jansson.h>
#include <stddef.h>

#include "datasets/dsstats.h"
#include "resultset.h"

/*
 * The figures of the images the run of dir/trace.csv that read the most of them (the first
 * such run) read: a row counts when its GET brought bytes (bytes_in > 0), its size being
 * bytes_in; its EXIF is known when it ended ok (exif_tags > 0: with EXIF). Streams the
 * trace once; st empty when there is none. 0, or -1 with err.
 */
int rs_dataset_trace(const char *dir, struct dsstats *st, char *err, size_t errlen);

/*
 * s's dataset figures as a new JSON object (dsstats_json's members): meta.json's
 * dataset.stats when the bench recorded them, else rs_dataset_trace's ("from": "trace").
 * NULL when neither has an image (or out of memory, or the trace cannot be read).
 */
json_t *rs_dataset(const struct rs_scenario *s);

#endif
