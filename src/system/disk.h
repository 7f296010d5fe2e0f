/* SPDX-License-Identifier: Apache-2.0 */
/* Disks and their partitions as the kernel sees them (sysfs), and growing a
 * partition to the end of its disk with libfdisk, loaded on first use: only
 * a boot whose disk grew needs it. */
#pragma once

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

struct disk_part {
        char name[64]; /* the block device: "vda1", "loop0p1", "dm-0" */
        char disk[64]; /* its disk when it is a partition: "vda", "loop0"; else "" */
        unsigned partno; /* 0 when the device is not a partition */
        uint64_t start; /* in 512-byte sectors, as sysfs counts */
        uint64_t size;
        uint64_t disk_size;
        uint64_t limit; /* where it may end: the next partition, or the disk's end */
        bool is_loop; /* the disk is a loop device (an image file) */
        bool is_dm; /* device-mapper (LVM, crypt): not a partition we can grow */
};

/* Describe the block device dev from /sys/dev/block/MAJ:MIN. */
int disk_part_of(dev_t dev, struct disk_part *ret);
/* Sectors the partition could still grow by: from its end to the next
 * partition or the end of the disk less what a GPT backup table takes (33
 * sectors); 0 when that is under 1 MiB (growpart's slack): full-size. */
uint64_t disk_part_room(const struct disk_part *p);
/* Grow the partition to the end of its disk (GPT backup header moved to the
 * new end), then tell the kernel with BLKPG_RESIZE_PARTITION; works while it
 * is mounted. *ret_size gets the new size in 512-byte sectors. -ENOPKG when
 * libfdisk cannot be loaded. */
int disk_grow_partition(const struct disk_part *p, uint64_t *ret_size);

/* --- partitioning a blank disk (disk_setup) and what a device holds --- */

enum disk_table { DISK_MBR, DISK_GPT };

#define DISK_LAYOUT_MAX 128 /* GPT's usual number of entries; MBR takes 4 */
#define DISK_TYPE_MAX 40 /* a GPT type GUID and its NUL */

/* What libblkid finds on a device: a filesystem or a partition table. */
struct disk_probe {
        char fstype[32]; /* "" when none; "ambivalent" when signatures disagree */
        char label[256];
        char pttype[16]; /* "gpt", "dos" or "" */
        unsigned n_parts;
        char types[DISK_LAYOUT_MAX][DISK_TYPE_MAX]; /* "83" (dos, hex) or a GUID (gpt) */
};

struct disk_layout_part {
        uint64_t size; /* in 512-byte sectors; 0: to the end of the disk */
        char type[DISK_TYPE_MAX]; /* "83" (MBR, hex) or a GUID (GPT); "": Linux */
};

/* libblkid's view of dev (a path in /dev). */
int disk_probe(const char *dev, struct disk_probe *ret);
/* Is dev held by the kernel: mounted, active swap, a member of a RAID or a
 * device-mapper table, or a disk with such a partition (an O_EXCL open says)? */
bool disk_in_use(const char *dev);
/* cloud-init's sizes: each partition int(sectors * percent / 100), the last
 * one the rest of the disk (size 0). -EINVAL for a percentage outside 1-100,
 * -ERANGE when they add up to more than 100, -E2BIG for more partitions than
 * the table takes (MBR: 4). */
int disk_layout_sizes(enum disk_table t, uint64_t sectors, const unsigned *percent, size_t n,
                      uint64_t *ret_sizes);
/* A partition type as cloud-init takes it: MBR "83", 82 (hex codes, 1-2
 * digits); GPT sgdisk's 4-digit codes (2 digits padded: "82" is "8200") or a
 * GUID, into the GUID. NULL code: Linux. -EINVAL when it is none of these;
 * -ENOENT for a GPT code cloudboot does not know (cloud-init then uses Linux). */
int disk_part_type(enum disk_table t, const char *code, char ret[DISK_TYPE_MAX]);
/* Do the table found and the layout asked agree (cloud-init's
 * check_partition_layout: same table, same number of partitions, and the
 * types where the layout names one)? n 0: any table with a partition. */
bool disk_layout_matches(const struct disk_probe *found, enum disk_table t,
                         const struct disk_layout_part *parts, size_t n);
/* Remove what dev holds: the signatures of its partitions' filesystems, then
 * its first and last MiB (the partition tables and a filesystem's superblock). */
int disk_wipe(const char *dev);
/* A new partition table on dev with these partitions, one after the other
 * from the first aligned sector; then the kernel is told (BLKRRPART, or
 * BLKPG partition by partition where the disk is not rescanned, as for a
 * loop device without partition scanning). -ENOPKG without libfdisk. */
int disk_partition(const char *dev, enum disk_table t, const struct disk_layout_part *parts,
                   size_t n);
/* The device of partition partno of disk (a path in /dev): "/dev/vdb1",
 * "/dev/nvme0n1p1", "/dev/loop0p1" (a "p" when the disk name ends in a digit). */
int disk_partition_path(const char *disk, unsigned partno, char *buf, size_t size);

struct node;
/* cloud-init's alias_to_device for disk_setup and fs_setup: a name of
 * device_aliases becomes its device, then the datasource's names (EC2's
 * block-device-mapping: ephemeral0, swap, ebsN) become theirs, checked on
 * this machine (/dev/sdb, else /dev/xvdb). *ret is the name unchanged when
 * nothing maps it, NULL when ephemeral0 is mapped to a device the machine
 * lacks (as cloud-init, to leave it alone). */
int disk_alias(const struct node *aliases, const struct node *md, const char *name, char **ret);
/* A device path of disk_setup and fs_setup, its links resolved: it must be a
 * block device under /dev (-EXDEV: the path is elsewhere, -ENOTBLK: not a
 * block device), described into *ret_part. */
int disk_resolve(const char *path, char **ret_real, struct disk_part *ret_part);
/* The numbers of the kernel's partitions of disk name ("vdb"), in order. */
size_t disk_kernel_parts(const char *name, unsigned *ret, size_t max);
