/* SPDX-License-Identifier: Apache-2.0 */
/* Tests of src/generator.c: the decision from a fake /proc/cmdline, /sys DMI,
 * seed directories, by-label links (udev's view of blkid) and system config
 * under a temp root; and the links and markers the generator leaves. */
#include <limits.h>
#include <sys/socket.h>
#include <sys/un.h>

#include "testlib.h"
#include "generator.h"
#include "syscfg.h"

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

/* The list generator_identify() chose, as "A,B" ("" for none). */
static void assert_list(struct troot *t, enum gen_decision want, const char *want_list)
{
        static struct gen_result res;
        char got[512] = "";
        size_t len = 0;

        generator_identify(t->fd, false, &res);
        for (size_t i = 0; i < res.n; i++)
                len += (size_t)snprintf(got + len, sizeof(got) - len, "%s%s", i ? "," : "",
                                        res.list[i]);
        if (res.decision != want || strcmp(got, want_list) != 0)
                fail_msg("decision %d list [%s] (%s), want %d [%s]\n%s", res.decision, got,
                         res.reason, want, want_list, res.log);
}

static void test_identify_local_sources(void **state)
{
        (void)state;
        struct troot t;

        /* OpenNebula: its seed directory, or a CONTEXT disk */
        troot_make(&t);
        troot_write(&t, "/var/lib/cloud/seed/opennebula/context.sh", "ETH0_IP='10.0.0.2'\n");
        assert_list(&t, GEN_ENABLED, "OpenNebula");
        ASSERT_DECISION(&t, GEN_ENABLED, "/var/lib/cloud/seed/opennebula/context.sh");
        troot_free(&t);
        troot_make(&t);
        assert_int_equal(fs_mkdir_p(t.fd, "/dev/disk/by-label", 0755), 0);
        assert_int_equal(fs_symlink_atomic(t.fd, "../../sr0", "/dev/disk/by-label/CONTEXT"), 0);
        troot_write(&t, "/dev/sr0", "");
        assert_list(&t, GEN_ENABLED, "OpenNebula");
        ASSERT_DECISION(&t, GEN_ENABLED, "a filesystem labelled CONTEXT");
        troot_free(&t);

        /* VMware: its identity and its tools; not the identity alone */
        troot_make(&t);
        troot_write(&t, "/sys/class/dmi/id/sys_vendor", "VMware, Inc.\n");
        troot_write(&t, "/sys/class/dmi/id/product_name", "VMware Virtual Platform\n");
        assert_list(&t, GEN_NOT_FOUND, "");
        troot_write_exec(&t, "/usr/bin/vmware-rpctool", "#!/bin/sh\n");
        assert_list(&t, GEN_ENABLED, "VMware");
        ASSERT_DECISION(&t, GEN_ENABLED, "VMware and /usr/bin/vmware-rpctool");
        troot_free(&t);
        /* the tools on another hypervisor are no evidence */
        troot_make(&t);
        troot_write(&t, "/sys/class/dmi/id/sys_vendor", "QEMU\n");
        troot_write_exec(&t, "/usr/bin/vmtoolsd", "#!/bin/sh\n");
        assert_list(&t, GEN_NOT_FOUND, "");
        troot_free(&t);
}

static void test_identify_lxd(void **state)
{
        (void)state;
        struct troot t;
        struct sockaddr_un sa = { .sun_family = AF_UNIX };
        int fd;

        troot_make(&t);
        assert_int_equal(fs_mkdir_p(t.fd, "/dev/lxd", 0755), 0);
        /* a file is not the socket */
        troot_write(&t, "/dev/lxd/sock", "");
        assert_list(&t, GEN_NOT_FOUND, "");
        assert_int_equal(fs_unlink(t.fd, "/dev/lxd/sock"), 0);
        assert_true(strlen(t.path) + 14 < sizeof(sa.sun_path));
        memcpy(sa.sun_path, t.path, strlen(t.path));
        memcpy(sa.sun_path + strlen(t.path), "/dev/lxd/sock", 14);
        fd = socket(AF_UNIX, SOCK_STREAM, 0);
        assert_true(fd >= 0);
        assert_int_equal(bind(fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
        assert_list(&t, GEN_ENABLED, "LXD");
        ASSERT_DECISION(&t, GEN_ENABLED, "/dev/lxd/sock");
        (void)close(fd);
        troot_free(&t);

        /* an LXD VM before lxd-agent made the socket: its virtio port */
        troot_make(&t);
        troot_write(&t, "/sys/class/dmi/id/sys_vendor", "QEMU\n");
        troot_write(&t, "/sys/class/virtio-ports/vport1p1/name", "org.linuxcontainers.lxd\n");
        assert_list(&t, GEN_ENABLED, "LXD");
        troot_free(&t);
}

static void test_identify_found_all_first_and_list_order(void **state)
{
        (void)state;
        struct troot t;

        /* found=all (the default): every one found, in datasource_list order */
        troot_make(&t);
        troot_write(&t, "/sys/class/dmi/id/product_name", "Google Compute Engine\n");
        troot_write(&t, "/var/lib/cloud/seed/nocloud/meta-data", "instance-id: x\n");
        assert_list(&t, GEN_ENABLED, "NoCloud,GCE");
        /* the order is the configured list's */
        troot_write(&t, "/etc/cloud/cloud.cfg.d/90-ds.cfg",
                    "datasource_list: [GCE, NoCloud, ConfigDrive, None]\n");
        assert_list(&t, GEN_ENABLED, "GCE,NoCloud");
        /* a datasource the list leaves out is not checked */
        troot_write(&t, "/etc/cloud/cloud.cfg.d/90-ds.cfg",
                    "datasource_list: [ConfigDrive, Ec2, NoCloud, None]\n");
        assert_list(&t, GEN_ENABLED, "NoCloud");
        /* found=first, on the kernel command line */
        troot_write(&t, "/etc/cloud/cloud.cfg.d/90-ds.cfg",
                    "datasource_list: [GCE, NoCloud, None]\n");
        troot_write(&t, "/proc/cmdline", "ro ci.di.policy=search,found=first\n");
        assert_list(&t, GEN_ENABLED, "GCE");
        troot_free(&t);
}

static void test_identify_policy_and_names(void **state)
{
        (void)state;
        struct troot t;

        /* notfound=enabled: enabled, no list */
        troot_make(&t);
        troot_write(&t, "/etc/cloud/ds-identify.cfg", "policy: search,notfound=enabled\n");
        assert_list(&t, GEN_ENABLED, "");
        ASSERT_DECISION(&t, GEN_ENABLED, "notfound=enabled");
        /* mode disabled, even with a seed */
        troot_write(&t, "/var/lib/cloud/seed/nocloud/meta-data", "instance-id: x\n");
        troot_write(&t, "/etc/cloud/ds-identify.cfg", "policy: disabled\n");
        ASSERT_DECISION(&t, GEN_DISABLED, "ds-identify policy");
        /* the command line's policy wins over the file's */
        troot_write(&t, "/proc/cmdline", "quiet ci.di.policy=search\n");
        assert_list(&t, GEN_ENABLED, "NoCloud");
        troot_free(&t);

        /* a datasource named in ds-identify.cfg or on the command line */
        troot_make(&t);
        troot_write(&t, "/etc/cloud/ds-identify.cfg", "datasource: OpenNebula\n");
        assert_list(&t, GEN_ENABLED, "OpenNebula");
        troot_write(&t, "/proc/cmdline", "ro ds=nocloud;s=http://10.0.2.2:8000/\n");
        assert_list(&t, GEN_ENABLED, "NoCloud");
        troot_write(&t, "/proc/cmdline", "ro ci.ds=lxd\n");
        assert_list(&t, GEN_ENABLED, "LXD");
        /* a name cloudboot lacks is written as given, as ds-identify does */
        troot_write(&t, "/proc/cmdline", "ro ci.datasource=SmartOS\n");
        assert_list(&t, GEN_ENABLED, "SmartOS");
        troot_free(&t);
}

static void test_run_writes_ds_identify_files(void **state)
{
        (void)state;
        struct troot t;
        char early[512];
        char *log;

        troot_make(&t);
        (void)snprintf(early, sizeof(early), "%s/generator.early", t.path);
        troot_write(&t, "/var/lib/cloud/seed/nocloud/meta-data", "instance-id: x\n");
        troot_write(&t, "/sys/class/dmi/id/product_name", "Google Compute Engine\n");
        assert_int_equal(generator_run(t.path, early), 0);
        assert_file_eq(&t, "/run/cloud-init/cloud.cfg",
                       "datasource_list: [ NoCloud, GCE, None ]\n");
        log = troot_read(&t, "/run/cloud-init/ds-identify.log");
        assert_non_null(log);
        assert_non_null(strstr(log, "policy loaded: mode=search report=false found=all "
                                    "maybe=none notfound=disabled\n"));
        assert_non_null(strstr(log, "DMI_product_name=Google Compute Engine\n"));
        assert_non_null(strstr(log, "check for 'NoCloud' returned found: a seed directory"));
        assert_non_null(strstr(log, "check for 'ConfigDrive' returned not-found\n"));
        assert_non_null(strstr(log, "check for 'GCE' returned found: the DMI identity of gce\n"));
        assert_non_null(strstr(log, "decided in "));
        free(log);
        /* what the stages read: system config with the generator's list */
        struct node *cfg = NULL;
        assert_int_equal(syscfg_load(t.fd, &cfg), 0);
        const struct node *l = node_get(cfg, "datasource_list");
        assert_int_equal(l->n, 3);
        assert_string_equal(l->items[1]->str, "GCE");
        node_free(cfg);

        /* run again (daemon-reload) with the seed gone: its own earlier
         * output is no "configured datasource_list" */
        assert_int_equal(fs_rm_rf(t.fd, "/var/lib/cloud/seed", false), 0);
        troot_write(&t, "/sys/class/dmi/id/product_name", "Standard PC\n");
        assert_int_equal(generator_run(t.path, early), 0);
        assert_file_eq(&t, "/run/cloud-init/cloud.cfg",
                       "di_report:\n  # reporting not found result. notfound=disabled.\n"
                       "  datasource_list: [  ]\n");
        log = troot_read(&t, "/run/cloud-init/cloudboot-generator.log");
        assert_non_null(strstr(log, "not enabled: no datasource in sight"));
        free(log);
        troot_free(&t);

        /* a datasource_list of one without None is kept as it is */
        troot_make(&t);
        (void)snprintf(early, sizeof(early), "%s/generator.early", t.path);
        troot_write(&t, "/etc/cloud/cloud.cfg.d/90-ds.cfg", "datasource_list: [ LXD ]\n");
        assert_int_equal(generator_run(t.path, early), 0);
        assert_file_eq(&t, "/run/cloud-init/cloud.cfg", "datasource_list: [ LXD ]\n");
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
                cmocka_unit_test(test_identify_local_sources),
                cmocka_unit_test(test_identify_lxd),
                cmocka_unit_test(test_identify_found_all_first_and_list_order),
                cmocka_unit_test(test_identify_policy_and_names),
                cmocka_unit_test(test_run_writes_ds_identify_files),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
