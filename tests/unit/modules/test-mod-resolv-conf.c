/* SPDX-License-Identifier: Apache-2.0 */
/* Tests of modules/resolv_conf.c on --root trees. The expected files are
 * what cloud-init 25.x renders from its resolv.conf.tmpl and
 * systemd.resolved.conf.tmpl for the same resolv_conf (jinja2, trim_blocks). */
#include <unistd.h>

#include "testlib.h"

#define HEADER                                                                                     \
        "# Your system has been configured with 'manage-resolv-conf' set to true.\n"              \
        "# As a result, cloud-init has written this file with configuration data\n"               \
        "# that it has been provided. Cloud-init, by default, will write this file\n"             \
        "# a single time (PER_ONCE).\n"                                                            \
        "#\n"

#define FULL                                                                                       \
        "manage_resolv_conf: true\n"                                                               \
        "resolv_conf:\n"                                                                           \
        "  nameservers: [8.8.8.8, '2001:db8::1']\n"                                                \
        "  searchdomains: [foo.example.com, bar.example.com]\n"                                    \
        "  domain: example.com\n"                                                                  \
        "  sortlist: [10.0.0.1/255.0.0.0, 10.0.0.2]\n"                                             \
        "  options: {rotate: true, timeout: 1, ndots: 2, edns0: false}\n"

static void test_rendered_as_template(void **state)
{
        (void)state;
        struct troot t;
        troot_make(&t);
        assert_int_equal(troot_run_module(&t, "resolv_conf",
                                          FULL "system_info: {distro: fedora}\n", NULL),
                         0);
        assert_file_eq(&t, "/etc/resolv.conf",
                       HEADER "nameserver 8.8.8.8\nnameserver 2001:db8::1\n\n"
                              "search foo.example.com bar.example.com \n"
                              "domain example.com\n\n"
                              "sortlist 10.0.0.1/255.0.0.0 10.0.0.2 \n"
                              "options rotate ndots:2 timeout:1\n");
        assert_int_equal(troot_mode(&t, "/etc/resolv.conf") & 07777, 0644);
        assert_int_equal(troot_run_module(&t, "resolv_conf",
                                          "manage_resolv_conf: true\n"
                                          "system_info: {distro: alpine}\n"
                                          "resolv_conf: {searchdomains: [], options: "
                                          "{attempts: 3}}\n",
                                          NULL),
                         0);
        assert_file_eq(&t, "/etc/resolv.conf", HEADER "search \n\noptions attempts:3\n");
        assert_int_equal(troot_run_module(&t, "resolv_conf",
                                          "manage_resolv_conf: true\n"
                                          "system_info: {distro: rhel}\n"
                                          "resolv_conf: {domain: x.org, options: {rotate: "
                                          "false}}\n",
                                          NULL),
                         0);
        assert_file_eq(&t, "/etc/resolv.conf", HEADER "domain x.org\n\n");
        troot_free(&t);
}

static void test_resolved_distro(void **state)
{
        (void)state;
        struct troot t;
        troot_make(&t);
        assert_int_equal(troot_run_module(&t, "resolv_conf",
                                          FULL "system_info: {distro: photon}\n", NULL),
                         0);
        assert_file_eq(&t, "/etc/systemd/resolved.conf",
                       HEADER "[Resolve]\nLLMNR=false\nDNS=8.8.8.8 2001:db8::1 \n"
                              "Domains=foo.example.com bar.example.com \n");
        assert_log_has(&t, "resolv_conf.domain: systemd-resolved's configuration has no place");
        assert_false(fs_exists(t.fd, "/etc/resolv.conf"));
        troot_free(&t);
}

static void test_debian_skipped_unless_unverified(void **state)
{
        (void)state;
        struct troot t;
        troot_make(&t);
        troot_write(&t, "/etc/resolv.conf", "nameserver 9.9.9.9\n");
        assert_int_equal(troot_run_module(&t, "resolv_conf", FULL, NULL), 0);
        assert_file_eq(&t, "/etc/resolv.conf", "nameserver 9.9.9.9\n");
        assert_log_has(&t, "Skipping modules 'resolv_conf' because they are not verified on "
                           "distro 'debian'");
        assert_int_equal(troot_run_module(&t, "resolv_conf",
                                          "manage_resolv_conf: true\n"
                                          "unverified_modules: [resolv_conf]\n"
                                          "resolv_conf: {nameservers: [1.1.1.1]}\n",
                                          NULL),
                         0);
        assert_file_eq(&t, "/etc/resolv.conf", HEADER "nameserver 1.1.1.1\n\n\n");
        /* manage_resolv_conf false or no parameters: nothing */
        troot_write(&t, "/etc/resolv.conf", "x\n");
        assert_int_equal(troot_run_module(&t, "resolv_conf",
                                          "manage_resolv_conf: false\n"
                                          "unverified_modules: [resolv_conf]\n"
                                          "resolv_conf: {nameservers: [1.1.1.1]}\n",
                                          NULL),
                         0);
        assert_int_equal(troot_run_module(&t, "resolv_conf",
                                          "manage_resolv_conf: true\n"
                                          "unverified_modules: [resolv_conf]\n",
                                          NULL),
                         0);
        assert_log_has(&t, "manage_resolv_conf True but no parameters provided!");
        assert_file_eq(&t, "/etc/resolv.conf", "x\n");
        troot_free(&t);
}

static void test_bad_values_and_stub_link(void **state)
{
        (void)state;
        struct troot t;
        char link[512];
        troot_make(&t);
        troot_write(&t, "/etc/resolv.conf", "keep\n");
        assert_int_equal(troot_run_module(&t, "resolv_conf",
                                          "manage_resolv_conf: true\n"
                                          "system_info: {distro: fedora}\n"
                                          "resolv_conf:\n"
                                          "  nameservers: [\"1.1.1.1\\nnameserver 6.6.6.6\", 300.1.1.1, 5]\n"
                                          "  searchdomains: [\"a.org b.org\"]\n"
                                          "  domain: \"x\\noptions debug\"\n"
                                          "  sortlist: [10.0.0.0/255.0.0.0/8]\n"
                                          "  options: {\"a b\": 1, ndots: \"1\\nx\"}\n",
                                          NULL),
                         -EINVAL);
        assert_log_has(&t, "test.yaml:4:17: resolv_conf.nameservers:");
        assert_log_has(&t, "test.yaml:4:48: resolv_conf.nameservers:");
        assert_log_has(&t, "test.yaml:4:59: resolv_conf.nameservers:");
        assert_log_has(&t, "test.yaml:5:19: resolv_conf.searchdomains:");
        assert_log_has(&t, "test.yaml:6:11: resolv_conf.domain:");
        assert_log_has(&t, "test.yaml:7:14: resolv_conf.sortlist:");
        assert_log_has(&t, "test.yaml:8:13: resolv_conf.options: an option is a word");
        assert_log_has(&t, "test.yaml:8:30: resolv_conf.options: a value is");
        assert_file_eq(&t, "/etc/resolv.conf", "keep\n");
        /* systemd-resolved's stub link stays, and the log says why */
        assert_int_equal(fs_unlink(t.fd, "/etc/resolv.conf"), 0);
        (void)snprintf(link, sizeof(link), "%s/etc/resolv.conf", t.path);
        assert_int_equal(symlink("../run/systemd/resolve/stub-resolv.conf", link), 0);
        assert_int_equal(troot_run_module(&t, "resolv_conf",
                                          FULL "system_info: {distro: fedora}\n", NULL),
                         0);
        assert_true(S_ISLNK(troot_mode(&t, "/etc/resolv.conf")));
        assert_log_has(&t, "/etc/resolv.conf is a symbolic link");
        troot_free(&t);
}

int main(void)
{
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_rendered_as_template),
                cmocka_unit_test(test_resolved_distro),
                cmocka_unit_test(test_debian_skipped_unless_unverified),
                cmocka_unit_test(test_bad_values_and_stub_link),
        };
        int r = cmocka_run_group_tests_name("mod-resolv-conf", tests, NULL, NULL);
        node_names_free();
        return r;
}
