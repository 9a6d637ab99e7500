/*
 * versions.h: the software a result was measured with, for meta.json: exifbench and its git
 * commit, and the libraries' versions (curl, libevent, hwloc, libexif, libjpeg-turbo, jansson)
 * and the compiler.
 */
#ifndef EXIFBENCH_VERSIONS_H
#define EXIFBENCH_VERSIONS_H

#include <jansson.h>

#define EXIFBENCH_VERSION "0.2.0"

/* The versions as a JSON object; home is the source folder asked for its git commit. */
json_t *versions_record(const char *home);

#endif
