/*
 * fuzz_exif.c: the EXIF reader (models/core/exif.c) on any bytes as a downloaded object: the
 * APP1 search, libexif's parse and the tag table (exif_read), then the JSON record built from
 * it (exif_record_json), as the pipeline's PROCESS step does. Seeds: the shared corpus.
 */
#include <jansson.h>

#include "fuzz.h"
#include "models/core/exif.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct exif_record rec;
	json_t *j;

	if (exif_read(data, size, &rec) == 0 && (j = exif_record_json(&rec)) != NULL) {
		free(json_dumps(j, JSON_COMPACT));
		json_decref(j);
	}
	return 0;
}
