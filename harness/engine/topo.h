/*
 * topo.h: the machine, as hwloc sees it: how many cores this process may run on (the default
 * worker counts), a record of the machine for every result (packages, cores, PUs, caches,
 * NUMA nodes, OS), and CPU binding of the harness's processes to PU lists, which is how a
 * scenario gives the client one core or two and keeps the S3 server out of its way.
 *
 * A PU list is hwloc's list syntax of OS PU numbers ("0", "0-1", "0,2-3"); "" means every PU
 * of the machine (no binding).
 */
#ifndef EXIFBENCH_TOPO_H
#define EXIFBENCH_TOPO_H

#include <jansson.h>
#include <stddef.h>
#include <sys/types.h>

/*
 * Cores (not hardware threads) that hold at least one PU of this process's CPU binding, as
 * hwloc reports them; at least 1. Falls back to the PU count when hwloc finds no core.
 */
unsigned topo_bound_cores(void);

/*
 * Checks that list names PUs this machine has and that this process may use: the number of
 * PUs it names (the machine's when list is ""), or -1 with a message naming list in err.
 */
int topo_pus(const char *list, char *err, size_t errlen);

/* 1 when PU lists a and b share a PU ("" is every PU), 0 when not, -1 when one is bad. */
int topo_overlap(const char *a, const char *b);

/*
 * Binds every thread of process pid (0: this process) to the PUs of list ("" undoes a binding:
 * every PU of the machine). Threads and children made later inherit the binding. 0, or -1
 * with a message in err naming the pid and list.
 */
int topo_bind(pid_t pid, const char *list, char *err, size_t errlen);

/*
 * The machine as a JSON object: packages, cores, pus, numa_nodes, caches (one entry per
 * level and type: level, type, size_kib, count), cpu_model, and the OS (sysname, release,
 * version, machine) from uname. NULL if hwloc cannot load the topology or memory runs out.
 */
json_t *topo_record(void);

#endif
