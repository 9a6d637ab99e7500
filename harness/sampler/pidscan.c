/*
 * pidscan.c: the /proc scan behind the sampler's descendants. Listing /proc costs ~150-300 us
 * (~120 us of kernel time with ~80 processes), so the scan is skipped when /proc/loadavg's last
 * pid shows no process was created since. The pids of the last scan are kept sorted, and the
 * two lists swap roles after each scan, so a scan costs one qsort and a bsearch per pid.
 */
#include "pidscan.h"

#include <dirent.h>
#include <stdlib.h>
#include <string.h>

#include "procfs.h"

struct pidscan {
	pid_t *known, *scan;	/* sorted pids of the last scan, and of this one */
	size_t nknown, nscan, cap;
	pid_t lastpid;		/* /proc/loadavg's last pid at the last scan */
};

static int pid_cmp(const void *a, const void *b);
static int grow_lists(struct pidscan *ps);
static int list_proc(struct pidscan *ps);
static int offer_new(struct pidscan *ps, pidscan_offer_cb offer, void *arg);

struct pidscan *
pidscan_new(void)
{
	return calloc(1, sizeof(struct pidscan));
}

void
pidscan_free(struct pidscan *ps)
{
	if (ps == NULL)
		return;
	free(ps->known);
	free(ps->scan);
	free(ps);
}

static int
pid_cmp(const void *a, const void *b)
{
	pid_t x = *(const pid_t *)a, y = *(const pid_t *)b;

	return (x > y) - (x < y);
}

/* Doubles both pid lists together, so they can swap roles. */
static int
grow_lists(struct pidscan *ps)
{
	size_t cap = ps->cap ? 2 * ps->cap : 512;
	pid_t *tmp;

	if ((tmp = realloc(ps->scan, cap * sizeof(*tmp))) == NULL)
		return -1;
	ps->scan = tmp;
	if ((tmp = realloc(ps->known, cap * sizeof(*tmp))) == NULL)
		return -1;
	ps->known = tmp;
	ps->cap = cap;
	return 0;
}

/* /proc's pids, sorted, into ps->scan. */
static int
list_proc(struct pidscan *ps)
{
	struct dirent *de;
	pid_t pid;
	DIR *d;

	if ((d = opendir("/proc")) == NULL)
		return -1;
	ps->nscan = 0;
	while ((de = readdir(d)) != NULL) {
		if (de->d_name[0] < '1' || de->d_name[0] > '9' || (pid = atoi(de->d_name)) <= 0)
			continue;
		if (ps->nscan == ps->cap && grow_lists(ps) == -1) {
			closedir(d);
			return -1;
		}
		ps->scan[ps->nscan++] = pid;
	}
	closedir(d);
	qsort(ps->scan, ps->nscan, sizeof(pid_t), pid_cmp);
	return 0;
}

/* Offers the pids of ps->scan missing from ps->known; one that is done is negated meanwhile. */
static int
offer_new(struct pidscan *ps, pidscan_offer_cb offer, void *arg)
{
	size_t i, added, later;
	pid_t pid;

	do {
		added = later = 0;
		for (i = 0; i < ps->nscan; i++) {
			pid = ps->scan[i];
			if (pid < 0 || (ps->nknown > 0 && bsearch(&pid, ps->known, ps->nknown,
			    sizeof(pid_t), pid_cmp) != NULL))
				continue;
			switch (offer(arg, pid)) {
			case PIDSCAN_FAIL:
				return -1;
			case PIDSCAN_LATER:
				later++;
				continue;
			case PIDSCAN_JOINED:
				added++;
				break;
			case PIDSCAN_DONE:
				break;
			}
			ps->scan[i] = -pid;
		}
	} while (added > 0 && later > 0);
	for (i = 0; i < ps->nscan; i++)
		ps->scan[i] = ps->scan[i] < 0 ? -ps->scan[i] : ps->scan[i];
	return 0;
}

int
pidscan_run(struct pidscan *ps, pidscan_offer_cb offer, void *arg)
{
	pid_t lastpid = 0, *tmp;

	if (ps == NULL || offer == NULL)
		return -1;
	if (procfs_read_lastpid(&lastpid) == 0 && lastpid == ps->lastpid)
		return 0;
	if (list_proc(ps) == -1 || offer_new(ps, offer, arg) == -1)
		return -1;
	tmp = ps->known;
	ps->known = ps->scan;
	ps->nknown = ps->nscan;
	ps->scan = tmp;
	ps->lastpid = lastpid;
	return 0;
}

void
pidscan_forget(struct pidscan *ps, pid_t pid)
{
	pid_t *k;

	if (ps == NULL || ps->nknown == 0)
		return;
	if ((k = bsearch(&pid, ps->known, ps->nknown, sizeof(pid_t), pid_cmp)) != NULL) {
		memmove(k, k + 1, (size_t)(ps->known + ps->nknown - k - 1) * sizeof(pid_t));
		ps->nknown--;
	}
}
