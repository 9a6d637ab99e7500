/*
 * fuzz_taskstats.c: the taskstats reply parser (harness/sampler/taskstats.c), which stays
 * hand-written, on any bytes as a generic netlink message from the kernel, for the pid the
 * message's first TGID attribute would name and for another. The bytes are copied to an
 * aligned buffer, as recv leaves them. Seeds: replies built the way the kernel lays them out.
 */
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "harness/sampler/taskstats.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct taskstats_tgid tg;
	uint32_t *buf;
	pid_t pid = 4242;

	if ((buf = malloc(size + sizeof(*buf))) == NULL)
		return 0;
	memcpy(buf, data, size);
	if (size >= 32)
		memcpy(&pid, (const char *)buf + 28, sizeof(pid));
	(void)taskstats_parse_reply(buf, size, pid, &tg);
	(void)taskstats_parse_reply(buf, size, 1, &tg);
	free(buf);
	return 0;
}
