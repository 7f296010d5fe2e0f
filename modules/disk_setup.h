/* SPDX-License-Identifier: Apache-2.0 */
/* cloud-init's cc_disk_setup is one module with two halves: disk_setup
 * (partition tables, modules/disk_setup.c, which holds the descriptor) and
 * fs_setup (filesystems, modules/fs_setup.c), run in that order. */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#include "module.h"

extern const struct schema s_fs_setup;
/* The fs_setup half: each entry of `fs_setup`, in order. */
void fs_setup_apply(const struct module_ctx *ctx);
/* extra_opts as a string, split into words as Python's shlex splits them
 * (tests use it): -EBADMSG for an unclosed quote, -E2BIG past max words. */
int fs_setup_split(const char *s, char **words, size_t max, size_t *ret_n);
/* cmd's %(label)s, %(filesystem)s, %(device)s and %%: in a shell script the
 * positional parameters "$1" "$2" "$3", in an argv item the values. -EINVAL
 * for any other %. */
int fs_setup_template(const char *tmpl, bool shell, const char *const values[3], char **ret);
/* Is this block device one the modules may touch? On the host any; under
 * --root only a loop device (an image file) or its partition: the others
 * are the machine's; never device-mapper. Logs why not, with what (the module's prefix). */
struct disk_part;
bool disk_setup_may_touch(const struct module_ctx *ctx, const char *what, const char *dev,
                          const struct disk_part *p);
/* Is dev held by the kernel (mounted, swap, RAID, LVM)? Then it is left
 * alone, said once: checked just before anything is written. */
bool disk_setup_busy(const char *what, const char *dev);
/* On the host, udev has made the links of new partitions and filesystems
 * (udevadm settle, when udev runs), as cloud-init waits for them. */
void disk_setup_settle(const struct module_ctx *ctx);
