/* SPDX-License-Identifier: Apache-2.0 */
/* fs_setup: the filesystem half of cloud-init's cc_disk_setup (the module
 * is disk_setup, modules/disk_setup.c). Each entry {label, filesystem,
 * device, partition: any|auto|none|N, overwrite, replace_fs, extra_opts,
 * cmd} makes a filesystem with mkfs.<filesystem> run by argv: -L label, the
 * force flag where cloud-init gives it, extra_opts as argv items, then the
 * device.
 *
 * A device that already holds a filesystem is never formatted unless
 * overwrite: true, or replace_fs names its type (libblkid says what is
 * there); one with the filesystem and label asked is left as it is. A
 * device the kernel holds (mounted, swap) is never touched. `cmd` is the
 * user's own command (as runcmd): a string goes to /bin/sh with the values
 * as positional parameters, never pasted into the script; a list is argv. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "disk.h"
#include "disk_setup.h"
#include "exec.h"
#include "fs.h"
#include "log.h"
#include "module.h"
#include "scripts.h"
#include "valid.h"

#define ENTRIES_MAX 32
#define ARGS_MAX 64 /* extra_opts words, cmd items */
#define ARG_MAX_LEN 1024
#define LABEL_MAX 255
#define MKFS_TIMEOUT 900u

static const struct schema s_str = { .types = T_STR };
static const struct schema s_bool = { .types = T_BOOL };
static const struct schema s_part = { .types = T_STR | T_INT };
static const struct schema s_words = { .types = T_STR | T_SEQ, .items = &s_str };
static const struct schema_prop entry_props[] = {
        { "label", &s_str, false },        { "filesystem", &s_str, false },
        { "device", &s_str, false },       { "partition", &s_part, false },
        { "overwrite", &s_bool, false },   { "replace_fs", &s_str, false },
        { "extra_opts", &s_words, false }, { "cmd", &s_words, false },
        { NULL, NULL, false },
};
static const struct schema s_entry = { .types = T_MAP, .props = entry_props, .closed = true };
const struct schema s_fs_setup = { .types = T_SEQ, .items = &s_entry, .prune_items = true };

struct fs_entry {
        char pos[256];
        const char *label; /* NULL: none */
        const char *fstype; /* NULL: none (cmd must say) */
        const char *replace_fs;
        char partition[16]; /* "any", "auto", "none" or a number */
        bool overwrite;
};

static bool has_control(const char *s)
{
        for (; *s; s++)
                if ((unsigned char)*s < ' ' || *s == 0x7f)
                        return true;
        return false;
}

/* cloud-init's mkfs.<fs> name: a type such as ext4, xfs, btrfs, vfat, swap. */
static bool valid_fstype(const char *s)
{
        size_t n = strlen(s);

        if (n == 0 || n > 32)
                return false;
        for (; *s; s++)
                if (!islower((unsigned char)*s) && !isdigit((unsigned char)*s) && *s != '_')
                        return false;
        return true;
}

/* lookup_force_flag: -F for ext*, -f for btrfs, xfs, reiserfs, swap. */
static const char *force_flag(const char *fs)
{
        if (strstr(fs, "ext"))
                return "-F";
        if (streq(fs, "btrfs") || streq(fs, "xfs") || streq(fs, "reiserfs") || streq(fs, "swap"))
                return "-f";
        log_warning("fs_setup: force flag for %s is unknown", fs);
        return NULL;
}

/* A string of options into words, as a POSIX shell (Python's shlex) splits
 * them: blanks separate, quotes group, a backslash escapes. */
int fs_setup_split(const char *s, char **words, size_t max, size_t *ret_n)
{
        size_t n = 0;
        int r = 0;

        while (*s && r >= 0) {
                struct buf w = BUF_INIT(ARG_MAX_LEN);
                char q = 0;
                s += strspn(s, " \t\n");
                if (!*s)
                        break;
                for (; *s && r >= 0 && (q || !strchr(" \t\n", *s)); s++) {
                        if (q == '\'' ? *s == '\'' : q == '"' ? *s == '"' : false)
                                q = 0;
                        else if (!q && (*s == '\'' || *s == '"')) {
                                q = *s;
                        } else if (*s == '\\' && q != '\'' && s[1] &&
                                   (!q || strchr("\"\\$`\n", s[1])))
                                r = buf_putc(&w, *++s);
                        else
                                r = buf_putc(&w, *s);
                }
                if (r >= 0 && q)
                        r = -EBADMSG; /* an unclosed quote */
                if (r >= 0 && n == max)
                        r = -E2BIG;
                if (r >= 0) {
                        words[n] = strndup(w.data ? w.data : "", w.len);
                        r = words[n] ? 0 : -ENOMEM;
                        n += r >= 0;
                }
                buf_free(&w);
        }
        if (r < 0) {
                for (size_t i = 0; i < n; i++)
                        free(words[i]);
                return r;
        }
        *ret_n = n;
        return 0;
}

/* cmd's "%(label)s" templates: in a shell script the value is the
 * positional parameter, quoted ("$1"); in an argv item it is the value. */
static const char *const subst_keys[] = { "label", "filesystem", "device" };

int fs_setup_template(const char *tmpl, bool shell, const char *const values[3], char **ret)
{
        struct buf b = BUF_INIT(16384);
        int r = 0;

        for (const char *p = tmpl; *p && r >= 0; p++) {
                size_t k;
                if (*p != '%') {
                        r = buf_putc(&b, *p);
                        continue;
                }
                if (p[1] == '%') {
                        r = buf_putc(&b, '%');
                        p++;
                        continue;
                }
                for (k = 0; k < ELEMENTSOF(subst_keys); k++) {
                        size_t l = strlen(subst_keys[k]);
                        if (p[1] == '(' && strncmp(p + 2, subst_keys[k], l) == 0 &&
                            strncmp(p + 2 + l, ")s", 2) == 0) {
                                p += l + 3;
                                break;
                        }
                }
                if (k == ELEMENTSOF(subst_keys))
                        r = -EINVAL; /* cloud-init's Python formatting fails there too */
                else if (shell)
                        r = buf_printf(&b, "\"$%zu\"", k + 1);
                else
                        r = buf_append(&b, values[k] ? values[k] : "",
                                       values[k] ? strlen(values[k]) : 0);
        }
        if (r >= 0)
                r = buf_putc(&b, '\0');
        if (r < 0) {
                buf_free(&b);
                return r;
        }
        *ret = b.data;
        return 0;
}

/* find_device_node for partition: auto (filesystem and label match) and any
 * (filesystem matches): the device itself or its first partition without a
 * filesystem; *ret_reuse when one already has what is asked. */
static int find_device(const struct fs_entry *e, const char *disk, char *ret, size_t size,
                       bool *ret_reuse)
{
        _cleanup_free_ struct disk_probe *pr = calloc(1, sizeof(*pr));
        unsigned parts[DISK_LAYOUT_MAX];
        const char *name = strrchr(disk, '/') + 1;
        size_t n = disk_kernel_parts(name, parts, ELEMENTSOF(parts));
        bool label_match = streq(e->partition, "auto"), used = false;
        const char *label = e->label ? e->label : "";

        if (!pr)
                return -ENOMEM;
        *ret_reuse = false;
        for (size_t i = 0; i <= n; i++) {
                char dev[128];
                if (i == 0)
                        (void)snprintf(dev, sizeof(dev), "%s", disk);
                else if (disk_partition_path(disk, parts[i - 1], dev, sizeof(dev)) < 0)
                        continue;
                if (disk_probe(dev, pr) < 0)
                        continue;
                if (e->replace_fs && !label_match && streq(pr->fstype, e->replace_fs)) {
                        (void)snprintf(ret, size, "%s", dev);
                        return 0;
                }
                if (e->fstype && streq(pr->fstype, e->fstype) &&
                    (!label_match || streq(pr->label, label))) {
                        (void)snprintf(ret, size, "%s", dev);
                        *ret_reuse = true;
                        return 0;
                }
                if (i == 0) {
                        /* the disk is the last choice; never over a table or a filesystem */
                        used = pr->fstype[0] || pr->pttype[0];
                        /* a filesystem on the whole disk: partitions the kernel still
                         * has are stale, the disk is used */
                        if (pr->fstype[0] && !pr->pttype[0])
                                break;
                        continue;
                }
                used = true;
                if (!pr->fstype[0]) {
                        (void)snprintf(ret, size, "%s", dev);
                        return 0;
                }
        }
        if (used)
                return -ENOSPC;
        (void)snprintf(ret, size, "%s", disk);
        return 0;
}

static int run_mkfs(const struct module_ctx *ctx, const struct fs_entry *e, const char *dev,
                    bool whole_disk, const struct node *opts)
{
        char mkfs[64], *argv[ARGS_MAX + 8] = { NULL }, *words[ARGS_MAX] = { NULL };
        size_t n = 0, nw = 0;
        struct exec_opts o;
        int r = 0;

        (void)snprintf(mkfs, sizeof(mkfs), "mkfs.%s", e->fstype);
        if (!exec_have(mkfs)) {
                (void)snprintf(mkfs, sizeof(mkfs), "mk%s", e->fstype); /* mkswap */
                if (!exec_have(mkfs)) {
                        log_warning("%s: fs_setup: cannot create fstype '%s': no mkfs.%s command",
                                    e->pos, e->fstype, e->fstype);
                        return -ENOENT;
                }
        }
        argv[n++] = mkfs;
        if (e->label) {
                argv[n++] = (char *)"-L";
                argv[n++] = (char *)e->label;
        }
        if (e->overwrite || whole_disk) {
                const char *f = force_flag(e->fstype);
                if (f)
                        argv[n++] = (char *)f;
        }
        if (opts && opts->type == NODE_STR) {
                r = fs_setup_split(opts->str, words, ARGS_MAX, &nw);
                if (r < 0) {
                        log_warning("%s: fs_setup: extra_opts '%.64s' cannot be split into words "
                                    "(%s); entry skipped",
                                    e->pos, opts->str,
                                    r == -E2BIG ? "too many" : "an unclosed quote");
                        return r;
                }
                for (size_t i = 0; i < nw; i++)
                        argv[n++] = words[i];
        } else if (opts && opts->type == NODE_SEQ) {
                if (opts->n > ARGS_MAX) {
                        log_warning("%s: fs_setup: more than %d extra_opts; entry skipped", e->pos,
                                    ARGS_MAX);
                        return -E2BIG;
                }
                for (size_t i = 0; i < opts->n; i++)
                        if (opts->items[i]->type == NODE_STR)
                                argv[n++] = opts->items[i]->str;
        }
        for (size_t i = 1; i < n; i++)
                if (has_control(argv[i]) || strlen(argv[i]) > ARG_MAX_LEN) {
                        log_warning("%s: fs_setup: an option holds a control character or is too "
                                    "long; entry skipped",
                                    e->pos);
                        r = -EINVAL;
                }
        if (r >= 0) {
                argv[n++] = (char *)dev;
                /* the device is the machine's: under --root, the machine's mkfs */
                exec_opts_target(ctx, &o);
                o.chroot_dir = NULL;
                o.timeout_sec = MKFS_TIMEOUT;
                r = exec_ok(&o, argv);
                if (r < 0)
                        log_warning_errno(r, "%s: fs_setup: %s %s failed%s", e->pos, mkfs, dev,
                                          r == -EPROTO ? " (its output is in the output log)"
                                                       : ": %m");
        }
        for (size_t i = 0; i < nw; i++)
                free(words[i]);
        return r;
}

/* The user's cmd (cloud-init runs it through a shell): a string with the
 * values as "$1" "$2" "$3", a list as argv. In the target, as runcmd. */
static int run_cmd(const struct module_ctx *ctx, const struct fs_entry *e, const char *dev,
                   const struct node *cmd)
{
        const char *values[3] = { e->label ? e->label : "", e->fstype ? e->fstype : "", dev };
        char *argv[ARGS_MAX + 8] = { NULL };
        size_t n = 0;
        struct exec_opts o;
        int r = 0;

        if (cmd->type == NODE_STR) {
                argv[n++] = (char *)"/bin/sh";
                argv[n++] = (char *)"-c";
                r = fs_setup_template(cmd->str, /* shell= */ true, values, &argv[n++]);
                argv[n++] = (char *)"fs_setup";
                for (size_t i = 0; i < 3; i++)
                        argv[n++] = (char *)values[i];
        } else if (cmd->n == 0 || cmd->n > ARGS_MAX)
                r = -E2BIG;
        else
                for (size_t i = 0; i < cmd->n && r >= 0; i++)
                        r = cmd->items[i]->type == NODE_STR
                                    ? fs_setup_template(cmd->items[i]->str, false, values,
                                                        &argv[n++])
                                    : -EINVAL;
        if (r < 0)
                log_warning("%s: fs_setup: cmd %s; entry skipped", e->pos,
                            r == -EINVAL ? "holds a % other than %(label)s, %(filesystem)s, "
                                           "%(device)s or %%"
                                         : "is empty or too long");
        else {
                exec_opts_target(ctx, &o);
                o.timeout_sec = MKFS_TIMEOUT;
                r = exec_ok(&o, argv);
                if (r < 0)
                        log_warning_errno(r, "%s: fs_setup: cmd for %s failed%s", e->pos, dev,
                                          r == -EPROTO ? " (its output is in the output log)"
                                                       : ": %m");
        }
        if (cmd->type == NODE_STR)
                free(argv[2]);
        else
                for (size_t i = 0; i < n; i++)
                        free(argv[i]);
        return r;
}

/* Does the device hold what the entry asks, or something it may not touch? */
static int check_existing(const struct fs_entry *e, const char *dev)
{
        _cleanup_free_ struct disk_probe *pr = calloc(1, sizeof(*pr));
        char what[320];
        int r;

        if (!pr)
                return -ENOMEM;
        r = disk_probe(dev, pr);
        if (r < 0) {
                log_warning_errno(r, "%s: fs_setup: cannot read %s: %m; skipped", e->pos, dev);
                return r;
        }
        if (!pr->fstype[0] && !pr->pttype[0])
                return 0;
        if (e->fstype && streq(pr->fstype, e->fstype) &&
            streq(pr->label, e->label ? e->label : "")) {
                if (!e->overwrite) {
                        log_info("fs_setup: %s already has the %s filesystem%s%s%s asked: no "
                                 "change",
                                 dev, pr->fstype, e->label ? " labelled '" : "",
                                 e->label ? e->label : "", e->label ? "'" : "");
                        return 1;
                }
                log_info("fs_setup: overwrite: destroying the filesystem on %s", dev);
                return 0;
        }
        if (pr->pttype[0])
                (void)snprintf(what, sizeof(what), "a %s partition table", pr->pttype);
        else
                (void)snprintf(what, sizeof(what), "a %s filesystem labelled '%.64s'", pr->fstype,
                               pr->label);
        if (e->overwrite || (e->replace_fs && streq(pr->fstype, e->replace_fs))) {
                log_info("fs_setup: %s holds %s: replaced as told (%s)", dev, what,
                         e->overwrite ? "overwrite: true" : "replace_fs");
                return 0;
        }
        log_warning("fs_setup: %s holds %s: not formatted (overwrite: true replaces it)", dev,
                    what);
        return 1;
}

/* cloud-init's expand_dotted_devname: "ephemeral0.1" is partition 1 of
 * ephemeral0; only a number after the dot counts, so a name with dots of
 * its own (/dev/disk/by-path/pci-0000:00:04.0) stays whole when it exists. */
static void split_dotted(char *dev, const char **ret_part)
{
        char *dot = strrchr(dev, '.');

        *ret_part = NULL;
        if (!dot || !dot[1] || strspn(dot + 1, "0123456789") != strlen(dot + 1) ||
            strlen(dot + 1) > 3 || access(dev, F_OK) == 0)
                return;
        *dot = '\0';
        *ret_part = dot + 1;
}

static void setup_fs(const struct module_ctx *ctx, const struct node *def)
{
        const struct node *aliases = node_get(ctx->cfg, "device_aliases"),
                          *part = node_get(def, "partition"), *cmd = node_get(def, "cmd"),
                          *opts = node_get(def, "extra_opts");
        const char *device = node_get_str(def, "device"), *dotted = NULL, *why;
        _cleanup_free_ char *name = NULL, *devcopy = NULL, *disk = NULL;
        struct fs_entry e = { .overwrite = node_get_bool(def, "overwrite", false) };
        struct disk_part p;
        char dev[128];
        bool whole;
        int r;

        schema_pos(def, e.pos, sizeof(e.pos));
        e.label = node_get_str(def, "label");
        e.fstype = node_get_str(def, "filesystem");
        e.replace_fs = node_get_str(def, "replace_fs");
        if (!device) {
                log_warning("%s: fs_setup: an entry needs a device; skipped", e.pos);
                return;
        }
        if (e.label && (why = valid_line(e.label, LABEL_MAX))) {
                log_warning("%s: fs_setup: label: %s; entry skipped", e.pos, why);
                return;
        }
        if (e.fstype && !valid_fstype(e.fstype)) {
                log_warning("%s: fs_setup: filesystem '%.32s' is not a filesystem type (ext4, "
                            "xfs, btrfs, swap...); entry skipped",
                            e.pos, e.fstype);
                return;
        }
        if (!e.fstype && !cmd) {
                log_warning("%s: fs_setup: no way to create filesystem '%s': filesystem or cmd "
                            "must be set",
                            e.pos, e.label ? e.label : "");
                return;
        }
        if (part && part->type == NODE_INT && part->i >= 1 && part->i <= 4096)
                (void)snprintf(e.partition, sizeof(e.partition), "%lld", part->i);
        else if (part && part->type == NODE_STR &&
                 (streq(part->str, "any") || streq(part->str, "auto") ||
                  streq(part->str, "none") ||
                  (strlen(part->str) < 5 && *part->str &&
                   strspn(part->str, "0123456789") == strlen(part->str))))
                (void)snprintf(e.partition, sizeof(e.partition), "%s", part->str);
        else if (part) {
                schema_pos(part, e.pos, sizeof(e.pos));
                log_warning("%s: fs_setup: partition must be any, auto, none or a number; entry "
                            "skipped",
                            e.pos);
                return;
        } else
                (void)snprintf(e.partition, sizeof(e.partition), "any");
        devcopy = strdup(device);
        if (!devcopy)
                return;
        split_dotted(devcopy, &dotted);
        if (dotted) {
                if (part)
                        log_warning("%s: fs_setup: partition '%s' from the dotted device name "
                                    "'%s' overrides the partition key",
                                    e.pos, dotted, device);
                (void)snprintf(e.partition, sizeof(e.partition), "%s", dotted);
        }
        r = disk_alias(aliases, ctx->md, devcopy, &name);
        if (r < 0 || !name || !startswith(name, "/dev/")) {
                log_warning("%s: fs_setup: device '%.64s' is not a device of this machine (a "
                            "path under /dev, or a name of device_aliases); skipped",
                            e.pos, device);
                return;
        }
        r = disk_resolve(name, &disk, &p);
        if (r == -ENOENT) {
                /* as cloud-init: wait for udev once, the device may come late */
                disk_setup_settle(ctx);
                r = disk_resolve(name, &disk, &p);
        }
        if (r < 0) {
                if (r == -EXDEV || r == -ENOTBLK)
                        log_warning("%s: fs_setup: %s is %s; skipped", e.pos, name,
                                    r == -EXDEV ? "not a device under /dev" : "not a block device");
                else
                        log_warning_errno(r, "%s: fs_setup: %s cannot be found: %m; skipped",
                                          e.pos, name);
                return;
        }
        (void)snprintf(dev, sizeof(dev), "%s", disk);
        if (isdigit((unsigned char)e.partition[0])) {
                char pdev[128];
                unsigned n = (unsigned)strtoul(e.partition, NULL, 10);
                _cleanup_free_ char *preal = NULL;
                if (disk_partition_path(disk, n, pdev, sizeof(pdev)) < 0 ||
                    disk_resolve(pdev, &preal, &p) < 0) {
                        log_warning("%s: fs_setup: %s does not exist or is not a block device; "
                                    "skipped",
                                    e.pos, pdev);
                        return;
                }
                (void)snprintf(dev, sizeof(dev), "%s", preal);
        } else if (!streq(e.partition, "none")) {
                bool reuse = false;
                if (p.partno) {
                        log_warning("%s: fs_setup: %s is a partition; partition: %s looks for "
                                    "one on a disk (give the disk, or partition: none)",
                                    e.pos, disk, e.partition);
                        return;
                }
                r = find_device(&e, disk, dev, sizeof(dev), &reuse);
                if (r < 0) {
                        log_warning("%s: fs_setup: no device on %s fits (every partition holds a "
                                    "filesystem); skipped",
                                    e.pos, disk);
                        return;
                }
                if (reuse) {
                        log_info("fs_setup: %s already holds a %s filesystem (partition: %s): "
                                 "no change",
                                 dev, e.fstype, e.partition);
                        return;
                }
                if (!streq(dev, disk)) {
                        _cleanup_free_ char *preal = NULL;
                        if (disk_resolve(dev, &preal, &p) < 0)
                                return;
                }
        }
        if (!disk_setup_may_touch(ctx, "fs_setup", dev, &p))
                return;
        whole = p.partno == 0;
        if (check_existing(&e, dev) != 0 || disk_setup_busy("fs_setup", dev))
                return;
        if (cmd) {
                if (e.overwrite)
                        log_warning("%s: fs_setup: overwrite ignored because cmd was specified",
                                    e.pos);
                if (opts)
                        log_warning("%s: fs_setup: extra_opts ignored because cmd was specified",
                                    e.pos);
                r = run_cmd(ctx, &e, dev, cmd);
        } else
                r = run_mkfs(ctx, &e, dev, whole, opts);
        if (r < 0)
                return;
        disk_setup_settle(ctx);
        log_info("fs_setup: created %s filesystem%s%s%s on %s", e.fstype ? e.fstype : "a",
                 e.label ? " labelled '" : "", e.label ? e.label : "", e.label ? "'" : "", dev);
}

void fs_setup_apply(const struct module_ctx *ctx)
{
        const struct node *fs = node_get(ctx->cfg, "fs_setup");
        char pos[256];

        if (!fs || fs->type != NODE_SEQ)
                return;
        if (fs->n > ENTRIES_MAX) {
                schema_pos(fs, pos, sizeof(pos));
                log_warning("%s: fs_setup: more than %d entries; the rest are ignored", pos,
                            ENTRIES_MAX);
        }
        for (size_t i = 0; i < fs->n && i < ENTRIES_MAX; i++)
                setup_fs(ctx, fs->items[i]);
}
