/* SPDX-License-Identifier: Apache-2.0 */
/* Tests of final_message, update_etc_hosts and power_state_change. */
#include <stdio.h>

#include "testlib.h"
#include "template.h"

static void test_template(void **state)
{
        (void)state;
        const struct template_var vars[] = { { "a", "1" }, { "b.c", "2" }, { NULL, NULL } };
        struct buf out = BUF_INIT(4096);
        assert_int_equal(template_render("$a ${a} {{a}} {{ b.c }} $x {{y}} $a. $", vars, &out), 0);
        assert_string_equal(out.data, "1 1 1 2 $x {{y}} 1. $");
        buf_free(&out);
}

static void test_final_message_default_and_boot_finished(void **state)
{
        (void)state;
        struct troot t;
        int r;
        char *out, *bf;
        troot_make(&t);
        out = troot_run_module_stdout(&t, "final_message", "{}\n", NULL, &r);
        assert_int_equal(r, 0);
        assert_true(strncmp(out, "Cloud-init v. " PACKAGE_VERSION " finished at ", 23) == 0);
        assert_non_null(strstr(out, ". Datasource DataSourceNoCloud [seed=/s][dsmode=net].  Up "));
        assert_non_null(strstr(out, " seconds\n"));
        free(out);
        bf = troot_read(&t, "/var/lib/cloud/instances/i-test/boot-finished");
        assert_non_null(bf);
        assert_non_null(strstr(bf, " - v. " PACKAGE_VERSION "\n"));
        assert_non_null(strstr(bf, " +0000 - "));
        free(bf);
        out = troot_run_module_stdout(&t, "final_message",
                                      "final_message: \"done $version from $datasource\"\n", NULL,
                                      &r);
        assert_string_equal(out, "done " PACKAGE_VERSION
                                 " from DataSourceNoCloud [seed=/s][dsmode=net]\n");
        free(out);
        troot_free(&t);
}

static void test_etc_hosts_modes(void **state)
{
        (void)state;
        struct troot t;
        char *h;
        troot_make(&t);
        troot_write(&t, "/etc/hosts", "127.0.0.1 localhost\n10.0.0.5 db\n");
        /* false: untouched */
        assert_int_equal(troot_run_module(&t, "update_etc_hosts",
                                          "manage_etc_hosts: false\nfqdn: web.example.com\n", NULL),
                         0);
        assert_file_eq(&t, "/etc/hosts", "127.0.0.1 localhost\n10.0.0.5 db\n");
        /* localhost: as cloud-init's HostsConf, entries re-joined with tabs, the
         * 127.0.1.1 line added at the end, one more newline after the text */
        assert_int_equal(troot_run_module(&t, "update_etc_hosts",
                                          "manage_etc_hosts: localhost\nfqdn: web.example.com\n",
                                          NULL),
                         0);
        assert_file_eq(&t, "/etc/hosts",
                       "127.0.0.1\tlocalhost\n10.0.0.5\tdb\n127.0.1.1\tweb.example.com\tweb\n\n");
        /* another name: the old 127.0.1.1 entries move to the end, the new one follows */
        assert_int_equal(troot_run_module(&t, "update_etc_hosts",
                                          "manage_etc_hosts: localhost\nfqdn: api.example.com\n",
                                          NULL),
                         0);
        assert_file_eq(&t, "/etc/hosts",
                       "127.0.0.1\tlocalhost\n10.0.0.5\tdb\n\n127.0.1.1\tweb.example.com\tweb\n"
                       "127.0.1.1\tapi.example.com\tapi\n\n");
        /* named already: the file is left alone (comments and spacing too) */
        troot_write(&t, "/etc/hosts", "127.0.1.1  api.example.com api  # kept\n");
        assert_int_equal(troot_run_module(&t, "update_etc_hosts",
                                          "manage_etc_hosts: localhost\nfqdn: api.example.com\n",
                                          NULL),
                         0);
        assert_file_eq(&t, "/etc/hosts", "127.0.1.1  api.example.com api  # kept\n");
        /* true: rendered from the template, every boot */
        assert_int_equal(troot_run_module(&t, "update_etc_hosts",
                                          "manage_etc_hosts: true\nfqdn: web.example.com\n", NULL),
                         0);
        h = troot_read(&t, "/etc/hosts");
        assert_non_null(strstr(h, "\n127.0.1.1 web.example.com web\n127.0.0.1 localhost\n"));
        assert_non_null(strstr(h, "::1 localhost ip6-localhost ip6-loopback\n"));
        /* it ends as Debian's template does, with an empty line */
        assert_true(endswith(h, "ff02::2 ip6-allrouters\n\n"));
        assert_null(strstr(h, "10.0.0.5"));
        assert_null(strstr(h, "## template"));
        free(h);
        /* a template of the image's own; its jinja comments go, "-#}" with the
         * whitespace after it, "#}" with one newline */
        troot_write(&t, "/etc/cloud/templates/hosts.debian.tmpl",
                    "## template:jinja\n{#\nabout {{hostname}}\n-#}\n  \n{# one #}\n"
                    "127.0.1.1 {{ fqdn }} {{hostname}} # mine\n");
        assert_int_equal(troot_run_module(&t, "update_etc_hosts",
                                          "manage_etc_hosts: template\nhostname: solo\n", NULL),
                         0);
        /* only hostname given: the fqdn is the system's current name, as in cloud-init */
        assert_file_eq(&t, "/etc/hosts", "127.0.1.1 localhost solo # mine\n");
        troot_free(&t);
}

static void test_power_state_under_root_only_reports(void **state)
{
        (void)state;
        struct troot t;
        troot_make(&t);
        assert_int_equal(troot_run_module(&t, "power_state_change",
                                          "power_state: {mode: poweroff, delay: 5, message: bye}\n",
                                          NULL),
                         0);
        assert_log_has(&t, "would run shutdown -P +5 after cloudboot exits");
        assert_int_equal(troot_run_module(&t, "power_state_change",
                                          "power_state: {mode: reboot, delay: now}\n", NULL),
                         0);
        assert_log_has(&t, "would run shutdown -r now");
        assert_int_equal(troot_run_module(&t, "power_state_change",
                                          "power_state: {mode: halt, delay: '+3'}\n", NULL),
                         0);
        assert_log_has(&t, "would run shutdown -H +3");
        assert_int_equal(troot_run_module(&t, "power_state_change",
                                          "power_state: {mode: halt, delay: soon}\n", NULL),
                         -EINVAL);
        assert_log_has(&t, "power_state.delay must be now, +N or N minutes");
        assert_int_equal(troot_run_module(&t, "power_state_change",
                                          "power_state: {mode: poweroff, condition: false}\n",
                                          NULL),
                         0);
        assert_log_has(&t, "condition is false; not shutting down");
        troot_free(&t);
}

int main(void)
{
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_template),
                cmocka_unit_test(test_final_message_default_and_boot_finished),
                cmocka_unit_test(test_etc_hosts_modes),
                cmocka_unit_test(test_power_state_under_root_only_reports),
        };
        int r = cmocka_run_group_tests_name("mod-misc", tests, NULL, NULL);
        node_names_free();
        return r;
}
