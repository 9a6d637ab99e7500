/*
 * fuzz.h: what the libFuzzer targets of tests/fuzz/ share. Each fuzz_<name>.c defines the
 * entry point below for one parser of outside input; clang's -fsanitize=fuzzer supplies main
 * for `make fuzz`, and replay.c supplies one for the normal build, which `make unit` runs over
 * seeds/<name>/ and regress/<name>/. The helpers give a target the bytes in the shape its
 * parser reads them: a NUL-terminated string, a FILE, or files in a private temporary folder.
 */
#ifndef EXIFBENCH_FUZZ_H
#define EXIFBENCH_FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* One input: return 0 (libFuzzer's contract); a fault is a crash, a leak or a sanitizer report. */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* data as a NUL-terminated heap string (NUL bytes inside cut it short); free it. NULL: no memory. */
char *fuzz_string(const uint8_t *data, size_t size);

/* data as a read-only stream (fmemopen); fclose it. NULL: no memory. */
FILE *fuzz_stream(const uint8_t *data, size_t size);

/* The process's own temporary folder (made once, removed at exit), or NULL. */
const char *fuzz_dir(void);

/* Writes data[0..size) to fuzz_dir()/name; the full path in path. 0, or -1. */
int fuzz_file(const char *name, const void *data, size_t size, char *path, size_t pathlen);

#endif
