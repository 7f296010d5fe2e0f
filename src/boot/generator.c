/* SPDX-License-Identifier: Apache-2.0 */
/* Generator decision and output (see generator.h). cloud-init's ds-identify
 * reads the same inputs; the difference is what happens when it finds
 * nothing: ds-identify disables cloud-init for the whole boot, and a cidata
 * CD-ROM that shows up a moment later is missed (cloud-init GH #6304/#3309).
 * Here "not found" only means "not pulled in now": the udev rule still starts
 * cloudboot.target when a seed device appears, at any time. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "blockdev.h"
#include "cmdline.h"
#include "fs.h"
#include "generator.h"
#include "macro.h"
#include "node.h"
#include "platform.h"
#include "syscfg.h"

#ifndef SYSTEMD_SYSTEM_UNIT_DIR
#define SYSTEMD_SYSTEM_UNIT_DIR "/usr/lib/systemd/system"
#endif

static const char *const seed_labels[] = { "cidata", "CIDATA", "config-2", "CONFIG-2", NULL };

_printf_(3, 4) static void say(char *reason, size_t size, const char *fmt, ...)
{
        va_list ap;
        va_start(ap, fmt);
        (void)vsnprintf(reason, size, fmt, ap);
        va_end(ap);
}

/* ds=..., ci.ds=... or cloud-init=enabled: a word of the command line. */
static bool cmdline_names_datasource(const char *cmdline, char *reason, size_t size)
{
        for (const char *p = cmdline; *p;) {
                size_t n = strcspn(p, " \t\n");
                if ((n > 3 && strncmp(p, "ds=", 3) == 0) ||
                    (n > 6 && strncmp(p, "ci.ds=", 6) == 0)) {
                        say(reason, size, "the kernel command line has %.*s", (int)n, p);
                        return true;
                }
                p += n;
                p += strspn(p, " \t\n");
        }
        return false;
}

/* datasource_list set in system config (not the built-in default) to one
 * datasource besides None: the admin chose it, as ds-identify reads it. */
static bool configured_datasource(int root_fd, char *reason, size_t size)
{
        _cleanup_node_ struct node *cfg = NULL;
        const struct node *list;
        const char *only = NULL;
        size_t n = 0;

        if (syscfg_load(root_fd, &cfg) < 0)
                return false;
        list = node_get(cfg, "datasource_list");
        if (!list || list->type != NODE_SEQ || !list->file || streq(list->file, "<built-in>"))
                return false;
        for (size_t i = 0; i < list->n; i++) {
                const char *name = node_str(list->items[i]);
                if (name && !streq(name, "None")) {
                        only = name;
                        n++;
                }
        }
        if (n != 1)
                return false;
        say(reason, size, "datasource_list in %s names %s", list->file, only);
        return true;
}

enum gen_decision generator_decide(int root_fd, bool probe_devices, char *reason, size_t size)
{
        _cleanup_free_ char *cmdline = NULL, *serial = NULL;
        struct platform plat;

        (void)fs_read_line(root_fd, "/proc/cmdline", &cmdline);
        if (fs_exists(root_fd, "/etc/cloud/cloud-init.disabled")) {
                say(reason, size, "disabled by /etc/cloud/cloud-init.disabled");
                return GEN_DISABLED;
        }
        if (cmdline && cmdline_has_word(cmdline, "cloud-init=disabled")) {
                say(reason, size, "disabled by cloud-init=disabled on the kernel command line");
                return GEN_DISABLED;
        }
        if (cmdline && cmdline_has_word(cmdline, "cloud-init=enabled")) {
                say(reason, size, "enabled by cloud-init=enabled on the kernel command line");
                return GEN_ENABLED;
        }
        if (cmdline && cmdline_names_datasource(cmdline, reason, size))
                return GEN_ENABLED;
        if (fs_read_line(root_fd, "/sys/class/dmi/id/product_serial", &serial) >= 0 &&
            strstr(serial, "ds=nocloud")) {
                say(reason, size, "the SMBIOS serial names ds=nocloud");
                return GEN_ENABLED;
        }
        static const char *const seed_dirs[] = { "/var/lib/cloud/seed/nocloud/meta-data",
                                                 "/var/lib/cloud/seed/nocloud-net/meta-data",
                                                 "/var/lib/cloud/seed/config_drive/openstack",
                                                 NULL };
        for (const char *const *d = seed_dirs; *d; d++)
                if (fs_exists(root_fd, *d)) {
                        say(reason, size, "a seed directory: %s", *d);
                        return GEN_ENABLED;
                }
        static const char *const creds[] = { "/run/credentials/@system/cloudboot.user-data",
                                             "/run/credentials/@system/cloudboot.meta-data", NULL };
        for (const char *const *c = creds; *c; c++)
                if (fs_exists(root_fd, *c)) {
                        say(reason, size, "a system credential: %s", *c);
                        return GEN_ENABLED;
                }
        for (const char *const *l = seed_labels; *l; l++) {
                char path[64];
                (void)snprintf(path, sizeof(path), "/dev/disk/by-label/%s", *l);
                if (fs_exists(root_fd, path)) {
                        say(reason, size, "a filesystem labelled %s", *l);
                        return GEN_ENABLED;
                }
        }
        platform_detect(root_fd, &plat);
        if (plat.cloud) {
                say(reason, size, "the DMI identity of %s", plat.cloud);
                return GEN_ENABLED;
        }
        if (configured_datasource(root_fd, reason, size))
                return GEN_ENABLED;
        /* Generators run before udev's coldplug in the real root, so a seed
         * disk may have no by-label link yet: ask libblkid, as ds-identify
         * asks blkid. */
        if (probe_devices) {
                static const char *const types[] = { "iso9660", "vfat", NULL };
                struct labelled_dev *devs = NULL;
                size_t n = 0;
                if (blockdev_find(seed_labels, types, &devs, &n) >= 0 && n > 0) {
                        say(reason, size, "%s is a seed filesystem (%s)", devs[0].devname,
                            devs[0].fstype);
                        blockdev_list_free(devs, n);
                        return GEN_ENABLED;
                }
                blockdev_list_free(devs, n);
        }
        say(reason, size,
            "no datasource in sight; a seed device that appears later still "
            "starts cloudboot.target through udev");
        return GEN_NOT_FOUND;
}

int generator_run(const char *root, const char *early_dir)
{
        _cleanup_close_ int root_fd = fs_open_root(root), host = fs_open_root("/");
        char reason[512], wants[4096], link[4200], line[600];
        enum gen_decision d;
        int r;

        if (root_fd < 0 || host < 0) {
                fprintf(stderr, "cloudboot-generator: cannot open %s: %s\n", root,
                        strerror(-(root_fd < 0 ? root_fd : host)));
                return 1;
        }
        d = generator_decide(root_fd, streq(root, "/"), reason, sizeof(reason));
        /* cloud-init's markers, which `status` and other tools read */
        (void)fs_mkdir_p(root_fd, "/run/cloud-init", 0755);
        (void)fs_unlink(root_fd,
                        d == GEN_ENABLED ? "/run/cloud-init/disabled" : "/run/cloud-init/enabled");
        if (d != GEN_NOT_FOUND)
                (void)fs_write_atomic(root_fd,
                                      d == GEN_ENABLED ? "/run/cloud-init/enabled"
                                                       : "/run/cloud-init/disabled",
                                      "", 0, 0644, FS_NO_OWNER, (gid_t)-1);
        else
                (void)fs_unlink(root_fd, "/run/cloud-init/disabled");
        int n = snprintf(line, sizeof(line), "%s: %s\n",
                         d == GEN_ENABLED    ? "enabled"
                         : d == GEN_DISABLED ? "disabled"
                                             : "not enabled",
                         reason);
        if (n > 0)
                (void)fs_write_atomic(root_fd, "/run/cloud-init/cloudboot-generator.log", line,
                                      (size_t)n < sizeof(line) ? (size_t)n : sizeof(line) - 1, 0644,
                                      FS_NO_OWNER, (gid_t)-1);
        if (d != GEN_ENABLED)
                return 0;
        /* systemd passes absolute directories; the link goes in the early one
         * so that it wins over an admin's "disable" in /etc, as cloud-init's does */
        if (early_dir[0] != '/' ||
            (size_t)snprintf(wants, sizeof(wants), "%s/multi-user.target.wants", early_dir) >=
                    sizeof(wants))
                return 1;
        (void)snprintf(link, sizeof(link), "%s/cloudboot.target", wants);
        r = fs_mkdir_p(host, wants, 0755);
        if (r >= 0)
                r = fs_symlink_atomic(host, SYSTEMD_SYSTEM_UNIT_DIR "/cloudboot.target", link);
        if (r < 0) {
                fprintf(stderr, "cloudboot-generator: cannot link %s: %s\n", link, strerror(-r));
                return 1;
        }
        return 0;
}
