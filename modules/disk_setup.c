/* SPDX-License-Identifier: Apache-2.0 */
/* disk_setup (init stage, per instance): cloud-init's cc_disk_setup, its
 * partition half (fs_setup is in fs_setup.c). `disk_setup: {DEVICE:
 * {table_type: mbr|gpt, layout: true|false|remove|[...], overwrite}}`:
 * DEVICE is a path or a name (device_aliases, the datasource's ephemeral0);
 * layout entries are percentages of the disk, or [percentage, type]. The
 * table is written with libfdisk and the kernel told.
 *
 * A disk that holds a filesystem or a partition table (libblkid says) is
 * left alone, with a message, unless overwrite: true; a disk the kernel
 * holds (mounted, swap, RAID, LVM) is never touched. Under --root only loop
 * devices are partitioned: the others are the machine's. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "disk.h"
#include "disk_setup.h"
#include "exec.h"
#include "fs.h"
#include "log.h"
#include "module.h"
#include "scripts.h"

#define DISKS_MAX 16

static const char *const activate[] = { "disk_setup", "fs_setup", NULL };
static const struct schema s_disk_setup = { .types = T_MAP };
/* device_aliases is read too; mounts declares it (one schema per key) */
static const struct schema_prop schema_keys[] = { { "disk_setup", &s_disk_setup, false },
                                                  { "fs_setup", &s_fs_setup, false },
                                                  { NULL, NULL, false } };

bool disk_setup_may_touch(const struct module_ctx *ctx, const char *what, const char *dev,
                          const struct disk_part *p)
{
        if (p->is_dm) {
                log_warning("%s: %s is a device-mapper device; not supported", what, dev);
                return false;
        }
        if (!ctx->root_is_host && !p->is_loop) {
                log_info("%s: %s is a disk of this machine, not an image's loop device: left "
                         "alone under --root",
                         what, dev);
                return false;
        }
        return true;
}

bool disk_setup_busy(const char *what, const char *dev)
{
        if (!disk_in_use(dev))
                return false;
        log_warning("%s: %s is in use (mounted, swap, or held by RAID or LVM); left alone", what,
                    dev);
        return true;
}

void disk_setup_settle(const struct module_ctx *ctx)
{
        char *argv[] = { (char *)"udevadm", (char *)"settle", (char *)"--timeout=30", NULL };
        struct exec_opts o;

        if (!ctx->root_is_host || !fs_exists(ctx->root_fd, "/run/udev/control") ||
            !exec_have("udevadm"))
                return;
        exec_opts_target(ctx, &o);
        o.timeout_sec = 40;
        (void)exec_ok(&o, argv);
}

/* One layout entry: a percentage, or [percentage, type]. */
static int layout_entry(const struct node *e, enum disk_table t, unsigned *ret_pct,
                        struct disk_layout_part *ret_part, char *pos, size_t pos_size)
{
        const struct node *pct = e, *type = NULL;
        char code[DISK_TYPE_MAX]; /* a GUID fits */
        int r;

        schema_pos(e, pos, pos_size);
        if (e->type == NODE_SEQ) {
                if (e->n != 2) {
                        log_warning("%s: disk_setup: a partition is a size or [size, type]", pos);
                        return -EINVAL;
                }
                pct = e->items[0];
                type = e->items[1];
        }
        if (pct->type != NODE_INT || pct->i < 1 || pct->i > 100) {
                log_warning("%s: disk_setup: a partition size is a percentage of the disk, 1 to "
                            "100",
                            pos);
                return -EINVAL;
        }
        *ret_pct = (unsigned)pct->i;
        ret_part->type[0] = '\0';
        if (!type)
                return 0;
        if (type->type == NODE_INT && type->i >= 0 && type->i < 100000)
                (void)snprintf(code, sizeof(code), "%lld", type->i);
        else if (type->type == NODE_STR && strlen(type->str) < sizeof(code))
                (void)snprintf(code, sizeof(code), "%s", type->str);
        else {
                log_warning("%s: disk_setup: a partition type is a code (83, 82, 8300) or a "
                            "GUID",
                            pos);
                return -EINVAL;
        }
        r = disk_part_type(t, code, ret_part->type);
        if (r == -ENOENT) {
                /* cloud-init's choice for a code it cannot map */
                log_warning("%s: disk_setup: unknown GPT partition type %s, using Linux", pos,
                            code);
                ret_part->type[0] = '\0';
                return 0;
        }
        if (r < 0) {
                log_warning("%s: disk_setup: '%.40s' is not a %s partition type", pos, code,
                            t == DISK_MBR ? "MBR (hex code such as 83)" : "GPT (code or GUID)");
                return r;
        }
        return 0;
}

/* The layout as partitions (sizes still to compute); *ret_n 0 for `true`. */
static int read_layout(const struct node *layout, enum disk_table t, unsigned *pct,
                       struct disk_layout_part *parts, size_t *ret_n)
{
        char pos[256];
        unsigned sum = 0;
        int r;

        *ret_n = 0;
        if (layout->type == NODE_BOOL)
                return 0;
        schema_pos(layout, pos, sizeof(pos));
        if (layout->type != NODE_SEQ || layout->n == 0) {
                log_warning("%s: disk_setup: layout must be true, false, remove or a list of "
                            "sizes",
                            pos);
                return -EINVAL;
        }
        if (layout->n > (t == DISK_MBR ? 4u : DISK_LAYOUT_MAX)) {
                log_warning("%s: disk_setup: %zu partitions; an %s table takes at most %u", pos,
                            layout->n, t == DISK_MBR ? "MBR" : "GPT",
                            t == DISK_MBR ? 4u : DISK_LAYOUT_MAX);
                return -E2BIG;
        }
        for (size_t i = 0; i < layout->n; i++) {
                r = layout_entry(layout->items[i], t, &pct[i], &parts[i], pos, sizeof(pos));
                if (r < 0)
                        return r;
                sum += pct[i];
        }
        if (sum > 100) {
                schema_pos(layout, pos, sizeof(pos));
                log_warning("%s: disk_setup: the layout adds up to %u%% of the disk, more than "
                            "100%%; disk left alone",
                            pos, sum);
                return -ERANGE;
        }
        *ret_n = layout->n;
        return 0;
}

static const char *holds(const struct disk_probe *pr, char *buf, size_t size)
{
        if (pr->pttype[0])
                (void)snprintf(buf, size, "a %s partition table with %u partition%s", pr->pttype,
                               pr->n_parts, pr->n_parts == 1 ? "" : "s");
        else
                (void)snprintf(buf, size, "a %s filesystem%s%.64s%s", pr->fstype,
                               pr->label[0] ? " labelled '" : "", pr->label,
                               pr->label[0] ? "'" : "");
        return buf;
}

/* Partition one disk as its definition says. */
static void setup_disk(const struct module_ctx *ctx, const struct node *key,
                       const struct node *def)
{
        const struct node *aliases = node_get(ctx->cfg, "device_aliases"),
                          *layout = node_get(def, "layout"), *tt = node_get(def, "table_type");
        bool overwrite = node_get_bool(def, "overwrite", false), remove;
        enum disk_table t = tt && node_str(tt) && streq(node_str(tt), "gpt") ? DISK_GPT : DISK_MBR;
        _cleanup_free_ char *name = NULL, *dev = NULL;
        _cleanup_free_ struct disk_probe *pr = NULL;
        _cleanup_free_ struct disk_layout_part *parts = NULL;
        unsigned pct[DISK_LAYOUT_MAX];
        uint64_t sizes[DISK_LAYOUT_MAX];
        struct disk_part p;
        char pos[256], what[320];
        size_t n = 0;
        int r;

        schema_pos(key, pos, sizeof(pos));
        if (!node_str(key) || !*node_str(key)) {
                log_warning("%s: disk_setup: a disk is named by a string (a path or an alias)",
                            pos);
                return;
        }
        /* the keys of a definition, checked here: the map's keys are devices */
        for (size_t i = 0; def->type == NODE_MAP && i + 1 < def->n; i += 2) {
                const char *k = node_str(def->items[i]);
                const struct node *v = def->items[i + 1];
                char kpos[256];
                schema_pos(def->items[i], kpos, sizeof(kpos));
                if (!k || !(streq(k, "table_type") || streq(k, "layout") || streq(k, "overwrite")))
                        log_warning("%s: disk_setup.%.64s: unknown key '%.64s'; ignored", kpos,
                                    node_str(key), k ? k : "?");
                else if (streq(k, "table_type") &&
                         !(v->type == NODE_STR && (streq(v->str, "mbr") || streq(v->str, "gpt")))) {
                        log_warning("%s: disk_setup.%.64s.table_type: must be mbr or gpt; disk "
                                    "left alone",
                                    kpos, node_str(key));
                        return;
                } else if (streq(k, "overwrite") && v->type != NODE_BOOL) {
                        log_warning("%s: disk_setup.%.64s.overwrite: must be true or false; disk "
                                    "left alone",
                                    kpos, node_str(key));
                        return;
                }
        }
        if (!layout || (layout->type == NODE_BOOL && !layout->b)) {
                log_debug("disk_setup: %s is not to be partitioned", node_str(key));
                return;
        }
        remove = layout->type == NODE_STR && streq(layout->str, "remove");
        if (layout->type == NODE_STR && !remove) {
                schema_pos(layout, pos, sizeof(pos));
                log_warning("%s: disk_setup: layout must be true, false, remove or a list of "
                            "sizes",
                            pos);
                return;
        }
        parts = calloc(DISK_LAYOUT_MAX, sizeof(*parts));
        pr = calloc(1, sizeof(*pr));
        if (!parts || !pr) {
                log_error("disk_setup: out of memory");
                return;
        }
        if (!remove && read_layout(layout, t, pct, parts, &n) < 0)
                return;
        r = disk_alias(aliases, ctx->md, node_str(key), &name);
        if (r < 0 || !name || !startswith(name, "/dev/")) {
                log_warning("%s: disk_setup: '%.64s' is not a device of this machine (a path "
                            "under /dev, or a name of device_aliases); skipped",
                            pos, node_str(key));
                return;
        }
        r = disk_resolve(name, &dev, &p);
        if (r == -ENOENT) {
                /* cloud-init's assert_and_settle_device: udev may not have
                 * made the device yet (a driver loaded late) */
                disk_setup_settle(ctx);
                r = disk_resolve(name, &dev, &p);
        }
        if (r < 0) {
                if (r == -EXDEV || r == -ENOTBLK)
                        log_warning("%s: disk_setup: %s is %s; skipped", pos, name,
                                    r == -EXDEV ? "not a device under /dev" : "not a block device");
                else
                        log_warning_errno(r, "%s: disk_setup: %s cannot be found: %m; skipped",
                                          pos, name);
                return;
        }
        if (p.partno) {
                log_warning("%s: disk_setup: %s is a partition, not a disk; skipped", pos, dev);
                return;
        }
        (void)snprintf(what, sizeof(what), "disk_setup");
        if (!disk_setup_may_touch(ctx, what, dev, &p))
                return;
        r = disk_probe(dev, pr);
        if (r < 0) {
                log_warning_errno(r, "disk_setup: cannot read %s: %m; left alone", dev);
                return;
        }
        if (remove) {
                if (!pr->pttype[0] && !pr->fstype[0]) {
                        log_info("disk_setup: %s holds no partition table: nothing to remove", dev);
                        return;
                }
                if (!overwrite) {
                        log_warning("disk_setup: %s holds %s: not removed without overwrite: true",
                                    dev, holds(pr, what, sizeof(what)));
                        return;
                }
                if (disk_setup_busy("disk_setup", dev))
                        return;
                r = disk_wipe(dev);
                if (r < 0)
                        log_warning_errno(r, "disk_setup: cannot wipe %s: %m", dev);
                else
                        log_info("disk_setup: removed the partition table of %s", dev);
                return;
        }
        if (disk_layout_matches(pr, t, parts, n)) {
                log_info("disk_setup: %s already has the layout asked (%s, %u partition%s): no "
                         "change",
                         dev, pr->pttype, pr->n_parts, pr->n_parts == 1 ? "" : "s");
                return;
        }
        if (!overwrite && (pr->pttype[0] || pr->fstype[0])) {
                log_warning("disk_setup: %s holds %s: left alone (overwrite: true replaces it)",
                            dev, holds(pr, what, sizeof(what)));
                return;
        }
        if (disk_setup_busy("disk_setup", dev))
                return;
        if (n == 0) /* layout: true, one partition of all the disk */
                n = 1, pct[0] = 100;
        r = disk_layout_sizes(t, p.size, pct, n, sizes);
        if (r < 0) {
                schema_pos(layout, pos, sizeof(pos));
                log_warning("%s: disk_setup: the layout of %s %s; disk left alone", pos, dev,
                            r == -ERANGE ? "adds up to more than 100%" : "is not valid");
                return;
        }
        for (size_t i = 0; i < n; i++)
                parts[i].size = sizes[i];
        if (overwrite && (pr->pttype[0] || pr->fstype[0])) {
                log_info("disk_setup: overwrite: purging %s on %s", holds(pr, what, sizeof(what)),
                         dev);
                r = disk_wipe(dev);
                if (r < 0) {
                        log_warning_errno(r, "disk_setup: cannot wipe %s: %m", dev);
                        return;
                }
        }
        r = disk_partition(dev, t, parts, n);
        if (r == -ENOPKG) {
                log_error("disk_setup: %s: libfdisk cannot be loaded", dev);
                return;
        }
        if (r < 0) {
                log_warning_errno(r, "disk_setup: cannot partition %s: %m", dev);
                return;
        }
        disk_setup_settle(ctx);
        log_info("disk_setup: created an %s partition table on %s with %zu partition%s",
                 t == DISK_MBR ? "MBR" : "GPT", dev, n, n == 1 ? "" : "s");
}

static int disk_setup_run(const struct module_ctx *ctx)
{
        const struct node *ds = node_get(ctx->cfg, "disk_setup");
        char pos[256];

        if (ds && ds->type == NODE_MAP) {
                if (ds->n / 2 > DISKS_MAX) {
                        schema_pos(ds, pos, sizeof(pos));
                        log_warning("%s: disk_setup: more than %d disks; the rest are left alone",
                                    pos, DISKS_MAX);
                }
                for (size_t i = 0; i + 1 < ds->n && i / 2 < DISKS_MAX; i += 2) {
                        const struct node *def = ds->items[i + 1];
                        if (def->type != NODE_MAP) {
                                schema_pos(def, pos, sizeof(pos));
                                log_warning("%s: disk_setup: invalid disk definition for %.64s; "
                                            "it must be a mapping",
                                            pos, node_str(ds->items[i]) ? node_str(ds->items[i])
                                                                        : "?");
                                continue;
                        }
                        setup_disk(ctx, ds->items[i], def);
                }
        }
        fs_setup_apply(ctx);
        return 0;
}

const struct module mod_disk_setup = {
        .name = "disk_setup",
        .freq = FREQ_INSTANCE,
        .keys = schema_keys,
        .activate_keys = activate,
        .run = disk_setup_run,
};
