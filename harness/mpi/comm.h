/*
 * comm.h: everything the MPI layer asks of MPI, behind calls with no MPI type in them, so
 * that comm.c is the one file compiled with mpicc and linked with libmpi (the models and the
 * rest of the harness never see it). Rank 0 is the coordinator that gathers; every call is
 * collective (all ranks make it) unless it says otherwise.
 */
#ifndef EXIFBENCH_COMM_H
#define EXIFBENCH_COMM_H

#include <stddef.h>
#include <stdint.h>

/* MPI_Init, then this rank and the count of ranks. 0, or -1. */
int comm_init(int *argc, char ***argv, unsigned *rank, unsigned *size);

/* 1 when ok is true on every rank (an all-reduce). */
int comm_all(int ok);

/*
 * Rank 0 against each other rank in turn, 8 round trips of CLOCK_REALTIME stamps: the offset
 * of that rank's clock to rank 0's (its clock minus rank 0's, ns), taken at the round trip
 * of least time (*rtt_ns). Rank 0 gets 0 for itself.
 */
void comm_clock(int64_t *offset_ns, int64_t *rtt_ns);

/*
 * A barrier that sleeps poll_us between its tests instead of spinning (MPI_Ibarrier), so that
 * ranks waiting on one host leave its CPUs to the clients still running there: the seconds
 * this rank waited in it. The last rank in is released within about poll_us. poll_us 0:
 * MPI_Barrier itself (it spins: for a start, when nothing else needs the CPUs).
 */
double comm_barrier(long poll_us);

/*
 * Rank 0's len bytes at buf, into buf on every rank; a rank waiting for them sleeps 1 ms
 * between tests (a rank may wait a whole run for the next word).
 */
void comm_bcast(void *buf, size_t len);

/* Gathers len bytes from every rank into all (size x len bytes, rank order) on rank 0. */
void comm_gather(const void *mine, size_t len, void *all);

/*
 * The files under dir (recursively), sent to rank 0 (on a rank other than 0), and on rank 0,
 * received from rank `from` into the folder dir (created). In 1 MiB pieces: memory is one
 * piece. 0, or -1 with err (rank 0: a file it could not write; others: one they could not
 * read, sent as empty).
 */
int comm_send_folder(const char *dir, char *err, size_t errlen);
int comm_recv_folder(unsigned from, const char *dir, char *err, size_t errlen);

/* MPI_Finalize. */
void comm_finalize(void);

/* MPI_Abort(code): ends every rank. */
void comm_abort(int code);

#endif
