/* SPDX-License-Identifier: Apache-2.0 */
/* The target's sshd configuration, read as sshd reads it: keywords are
 * case-insensitive, the first value obtained wins, Include is followed in
 * place (globs in the last component, relative to /etc/ssh), and the global
 * section ends at the first Match. */
#pragma once

#include <stdbool.h>

/* The value of keyword (the rest of its line), or -ENOENT. */
int sshd_config_get(int root_fd, const char *keyword, char **ret);
/* Does the global section include files from dir (e.g. /etc/ssh/sshd_config.d)? */
bool sshd_config_includes_dir(int root_fd, const char *dir);
