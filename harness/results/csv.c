/*
 * csv.c: the CSV record reader and splitter the result readers share. See csv.h.
 */
#include "csv.h"

#include <string.h>
#include <stdlib.h>
#include <sys/types.h>

int
csv_record(FILE *f, char **line, size_t *cap, size_t *lineno)
{
	size_t len = 0, quotes = 0, i;
	char *part = NULL, *grown;
	size_t pcap = 0;
	ssize_t got;

	do {
		if ((got = getline(&part, &pcap, f)) <= 0)
			break;	/* the end, maybe inside an open quote: still one record */
		(*lineno)++;
		if (len + (size_t)got + 2 > *cap) {	/* room for a missing final '\n' */
			if ((grown = realloc(*line, len + (size_t)got + 2)) == NULL) {
				free(part);
				return -1;
			}
			*line = grown, *cap = len + (size_t)got + 2;
		}
		memcpy(*line + len, part, (size_t)got + 1);
		len += (size_t)got;
		for (i = 0; i < (size_t)got; i++)
			quotes += part[i] == '"';
	} while (quotes % 2 != 0);
	free(part);
	if (len == 0)
		return -1;
	if ((*line)[len - 1] != '\n')
		(*line)[len] = '\n', (*line)[len + 1] = '\0';
	return 0;
}

size_t
csv_split(char *rec, char **cell, size_t max)
{
	char *r = rec, *w;
	size_t n = 0;

	while (n < max) {
		cell[n++] = w = r;
		if (*r == '"') {
			for (r++; *r != '\0'; r++) {
				if (*r == '"' && r[1] == '"')
					*w++ = '"', r++;
				else if (*r == '"')
					break;
				else
					*w++ = *r;
			}
			if (*r == '"')
				r++;
		} else {
			while (*r != ',' && *r != '\n' && *r != '\0')
				*w++ = *r++;
		}
		if (*r != ',') {
			*w = '\0';
			break;
		}
		*w = '\0';
		r++;
	}
	return n;
}

int
csv_index(char *const *cell, size_t n, const char *name)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (strcmp(cell[i], name) == 0)
			return (int)i;
	return -1;
}
