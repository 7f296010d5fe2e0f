/* SPDX-License-Identifier: Apache-2.0 */
/* Block devices that carry a seed: found by filesystem label with libblkid,
 * mounted read-only on a private temporary directory, and unmounted again. */
#pragma once

#include <stddef.h>

struct labelled_dev {
        char *devname;
        char *fstype;
};

/* Devices whose filesystem type is one of types and whose LABEL (or
 * LABEL_FATBOOT) is one of labels, in any case, sorted in reverse name order
 * as cloud-init sorts them. labels NULL: any label, or none. */
int blockdev_find(const char *const *labels, const char *const *types, struct labelled_dev **ret,
                  size_t *ret_n);
void blockdev_list_free(struct labelled_dev *devs, size_t n);
/* Mount read-only, nosuid, nodev, noexec on a new 0700 directory. */
int blockdev_mount_ro(const struct labelled_dev *dev, char **ret_dir);
/* Unmount and remove the directory. */
void blockdev_umount(char *dir);
