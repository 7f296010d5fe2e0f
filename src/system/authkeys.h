/* SPDX-License-Identifier: Apache-2.0 */
/* authorized_keys: where a user's keys go and how they are added. The file
 * comes from AuthorizedKeysFile in the target's sshd_config (%h %u %U %%
 * expanded, relative paths under the home); a file not specific to the user
 * is never written, so no key lands in a file other users share (cloud-init
 * LP #1911680). Keys are merged: existing lines stay, a key whose base64 blob
 * is already there replaces that line, new keys are appended. Every directory
 * from the home down is opened with O_NOFOLLOW: a symlink there is refused,
 * never followed. Written atomically, owned by the user, 0600; ~/.ssh 0700. */
#pragma once

#include "buf.h"
#include "node.h"
#include "passwd.h"

/* The absolute path (inside the target) of pw's authorized_keys file. */
int authkeys_path(int root_fd, const struct passwd_entry *pw, char **ret);
/* Merge keys (n lines) into the text old; options, when given, replace each
 * new key's own options (root's "Please login as ..." prefix). */
int authkeys_merge(const char *old, size_t old_len, char *const *keys, size_t n,
                   const char *options, struct buf *out);
/* Blob comparisons made by authkeys_merge() so far (for tests: pairwise
 * matching shows here). */
extern unsigned long long authkeys_compares;
/* Find the base64 blob of an authorized_keys line; false for comments,
 * blanks and lines that are not keys. */
bool authkeys_blob(const char *line, size_t len, const char **ret, size_t *ret_len);
/* Append to *keys (growing it) each entry of v, a list of keys or one key,
 * that is exactly one key line; anything else (a line break inside, not a
 * key) is reported with its position and skipped. The strings stay v's. */
int authkeys_collect(const struct node *v, char ***keys, size_t *n);
/* Install keys for pw (see above). */
int authkeys_install(int root_fd, const struct passwd_entry *pw, char *const *keys, size_t n,
                     const char *options);
