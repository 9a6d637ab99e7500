/*
 * manifest.h: a dataset's manifest, one JSON object per line (JSON Lines), so it is written and
 * read as a stream and memory stays one entry whatever the dataset's size. Each line holds a
 * file's key (its path under the dataset folder), size, SHA-256, what kind of file it is, and the
 * EXIF values it was written with:
 *
 *   {"key":"IMG_00007.jpg","size":18734,"sha256":"…","kind":"ok","width":640,"height":480,
 *    "exif":{"Make":"Canon","Model":"Canon EOS 80D","Orientation":8,"ExposureTime":0.004,…}}
 *
 * "exif" is null when the file's EXIF is not specified (a corrupt file), {} when it has none.
 */
#ifndef EXIFBENCH_MANIFEST_H
#define EXIFBENCH_MANIFEST_H

#include <stdint.h>
#include <stdio.h>

#include "models/core/digest.h"

#define MANIFEST_NAME "manifest.jsonl"
#define MANIFEST_KEY_MAX 1024

enum manifest_kind {
	MANIFEST_OK,		/* a valid JPEG with EXIF */
	MANIFEST_NOEXIF,	/* a valid JPEG without an APP1 EXIF block */
	MANIFEST_TRUNCATED,	/* a valid file cut short: EXIF intact, image data incomplete */
	MANIFEST_CORRUPT,	/* random bytes written over the EXIF block and the image headers */
	MANIFEST_NKINDS
};

/* The EXIF values a generated file carries; a field is absent when its has_ flag is 0. */
struct manifest_exif {
	char make[32];
	char model[48];
	char lens_model[64];
	char datetime_original[20];	/* "YYYY:MM:DD HH:MM:SS" */
	int orientation;		/* 1..8 */
	double exposure_time;		/* seconds */
	double fnumber;
	double focal_length;		/* mm */
	int iso;
	int has_gps;
	double gps_latitude;		/* signed decimal degrees, south negative */
	double gps_longitude;		/* west negative */
};

struct manifest_entry {
	char key[MANIFEST_KEY_MAX + 1];
	uint64_t size;
	char sha256[DIGEST_HEX_LEN + 1];
	enum manifest_kind kind;
	int width, height;		/* JPEG frame size */
	int has_exif;			/* 1: exif holds the values; 0: none; -1: unspecified */
	struct manifest_exif exif;
};

/* "ok", "noexif", "truncated", "corrupt"; NULL for an out-of-range kind. */
const char *manifest_kind_name(enum manifest_kind k);

/* Appends e as one line to f. Returns 0, or -1 (out of memory, write error). */
int manifest_write(FILE *f, const struct manifest_entry *e);

/*
 * Reads the next entry from f into e. Returns 1 for an entry, 0 at the end, -1 on a bad line,
 * with "PATH:LINE: what is wrong" in err (path names the manifest, *lineno counts lines).
 */
int manifest_read(FILE *f, const char *path, unsigned long *lineno, struct manifest_entry *e,
    char *err, size_t errlen);

#endif
