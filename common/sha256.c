/* sha256: see sha256.h. */
#include "common/sha256.h"

#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>

void sha256_hex(const void *data, size_t len, char out[SHA256_HEX_LEN + 1])
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int md_len = 0;
	/* EVP_Digest fails only when libcrypto cannot set up the digest (no memory, a broken
	 * install): nothing sensible can follow, and a wrong fingerprint must never be written */
	if (!EVP_Digest(data, len, md, &md_len, EVP_sha256(), NULL) || md_len != 32) {
		fputs("fatal: libcrypto could not compute SHA-256\n", stderr);
		abort();
	}
	static const char hex[] = "0123456789abcdef";
	for (unsigned int i = 0; i < md_len; i++) {
		out[2 * i] = hex[md[i] >> 4];
		out[2 * i + 1] = hex[md[i] & 15];
	}
	out[SHA256_HEX_LEN] = '\0';
}
