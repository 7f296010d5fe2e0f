/* SPDX-License-Identifier: Apache-2.0 */
/* What the machine is: the hypervisor (or container) it runs on and the cloud
 * its DMI identity names. Read from <root>/sys/class/dmi/id, /sys/hypervisor
 * and the container markers, so that a test can fake any of them under --root.
 * Detection reads a handful of small files and never execs. */
#pragma once

enum dmi_field {
        DMI_SYS_VENDOR,
        DMI_PRODUCT_NAME,
        DMI_PRODUCT_SERIAL,
        DMI_PRODUCT_UUID,
        DMI_CHASSIS_ASSET_TAG,
        DMI_BOARD_VENDOR,
        DMI_BIOS_VENDOR,
        _DMI_MAX,
};

#define PLATFORM_DMI_LEN 128
/* /proc/cmdline as fs_read_line() takes it: at most 4096 bytes */
#define PLATFORM_CMDLINE_LEN 4097

struct platform {
        /* "" when the field is absent or unreadable */
        char dmi[_DMI_MAX][PLATFORM_DMI_LEN];
        /* kvm, xen, vmware, virtualbox, hyperv, container, none */
        const char *hypervisor;
        /* the container manager when hypervisor is "container" (systemd-nspawn,
         * docker, lxc, podman...), else "" */
        char container[32];
        /* the cloud the DMI identity names: aws, gce, azure, openstack, or NULL */
        const char *cloud;
        /* the kernel command line, "" when unreadable: read once per boot
         * for every datasource that looks at it (ds=, cloud names) */
        char cmdline[PLATFORM_CMDLINE_LEN];
};

/* cmdline: /proc/cmdline as the caller has read it already; NULL to have it
 * read here. */
void platform_detect(int root_fd, const char *cmdline, struct platform *ret);
/* The sysfs name of a field ("sys_vendor"), for messages and instance-data. */
const char *dmi_field_name(enum dmi_field f);
