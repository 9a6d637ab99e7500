/*
 * mpi_bench.h: `mpirun -np N exifbench bench ...` (the MPI layer's program, mpi_main.c, hands
 * it over after MPI_Init). Rank 0 runs the bench as without MPI (cmd_bench), with
 * bench_clients (bench.h) set, so a run of C > 1 clients (the scenario's clients key)
 * spreads over ranks 0..C-1; the other ranks wait for rank 0's word, a run's command or the
 * end, and run their share of each run they are in.
 */
#ifndef EXIFBENCH_MPI_BENCH_H
#define EXIFBENCH_MPI_BENCH_H

/* argv[0] is "bench"; exe the exifbench binary the clients run. The exit code, rank 0's. */
int mpi_bench(int argc, char **argv, unsigned rank, unsigned ranks, const char *exe);

#endif
