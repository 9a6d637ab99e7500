/*
 * keyesc.c: keys on a line of text, escaped as jq's @tsv escapes them. See keyesc.h.
 */
#include "keyesc.h"

#include <string.h>

static const char special[] = "\\\t\n\r", written[] = "\\tnr";

size_t
keyesc_encode(const char *key, char *out)
{
	const char *sp;
	char *p = out;

	for (; *key != '\0'; key++) {
		if ((sp = strchr(special, *key)) != NULL) {
			*p++ = '\\';
			*p++ = written[sp - special];
		} else {
			*p++ = *key;
		}
	}
	*p = '\0';
	return (size_t)(p - out);
}

int
keyesc_decode(char *s)
{
	const char *sp;
	char *w = s;

	for (; *s != '\0'; s++) {
		if (*s != '\\') {
			*w++ = *s;
			continue;
		}
		if (s[1] == '\0' || (sp = strchr(written, s[1])) == NULL)
			return -1;
		*w++ = special[sp - written];
		s++;
	}
	*w = '\0';
	return 0;
}
