/* SPDX-License-Identifier: Apache-2.0 */
/* Seed devices through libblkid and mount(2) (see blockdev.h). */
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/mount.h>
#include <sys/stat.h>

#include "blkid_dl.h"
#include "blockdev.h"
#include "log.h"
#include "macro.h"

static bool in_list(const char *s, const char *const *list, bool ignore_case)
{
        if (!s)
                return false;
        for (; *list; list++)
                if (ignore_case ? strcasecmp(s, *list) == 0 : streq(s, *list))
                        return true;
        return false;
}

static int cmp_rev(const void *a, const void *b)
{
        return -strcmp(((const struct labelled_dev *)a)->devname,
                       ((const struct labelled_dev *)b)->devname);
}

void blockdev_list_free(struct labelled_dev *devs, size_t n)
{
        for (size_t i = 0; i < n; i++) {
                free(devs[i].devname);
                free(devs[i].fstype);
        }
        free(devs);
}

int blockdev_find(const char *const *labels, const char *const *types, struct labelled_dev **ret,
                  size_t *ret_n)
{
        struct labelled_dev *devs = NULL;
        size_t n = 0;
        blkid_cache cache = NULL;
        blkid_dev_iterate iter;
        blkid_dev dev;
        int r = 0;

        r = blkid_dl_load();
        if (r < 0)
                return r;
        /* A cache file of /dev/null: always probe afresh, never trust a stale cache. */
        if (bk.get_cache(&cache, "/dev/null") < 0)
                return -ENOMEM;
        if (bk.probe_all(cache) < 0) {
                bk.put_cache(cache);
                return -EIO;
        }
        iter = bk.dev_iterate_begin(cache);
        while (iter && bk.dev_next(iter, &dev) == 0) {
                const char *name = bk.dev_devname(dev);
                _cleanup_free_ char *type = bk.get_tag_value(cache, "TYPE", name);
                _cleanup_free_ char *label = bk.get_tag_value(cache, "LABEL", name);
                _cleanup_free_ char *fatboot = bk.get_tag_value(cache, "LABEL_FATBOOT", name);
                struct labelled_dev *p;

                /* Labels in either case, as cloud-init looks them up: mkfs.vfat
                 * makes "CIDATA" of "cidata". */
                if (!in_list(type, types, false) ||
                    !(!labels || in_list(label, labels, true) || in_list(fatboot, labels, true)))
                        continue;
                p = realloc(devs, (n + 1) * sizeof(*devs));
                if (!p) {
                        r = -ENOMEM;
                        break;
                }
                devs = p;
                devs[n].devname = strdup(name);
                devs[n].fstype = TAKE_PTR(type);
                if (!devs[n++].devname) {
                        r = -ENOMEM;
                        break;
                }
        }
        if (iter)
                bk.dev_iterate_end(iter);
        bk.put_cache(cache);
        if (r < 0) {
                blockdev_list_free(devs, n);
                return r;
        }
        if (n > 1)
                qsort(devs, n, sizeof(*devs), cmp_rev);
        *ret = devs;
        *ret_n = n;
        return 0;
}

int blockdev_mount_ro(const struct labelled_dev *dev, char **ret_dir)
{
        char tmpl[] = "/run/cloudboot-seed.XXXXXX";
        char tmpl2[] = "/tmp/cloudboot-seed.XXXXXX";
        char *dir = mkdtemp(tmpl);

        if (!dir)
                dir = mkdtemp(tmpl2);
        if (!dir)
                return -errno;
        if (mount(dev->devname, dir, dev->fstype, MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC,
                  NULL) < 0) {
                int r = -errno;
                (void)rmdir(dir);
                return r;
        }
        *ret_dir = strdup(dir);
        if (!*ret_dir) {
                (void)umount2(dir, MNT_DETACH);
                (void)rmdir(dir);
                return -ENOMEM;
        }
        return 0;
}

void blockdev_umount(char *dir)
{
        if (!dir)
                return;
        if (umount2(dir, 0) < 0)
                (void)umount2(dir, MNT_DETACH);
        (void)rmdir(dir);
        free(dir);
}
