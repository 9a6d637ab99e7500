/*
 * walk.h: the regular files under a local folder, recursively, one at a time, as paths
 * relative to it, in the order an S3 listing of the same tree would give: a folder's entries
 * are sorted by bytes with each subfolder's name taken as "name/", so the paths come out in
 * plain byte order of the whole relative path ("a.jpg" before "a/b.jpg", as ListObjectsV2
 * has them).
 *
 * Memory: the names of the folders on the way down from the root to the one being read, each
 * read whole when first entered (sorting needs them all) and freed when left. A flat folder
 * of N files holds N names; a tree holds its widest folder's names plus those of its
 * ancestors still to visit, however many files the tree has in all.
 *
 * Symbolic links to files are listed; links to folders are not followed (no loops). Other
 * entries (sockets, devices, fifos) are skipped. Not thread-safe per walk.
 */
#ifndef EXIFBENCH_WALK_H
#define EXIFBENCH_WALK_H

#include <stddef.h>

struct walk;

/*
 * A walk of root (copied). The root is read at the first walk_next. NULL when out of memory.
 */
struct walk *walk_new(const char *root);
void walk_free(struct walk *w);

/*
 * The next file's path relative to the root, into rel (rellen bytes): 1, 0 at the end, -1
 * with a one-line reason in err (a folder that cannot be read, a path longer than rellen);
 * later calls return -1 too.
 */
int walk_next(struct walk *w, char *rel, size_t rellen, char *err, size_t errlen);

#endif
