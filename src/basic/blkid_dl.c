/* SPDX-License-Identifier: Apache-2.0 */
/* libblkid through dlopen (see blkid_dl.h). */
#include "blkid_dl.h"
#include "dynlib.h"
#include "macro.h"

struct blkid_dl bk;

int blkid_dl_load(void)
{
        static const struct dynlib_sym syms[] = {
                DYNLIB_SYM(bk, get_cache, "blkid_get_cache"),
                DYNLIB_SYM(bk, put_cache, "blkid_put_cache"),
                DYNLIB_SYM(bk, probe_all, "blkid_probe_all"),
                DYNLIB_SYM(bk, dev_iterate_begin, "blkid_dev_iterate_begin"),
                DYNLIB_SYM(bk, dev_next, "blkid_dev_next"),
                DYNLIB_SYM(bk, dev_iterate_end, "blkid_dev_iterate_end"),
                DYNLIB_SYM(bk, dev_devname, "blkid_dev_devname"),
                DYNLIB_SYM(bk, get_tag_value, "blkid_get_tag_value"),
                DYNLIB_SYM(bk, new_probe, "blkid_new_probe"),
                DYNLIB_SYM(bk, new_probe_from_filename, "blkid_new_probe_from_filename"),
                DYNLIB_SYM(bk, free_probe, "blkid_free_probe"),
                DYNLIB_SYM(bk, probe_set_device, "blkid_probe_set_device"),
                DYNLIB_SYM(bk, probe_enable_superblocks, "blkid_probe_enable_superblocks"),
                DYNLIB_SYM(bk, probe_set_superblocks_flags, "blkid_probe_set_superblocks_flags"),
                DYNLIB_SYM(bk, probe_enable_partitions, "blkid_probe_enable_partitions"),
                DYNLIB_SYM(bk, probe_set_partitions_flags, "blkid_probe_set_partitions_flags"),
                DYNLIB_SYM(bk, do_safeprobe, "blkid_do_safeprobe"),
                DYNLIB_SYM(bk, do_probe, "blkid_do_probe"),
                DYNLIB_SYM(bk, do_wipe, "blkid_do_wipe"),
                DYNLIB_SYM(bk, probe_lookup_value, "blkid_probe_lookup_value"),
                DYNLIB_SYM(bk, probe_get_partitions, "blkid_probe_get_partitions"),
                DYNLIB_SYM(bk, partlist_numof_partitions, "blkid_partlist_numof_partitions"),
                DYNLIB_SYM(bk, partlist_get_partition, "blkid_partlist_get_partition"),
                DYNLIB_SYM(bk, partition_get_type_string, "blkid_partition_get_type_string"),
                DYNLIB_SYM(bk, partition_get_type, "blkid_partition_get_type"),
        };

        return dynlib_load(&bk, "libblkid.so.1", syms, ELEMENTSOF(syms));
}
