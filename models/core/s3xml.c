/*
 * s3xml.c: S3's XML answers read with expat. One parser per call, fed the whole buffer; the
 * handlers follow element names (no namespace processing: S3 writes its names unprefixed) and
 * collect the text of the few leaves wanted into bounded buffers, so memory does not grow with
 * the document. expat decodes entities and CDATA and rejects what is not well-formed; a
 * DOCTYPE is refused outright (S3 never sends one, and it is where entity expansion attacks
 * live). An error body is often cut short by the caller's cap, so s3xml_text stops at the end
 * of the element it wants and ignores what follows; a list page must be well-formed to its end.
 */
#include "s3xml.h"

#include <expat.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define KEY_MAX 1024

/* Text collected into buf[0..cap), NUL-terminated; over is set when some did not fit. */
struct text {
	char *buf;
	size_t cap, n;
	int over;
};

enum field { F_NONE, F_KEY, F_SIZE, F_TRUNC, F_TOKEN };

/* s3xml_text's state: the first <tag> wanted, found once its end tag is seen. */
struct find {
	XML_Parser p;
	const char *tag;
	int depth, in, found;
	struct text t;
};

/* s3xml_list_page's state. contents is the depth of the open <Contents>, 0 outside one. */
struct list {
	XML_Parser p;
	s3xml_object_cb cb;
	void *arg;
	struct s3xml_page *page;
	int depth, contents, field_depth, have_key, have_trunc, have_token, rc;
	enum field field;
	struct text t;
	char key[KEY_MAX + 1], num[32];
};

static void text_start(struct text *t, char *buf, size_t cap);
static void text_add(struct text *t, const char *s, int len);
static void text_cut(struct text *t);
static int parse(XML_Parser p, const char *xml, size_t len, char *err, size_t errlen);
static XML_Parser parser_new(void *state, XML_StartElementHandler start,
    XML_EndElementHandler end, XML_CharacterDataHandler chars);
static void XMLCALL refuse_doctype(void *arg, const XML_Char *name, const XML_Char *sysid,
    const XML_Char *pubid, int has_internal);
static void XMLCALL find_start(void *arg, const XML_Char *name, const XML_Char **atts);
static void XMLCALL find_end(void *arg, const XML_Char *name);
static void XMLCALL find_chars(void *arg, const XML_Char *s, int len);
static void XMLCALL list_start(void *arg, const XML_Char *name, const XML_Char **atts);
static void XMLCALL list_end(void *arg, const XML_Char *name);
static void XMLCALL list_chars(void *arg, const XML_Char *s, int len);
static void list_field_end(struct list *l);
static void list_stop(struct list *l, int rc, const char *why);

static void
text_start(struct text *t, char *buf, size_t cap)
{
	t->buf = buf;
	t->cap = cap;
	t->n = 0;
	t->over = 0;
	buf[0] = '\0';
}

static void
text_add(struct text *t, const char *s, int len)
{
	size_t room = t->cap - 1 - t->n, k = (size_t)len;

	if (k > room) {
		k = room;
		t->over = 1;
	}
	memcpy(t->buf + t->n, s, k);
	t->n += k;
	t->buf[t->n] = '\0';
}

/* After an overflow, drops a UTF-8 sequence the cut left incomplete (expat's text is UTF-8). */
static void
text_cut(struct text *t)
{
	size_t start = t->n, need;
	unsigned char c;

	if (!t->over)
		return;
	while (start > 0 && ((unsigned char)t->buf[start - 1] & 0xc0) == 0x80)
		start--;
	if (start == 0)
		return;
	c = (unsigned char)t->buf[start - 1];
	need = c >= 0xf0 ? 4 : c >= 0xe0 ? 3 : c >= 0xc0 ? 2 : 1;
	if (t->n - (start - 1) < need)
		t->n = start - 1;
	t->buf[t->n] = '\0';
}

static XML_Parser
parser_new(void *state, XML_StartElementHandler start, XML_EndElementHandler end,
    XML_CharacterDataHandler chars)
{
	XML_Parser p = XML_ParserCreate(NULL);

	if (p == NULL)
		return NULL;
	XML_SetUserData(p, state);
	XML_SetElementHandler(p, start, end);
	XML_SetCharacterDataHandler(p, chars);
	XML_SetStartDoctypeDeclHandler(p, refuse_doctype);
	return p;
}

static void XMLCALL
refuse_doctype(void *arg, const XML_Char *name, const XML_Char *sysid, const XML_Char *pubid,
    int has_internal)
{
	/* Every state struct starts with its parser. */
	(void)XML_StopParser(*(XML_Parser *)arg, XML_FALSE);
}

/*
 * Feeds xml[0..len) to p as the whole document (in int-sized pieces). Returns 0, 1 when a
 * handler stopped the parser, or -1 with expat's reason and position in err.
 */
static int
parse(XML_Parser p, const char *xml, size_t len, char *err, size_t errlen)
{
	size_t off = 0, k;
	enum XML_Error e;

	do {
		k = len - off > INT_MAX / 2 ? INT_MAX / 2 : len - off;
		if (XML_Parse(p, xml + off, (int)k, off + k == len) != XML_STATUS_OK)
			break;
		off += k;
	} while (off < len);
	if (off == len && len > 0)
		return 0;
	if ((e = XML_GetErrorCode(p)) == XML_ERROR_ABORTED)
		return 1;
	if (err != NULL)
		snprintf(err, errlen, "line %lu, column %lu: %s",
		    (unsigned long)XML_GetCurrentLineNumber(p),
		    (unsigned long)XML_GetCurrentColumnNumber(p) + 1,
		    e == XML_ERROR_NONE ? "empty document" : XML_ErrorString(e));
	return -1;
}

static void XMLCALL
find_start(void *arg, const XML_Char *name, const XML_Char **atts)
{
	struct find *f = arg;

	f->depth++;
	if (f->in == 0 && strcmp(name, f->tag) == 0)
		f->in = f->depth;
}

static void XMLCALL
find_end(void *arg, const XML_Char *name)
{
	struct find *f = arg;

	if (f->in == f->depth) {
		f->found = 1;
		(void)XML_StopParser(f->p, XML_FALSE);
	}
	f->depth--;
}

static void XMLCALL
find_chars(void *arg, const XML_Char *s, int len)
{
	struct find *f = arg;

	if (f->in > 0)
		text_add(&f->t, s, len);
}

int
s3xml_text(const char *xml, size_t len, const char *tag, char *out, size_t outlen)
{
	struct find f = { 0 };
	char *tmp;

	if (xml == NULL || tag == NULL || out == NULL || outlen == 0 || len == 0)
		return -1;
	/* out is the caller's until the element is found whole. */
	if ((tmp = malloc(outlen)) == NULL)
		return -1;
	f.tag = tag;
	text_start(&f.t, tmp, outlen);
	if ((f.p = parser_new(&f, find_start, find_end, find_chars)) != NULL) {
		(void)parse(f.p, xml, len, NULL, 0);
		XML_ParserFree(f.p);
	}
	if (f.found) {
		text_cut(&f.t);
		memcpy(out, tmp, f.t.n + 1);
	}
	free(tmp);
	return f.found ? 0 : -1;
}

/* Ends the walk with rc; why, when given, says what made the page malformed. */
static void
list_stop(struct list *l, int rc, const char *why)
{
	if (l->rc == 0) {
		l->rc = rc;
		if (why != NULL)
			snprintf(l->page->error, sizeof(l->page->error), "line %lu: %s",
			    (unsigned long)XML_GetCurrentLineNumber(l->p), why);
	}
	(void)XML_StopParser(l->p, XML_FALSE);
}

static void XMLCALL
list_start(void *arg, const XML_Char *name, const XML_Char **atts)
{
	struct list *l = arg;
	enum field f = F_NONE;

	l->depth++;
	if (l->field != F_NONE)
		return;
	if (l->contents == 0 && strcmp(name, "Contents") == 0) {
		l->contents = l->depth;
		l->have_key = 0;
		l->num[0] = '\0';
	} else if (l->contents > 0 && l->depth == l->contents + 1) {
		if (strcmp(name, "Key") == 0 && !l->have_key)
			f = F_KEY;
		else if (strcmp(name, "Size") == 0 && l->num[0] == '\0')
			f = F_SIZE;
	} else if (l->contents == 0) {
		if (strcmp(name, "IsTruncated") == 0 && !l->have_trunc)
			f = F_TRUNC;
		else if (strcmp(name, "NextContinuationToken") == 0 && !l->have_token)
			f = F_TOKEN;
	}
	if (f == F_KEY)
		text_start(&l->t, l->key, sizeof(l->key));
	else if (f == F_SIZE || f == F_TRUNC)
		text_start(&l->t, l->num, sizeof(l->num));
	else if (f == F_TOKEN)
		text_start(&l->t, l->page->next_token, sizeof(l->page->next_token));
	l->field = f;
	l->field_depth = l->depth;
}

/* A leaf's end: a key or token that did not fit whole makes the page malformed. */
static void
list_field_end(struct list *l)
{
	switch (l->field) {
	case F_KEY:
		l->have_key = 1;
		if (l->t.over)
			list_stop(l, -1, "a key over 1,024 bytes");
		break;
	case F_TRUNC:
		l->have_trunc = 1;
		l->page->truncated = strcmp(l->num, "true") == 0;
		l->num[0] = '\0';
		break;
	case F_TOKEN:
		/* A token cut short would restart the listing elsewhere. */
		l->have_token = 1;
		if (l->t.over || l->t.n >= sizeof(l->page->next_token) - 1)
			list_stop(l, -1, "a continuation token over 4,094 bytes");
		break;
	default:
		break;
	}
	l->field = F_NONE;
}

static void XMLCALL
list_end(void *arg, const XML_Char *name)
{
	struct list *l = arg;
	int rc;

	if (l->field != F_NONE && l->depth == l->field_depth)
		list_field_end(l);
	else if (l->contents > 0 && l->depth == l->contents) {
		l->contents = 0;
		if (!l->have_key) {
			list_stop(l, -1, "a <Contents> without a <Key>");
		} else {
			l->page->objects++;
			if ((rc = l->cb(l->key, strtoull(l->num, NULL, 10), l->arg)) != 0)
				list_stop(l, rc, NULL);
		}
	}
	l->depth--;
}

static void XMLCALL
list_chars(void *arg, const XML_Char *s, int len)
{
	struct list *l = arg;

	if (l->field != F_NONE)
		text_add(&l->t, s, len);
}

int
s3xml_list_page(const char *xml, size_t len, s3xml_object_cb cb, void *arg,
    struct s3xml_page *page)
{
	struct list *l;
	int rc;

	if (xml == NULL || cb == NULL || page == NULL)
		return -1;
	memset(page, 0, sizeof(*page));
	if (len == 0)
		return 0;	/* no document, nothing listed */
	if ((l = calloc(1, sizeof(*l))) == NULL ||
	    (l->p = parser_new(l, list_start, list_end, list_chars)) == NULL) {
		snprintf(page->error, sizeof(page->error), "out of memory");
		free(l);
		return -1;
	}
	l->cb = cb;
	l->arg = arg;
	l->page = page;
	rc = parse(l->p, xml, len, page->error, sizeof(page->error));
	if (rc == 1 && l->rc == 0) {
		snprintf(page->error, sizeof(page->error), "a DOCTYPE (S3 sends none)");
		rc = -1;
	} else if (rc == 1) {
		rc = l->rc;
	}
	if (rc != 0)
		page->next_token[0] = '\0';
	XML_ParserFree(l->p);
	free(l);
	return rc;
}
