/* SPDX-License-Identifier: Apache-2.0 */
/* Disks and partitions (see disk.h). sysfs and /dev are the kernel's, not
 * the target's: block devices belong to the machine, so they are read there
 * whatever the target root (callers decide whether a device may be touched). */
#include <ctype.h>
#include <dirent.h>
#include <fcntl.h>
#include <libfdisk/libfdisk.h>
#include <linux/blkpg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <linux/fs.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "blkid_dl.h"
#include "disk.h"
#include "dynlib.h"
#include "macro.h"
#include "node.h"

/* growpart leaves a partition alone when it could grow by less than this */
#define ROOM_SLACK 2048u /* sectors: 1 MiB */
#define GPT_BACKUP 33u

static int read_u64(const char *dir, const char *file, uint64_t *ret)
{
        char path[512], text[64], *end;
        unsigned long long v;
        ssize_t n;
        int fd;

        (void)snprintf(path, sizeof(path), "%s/%s", dir, file);
        fd = open(path, O_RDONLY | O_CLOEXEC);
        if (fd < 0)
                return -errno;
        n = read(fd, text, sizeof(text) - 1);
        (void)close(fd);
        if (n <= 0)
                return -EIO;
        text[n] = '\0';
        errno = 0;
        v = strtoull(text, &end, 10);
        if (errno || end == text || (*end && *end != '\n'))
                return -EBADMSG;
        *ret = v;
        return 0;
}

/* Where the partition may end at most: the start of the next partition, or
 * the end of the disk less a GPT backup table (kept for MBR too: 16 KiB). */
static void find_limit(struct disk_part *p)
{
        char dir[128], sub[512];
        struct dirent *de;
        DIR *d;

        p->limit = p->disk_size > GPT_BACKUP ? p->disk_size - GPT_BACKUP : 0;
        (void)snprintf(dir, sizeof(dir), "/sys/block/%s", p->disk);
        d = opendir(dir);
        while (d && (de = readdir(d))) {
                uint64_t start;
                if (!startswith(de->d_name, p->disk) || streq(de->d_name, p->name))
                        continue;
                (void)snprintf(sub, sizeof(sub), "%s/%s", dir, de->d_name);
                if (read_u64(sub, "start", &start) >= 0 && start > p->start && start < p->limit)
                        p->limit = start;
        }
        if (d)
                (void)closedir(d);
}

/* The sysfs directory of a block device: /sys/dev/block/M:m is a link to
 * ../../devices/..., and nothing above it in /sys is a link, so one readlink
 * tells it (realpath would readlink each component of the way). */
static char *sysfs_block_dir(dev_t dev)
{
        char link[64], target[448];
        ssize_t n;
        char *path;

        (void)snprintf(link, sizeof(link), "/sys/dev/block/%u:%u", major(dev), minor(dev));
        n = readlink(link, target, sizeof(target) - 1);
        if (n < 0)
                return NULL;
        target[n] = '\0';
        if (!startswith(target, "../../devices/") || strstr(target + strlen("../.."), "/..") ||
            (size_t)n == sizeof(target) - 1)
                return realpath(link, NULL); /* not sysfs's usual layout */
        return asprintf(&path, "/sys/%s", target + strlen("../../")) < 0 ? NULL : path;
}

int disk_part_of(dev_t dev, struct disk_part *ret)
{
        char *path, *slash, dir[512];
        uint64_t partno = 0;
        struct disk_part p = { 0 };
        int r;

        path = sysfs_block_dir(dev);
        if (!path)
                return errno > 0 ? -errno : -ENOMEM;
        slash = strrchr(path, '/');
        (void)snprintf(p.name, sizeof(p.name), "%s", slash + 1);
        p.is_dm = startswith(p.name, "dm-");
        if (read_u64(path, "partition", &partno) >= 0 && partno > 0) {
                p.partno = (unsigned)partno;
                *slash = '\0';
                (void)snprintf(p.disk, sizeof(p.disk), "%s", strrchr(path, '/') + 1);
                (void)snprintf(dir, sizeof(dir), "%s", path);
                *slash = '/';
                r = read_u64(path, "start", &p.start);
                if (r >= 0)
                        r = read_u64(path, "size", &p.size);
                if (r >= 0)
                        r = read_u64(dir, "size", &p.disk_size);
                if (r < 0) {
                        free(path);
                        return r;
                }
        } else
                (void)read_u64(path, "size", &p.size);
        free(path);
        if (p.partno)
                find_limit(&p);
        (void)snprintf(dir, sizeof(dir), "/sys/block/%s/loop", p.partno ? p.disk : p.name);
        p.is_loop = access(dir, F_OK) == 0;
        *ret = p;
        return 0;
}

uint64_t disk_part_room(const struct disk_part *p)
{
        uint64_t end = p->start + p->size;

        if (!p->partno || p->limit < end)
                return 0;
        return p->limit - end > ROOM_SLACK ? p->limit - end : 0;
}

static struct {
        void *lib;
        struct fdisk_context *(*new_context)(void);
        void (*unref_context)(struct fdisk_context *);
        int (*assign_device)(struct fdisk_context *, const char *, int);
        int (*deassign_device)(struct fdisk_context *, int);
        int (*has_label)(struct fdisk_context *);
        struct fdisk_partition *(*new_partition)(void);
        void (*unref_partition)(struct fdisk_partition *);
        int (*set_size)(struct fdisk_partition *, uint64_t);
        fdisk_sector_t (*last_lba)(struct fdisk_context *);
        int (*get_partition)(struct fdisk_context *, size_t, struct fdisk_partition **);
        int (*set_partition)(struct fdisk_context *, size_t, struct fdisk_partition *);
        int (*write_disklabel)(struct fdisk_context *);
        fdisk_sector_t (*get_size)(struct fdisk_partition *);
        fdisk_sector_t (*get_start)(struct fdisk_partition *);
        unsigned long (*sector_size)(struct fdisk_context *);
        int (*create_disklabel)(struct fdisk_context *, const char *);
        struct fdisk_label *(*get_label)(struct fdisk_context *, const char *);
        struct fdisk_parttype *(*parse_parttype)(const struct fdisk_label *, const char *);
        void (*unref_parttype)(struct fdisk_parttype *);
        int (*set_type)(struct fdisk_partition *, struct fdisk_parttype *);
        int (*set_partno)(struct fdisk_partition *, size_t);
        int (*start_follow_default)(struct fdisk_partition *, int);
        int (*end_follow_default)(struct fdisk_partition *, int);
        int (*add_partition)(struct fdisk_context *, struct fdisk_partition *, size_t *);
        int (*enable_wipe)(struct fdisk_context *, int);
        int (*size_explicit)(struct fdisk_partition *, int);
} fd;

static int load(void)
{
        static const struct dynlib_sym syms[] = {
                DYNLIB_SYM(fd, new_context, "fdisk_new_context"),
                DYNLIB_SYM(fd, unref_context, "fdisk_unref_context"),
                DYNLIB_SYM(fd, assign_device, "fdisk_assign_device"),
                DYNLIB_SYM(fd, deassign_device, "fdisk_deassign_device"),
                DYNLIB_SYM(fd, has_label, "fdisk_has_label"),
                DYNLIB_SYM(fd, new_partition, "fdisk_new_partition"),
                DYNLIB_SYM(fd, unref_partition, "fdisk_unref_partition"),
                DYNLIB_SYM(fd, set_size, "fdisk_partition_set_size"),
                DYNLIB_SYM(fd, last_lba, "fdisk_get_last_lba"),
                DYNLIB_SYM(fd, get_partition, "fdisk_get_partition"),
                DYNLIB_SYM(fd, set_partition, "fdisk_set_partition"),
                DYNLIB_SYM(fd, write_disklabel, "fdisk_write_disklabel"),
                DYNLIB_SYM(fd, get_size, "fdisk_partition_get_size"),
                DYNLIB_SYM(fd, get_start, "fdisk_partition_get_start"),
                DYNLIB_SYM(fd, sector_size, "fdisk_get_sector_size"),
                DYNLIB_SYM(fd, create_disklabel, "fdisk_create_disklabel"),
                DYNLIB_SYM(fd, get_label, "fdisk_get_label"),
                DYNLIB_SYM(fd, parse_parttype, "fdisk_label_parse_parttype"),
                DYNLIB_SYM(fd, unref_parttype, "fdisk_unref_parttype"),
                DYNLIB_SYM(fd, set_type, "fdisk_partition_set_type"),
                DYNLIB_SYM(fd, set_partno, "fdisk_partition_set_partno"),
                DYNLIB_SYM(fd, start_follow_default, "fdisk_partition_start_follow_default"),
                DYNLIB_SYM(fd, end_follow_default, "fdisk_partition_end_follow_default"),
                DYNLIB_SYM(fd, add_partition, "fdisk_add_partition"),
                DYNLIB_SYM(fd, enable_wipe, "fdisk_enable_wipe"),
                DYNLIB_SYM(fd, size_explicit, "fdisk_partition_size_explicit"),
        };

        return dynlib_load(&fd, "libfdisk.so.1", syms, ELEMENTSOF(syms));
}

/* The new end in the partition table, then the kernel's view of it. */
static int grow(struct fdisk_context *cxt, const struct disk_part *p, const char *dev,
                uint64_t *ret_size)
{
        struct fdisk_partition *pa = NULL, *now = NULL;
        struct blkpg_partition bp = { 0 };
        struct blkpg_ioctl_arg arg = { 0 };
        uint64_t sector, size, start, limit;
        int r, bfd;

        r = fd.assign_device(cxt, dev, /* readonly= */ 0);
        if (r < 0)
                return r;
        if (!fd.has_label(cxt))
                return -ENOMEDIUM;
        sector = fd.sector_size(cxt);
        if (sector < 512 || sector % 512)
                return -EINVAL;
        /* the last usable sector once the backup GPT header is at the new end
         * (libfdisk moves it when it reads the table), or the next partition */
        start = p->start * 512 / sector;
        limit = (fd.last_lba(cxt) + 1) * sector / 512;
        if (p->limit < limit)
                limit = p->limit;
        if (limit <= p->start + p->size)
                return -ENOSPC;
        pa = fd.new_partition();
        if (!pa)
                return -ENOMEM;
        r = fd.set_size(pa, (limit - p->start) * 512 / sector);
        if (r >= 0)
                r = fd.set_partition(cxt, p->partno - 1, pa);
        fd.unref_partition(pa);
        if (r >= 0)
                r = fd.write_disklabel(cxt);
        if (r >= 0)
                r = fd.get_partition(cxt, p->partno - 1, &now);
        if (r < 0)
                return r;
        size = fd.get_size(now) * sector / 512;
        start = fd.get_start(now) * sector / 512;
        fd.unref_partition(now);
        if (start != p->start)
                return -EILSEQ; /* the table does not say what the kernel says */
        r = fd.deassign_device(cxt, /* nosync= */ 0);
        if (r < 0)
                return r;
        bp.start = (long long)(start * 512);
        bp.length = (long long)(size * 512);
        bp.pno = (int)p->partno;
        arg.op = BLKPG_RESIZE_PARTITION;
        arg.datalen = sizeof(bp);
        arg.data = &bp;
        bfd = open(dev, O_RDONLY | O_CLOEXEC);
        if (bfd < 0)
                return -errno;
        r = ioctl(bfd, BLKPG, &arg) < 0 ? -errno : 0;
        (void)close(bfd);
        if (r >= 0)
                *ret_size = size;
        return r;
}

int disk_grow_partition(const struct disk_part *p, uint64_t *ret_size)
{
        struct fdisk_context *cxt;
        char dev[96];
        int r;

        if (!p->partno || p->is_dm)
                return -EOPNOTSUPP;
        r = load();
        if (r < 0)
                return r;
        cxt = fd.new_context();
        if (!cxt)
                return -ENOMEM;
        (void)snprintf(dev, sizeof(dev), "/dev/%s", p->disk);
        r = grow(cxt, p, dev, ret_size);
        fd.unref_context(cxt);
        return r;
}

/* --- disk_setup and fs_setup ------------------------------------------ */

#define LINUX_GUID "0FC63DAF-8483-4772-8E79-3D69D8477DE4"
#define WIPE_BYTES (1024 * 1024)

static void copy(char *dst, size_t size, const char *src)
{
        (void)snprintf(dst, size, "%s", src ? src : "");
}

int disk_probe(const char *dev, struct disk_probe *ret)
{
        struct disk_probe p = { 0 };
        blkid_probe pr;
        blkid_partlist ls;
        const char *v;
        int rc = blkid_dl_load(), n;

        if (rc < 0)
                return rc;
        pr = bk.new_probe_from_filename(dev);
        if (!pr)
                return errno > 0 ? -errno : -EIO;
        bk.probe_enable_superblocks(pr, 1);
        bk.probe_set_superblocks_flags(pr, BLKID_SUBLKS_LABEL | BLKID_SUBLKS_TYPE);
        bk.probe_enable_partitions(pr, 1);
        rc = bk.do_safeprobe(pr);
        if (rc == -2)
                copy(p.fstype, sizeof(p.fstype), "ambivalent");
        else if (rc < 0) {
                bk.free_probe(pr);
                return -EIO;
        }
        if (rc == 0) {
                if (bk.probe_lookup_value(pr, "TYPE", &v, NULL) == 0)
                        copy(p.fstype, sizeof(p.fstype), v);
                if (bk.probe_lookup_value(pr, "LABEL", &v, NULL) == 0)
                        copy(p.label, sizeof(p.label), v);
                if (bk.probe_lookup_value(pr, "PTTYPE", &v, NULL) == 0)
                        copy(p.pttype, sizeof(p.pttype), v);
        }
        /* the entries, probed on their own (independent of the probe above) */
        ls = p.pttype[0] ? bk.probe_get_partitions(pr) : NULL;
        n = ls ? bk.partlist_numof_partitions(ls) : 0;
        for (int i = 0; i < n && p.n_parts < DISK_LAYOUT_MAX; i++) {
                blkid_partition par = bk.partlist_get_partition(ls, i);
                const char *t = par ? bk.partition_get_type_string(par) : NULL;
                if (!par)
                        continue;
                if (t)
                        copy(p.types[p.n_parts], DISK_TYPE_MAX, t);
                else
                        (void)snprintf(p.types[p.n_parts], DISK_TYPE_MAX, "%x",
                                       (unsigned)bk.partition_get_type(par));
                p.n_parts++;
        }
        bk.free_probe(pr);
        *ret = p;
        return 0;
}

bool disk_in_use(const char *dev)
{
        int f = open(dev, O_RDONLY | O_EXCL | O_CLOEXEC);

        if (f < 0)
                return errno == EBUSY;
        (void)close(f);
        return false;
}

int disk_layout_sizes(enum disk_table t, uint64_t sectors, const unsigned *percent, size_t n,
                      uint64_t *ret_sizes)
{
        unsigned sum = 0;

        if (n == 0 || n > (t == DISK_MBR ? 4u : DISK_LAYOUT_MAX))
                return -E2BIG;
        for (size_t i = 0; i < n; i++) {
                if (percent[i] < 1 || percent[i] > 100)
                        return -EINVAL;
                sum += percent[i];
        }
        if (sum > 100)
                return -ERANGE;
        /* int(float(size) * (float(percent) / 100)), the last one the rest */
        for (size_t i = 0; i < n; i++)
                ret_sizes[i] = i + 1 == n ? 0 : sectors / 100 * percent[i] +
                                                        sectors % 100 * percent[i] / 100;
        return 0;
}

/* sgdisk's codes cloud-init maps most often; others are given as a GUID. */
static const struct {
        const char *code, *guid;
} gpt_codes[] = {
        { "0700", "EBD0A0A2-B9E5-4433-87C0-68B6B72699C7" },
        { "0C01", "E3C9E316-0B5C-4DB8-817D-F92DF00215AE" },
        { "8200", "0657FD6D-A4AB-43C4-84E5-0933C84B4F4F" },
        { "8300", LINUX_GUID },
        { "8301", "8DA63339-0007-60C0-C436-083AC8230908" },
        { "8302", "933AC7E1-2EB4-4F13-B844-0E14E2AEF915" },
        { "8303", "44479540-F297-41B2-9AF7-D131D5F0458A" },
        { "8304", "4F68BCE3-E8CD-4DB1-96E7-FBCAF984B709" },
        { "8305", "B921B045-1DF0-41C3-AF44-4C6F280D3FAE" },
        { "8306", "3B8F8425-20E0-4F3B-907F-1A25A76F98E8" },
        { "8307", "69DAD710-2CE4-4E3C-B16C-21A1D49ABED3" },
        { "8308", "7FFEC5C9-2D00-49B7-8941-3EA10A5586B7" },
        { "8309", "CA7D7CCB-63ED-4C53-861C-1742536059CC" },
        { "830A", "993D8D3D-F80E-4225-855A-9DAF8ED7EA97" },
        { "8310", "4D21B016-B534-45C2-A9FB-5C16E091FD2D" },
        { "8311", "7EC6F557-3BC5-4ACA-B293-16EF5DF639D1" },
        { "8312", "773F91EF-66D4-49B5-BD83-D683BF40AD16" },
        { "8313", "75250D76-8CC6-458E-BD66-BD47CC81A812" },
        { "8314", "8484680C-9521-48C6-9C11-B0720656F69E" },
        { "8E00", "E6D6D379-F507-44C2-A23C-238F2A3DF928" },
        { "A504", "516E7CBA-6ECF-11D6-8FF8-00022D09712B" },
        { "BF01", "6A898CC3-1DD2-11B2-99A6-080020736631" },
        { "E900", "8C8F8EFF-AC95-4770-814A-21994F2DBC8F" },
        { "EA00", "BC13C2FF-59E6-4262-A352-B275FD6F7172" },
        { "EF00", "C12A7328-F81F-11D2-BA4B-00A0C93EC93B" },
        { "EF01", "024DEE41-33E7-11D3-9D69-0008C781F39F" },
        { "EF02", "21686148-6449-6E6F-744E-656564454649" },
        { "FD00", "A19D880F-05FC-4D3B-A006-743F0F84911E" },
};

static bool all_hex(const char *s, size_t len)
{
        for (size_t i = 0; i < len; i++)
                if (!isxdigit((unsigned char)s[i]))
                        return false;
        return true;
}

static bool is_guid(const char *s)
{
        static const size_t groups[] = { 8, 4, 4, 4, 12 };

        for (size_t g = 0; g < ELEMENTSOF(groups); g++) {
                if (strlen(s) < groups[g] || !all_hex(s, groups[g]))
                        return false;
                s += groups[g];
                if (g + 1 < ELEMENTSOF(groups) && *s++ != '-')
                        return false;
        }
        return *s == '\0';
}

int disk_part_type(enum disk_table t, const char *code, char ret[DISK_TYPE_MAX])
{
        char up[DISK_TYPE_MAX];
        size_t len = code ? strlen(code) : 0;

        if (!code) {
                copy(ret, DISK_TYPE_MAX, t == DISK_MBR ? "83" : LINUX_GUID);
                return 0;
        }
        if (len == 0 || len >= sizeof(up))
                return -EINVAL;
        for (size_t i = 0; i <= len; i++)
                up[i] = (char)toupper((unsigned char)code[i]);
        if (t == DISK_MBR) {
                /* sfdisk reads "83" as hex, as cloud-init hands it over */
                if (len > 2 || !all_hex(up, len) || streq(up, "0") || streq(up, "00"))
                        return -EINVAL;
                (void)snprintf(ret, DISK_TYPE_MAX, "%x", (unsigned)strtoul(up, NULL, 16));
                return 0;
        }
        if (is_guid(up)) {
                copy(ret, DISK_TYPE_MAX, up);
                return 0;
        }
        if ((len != 2 && len != 4) || !all_hex(up, len))
                return -EINVAL;
        if (len == 2)
                up[2] = up[3] = '0', up[4] = '\0';
        for (size_t i = 0; i < ELEMENTSOF(gpt_codes); i++)
                if (streq(gpt_codes[i].code, up)) {
                        copy(ret, DISK_TYPE_MAX, gpt_codes[i].guid);
                        return 0;
                }
        return -ENOENT;
}

bool disk_layout_matches(const struct disk_probe *found, enum disk_table t,
                         const struct disk_layout_part *parts, size_t n)
{
        if (!streq(found->pttype, t == DISK_MBR ? "dos" : "gpt"))
                return false;
        if (n == 0)
                return found->n_parts >= 1;
        if (found->n_parts != n)
                return false;
        for (size_t i = 0; i < n; i++)
                if (parts[i].type[0] && strcasecmp(parts[i].type, found->types[i]) != 0)
                        return false;
        return true;
}

/* Every signature libblkid finds on dev, erased (wipefs --all). */
static int wipe_signatures(const char *dev)
{
        blkid_probe pr;
        int f, r = blkid_dl_load();

        if (r < 0)
                return r;
        f = open(dev, O_RDWR | O_CLOEXEC);
        if (f < 0)
                return -errno;
        pr = bk.new_probe();
        if (!pr || bk.probe_set_device(pr, f, 0, 0) < 0) {
                if (pr)
                        bk.free_probe(pr);
                (void)close(f);
                return -EIO;
        }
        bk.probe_enable_superblocks(pr, 1);
        bk.probe_set_superblocks_flags(pr, BLKID_SUBLKS_MAGIC);
        bk.probe_enable_partitions(pr, 1);
        bk.probe_set_partitions_flags(pr, BLKID_PARTS_MAGIC);
        for (int i = 0; i < 64 && bk.do_probe(pr) == 0; i++)
                if (bk.do_wipe(pr, /* dryrun= */ 0) < 0) {
                        r = -EIO;
                        break;
                }
        bk.free_probe(pr);
        if (fsync(f) < 0 && r >= 0)
                r = -errno;
        (void)close(f);
        return r;
}

#define ZERO_CHUNK 65536u

static int zero_at(int f, off_t off, size_t len)
{
        /* allocated, not a static const array: that would be 64 KB of
         * zeros in the binary's read-only data */
        _cleanup_free_ char *zeros = calloc(1, ZERO_CHUNK);

        if (!zeros)
                return -ENOMEM;
        while (len > 0) {
                size_t chunk = len < ZERO_CHUNK ? len : ZERO_CHUNK;
                ssize_t w = pwrite(f, zeros, chunk, off);
                if (w <= 0)
                        return w < 0 ? -errno : -EIO;
                off += w;
                len -= (size_t)w;
        }
        return 0;
}

static int cmp_unsigned(const void *a, const void *b)
{
        unsigned x = *(const unsigned *)a, y = *(const unsigned *)b;
        return x < y ? -1 : x > y;
}

size_t disk_kernel_parts(const char *name, unsigned *ret, size_t max)
{
        char dir[128], sub[512];
        struct dirent *de;
        size_t n = 0;
        DIR *d;

        (void)snprintf(dir, sizeof(dir), "/sys/block/%s", name);
        d = opendir(dir);
        while (d && (de = readdir(d)) && n < max) {
                uint64_t partno;
                if (!startswith(de->d_name, name))
                        continue;
                (void)snprintf(sub, sizeof(sub), "%s/%s", dir, de->d_name);
                if (read_u64(sub, "partition", &partno) >= 0 && partno > 0 && partno < 4096)
                        ret[n++] = (unsigned)partno;
        }
        if (d)
                (void)closedir(d);
        qsort(ret, n, sizeof(*ret), cmp_unsigned);
        return n;
}

int disk_partition_path(const char *disk, unsigned partno, char *buf, size_t size)
{
        size_t len = strlen(disk);
        bool digit = len > 0 && isdigit((unsigned char)disk[len - 1]);
        int n = snprintf(buf, size, "%s%s%u", disk, digit ? "p" : "", partno);

        return n < 0 || (size_t)n >= size ? -ENAMETOOLONG : 0;
}

int disk_wipe(const char *dev)
{
        unsigned parts[DISK_LAYOUT_MAX];
        const char *name = strrchr(dev, '/') ? strrchr(dev, '/') + 1 : dev;
        size_t n = disk_kernel_parts(name, parts, ELEMENTSOF(parts));
        uint64_t bytes = 0;
        int f, r = 0;

        for (size_t i = 0; i < n; i++) {
                char part[128];
                if (disk_partition_path(dev, parts[i], part, sizeof(part)) >= 0 &&
                    access(part, F_OK) == 0)
                        (void)wipe_signatures(part);
        }
        r = wipe_signatures(dev);
        f = open(dev, O_RDWR | O_CLOEXEC);
        if (f < 0)
                return -errno;
        if (ioctl(f, BLKGETSIZE64, &bytes) < 0)
                r = -errno;
        if (r >= 0)
                r = zero_at(f, 0, bytes < WIPE_BYTES ? (size_t)bytes : WIPE_BYTES);
        if (r >= 0 && bytes > WIPE_BYTES)
                r = zero_at(f, (off_t)(bytes - WIPE_BYTES), WIPE_BYTES);
        if (r >= 0 && fsync(f) < 0)
                r = -errno;
        (void)close(f);
        return r;
}

/* The kernel's partitions of the disk replaced by the table's: a rescan, or
 * BLKPG one partition at a time where the disk cannot be rescanned. */
static int tell_kernel(struct fdisk_context *cxt, const char *dev, size_t n)
{
        unsigned old[DISK_LAYOUT_MAX];
        const char *name = strrchr(dev, '/') + 1;
        unsigned long sector = fd.sector_size(cxt);
        size_t n_old;
        int f = open(dev, O_RDONLY | O_CLOEXEC), r = 0;

        if (f < 0)
                return -errno;
        if (ioctl(f, BLKRRPART) == 0) {
                (void)close(f);
                return 0;
        }
        n_old = disk_kernel_parts(name, old, ELEMENTSOF(old));
        for (size_t i = 0; i < n_old; i++) {
                struct blkpg_partition bp = { .pno = (int)old[i] };
                struct blkpg_ioctl_arg arg = { .op = BLKPG_DEL_PARTITION,
                                               .datalen = sizeof(bp),
                                               .data = &bp };
                (void)ioctl(f, BLKPG, &arg);
        }
        for (size_t i = 0; i < n && r >= 0; i++) {
                struct fdisk_partition *pa = NULL;
                struct blkpg_partition bp = { .pno = (int)i + 1 };
                struct blkpg_ioctl_arg arg = { .op = BLKPG_ADD_PARTITION,
                                               .datalen = sizeof(bp),
                                               .data = &bp };
                r = fd.get_partition(cxt, i, &pa);
                if (r < 0)
                        break;
                bp.start = (long long)(fd.get_start(pa) * sector);
                bp.length = (long long)(fd.get_size(pa) * sector);
                fd.unref_partition(pa);
                if (ioctl(f, BLKPG, &arg) < 0)
                        r = -errno;
        }
        (void)close(f);
        return r;
}

static int add_one(struct fdisk_context *cxt, enum disk_table t, size_t i,
                   const struct disk_layout_part *part, unsigned long sector)
{
        const char *code = part->type[0] ? part->type : t == DISK_MBR ? "83" : LINUX_GUID;
        struct fdisk_partition *pa = fd.new_partition();
        struct fdisk_parttype *type;
        int r;

        if (!pa)
                return -ENOMEM;
        type = fd.parse_parttype(fd.get_label(cxt, NULL), code);
        r = type ? 0 : -EINVAL;
        if (r >= 0)
                r = fd.set_type(pa, type);
        if (r >= 0)
                r = fd.set_partno(pa, i);
        if (r >= 0)
                r = fd.start_follow_default(pa, 1);
        /* a size in sectors is taken as it is (sfdisk does so for cloud-init);
         * the next partition's start is aligned */
        if (r >= 0 && part->size)
                r = fd.set_size(pa, part->size * 512 / sector);
        if (r >= 0 && part->size)
                r = fd.size_explicit(pa, 1);
        if (r >= 0 && !part->size)
                r = fd.end_follow_default(pa, 1);
        if (r >= 0)
                r = fd.add_partition(cxt, pa, NULL);
        if (type)
                fd.unref_parttype(type);
        fd.unref_partition(pa);
        return r;
}

int disk_partition(const char *dev, enum disk_table t, const struct disk_layout_part *parts,
                   size_t n)
{
        struct fdisk_context *cxt;
        unsigned long sector;
        int r;

        if (n == 0 || n > DISK_LAYOUT_MAX || !strrchr(dev, '/'))
                return -EINVAL;
        r = load();
        if (r < 0)
                return r;
        cxt = fd.new_context();
        if (!cxt)
                return -ENOMEM;
        r = fd.assign_device(cxt, dev, /* readonly= */ 0);
        if (r >= 0) {
                /* old signatures where the new table goes are erased too */
                (void)fd.enable_wipe(cxt, 1);
                r = fd.create_disklabel(cxt, t == DISK_MBR ? "dos" : "gpt");
        }
        sector = r >= 0 ? fd.sector_size(cxt) : 512;
        if (r >= 0 && (sector < 512 || sector % 512))
                r = -EINVAL;
        for (size_t i = 0; i < n && r >= 0; i++)
                r = add_one(cxt, t, i, &parts[i], sector);
        if (r >= 0)
                r = fd.write_disklabel(cxt);
        if (r >= 0)
                r = tell_kernel(cxt, dev, n);
        if (r >= 0)
                r = fd.deassign_device(cxt, /* nosync= */ 0);
        fd.unref_context(cxt);
        return r;
}

/* EC2's block-device-mapping entry for name ("ephemeral" stands for
 * ephemeral0 on Eucalyptus), as a device of this machine. */
static int meta_device(const struct node *md, const char *name, char **ret)
{
        const struct node *map = node_get(md, "block-device-mapping");
        const char *found = NULL;
        char path[256];

        *ret = NULL;
        if (!map || map->type != NODE_MAP)
                return 0;
        found = node_get_str(map, name);
        if (!found && streq(name, "ephemeral0"))
                found = node_get_str(map, "ephemeral");
        if (!found || !*found || strlen(found) > 128)
                return 0;
        (void)snprintf(path, sizeof(path), "%s%s", found[0] == '/' ? "" : "/dev/", found);
        if (access(path, F_OK) != 0 && startswith(path, "/dev/sd")) {
                /* the kernel of a Xen instance names sdb xvdb */
                char xvd[272];
                (void)snprintf(xvd, sizeof(xvd), "/dev/xvd%s", path + strlen("/dev/sd"));
                if (access(xvd, F_OK) == 0)
                        (void)snprintf(path, sizeof(path), "%.250s", xvd);
        }
        if (access(path, F_OK) != 0) {
                /* cloud-init: an ephemeral0 the instance does not have is none */
                if (streq(name, "ephemeral0"))
                        return -ENODEV;
                *ret = strdup(found);
        } else
                *ret = strdup(path);
        return *ret ? 0 : -ENOMEM;
}

int disk_alias(const struct node *aliases, const struct node *md, const char *name, char **ret)
{
        const char *alias = aliases && aliases->type == NODE_MAP ? node_get_str(aliases, name)
                                                                  : NULL;
        char *dev = NULL;
        int r;

        r = meta_device(md, alias ? alias : name, &dev);
        if (r == -ENODEV && !alias) {
                *ret = NULL;
                return 0;
        }
        if (r < 0 && r != -ENODEV)
                return r;
        if (!dev)
                dev = strdup(alias ? alias : name);
        if (!dev)
                return -ENOMEM;
        *ret = dev;
        return 0;
}

int disk_resolve(const char *path, char **ret_real, struct disk_part *ret_part)
{
        _cleanup_free_ char *real = NULL;
        struct stat st;
        int r;

        if (!startswith(path, "/dev/"))
                return -EXDEV;
        real = realpath(path, NULL);
        if (!real)
                return -errno;
        if (!startswith(real, "/dev/"))
                return -EXDEV;
        if (stat(real, &st) < 0)
                return -errno;
        if (!S_ISBLK(st.st_mode))
                return -ENOTBLK;
        r = disk_part_of(st.st_rdev, ret_part);
        if (r < 0)
                return r;
        *ret_real = TAKE_PTR(real);
        return 0;
}
