/*
 * digest.h: SHA-256 as lowercase hex, the form S3's x-amz-content-sha256 header and the dataset
 * manifests use. Backed by OpenSSL's EVP interface (libcrypto comes with libcurl's OpenSSL build).
 */
#ifndef EXIFBENCH_DIGEST_H
#define EXIFBENCH_DIGEST_H

#include <stddef.h>

#define DIGEST_HEX_LEN 64

/* SHA-256 of buf[0..len) as 64 hex digits plus NUL in out. 0, or -1 on a libcrypto error. */
int digest_sha256_hex(const void *buf, size_t len, char out[DIGEST_HEX_LEN + 1]);

/* The SHA-256 of the empty string, for bodiless requests. */
#define DIGEST_EMPTY_SHA256 "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"

#endif
