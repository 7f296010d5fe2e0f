/* SPDX-License-Identifier: Apache-2.0 */
/* Content encodings used by user-data and write_files: base64 and gzip. Every
 * decoder takes a maximum output size and fails with -E2BIG past it, so a
 * decompression bomb costs no more than that maximum. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Decode base64 (standard alphabet, whitespace ignored, padding optional). */
int b64_decode(const char *in, size_t len, size_t max, char **ret, size_t *ret_len);
/* Python's base64.b64decode() (binascii non-strict mode), as cloud-init and
 * PyYAML's !!binary decode: characters outside the standard alphabet are
 * skipped (counted in *ret_skipped, whitespace not counted), data after the
 * final padding is ignored, an incomplete last group is -EBADMSG ("Incorrect
 * padding"), and so is a byte that is not ASCII. */
int b64_decode_lenient(const char *in, size_t len, size_t max, char **ret, size_t *ret_len,
                       size_t *ret_skipped);
/* Encode to base64 with padding, no line breaks. */
int b64_encode(const void *in, size_t len, char **ret);
bool gzip_is(const void *data, size_t len);
/* Decompress a gzip stream (several members allowed, as gunzip does). */
int gzip_decode(const void *in, size_t len, size_t max, char **ret, size_t *ret_len);
/* Compress into one gzip member (for collect-logs' tarball). */
int gzip_encode(const void *in, size_t len, char **ret, size_t *ret_len);
/* FNV-1a, 64 bits: stable names and digests (cache files, "has this
 * changed"), not security. Start from FNV1A64_INIT; chain calls to hash more. */
#define FNV1A64_INIT 14695981039346656037ull
unsigned long long fnv1a64(unsigned long long h, const void *p, size_t n);
/* The same job where nothing outside the machine keeps the value (the
 * stored models' keys and digests): faster, not FNV. Chain calls as with
 * fnv1a64(), from FNV1A64_INIT. */
uint64_t digest64(uint64_t h, const void *p, size_t n);
