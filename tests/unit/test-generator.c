/* SPDX-License-Identifier: Apache-2.0 */
/* Tests of src/generator.c: the decision from a fake /proc/cmdline, /sys DMI,
 * seed directories, by-label links (udev's view of blkid) and system config
 * under a temp root; and the links and markers the generator leaves. */
#include <limits.h>

#include "testlib.h"
#include "generator.h"

static enum gen_decision decide(struct troot *t, char *reason, size_t size)
{
        return generator_decide(t->fd, false, reason, size);
}

#define ASSERT_DECISION(t, want, needle)                                                           \
        do {                                                                                       \
                char reason_[512];                                                                 \
                enum gen_decision d_ = decide((t), reason_, sizeof(reason_));                      \
                if (d_ != (want) || !strstr(reason_, (needle)))                                    \
                        fail_msg("decision %d (%s), want %d with '%s'", d_, reason_, (want),       \
                                 (needle));                                                        \
        } while (0)

static void test_nothing_is_not_found(void **state)
{
        (void)state;
        struct troot t;

        troot_make(&t);
        troot_write(&t, "/proc/cmdline", "root=/dev/vda ro quiet\n");
        troot_write(&t, "/sys/class/dmi/id/sys_vendor", "QEMU\n");
        ASSERT_DECISION(&t, GEN_NOT_FOUND, "no datasource");
        troot_free(&t);
}

static void test_disable_switches_win(void **state)
{
        (void)state;
        struct troot t;

        troot_make(&t);
        troot_write(&t, "/var/lib/cloud/seed/nocloud/meta-data", "instance-id: x\n");
        troot_write(&t, "/etc/cloud/cloud-init.disabled", "");
        ASSERT_DECISION(&t, GEN_DISABLED, "/etc/cloud/cloud-init.disabled");
        troot_free(&t);

        troot_make(&t);
        troot_write(&t, "/proc/cmdline", "ro ds=nocloud cloud-init=disabled\n");
        ASSERT_DECISION(&t, GEN_DISABLED, "cloud-init=disabled");
        troot_free(&t);
}

static void test_kernel_command_line(void **state)
{
        (void)state;
        struct troot t;

        troot_make(&t);
        troot_write(&t, "/proc/cmdline", "ro ds=nocloud;s=http://10.0.2.2:8000/ quiet\n");
        ASSERT_DECISION(&t, GEN_ENABLED, "ds=nocloud;s=http://10.0.2.2:8000/");
        troot_free(&t);

        troot_make(&t);
        troot_write(&t, "/proc/cmdline", "ro ci.ds=OpenStack\n");
        ASSERT_DECISION(&t, GEN_ENABLED, "ci.ds=OpenStack");
        troot_free(&t);

        troot_make(&t);
        troot_write(&t, "/proc/cmdline", "ro cloud-init=enabled\n");
        ASSERT_DECISION(&t, GEN_ENABLED, "cloud-init=enabled");
        troot_free(&t);

        /* a word that only contains ds= is not one */
        troot_make(&t);
        troot_write(&t, "/proc/cmdline", "ro fsds=1 nods=nocloud\n");
        ASSERT_DECISION(&t, GEN_NOT_FOUND, "no datasource");
        troot_free(&t);
}

static void test_smbios_serial(void **state)
{
        (void)state;
        struct troot t;

        troot_make(&t);
        troot_write(&t, "/sys/class/dmi/id/product_serial", "ds=nocloud;h=vm1;i=iid-1\n");
        ASSERT_DECISION(&t, GEN_ENABLED, "SMBIOS serial");
        troot_free(&t);
}

static void test_seed_directory(void **state)
{
        (void)state;
        struct troot t;

        troot_make(&t);
        troot_write(&t, "/var/lib/cloud/seed/nocloud-net/meta-data", "instance-id: x\n");
        ASSERT_DECISION(&t, GEN_ENABLED, "/var/lib/cloud/seed/nocloud-net/meta-data");
        troot_free(&t);

        troot_make(&t);
        troot_write(&t, "/var/lib/cloud/seed/config_drive/openstack/latest/meta_data.json", "{}");
        ASSERT_DECISION(&t, GEN_ENABLED, "/var/lib/cloud/seed/config_drive/openstack");
        troot_free(&t);
}

static void test_seed_labels(void **state)
{
        (void)state;
        static const char *const labels[] = { "cidata", "CIDATA", "config-2", "CONFIG-2" };
        for (size_t i = 0; i < sizeof(labels) / sizeof(labels[0]); i++) {
                struct troot t;
                char path[128];

                troot_make(&t);
                /* what udev made from blkid's answer: a link to the device */
                assert_int_equal(fs_mkdir_p(t.fd, "/dev/disk/by-label", 0755), 0);
                (void)snprintf(path, sizeof(path), "/dev/disk/by-label/%s", labels[i]);
                assert_int_equal(fs_symlink_atomic(t.fd, "../../sr0", path), 0);
                troot_write(&t, "/dev/sr0", "");
                ASSERT_DECISION(&t, GEN_ENABLED, labels[i]);
                troot_free(&t);
        }
}

static void test_system_credentials(void **state)
{
        (void)state;
        struct troot t;

        troot_make(&t);
        troot_write(&t, "/run/credentials/@system/cloudboot.user-data", "#cloud-config\n");
        ASSERT_DECISION(&t, GEN_ENABLED, "cloudboot.user-data");
        troot_free(&t);

        /* another program's credentials are not ours */
        troot_make(&t);
        troot_write(&t, "/run/credentials/@system/firstboot.hostname", "h\n");
        ASSERT_DECISION(&t, GEN_NOT_FOUND, "no datasource");
        troot_free(&t);
}

static void test_cloud_dmi(void **state)
{
        (void)state;
        struct troot t;

        troot_make(&t);
        troot_write(&t, "/sys/class/dmi/id/product_name", "Google Compute Engine\n");
        ASSERT_DECISION(&t, GEN_ENABLED, "gce");
        troot_free(&t);
}

static void test_configured_datasource_list(void **state)
{
        (void)state;
        struct troot t;

        troot_make(&t);
        troot_write(&t, "/etc/cloud/cloud.cfg.d/90-ds.cfg", "datasource_list: [ NoCloud, None ]\n");
        ASSERT_DECISION(&t, GEN_ENABLED, "90-ds.cfg names NoCloud");
        troot_free(&t);

        /* several: a search, which found nothing here */
        troot_make(&t);
        troot_write(&t, "/etc/cloud/cloud.cfg.d/90-ds.cfg",
                    "datasource_list: [ NoCloud, ConfigDrive, None ]\n");
        ASSERT_DECISION(&t, GEN_NOT_FOUND, "no datasource");
        troot_free(&t);
}

static void test_run_links_target_and_writes_markers(void **state)
{
        (void)state;
        struct troot t;
        char early[512], link[PATH_MAX], target[PATH_MAX];
        ssize_t n;

        troot_make(&t);
        (void)snprintf(early, sizeof(early), "%s/generator.early", t.path);
        troot_write(&t, "/proc/cmdline", "ds=nocloud\n");
        troot_write(&t, "/run/cloud-init/disabled", "");
        assert_int_equal(generator_run(t.path, early), 0);
        (void)snprintf(link, sizeof(link), "%s/multi-user.target.wants/cloudboot.target", early);
        n = readlink(link, target, sizeof(target) - 1);
        assert_true(n > 0);
        target[n] = '\0';
        assert_string_equal(target, SYSTEMD_SYSTEM_UNIT_DIR "/cloudboot.target");
        assert_true(fs_exists(t.fd, "/run/cloud-init/enabled"));
        assert_false(fs_exists(t.fd, "/run/cloud-init/disabled"));
        char *log = troot_read(&t, "/run/cloud-init/cloudboot-generator.log");
        assert_non_null(strstr(log, "enabled: the kernel command line has ds=nocloud"));
        free(log);
        troot_free(&t);

        /* not found: no link, and no "disabled" marker either, since a late
         * seed may still start cloudboot */
        troot_make(&t);
        (void)snprintf(early, sizeof(early), "%s/generator.early", t.path);
        assert_int_equal(generator_run(t.path, early), 0);
        (void)snprintf(link, sizeof(link), "%s/multi-user.target.wants/cloudboot.target", early);
        assert_int_equal(access(link, F_OK), -1);
        assert_false(fs_exists(t.fd, "/run/cloud-init/enabled"));
        assert_false(fs_exists(t.fd, "/run/cloud-init/disabled"));
        troot_free(&t);

        /* disabled: the marker that `status` reads */
        troot_make(&t);
        (void)snprintf(early, sizeof(early), "%s/generator.early", t.path);
        troot_write(&t, "/etc/cloud/cloud-init.disabled", "");
        assert_int_equal(generator_run(t.path, early), 0);
        assert_true(fs_exists(t.fd, "/run/cloud-init/disabled"));
        troot_free(&t);
}

int main(void)
{
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_nothing_is_not_found),
                cmocka_unit_test(test_disable_switches_win),
                cmocka_unit_test(test_kernel_command_line),
                cmocka_unit_test(test_smbios_serial),
                cmocka_unit_test(test_seed_directory),
                cmocka_unit_test(test_seed_labels),
                cmocka_unit_test(test_system_credentials),
                cmocka_unit_test(test_cloud_dmi),
                cmocka_unit_test(test_configured_datasource_list),
                cmocka_unit_test(test_run_links_target_and_writes_markers),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
