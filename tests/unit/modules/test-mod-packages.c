/* SPDX-License-Identifier: Apache-2.0 */
/* Tests of modules/packages.c: a fake package manager inside a busybox
 * target (the module runs it chrooted there) records what it is asked. */
#include "testlib.h"

static const char fake[] =
        "#!/bin/sh\n"
        "echo \"$(basename \"$0\") $* FRONTEND=$DEBIAN_FRONTEND\" >> /tmp/pm.log\n"
        "exit 0\n";

static void target(struct troot *t, const char *pm)
{
        troot_make_target(t);
        troot_write_exec(t, pm, fake);
}

static void test_apt_update_and_install(void **state)
{
        (void)state;
        struct troot t;
        target(&t, "/usr/bin/apt-get");
        assert_int_equal(troot_run_module(&t, "package_update_upgrade_install",
                                          "apt_update: true\napt_upgrade: true\n"
                                          "packages: [nginx, [curl, 7.88.1-10]]\n",
                                          NULL),
                         0);
        assert_file_eq(
                &t, "/tmp/pm.log",
                "apt-get --option=Dpkg::Options::=--force-confold "
                "--option=Dpkg::options::=--force-unsafe-io --assume-yes --quiet update "
                "FRONTEND=noninteractive\n"
                "apt-get --option=Dpkg::Options::=--force-confold "
                "--option=Dpkg::options::=--force-unsafe-io --assume-yes --quiet dist-upgrade "
                "FRONTEND=noninteractive\n"
                "apt-get --option=Dpkg::Options::=--force-confold "
                "--option=Dpkg::options::=--force-unsafe-io --assume-yes --quiet install nginx "
                "curl=7.88.1-10 FRONTEND=noninteractive\n");
        troot_free(&t);
}

static void test_dnf_and_reboot_under_root(void **state)
{
        (void)state;
        struct troot t;
        target(&t, "/usr/bin/dnf");
        troot_write(&t, "/run/reboot-needed", "");
        assert_int_equal(
                troot_run_module(&t, "package_update_upgrade_install",
                                 "packages: [[httpd, 2.4]]\npackage_reboot_if_required: true\n",
                                 NULL),
                0);
        {
                /* (FRONTEND is whatever this machine's environment has: not asserted) */
                char *log = troot_read(&t, "/tmp/pm.log");
                assert_true(strncmp(log, "dnf -y makecache FRONTEND=", 26) == 0);
                assert_non_null(strstr(log, "\ndnf -y install httpd-2.4 FRONTEND="));
                free(log);
        }
        assert_log_has(&t, "A reboot is required; not rebooting: the target is not this machine");
        troot_free(&t);
}

static void test_bad_entries_and_no_package_manager(void **state)
{
        (void)state;
        struct troot t;
        troot_make(&t);
        assert_int_equal(
                troot_run_module(&t, "package_update_upgrade_install", "packages: [nginx]\n", NULL),
                -ENOENT);
        assert_log_has(&t,
                       "No package manager (apt-get, dnf, yum, zypper, apk, pacman) in the target");
        troot_free(&t);
        target(&t, "/usr/bin/apt-get");
        /* an option smuggled as a package name never reaches the package manager */
        assert_int_equal(troot_run_module(&t, "package_update_upgrade_install",
                                          "packages: ['--allow-unauthenticated', 'a b', ok]\n",
                                          NULL),
                         0);
        assert_log_has(&t, "packages entry 0 must be a name or [name, version]; skipped");
        assert_log_has(&t, "packages entry 1 must be a name or [name, version]; skipped");
        {
                char *log = troot_read(&t, "/tmp/pm.log");
                assert_non_null(strstr(log, "install ok FRONTEND"));
                assert_null(strstr(log, "allow-unauthenticated"));
                free(log);
        }
        troot_free(&t);
}

static void test_packages_by_manager(void **state)
{
        (void)state;
        struct troot t;
        char *log;
        target(&t, "/usr/bin/apt-get");
        troot_write_exec(&t, "/usr/bin/snap", fake);
        assert_int_equal(troot_run_module(&t, "package_update_upgrade_install",
                                          "packages:\n"
                                          "  - pwgen\n"
                                          "  - apt: [jq, [tree, 2.1.0-1]]\n"
                                          "  - snap: [hello, [certbot, latest/edge]]\n"
                                          "  - pip: [requests]\n"
                                          "  - snap: ['--dangerous']\n",
                                          NULL),
                         0);
        log = troot_read(&t, "/tmp/pm.log");
        assert_non_null(log);
        assert_non_null(strstr(log, "--quiet install pwgen jq tree=2.1.0-1 FRONTEND"));
        assert_non_null(strstr(log, "\nsnap install hello FRONTEND="));
        assert_non_null(strstr(log, "\nsnap install certbot --channel=latest/edge FRONTEND="));
        assert_null(strstr(log, "dangerous"));
        assert_null(strstr(log, "requests"));
        free(log);
        assert_log_has(&t, "test.yaml:5:5: Cannot install packages under 'pip' as it is not a "
                           "supported package manager!");
        assert_log_has(&t, "packages entry 0 must be a name or [name, version]; skipped");
        troot_free(&t);
}

static void test_snap_missing_and_apt_on_dnf(void **state)
{
        (void)state;
        struct troot t;
        target(&t, "/usr/bin/dnf");
        assert_int_equal(troot_run_module(&t, "package_update_upgrade_install",
                                          "packages: [{snap: [hello]}, {apt: [jq]}]\n", NULL),
                         -ENOENT);
        assert_log_has(&t, "snap is not in the target; 1 snap package not installed");
        assert_log_has(&t, "packages: apt: the target's package manager is dnf, not apt; 1 "
                           "package not installed");
        /* nothing for dnf to install: no dnf run at all */
        assert_false(fs_exists(t.fd, "/tmp/pm.log"));
        troot_free(&t);
}

int main(void)
{
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_apt_update_and_install),
                cmocka_unit_test(test_dnf_and_reboot_under_root),
                cmocka_unit_test(test_bad_entries_and_no_package_manager),
                cmocka_unit_test(test_packages_by_manager),
                cmocka_unit_test(test_snap_missing_and_apt_on_dnf),
        };
        int r = cmocka_run_group_tests_name("mod-packages", tests, NULL, NULL);
        node_names_free();
        return r;
}
