/*
 * sha256: SHA-256 digests as lowercase hex, for the fingerprints the field's tools compute
 * (a changelog row's recipe-fingerprint, a CI job's queue-token). The hash itself is
 * OpenSSL's libcrypto (EVP): a well-kept, audited implementation, not code of ours.
 */
#ifndef COMMON_SHA256_H
#define COMMON_SHA256_H

#include <stddef.h>

#define SHA256_HEX_LEN 64

/* Writes the 64 hex digits of SHA-256(data[0..len)) and a NUL into out. */
void sha256_hex(const void *data, size_t len, char out[SHA256_HEX_LEN + 1]);

#endif
