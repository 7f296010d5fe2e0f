/* SPDX-License-Identifier: Apache-2.0 */
/* What udev has done, read from its state under /run/udev through the root:
 * whether it is there at all, and whether it has processed a network
 * interface. init-local runs early in the boot, beside udev's coldplug: a
 * NIC it brings up or names before udev has processed it keeps the name the
 * kernel gave it (udev cannot rename an interface that is up). */
#pragma once

#include <stdbool.h>

/* udevd's control socket is there: devices are (or will be) processed. */
bool udev_present(int root_fd);
/* udev has processed the network interface ifindex: named it (a NIC renamed
 * by udev goes by its new name from then on) and written its database
 * entry, /run/udev/data/n<ifindex>. */
bool udev_nic_processed(int root_fd, int ifindex);
