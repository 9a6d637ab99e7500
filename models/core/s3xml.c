/*
 * s3xml.c: a scanner for S3's flat XML answers. It looks for <Name>text</Name> pairs of known
 * names inside a bounded range; it does not validate the document, and attributes or CDATA
 * (which S3 does not send in these answers) are not handled.
 */
#include "s3xml.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define KEY_MAX 1024

static int element(const char *xml, size_t len, const char *tag, const char **text,
    size_t *textlen, const char **after);
static size_t decode(const char *s, size_t n, char *out, size_t outlen);
static size_t put_utf8(unsigned long cp, char *out);

/* Finds <tag>text</tag> in xml[0..len): text span, and where the closing tag ends. */
static int
element(const char *xml, size_t len, const char *tag, const char **text, size_t *textlen,
    const char **after)
{
	char open[64], close[64];
	const char *a, *b;
	int no, nc;

	no = snprintf(open, sizeof(open), "<%s>", tag);
	nc = snprintf(close, sizeof(close), "</%s>", tag);
	if (no < 0 || (size_t)no >= sizeof(open) || nc < 0 || (size_t)nc >= sizeof(close))
		return -1;
	a = memmem(xml, len, open, (size_t)no);
	if (a == NULL)
		return -1;
	a += no;
	b = memmem(a, len - (size_t)(a - xml), close, (size_t)nc);
	if (b == NULL)
		return -1;
	*text = a;
	*textlen = (size_t)(b - a);
	if (after != NULL)
		*after = b + nc;
	return 0;
}

static size_t
put_utf8(unsigned long cp, char *out)
{
	if (cp < 0x80) {
		out[0] = (char)cp;
		return 1;
	}
	if (cp < 0x800) {
		out[0] = (char)(0xc0 | (cp >> 6));
		out[1] = (char)(0x80 | (cp & 0x3f));
		return 2;
	}
	if (cp < 0x10000) {
		out[0] = (char)(0xe0 | (cp >> 12));
		out[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
		out[2] = (char)(0x80 | (cp & 0x3f));
		return 3;
	}
	out[0] = (char)(0xf0 | (cp >> 18));
	out[1] = (char)(0x80 | ((cp >> 12) & 0x3f));
	out[2] = (char)(0x80 | ((cp >> 6) & 0x3f));
	out[3] = (char)(0x80 | (cp & 0x3f));
	return 4;
}

/* Decodes entities of s[0..n) into out; returns the decoded length (truncated to outlen-1). */
static size_t
decode(const char *s, size_t n, char *out, size_t outlen)
{
	static const struct {
		const char *ent;
		char c;
	} named[] = { { "&amp;", '&' }, { "&lt;", '<' }, { "&gt;", '>' }, { "&quot;", '"' },
		{ "&apos;", '\'' } };
	size_t i = 0, o = 0, k, el;
	char u[4];

	while (i < n && o + 1 < outlen) {
		if (s[i] != '&') {
			out[o++] = s[i++];
			continue;
		}
		for (k = 0; k < sizeof(named) / sizeof(named[0]); k++) {
			el = strlen(named[k].ent);
			if (n - i >= el && memcmp(s + i, named[k].ent, el) == 0)
				break;
		}
		if (k < sizeof(named) / sizeof(named[0])) {
			out[o++] = named[k].c;
			i += el;
		} else if (n - i > 3 && s[i + 1] == '#') {
			char num[16], *end;
			size_t j = i + 2, m = 0;
			unsigned long cp;
			int base = 10;

			if (s[j] == 'x' || s[j] == 'X') {
				base = 16;
				j++;
			}
			while (j < n && s[j] != ';' && m + 1 < sizeof(num))
				num[m++] = s[j++];
			num[m] = '\0';
			cp = strtoul(num, &end, base);
			if (j >= n || s[j] != ';' || m == 0 || *end != '\0' || cp == 0 || cp > 0x10ffff) {
				out[o++] = s[i++];
				continue;
			}
			el = put_utf8(cp, u);
			if (o + el + 1 > outlen)
				break;
			memcpy(out + o, u, el);
			o += el;
			i = j + 1;
		} else {
			out[o++] = s[i++];
		}
	}
	out[o] = '\0';
	return o;
}

int
s3xml_text(const char *xml, size_t len, const char *tag, char *out, size_t outlen)
{
	const char *t;
	size_t tl;

	if (xml == NULL || tag == NULL || out == NULL || outlen == 0)
		return -1;
	if (element(xml, len, tag, &t, &tl, NULL) < 0)
		return -1;
	decode(t, tl, out, outlen);
	return 0;
}

int
s3xml_list_page(const char *xml, size_t len, s3xml_object_cb cb, void *arg,
    struct s3xml_page *page)
{
	const char *p = xml, *end = xml + len, *body, *t, *after;
	size_t bodylen, tl;
	char key[KEY_MAX + 5], num[32];	/* room for one UTF-8 character past the limit */
	int rc;

	if (xml == NULL || cb == NULL || page == NULL)
		return -1;
	memset(page, 0, sizeof(*page));
	if (s3xml_text(xml, len, "IsTruncated", num, sizeof(num)) == 0)
		page->truncated = strcmp(num, "true") == 0;
	if (s3xml_text(xml, len, "NextContinuationToken", page->next_token,
	    sizeof(page->next_token)) < 0)
		page->next_token[0] = '\0';
	else if (strlen(page->next_token) >= sizeof(page->next_token) - 1)
		return -1;	/* a token cut short would restart the listing elsewhere */
	while (element(p, (size_t)(end - p), "Contents", &body, &bodylen, &after) == 0) {
		/* A key longer than S3's 1,024 bytes fills key[] past KEY_MAX: malformed. */
		if (element(body, bodylen, "Key", &t, &tl, NULL) < 0 ||
		    decode(t, tl, key, sizeof(key)) > KEY_MAX)
			return -1;
		num[0] = '\0';
		(void)s3xml_text(body, bodylen, "Size", num, sizeof(num));
		page->objects++;
		rc = cb(key, strtoull(num, NULL, 10), arg);
		if (rc != 0)
			return rc;
		p = after;
	}
	return 0;
}
