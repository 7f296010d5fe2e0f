/* SPDX-License-Identifier: Apache-2.0 */
/* Tests of modules/mounts.c: fstab lines, device names, swap files. */
#include <sys/stat.h>

#include "testlib.h"

#define ROOTLINE "UUID=abc\t/\text4\tdefaults\t0\t1\n"

static void test_entries_completed_and_marked(void **state)
{
        (void)state;
        struct troot t;
        troot_make(&t);
        troot_write(&t, "/etc/fstab",
                    ROOTLINE "/dev/old\t/old\tauto\tdefaults,comment=cloudconfig\t0\t2\n");
        assert_int_equal(troot_run_module(&t, "mounts",
                                          "mounts:\n"
                                          "  - [/dev/vdb, /data, ext4, 'defaults,noatime']\n"
                                          "  - ['nfs.example:/export', /mnt/nfs, nfs]\n"
                                          "  - [sdc, /mnt/c, null, null, 1]\n",
                                          NULL),
                         0);
        /* the old instance's line is gone, the admin's line kept; devices the
         * target does not have are written as given (as cloud-init does) */
        assert_file_eq(&t, "/etc/fstab",
                       ROOTLINE
                       "/dev/vdb\t/data\text4\tdefaults,noatime,comment=cloudconfig\t0\t2\n"
                       "nfs.example:/export\t/mnt/"
                       "nfs\tnfs\tdefaults,nobootwait,comment=cloudconfig\t0\t2\n"
                       "sdc\t/mnt/c\tauto\tdefaults,nobootwait,comment=cloudconfig\t1\t2\n");
        assert_int_equal(troot_mode(&t, "/etc/fstab") & 07777, 0644);
        assert_true(fs_exists(t.fd, "/data"));
        assert_true(fs_exists(t.fd, "/mnt/nfs"));
        assert_true(fs_exists(t.fd, "/mnt/c"));
        troot_free(&t);
}

static void test_systemd_default_options(void **state)
{
        (void)state;
        struct troot t;
        troot_make(&t);
        troot_write(&t, "/run/systemd/system/.keep", "");
        assert_int_equal(troot_run_module(&t, "mounts", "mounts: [[/dev/vdb, /data]]\n", NULL), 0);
        assert_file_eq(&t, "/etc/fstab",
                       "/dev/vdb\t/data\tauto\tdefaults,nofail,x-systemd.after=cloudboot.service,"
                       "_netdev,comment=cloudconfig\t0\t2\n");
        troot_free(&t);
}

static void test_short_names_resolved_in_target(void **state)
{
        (void)state;
        struct troot t;
        troot_make(&t);
        troot_write(&t, "/dev/vdb", "");
        troot_write(&t, "/dev/vdb1", "");
        troot_write(&t, "/sys/block/vdb/vdb1/.keep", "");
        troot_write(&t, "/dev/vdc", "");
        troot_write(&t, "/sys/block/vdc/.keep", "");
        assert_int_equal(
                troot_run_module(&t, "mounts",
                                 "mount_default_fields: [null, null, ext4, defaults, '0', '0']\n"
                                 "device_aliases: {data: /dev/vdc, disk: /dev/vdb}\n"
                                 "mounts:\n"
                                 "  - [vdb, /one]\n" /* its first partition */
                                 "  - [data, /two]\n" /* an alias, no partition */
                                 "  - [vdb.7, /seven]\n" /* no such partition */
                                 "  - [disk.1, none, swap, sw, '0', '0']\n", /* alias.N */
                                 NULL),
                0);
        assert_file_eq(&t, "/etc/fstab",
                       "/dev/vdb1\t/one\text4\tdefaults,comment=cloudconfig\t0\t0\n"
                       "/dev/vdc\t/two\text4\tdefaults,comment=cloudconfig\t0\t0\n"
                       "vdb.7\t/seven\text4\tdefaults,comment=cloudconfig\t0\t0\n"
                       "/dev/vdb1\tnone\tswap\tsw,comment=cloudconfig\t0\t0\n");
        troot_free(&t);
}

static void test_null_mount_point_drops_the_device(void **state)
{
        (void)state;
        struct troot t;
        troot_make(&t);
        troot_write(&t, "/etc/fstab", ROOTLINE);
        assert_int_equal(
                troot_run_module(&t, "mounts",
                                 "mounts: [[/dev/vdb, /data], [/dev/vdb, null], [/dev/vdc]]\n",
                                 NULL),
                0);
        assert_file_eq(&t, "/etc/fstab", ROOTLINE);
        assert_false(fs_exists(t.fd, "/data"));
        troot_free(&t);
}

static void test_values_cannot_add_fields_or_lines(void **state)
{
        (void)state;
        struct troot t;
        troot_make(&t);
        assert_int_equal(
                troot_run_module(&t, "mounts",
                                 "mounts:\n"
                                 "  - [/dev/vdb, /a, ext4, \"defaults\\n/dev/sda / ext4 rw\"]\n"
                                 "  - [/dev/vdb, /b, ext4 rw]\n"
                                 "  - [\"/dev/vd\\nb\", /c]\n"
                                 "  - ['/dev/disk/by-label/my disk', '/mnt/my data\\x']\n"
                                 "  - not a list\n",
                                 NULL),
                0);
        /* the spaces and the backslash are escaped as fstab(5) does */
        assert_file_eq(&t, "/etc/fstab",
                       "/dev/disk/by-label/my\\040disk\t/mnt/my\\040data\\134x\tauto\t"
                       "defaults,nobootwait,comment=cloudconfig\t0\t2\n");
        assert_log_has(&t, "test.yaml:2:5: mounts: field 4");
        assert_log_has(&t, "test.yaml:3:5: mounts: field 3");
        assert_log_has(&t, "test.yaml:4:5: mounts: the device holds a control character");
        troot_free(&t);
}

static void test_nothing_asked_nothing_written(void **state)
{
        (void)state;
        struct troot t;
        troot_make(&t);
        troot_write(&t, "/etc/fstab",
                    ROOTLINE "/dev/x\t/x\tauto\tdefaults,comment=cloudconfig\t0\t2\n");
        assert_int_equal(troot_run_module(&t, "mounts", "{}\n", NULL), 0);
        /* as in cloud-init: with nothing to write, fstab is left as it is */
        assert_file_eq(&t, "/etc/fstab",
                       ROOTLINE "/dev/x\t/x\tauto\tdefaults,comment=cloudconfig\t0\t2\n");
        troot_free(&t);
}

/* mkswap in the target: a script that records its argument. */
static bool swap_system(struct troot *t)
{
        char path[512];
        if (!troot_make_system(t)) {
                skip();
                return false;
        }
        troot_write(t, "/sbin/mkswap", "#!/bin/sh\necho \"$@\" > /tmp/mkswap.args\n");
        (void)snprintf(path, sizeof(path), "%s/sbin/mkswap", t->path);
        assert_int_equal(chmod(path, 0755), 0);
        return true;
}

static void test_swap_file_made(void **state)
{
        (void)state;
        struct troot t;
        struct stat st;
        char path[512];
        troot_make(&t);
        if (!swap_system(&t)) {
                troot_free(&t);
                return;
        }
        assert_int_equal(troot_run_module(&t, "mounts",
                                          "swap: {filename: /var/swap/file, size: 2M}\n", NULL),
                         0);
        (void)snprintf(path, sizeof(path), "%s/var/swap/file", t.path);
        assert_int_equal(stat(path, &st), 0);
        assert_int_equal(st.st_mode & 07777, 0600);
        assert_int_equal(st.st_size, 2 << 20);
        assert_file_eq(&t, "/tmp/mkswap.args", "/var/swap/file\n");
        assert_file_eq(&t, "/etc/fstab", "/var/swap/file\tnone\tswap\tsw\t0\t0\n");
        /* a second instance: the file is kept and named once */
        assert_int_equal(troot_run_module(&t, "mounts",
                                          "swap: {filename: /var/swap/file, size: 2M}\n", NULL),
                         0);
        assert_file_eq(&t, "/etc/fstab", "/var/swap/file\tnone\tswap\tsw\t0\t0\n");
        troot_free(&t);
}

static void test_swap_auto_size_and_failures(void **state)
{
        (void)state;
        struct troot t;
        struct stat st;
        char path[512];
        troot_make(&t);
        if (!swap_system(&t)) {
                troot_free(&t);
                return;
        }
        /* auto: the memory size, capped by maxsize */
        troot_write(&t, "/proc/meminfo", "MemTotal:        1048576 kB\nMemFree: 1 kB\n");
        assert_int_equal(
                troot_run_module(&t, "mounts",
                                 "swap: {filename: /swap.img, size: auto, maxsize: 3MiB}\n", NULL),
                0);
        (void)snprintf(path, sizeof(path), "%s/swap.img", t.path);
        assert_int_equal(stat(path, &st), 0);
        assert_int_equal(st.st_size, 3 << 20);
        /* a size that is not one, or a relative name: no swap file, said */
        assert_int_equal(
                troot_run_module(&t, "mounts", "swap: {filename: /other, size: lots}\n", NULL), 0);
        assert_false(fs_exists(t.fd, "/other"));
        assert_log_has(&t, "swap.size: not a size");
        assert_int_equal(
                troot_run_module(&t, "mounts", "swap: {filename: 'rel path', size: 1M}\n", NULL),
                0);
        assert_log_has(&t, "swap.filename");
        troot_free(&t);
}

int main(void)
{
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_entries_completed_and_marked),
                cmocka_unit_test(test_systemd_default_options),
                cmocka_unit_test(test_short_names_resolved_in_target),
                cmocka_unit_test(test_null_mount_point_drops_the_device),
                cmocka_unit_test(test_values_cannot_add_fields_or_lines),
                cmocka_unit_test(test_nothing_asked_nothing_written),
                cmocka_unit_test(test_swap_file_made),
                cmocka_unit_test(test_swap_auto_size_and_failures),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
