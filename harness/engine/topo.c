/*
 * topo.c: hwloc queries about the machine, its record for results, and CPU binding. See
 * topo.h. Each call loads the topology afresh: calls are rare (once per run or per result),
 * and a fresh load sees the binding the caller has now.
 */
#include <hwloc.h>
#include <stdio.h>
#include <string.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "topo.h"

static int load(hwloc_topology_t *topo);
static int parse_list(hwloc_topology_t topo, const char *list, hwloc_bitmap_t set, char *err,
    size_t errlen);
static int count(hwloc_topology_t topo, hwloc_obj_type_t type);
static json_t *caches(hwloc_topology_t topo);

unsigned
topo_bound_cores(void)
{
	hwloc_topology_t topo;
	hwloc_bitmap_t set;
	hwloc_obj_t core = NULL;
	unsigned n = 0;

	if (load(&topo) < 0)
		return 1;
	set = hwloc_bitmap_alloc();
	if (set != NULL && hwloc_get_cpubind(topo, set, HWLOC_CPUBIND_PROCESS) == 0) {
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

int
topo_pus(const char *list, char *err, size_t errlen)
{
	hwloc_topology_t topo;
	hwloc_bitmap_t set;
	int n = -1;

	if (load(&topo) < 0) {
		snprintf(err, errlen, "hwloc cannot read this machine's topology");
		return -1;
	}
	if ((set = hwloc_bitmap_alloc()) != NULL &&
	    parse_list(topo, list, set, err, errlen) == 0)
		n = hwloc_bitmap_weight(set);
	hwloc_bitmap_free(set);
	hwloc_topology_destroy(topo);
	return n;
}

int
topo_overlap(const char *a, const char *b)
{
	hwloc_topology_t topo;
	hwloc_bitmap_t sa = NULL, sb = NULL;
	char err[256];
	int rv = -1;

	if (load(&topo) < 0)
		return -1;
	if ((sa = hwloc_bitmap_alloc()) != NULL && (sb = hwloc_bitmap_alloc()) != NULL &&
	    parse_list(topo, a, sa, err, sizeof(err)) == 0 &&
	    parse_list(topo, b, sb, err, sizeof(err)) == 0)
		rv = hwloc_bitmap_intersects(sa, sb);
	hwloc_bitmap_free(sa);
	hwloc_bitmap_free(sb);
	hwloc_topology_destroy(topo);
	return rv;
}

int
topo_bind(pid_t pid, const char *list, char *err, size_t errlen)
{
	hwloc_topology_t topo;
	hwloc_bitmap_t set;
	int rv = -1;

	if (load(&topo) < 0) {
		snprintf(err, errlen, "hwloc cannot read this machine's topology");
		return -1;
	}
	if ((set = hwloc_bitmap_alloc()) != NULL &&
	    parse_list(topo, list, set, err, errlen) == 0) {
		/* On Linux, PROCESS binds every thread of pid, not only the one named. */
		rv = pid == 0 ? hwloc_set_cpubind(topo, set, HWLOC_CPUBIND_PROCESS) :
		    hwloc_set_proc_cpubind(topo, pid, set, HWLOC_CPUBIND_PROCESS);
		if (rv < 0)
			snprintf(err, errlen, "cannot bind pid %ld to PUs '%s': %m",
			    (long)(pid == 0 ? getpid() : pid), list);
	}
	hwloc_bitmap_free(set);
	hwloc_topology_destroy(topo);
	return rv;
}

json_t *
topo_record(void)
{
	hwloc_topology_t topo;
	hwloc_obj_t root;
	struct utsname u;
	const char *model;
	json_t *o;

	if (load(&topo) < 0)
		return NULL;
	root = hwloc_get_root_obj(topo);
	model = hwloc_obj_get_info_by_name(root, "CPUModel");
	if (model == NULL && hwloc_get_obj_by_type(topo, HWLOC_OBJ_PACKAGE, 0) != NULL)
		model = hwloc_obj_get_info_by_name(hwloc_get_obj_by_type(topo,
		    HWLOC_OBJ_PACKAGE, 0), "CPUModel");
	if (uname(&u) < 0)
		memset(&u, 0, sizeof(u));
	o = json_pack("{s:i, s:i, s:i, s:i, s:o*, s:s, s:{s:s, s:s, s:s, s:s}, s:s}",
	    "packages", count(topo, HWLOC_OBJ_PACKAGE), "cores", count(topo, HWLOC_OBJ_CORE),
	    "pus", count(topo, HWLOC_OBJ_PU), "numa_nodes", count(topo, HWLOC_OBJ_NUMANODE),
	    "caches", caches(topo), "cpu_model", model != NULL ? model : "unknown",
	    "os", "sysname", u.sysname, "release", u.release, "version", u.version,
	    "machine", u.machine, "hwloc", HWLOC_VERSION);
	hwloc_topology_destroy(topo);
	return o;
}

static int
load(hwloc_topology_t *topo)
{
	if (hwloc_topology_init(topo) < 0)
		return -1;
	if (hwloc_topology_load(*topo) < 0) {
		hwloc_topology_destroy(*topo);
		return -1;
	}
	return 0;
}

/* list into set, which must be non-empty and inside the PUs allowed here ("" = all). */
static int
parse_list(hwloc_topology_t topo, const char *list, hwloc_bitmap_t set, char *err,
    size_t errlen)
{
	hwloc_const_bitmap_t allowed = hwloc_topology_get_allowed_cpuset(topo);

	if (list == NULL || list[0] == '\0')
		return hwloc_bitmap_copy(set, allowed);
	if (list[strspn(list, "0123456789,-")] != '\0' ||
	    hwloc_bitmap_list_sscanf(set, list) < 0 || hwloc_bitmap_iszero(set)) {
		snprintf(err, errlen, "PU list '%s' is not a list like 0 or 0-1 or 0,2", list);
		return -1;
	}
	if (!hwloc_bitmap_isincluded(set, allowed)) {
		char have[64];

		hwloc_bitmap_list_snprintf(have, sizeof(have), allowed);
		snprintf(err, errlen, "PU list '%s' names PUs this machine does not offer "
		    "(it has %s)", list, have);
		return -1;
	}
	return 0;
}

static int
count(hwloc_topology_t topo, hwloc_obj_type_t type)
{
	int n = hwloc_get_nbobjs_by_type(topo, type);

	return n > 0 ? n : 0;
}

/* One entry per cache level and type, with the size of one cache and how many there are. */
static json_t *
caches(hwloc_topology_t topo)
{
	static const hwloc_obj_type_t types[] = { HWLOC_OBJ_L1CACHE, HWLOC_OBJ_L2CACHE,
		HWLOC_OBJ_L3CACHE, HWLOC_OBJ_L4CACHE, HWLOC_OBJ_L5CACHE };
	json_t *a = json_array();
	hwloc_obj_t c;
	size_t i;
	int n;

	for (i = 0; a != NULL && i < sizeof(types) / sizeof(types[0]); i++) {
		if ((n = hwloc_get_nbobjs_by_type(topo, types[i])) <= 0 ||
		    (c = hwloc_get_obj_by_type(topo, types[i], 0)) == NULL || c->attr == NULL)
			continue;
		json_array_append_new(a, json_pack("{s:i, s:s, s:I, s:i}", "level",
		    (int)c->attr->cache.depth, "type", c->attr->cache.type ==
		    HWLOC_OBJ_CACHE_UNIFIED ? "unified" : c->attr->cache.type ==
		    HWLOC_OBJ_CACHE_DATA ? "data" : "instruction", "size_kib",
		    (json_int_t)(c->attr->cache.size / 1024), "count", n));
	}
	return a;
}
