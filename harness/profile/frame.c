/*
 * frame.c: the names and library groups of a profile's frames. See frame.h.
 *
 * A library is named by its file's base name cut after the first number following ".so."
 * (the soname a program links: libcurl.so.4), so two builds of one library fold into one
 * frame. The groups are matched on that name's start: a library not listed is "other".
 */
#include <string.h>

#include "frame.h"

static const char *const lib_names[FRAME_NLIB] = {
	[FRAME_LIBCURL] = "libcurl", [FRAME_CRYPTO] = "libcrypto/libssl",
	[FRAME_LIBEXIF] = "libexif", [FRAME_LIBJPEG] = "libjpeg", [FRAME_JANSSON] = "jansson",
	[FRAME_LIBC] = "libc", [FRAME_LIBEVENT] = "libevent", [FRAME_KERNEL] = "kernel",
	[FRAME_EXIFBENCH] = "exifbench", [FRAME_OTHER] = "other",
};

/* Library name starts and their groups, first match wins. */
static const struct {
	const char *start;
	enum frame_lib lib;
} groups[] = {
	{ "libcurl", FRAME_LIBCURL }, { "libcrypto", FRAME_CRYPTO }, { "libssl", FRAME_CRYPTO },
	{ "libexif", FRAME_LIBEXIF }, { "libjpeg", FRAME_LIBJPEG },
	{ "libturbojpeg", FRAME_LIBJPEG }, { "libjansson", FRAME_JANSSON },
	{ "libc.", FRAME_LIBC }, { "libc-", FRAME_LIBC }, { "ld-linux", FRAME_LIBC },
	{ "libm.", FRAME_LIBC }, { "libpthread", FRAME_LIBC }, { "vdso", FRAME_LIBC },
	{ "libevent", FRAME_LIBEVENT }, { "kernel", FRAME_KERNEL },
	{ "exifbench", FRAME_EXIFBENCH },
};

static size_t lib_short(char *out, size_t cap, const char *dso);
static void put(char *out, size_t cap, size_t *len, const char *s, size_t n);

const char *
frame_lib_name(enum frame_lib lib)
{
	return (unsigned)lib < FRAME_NLIB ? lib_names[lib] : "";
}

enum frame_lib
frame_lib_of(const char *frame)
{
	size_t i, n;
	const char *tick = strchr(frame, '`');

	n = tick != NULL ? (size_t)(tick - frame) : strlen(frame);
	for (i = 0; i < sizeof(groups) / sizeof(groups[0]); i++) {
		size_t g = strlen(groups[i].start);

		if (g <= n && strncmp(frame, groups[i].start, g) == 0)
			return groups[i].lib;
	}
	return FRAME_OTHER;
}

int
frame_name(char *out, size_t cap, const char *sym, const char *dso)
{
	char lib[64];
	size_t len = 0, i;
	int unknown_sym = sym == NULL || *sym == '\0' || strcmp(sym, "[unknown]") == 0;

	if (cap == 0)
		return -1;
	lib_short(lib, sizeof(lib), dso);
	if (unknown_sym && strcmp(lib, "?") == 0)
		return -1;
	put(out, cap, &len, lib, strlen(lib));
	put(out, cap, &len, "`", 1);
	if (unknown_sym)
		put(out, cap, &len, "[unknown]", 9);
	else
		put(out, cap, &len, sym, strlen(sym));
	for (i = 0; i < len; i++)
		if (out[i] == ';')
			out[i] = ':';
		else if (out[i] == '\n' || out[i] == '\r' || out[i] == '\t')
			out[i] = ' ';
	return 0;
}

/* dso's short name into out: "libcurl.so.4", "kernel", "exifbench", or "?" when unknown. */
static size_t
lib_short(char *out, size_t cap, const char *dso)
{
	const char *base, *so, *end;
	size_t len = 0;

	if (dso == NULL || *dso == '\0' || strcmp(dso, "[unknown]") == 0) {
		put(out, cap, &len, "?", 1);
		return len;
	}
	if (strncmp(dso, "[kernel", 7) == 0 || strncmp(dso, "[guest.kernel", 13) == 0) {
		put(out, cap, &len, "kernel", 6);
		return len;
	}
	if (dso[0] == '[') {	/* [vdso], [vsyscall]: the name between the brackets */
		end = strchr(dso, ']');
		put(out, cap, &len, dso + 1, end != NULL ? (size_t)(end - dso - 1) :
		    strlen(dso + 1));
		return len;
	}
	base = strrchr(dso, '/');
	base = base != NULL ? base + 1 : dso;
	end = base + strlen(base);
	if ((so = strstr(base, ".so.")) != NULL) {
		end = so + 4;
		while (*end >= '0' && *end <= '9')
			end++;
	}
	put(out, cap, &len, base, (size_t)(end - base));
	return len;
}

/* Appends n bytes of s to out (cap bytes with the NUL), cutting what does not fit. */
static void
put(char *out, size_t cap, size_t *len, const char *s, size_t n)
{
	if (*len + 1 >= cap)
		return;
	if (*len + n + 1 > cap)
		n = cap - 1 - *len;
	memcpy(out + *len, s, n);
	*len += n;
	out[*len] = '\0';
}
