/* SPDX-License-Identifier: Apache-2.0 */
/* The libblkid calls cloudboot makes, through a table loaded on first use
 * (dynlib.h): only a boot that looks for a seed disk or partitions a disk
 * maps libblkid. Call blkid_dl_load() first; then bk.<call>. */
#pragma once

#include <blkid/blkid.h>

extern struct blkid_dl {
        void *lib;
        /* the cache (seed disks by label) */
        int (*get_cache)(blkid_cache *, const char *);
        void (*put_cache)(blkid_cache);
        int (*probe_all)(blkid_cache);
        blkid_dev_iterate (*dev_iterate_begin)(blkid_cache);
        int (*dev_next)(blkid_dev_iterate, blkid_dev *);
        void (*dev_iterate_end)(blkid_dev_iterate);
        const char *(*dev_devname)(blkid_dev);
        char *(*get_tag_value)(blkid_cache, const char *, const char *);
        /* low-level probing (disk_setup, fs_setup) */
        blkid_probe (*new_probe)(void);
        blkid_probe (*new_probe_from_filename)(const char *);
        void (*free_probe)(blkid_probe);
        int (*probe_set_device)(blkid_probe, int, blkid_loff_t, blkid_loff_t);
        int (*probe_enable_superblocks)(blkid_probe, int);
        int (*probe_set_superblocks_flags)(blkid_probe, int);
        int (*probe_enable_partitions)(blkid_probe, int);
        int (*probe_set_partitions_flags)(blkid_probe, int);
        int (*do_safeprobe)(blkid_probe);
        int (*do_probe)(blkid_probe);
        int (*do_wipe)(blkid_probe, int);
        int (*probe_lookup_value)(blkid_probe, const char *, const char **, size_t *);
        blkid_partlist (*probe_get_partitions)(blkid_probe);
        int (*partlist_numof_partitions)(blkid_partlist);
        blkid_partition (*partlist_get_partition)(blkid_partlist, int);
        const char *(*partition_get_type_string)(blkid_partition);
        int (*partition_get_type)(blkid_partition);
} bk;

/* 0, or -ENOPKG when libblkid.so.1 cannot be loaded. */
int blkid_dl_load(void);
