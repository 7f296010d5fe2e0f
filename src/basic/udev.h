/* SPDX-License-Identifier: Apache-2.0 */
/* What udev has done, read from its state under /run/udev and from sysfs
 * through the root, and a wait for it. init-local runs early in the boot,
 * beside udev's coldplug: a NIC it names in a configuration or brings up
 * before udev has named it keeps the kernel's name, or loses the name the
 * configuration gives it (udev cannot rename an interface that is up). */
#pragma once

#include <stdbool.h>

/* udevd's control socket is there: devices are (or will be) processed. */
bool udev_present(int root_fd);
/* udev has named the network interface called name: its database entry,
 * /run/udev/data/n<ifindex>, is there, and the name is not the kernel's
 * enumerated one (name_assign_type 1: "eth0"), which udev replaces when its
 * policy has a name for the NIC. The entry alone does not say it: the
 * initramfs's udev leaves its own behind, written before the real root's udev
 * renames the NIC. */
bool udev_nic_named(int root_fd, const char *name);
/* Wait until stop(data) says true, or udev's queue is empty (`udevadm
 * settle`, bounded by timeout_sec): then udev keeps the names it has not
 * changed. why, an info line, is logged when the wait starts. 1 when stop
 * ended the wait, 0 otherwise; at once, and silently, where there is no
 * udev to wait for (a container) or no udevadm. */
int udev_settle_until(int root_fd, unsigned timeout_sec, bool (*stop)(void *data), void *data,
                      const char *why);
