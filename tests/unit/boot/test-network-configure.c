/* SPDX-License-Identifier: Apache-2.0 */
/* network_configure on the running system: the fallback's NIC, the wait for
 * udev and the renaming. The root is a temporary tree with a fake sysfs and
 * udev database; udevadm is a script on PATH that logs its arguments. */
#include "testlib.h"

#include "network.h"

#define LOG "/udevadm.log"

static char old_path[4096];

static void fake_host(struct troot *t, const char *assign_type, bool udev_entry)
{
        char fake[600], path[512];

        troot_write(t, "/sys/class/net/eth0/device/vendor", "0x1af4\n");
        troot_write(t, "/sys/class/net/eth0/type", "1\n");
        troot_write(t, "/sys/class/net/eth0/ifindex", "2\n");
        troot_write(t, "/sys/class/net/eth0/address", "52:54:00:12:34:56\n");
        troot_write(t, "/sys/class/net/eth0/name_assign_type", assign_type);
        troot_write(t, "/run/udev/control", "");
        if (udev_entry)
                troot_write(t, "/run/udev/data/n2", "I:1\n");
        troot_write(t, "/usr/lib/systemd/systemd-networkd", "");
        /* settle returns at once, as it does when udevd has not queued the
         * NIC's coldplug event yet */
        (void)snprintf(fake, sizeof(fake), "#!/bin/sh\necho \"$*\" >>%s%s\nexit 0\n", t->path, LOG);
        troot_write_exec(t, "/bin/udevadm", fake);
        (void)snprintf(path, sizeof(path), "%s/bin", t->path);
        assert_int_equal(setenv("PATH", path, 1), 0);
}

static void run(struct troot *t)
{
        struct node *empty = test_yaml("{}");

        network_configure(t->fd, empty, empty, NULL, "i-1", /* fallback= */ true, /* host= */ true);
        node_free(empty);
}

/* The NIC still has the kernel's name: init-local waits for udev, and if the
 * wait ends with the name unchanged, the .link it writes names the NIC; udevd
 * must read it again (control --reload) before the trigger, or the trigger's
 * event is handled with the .link files of before and the default policy
 * renames the NIC away from the name the configuration matches. */
static void test_kernel_name_reload_before_trigger(void **state)
{
        (void)state;
        struct troot t;

        troot_make(&t);
        fake_host(&t, "1\n", true);
        run(&t);
        assert_file_eq(&t, LOG,
                       "settle --timeout=60\n"
                       "settle --timeout=60\n"
                       "settle --timeout=60\n"
                       "control --reload\n"
                       "trigger --action=add --subsystem-match=net\n"
                       "settle --timeout=10\n");
        char *link = troot_read(&t, "/etc/systemd/network/10-cloudboot-eth0.link");
        assert_non_null(link);
        assert_non_null(strstr(link, "[Match]\nMACAddress=52:54:00:12:34:56\n\n[Link]\nName=eth0\n"));
        free(link);
        char *net = troot_read(&t, "/etc/systemd/network/10-cloudboot-eth0.network");
        assert_non_null(net);
        assert_non_null(strstr(net, "[Match]\nName=eth0\n"));
        assert_non_null(strstr(net, "DHCP=ipv4\n"));
        free(net);
        assert_non_null(strstr(t.log.data, "waiting for udev"));
        troot_free(&t);
}

/* The NIC's add event comes after the first settle found udev's queue
 * empty (its driver loaded late): the second settle waits for udev to
 * rename it, and the configuration is written for the name udev gave. */
static void test_nic_renamed_after_first_settle(void **state)
{
        (void)state;
        struct troot t;
        char *fake = NULL;

        troot_make(&t);
        fake_host(&t, "1\n", false);
        troot_write(&t, "/run/udev/data/b8:0", "I:1\n"); /* another device's */
        assert_true(asprintf(&fake,
                       "#!/bin/sh\necho \"$*\" >>%1$s%2$s\n"
                       "[ \"$1\" = settle ] || exit 0\n"
                       "n=0; [ -e %1$s/settles ] && read -r n <%1$s/settles\n"
                       "n=$((n + 1)); echo $n >%1$s/settles\n"
                       "if [ $n -ge 2 ] && [ -e %1$s/sys/class/net/eth0 ]; then\n"
                       "  /bin/mv %1$s/sys/class/net/eth0 %1$s/sys/class/net/enp0s2\n"
                       "  echo 4 >%1$s/sys/class/net/enp0s2/name_assign_type\n"
                       "  echo I:1 >%1$s/run/udev/data/n2\n"
                       "fi\nexit 0\n",
                       t.path, LOG) > 0);
        troot_write_exec(&t, "/bin/udevadm", fake);
        free(fake);
        run(&t);
        assert_file_eq(&t, LOG, "settle --timeout=60\nsettle --timeout=60\n");
        assert_true(fs_exists(t.fd, "/etc/systemd/network/10-cloudboot-enp0s2.network"));
        assert_false(fs_exists(t.fd, "/etc/systemd/network/10-cloudboot-eth0.network"));
        assert_non_null(strstr(t.log.data, "waiting for udev once more"));
        troot_free(&t);
}

/* Named by udev (a predictable name, its entry written): no wait, and the
 * NIC already has the name the .link gives it, so udev is not asked again. */
static void test_named_nic_no_udevadm(void **state)
{
        (void)state;
        struct troot t;

        troot_make(&t);
        fake_host(&t, "4\n", true);
        run(&t);
        assert_null(troot_read(&t, LOG));
        assert_true(fs_exists(t.fd, "/etc/systemd/network/10-cloudboot-eth0.link"));
        assert_true(fs_exists(t.fd, "/var/lib/cloud/data/network-config.cloudboot"));
        assert_null(strstr(t.log.data, "waiting for udev"));
        troot_free(&t);
}

/* Named, but udev has no entry for it yet: renamed by the .link's trigger. */
static void test_no_udev_entry_is_not_named(void **state)
{
        (void)state;
        struct troot t;

        troot_make(&t);
        fake_host(&t, "4\n", false);
        run(&t);
        char *log = troot_read(&t, LOG);
        assert_non_null(log);
        assert_non_null(strstr(log, "settle --timeout=60\ncontrol --reload\ntrigger "));
        free(log);
        troot_free(&t);
}

int main(void)
{
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_kernel_name_reload_before_trigger),
                cmocka_unit_test(test_named_nic_no_udevadm),
                cmocka_unit_test(test_nic_renamed_after_first_settle),
                cmocka_unit_test(test_no_udev_entry_is_not_named),
        };
        const char *p = getenv("PATH");
        (void)snprintf(old_path, sizeof(old_path), "%s", p ? p : "");
        int r = cmocka_run_group_tests(tests, NULL, NULL);
        (void)setenv("PATH", old_path, 1);
        return r;
}
