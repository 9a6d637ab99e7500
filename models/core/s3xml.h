/*
 * s3xml.h: just enough XML for S3's answers: the <Code> and <Message> of an error body, and the
 * objects, truncation flag and continuation token of a ListObjectsV2 page, read with expat.
 * Text comes back as UTF-8 with entity and character references and CDATA decoded; a document
 * that is not well-formed XML, or that has a DOCTYPE, is refused.
 */
#ifndef EXIFBENCH_S3XML_H
#define EXIFBENCH_S3XML_H

#include <stddef.h>
#include <stdint.h>

/*
 * Copies the decoded text of the first element named tag (at any depth, <tag/> being empty
 * text) within xml[0..len) into out, truncated to at most outlen - 1 bytes without splitting a
 * UTF-8 sequence. Only the document up to that element's end tag is read, so a body cut short
 * after it still gives its text. Returns 0, or -1 (out untouched) when the element is absent,
 * the XML is malformed before its end tag, or an argument is NULL.
 */
int s3xml_text(const char *xml, size_t len, const char *tag, char *out, size_t outlen);

/* Called per listed object; a non-zero return stops the walk and is passed back. */
typedef int (*s3xml_object_cb)(const char *key, uint64_t size, void *arg);

struct s3xml_page {
	int truncated;		/* <IsTruncated>true</IsTruncated> */
	char next_token[4096];	/* <NextContinuationToken>, "" when none */
	size_t objects;		/* <Contents> elements seen */
	char error[160];	/* why the page was malformed, "" otherwise */
};

/*
 * Walks the <Contents> of a ListObjectsV2 response in document order, calling cb for each as its
 * end tag is read (so objects before a fault are reported). Each <Contents>'s first <Key> and
 * <Size> children count; <IsTruncated> and <NextContinuationToken> are the first outside any
 * <Contents>. An empty document (len 0) lists nothing. Returns 0; -1 on a malformed page
 * (not well-formed XML, cut short, a DOCTYPE, a <Contents> without <Key>, a key over 1,024
 * bytes, a continuation token over 4,094 bytes), with page->error saying which and where; or
 * cb's non-zero value. next_token is "" unless the walk ended with 0.
 */
int s3xml_list_page(const char *xml, size_t len, s3xml_object_cb cb, void *arg,
    struct s3xml_page *page);

#endif
