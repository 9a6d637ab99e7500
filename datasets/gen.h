/*
 * gen.h: deterministic dataset generation. Image i of a seed is a function of (seed, i) only,
 * so the same seed gives the same bytes whatever the thread count, and mixing in bad files
 * (--bad-fraction) leaves the good ones unchanged. Images are real JPEGs (libjpeg-turbo) with
 * camera-like EXIF (libexif): about 30 makes and models, dates, exposure, ISO, focal length,
 * lenses, GPS on about a third, and all 8 orientations.
 */
#ifndef EXIFBENCH_GEN_H
#define EXIFBENCH_GEN_H

#include <stddef.h>
#include <stdint.h>

#include "manifest.h"

struct gen_profile {
	const char *name;
	unsigned count;
	uint64_t seed;
	const char *about;
};

/* The profile called name, or NULL. gen_profiles lists them, NULL-terminated by name. */
const struct gen_profile *gen_profile_find(const char *name);
extern const struct gen_profile gen_profiles[];

/*
 * Makes image `index` of `seed` in memory: *out (free with free()), *len bytes, and its
 * manifest entry in e (key "IMG_%05u.jpg"). With probability bad_fraction the file is
 * truncated, EXIF-less or corrupt (e->kind says which). Returns 0, or -1 with err set.
 */
int gen_image(uint64_t seed, unsigned index, double bad_fraction, unsigned char **out,
    size_t *len, struct manifest_entry *e, char *err, size_t errlen);

struct gen_options {
	const char *out_dir;	/* created if missing */
	unsigned count;
	uint64_t seed;
	double bad_fraction;	/* [0, 1] */
	unsigned threads;	/* 0: the CPUs this process may use */
};

struct gen_stats {
	unsigned files;
	uint64_t bytes;
	unsigned kinds[MANIFEST_NKINDS];
	double seconds;
};

/*
 * Writes every image and <out_dir>/manifest.jsonl (in index order), creating out_dir and its
 * parents. Returns 0; -2 with err when out_dir cannot be created (a bad argument); or -1 with
 * err naming the file that could not be written.
 */
int gen_run(const struct gen_options *o, struct gen_stats *st, char *err, size_t errlen);

#endif
