/* SPDX-License-Identifier: Apache-2.0 */
/* Tests of modules/machine_id.c. */
#include "testlib.h"

static void assert_fresh_id(struct troot *t, const char *not_this)
{
        char *id = troot_read(t, "/etc/machine-id");
        char link[64];
        char path[512];
        ssize_t n;
        assert_non_null(id);
        assert_int_equal(strlen(id), 33);
        assert_int_equal(strspn(id, "0123456789abcdef"), 32);
        assert_int_equal(id[32], '\n');
        if (not_this)
                assert_string_not_equal(id, not_this);
        assert_int_equal(troot_mode(t, "/etc/machine-id") & 07777, 0444);
        (void)snprintf(path, sizeof(path), "%s/var/lib/dbus/machine-id", t->path);
        n = readlink(path, link, sizeof(link) - 1);
        assert_int_equal(n, 15);
        link[n] = '\0';
        assert_string_equal(link, "/etc/machine-id");
        assert_file_eq(t, "/var/lib/cloud/data/machine-id", id);
        assert_file_eq(t, "/var/lib/cloud/instances/i-test/machine-id", id);
        free(id);
}

static void test_missing_empty_uninitialized_or_bad(void **state)
{
        (void)state;
        const char *starts[] = { NULL, "", "uninitialized\n", "ABCDEF0123456789abcdef0123456789\n",
                                 "0123\n" };
        for (size_t i = 0; i < ELEMENTSOF(starts); i++) {
                struct troot t;
                troot_make(&t);
                if (starts[i])
                        troot_write(&t, "/etc/machine-id", starts[i]);
                assert_int_equal(troot_run_module(&t, "machine_id", "{}\n", NULL), 0);
                assert_fresh_id(&t, NULL);
                troot_free(&t);
        }
}

static void test_valid_new_id_is_kept(void **state)
{
        (void)state;
        struct troot t;
        troot_make(&t);
        troot_write(&t, "/etc/machine-id", "0123456789abcdef0123456789abcdef\n");
        assert_int_equal(troot_run_module(&t, "machine_id", "{}\n", NULL), 0);
        assert_file_eq(&t, "/etc/machine-id", "0123456789abcdef0123456789abcdef\n");
        assert_file_eq(&t, "/var/lib/cloud/data/machine-id", "0123456789abcdef0123456789abcdef\n");
        troot_free(&t);
}

static void test_cloned_disk_gets_a_new_id(void **state)
{
        (void)state;
        struct troot t;
        troot_make(&t);
        /* the previous instance recorded this ID: the disk is a clone */
        troot_write(&t, "/etc/machine-id", "0123456789abcdef0123456789abcdef\n");
        troot_write(&t, "/var/lib/cloud/data/machine-id", "0123456789abcdef0123456789abcdef\n");
        assert_int_equal(troot_run_module(&t, "machine_id", "{}\n", NULL), 0);
        assert_fresh_id(&t, "0123456789abcdef0123456789abcdef\n");
        assert_log_has(&t, "the ID of the previous instance (a cloned disk)");
        troot_free(&t);
}

static void test_dbus_copy_becomes_a_link(void **state)
{
        (void)state;
        struct troot t;
        troot_make(&t);
        troot_write(&t, "/var/lib/dbus/machine-id", "stale0123456789abcdef0123456789\n");
        assert_int_equal(troot_run_module(&t, "machine_id", "{}\n", NULL), 0);
        assert_fresh_id(&t, NULL);
        troot_free(&t);
}

#include <sys/mount.h>

/* systemd's first boot: /etc/machine-id is a transient bind mount. It cannot
 * be renamed over, so it is written in place. */
static void test_mount_point_is_written_in_place(void **state)
{
        (void)state;
        struct troot t;
        char src[] = "/tmp/cloudboot-mid.XXXXXX", dst[512];
        int fd, hostfd;
        char *data = NULL;
        troot_make(&t);
        troot_write(&t, "/etc/machine-id", "");
        fd = mkstemp(src);
        assert_true(fd >= 0);
        assert_int_equal(write(fd, "uninitialized\n", 14), 14);
        close(fd);
        (void)snprintf(dst, sizeof(dst), "%s/etc/machine-id", t.path);
        if (geteuid() != 0 || mount(src, dst, "none", MS_BIND, NULL) < 0) {
                unlink(src);
                troot_free(&t);
                skip();
        }
        assert_int_equal(troot_run_module(&t, "machine_id", "{}\n", NULL), 0);
        hostfd = fs_open_root("/");
        assert_int_equal(fs_read_file(hostfd, src, 64, &data, NULL), 0);
        close(hostfd);
        /* the mounted file itself got the new ID */
        assert_int_equal(strlen(data), 33);
        assert_int_equal(strspn(data, "0123456789abcdef"), 32);
        free(data);
        assert_int_equal(umount(dst), 0);
        unlink(src);
        troot_free(&t);
}

int main(void)
{
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_missing_empty_uninitialized_or_bad),
                cmocka_unit_test(test_valid_new_id_is_kept),
                cmocka_unit_test(test_cloned_disk_gets_a_new_id),
                cmocka_unit_test(test_dbus_copy_becomes_a_link),
                cmocka_unit_test(test_mount_point_is_written_in_place),
        };
        int r = cmocka_run_group_tests_name("mod-machine-id", tests, NULL, NULL);
        node_names_free();
        return r;
}
