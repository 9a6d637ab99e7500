/*
 * probe.h: the endpoint's measured round trip, taken by `exifbench bench` before the runs of
 * a scenario: time to first byte of a small GET at 1 in flight, to the endpoint directly and,
 * when the shaper adds latency, through the shaper as well. With several endpoints (the
 * config's endpoints, run --endpoints) it measures the first, cfg->endpoint, only.
 *
 * The object: the probe PUTs PROBE_BYTES bytes of its own at a key of the outputs (the
 * caller's bucket and key; the bucket is created when missing, as `exifbench run` does), GETs
 * it, and DELETEs it at the end whatever happened, so it reads nothing of the dataset and
 * leaves nothing behind. Requests are the project's own signed ones (models/core/s3.h).
 *
 * A sample: on one kept-alive connection per endpoint, after one warm-up GET that opens it,
 * each GET's CURLINFO_STARTTRANSFER_TIME_T minus CURLINFO_PRETRANSFER_TIME_T: from the moment
 * curl starts sending the request to the first byte of the response. That is the network's
 * round trip plus the server's time to answer, without name lookup, TCP and TLS set-up (none
 * on a kept connection anyway) and without the body's transfer (a tiny body, but a total time
 * would also count curl's own handling of it): what every request of a run pays on top of
 * moving its bytes. A GET that fails is not retried: the probe stops with its error.
 */
#ifndef EXIFBENCH_PROBE_H
#define EXIFBENCH_PROBE_H

#include <signal.h>
#include <stddef.h>

#include "models/core/s3.h"

#define PROBE_GETS 20		/* timed GETs per endpoint */
#define PROBE_BYTES 64		/* the probe object's size */

/* One endpoint's samples, in milliseconds; samples 0: not measured (the others are 0). */
struct probe_stats {
	unsigned samples;
	double median_ms, p90_ms, min_ms, max_ms;	/* nearest-rank percentiles */
};

/*
 * Measures cfg's endpoint into *direct and, when via is not NULL (the shaper's
 * http://HOST:PORT, in front of the same server), via into *shaped (zeroed otherwise), with n
 * timed GETs each (1..1000) of the object it PUTs at s3://bucket/key. 0, or -1 with err
 * naming the endpoint, bucket or key (the figures measured before the failure are kept, the
 * object is deleted all the same). Needs curl_global_init. Blocks for about 2 n round trips;
 * when stop is not NULL and *stop becomes non-zero (a Ctrl-C handler's flag), it stops before
 * the next GET with "stopped" in err.
 */
int probe_rtt(const struct s3_config *cfg, const char *via, const char *bucket,
    const char *key, unsigned n, const volatile sig_atomic_t *stop, struct probe_stats *direct,
    struct probe_stats *shaped, char *err, size_t errlen);

#endif
