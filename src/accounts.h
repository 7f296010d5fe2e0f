/* Account changes through the shadow tools, by argv, acting on the target:
 * useradd, groupadd, usermod, chpasswd and passwd with --root (they chroot)
 * when the target root is not "/". Passwords travel on stdin, hashed
 * first (so PAM in the target plays no part), and are never logged. */
#pragma once

#include <stdbool.h>

#include "module.h"

/* Hash a password as the system's crypt(3) prefers (yescrypt on Debian 12). */
int password_hash(const char *plain, char **ret);
/* A random password of len letters and digits (len < size), from getrandom. */
int password_random(char *buf, size_t size, size_t len);
/* Set user's password: a hash (is_hash) or a plain text, hashed here. */
int account_set_password(const struct module_ctx *ctx, const char *user, const char *secret,
                         bool is_hash);
int account_lock(const struct module_ctx *ctx, const char *user);
int account_unlock(const struct module_ctx *ctx, const char *user);
/* Force a password change at the next login. */
int account_expire(const struct module_ctx *ctx, const char *user);
/* Run a shadow tool (useradd, groupadd, usermod) with --root when needed:
 * argv[0] is the tool, the rest its arguments; at most 60 of them. */
int account_tool(const struct module_ctx *ctx, const char *const *argv);
