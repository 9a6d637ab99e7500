/*
 * fuzz_s3xml.c: S3's XML answers (models/core/s3xml.c on expat) as a server may send them: the
 * bytes as a ListObjectsV2 page (every key must be a string of at most 1,024 bytes, the token
 * NUL-terminated) and as an error body (its <Code> and <Message>, into small buffers so that
 * truncation is exercised). Seeds: pages and error bodies captured from the local server.
 */
#include <string.h>

#include "fuzz.h"
#include "models/core/s3xml.h"

static int
each(const char *key, uint64_t size, void *arg)
{
	size_t *n = arg;

	*n += strlen(key) + (size_t)(size & 1);
	return strlen(key) > 1024 ? -99 : 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *xml = (const char *)data;
	struct s3xml_page page;
	char code[16], msg[512];
	size_t n = 0;

	if (s3xml_list_page(xml, size, each, &n, &page) == -99 ||
	    strlen(page.next_token) >= sizeof(page.next_token) ||
	    strlen(page.error) >= sizeof(page.error))
		__builtin_trap();
	(void)s3xml_text(xml, size, "Code", code, sizeof(code));
	(void)s3xml_text(xml, size, "Message", msg, sizeof(msg));
	return 0;
}
