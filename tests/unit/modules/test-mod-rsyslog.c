/* SPDX-License-Identifier: Apache-2.0 */
/* Tests of modules/rsyslog.c. The remotes' expected lines are what
 * cloud-init's remotes_to_rsyslog_cfg makes of the same input. */
#include "testlib.h"

static void test_configs_and_remotes(void **state)
{
        (void)state;
        struct troot t;
        troot_make(&t);
        assert_int_equal(troot_run_module(&t, "rsyslog",
                                          "rsyslog:\n"
                                          "  configs:\n"
                                          "    - \"*.* @@192.158.1.1\"\n"
                                          "    - content: \"*.*   @@192.0.2.1:10514\"\n"
                                          "      filename: 01-example.conf\n"
                                          "    - content: |\n"
                                          "        *.*   @@syslogd.example.com\n"
                                          "  remotes:\n"
                                          "    maas: 192.168.1.1\n"
                                          "    juju: 10.0.4.1\n"
                                          "    ipv6: '*.* @@[2001:db8::1]:0514'\n"
                                          "    kern: 'kern.* @@host.example:0'\n"
                                          "    bad: a b c\n"
                                          "    cmt: '@x.example # note'\n"
                                          "  service_reload_command: auto\n",
                                          NULL),
                         0);
        assert_file_eq(&t, "/etc/rsyslog.d/20-cloud-config.conf",
                       "*.* @@192.158.1.1\n"
                       "*.*   @@syslogd.example.com\n"
                       "# begin remotes\n"
                       "*.* @192.168.1.1 # maas\n"
                       "*.* @10.0.4.1 # juju\n"
                       "*.* @@[2001:db8::1]:514 # ipv6\n"
                       "kern.* @@host.example # kern\n"
                       "*.* @x.example # cmt\n"
                       "# end remotes\n");
        assert_file_eq(&t, "/etc/rsyslog.d/01-example.conf", "*.*   @@192.0.2.1:10514\n");
        assert_int_equal(troot_mode(&t, "/etc/rsyslog.d/01-example.conf") & 07777, 0644);
        assert_log_has(&t, "test.yaml:13:10: failed loading remote bad: more than match and host");
        assert_log_has(&t, "rsyslog not reloaded: the target is not this machine");
        troot_free(&t);
}

static void test_old_list_form_and_dirs(void **state)
{
        (void)state;
        struct troot t;
        troot_make(&t);
        assert_int_equal(
                troot_run_module(
                        &t, "rsyslog",
                        "rsyslog: ['a.* /var/log/a', {content: b, filename: /etc/b.conf}]\n"
                        "rsyslog_dir: /etc/syslog.d\n"
                        "rsyslog_filename: my.conf\n",
                        NULL),
                0);
        assert_file_eq(&t, "/etc/syslog.d/my.conf", "a.* /var/log/a\n");
        assert_file_eq(&t, "/etc/b.conf", "b\n");
        troot_free(&t);
}

static void test_bad_values_refused_rest_written(void **state)
{
        (void)state;
        struct troot t;
        troot_make(&t);
        assert_int_equal(troot_run_module(&t, "rsyslog",
                                          "rsyslog:\n"
                                          "  configs:\n"
                                          "    - \"a\\rb\"\n"
                                          "    - {content: x, filename: ../../etc/shadow}\n"
                                          "    - good\n"
                                          "  remotes:\n"
                                          "    \"n\\nx\": 10.0.0.1\n"
                                          "    ok: \"10.0.0.2\\n*.* @evil\"\n",
                                          NULL),
                         -EINVAL);
        assert_log_has(&t, "test.yaml:3:7: rsyslog.configs: content must be text");
        assert_log_has(&t, "test.yaml:4:30: rsyslog.configs.filename: not a usable file name");
        assert_log_has(&t, "test.yaml:7:13: rsyslog.remotes: name and line must be one line");
        assert_log_has(&t, "test.yaml:8:9: rsyslog.remotes: name and line must be one line");
        assert_file_eq(&t, "/etc/rsyslog.d/20-cloud-config.conf",
                       "good\n# begin remotes\n# end remotes\n");
        assert_int_equal(troot_run_module(&t, "rsyslog", "rsyslog: {config_dir: relative}\n", NULL),
                         -EINVAL);
        troot_free(&t);
}

int main(void)
{
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_configs_and_remotes),
                cmocka_unit_test(test_old_list_form_and_dirs),
                cmocka_unit_test(test_bad_values_refused_rest_written),
        };
        int r = cmocka_run_group_tests_name("mod-rsyslog", tests, NULL, NULL);
        node_names_free();
        return r;
}
