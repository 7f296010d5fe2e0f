/* SPDX-License-Identifier: Apache-2.0 */
/* mounts (init stage, per instance): cloud-init's cc_mounts. The `mounts`
 * entries, completed from `mount_default_fields`, with cloud-init's device
 * names resolved (sdb, ephemeral0.1, device_aliases), become /etc/fstab lines
 * marked comment=cloudconfig, which replace the lines an earlier instance
 * wrote; `swap` makes a swap file. On the host, then `swapon -a` and
 * `mount -a`; under --root only the files change.
 *
 * Each field is validated before it becomes part of a line: the device and
 * mount point are escaped as fstab(5) does (\040 for a space), and the other
 * fields may hold no whitespace or control character (such an entry is
 * refused with its position). */
#include <fcntl.h>
#include <math.h> /* isfinite */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/vfs.h>
#include <unistd.h>
#include <linux/fs.h>

#include "buf.h"
#include "exec.h"
#include "fs.h"
#include "log.h"
#include "module.h"
#include "scripts.h"

#define FSTAB "/etc/fstab"
#define MNT_COMMENT "comment=cloudconfig"
#define N_FIELDS 6
#define MOUNTS_MAX 128 /* entries of `mounts` */
#define FIELD_MAX 1024
#define FSTAB_MAX (1u << 20)
#define MIB (1ull << 20)
#define GIB (1ull << 30)
#define BTRFS_MAGIC 0x9123683E

static const struct schema s_field = { .types = T_STR | T_INT | T_NULL };
static const struct schema s_entry = { .types = T_SEQ, .items = &s_field };
static const struct schema s_mounts = { .types = T_SEQ, .items = &s_entry, .prune_items = true };
static const struct schema s_defaults = { .types = T_SEQ, .items = &s_field };
static const struct schema s_aliases = { .types = T_MAP };
static const struct schema s_size = { .types = T_STR | T_INT };
static const struct schema s_path = { .types = T_STR };
static const struct schema_prop swap_props[] = { { "filename", &s_path, false },
                                                 { "size", &s_size, false },
                                                 { "maxsize", &s_size, false },
                                                 { NULL, NULL, false } };
static const struct schema s_swap = { .types = T_MAP, .props = swap_props, .closed = true };
static const struct schema_prop schema_keys[] = { { "mounts", &s_mounts, false },
                                                  { "mount_default_fields", &s_defaults, false },
                                                  { "device_aliases", &s_aliases, false },
                                                  { "swap", &s_swap, false },
                                                  { NULL, NULL, false } };

struct entry {
        char *f[N_FIELDS]; /* NULL: no value (a null the defaults did not fill) */
};

/* For an array of N_FIELDS strings owned by the caller (a cleanup). */
static void fields_free(char *(*f)[N_FIELDS])
{
        for (size_t i = 0; i < N_FIELDS; i++)
                free((*f)[i]);
}

static void entry_done(struct entry *e)
{
        for (size_t i = 0; i < N_FIELDS; i++) {
                free(e->f[i]);
                e->f[i] = NULL;
        }
}

/* A field as cloud-init's str() makes it: strings as they are, integers in decimal. */
static int field_text(const struct node *n, char **ret)
{
        char num[32];

        if (!n || n->type == NODE_NULL) {
                *ret = NULL;
                return 0;
        }
        if (n->type == NODE_INT) {
                (void)snprintf(num, sizeof(num), "%lld", n->i);
                *ret = strdup(num);
        } else {
                const char *s = node_str(n);
                if (!s || strlen(s) > FIELD_MAX)
                        return -EINVAL;
                *ret = strdup(s);
        }
        return *ret ? 0 : -ENOMEM;
}

/* cloud-init's names for devices of the instance: ami, root, swap, ephemeralN, ebsN. */
static bool is_meta_name(const char *s)
{
        if (streq(s, "ami") || streq(s, "root") || streq(s, "swap"))
                return true;
        return (startswith(s, "ephemeral") || startswith(s, "ebs")) && !strchr(s, ':');
}

/* sda, sda1, xvdb, hdc, vdd1, sr0: names cloud-init puts /dev/ before. */
static bool is_short_devname(const char *s)
{
        const char *p = s;

        if (startswith(p, "sr")) {
                p += 2;
                if (!*p)
                        return false;
                return strspn(p, "0123456789") == strlen(p);
        }
        if (*p == 'x')
                p++;
        if (!strchr("shv", *p) || p[1] != 'd' || !(p[2] >= 'a' && p[2] <= 'z'))
                return false;
        p += 3;
        return strspn(p, "0123456789") == strlen(p);
}

/* Does the path exist in the target? */
static bool exists(const struct module_ctx *ctx, const char *path)
{
        return fs_exists(ctx->root_fd, path);
}

/* The last component of path once its links are resolved (in the target). */
static int real_base(const struct module_ctx *ctx, const char *path, char *buf, size_t size)
{
        char proc[64], target[512];
        const char *slash;
        ssize_t n;
        int fd = fs_open_in_root(ctx->root_fd, path, O_PATH, 0);

        if (fd < 0)
                return fd;
        (void)snprintf(proc, sizeof(proc), "/proc/self/fd/%d", fd);
        n = readlink(proc, target, sizeof(target) - 1);
        (void)close(fd);
        if (n <= 0)
                return -errno;
        target[n] = '\0';
        slash = strrchr(target, '/');
        (void)snprintf(buf, size, "%s", slash ? slash + 1 : target);
        return 0;
}

/* /sys/block/DEV[/PART] exists: device (and partition) are block devices. */
static bool is_block_device(const struct module_ctx *ctx, const char *dev, const char *part)
{
        char d[512], p[512], sys[1100];

        if (real_base(ctx, dev, d, sizeof(d)) < 0)
                return false;
        if (part) {
                if (real_base(ctx, part, p, sizeof(p)) < 0)
                        return false;
                (void)snprintf(sys, sizeof(sys), "/sys/block/%s/%s", d, p);
        } else
                (void)snprintf(sys, sizeof(sys), "/sys/block/%s", d);
        return exists(ctx, sys);
}

/* The Nth partition of dev as the kernel names it: devN, devpN or dev-partN. */
static char *nth_partition(const struct module_ctx *ctx, const char *dev, const char *n)
{
        static const char *const fmt[] = { "%s%s", "%sp%s", "%s-part%s" };

        for (size_t i = 0; i < ELEMENTSOF(fmt); i++) {
                char *p = NULL;
                if (asprintf(&p, fmt[i], dev, n) < 0)
                        return NULL;
                if (exists(ctx, p))
                        return p;
                free(p);
        }
        return NULL;
}

/* The datasource's name for a device (EC2's block-device-mapping), or NULL. */
static const char *meta_device(const struct module_ctx *ctx, const char *name)
{
        const struct node *map = node_get(ctx->md, "block-device-mapping");
        return map && map->type == NODE_MAP ? node_get_str(map, name) : NULL;
}

/* cloud-init's sanitize_devname: the device a name means, or NULL when it
 * cannot be found. */
static char *resolve_devname(const struct module_ctx *ctx, const char *start,
                             const struct node *aliases)
{
        _cleanup_free_ char *dev = NULL, *part = NULL;
        const char *name = streq(start, "ephemeral") ? "ephemeral0" : start, *num = NULL;
        char *dot, numbuf[32];

        if (strchr(start + (*start ? 1 : 0), ':')) /* server:/path */
                return strdup(start);
        dev = strdup(name);
        if (!dev)
                return NULL;
        dot = strrchr(dev, '.');
        if (dot) {
                /* copied: dev is replaced below when it is an alias */
                *dot = '\0';
                if (strlen(dot + 1) >= sizeof(numbuf))
                        return NULL;
                (void)snprintf(numbuf, sizeof(numbuf), "%s", dot + 1);
                num = numbuf;
        }
        if (aliases && aliases->type == NODE_MAP && node_get_str(aliases, dev)) {
                char *a = strdup(node_get_str(aliases, dev));
                if (!a)
                        return NULL;
                free(dev);
                dev = a;
        }
        if (is_meta_name(dev)) {
                const char *m = meta_device(ctx, dev);
                char *d = NULL;
                if (!m)
                        return NULL;
                if (asprintf(&d, "%s%s", m[0] == '/' ? "" : "/dev/", m) < 0)
                        return NULL;
                free(dev);
                dev = d;
        } else if (is_short_devname(start)) {
                char *d = NULL;
                if (asprintf(&d, "/dev/%s", dev) < 0)
                        return NULL;
                free(dev);
                dev = d;
        }
        part = nth_partition(ctx, dev, num ? num : "1");
        if (num && !part)
                return NULL;
        if (!is_block_device(ctx, dev, part))
                return NULL;
        return part ? TAKE_PTR(part) : TAKE_PTR(dev);
}

static bool has_control(const char *s)
{
        for (; *s; s++)
                if ((unsigned char)*s < ' ' || *s == 0x7f)
                        return true;
        return false;
}

/* fs_spec and fs_file as fstab(5) escapes them: a space or a backslash in
 * octal, so no value can add a field (control characters are refused). */
static int put_escaped(struct buf *b, const char *s)
{
        int r = 0;

        for (; *s && r >= 0; s++)
                r = *s == ' ' || *s == '\\' ? buf_printf(b, "\\%03o", (unsigned char)*s)
                                            : buf_putc(b, *s);
        return r;
}

static bool plain_field(const char *s)
{
        if (!*s)
                return false;
        for (; *s; s++)
                if ((unsigned char)*s <= ' ' || *s == 0x7f)
                        return false;
        return true;
}

/* One line of fstab, tab-separated as cloud-init writes it. */
static int put_line(struct buf *b, const struct entry *e)
{
        int r = put_escaped(b, e->f[0]);

        if (r >= 0)
                r = buf_putc(b, '\t');
        if (r >= 0)
                r = put_escaped(b, e->f[1]);
        for (size_t i = 2; i < N_FIELDS && r >= 0; i++)
                r = buf_printf(b, "\t%s", e->f[i]);
        return r >= 0 ? buf_putc(b, '\n') : r;
}

/* util.human2bytes: "2G", "512M", "1.5GiB", "1024" (KB/KiB are 1024). */
static int human_bytes(const struct node *n, unsigned long long *ret)
{
        static const struct {
                char c;
                unsigned long long m;
        } mult[] = { { 'B', 1 },
                     { 'K', 1ull << 10 },
                     { 'M', 1ull << 20 },
                     { 'G', 1ull << 30 },
                     { 'T', 1ull << 40 } };
        char num[64], *end;
        unsigned long long m = 1;
        size_t len;
        double v;

        if (n->type == NODE_INT) {
                if (n->i < 0)
                        return -ERANGE;
                *ret = (unsigned long long)n->i;
                return 0;
        }
        len = strlen(n->str);
        if (len == 0 || len >= sizeof(num))
                return -EINVAL;
        memcpy(num, n->str, len + 1);
        if (len > 2 && streq(num + len - 2, "iB"))
                num[len -= 2] = '\0';
        else if (len > 1 && num[len - 1] == 'B')
                num[--len] = '\0';
        for (size_t i = 0; i < ELEMENTSOF(mult); i++)
                if (len > 1 && num[len - 1] == mult[i].c) {
                        m = mult[i].m;
                        num[--len] = '\0';
                        break;
                }
        errno = 0;
        v = strtod(num, &end);
        if (errno || end == num || *end || !isfinite(v) || v < 0 || v * (double)m > 1e18)
                return -EINVAL;
        *ret = (unsigned long long)(v * (double)m);
        return 0;
}

/* MemTotal of /proc/meminfo in bytes. */
static int mem_total(const struct module_ctx *ctx, unsigned long long *ret)
{
        _cleanup_free_ char *data = NULL;
        unsigned long long kb;
        size_t len = 0;
        const char *p;

        if (fs_read_file(ctx->root_fd, "/proc/meminfo", 1 << 16, &data, &len) < 0)
                return -ENOENT;
        p = strstr(data, "MemTotal:");
        if (!p || sscanf(p + 9, "%llu", &kb) != 1)
                return -EBADMSG;
        *ret = kb * 1024;
        return 0;
}

/* cloud-init's suggested_swapsize for size: auto. */
static unsigned long long suggested_swap(unsigned long long mem, bool have_max,
                                         unsigned long long max, int dir_fd)
{
        unsigned long long sugg_max = mem * 2, min;
        struct statvfs sv;

        if (fstatvfs(dir_fd, &sv) == 0) {
                unsigned long long avail = (unsigned long long)sv.f_frsize * sv.f_bfree;
                if (!have_max)
                        max = avail / 4 < sugg_max ? avail / 4 : sugg_max;
                else if ((double)max > (double)avail * 0.9)
                        max = (unsigned long long)((double)avail * 0.9);
        } else if (!have_max)
                max = sugg_max;
        if (mem < 4 * GIB)
                min = mem;
        else if (mem < 16 * GIB)
                min = 4 * GIB;
        else {
                /* round(sqrt(mem in GiB)) GiB, without libm */
                double g = (double)mem / (double)GIB;
                unsigned long long k = 0;
                while ((k + 0.5) * (k + 0.5) <= g)
                        k++;
                min = k * GIB;
        }
        return min < max ? min : max;
}

/* Is path an active swap area (a line of /proc/swaps starts "path ")? -ENOENT
 * when /proc/swaps cannot be read. */
static int swap_active(const struct module_ctx *ctx, const char *path)
{
        _cleanup_free_ char *data = NULL;
        size_t len = 0, pl = strlen(path);

        if (fs_read_file(ctx->root_fd, "/proc/swaps", 1 << 20, &data, &len) < 0)
                return -ENOENT;
        for (const char *l = data; l && *l; l = strchr(l, '\n'), l = l ? l + 1 : NULL)
                if (strncmp(l, path, pl) == 0 && l[pl] == ' ')
                        return 1;
        return 0;
}

/* Create the swap file: allocated (zero-filled where the filesystem cannot
 * allocate), 0600 from its creation, no copy-on-write on btrfs, then mkswap
 * in the target. On failure nothing is left. */
static int make_swapfile(const struct module_ctx *ctx, const char *path, unsigned long long mib)
{
        _cleanup_close_ int fd = -1;
        _cleanup_free_ char *dir = NULL;
        const char *base;
        struct statfs sfs;
        struct exec_opts o;
        char *argv[] = { (char *)"mkswap", (char *)path, NULL };
        int r;

        r = fs_split_path(path, &dir, &base);
        if (r >= 0)
                r = fs_mkdir_p(ctx->root_fd, dir, 0755);
        if (r < 0)
                return r;
        (void)fs_unlink(ctx->root_fd, path);
        fd = fs_open_in_root(ctx->root_fd, path,
                             O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
        if (fd < 0)
                return fd;
        if (fstatfs(fd, &sfs) == 0 && (unsigned long)sfs.f_type == BTRFS_MAGIC) {
                int flags = 0;
                if (ioctl(fd, FS_IOC_GETFLAGS, &flags) == 0) {
                        flags |= FS_NOCOW_FL;
                        (void)ioctl(fd, FS_IOC_SETFLAGS, &flags);
                }
        }
        r = -posix_fallocate(fd, 0, (off_t)(mib * MIB));
        if (r == -EOPNOTSUPP || r == -EINVAL) {
                /* in .bss, not in the binary: never written */
                static char zero[1 << 16];
                r = 0;
                for (unsigned long long done = 0; done < mib * MIB && r >= 0;
                     done += sizeof(zero)) {
                        ssize_t n = write(fd, zero, sizeof(zero));
                        /* a short write: the filesystem is full */
                        r = n == (ssize_t)sizeof(zero) ? 0 : n < 0 ? -errno : -ENOSPC;
                }
        }
        if (r >= 0 && fsync(fd) < 0)
                r = -errno;
        if (r >= 0) {
                exec_opts_target(ctx, &o);
                r = exec_ok(&o, argv);
        }
        if (r < 0)
                (void)fs_unlink(ctx->root_fd, path);
        return r;
}

/* mkswap in the target, where the chrooted command will look for it. */
static bool have_mkswap(const struct module_ctx *ctx)
{
        static const char *const dirs[] = { "/usr/sbin", "/sbin", "/usr/bin", "/bin" };
        char path[64];

        for (size_t i = 0; i < ELEMENTSOF(dirs); i++) {
                (void)snprintf(path, sizeof(path), "%s/mkswap", dirs[i]);
                if (exists(ctx, path))
                        return true;
        }
        return false;
}

/* A swap file may not fill its filesystem: refused when it would take more
 * than the space free there (cloud-init lets fallocate fail, or succeed and
 * leave the disk full); pos is where swap.size was given. */
static int check_space(const struct module_ctx *ctx, const char *path, unsigned long long size,
                       const char *pos)
{
        _cleanup_free_ char *dir = NULL;
        _cleanup_close_ int dfd = -1;
        const char *base;
        struct statvfs sv;
        int r = fs_split_path(path, &dir, &base);

        if (r >= 0)
                r = fs_mkdir_p(ctx->root_fd, dir, 0755);
        if (r >= 0) {
                dfd = fs_open_in_root(ctx->root_fd, dir, O_RDONLY | O_DIRECTORY, 0);
                r = dfd;
        }
        if (r < 0)
                return log_warning_errno(r, "Cannot open the directory of swap file %s: %m", path);
        if (fstatvfs(dfd, &sv) == 0 && size > (unsigned long long)sv.f_frsize * sv.f_bavail) {
                log_warning("%s: swap: a swap file %s of %llu MiB does not fit: %llu MiB free "
                            "there; no swap file",
                            pos, path, size / MIB,
                            (unsigned long long)sv.f_frsize * sv.f_bavail / MIB);
                return -ENOSPC;
        }
        return 0;
}

/* cloud-init's handle_swapcfg: the swap file's path when fstab should name
 * it, NULL when there is none (or it could not be made: logged). */
static char *setup_swap(const struct module_ctx *ctx, const struct node *swap)
{
        const struct node *size_n = node_get(swap, "size"), *max_n = node_get(swap, "maxsize");
        const char *fname =
                node_get(swap, "filename") ? node_get_str(swap, "filename") : "/swap.img";
        unsigned long long size = 0, max = 0;
        bool have_max = false;
        char pos[512];
        int r;

        if (!fname || !*fname || !size_n || (size_n->type == NODE_INT && size_n->i == 0) ||
            (size_n->type == NODE_STR && !*size_n->str)) {
                log_debug("No swap file asked for");
                return NULL;
        }
        if (fname[0] != '/' || !plain_field(fname)) {
                schema_pos(node_get(swap, "filename"), pos, sizeof(pos));
                log_warning("%s: swap.filename: '%.64s' is not an absolute path without "
                            "spaces or control characters; no swap file",
                            pos, fname);
                return NULL;
        }
        if (exists(ctx, fname)) {
                r = swap_active(ctx, fname);
                if (r == -ENOENT) {
                        log_debug("Swap file %s exists and /proc/swaps cannot be read; kept",
                                  fname);
                        return strdup(fname);
                }
                if (r > 0) {
                        log_debug("Swap file %s is already in use", fname);
                        return strdup(fname);
                }
        }
        if (max_n) {
                if (human_bytes(max_n, &max) < 0) {
                        schema_pos(max_n, pos, sizeof(pos));
                        log_warning("%s: swap.maxsize: not a size; no swap file", pos);
                        return NULL;
                }
                have_max = true;
        }
        if (size_n->type == NODE_STR && streq(size_n->str, "auto")) {
                _cleanup_free_ char *dir = NULL;
                _cleanup_close_ int dfd = -1;
                unsigned long long mem;
                const char *base;
                if (mem_total(ctx, &mem) < 0) {
                        log_debug("Not creating swap: cannot read /proc/meminfo");
                        return NULL;
                }
                if (fs_split_path(fname, &dir, &base) < 0 ||
                    fs_mkdir_p(ctx->root_fd, dir, 0755) < 0)
                        return NULL;
                dfd = fs_open_in_root(ctx->root_fd, dir, O_RDONLY | O_DIRECTORY, 0);
                size = suggested_swap(mem, have_max, max, dfd);
        } else if (human_bytes(size_n, &size) < 0) {
                schema_pos(size_n, pos, sizeof(pos));
                log_warning("%s: swap.size: not a size; no swap file", pos);
                return NULL;
        }
        if (size / MIB == 0) {
                log_debug("Not creating swap: the size comes to less than 1 MiB");
                return NULL;
        }
        if (!have_mkswap(ctx)) {
                log_warning("Failed to set up swap file %s: mkswap is not installed in the "
                            "target",
                            fname);
                return NULL;
        }
        schema_pos(size_n, pos, sizeof(pos));
        r = check_space(ctx, fname, size, pos);
        if (r < 0)
                return NULL;
        /* a disk that fills up while the file is allocated: nothing is left */
        r = make_swapfile(ctx, fname, size / MIB);
        if (r < 0) {
                log_warning_errno(r, "%s: swap: failed to set up swap file %s of %llu MiB: %m; "
                                  "no swap file",
                                  pos, fname, size / MIB);
                return NULL;
        }
        log_info("Created swap file %s of %llu MiB", fname, size / MIB);
        return strdup(fname);
}

/* The lines of fstab: the ones kept (not ours) go to keep, ours to removed;
 * devs collects the first field of each kept line. */
struct fstab {
        char *data;
        char **kept; /* lines not written by cloud-init/cloudboot */
        size_t n_kept;
        char **removed; /* lines with comment=cloudconfig */
        size_t n_removed;
};

static void fstab_done(struct fstab *t)
{
        free(t->data);
        free(t->kept);
        free(t->removed);
}

static int fstab_read(const struct module_ctx *ctx, struct fstab *t)
{
        size_t len = 0, n = 0;
        int r = fs_read_file(ctx->root_fd, FSTAB, FSTAB_MAX, &t->data, &len);

        if (r == -ENOENT)
                return 0;
        if (r < 0)
                return r;
        for (size_t i = 0; i < len; i++)
                n += t->data[i] == '\n';
        t->kept = calloc(n + 1, sizeof(char *));
        t->removed = calloc(n + 1, sizeof(char *));
        if (!t->kept || !t->removed)
                return -ENOMEM;
        for (char *l = t->data, *nl; l && *l; l = nl) {
                nl = strchr(l, '\n');
                if (nl)
                        *nl++ = '\0';
                if (strstr(l, MNT_COMMENT))
                        t->removed[t->n_removed++] = l;
                else if (l[strspn(l, " \t")])
                        t->kept[t->n_kept++] = l;
        }
        return 0;
}

/* Is dev the first field of a line fstab keeps? */
static bool fstab_has_dev(const struct fstab *t, const char *dev)
{
        size_t dl = strlen(dev);

        for (size_t i = 0; i < t->n_kept; i++) {
                const char *l = t->kept[i] + strspn(t->kept[i], " \t");
                if (strncmp(l, dev, dl) == 0 && (l[dl] == ' ' || l[dl] == '\t' || !l[dl]))
                        return true;
        }
        return false;
}

/* The device of an entry: resolved when it can be and fstab does not name it already. */
static int entry_device(const struct module_ctx *ctx, const struct fstab *t,
                        const struct node *aliases, struct entry *e)
{
        _cleanup_free_ char *dev = resolve_devname(ctx, e->f[0], aliases);

        if (!dev) {
                log_debug("Ignoring nonexistent named mount %s", e->f[0]);
                return 0;
        }
        if (fstab_has_dev(t, dev)) {
                log_debug("Device %s is already defined in fstab", dev);
                return 0;
        }
        if (!streq(dev, e->f[0]))
                log_debug("Mount device %s is %s", e->f[0], dev);
        free(e->f[0]);
        e->f[0] = TAKE_PTR(dev);
        return 0;
}

static int run_command(const struct module_ctx *ctx, const char *a0, const char *a1)
{
        char *argv[] = { (char *)a0, (char *)a1, NULL };
        struct exec_opts o;

        exec_opts_target(ctx, &o);
        return exec_ok(&o, argv);
}

/* The mounts cloud-init adds of itself, when the datasource names the
 * device and nothing else mounts it: ephemeral0 on /mnt, and swap. */
static int add_defaults(const struct module_ctx *ctx, const struct fstab *t,
                        const struct node *aliases, const char *def_opts, struct entry *list,
                        size_t *n)
{
        const char *defs[2][N_FIELDS] = { { "ephemeral0", "/mnt", "auto", def_opts, "0", "2" },
                                          { "swap", "none", "swap", "sw", "0", "0" } };

        for (size_t d = 0; d < 2; d++) {
                _cleanup_free_ char *dev = resolve_devname(ctx, defs[d][0], aliases);
                bool have = false;

                if (!dev || fstab_has_dev(t, dev))
                        continue;
                for (size_t i = 0; i < *n; i++)
                        have = have || (list[i].f[0] && streq(list[i].f[0], dev));
                if (have) {
                        log_debug("Not including %s, already included", defs[d][0]);
                        continue;
                }
                list[*n].f[0] = TAKE_PTR(dev);
                for (size_t k = 1; k < N_FIELDS; k++)
                        if (!(list[*n].f[k] = strdup(defs[d][k])))
                                return -ENOMEM;
                (*n)++;
        }
        return 0;
}

/* Fields still empty take cloud-init's built-in defaults, and the options
 * get the mark that tells the lines cloudboot wrote. */
static int complete(struct entry *list, size_t n, const char *def_opts)
{
        const char *hard[N_FIELDS] = { NULL, NULL, "auto", def_opts, "0", "2" };

        for (size_t i = 0; i < n; i++) {
                char *opts = NULL;
                if (!list[i].f[0])
                        continue;
                for (size_t k = 2; k < N_FIELDS; k++)
                        if (!list[i].f[k] && !(list[i].f[k] = strdup(hard[k])))
                                return -ENOMEM;
                if (asprintf(&opts, "%s,%s", list[i].f[3], MNT_COMMENT) < 0)
                        return -ENOMEM;
                free(list[i].f[3]);
                list[i].f[3] = opts;
        }
        return 0;
}

/* Is dir a mount point of this system (/proc/self/mountinfo)? */
static bool is_mounted(const char *dir)
{
        _cleanup_fclose_ FILE *f = fopen("/proc/self/mountinfo", "re");
        char line[4096], mp[4096];

        while (f && fgets(line, sizeof(line), f))
                if (sscanf(line, "%*s %*s %*s %*s %4095s", mp) == 1 && streq(mp, dir))
                        return true;
        return false;
}

/* Two fstab lines alike once tabs are spaces (cloud-init compares them so). */
static bool same_line(const char *a, const char *b, size_t blen)
{
        size_t i = 0;

        for (; i < blen && a[i]; i++)
                if ((a[i] == '\t' ? ' ' : a[i]) != (b[i] == '\t' ? ' ' : b[i]))
                        return false;
        return i == blen && !a[i];
}

/* fstab: the lines kept, then ours; mount points made; on the host, swapon
 * and mount as cloud-init runs them. */
static int write_fstab(const struct module_ctx *ctx, const struct fstab *t, struct entry *list,
                       size_t n)
{
        struct buf out = BUF_INIT(FSTAB_MAX * 2), mine = BUF_INIT(FSTAB_MAX);
        size_t lines = 0, changes = 0;
        bool swap = false, unmounted = false;
        int r = 0;

        for (size_t i = 0; i < t->n_kept && r >= 0; i++)
                r = buf_printf(&out, "%s\n", t->kept[i]);
        for (size_t i = 0; i < n && r >= 0; i++) {
                if (!list[i].f[0])
                        continue;
                r = put_line(&mine, &list[i]);
                lines++;
                swap = swap || streq(list[i].f[2], "swap");
                if (list[i].f[1][0] == '/') {
                        if (fs_mkdir_p(ctx->root_fd, list[i].f[1], 0755) < 0)
                                log_warning("Failed to make mount point %s", list[i].f[1]);
                        if (ctx->root_is_host && !is_mounted(list[i].f[1]))
                                unmounted = true;
                }
        }
        if (r >= 0 && lines == 0) {
                log_debug("No modifications to fstab needed");
                buf_free(&out);
                buf_free(&mine);
                return 0;
        }
        /* the changes, as cloud-init counts them: lines dropped and lines added */
        for (const char *l = mine.data; r >= 0 && l && *l;) {
                const char *nl = strchr(l, '\n');
                size_t ll = nl ? (size_t)(nl - l) : strlen(l);
                bool found = false;
                for (size_t i = 0; i < t->n_removed && !found; i++)
                        found = same_line(t->removed[i], l, ll);
                changes += !found;
                l = nl ? nl + 1 : NULL;
        }
        for (size_t i = 0; i < t->n_removed; i++) {
                bool found = false;
                for (const char *l = mine.data; l && *l && !found;) {
                        const char *nl = strchr(l, '\n');
                        size_t ll = nl ? (size_t)(nl - l) : strlen(l);
                        found = same_line(t->removed[i], l, ll);
                        l = nl ? nl + 1 : NULL;
                }
                changes += !found;
        }
        if (r >= 0)
                r = buf_append(&out, mine.data, mine.len);
        if (r >= 0)
                r = fs_write_atomic(ctx->root_fd, FSTAB, out.data, out.len, 0644, FS_NO_OWNER,
                                    (gid_t)-1);
        buf_free(&out);
        buf_free(&mine);
        if (r < 0)
                return log_error_errno(r, "Cannot write " FSTAB ": %m");
        log_info("%s: %zu mount entr%s, %zu change%s", FSTAB, lines, lines == 1 ? "y" : "ies",
                 changes, changes == 1 ? "" : "s");
        if (!ctx->root_is_host) {
                log_info("Not on the host: swapon and mount are left to the target's boot");
                return 0;
        }
        if (swap && run_command(ctx, "swapon", "-a") < 0)
                log_warning("swapon -a failed");
        if (changes || unmounted) {
                if (run_command(ctx, "mount", "-a") < 0)
                        log_warning("mount -a failed");
                if (exists(ctx, "/run/systemd/system") &&
                    run_command(ctx, "systemctl", "daemon-reload") < 0)
                        log_warning("systemctl daemon-reload failed");
        }
        return 0;
}

static int mounts_run(const struct module_ctx *ctx)
{
        const struct node *mounts = node_get(ctx->cfg, "mounts"),
                          *defaults = node_get(ctx->cfg, "mount_default_fields"),
                          *aliases = node_get(ctx->cfg, "device_aliases"),
                          *swap = node_get(ctx->cfg, "swap");
        bool systemd = exists(ctx, "/run/systemd/system");
        /* cloud-init orders these after its network stage; cloudboot's is cloudboot.service */
        const char *def_opts = systemd ? "defaults,nofail,x-systemd.after=cloudboot.service,_netdev"
                                       : "defaults,nobootwait";
        const char *def[N_FIELDS] = { NULL, NULL, "auto", def_opts, "0", "2" };
        _cleanup_free_ struct entry *list = NULL;
        _cleanup_free_ char *swapfile = NULL;
        struct fstab t = { 0 };
        size_t n = 0;
        char pos[512];
        int r;

        /* mount_default_fields: six fields, nulls allowed */
        char *defbuf[N_FIELDS] __attribute__((cleanup(fields_free))) = { 0 };
        if (defaults && defaults->type == NODE_SEQ) {
                for (size_t i = 0; i < N_FIELDS; i++) {
                        def[i] = NULL;
                        if (i < defaults->n && field_text(defaults->items[i], &defbuf[i]) < 0)
                                return -ENOMEM;
                        def[i] = defbuf[i];
                }
        }
        r = fstab_read(ctx, &t);
        if (r < 0) {
                fstab_done(&t);
                return log_error_errno(r, "Cannot read " FSTAB ": %m");
        }
        if (mounts && mounts->type == NODE_SEQ && mounts->n > MOUNTS_MAX) {
                schema_pos(mounts, pos, sizeof(pos));
                log_warning("%s: mounts: more than %d entries; the rest are ignored", pos,
                            MOUNTS_MAX);
        }
        list = calloc(MOUNTS_MAX + 2, sizeof(*list));
        if (!list) {
                fstab_done(&t);
                return -ENOMEM;
        }
        for (size_t i = 0; mounts && mounts->type == NODE_SEQ && i < mounts->n && i < MOUNTS_MAX;
             i++) {
                const struct node *m = mounts->items[i];
                struct entry *e = &list[n];
                bool ok = true;

                schema_pos(m, pos, sizeof(pos));
                if (m->type != NODE_SEQ || m->n == 0 || m->n > N_FIELDS) {
                        log_warning("%s: mounts: an entry must be a list of 1 to %d fields; "
                                    "ignored",
                                    pos, N_FIELDS);
                        continue;
                }
                /* a null or missing field takes mount_default_fields' value */
                for (size_t k = 0; k < N_FIELDS && ok; k++) {
                        if (k < m->n && field_text(m->items[k], &e->f[k]) < 0)
                                ok = false;
                        if (ok && !e->f[k] && def[k] && !(e->f[k] = strdup(def[k])))
                                ok = false;
                }
                if (ok && e->f[0])
                        ok = entry_device(ctx, &t, aliases, e) >= 0;
                else
                        ok = false;
                /* fields past the mount point become words of the line */
                for (size_t k = 2; ok && k < N_FIELDS; k++)
                        if (e->f[k] && !plain_field(e->f[k])) {
                                log_warning("%s: mounts: field %zu '%.64s' holds whitespace or a "
                                            "control character; entry ignored",
                                            pos, k + 1, e->f[k]);
                                ok = false;
                        }
                for (size_t k = 0; ok && k < 2; k++)
                        if (e->f[k] && has_control(e->f[k])) {
                                log_warning("%s: mounts: the %s holds a control character; "
                                            "entry ignored",
                                            pos, k ? "mount point" : "device");
                                ok = false;
                        }
                if (!ok) {
                        entry_done(e);
                        continue;
                }
                n++;
        }
        /* an entry whose mount point is null removes itself and every earlier
         * entry of its device (cloud-init's way to drop a default mount) */
        for (size_t i = n; i-- > 0;) {
                if (!list[i].f[0] || list[i].f[1])
                        continue;
                for (size_t j = 0; j < i; j++)
                        if (list[j].f[0] && streq(list[j].f[0], list[i].f[0]))
                                entry_done(&list[j]);
                entry_done(&list[i]);
        }
        r = add_defaults(ctx, &t, aliases, def_opts, list, &n);
        if (r >= 0)
                r = complete(list, n, def_opts);
        if (r >= 0 && swap && swap->type == NODE_MAP) {
                swapfile = setup_swap(ctx, swap);
                /* cloud-init writes the swap line without the mark, so a later
                 * instance would add it again: not when fstab has it */
                if (swapfile && fstab_has_dev(&t, swapfile))
                        log_debug("%s is already in " FSTAB, swapfile);
                else if (swapfile) {
                        const char *sw[N_FIELDS] = { swapfile, "none", "swap", "sw", "0", "0" };
                        for (size_t k = 0; k < N_FIELDS && r >= 0; k++)
                                if (!(list[n].f[k] = strdup(sw[k])))
                                        r = -ENOMEM;
                        n++;
                }
        }
        if (r >= 0)
                r = write_fstab(ctx, &t, list, n);
        for (size_t i = 0; i < n; i++)
                entry_done(&list[i]);
        fstab_done(&t);
        return r;
}

const struct module mod_mounts = {
        .name = "mounts",
        .freq = FREQ_INSTANCE,
        .keys = schema_keys,
        .run = mounts_run,
};
