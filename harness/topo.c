/*
 * topo.c: hwloc queries about the machine the client runs on. See topo.h.
 */
#include <hwloc.h>

#include "topo.h"

unsigned
topo_bound_cores(void)
{
	hwloc_topology_t topo;
	hwloc_bitmap_t set;
	hwloc_obj_t core = NULL;
	unsigned n = 0;

	if (hwloc_topology_init(&topo) < 0)
		return 1;
	set = hwloc_bitmap_alloc();
	if (set != NULL && hwloc_topology_load(topo) == 0 &&
	    hwloc_get_cpubind(topo, set, HWLOC_CPUBIND_PROCESS) == 0) {
		while ((core = hwloc_get_next_obj_by_type(topo, HWLOC_OBJ_CORE, core)) != NULL)
			if (hwloc_bitmap_intersects(core->cpuset, set))
				n++;
		if (n == 0 && hwloc_bitmap_weight(set) > 0)
			n = (unsigned)hwloc_bitmap_weight(set);
	}
	hwloc_bitmap_free(set);
	hwloc_topology_destroy(topo);
	return n > 0 ? n : 1;
}
