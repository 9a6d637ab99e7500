/*
 * comm.c: the MPI calls of the MPI layer (comm.h), the only file built with mpicc. Folders
 * travel as a file header (size, then the relative name) and its bytes in pieces, ending with
 * a header of size -1; all point to point, rank 0 receiving one rank after another.
 */
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <mpi.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "comm.h"
#include "harness/engine/gate.h"

#define PIECE (1024 * 1024)
#define CLOCK_ROUNDS 8
#define TAG_CLOCK 1
#define TAG_FILE 2
#define BCAST_POLL_US 1000	/* a rank waiting for rank 0's word sleeps, not spins */

struct file_head {
	int64_t size;		/* -1: no more files */
	char name[PATH_MAX];	/* relative to the folder */
};

static int send_file(const char *path, const struct stat *st, int type, struct FTW *ftw);
static int mkdirs(char *path);

static const char *send_root;	/* comm_send_folder's dir, for send_file (nftw has no arg) */
static char *piece;

int
comm_init(int *argc, char ***argv, unsigned *rank, unsigned *size)
{
	int r, s;

	if (MPI_Init(argc, argv) != MPI_SUCCESS)
		return -1;
	MPI_Comm_rank(MPI_COMM_WORLD, &r);
	MPI_Comm_size(MPI_COMM_WORLD, &s);
	*rank = (unsigned)r, *size = (unsigned)s;
	return 0;
}

int
comm_all(int ok)
{
	int mine = ok != 0, all = 0;

	MPI_Allreduce(&mine, &all, 1, MPI_INT, MPI_MIN, MPI_COMM_WORLD);
	return all;
}

void
comm_clock(int64_t *offset_ns, int64_t *rtt_ns)
{
	int rank, size, peer, k;
	int64_t t1, t2, theirs, rtt;

	MPI_Comm_rank(MPI_COMM_WORLD, &rank);
	MPI_Comm_size(MPI_COMM_WORLD, &size);
	*offset_ns = 0, *rtt_ns = 0;
	for (peer = 1; peer < size; peer++) {
		if (rank != 0 && rank != peer)
			continue;
		for (k = 0; k < CLOCK_ROUNDS; k++) {
			if (rank == 0) {
				t1 = gate_unix_ns();
				MPI_Send(&t1, 1, MPI_INT64_T, peer, TAG_CLOCK, MPI_COMM_WORLD);
				MPI_Recv(&theirs, 1, MPI_INT64_T, peer, TAG_CLOCK, MPI_COMM_WORLD,
				    MPI_STATUS_IGNORE);
				t2 = gate_unix_ns();
				rtt = t2 - t1;
				if (k == 0 || rtt < *rtt_ns) {
					*rtt_ns = rtt;
					*offset_ns = theirs - (t1 + t2) / 2;
				}
			} else {
				MPI_Recv(&t1, 1, MPI_INT64_T, 0, TAG_CLOCK, MPI_COMM_WORLD,
				    MPI_STATUS_IGNORE);
				theirs = gate_unix_ns();
				MPI_Send(&theirs, 1, MPI_INT64_T, 0, TAG_CLOCK, MPI_COMM_WORLD);
			}
		}
		if (rank == 0) {	/* rank 0 keeps each peer's in turn: hand it over */
			int64_t pair[2] = { *offset_ns, *rtt_ns };

			MPI_Send(pair, 2, MPI_INT64_T, peer, TAG_CLOCK, MPI_COMM_WORLD);
			*offset_ns = 0, *rtt_ns = 0;
		} else {
			int64_t pair[2];

			MPI_Recv(pair, 2, MPI_INT64_T, 0, TAG_CLOCK, MPI_COMM_WORLD,
			    MPI_STATUS_IGNORE);
			*offset_ns = pair[0], *rtt_ns = pair[1];
		}
	}
}

double
comm_barrier(long poll_us)
{
	struct timespec nap = { 0, poll_us * 1000 };
	int64_t t = gate_unix_ns();
	MPI_Request req;
	int done = 0;

	if (poll_us == 0) {
		MPI_Barrier(MPI_COMM_WORLD);
		return (double)(gate_unix_ns() - t) / 1e9;
	}
	MPI_Ibarrier(MPI_COMM_WORLD, &req);
	for (;;) {
		MPI_Test(&req, &done, MPI_STATUS_IGNORE);
		if (done)
			break;
		nanosleep(&nap, NULL);
	}
	return (double)(gate_unix_ns() - t) / 1e9;
}

void
comm_bcast(void *buf, size_t len)
{
	struct timespec nap = { 0, BCAST_POLL_US * 1000 };
	MPI_Request req;
	int done = 0;

	MPI_Ibcast(buf, (int)len, MPI_BYTE, 0, MPI_COMM_WORLD, &req);
	for (;;) {
		MPI_Test(&req, &done, MPI_STATUS_IGNORE);
		if (done)
			return;
		nanosleep(&nap, NULL);
	}
}

void
comm_gather(const void *mine, size_t len, void *all)
{
	MPI_Gather(mine, (int)len, MPI_BYTE, all, (int)len, MPI_BYTE, 0, MPI_COMM_WORLD);
}

int
comm_send_folder(const char *dir, char *err, size_t errlen)
{
	struct file_head end = { -1, "" };
	int rv;

	if (piece == NULL && (piece = malloc(PIECE)) == NULL) {
		snprintf(err, errlen, "out of memory");
		rv = -1;
	} else {
		send_root = dir;
		rv = nftw(dir, send_file, 16, FTW_PHYS);
		if (rv != 0)
			snprintf(err, errlen, "%s: a file could not be read", dir);
	}
	MPI_Send(&end, sizeof(end), MPI_BYTE, 0, TAG_FILE, MPI_COMM_WORLD);
	return rv != 0 ? -1 : 0;
}

/* nftw's callback: one regular file, header then pieces. */
static int
send_file(const char *path, const struct stat *st, int type, struct FTW *ftw)
{
	struct file_head h;
	int64_t left;
	ssize_t n;
	int fd;

	(void)ftw;
	if (type != FTW_F || !S_ISREG(st->st_mode))
		return 0;
	memset(&h, 0, sizeof(h));
	snprintf(h.name, sizeof(h.name), "%s", path + strlen(send_root) + 1);
	if ((fd = open(path, O_RDONLY)) < 0)
		return -1;
	h.size = st->st_size;
	MPI_Send(&h, sizeof(h), MPI_BYTE, 0, TAG_FILE, MPI_COMM_WORLD);
	for (left = h.size; left > 0; left -= n) {
		n = read(fd, piece, left < PIECE ? (size_t)left : PIECE);
		if (n <= 0) {	/* shorter than it was: the rest as zeros, and say so */
			memset(piece, 0, PIECE);
			n = left < PIECE ? left : PIECE;
			h.size = -2;
		}
		MPI_Send(piece, (int)n, MPI_BYTE, 0, TAG_FILE, MPI_COMM_WORLD);
	}
	close(fd);
	return h.size == -2 ? -1 : 0;
}

int
comm_recv_folder(unsigned from, const char *dir, char *err, size_t errlen)
{
	char path[PATH_MAX * 2 + 2];
	struct file_head h;
	int64_t left;
	int n, fd, rv = 0;
	MPI_Status st;

	if (piece == NULL && (piece = malloc(PIECE)) == NULL) {
		comm_abort(3);
		return -1;
	}
	for (;;) {
		MPI_Recv(&h, sizeof(h), MPI_BYTE, (int)from, TAG_FILE, MPI_COMM_WORLD,
		    MPI_STATUS_IGNORE);
		if (h.size < 0)
			break;
		h.name[sizeof(h.name) - 1] = '\0';
		snprintf(path, sizeof(path), "%s/%s", dir, h.name);
		fd = strstr(h.name, "..") != NULL || h.name[0] == '/' || mkdirs(path) < 0 ? -1 :
		    open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
		if (fd < 0 && rv == 0) {
			snprintf(err, errlen, "cannot write %s", path);
			rv = -1;
		}
		for (left = h.size; left > 0; left -= n) {
			MPI_Recv(piece, PIECE, MPI_BYTE, (int)from, TAG_FILE, MPI_COMM_WORLD, &st);
			MPI_Get_count(&st, MPI_BYTE, &n);
			if (fd >= 0 && write(fd, piece, (size_t)n) != n && rv == 0) {
				snprintf(err, errlen, "writing %s: %s", path, strerror(errno));
				rv = -1;
			}
		}
		if (fd >= 0)
			close(fd);
	}
	return rv;
}

void
comm_finalize(void)
{
	free(piece);
	piece = NULL;
	MPI_Finalize();
}

void
comm_abort(int code)
{
	MPI_Abort(MPI_COMM_WORLD, code);
}

/* The parent folders of path (not path itself). 0, or -1. */
static int
mkdirs(char *path)
{
	char *p;

	for (p = strchr(path + 1, '/'); p != NULL; p = strchr(p + 1, '/')) {
		*p = '\0';
		if (mkdir(path, 0755) < 0 && errno != EEXIST) {
			*p = '/';
			return -1;
		}
		*p = '/';
	}
	return 0;
}
