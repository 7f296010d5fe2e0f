/* SPDX-License-Identifier: Apache-2.0 */
/* Tests of src/basic/udev.c: what udev has done, read through the root. */
#include "testlib.h"
#include "udev.h"

/* Linked with -Wl,--wrap=fs_read_line (Makefile.am): a test can have udev
 * rename eth0 to enp0s2 right after udev.c's first read of one of eth0's
 * attributes, as udevd does while init-local looks. */
int __real_fs_read_line(int root_fd, const char *path, char **ret);
int __wrap_fs_read_line(int root_fd, const char *path, char **ret);
static struct troot *rename_after_read;
int __wrap_fs_read_line(int root_fd, const char *path, char **ret)
{
        int r = __real_fs_read_line(root_fd, path, ret);
        struct troot *t = rename_after_read;

        if (t && startswith(path, "/sys/class/net/eth0/")) {
                rename_after_read = NULL;
                assert_int_equal(renameat(t->fd, "sys/class/net/eth0", t->fd, "sys/class/net/enp0s2"), 0);
                troot_write(t, "/sys/class/net/enp0s2/name_assign_type", "4\n");
                troot_write(t, "/run/udev/data/n2", "I:1\n");
        }
        return r;
}

static void test_present_is_the_control_socket(void **state)
{
        (void)state;
        struct troot t;
        troot_make(&t);
        assert_false(udev_present(t.fd));
        /* its database alone is what a stopped udev left */
        troot_write(&t, "/run/udev/data/n2", "I:1\n");
        assert_false(udev_present(t.fd));
        troot_write(&t, "/run/udev/control", "");
        assert_true(udev_present(t.fd));
        troot_free(&t);
}

/* A NIC in the fake sysfs: its ifindex, and its name_assign_type unless NULL */
static void fake_nic(struct troot *t, const char *name, const char *ifindex, const char *assign)
{
        char path[128];

        (void)snprintf(path, sizeof(path), "/sys/class/net/%s/ifindex", name);
        troot_write(t, path, ifindex);
        if (!assign)
                return;
        (void)snprintf(path, sizeof(path), "/sys/class/net/%s/name_assign_type", name);
        troot_write(t, path, assign);
}

static void test_nic_named_needs_entry_and_a_name_not_the_kernels(void **state)
{
        (void)state;
        struct troot t;
        troot_make(&t);
        /* no such NIC */
        assert_false(udev_nic_named(t.fd, "eth0"));
        fake_nic(&t, "eth0", "2\n", "1\n");
        /* not processed */
        assert_false(udev_nic_named(t.fd, "eth0"));
        /* processed, by the initramfs's udev say, but still the kernel's
         * enumerated name: the real root's udev may yet rename it */
        troot_write(&t, "/run/udev/data/n2", "I:1\n");
        assert_false(udev_nic_named(t.fd, "eth0"));
        /* renamed: the new name has the entry of the same ifindex */
        fake_nic(&t, "enp0s2", "2\n", "4\n");
        assert_true(udev_nic_named(t.fd, "enp0s2"));
        /* another interface's entry, or a block device's, says nothing of it */
        fake_nic(&t, "ens3", "3\n", "2\n");
        assert_false(udev_nic_named(t.fd, "ens3"));
        troot_write(&t, "/run/udev/data/b3:0", "I:1\n");
        assert_false(udev_nic_named(t.fd, "ens3"));
        /* a kernel without name_assign_type: the entry says it */
        fake_nic(&t, "ens4", "4\n", NULL);
        troot_write(&t, "/run/udev/data/n4", "I:1\n");
        assert_true(udev_nic_named(t.fd, "ens4"));
        /* not an interface name, or a bad index */
        assert_false(udev_nic_named(t.fd, "../../etc"));
        assert_false(udev_nic_named(t.fd, ""));
        fake_nic(&t, "ens5", "0\n", NULL);
        troot_write(&t, "/run/udev/data/n0", "I:1\n");
        assert_false(udev_nic_named(t.fd, "ens5"));
        troot_free(&t);
}

/* udev renames eth0 (the kernel's name) to enp0s2 while the question is
 * asked, between two reads: eth0 is not taken for a name udev gave, and
 * enp0s2 is, once done. */
static void test_nic_renamed_while_asked_is_not_named(void **state)
{
        (void)state;
        struct troot t;
        troot_make(&t);
        fake_nic(&t, "eth0", "2\n", "1\n");
        rename_after_read = &t;
        assert_false(udev_nic_named(t.fd, "eth0"));
        assert_null(rename_after_read); /* it happened */
        assert_false(udev_nic_named(t.fd, "eth0"));
        assert_true(udev_nic_named(t.fd, "enp0s2"));
        troot_free(&t);
}

static void test_settle_without_udev_returns_at_once(void **state)
{
        (void)state;
        struct troot t;
        troot_make(&t);
        /* no control socket: nothing to wait for, and stop is not asked */
        assert_int_equal(udev_settle_until(t.fd, 60, NULL, NULL, "never logged"), 0);
        troot_free(&t);
}

int main(void)
{
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_present_is_the_control_socket),
                cmocka_unit_test(test_nic_named_needs_entry_and_a_name_not_the_kernels),
                cmocka_unit_test(test_nic_renamed_while_asked_is_not_named),
                cmocka_unit_test(test_settle_without_udev_returns_at_once),
        };
        return cmocka_run_group_tests_name("udev", tests, NULL, NULL);
}
