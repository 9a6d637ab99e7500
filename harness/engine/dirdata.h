/*
 * dirdata.h: a folder of real photos as a bench's dataset (`dataset = DIR`). The folder's
 * files are those `dataset load` uploads: its regular files but manifest.jsonl, not its
 * sub-folders. Its manifest (datasets/index.h) lives in DATA_DIR/dir-HASH/manifest.jsonl,
 * where HASH names the photos, not the folder: the first 16 hex digits of the SHA-256 over
 * the manifest's entries as lines "KEY\tSIZE\tSHA256\n" sorted bytewise (a key's '\\', tab,
 * newline and carriage return written as \\, \t, \n and \r, as jq's @tsv does), so the
 * same photos give the same dir-HASH from any path.
 *
 * Indexing reads every file; it is skipped when DATA_DIR/dir-HASH/source.json records the
 * folder (its absolute path) with the same file count, total size and newest mtime (of its
 * files and of the folder itself, which changes when a file is added, removed or renamed).
 * A file rewritten in place with the same size and an older mtime is not noticed: removing
 * source.json forces a new index.
 */
#ifndef EXIFBENCH_DIRDATA_H
#define EXIFBENCH_DIRDATA_H

#include <stddef.h>
#include <stdint.h>

#define DIRDATA_NAME_LEN 20		/* "dir-" and 16 hex digits */

struct dirdata_scan {
	size_t files;			/* regular files but manifest.jsonl */
	uint64_t bytes;			/* their total size */
	int64_t newest_ns;		/* newest mtime of the files and the folder, ns */
};

/* The folder's files counted into s (nothing read). 0, or -1 with err naming dir. */
int dirdata_scan(const char *dir, struct dirdata_scan *s, char *err, size_t errlen);

/* The dir-HASH of the manifest at path into name. 0, or -1 with err (naming file and line). */
int dirdata_name(const char *path, char name[DIRDATA_NAME_LEN + 1], char *err, size_t errlen);

/*
 * The dir-HASH under data_dir whose source.json records dir (absolute) with s's figures, and
 * whose manifest.jsonl is there: 1 with name, 0 when there is none.
 */
int dirdata_lookup(const char *data_dir, const char *dir, const struct dirdata_scan *s,
    char name[DIRDATA_NAME_LEN + 1]);

/*
 * Makes sure data_dir/dir-HASH/manifest.jsonl describes dir (absolute): found by
 * dirdata_lookup, else indexed (into a temporary file, renamed into place once its hash is
 * known) and recorded in that folder's source.json (which lists every path seen with those
 * photos). Its name into name, its scan into s, *indexed 1 when it indexed. 0, or -1 with err:
 * the folder cannot be read, holds no file, or a file could not be read (the first is named).
 */
int dirdata_prepare(const char *data_dir, const char *dir, char name[DIRDATA_NAME_LEN + 1],
    struct dirdata_scan *s, int *indexed, char *err, size_t errlen);

#endif
