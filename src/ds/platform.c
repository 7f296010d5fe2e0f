/* SPDX-License-Identifier: Apache-2.0 */
/* Hypervisor and cloud detection (see platform.h). The tables follow what the
 * hypervisors put in SMBIOS, as systemd-detect-virt and cloud-init's
 * ds-identify read them; the first matching field wins, in table order. */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "cmdline.h"
#include "fs.h"
#include "macro.h"
#include "platform.h"

static const char *const dmi_names[_DMI_MAX] = {
        [DMI_SYS_VENDOR] = "sys_vendor",
        [DMI_PRODUCT_NAME] = "product_name",
        [DMI_PRODUCT_SERIAL] = "product_serial",
        [DMI_PRODUCT_UUID] = "product_uuid",
        [DMI_CHASSIS_ASSET_TAG] = "chassis_asset_tag",
        [DMI_BOARD_VENDOR] = "board_vendor",
        [DMI_BIOS_VENDOR] = "bios_vendor",
};

const char *dmi_field_name(enum dmi_field f)
{
        return f >= 0 && f < _DMI_MAX ? dmi_names[f] : NULL;
}

/* Copy a small file's first line into buf (truncated to fit), "" if absent. */
static void read_small(int root_fd, const char *path, char *buf, size_t size)
{
        _cleanup_free_ char *s = NULL;

        buf[0] = '\0';
        if (fs_read_line(root_fd, path, &s) < 0)
                return;
        /* SMBIOS strings are padded with blanks by some firmware */
        size_t n = strcspn(s, "\n");
        while (n > 0 && s[n - 1] == ' ')
                n--;
        if (n >= size)
                n = size - 1;
        memcpy(buf, s, n);
        buf[n] = '\0';
}

struct vendor {
        const char *prefix;
        const char *hypervisor;
};

/* Matched as prefixes of sys_vendor, product_name, board_vendor, bios_vendor.
 * Clouds that run KVM (EC2 Nitro, GCE, OpenStack) name themselves, not QEMU. */
static const struct vendor vendors[] = {
        { "KVM", "kvm" },
        { "QEMU", "kvm" },
        { "Amazon EC2", "kvm" },
        { "Google", "kvm" },
        { "OpenStack", "kvm" },
        { "Red Hat", "kvm" },
        { "Nutanix", "kvm" },
        { "Xen", "xen" },
        { "VMware", "vmware" },
        { "VMW", "vmware" },
        { "innotek GmbH", "virtualbox" },
        { "VirtualBox", "virtualbox" },
        { "Oracle Corporation", "virtualbox" },
        { "Microsoft Corporation", "hyperv" },
        { "Bochs", "kvm" },
};

static const enum dmi_field vendor_fields[] = {
        DMI_SYS_VENDOR,
        DMI_PRODUCT_NAME,
        DMI_BOARD_VENDOR,
        DMI_BIOS_VENDOR,
};

static bool has_prefix(const char *s, const char *prefix)
{
        return strncmp(s, prefix, strlen(prefix)) == 0;
}

/* systemd writes the manager's name to /run/systemd/container in a container;
 * other managers set container= in PID 1's environment or leave a marker file. */
static bool detect_container(int root_fd, char *buf, size_t size)
{
        _cleanup_free_ char *env = NULL;
        size_t len;

        read_small(root_fd, "/run/systemd/container", buf, size);
        if (buf[0])
                return true;
        if (fs_read_file(root_fd, "/proc/1/environ", 64u * 1024, &env, &len) >= 0) {
                for (size_t i = 0; i < len; i += strlen(env + i) + 1)
                        if (has_prefix(env + i, "container=") && env[i + 10]) {
                                size_t n = strnlen(env + i + 10, size - 1);
                                memcpy(buf, env + i + 10, n);
                                buf[n] = '\0';
                                return true;
                        }
        }
        static const struct {
                const char *path, *name;
        } markers[] = {
                { "/.dockerenv", "docker" },
                { "/run/.containerenv", "podman" },
        };
        for (size_t i = 0; i < ELEMENTSOF(markers); i++)
                if (fs_exists(root_fd, markers[i].path)) {
                        size_t n = strnlen(markers[i].name, size - 1);
                        memcpy(buf, markers[i].name, n);
                        buf[n] = '\0';
                        return true;
                }
        return false;
}

static const char *detect_hypervisor(int root_fd, const struct platform *p)
{
        char type[32];

        /* a Xen PV guest has no DMI at all */
        read_small(root_fd, "/sys/hypervisor/type", type, sizeof(type));
        if (streq(type, "xen"))
                return "xen";
        for (size_t f = 0; f < ELEMENTSOF(vendor_fields); f++) {
                const char *v = p->dmi[vendor_fields[f]];
                if (!v[0])
                        continue;
                for (size_t i = 0; i < ELEMENTSOF(vendors); i++)
                        if (has_prefix(v, vendors[i].prefix)) {
                                /* Microsoft's physical machines share the vendor */
                                if (streq(vendors[i].hypervisor, "hyperv") &&
                                    !streq(p->dmi[DMI_PRODUCT_NAME], "Virtual Machine"))
                                        continue;
                                return vendors[i].hypervisor;
                        }
        }
        return "none";
}

/* The cloud a DMI identity names, as cloud-init's ds-identify reads it. */
static const char *detect_cloud(int root_fd, const struct platform *p)
{
        const char *vendor = p->dmi[DMI_SYS_VENDOR], *product = p->dmi[DMI_PRODUCT_NAME];
        const char *serial = p->dmi[DMI_PRODUCT_SERIAL], *uuid = p->dmi[DMI_PRODUCT_UUID];
        const char *tag = p->dmi[DMI_CHASSIS_ASSET_TAG];
        char hvuuid[64];

        read_small(root_fd, "/sys/hypervisor/uuid", hvuuid, sizeof(hvuuid));
        if (streq(vendor, "Amazon EC2") || strncasecmp(uuid, "ec2", 3) == 0 ||
            strncasecmp(serial, "ec2", 3) == 0 || strncasecmp(hvuuid, "ec2", 3) == 0)
                return "aws";
        if (streq(product, "Google Compute Engine") || has_prefix(serial, "GoogleCloud-"))
                return "gce";
        if (streq(tag, "7783-7084-3265-9085-8269-3286-77"))
                return "azure";
        if (streq(product, "OpenStack Nova") || streq(product, "OpenStack Compute") ||
            streq(tag, "OpenTelekomCloud") || streq(tag, "SAP CCloud VM") ||
            streq(tag, "HUAWEICLOUD"))
                return "openstack";
        /* the clouds of issue #23 section 3, as ds-identify's dscheck_* */
        if (streq(vendor, "DigitalOcean"))
                return "digitalocean";
        if (streq(vendor, "Hetzner"))
                return "hetzner";
        if (streq(tag, "OracleCloud.com"))
                return "oracle";
        if (streq(vendor, "Vultr") || cmdline_has_word(p->cmdline, "vultr") ||
            fs_exists(root_fd, "/etc/vultr"))
                return "vultr";
        if (streq(vendor, "Scaleway") || cmdline_has_word(p->cmdline, "scaleway") ||
            fs_exists(root_fd, "/var/run/scaleway"))
                return "scaleway";
        if (streq(vendor, "Linode") || streq(vendor, "Akamai"))
                return "akamai";
        if (streq(vendor, "UpCloud"))
                return "upcloud";
        if (streq(product, "Alibaba Cloud ECS"))
                return "aliyun";
        if (has_prefix(product, "Exoscale"))
                return "exoscale";
        /* not in a container: its DMI would be the host's */
        if (has_prefix(product, "CloudStack") && !streq(p->hypervisor, "container"))
                return "cloudstack";
        return NULL;
}

void platform_detect(int root_fd, const char *cmdline, struct platform *p)
{
        _cleanup_free_ char *line = NULL;
        char path[64];

        *p = (struct platform){ 0 };
        for (int f = 0; f < _DMI_MAX; f++) {
                (void)snprintf(path, sizeof(path), "/sys/class/dmi/id/%s", dmi_names[f]);
                read_small(root_fd, path, p->dmi[f], sizeof(p->dmi[f]));
        }
        /* Vultr and Scaleway may be named there, as ds-identify reads it */
        if (!cmdline && fs_read_line(root_fd, "/proc/cmdline", &line) >= 0)
                cmdline = line;
        if (cmdline)
                (void)snprintf(p->cmdline, sizeof(p->cmdline), "%s", cmdline);
        /* In a container the DMI files are the host's: the container wins. */
        if (detect_container(root_fd, p->container, sizeof(p->container)))
                p->hypervisor = "container";
        else
                p->hypervisor = detect_hypervisor(root_fd, p);
        p->cloud = detect_cloud(root_fd, p);
}
