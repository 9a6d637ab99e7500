/*
 * s3xml.h: just enough XML for S3's answers: the <Code> and <Message> of an error body, and the
 * objects, truncation flag and continuation token of a ListObjectsV2 page. The documents are
 * flat and machine-written, so a scanner over known element names does the job of a parser;
 * entity references (&amp; &lt; &gt; &quot; &apos; &#N; &#xN;) in text are decoded.
 */
#ifndef EXIFBENCH_S3XML_H
#define EXIFBENCH_S3XML_H

#include <stddef.h>
#include <stdint.h>

/*
 * Copies the decoded text of the first <tag>...</tag> within xml[0..len) into out (truncated to
 * outlen - 1 bytes). Returns 0, or -1 when the element is absent or an argument is NULL.
 */
int s3xml_text(const char *xml, size_t len, const char *tag, char *out, size_t outlen);

/* Called per listed object; a non-zero return stops the walk and is passed back. */
typedef int (*s3xml_object_cb)(const char *key, uint64_t size, void *arg);

struct s3xml_page {
	int truncated;		/* <IsTruncated>true</IsTruncated> */
	char next_token[4096];	/* <NextContinuationToken>, "" when none */
	size_t objects;		/* <Contents> elements seen */
};

/*
 * Walks the <Contents> of a ListObjectsV2 response, calling cb for each. Returns 0, -1 on a
 * malformed page (a <Contents> without <Key>, a key over 1,024 bytes, a continuation token
 * over 4,094 bytes), or cb's non-zero value.
 */
int s3xml_list_page(const char *xml, size_t len, s3xml_object_cb cb, void *arg,
    struct s3xml_page *page);

#endif
