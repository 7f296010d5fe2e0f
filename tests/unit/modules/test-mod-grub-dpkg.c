/* SPDX-License-Identifier: Apache-2.0 */
/* Tests of modules/grub_dpkg.c: fake debconf-set-selections, grub-probe and
 * udevadm inside a busybox target record their argv and stdin. */
#include "testlib.h"

static const char dss[] = "#!/bin/sh\necho \"dss $*\" >> /tmp/calls\ncat >> /tmp/stdin\n";

static void target(struct troot *t)
{
        troot_make_target(t);
        troot_write_exec(t, "/usr/bin/debconf-set-selections", dss);
}

static void test_given_devices(void **state)
{
        (void)state;
        struct troot t;
        target(&t);
        assert_int_equal(troot_run_module(&t, "grub_dpkg",
                                          "grub_dpkg:\n  enabled: true\n"
                                          "  grub-pc/install_devices: /dev/sda\n",
                                          NULL),
                         0);
        assert_file_eq(&t, "/tmp/stdin",
                       "grub-pc grub-pc/install_devices string /dev/sda\n"
                       "grub-pc grub-pc/install_devices_empty boolean false\n");
        assert_file_eq(&t, "/tmp/calls", "dss \n");
        (void)fs_unlink(t.fd, "/tmp/stdin");
        assert_int_equal(troot_run_module(&t, "grub_dpkg",
                                          "grub-dpkg:\n  enabled: true\n"
                                          "  grub-pc/install_devices: ''\n"
                                          "  grub-pc/install_devices_empty: 'no'\n",
                                          NULL),
                         0);
        assert_file_eq(&t, "/tmp/stdin",
                       "grub-pc grub-pc/install_devices string \n"
                       "grub-pc grub-pc/install_devices_empty boolean false\n");
        /* EFI: the partition, one line */
        (void)fs_unlink(t.fd, "/tmp/stdin");
        troot_write(&t, "/sys/firmware/efi/x", "");
        assert_int_equal(troot_run_module(&t, "grub_dpkg",
                                          "grub_dpkg: {enabled: true, "
                                          "grub-efi/install_devices: /dev/vda15}\n",
                                          NULL),
                         0);
        assert_file_eq(&t, "/tmp/stdin", "grub-pc grub-efi/install_devices string /dev/vda15\n");
        troot_free(&t);
}

static void test_probed_device_and_disabled(void **state)
{
        (void)state;
        struct troot t;
        target(&t);
        troot_write_exec(&t, "/usr/sbin/grub-probe",
                         "#!/bin/sh\necho \"probe $*\" >> /tmp/calls\necho /dev/vda\n");
        troot_write_exec(&t, "/usr/bin/udevadm",
                         "#!/bin/sh\necho \"udevadm $*\" >> /tmp/calls\n"
                         "echo 'disk/by-path/pci-0 disk/by-id/virtio-b disk/by-id/virtio-a'\n");
        troot_write(&t, "/dev/vda", "");
        /* default: not enabled */
        assert_int_equal(troot_run_module(&t, "grub_dpkg", "grub_dpkg: {}\n", NULL), 0);
        assert_false(fs_exists(t.fd, "/tmp/calls"));
        assert_int_equal(troot_run_module(&t, "grub_dpkg", "grub_dpkg: {enabled: true}\n", NULL),
                         0);
        assert_file_eq(&t, "/tmp/calls",
                       "probe -t disk /boot\n"
                       "udevadm info --root --query=symlink /dev/vda\n"
                       "dss \n");
        assert_file_eq(&t, "/tmp/stdin",
                       "grub-pc grub-pc/install_devices string disk/by-id/virtio-a\n"
                       "grub-pc grub-pc/install_devices_empty boolean false\n");
        troot_free(&t);
}

static void test_bad_device_refused(void **state)
{
        (void)state;
        struct troot t;
        target(&t);
        assert_int_equal(troot_run_module(&t, "grub_dpkg",
                                          "grub_dpkg:\n  enabled: true\n"
                                          "  grub-pc/install_devices: \"/dev/sda\\ngrub-pc "
                                          "grub-pc/postrm_purge_boot_grub boolean true\"\n",
                                          NULL),
                         -EINVAL);
        assert_log_has(&t, "test.yaml:3:28: grub-pc/install_devices: must be device paths");
        assert_false(fs_exists(t.fd, "/tmp/stdin"));
        troot_free(&t);
}

int main(void)
{
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_given_devices),
                cmocka_unit_test(test_probed_device_and_disabled),
                cmocka_unit_test(test_bad_device_refused),
        };
        int r = cmocka_run_group_tests_name("mod-grub-dpkg", tests, NULL, NULL);
        node_names_free();
        return r;
}
