/* SPDX-License-Identifier: Apache-2.0 */
/* growpart (init stage, every boot): cloud-init's cc_growpart. The partition
 * under each of `devices` (default "/") grows to the end of its disk, in the
 * partition table (libfdisk: GPT and MBR, the GPT backup header moved to the
 * new end) and in the kernel (BLKPG_RESIZE_PARTITION), while mounted. A
 * partition already the size of its disk is left alone, cheaply: sysfs says
 * so before libfdisk is loaded.
 *
 * Under --root only a loop device (an image file) is ever grown: any other
 * disk is the machine's own, and is left alone with a message. */
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "disk.h"
#include "fs.h"
#include "log.h"
#include "module.h"

#define DEVICES_MAX 16

static const char *const modes[] = { "auto", "growpart", "gpart", "off", NULL };
static const struct schema s_mode = { .types = T_STR | T_BOOL, .enums = modes };
static const struct schema s_dev = { .types = T_STR };
static const struct schema s_devices = { .types = T_SEQ, .items = &s_dev, .prune_items = true };
static const struct schema s_bool = { .types = T_BOOL };
static const struct schema_prop growpart_props[] = {
        { "mode", &s_mode, false },
        { "devices", &s_devices, false },
        { "ignore_growroot_disabled", &s_bool, false },
        { NULL, NULL, false },
};
static const struct schema s_growpart = { .types = T_MAP, .props = growpart_props, .closed = true };
static const struct schema_prop schema_keys[] = { { "growpart", &s_growpart, false },
                                                  { NULL, NULL, false } };

/* The block device an entry means: a device node itself, or the device of
 * the filesystem that holds the path (a mount point such as "/"). */
static int entry_dev(const struct module_ctx *ctx, const char *entry, dev_t *ret)
{
        struct stat st;
        int fd = fs_open_in_root(ctx->root_fd, entry, O_PATH, 0), r = 0;

        if (fd < 0)
                return fd;
        if (fstat(fd, &st) < 0)
                r = -errno;
        (void)close(fd);
        if (r < 0)
                return r;
        *ret = S_ISBLK(st.st_mode) ? st.st_rdev : st.st_dev;
        return 0;
}

static void grow_one(const struct module_ctx *ctx, const char *entry)
{
        struct disk_part p;
        uint64_t size = 0;
        dev_t dev;
        int r;

        r = entry_dev(ctx, entry, &dev);
        if (r >= 0)
                r = disk_part_of(dev, &p);
        if (r < 0) {
                /* skipped, not a failure: cloud-init says so at debug level */
                log_info("growpart: '%s' could not be found: %s; skipped", entry, strerror(-r));
                return;
        }
        if (p.is_dm) {
                log_info("growpart: '%s' is on /dev/%s, a device-mapper device (LVM or "
                         "encryption); growing it is not supported; skipped",
                         entry, p.name);
                return;
        }
        if (!p.partno) {
                log_info("growpart: '%s' is on /dev/%s, which is not a partition; skipped", entry,
                         p.name);
                return;
        }
        if (!ctx->root_is_host && !p.is_loop) {
                log_info("growpart: '%s' is on /dev/%s, a disk of this machine, not an image's "
                         "loop device: left alone under --root",
                         entry, p.name);
                return;
        }
        if (disk_part_room(&p) == 0) {
                log_info("growpart: '%s' (/dev/%s) already fills /dev/%s: no change", entry, p.name,
                         p.disk);
                return;
        }
        r = disk_grow_partition(&p, &size);
        if (r == -ENOPKG) {
                log_error("growpart: '%s' (/dev/%s) could grow, but libfdisk cannot be loaded",
                          entry, p.name);
                return;
        }
        if (r < 0) {
                log_warning_errno(r, "growpart: '%s': cannot grow /dev/%s: %m", entry, p.name);
                return;
        }
        log_info("'%s' resized: changed (/dev/%s, %u) from %llu to %llu", entry, p.disk, p.partno,
                 (unsigned long long)p.size * 512, (unsigned long long)size * 512);
}

static int growpart_run(const struct module_ctx *ctx)
{
        const struct node *cfg = node_get(ctx->cfg, "growpart"), *mode_n = node_get(cfg, "mode"),
                          *devices = node_get(cfg, "devices");
        const char *mode = mode_n && mode_n->type == NODE_STR ? mode_n->str : "auto";

        if ((mode_n && mode_n->type == NODE_BOOL && !mode_n->b) || streq(mode, "off")) {
                log_debug("growpart is off (mode: %s)",
                          mode_n && mode_n->type == NODE_BOOL ? "false" : mode);
                return 0;
        }
        if (fs_exists(ctx->root_fd, "/etc/growroot-disabled") &&
            !node_get_bool(cfg, "ignore_growroot_disabled", false)) {
                log_info("growpart disabled: /etc/growroot-disabled exists");
                return 0;
        }
        if (streq(mode, "gpart")) {
                log_error("growpart: mode gpart is FreeBSD's gpart(8), which Linux does not have");
                return -EOPNOTSUPP;
        }
        if (!devices) {
                grow_one(ctx, "/");
                return 0;
        }
        for (size_t i = 0; i < devices->n && i < DEVICES_MAX; i++)
                if (devices->items[i]->type == NODE_STR)
                        grow_one(ctx, devices->items[i]->str);
        if (devices->n > DEVICES_MAX)
                log_warning("growpart: more than %d devices; the rest are left alone", DEVICES_MAX);
        return 0;
}

const struct module mod_growpart = {
        .name = "growpart",
        .freq = FREQ_ALWAYS,
        .keys = schema_keys,
        .run = growpart_run,
};
