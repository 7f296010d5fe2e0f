/* SPDX-License-Identifier: Apache-2.0 */
/* Tests of src/platform.c: hypervisor and cloud detection from a fake
 * /sys/class/dmi/id, /sys/hypervisor and container markers under a temp root. */
#include "testlib.h"
#include "platform.h"

static void dmi(struct troot *t, const char *field, const char *value)
{
        char path[128];
        (void)snprintf(path, sizeof(path), "/sys/class/dmi/id/%s", field);
        troot_write(t, path, value);
}

static void test_bare_root_is_none(void **state)
{
        (void)state;
        struct troot t;
        struct platform p;

        troot_make(&t);
        platform_detect(t.fd, NULL, &p);
        assert_string_equal(p.hypervisor, "none");
        assert_null(p.cloud);
        assert_string_equal(p.container, "");
        troot_free(&t);
}

static void test_smbios_identities(void **state)
{
        (void)state;
        static const struct {
                const char *vendor, *product, *want;
        } cases[] = {
                { "QEMU\n", "Standard PC (Q35 + ICH9, 2009)\n", "kvm" },
                { "Xen\n", "HVM domU\n", "xen" },
                { "innotek GmbH\n", "VirtualBox\n", "virtualbox" },
                { "VMware, Inc.\n", "VMware Virtual Platform\n", "vmware" },
                { "Microsoft Corporation\n", "Virtual Machine\n", "hyperv" },
                /* a Surface laptop is not a Hyper-V guest */
                { "Microsoft Corporation\n", "Surface Laptop 5\n", "none" },
                { "Dell Inc.\n", "PowerEdge R650\n", "none" },
                /* padded with blanks, as some firmware writes them */
                { "   \n", "KVM   \n", "kvm" },
        };
        for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
                struct troot t;
                struct platform p;

                troot_make(&t);
                dmi(&t, "sys_vendor", cases[i].vendor);
                dmi(&t, "product_name", cases[i].product);
                platform_detect(t.fd, NULL, &p);
                if (strcmp(p.hypervisor, cases[i].want) != 0)
                        fail_msg("%s / %s: detected %s, want %s", cases[i].vendor, cases[i].product,
                                 p.hypervisor, cases[i].want);
                troot_free(&t);
        }
}

static void test_xen_pv_without_dmi(void **state)
{
        (void)state;
        struct troot t;
        struct platform p;

        troot_make(&t);
        troot_write(&t, "/sys/hypervisor/type", "xen\n");
        platform_detect(t.fd, NULL, &p);
        assert_string_equal(p.hypervisor, "xen");
        troot_free(&t);
}

static void test_container_wins_over_host_dmi(void **state)
{
        (void)state;
        struct troot t;
        struct platform p;

        troot_make(&t);
        dmi(&t, "sys_vendor", "QEMU\n");
        troot_write(&t, "/run/systemd/container", "systemd-nspawn\n");
        platform_detect(t.fd, NULL, &p);
        assert_string_equal(p.hypervisor, "container");
        assert_string_equal(p.container, "systemd-nspawn");
        troot_free(&t);

        troot_make(&t);
        dmi(&t, "sys_vendor", "QEMU\n");
        /* PID 1's environment, NUL-separated */
        int fd = fs_open_in_root(t.fd, "/proc/1/environ", O_WRONLY | O_CREAT | O_TRUNC, 0600);
        if (fd < 0) {
                assert_int_equal(fs_mkdir_p(t.fd, "/proc/1", 0755), 0);
                fd = fs_open_in_root(t.fd, "/proc/1/environ", O_WRONLY | O_CREAT | O_TRUNC, 0600);
        }
        assert_true(fd >= 0);
        static const char env[] = "PATH=/bin\0container=lxc\0TERM=linux";
        assert_int_equal(write(fd, env, sizeof(env)), (ssize_t)sizeof(env));
        close(fd);
        platform_detect(t.fd, NULL, &p);
        assert_string_equal(p.hypervisor, "container");
        assert_string_equal(p.container, "lxc");
        troot_free(&t);
}

static void test_clouds_by_dmi(void **state)
{
        (void)state;
        static const struct {
                const char *field, *value, *want;
        } cases[] = {
                { "sys_vendor", "Amazon EC2\n", "aws" },
                { "product_uuid", "EC2E1916-9099-7CAF-FD21-012345ABCDEF\n", "aws" },
                { "product_name", "Google Compute Engine\n", "gce" },
                { "product_serial", "GoogleCloud-1234\n", "gce" },
                { "chassis_asset_tag", "7783-7084-3265-9085-8269-3286-77\n", "azure" },
                { "product_name", "OpenStack Nova\n", "openstack" },
                { "product_name", "OpenStack Compute\n", "openstack" },
                { "product_name", "Standard PC (i440FX + PIIX, 1996)\n", NULL },
                { "sys_vendor", "DigitalOcean\n", "digitalocean" },
                { "sys_vendor", "Hetzner\n", "hetzner" },
                { "chassis_asset_tag", "OracleCloud.com\n", "oracle" },
                { "sys_vendor", "Vultr\n", "vultr" },
                { "sys_vendor", "Scaleway\n", "scaleway" },
                { "sys_vendor", "Linode\n", "akamai" },
                { "sys_vendor", "Akamai\n", "akamai" },
                { "sys_vendor", "UpCloud\n", "upcloud" },
                { "product_name", "Alibaba Cloud ECS\n", "aliyun" },
                { "product_name", "Exoscale Compute Platform\n", "exoscale" },
                { "product_name", "CloudStack KVM Hypervisor\n", "cloudstack" },
                /* whole values only, as ds-identify compares them */
                { "sys_vendor", "DigitalOcean Spaces\n", NULL },
                { "chassis_asset_tag", "OracleCloud.com.evil\n", NULL },
        };
        for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
                struct troot t;
                struct platform p;

                troot_make(&t);
                dmi(&t, cases[i].field, cases[i].value);
                platform_detect(t.fd, NULL, &p);
                if (!cases[i].want ? p.cloud != NULL
                                   : !p.cloud || strcmp(p.cloud, cases[i].want) != 0)
                        fail_msg("%s=%s: cloud %s, want %s", cases[i].field, cases[i].value,
                                 p.cloud ? p.cloud : "(none)",
                                 cases[i].want ? cases[i].want : "(none)");
                troot_free(&t);
        }
}

/* Vultr and Scaleway may be named by a word of the kernel command line or a
 * marker file instead of the DMI, as ds-identify finds them. */
static void test_clouds_by_cmdline_and_marker(void **state)
{
        (void)state;
        static const struct {
                const char *path, *content, *want;
        } cases[] = {
                { "/proc/cmdline", "root=/dev/vda vultr quiet\n", "vultr" },
                { "/proc/cmdline", "initrd=initrd showopts scaleway nousb\n", "scaleway" },
                { "/proc/cmdline", "root=/dev/vda novultr scaleway=0\n", NULL },
                { "/etc/vultr", "", "vultr" },
                { "/var/run/scaleway", "", "scaleway" },
        };
        for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
                struct troot t;
                struct platform p;

                troot_make(&t);
                troot_write(&t, cases[i].path, cases[i].content);
                platform_detect(t.fd, NULL, &p);
                if (!cases[i].want ? p.cloud != NULL
                                   : !p.cloud || strcmp(p.cloud, cases[i].want) != 0)
                        fail_msg("%s=%s: cloud %s, want %s", cases[i].path, cases[i].content,
                                 p.cloud ? p.cloud : "(none)",
                                 cases[i].want ? cases[i].want : "(none)");
                troot_free(&t);
        }
}

/* The command line the caller read is the one used and kept: /proc/cmdline
 * is read once per boot, and every datasource reads the platform's copy. */
static void test_given_cmdline_is_used_not_reread(void **state)
{
        (void)state;
        struct troot t;
        struct platform p;

        troot_make(&t);
        troot_write(&t, "/proc/cmdline", "root=/dev/vda scaleway\n");
        platform_detect(t.fd, "root=/dev/vda vultr ds=nocloud", &p);
        assert_string_equal(p.cloud, "vultr");
        assert_string_equal(p.cmdline, "root=/dev/vda vultr ds=nocloud");
        /* not given: read here, without its newline */
        platform_detect(t.fd, NULL, &p);
        assert_string_equal(p.cloud, "scaleway");
        assert_string_equal(p.cmdline, "root=/dev/vda scaleway");
        troot_free(&t);
        /* unreadable: empty */
        troot_make(&t);
        platform_detect(t.fd, NULL, &p);
        assert_string_equal(p.cmdline, "");
        troot_free(&t);
}

static void test_long_dmi_value_is_truncated(void **state)
{
        (void)state;
        struct troot t;
        struct platform p;
        char big[1024];

        memset(big, 'A', sizeof(big) - 1);
        big[sizeof(big) - 1] = '\0';
        troot_make(&t);
        dmi(&t, "sys_vendor", big);
        platform_detect(t.fd, NULL, &p);
        assert_int_equal(strlen(p.dmi[DMI_SYS_VENDOR]), PLATFORM_DMI_LEN - 1);
        assert_string_equal(p.hypervisor, "none");
        troot_free(&t);
}

int main(void)
{
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_bare_root_is_none),
                cmocka_unit_test(test_smbios_identities),
                cmocka_unit_test(test_xen_pv_without_dmi),
                cmocka_unit_test(test_container_wins_over_host_dmi),
                cmocka_unit_test(test_clouds_by_dmi),
                cmocka_unit_test(test_clouds_by_cmdline_and_marker),
                cmocka_unit_test(test_given_cmdline_is_used_not_reread),
                cmocka_unit_test(test_long_dmi_value_is_truncated),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
