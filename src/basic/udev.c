/* SPDX-License-Identifier: Apache-2.0 */
/* udev's state, as udev.h says. */
#include <stdio.h>

#include "fs.h"
#include "udev.h"

bool udev_present(int root_fd)
{
        return fs_exists(root_fd, "/run/udev/control");
}

bool udev_nic_processed(int root_fd, int ifindex)
{
        char path[64];

        if (ifindex <= 0)
                return false;
        (void)snprintf(path, sizeof(path), "/run/udev/data/n%d", ifindex);
        return fs_exists(root_fd, path);
}
