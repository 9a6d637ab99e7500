/*
 * s3config.c: the S3 client's configuration from the environment. Reads the standard AWS
 * variables (AWS_ENDPOINT_URL, AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_REGION) into a
 * struct s3_config over the defaults, checks the endpoint's scheme and drops its trailing
 * slashes. A missing or oversized variable is named in the error; its value never is, so the
 * secret cannot leak into a message.
 */
#include "s3.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int env_copy(char *dst, size_t dstlen, const char *name, const char *dflt, char *err,
    size_t errlen);

static int
env_copy(char *dst, size_t dstlen, const char *name, const char *dflt, char *err, size_t errlen)
{
	const char *v = getenv(name);

	if (v == NULL || *v == '\0')
		v = dflt;
	if (v == NULL) {
		snprintf(err, errlen, "%s is not set (see harness/s3-local env)", name);
		return -1;
	}
	if (strlen(v) >= dstlen) {
		snprintf(err, errlen, "%s is longer than %zu bytes", name, dstlen - 1);
		return -1;
	}
	memcpy(dst, v, strlen(v) + 1);
	return 0;
}

int
s3_config_from_env(struct s3_config *cfg, char *err, size_t errlen)
{
	static const struct retry_policy dflt = RETRY_POLICY_DEFAULT;
	size_t n;

	if (cfg == NULL || err == NULL)
		return -1;
	memset(cfg, 0, sizeof(*cfg));
	cfg->connect_timeout_ms = 5000;
	cfg->low_speed_secs = 30;
	cfg->max_object_bytes = (uint64_t)256 << 20;
	cfg->retry = dflt;
	if (env_copy(cfg->endpoint, sizeof(cfg->endpoint), "AWS_ENDPOINT_URL", NULL, err,
	    errlen) < 0 ||
	    env_copy(cfg->access_key, sizeof(cfg->access_key), "AWS_ACCESS_KEY_ID", NULL, err,
	    errlen) < 0 ||
	    env_copy(cfg->secret_key, sizeof(cfg->secret_key), "AWS_SECRET_ACCESS_KEY", NULL,
	    err, errlen) < 0 ||
	    env_copy(cfg->region, sizeof(cfg->region), "AWS_REGION", "us-east-1", err,
	    errlen) < 0)
		return -1;
	if (strncmp(cfg->endpoint, "http://", 7) != 0 && strncmp(cfg->endpoint, "https://", 8) != 0) {
		snprintf(err, errlen, "AWS_ENDPOINT_URL '%s' must start with http:// or https://",
		    cfg->endpoint);
		return -1;
	}
	n = strlen(cfg->endpoint);
	while (n > 0 && cfg->endpoint[n - 1] == '/')
		cfg->endpoint[--n] = '\0';
	return 0;
}
