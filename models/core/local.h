/*
 * local.h: one GET or PUT of a file under a local folder, through libcurl's FILE protocol
 * (file:// URLs, CURLOPT_UPLOAD for a write) on the caller's easy handle. It is the S3 request
 * layer's twin (s3.h: s3_req_*): the same init / prepare / finish steps and the same struct
 * s3_result, so a job and every model drive a local file exactly as they drive an object,
 * through their own curl path. Like that layer it never performs a transfer or owns a handle.
 *
 * A key maps to FOLDER/KEY; a key with a ".." segment, or an absolute one, is refused (it
 * would leave the folder). A PUT creates the file's missing parent folders first (mkdir -p)
 * and replaces the file. A failed attempt is never retried: a file that cannot be read now
 * will not be readable a moment later. curl's FILE protocol reads and writes with plain
 * blocking read(2) and write(2) inside curl_easy_perform or curl_multi_socket_action, on the
 * calling thread: under an event loop that blocks the loop for the file's whole length.
 */
#ifndef EXIFBENCH_LOCAL_H
#define EXIFBENCH_LOCAL_H

#include <curl/curl.h>
#include <stddef.h>
#include <stdint.h>

#include "location.h"
#include "s3.h"

struct local_req {
	enum s3_method method;		/* S3_GET or S3_PUT */
	const char *key;
	struct s3_body body;		/* PUT */
	struct s3_buf *sink;		/* GET: where the file goes (appended) */
	size_t sink_start;
	uint64_t max_bytes;		/* a GET of a larger file fails */
	int too_big;
	char path[LOCATION_DIR_MAX + 1032];
	char url[3 * (LOCATION_DIR_MAX + 1032) + 8];
	char curl_err[CURL_ERROR_SIZE];
};

/*
 * Checks that key names a file under its folder: not empty, not absolute, no ".." segment.
 * Returns 0, or -1 with a one-line reason naming the key in err.
 */
int local_key_check(const char *key, char *err, size_t errlen);

/*
 * Describes a GET (into sink, capped at max_bytes) or a PUT (of body) of dir/key; a PUT also
 * creates the parent folders of the file. Returns 0, or -1 with res->error set.
 */
int local_req_init(struct local_req *r, enum s3_method method, const char *dir, const char *key,
    const void *body, size_t body_len, struct s3_buf *sink, uint64_t max_bytes,
    struct s3_result *res);

/* Sets every option of the attempt on easy (after curl_easy_reset). 0, or -1 (res->error). */
int local_req_prepare(struct local_req *r, CURL *easy, struct s3_result *res);

/*
 * Records how the attempt that ended with rc went (timings, bytes, a one-line error naming
 * the file and why: "Permission denied", "No such file or directory"...). S3_OK or S3_FAIL.
 */
enum s3_outcome local_req_finish(struct local_req *r, CURL *easy, CURLcode rc,
    struct s3_result *res);

/* Creates the folders above the file path (mkdir -p of its parent). 0, or -1 (errno). */
int local_mkdirs(const char *path);

#endif
