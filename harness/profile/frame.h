/*
 * frame.h: the names of a profile's frames. A frame of a folded stack is "LIB`FUNCTION": the
 * library's file name cut after its major version (libcurl.so.4.8.0 -> libcurl.so.4), the
 * kernel as "kernel", the toolkit's binary as "exifbench"; and each frame belongs to one of the
 * groups the report lists (libcurl, libcrypto/libssl, libexif, libjpeg, jansson, libc,
 * libevent, kernel, exifbench, other). Pure functions: text in, text out.
 */
#ifndef EXIFBENCH_FRAME_H
#define EXIFBENCH_FRAME_H

#include <stddef.h>

enum frame_lib {
	FRAME_LIBCURL, FRAME_CRYPTO, FRAME_LIBEXIF, FRAME_LIBJPEG, FRAME_JANSSON, FRAME_LIBC,
	FRAME_LIBEVENT, FRAME_KERNEL, FRAME_EXIFBENCH, FRAME_OTHER, FRAME_NLIB
};

/* A frame's longest name kept ("LIB`FUNCTION"), its terminating NUL included. */
#define FRAME_NAME_MAX 160

/* The group's name as the report prints it ("libcrypto/libssl"); "" for an unknown value. */
const char *frame_lib_name(enum frame_lib lib);

/* The group of a frame "LIB`FUNCTION" (or of a bare library name "libcurl.so.4"). */
enum frame_lib frame_lib_of(const char *frame);

/*
 * The frame of symbol sym in object dso (as `perf script` prints them: "Curl_http",
 * "/usr/lib/x86_64-linux-gnu/libcurl.so.4.8.0") into out (cap bytes, truncated to fit): 0;
 * or -1 for a frame that says nothing (both unknown), which a stack leaves out. ';' and
 * newlines in a name become ':' and ' ', so a folded line stays one line of frames.
 */
int frame_name(char *out, size_t cap, const char *sym, const char *dso);

#endif
