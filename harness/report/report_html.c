/*
 * report_html.c: report.html, one self-contained page beside report.md: the same sections and
 * tables, converted from report.md by cmark-gfm (libcmark with GitHub's table extension, which
 * report.md's tables need), and each figure report.md shows as plots/NAME.png put inline as
 * plots/NAME.svg, so the page opens from the file with no server and nothing beside it. Raw
 * HTML in report.md (it has none of its own; a scenario's description could bring some) is
 * shown as text, never passed through: the page's only markup is cmark's and the figures'.
 * Each figure's ids are prefixed with its number (gnuplot gives every SVG the same ones), its
 * XML prologue dropped, and its size given from its viewBox when gnuplot left it out. A
 * figure whose SVG is missing, too big or holds a script stays a link to its PNG.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmark-gfm-core-extensions.h>
#include <cmark-gfm-extension_api.h>
#include <cmark-gfm.h>

#include "report.h"

#define HTML_FILE_MAX (64u << 20)	/* report.md, or one SVG: larger is not ours */
#define HTML_MAX_NODES 512	/* images and raw HTML snippets in report.md */

struct buf {
	char *p;
	size_t len, cap;
	int oom;
};

static const char html_head[] =
    "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
    "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
    "<title>exifbench report</title>\n<style>\n"
    "body { font: 15px/1.45 sans-serif; color: #222; margin: 0 auto; max-width: 1240px;"
    " padding: 0 20px 40px; }\n"
    "h1 { border-bottom: 2px solid #ccc; } h2 { border-bottom: 1px solid #ddd;"
    " margin-top: 2em; }\n"
    "table { border-collapse: collapse; margin: 0.5em 0 1em; font-size: 14px; }\n"
    "th, td { border: 1px solid #ccc; padding: 3px 8px; vertical-align: top; }\n"
    "th { background: #f0f0f0; } tr:nth-child(even) td { background: #fafafa; }\n"
    "code { background: #f3f3f3; padding: 0 3px; }\n"
    "svg.figure { display: block; max-width: 100%; height: auto; margin: 1em 0 0.2em; }\n"
    "</style>\n</head>\n<body>\n";
static const char html_tail[] = "</body>\n</html>\n";

static int read_file(const char *path, struct buf *b, char *err, size_t errlen);
static void put(struct buf *b, const char *s, size_t n);
static void put_str(struct buf *b, const char *s);
static void put_escaped(struct buf *b, const char *s);
static void alt_text(cmark_node *img, struct buf *alt);
static int svg_inline(const char *dir, const char *url, const char *alt, unsigned fig,
    struct buf *out);
static int svg_rewrite(const char *svg, const char *alt, unsigned fig, struct buf *out);
static int rewrite(cmark_node *doc, const char *dir);
static int kept_tag(cmark_node *n);
static int write_page(const char *dir, const char *body, char *err, size_t errlen);

int
report_html(const char *dir, char *err, size_t errlen)
{
	cmark_syntax_extension *table;
	cmark_parser *p = NULL;
	cmark_node *doc = NULL;
	struct buf md = { 0 };
	char path[PATH_MAX], *body = NULL;
	int rv = -1;

	snprintf(path, sizeof(path), "%s/report.md", dir);
	if (read_file(path, &md, err, errlen) < 0)
		return -1;
	cmark_gfm_core_extensions_ensure_registered();
	if ((table = cmark_find_syntax_extension("table")) == NULL ||
	    (p = cmark_parser_new(CMARK_OPT_DEFAULT | CMARK_OPT_VALIDATE_UTF8)) == NULL ||
	    cmark_parser_attach_syntax_extension(p, table) == 0) {
		snprintf(err, errlen, "%s/report.html: cmark-gfm has no table extension", dir);
		goto done;
	}
	cmark_parser_feed(p, md.p, md.len);
	if ((doc = cmark_parser_finish(p)) == NULL) {
		snprintf(err, errlen, "%s: cmark-gfm could not parse it", path);
		goto done;
	}
	if (rewrite(doc, dir) < 0) {
		snprintf(err, errlen, "%s/report.html: more than %d figures and HTML snippets, or "
		    "out of memory", dir, HTML_MAX_NODES);
		goto done;
	}
	/* Unsafe only in that it keeps the figures' markup: rewrite left no other. */
	if ((body = cmark_render_html(doc, CMARK_OPT_UNSAFE,
	    cmark_parser_get_syntax_extensions(p))) == NULL) {
		snprintf(err, errlen, "%s/report.html: out of memory", dir);
		goto done;
	}
	rv = write_page(dir, body, err, errlen);
done:
	free(body);
	if (doc != NULL)
		cmark_node_free(doc);
	if (p != NULL)
		cmark_parser_free(p);
	free(md.p);
	return rv;
}

/* The whole of path into b, NUL-terminated; -1 with err when unreadable or too big. */
static int
read_file(const char *path, struct buf *b, char *err, size_t errlen)
{
	FILE *f = fopen(path, "r");
	char chunk[65536];
	size_t n;
	int bad;

	memset(b, 0, sizeof(*b));
	if (f == NULL) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0 && b->len <= HTML_FILE_MAX)
		put(b, chunk, n);
	bad = ferror(f);
	fclose(f);
	put(b, "", 1);
	if (!b->oom)
		b->len--;
	if (bad || b->oom || b->len > HTML_FILE_MAX) {
		snprintf(err, errlen, "%s: %s", path, bad ? "read error" : b->oom ?
		    "out of memory" : "too big");
		free(b->p);
		memset(b, 0, sizeof(*b));
		return -1;
	}
	return 0;
}

static void
put(struct buf *b, const char *s, size_t n)
{
	char *np;
	size_t cap;

	if (b->oom)
		return;
	if (b->len + n + 1 > b->cap) {
		cap = b->cap ? b->cap : 4096;
		while (cap < b->len + n + 1)
			cap *= 2;
		if ((np = realloc(b->p, cap)) == NULL) {
			b->oom = 1;
			return;
		}
		b->p = np, b->cap = cap;
	}
	memcpy(b->p + b->len, s, n);
	b->len += n;
	b->p[b->len] = '\0';
}

static void
put_str(struct buf *b, const char *s)
{
	put(b, s, strlen(s));
}

/* Text into markup: the five characters that could end an element or an attribute. */
static void
put_escaped(struct buf *b, const char *s)
{
	static const char chars[] = "<>&\"'";
	static const char *const ents[] = { "&lt;", "&gt;", "&amp;", "&quot;", "&#39;" };
	size_t n;

	for (; *s != '\0'; s += n + 1) {
		n = strcspn(s, chars);
		put(b, s, n);
		if (s[n] == '\0')
			break;
		put_str(b, ents[strchr(chars, s[n]) - chars]);
	}
}

/* An image's alt text: the literals of its children, in order. */
static void
alt_text(cmark_node *img, struct buf *alt)
{
	cmark_node *c;
	const char *lit;

	for (c = cmark_node_first_child(img); c != NULL; c = cmark_node_next(c))
		if ((lit = cmark_node_get_literal(c)) != NULL)
			put(alt, lit, strlen(lit));
		else
			alt_text(c, alt);
}

/*
 * Figures inline, raw HTML as text: the nodes are gathered first and replaced afterwards,
 * since an iterator may not outlive a change to the tree it walks. -1 when a raw HTML node
 * could be left as it is (too many, or out of memory): the page is then not rendered.
 */
/*
 * The one raw markup report.md writes itself: <sub> and </sub> around each figure's settings
 * caption (report_out.c), a tag alone with no attribute, kept as markup; any other raw HTML
 * (a machine or dataset name from meta.json) is shown as text.
 */
static int
kept_tag(cmark_node *n)
{
	const char *lit = cmark_node_get_literal(n);

	return lit != NULL && (strcmp(lit, "<sub>") == 0 || strcmp(lit, "</sub>") == 0);
}

static int
rewrite(cmark_node *doc, const char *dir)
{
	cmark_node *todo[HTML_MAX_NODES], *n, *repl;
	cmark_iter *it = cmark_iter_new(doc);
	struct buf alt, svg;
	cmark_node_type t;
	size_t k = 0, i;
	unsigned fig = 0;

	if (it == NULL)
		return -1;
	while (cmark_iter_next(it) != CMARK_EVENT_DONE)
		if (cmark_iter_get_event_type(it) == CMARK_EVENT_ENTER &&
		    ((t = cmark_node_get_type(n = cmark_iter_get_node(it))) == CMARK_NODE_IMAGE ||
		    (t == CMARK_NODE_HTML_INLINE && !kept_tag(n)) || t == CMARK_NODE_HTML_BLOCK)) {
			if (k == HTML_MAX_NODES) {
				cmark_iter_free(it);
				return -1;
			}
			todo[k++] = n;
		}
	cmark_iter_free(it);
	for (i = 0; i < k; i++) {
		n = todo[i];
		t = cmark_node_get_type(n);
		repl = cmark_node_new(t == CMARK_NODE_IMAGE ? CMARK_NODE_HTML_INLINE :
		    t == CMARK_NODE_HTML_BLOCK ? CMARK_NODE_CODE_BLOCK : CMARK_NODE_CODE);
		if (repl == NULL && t != CMARK_NODE_IMAGE)
			return -1;
		if (repl == NULL)
			continue;
		if (t != CMARK_NODE_IMAGE) {
			cmark_node_set_literal(repl, cmark_node_get_literal(n));
		} else {
			memset(&alt, 0, sizeof(alt)), memset(&svg, 0, sizeof(svg));
			alt_text(n, &alt);
			if (svg_inline(dir, cmark_node_get_url(n), alt.p ? alt.p : "", ++fig,
			    &svg) == 0)
				cmark_node_set_literal(repl, svg.p);
			else
				cmark_node_free(repl), repl = NULL;	/* stays an <img> */
			free(alt.p), free(svg.p);
		}
		if (repl != NULL && cmark_node_replace(n, repl))
			cmark_node_free(n);
		else if (repl != NULL && t != CMARK_NODE_IMAGE) {
			cmark_node_free(repl);
			return -1;
		} else if (repl != NULL)
			cmark_node_free(repl);
	}
	return 0;
}

/* url plots/NAME.png, and DIR/plots/NAME.svg readable and fit: its markup into out. */
static int
svg_inline(const char *dir, const char *url, const char *alt, unsigned fig, struct buf *out)
{
	char path[PATH_MAX], e[256];
	struct buf svg;
	size_t n;
	int rv;

	/* A CPU profile's flame graph (report_profile.c): [FOLDER/]profiles/NAME.svg itself. */
	if (url != NULL && (n = strlen(url)) > 13 && strcmp(url + n - 4, ".svg") == 0 &&
	    strstr(url, "profiles/") != NULL && url[0] != '/' && strstr(url, "..") == NULL &&
	    (size_t)snprintf(path, sizeof(path), "%s/%s", dir, url) < sizeof(path))
		goto read;
	if (url == NULL || strncmp(url, "plots/", 6) != 0 || (n = strlen(url)) < 11 ||
	    strcmp(url + n - 4, ".png") != 0 || strchr(url + 6, '/') != NULL ||
	    (size_t)snprintf(path, sizeof(path), "%s/%.*s.svg", dir, (int)(n - 4), url) >=
	    sizeof(path))
		return -1;
read:
	if (read_file(path, &svg, e, sizeof(e)) < 0)
		return -1;
	rv = svg_rewrite(svg.p, alt, fig, out);
	free(svg.p);
	return rv;
}

/*
 * From the <svg> element on, with the figure's number before every id and every reference
 * to one (id=, href="#, url(#), a width and height from the viewBox when it has none, its
 * title the alt text. -1 for an SVG with no <svg> or with a script, which is not gnuplot's.
 */
static int
svg_rewrite(const char *svg, const char *alt, unsigned fig, struct buf *out)
{
	static const char *const refs[] = { "id='", "id=\"", "href='#", "href=\"#", "url(#" };
	const char *s = strstr(svg, "<svg"), *tag_end, *vb, *hit, *r;
	char pre[32], size[64];
	int titled = 0;
	double w, h;
	size_t i, k;

	if (s == NULL || strstr(s, "<script") != NULL || strstr(s, "<foreignObject") != NULL ||
	    (tag_end = strchr(s, '>')) == NULL)
		return -1;
	snprintf(pre, sizeof(pre), "fig%u-", fig);
	put_str(out, "<svg class=\"figure\" role=\"img\" aria-label=\"");
	put_escaped(out, alt);
	put_str(out, "\"");
	vb = strstr(s, "viewBox=\"");
	if (vb != NULL && vb < tag_end && sscanf(vb + 9, "%*f %*f %lf %lf", &w, &h) == 2 &&
	    (strstr(s, " width=") == NULL || strstr(s, " width=") > tag_end)) {
		snprintf(size, sizeof(size), " width=\"%.0f\" height=\"%.0f\"", w, h);
		put_str(out, size);
	}
	for (s += 4; *s != '\0'; s = hit) {
		/* the next reference, or the figure's own title (the plots' follow) */
		for (hit = NULL, k = 0, i = 0; i < sizeof(refs) / sizeof(refs[0]); i++)
			if ((r = strstr(s, refs[i])) != NULL && (hit == NULL || r < hit))
				hit = r, k = i;
		r = titled ? NULL : strstr(s, "<title>");
		if (r != NULL && (hit == NULL || r < hit) && strstr(r, "</title>") != NULL) {
			titled = 1;
			put(out, s, (size_t)(r - s) + 7);
			put_escaped(out, alt);
			hit = strstr(r, "</title>");
			continue;
		}
		if (hit == NULL) {
			put_str(out, s);
			break;
		}
		hit += strlen(refs[k]);
		put(out, s, (size_t)(hit - s));
		put_str(out, pre);
	}
	put_str(out, "\n");
	return out->oom ? -1 : 0;
}

/* The page to report.html.tmp, then renamed into place. */
static int
write_page(const char *dir, const char *body, char *err, size_t errlen)
{
	char tmp[PATH_MAX], path[PATH_MAX];
	FILE *f;
	int bad;

	snprintf(tmp, sizeof(tmp), "%s/report.html.tmp", dir);
	snprintf(path, sizeof(path), "%s/report.html", dir);
	if ((f = fopen(tmp, "w")) == NULL) {
		snprintf(err, errlen, "%s: %s", tmp, strerror(errno));
		return -1;
	}
	fputs(html_head, f);
	fputs(body, f);
	fputs(html_tail, f);
	bad = ferror(f);
	if (fclose(f) != 0 || bad || rename(tmp, path) < 0) {
		snprintf(err, errlen, "%s: %s", path, bad ? "write error" : strerror(errno));
		unlink(tmp);
		return -1;
	}
	return 0;
}
