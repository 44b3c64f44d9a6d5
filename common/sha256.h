/*
 * sha256: SHA-256 digests as lowercase hex, for the fingerprints the field's tools compute
 * (a changelog row's recipe-fingerprint, a CI job's queue-token). The hash itself is
 * Nettle's (the GNU crypto library under GnuTLS): well kept, not code of ours, and cheap to
 * load; OpenSSL's libcrypto, used before, added 1.5 ms to every start of matrixgen (its
 * relocations), which was 6% of a full sweep.
 */
#ifndef COMMON_SHA256_H
#define COMMON_SHA256_H

#include <stddef.h>

#define SHA256_HEX_LEN 64

/* Writes the 64 hex digits of SHA-256(data[0..len)) and a NUL into out. */
void sha256_hex(const void *data, size_t len, char out[SHA256_HEX_LEN + 1]);

#endif
