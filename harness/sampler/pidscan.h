/*
 * pidscan.h: finds the processes born since the last look, so the sampler can adopt the
 * descendants of the processes it watches. A look reads /proc/loadavg's last pid and stops
 * there when it is unchanged (no process was created); otherwise it lists /proc and offers each
 * pid that was not listed at the last successful look to the caller. Memory is O(pids on the
 * machine): two sorted pid lists, never a history.
 */
#ifndef EXIFBENCH_PIDSCAN_H
#define EXIFBENCH_PIDSCAN_H

#include <sys/types.h>

/* What the caller made of an offered pid. */
enum pidscan_verdict {
	PIDSCAN_FAIL = -1,	/* out of memory: the look stops and fails */
	PIDSCAN_DONE,		/* not wanted, watched already, or gone */
	PIDSCAN_JOINED,		/* adopted */
	PIDSCAN_LATER,		/* its parent may be adopted later in this look: offer it again */
};
typedef enum pidscan_verdict (*pidscan_offer_cb)(void *arg, pid_t pid);

/* NULL when out of memory. */
struct pidscan *pidscan_new(void);
void pidscan_free(struct pidscan *ps);

/*
 * One look. New pids are offered in ascending order; while a pass adopts some and leaves some
 * LATER, another pass offers those again (a child listed before its parent after pid wrap).
 * 0, or -1 when /proc cannot be listed or offer failed; the next look then offers again the
 * pids this one did not finish with.
 */
int pidscan_run(struct pidscan *ps, pidscan_offer_cb offer, void *arg);

/* Drops pid from the last look's list (its pid was reused), so the next look offers it. */
void pidscan_forget(struct pidscan *ps, pid_t pid);

#endif
