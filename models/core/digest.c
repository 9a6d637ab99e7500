/*
 * digest.c: SHA-256 hex digests through OpenSSL's one-shot EVP_Digest. The SHA-256
 * implementation is fetched from its provider once per process (EVP_MD_fetch), not on every
 * call: with OpenSSL 3, EVP_sha256() in EVP_Digest makes an implicit fetch, a lock and a
 * table lookup, per digest (EVP_MD_fetch was 3.6% of the async client's CPU at 64 in flight,
 * docs/methodology.md's client-cost section). The digests libcurl makes for its own SigV4
 * are not changed by this.
 */
#include "digest.h"

#include <pthread.h>

#include <openssl/evp.h>

static pthread_once_t sha256_once = PTHREAD_ONCE_INIT;
static EVP_MD *sha256;	/* kept for the process's life: one object, never freed */

static void
fetch_sha256(void)
{
	sha256 = EVP_MD_fetch(NULL, "SHA256", NULL);
}

int
digest_sha256_hex(const void *buf, size_t len, char out[DIGEST_HEX_LEN + 1])
{
	static const char hex[] = "0123456789abcdef";
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int mdlen = 0, i;

	if (pthread_once(&sha256_once, fetch_sha256) != 0 || sha256 == NULL ||
	    !EVP_Digest(buf, len, md, &mdlen, sha256, NULL) || mdlen != 32)
		return -1;
	for (i = 0; i < mdlen; i++) {
		out[2 * i] = hex[md[i] >> 4];
		out[2 * i + 1] = hex[md[i] & 15];
	}
	out[2 * mdlen] = '\0';
	return 0;
}
