/* SPDX-License-Identifier: Apache-2.0 */
/* Tests of src/basic/udev.c: what udev has done, read through the root. */
#include "testlib.h"
#include "udev.h"

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

static void test_nic_processed_is_its_database_entry(void **state)
{
        (void)state;
        struct troot t;
        troot_make(&t);
        assert_false(udev_nic_processed(t.fd, 2));
        troot_write(&t, "/run/udev/data/n2", "I:1\n");
        assert_true(udev_nic_processed(t.fd, 2));
        /* another interface's entry, or a block device's, says nothing of it */
        assert_false(udev_nic_processed(t.fd, 3));
        troot_write(&t, "/run/udev/data/b3:0", "I:1\n");
        assert_false(udev_nic_processed(t.fd, 3));
        assert_false(udev_nic_processed(t.fd, 0));
        assert_false(udev_nic_processed(t.fd, -2));
        troot_free(&t);
}

int main(void)
{
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_present_is_the_control_socket),
                cmocka_unit_test(test_nic_processed_is_its_database_entry),
        };
        return cmocka_run_group_tests_name("udev", tests, NULL, NULL);
}
