/* SPDX-License-Identifier: Apache-2.0 */
/* Message digests by name, as Python's hashlib.new() names them ("md5",
 * "sha1", "sha256", "sha3_256", "blake2b", ...), computed by libcrypto
 * (OpenSSL's EVP interface). libcrypto is loaded with dlopen on the first
 * digest asked for: a boot that computes none (an already-provisioned one)
 * never maps it. */
#pragma once

#include <stddef.h>
#include <stdint.h>

#define DIGEST_MAX 64

/* The digest of data under the hashlib name (case-insensitive). Returns the
 * digest's length; -EOPNOTSUPP for a name hashlib would not know or that
 * needs a length (shake_*), -ENOPKG when libcrypto cannot be loaded. */
int digest_compute(const char *name, const void *data, size_t len, uint8_t ret[DIGEST_MAX]);
