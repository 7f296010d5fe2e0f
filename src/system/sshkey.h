/* SPDX-License-Identifier: Apache-2.0 */
/* SSH public keys as ssh-keygen reads them.
 *
 * sshkey_fingerprint_line(): the line `ssh-keygen -l -f -` prints for a
 * plain key ("TYPE BASE64 [COMMENT]", one line), appended to out: "BITS
 * SHA256:DIGEST COMMENT (TYPE)", the digest unpadded base64 of the key
 * blob's SHA-256, the comment what follows the blob (leading blanks skipped,
 * "no comment" when there is none). RSA, ECDSA (nistp256, 384, 521) and
 * Ed25519 keys whose blob reads as its type says and has the form OpenSSH
 * takes; anything else (DSA, certificates, security-key types, a second
 * line, a blob that lies, no libcrypto to hash with) is < 0 and left to
 * ssh-keygen. An ECDSA point of the right form is not checked to lie on its
 * curve, which ssh-keygen does (docs/compatibility.md). Three host keys
 * cost three execs of ssh-keygen otherwise: 9 ms of CPU natively, 0.5-0.7 s
 * under emulation, a first boot's largest final-stage cost. */
#pragma once

#include "buf.h"

int sshkey_fingerprint_line(const char *pub, struct buf *out);
