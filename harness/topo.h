/*
 * topo.h: the machine, as hwloc sees it. For now: how many cores this process may run on,
 * which sets the default worker counts of the models. (The harness issue extends this module
 * with the topology record and CPU binding.)
 */
#ifndef EXIFBENCH_TOPO_H
#define EXIFBENCH_TOPO_H

/*
 * Cores (not hardware threads) that hold at least one PU of this process's CPU binding, as
 * hwloc reports them; at least 1. Falls back to the PU count when hwloc finds no core.
 */
unsigned topo_bound_cores(void);

#endif
