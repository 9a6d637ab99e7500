/*
 * fuzz_procfs.c: the sampler's /proc parsers (harness/sampler/procfs.c) on any bytes as the
 * text of /proc/stat, /proc/PID/stat, schedstat, status and /proc/loadavg. The kernel writes
 * these, but /proc/PID/stat carries the command name, which any watched process sets itself
 * (parentheses, spaces, newlines and all). Seeds: the captured files of tests/data/proc/.
 */
#include <stdlib.h>

#include "fuzz.h"
#include "harness/sampler/procfs.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct procfs_cpu cpu;
	struct procfs_stat st;
	struct procfs_sched sc;
	struct procfs_status ps;
	pid_t last;
	char *s;

	if ((s = fuzz_string(data, size)) == NULL)
		return 0;
	(void)procfs_parse_cpu(s, &cpu);
	(void)procfs_parse_stat(s, &st);
	(void)procfs_parse_sched(s, &sc);
	(void)procfs_parse_status(s, &ps);
	(void)procfs_parse_lastpid(s, &last);
	free(s);
	return 0;
}
