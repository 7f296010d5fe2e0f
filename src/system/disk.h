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
