/*
 * fold_perf.c: `perf script` output into a profile's stacks (fold.h's fold_line and
 * fold_end). A sample's frames are gathered leaf first in a fixed array while its lines
 * arrive and joined root first when it ends (a blank line, the next header, or the end),
 * then counted through fold_add.
 */
#include <string.h>

#include "fold_int.h"

static int add_frame(struct fold *f, const char *line);

int
fold_line(struct fold *f, const char *line)
{
	const char *p = line;

	while (*p == ' ' || *p == '\t')
		p++;
	if (*p == '\n' || *p == '\r' || *p == '\0')
		return fold_end(f);
	if (p == line) {	/* a sample's header: the one before it has ended */
		if (fold_end(f) < 0)
			return -1;
		f->in_sample = 1;
		return 0;
	}
	return f->in_sample ? add_frame(f, p) : 0;
}

int
fold_end(struct fold *f)
{
	size_t i, len = 0, n;

	if (!f->in_sample)
		return 0;
	f->in_sample = 0;
	if (f->cut > 0) {
		memcpy(f->stack, FOLD_CUT, sizeof(FOLD_CUT) - 1);
		len = sizeof(FOLD_CUT) - 1;
	}
	for (i = f->nframes; i-- > 0;) {
		if (len > 0)
			f->stack[len++] = ';';
		n = strlen(f->frames[i]);
		memcpy(f->stack + len, f->frames[i], n);
		len += n;
	}
	if (len == 0) {		/* no frame said anything: still a sample on a CPU */
		memcpy(f->stack, "?`[unknown]", 11);
		len = 11;
	}
	f->stack[len] = '\0';
	f->nframes = f->cut = 0;
	return fold_add(f, f->stack, 1);
}

/* One frame line, "ADDR SYM (DSO)", leading blanks gone: kept unless it says nothing. */
static int
add_frame(struct fold *f, const char *line)
{
	char sym[FRAME_NAME_MAX], dso[256];
	const char *p = line, *open, *end;
	size_t n;
	int depth;

	while (*p != '\0' && *p != ' ' && *p != '\t')	/* the address */
		p++;
	while (*p == ' ' || *p == '\t')
		p++;
	end = p + strlen(p);
	while (end > p && (end[-1] == '\n' || end[-1] == '\r' || end[-1] == ' '))
		end--;
	dso[0] = '\0';
	open = NULL;
	/* The dso is in the last parentheses, which may hold some: "(/x/exifbench (deleted))". */
	if (end > p && end[-1] == ')')
		for (depth = 0, open = end - 1; open > p; open--) {
			depth += *open == ')' ? 1 : *open == '(' ? -1 : 0;
			if (depth == 0 && open[-1] == ' ')
				break;
		}
	if (open != NULL && open > p) {
		n = (size_t)(end - 1 - open - 1);
		n = n < sizeof(dso) - 1 ? n : sizeof(dso) - 1;
		memcpy(dso, open + 1, n), dso[n] = '\0';
		end = open - 1;
	}
	n = (size_t)(end - p) < sizeof(sym) - 1 ? (size_t)(end - p) : sizeof(sym) - 1;
	memcpy(sym, p, n), sym[n] = '\0';
	if (f->nframes == FOLD_MAX_FRAMES - 1) {	/* one is left for FOLD_CUT */
		f->cut++;
		return 0;
	}
	if (frame_name(f->frames[f->nframes], FRAME_NAME_MAX, sym, dso) == 0)
		f->nframes++;
	return 0;
}
