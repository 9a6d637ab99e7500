/*
 * dsstats.h: what a dataset is, in the figures a report gives: how many images, their total
 * size, the size at p50 and p99 and the largest, and the share that carries EXIF. Images are
 * added one at a time (from a manifest, a listing or a run's trace) into a fixed-size log
 * histogram of sizes, DSSTATS_SUB buckets per power of two, so memory is the same whatever the
 * dataset's size and a percentile is within 0.6% of a size observed (exact for the largest).
 */
#ifndef EXIFBENCH_DSSTATS_H
#define EXIFBENCH_DSSTATS_H

#include <jansson.h>
#include <stdint.h>

#define DSSTATS_SUB 128				/* buckets per power of two */
#define DSSTATS_BUCKETS (1 + 40 * DSSTATS_SUB)	/* sizes 0 to 1 TiB; larger ones in the last */

struct dsstats {
	uint64_t count;		/* images added */
	uint64_t bytes;		/* their total size */
	uint64_t max;		/* the largest */
	uint64_t exif_known;	/* images whose EXIF is known (a file that failed is not) */
	uint64_t with_exif;	/* of those, the ones with at least one EXIF tag */
	uint32_t hist[DSSTATS_BUCKETS];
};

/* Empties st. */
void dsstats_init(struct dsstats *st);

/* Adds one image of size bytes; exif: 1 it has EXIF, 0 it has none, -1 not known. */
void dsstats_add(struct dsstats *st, uint64_t size, int exif);

/*
 * The size at fraction p (0 < p <= 1) by nearest rank: the lower edge of the rank's bucket,
 * within [its smallest possible size, max]; p = 1 gives max exactly. 0 when st is empty.
 */
uint64_t dsstats_size_at(const struct dsstats *st, double p);

/*
 * The figures as a JSON object: {"from": from, "images", "bytes", "size_p50", "size_p99",
 * "size_max", "exif_known", "with_exif", "exif_share"} (exif_share: with_exif / exif_known,
 * null when no EXIF is known). from says where they come from ("manifest", "listing",
 * "trace"). NULL when out of memory.
 */
json_t *dsstats_json(const struct dsstats *st, const char *from);

#endif
