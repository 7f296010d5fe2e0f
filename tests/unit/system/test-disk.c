/* SPDX-License-Identifier: Apache-2.0 */
/* Tests of src/system/disk.c's device lookup: the block device of this
 * machine's root file system, described from /sys/dev/block as realpath(3)
 * and sysfs's own files describe it. */
#include <libgen.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>

#include "disk.h"
#include "testlib.h"

static void test_part_of_matches_sysfs(void **state)
{
        (void)state;
        struct stat st;
        struct disk_part p;
        char link[64];

        assert_int_equal(stat("/", &st), 0);
        (void)snprintf(link, sizeof(link), "/sys/dev/block/%u:%u", major(st.st_dev), minor(st.st_dev));
        _cleanup_free_ char *real = realpath(link, NULL);
        if (!real) {
                skip(); /* overlay, tmpfs or no sysfs: no block device to describe */
                return;
        }
        assert_int_equal(disk_part_of(st.st_dev, &p), 0);
        assert_string_equal(p.name, basename(real));
        assert_true(p.size > 0);
        if (p.partno) {
                char *slash = strrchr(real, '/');
                *slash = '\0';
                assert_string_equal(p.disk, basename(real));
                assert_true(p.disk_size >= p.start + p.size);
        } else
                assert_string_equal(p.disk, "");
}

static void test_part_of_unknown_device(void **state)
{
        (void)state;
        struct disk_part p;

        /* major 0 holds no block device */
        assert_true(disk_part_of(makedev(0, 4095), &p) < 0);
}

int main(void)
{
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_part_of_matches_sysfs),
                cmocka_unit_test(test_part_of_unknown_device),
        };
        return cmocka_run_group_tests_name("disk", tests, NULL, NULL);
}
