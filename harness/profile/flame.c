/*
 * flame.c: the flame graph SVG of a profile. See flame.h.
 *
 * The stacks come sorted by their text (fold_sorted), so the frames that merge are
 * neighbours and one walk lays them out, as the classic flame graph does: keep the frames of
 * the current path open, each with the sample offset it opened at; a stack that leaves the
 * path at depth d closes the open frames from the deepest to d, each drawn from its offset to
 * the current one. Only the path is held, so memory stays the depth's. Frames narrower than
 * MIN_PX are left out (their parent still covers their samples).
 */
#include <stdint.h>
#include <string.h>

#include "flame.h"
#include "frame.h"

#define PAD 10
#define HEAD 58		/* the title, the key and the note above the frames */
#define MIN_PX 0.25
#define CHAR_PX 7.0	/* a character of the 12 px monospace font */

struct walk {
	FILE *out;
	double scale;		/* pixels per sample */
	size_t total, depth;	/* the samples; the deepest stack's frames */
	size_t open;		/* frames on the path */
	size_t start[FOLD_MAX_FRAMES], child[FOLD_MAX_FRAMES];
	char name[FOLD_MAX_FRAMES][FRAME_NAME_MAX];
};

/* The groups' colours (frame.h's order), lightened so black text reads on each. */
static const uint32_t lib_rgb[FRAME_NLIB] = {
	0x4e79a7, 0xb07aa1, 0x59a14f, 0xf28e2b, 0xedc948, 0xbab0ac, 0x76b7b2, 0xe15759,
	0xd4598a, 0x9c755f,
};

static void close_to(struct walk *w, size_t depth, size_t at);
static void draw(struct walk *w, size_t d, size_t start, size_t width, size_t self);
static void head(FILE *out, const char *title, size_t height, size_t total);
static void put_text(FILE *out, const char *s, size_t max);
static uint32_t colour(enum frame_lib lib, const char *name);

int
flame_svg(struct fold *f, const char *title, FILE *out)
{
	static struct walk w;	/* 20 KB of names: off the stack */
	const struct fold_entry *e;
	const char *p, *semi;
	size_t i, n, d, len, at = 0;

	memset(&w, 0, sizeof(w));
	w.out = out;
	e = fold_sorted(f, &n);
	for (i = 0; i < n; i++) {
		w.total += e[i].count;
		for (d = 1, p = e[i].stack; (p = strchr(p, ';')) != NULL; p++)
			d++;
		w.depth = d > w.depth ? d : w.depth;
	}
	w.scale = w.total > 0 ? (FLAME_WIDTH - 2.0 * PAD) / (double)w.total : 0;
	head(out, title, HEAD + w.depth * FLAME_FRAME_H + PAD, w.total);
	for (i = 0; i < n; i++) {
		for (d = 0, p = e[i].stack; *p != '\0' && d < FOLD_MAX_FRAMES; d++, p = semi) {
			if ((semi = strchr(p, ';')) == NULL)
				semi = p + strlen(p);
			len = (size_t)(semi - p);
			len = len < FRAME_NAME_MAX - 1 ? len : FRAME_NAME_MAX - 1;
			if (d < w.open && (strncmp(w.name[d], p, len) != 0 ||
			    w.name[d][len] != '\0'))
				close_to(&w, d, at);
			if (d >= w.open) {
				memcpy(w.name[d], p, len), w.name[d][len] = '\0';
				w.start[d] = at, w.child[d] = 0;
				w.open = d + 1;
			}
			if (*semi == ';')
				semi++;
		}
		close_to(&w, d, at);	/* a shorter stack than the path */
		at += e[i].count;
	}
	close_to(&w, 0, at);
	if (w.total == 0)
		fprintf(out, "<text x=\"%d\" y=\"%d\">No samples: nothing was on a CPU while "
		    "perf recorded.</text>\n", PAD, HEAD + 14);
	fputs("</svg>\n", out);
	return fflush(out) == 0 && !ferror(out) ? 0 : -1;
}

/* Closes the open frames from the deepest to depth, drawing each up to sample at. */
static void
close_to(struct walk *w, size_t depth, size_t at)
{
	size_t width;

	while (w->open > depth) {
		w->open--;
		width = at - w->start[w->open];
		draw(w, w->open, w->start[w->open], width, width - w->child[w->open]);
		if (w->open > 0)
			w->child[w->open - 1] += width;
	}
}

/* One frame's rectangle, its title and its clipped name. */
static void
draw(struct walk *w, size_t d, size_t start, size_t width, size_t self)
{
	double x = PAD + (double)start * w->scale, px = (double)width * w->scale;
	double y = HEAD + (double)(w->depth - 1 - d) * FLAME_FRAME_H;
	const char *name = w->name[d], *fn = strchr(name, '`');
	uint32_t c = colour(frame_lib_of(name), name);
	size_t fit;

	if (px < MIN_PX)
		return;
	fputs("<g><title>", w->out);
	put_text(w->out, name, SIZE_MAX);
	fprintf(w->out, " (%s): %zu samples, %.2f%%; self %zu, %.2f%%</title>",
	    frame_lib_name(frame_lib_of(name)), width, 100.0 * (double)width / (double)w->total,
	    self, 100.0 * (double)self / (double)w->total);
	fprintf(w->out, "<rect x=\"%.2f\" y=\"%.1f\" width=\"%.2f\" height=\"%d\" "
	    "fill=\"#%06x\" rx=\"2\"/>", x, y, px, FLAME_FRAME_H - 1, (unsigned)c);
	fn = fn != NULL ? fn + 1 : name;
	fit = px > 3 * CHAR_PX ? (size_t)((px - 6) / CHAR_PX) : 0;
	if (fit >= 3) {
		fprintf(w->out, "<text x=\"%.2f\" y=\"%.1f\">", x + 3, y + FLAME_FRAME_H - 4);
		put_text(w->out, fn, fit);
		fputs("</text>", w->out);
	}
	fputs("</g>\n", w->out);
}

/* The SVG's opening, the title, the key of the groups' colours and how to read it. */
static void
head(FILE *out, const char *title, size_t height, size_t total)
{
	int i;
	double x = PAD;

	fprintf(out, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<svg "
	    "xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%zu\" "
	    "viewBox=\"0 0 %d %zu\" font-family=\"monospace\" font-size=\"12\">\n"
	    "<rect width=\"100%%\" height=\"100%%\" fill=\"#ffffff\"/>\n", FLAME_WIDTH, height,
	    FLAME_WIDTH, height);
	fputs("<title>", out);	/* the graph's own, before the frames' */
	put_text(out, title, SIZE_MAX);
	fputs("</title>\n", out);
	fprintf(out, "<text x=\"%d\" y=\"18\" font-size=\"15\">", PAD);
	put_text(out, title, SIZE_MAX);
	fputs("</text>\n", out);
	for (i = 0; i < FRAME_NLIB; i++) {
		const char *nm = frame_lib_name((enum frame_lib)i);

		fprintf(out, "<rect x=\"%.0f\" y=\"26\" width=\"12\" height=\"12\" "
		    "fill=\"#%06x\"/><text x=\"%.0f\" y=\"36\">%s</text>\n", x,
		    (unsigned)colour((enum frame_lib)i, NULL), x + 16, nm);
		x += 16 + CHAR_PX * (double)strlen(nm) + 14;
	}
	fprintf(out, "<text x=\"%d\" y=\"52\" fill=\"#555555\">%zu samples. A frame's width is "
	    "its share of them (it and what it called); the frame under it is its caller. Rest "
	    "the pointer on a frame for its counts.</text>\n", PAD, total);
}

/* s as XML text, at most max characters (the last two then ".."). */
static void
put_text(FILE *out, const char *s, size_t max)
{
	size_t n = strlen(s), i, keep = n <= max ? n : max - 2;

	for (i = 0; i < keep; i++)
		switch (s[i]) {
		case '&': fputs("&amp;", out); break;
		case '<': fputs("&lt;", out); break;
		case '>': fputs("&gt;", out); break;
		case '"': fputs("&quot;", out); break;
		default:
			if ((unsigned char)s[i] >= 0x20)
				fputc(s[i], out);
		}
	if (keep < n)
		fputs("..", out);
}

/*
 * The colour of a frame of group lib (or of the group itself, name NULL: the key's): the
 * group's, lightened toward white, a frame's by an amount from its name's hash, so that
 * neighbours differ.
 */
static uint32_t
colour(enum frame_lib lib, const char *name)
{
	uint32_t h = 2166136261u, rgb = lib_rgb[lib], out = 0;
	double mix = 0.3;
	int shift;
	const char *p;

	if (name != NULL) {
		for (p = name; *p != '\0'; p++)
			h = (h ^ (unsigned char)*p) * 16777619u;
		mix = 0.25 + (double)(h % 1000) / 1000.0 * 0.3;
	}
	for (shift = 16; shift >= 0; shift -= 8) {
		double v = (double)((rgb >> shift) & 0xff);

		out |= (uint32_t)(v + (255.0 - v) * mix) << shift;
	}
	return out;
}
