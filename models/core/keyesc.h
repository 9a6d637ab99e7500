/*
 * keyesc.h: the one way an object key is written on a line of text, so that a key holding a
 * tab, a newline or a carriage return still takes one field of one line: jq's @tsv escapes,
 * a backslash before '\' 't' 'n' 'r' for a backslash, tab, newline and carriage return, and
 * every other byte as it is. `dataset ls` writes keys so; `run --keys FILE` reads them back;
 * a folder dataset's name hashes its keys so (harness/engine/dirdata.c).
 */
#ifndef EXIFBENCH_KEYESC_H
#define EXIFBENCH_KEYESC_H

#include <stddef.h>

/* The room keyesc_encode needs for a key of n bytes, with its NUL. */
#define KEYESC_SIZE(n) (2 * (n) + 1)

/* key, escaped, into out (KEYESC_SIZE(strlen(key)) bytes): the length written. */
size_t keyesc_encode(const char *key, char *out);

/*
 * Undoes keyesc_encode in place: 0, or -1 when s holds a backslash that is not one of the
 * four escapes (s is then left as it was up to that point; the caller names the line).
 */
int keyesc_decode(char *s);

#endif
