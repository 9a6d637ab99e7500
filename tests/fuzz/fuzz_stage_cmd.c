/*
 * fuzz_stage_cmd.c: the reader of a `--stage-cmd` co-process's replies (models/core/stage_cmd.c
 * stage_cmd_call) on any bytes as what the co-process writes: a real child process writes them
 * to its stdout pipe and exits, the request goes to /dev/null, and the exchange ends as ok,
 * an error text, or a broken protocol (the child then reaped). Seeds: the replies of
 * models/stages/stage.py's protocol.
 */
#include <fcntl.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include "fuzz.h"
#include "models/core/stage_cmd.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const unsigned char image[] = { 0xff, 0xd8, 0xff, 0xd9 };
	struct stage_cmd c = { 0, -1, -1 };
	unsigned char *out = NULL;
	size_t out_len, off;
	char err[512];
	ssize_t k;
	int fd[2];

	if (size > 65536 || pipe(fd) < 0)
		return 0;	/* a bigger reply would block the writer: the pipe holds 64 KiB */
	if ((c.pid = fork()) == 0) {
		close(fd[0]);
		for (off = 0; off < size; off += (size_t)k)
			if ((k = write(fd[1], data + off, size - off)) <= 0)
				break;
		_exit(0);
	}
	close(fd[1]);
	if (c.pid < 0 || (c.to = open("/dev/null", O_WRONLY | O_CLOEXEC)) < 0) {
		close(fd[0]);
		if (c.pid > 0)
			waitpid(c.pid, NULL, 0);
		return 0;
	}
	c.from = fd[0];
	if (stage_cmd_call(&c, image, sizeof(image), &out, &out_len, 5000, err, sizeof(err)) == 0)
		free(out);
	if (c.pid > 0) {
		/* It has written all and exits: reap it here, so stop does not poll for it. */
		waitpid(c.pid, NULL, 0);
		c.pid = 0;
		stage_cmd_stop(&c);
	}
	return 0;
}
