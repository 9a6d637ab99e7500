/*
 * fuzz_s3config.c: the AWS profile files (models/core/s3config.c over inih) on any bytes as
 * both ~/.aws/config and ~/.aws/credentials, read for the profile "default" with no AWS_*
 * variable set, as `exifbench` reads a user's files. Secrets read must stay inside their
 * fields. Seeds: profile files in the formats the tests use.
 */
#include <limits.h>
#include <stdlib.h>

#include "fuzz.h"
#include "models/core/s3.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const unset[] = { "AWS_ENDPOINT_URL", "AWS_ACCESS_KEY_ID",
		"AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_REGION", "AWS_DEFAULT_REGION",
		"AWS_CA_BUNDLE", "AWS_S3_ADDRESSING_STYLE", "AWS_PROFILE", "EXIFBENCH_TLS_VERIFY" };
	struct s3_config cfg;
	char path[PATH_MAX], err[512];
	size_t i;

	for (i = 0; i < sizeof(unset) / sizeof(unset[0]); i++)
		unsetenv(unset[i]);
	if (fuzz_file("config", data, size, path, sizeof(path)) < 0)
		return 0;
	setenv("AWS_CONFIG_FILE", path, 1);
	if (fuzz_file("credentials", data, size, path, sizeof(path)) < 0)
		return 0;
	setenv("AWS_SHARED_CREDENTIALS_FILE", path, 1);
	(void)s3_config_from_env(&cfg, err, sizeof(err));
	return 0;
}
