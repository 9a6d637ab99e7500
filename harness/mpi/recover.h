/*
 * recover.h: the keys of a client that was killed mid-run (kill -9, a crash), accounted for.
 * Its raw trace holds the keys it finished and had written out; every other key of its share
 * (listed again, as the client listed it: the source or the --keys file, its --shard, its
 * --limit) is appended to that trace as failed, with the reason, so that ok + failed still
 * equals the keys listed across all clients. Memory is bounded: the two key lists are sorted
 * on disk (sort(1), comm(1), in the C locale), never held.
 */
#ifndef EXIFBENCH_RECOVER_H
#define EXIFBENCH_RECOVER_H

#include <stddef.h>
#include <stdint.h>

#include "models/model.h"
#include "models/core/shard.h"

/*
 * For the client of pipeline p (its source), keys file keys_path (NULL: the listing), limit
 * (0: none) and share, whose raw trace is trace (cut at its last whole row first): appends a
 * failed row, error why, for each key of its share the trace lacks. *added counts them. 0,
 * or -1 with err.
 */
int recover_keys(const struct pipeline *p, const char *keys_path, uint64_t limit,
    const struct shard *share, const char *trace, const char *why, uint64_t *added,
    char *err, size_t errlen);

#endif
