/* SPDX-License-Identifier: Apache-2.0 */
/* udev's state, as udev.h says. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "exec.h"
#include "fs.h"
#include "log.h"
#include "macro.h"
#include "udev.h"
#include "valid.h"

#define NET_NAME_ENUM "1" /* linux/netdevice.h: named by the kernel's enumeration */

bool udev_present(int root_fd)
{
        return fs_exists(root_fd, "/run/udev/control");
}

bool udev_nic_named(int root_fd, const char *name)
{
        _cleanup_free_ char *idx = NULL, *assign = NULL;
        char path[128];
        uint64_t i;

        if (valid_ifname(name)) /* a reason: not a name */
                return false;
        /* How the name was given, read first: udev may be renaming the NIC
         * this very moment (its add event), and a name read after its entry
         * would be gone, which is no proof of a name udev gave (read last,
         * a NIC renamed between the reads passed for named: seen in the VM
         * harness, init-local then configured the kernel's eth0). The
         * kernel's own name is not final. Unreadable: a kernel without
         * the attribute, or a name of unknown origin; the entry says it. */
        (void)snprintf(path, sizeof(path), "/sys/class/net/%s/name_assign_type", name);
        if (fs_read_line(root_fd, path, &assign) >= 0 && streq(assign, NET_NAME_ENUM))
                return false;
        /* gone by now (renamed): no ifindex under this name */
        (void)snprintf(path, sizeof(path), "/sys/class/net/%s/ifindex", name);
        if (fs_read_line(root_fd, path, &idx) < 0 || valid_parse_uint(idx, 1, INT32_MAX, &i) < 0)
                return false;
        (void)snprintf(path, sizeof(path), "/run/udev/data/n%llu", (unsigned long long)i);
        return fs_exists(root_fd, path);
}

int udev_settle_until(int root_fd, unsigned timeout_sec, bool (*stop)(void *data), void *data,
                      const char *why)
{
        char t[32];
        char *settle[] = { (char *)"udevadm", (char *)"settle", t, NULL };
        struct exec_opts o = { .timeout_sec = timeout_sec + 10,
                               .best_effort = true,
                               .stop = stop,
                               .stop_data = data };

        if (!udev_present(root_fd) || !exec_have("udevadm"))
                return 0;
        log_info("%s", why);
        (void)snprintf(t, sizeof(t), "--timeout=%u", timeout_sec);
        return exec_ok(&o, settle) == -ECANCELED ? 1 : 0;
}
