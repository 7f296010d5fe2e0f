/* SPDX-License-Identifier: Apache-2.0 */
/* Path resolution confined to a directory, in user space: what openat2()'s
 * RESOLVE_IN_ROOT and RESOLVE_BENEATH|RESOLVE_NO_SYMLINKS do, for kernels
 * older than 5.6 (and valgrind) that lack openat2; and what openat2 cannot
 * do at all: look at the owner of each symlink on the way before following
 * it (RESOLVE_WALK_SAFE_LINKS). */
#pragma once

#include <stdbool.h>
#include <sys/stat.h>
#include <sys/types.h>

enum {
        /* absolute symlinks and ".." above dir_fd resolve inside it;
         * otherwise ".." above it is -EXDEV */
        RESOLVE_WALK_IN_ROOT = 1 << 0,
        /* any symlink is -ELOOP */
        RESOLVE_WALK_NO_SYMLINKS = 1 << 1,
        /* a symlink that resolve_link_trusted() refuses is -EACCES */
        RESOLVE_WALK_SAFE_LINKS = 1 << 2,
};

/* Open path relative to dir_fd, never leaving it, as how says. flags and
 * mode as for openat(). Returns an fd or a negative errno. */
int resolve_open(int dir_fd, const char *path, int flags, mode_t mode, unsigned how);

/* May a symlink (link, as lstat sees it) in the directory dir be followed?
 * The rule of fs.protected_symlinks, made strict for a provisioning agent
 * running as root: only when the link is owned by root (or by us) and no
 * other user can write the directory, or the directory is sticky and owned
 * by the link's owner (then no one else can replace the link). A link that
 * a user made, or one in a directory a user can write (a root-owned link a
 * user could have moved there), is never followed. */
bool resolve_link_trusted(const struct stat *link, const struct stat *dir);
