/* SPDX-License-Identifier: Apache-2.0 */
/* Path resolution confined to a directory, in user space: what openat2()'s
 * RESOLVE_IN_ROOT and RESOLVE_BENEATH|RESOLVE_NO_SYMLINKS do, for kernels
 * older than 5.6 (and valgrind) that lack openat2. */
#pragma once

#include <stdbool.h>
#include <sys/types.h>

/* Open path relative to dir_fd, never leaving it: in_root makes absolute
 * symlinks and ".." above dir_fd resolve inside it (RESOLVE_IN_ROOT);
 * otherwise ".." above it is -EXDEV. no_symlinks refuses any symlink with
 * -ELOOP. flags and mode as for openat(). Returns an fd or a negative errno. */
int resolve_open(int dir_fd, const char *path, int flags, mode_t mode, bool in_root,
                 bool no_symlinks);
