/* SPDX-License-Identifier: Apache-2.0 */
/* Disks and partitions (see disk.h). sysfs and /dev are the kernel's, not
 * the target's: block devices belong to the machine, so they are read there
 * whatever the target root (callers decide whether a device may be touched). */
#include <dirent.h>
#include <dlfcn.h>
#include <fcntl.h>
#include <libfdisk/libfdisk.h>
#include <linux/blkpg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "disk.h"
#include "macro.h"

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

int disk_part_of(dev_t dev, struct disk_part *ret)
{
        char link[128], *path, *slash, dir[512];
        uint64_t partno = 0;
        struct disk_part p = { 0 };
        int r;

        (void)snprintf(link, sizeof(link), "/sys/dev/block/%u:%u", major(dev), minor(dev));
        path = realpath(link, NULL);
        if (!path)
                return -errno;
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
} fd;

static int load(void)
{
        if (fd.lib)
                return 0;
        fd.lib = dlopen("libfdisk.so.1", RTLD_NOW | RTLD_LOCAL);
        if (!fd.lib)
                return -ENOPKG;
#define SYM(field, name)                                                                           \
        if (!(*(void **)&fd.field = dlsym(fd.lib, name)))                                          \
                goto fail;
        SYM(new_context, "fdisk_new_context");
        SYM(unref_context, "fdisk_unref_context");
        SYM(assign_device, "fdisk_assign_device");
        SYM(deassign_device, "fdisk_deassign_device");
        SYM(has_label, "fdisk_has_label");
        SYM(new_partition, "fdisk_new_partition");
        SYM(unref_partition, "fdisk_unref_partition");
        SYM(set_size, "fdisk_partition_set_size");
        SYM(last_lba, "fdisk_get_last_lba");
        SYM(get_partition, "fdisk_get_partition");
        SYM(set_partition, "fdisk_set_partition");
        SYM(write_disklabel, "fdisk_write_disklabel");
        SYM(get_size, "fdisk_partition_get_size");
        SYM(get_start, "fdisk_partition_get_start");
        SYM(sector_size, "fdisk_get_sector_size");
#undef SYM
        return 0;
fail:
        (void)dlclose(fd.lib);
        fd.lib = NULL;
        return -ENOPKG;
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
