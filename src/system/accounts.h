/* SPDX-License-Identifier: Apache-2.0 */
/* Account changes through the shadow tools, by argv, acting on the target:
 * useradd, groupadd, usermod, chpasswd and passwd with --root (they chroot)
 * when the target root is not "/". Passwords travel on stdin, hashed
 * first (so PAM in the target plays no part), and are never logged. */
#pragma once

#include <stdbool.h>

/* A random password of len letters and digits (len < size), from getrandom. */
int password_random(char *buf, size_t size, size_t len);
/* chroot_dir: the target root the tools act on (--root), NULL for the host. */

/* Set user's password: a hash (is_hash) or a plain text, hashed here. */
int account_set_password(const char *chroot_dir, const char *user, const char *secret,
                         bool is_hash);
int account_lock(const char *chroot_dir, const char *user);
int account_unlock(const char *chroot_dir, const char *user);
/* Force a password change at the next login. */
int account_expire(const char *chroot_dir, const char *user);
/* Run a shadow tool (useradd, groupadd, usermod) with --root when needed:
 * argv[0] is the tool, the rest its arguments; at most 60 of them. */
int account_tool(const char *chroot_dir, const char *const *argv);
