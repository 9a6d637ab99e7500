/*
 * fuzz_scenario.c: the scenario parser (harness/engine/scenario.c, scenario_value.c) on any
 * bytes as a scenario file, with the quick and the full profile, then its JSON form as a
 * result folder's meta.json records it. Seeds: the shipped bench/NAME.conf files and the
 * tests' scenarios.
 */
#include <jansson.h>

#include "fuzz.h"
#include "harness/engine/scenario.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const profiles[] = { NULL, "full" };
	struct scenario sc;
	char err[512];
	json_t *j;
	FILE *f;
	int i;

	for (i = 0; i < 2; i++) {
		if ((f = fuzz_stream(data, size)) == NULL)
			return 0;
		if (scenario_parse(f, "fuzz.conf", profiles[i], &sc, err, sizeof(err)) == 0 &&
		    (j = scenario_json(&sc)) != NULL)
			json_decref(j);
		fclose(f);
	}
	return 0;
}
