/*
 * versions.c: the software versions of a result. See versions.h. libexif has no version call,
 * so its version is the one pkg-config gave at build time (LIBEXIF_VERSION, from the Makefile).
 */
#include <curl/curl.h>
#include <event2/event.h>
#include <hwloc.h>
#include <jpeglib.h>
#include <stdio.h>
#include <string.h>

#include "versions.h"

#ifndef LIBEXIF_VERSION
#define LIBEXIF_VERSION "unknown"
#endif
#define STR_(x) #x
#define STR(x) STR_(x)

static void git_commit(const char *home, char *buf, size_t len);

json_t *
versions_record(const char *home)
{
	char git[64];
	unsigned hw = hwloc_get_api_version();
	char hwv[32];

	git_commit(home, git, sizeof(git));
	snprintf(hwv, sizeof(hwv), "%u.%u.%u", hw >> 16, (hw >> 8) & 0xff, hw & 0xff);
	return json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s}",
	    "exifbench", EXIFBENCH_VERSION, "git_commit", git,
	    "libcurl", curl_version_info(CURLVERSION_NOW)->version,
	    "libevent", event_get_version(), "hwloc_api", hwv, "libexif", LIBEXIF_VERSION,
	    "libjpeg_turbo", STR(LIBJPEG_TURBO_VERSION), "jansson", JANSSON_VERSION,
	    "compiler", __VERSION__);
}

/*
 * `git describe --always --dirty` in home: the commit (or the nearest tag and the commits
 * since), "-dirty" when files differ; "unknown" outside a work tree.
 */
static void
git_commit(const char *home, char *buf, size_t len)
{
	char cmd[4200];
	FILE *p;
	size_t n;

	snprintf(buf, len, "unknown");
	if (home == NULL || strchr(home, '\'') != NULL)
		return;
	snprintf(cmd, sizeof(cmd), "git -C '%s' describe --always --dirty --abbrev=12 "
	    "2>/dev/null", home);
	if ((p = popen(cmd, "r")) == NULL)
		return;
	if (fgets(buf, (int)len, p) == NULL)
		snprintf(buf, len, "unknown");
	n = strcspn(buf, "\n");
	buf[n] = '\0';
	pclose(p);
}
