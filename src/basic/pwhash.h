/* SPDX-License-Identifier: Apache-2.0 */
/* Password hashing with libcrypt, loaded on first use (dynlib.h): only a
 * boot that sets a plain-text password maps it. */
#pragma once

/* plain hashed with a random salt: prefix "$6$" for SHA-512 crypt (what
 * cloud-init's Azure support writes), NULL for the method the system's
 * crypt(3) prefers (yescrypt on Debian 12). -ENOPKG without libcrypt. */
int password_hash(const char *prefix, const char *plain, char **ret);
