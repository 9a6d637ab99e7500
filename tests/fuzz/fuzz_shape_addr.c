/*
 * fuzz_shape_addr.c: the shaper's address parser (harness/shape/shape.c shape_parse_addr, for
 * --listen and --upstream and the scenario's upstream), the only text the shaper parses: it
 * relays HTTP as bytes and reads none of it. The host must come back NUL-terminated.
 */
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "harness/shape/shape.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s, host[256], err[512];
	unsigned port;

	if ((s = fuzz_string(data, size)) == NULL)
		return 0;
	if (shape_parse_addr(s, 1, host, sizeof(host), &port, err, sizeof(err)) == 0 &&
	    (strlen(host) >= sizeof(host) || port > 65535))
		__builtin_trap();
	free(s);
	return 0;
}
