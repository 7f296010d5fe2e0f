/* SPDX-License-Identifier: Apache-2.0 */
/* Tests of the chef external module (modules/ext/chef.c, compiled in with
 * EXTMOD_NO_MAIN): client.rb as cloud-init's template renders it,
 * firstboot.json, the validation key (0600, never logged), the directories,
 * and the argv of chef-client; values that would break out of a Ruby string
 * are refused. */
#include "extmod.h"
#include "testlib.h"

extern const struct module mod_chef;
extern const struct extmod ext_chef;

static const char *const tools[] = { "/usr/bin/chef-client", "/usr/bin/apt-get", NULL };

static void test_client_rb_firstboot_key(void **state)
{
        (void)state;
        struct troot t;

        troot_make_fakes(&t, FAKE_RECORDER, tools);
        assert_int_equal(troot_run_mod(&t, &mod_chef,
                                       "chef:\n"
                                       "  server_url: https://chef.example.org:8443\n"
                                       "  validation_name: example-validator\n"
                                       "  validation_cert: |\n"
                                       "    -----BEGIN RSA PRIVATE KEY-----\n"
                                       "    SECRETKEYMATERIAL\n"
                                       "    -----END RSA PRIVATE KEY-----\n"
                                       "  chef_license: accept\n"
                                       "  run_list: ['recipe[apache2]', 'role[db]']\n"
                                       "  initial_attributes:\n"
                                       "    apache: {keepalive: false}\n"
                                       "  exec: true\n"
                                       "  exec_arguments: [-o, 'recipe[x]']\n",
                                       NULL),
                         0);
        assert_file_eq(&t, "/etc/chef/client.rb",
                       "# Created by cloudboot\n"
                       "chef_license           \"accept\"\n"
                       "log_level              :info\n"
                       "ssl_verify_mode        :verify_none\n"
                       "log_location           \"/var/log/chef/client.log\"\n"
                       "validation_client_name \"example-validator\"\n"
                       "validation_key         \"/etc/chef/validation.pem\"\n"
                       "client_key             \"/etc/chef/client.pem\"\n"
                       "chef_server_url        \"https://chef.example.org:8443\"\n"
                       "environment            \"_default\"\n"
                       "node_name              \"i-test\"\n"
                       "json_attribs           \"/etc/chef/firstboot.json\"\n"
                       "file_cache_path        \"/var/chef/cache\"\n"
                       "file_backup_path       \"/var/chef/backup\"\n"
                       "pid_file               \"/var/run/chef/client.pid\"\n"
                       "Chef::Log::Formatter.show_time = true\n"
                       "\n");
        assert_file_eq(&t, "/etc/chef/firstboot.json",
                       "{\"run_list\":[\"recipe[apache2]\",\"role[db]\"],\"apache\":{"
                       "\"keepalive\":false}}");
        assert_file_eq(&t, "/etc/chef/validation.pem",
                       "-----BEGIN RSA PRIVATE KEY-----\nSECRETKEYMATERIAL\n"
                       "-----END RSA PRIVATE KEY-----\n");
        assert_int_equal(troot_mode(&t, "/etc/chef/validation.pem") & 07777, 0600);
        for (const char *d = "/var/log/chef\0/var/lib/chef\0/var/chef/cache\0/var/chef/backup\0"
                             "/var/run/chef\0";
             *d; d += strlen(d) + 1)
                assert_true(S_ISDIR(troot_mode(&t, d)));
        /* chef-client is there and exec is set: it runs with exec_arguments */
        assert_calls(&t, "chef-client -o recipe[x]\n");
        if (strstr(t.log.data ? t.log.data : "", "SECRETKEYMATERIAL"))
                fail_msg("the validation key is in the log");
        troot_free(&t);
}

static void test_install_and_default_args(void **state)
{
        (void)state;
        struct troot t;

        troot_make_fakes(&t, FAKE_RECORDER, tools);
        assert_int_equal(fs_unlink(t.fd, "/usr/bin/chef-client"), 0);
        assert_int_equal(troot_run_mod(&t, &mod_chef,
                                       "chef:\n"
                                       "  server_url: https://c\n"
                                       "  validation_name: v\n"
                                       "  node_name: web1\n"
                                       "  directories: [/srv/chef]\n"
                                       "  show_time: false\n"
                                       "  firstboot_path: ''\n",
                                       NULL),
                         0);
        {
                char *calls = troot_read(&t, "/calls"), *rb = troot_read(&t, "/etc/chef/client.rb");
                assert_non_null(calls);
                assert_non_null(strstr(calls, " install chef\n"));
                assert_non_null(strstr(rb, "node_name              \"web1\"\n"));
                assert_null(strstr(rb, "validation_key"));
                assert_null(strstr(rb, "show_time"));
                free(calls);
                free(rb);
        }
        assert_true(S_ISDIR(troot_mode(&t, "/srv/chef")));
        assert_false(fs_exists(t.fd, "/var/lib/chef"));
        assert_false(fs_exists(t.fd, "/etc/chef/firstboot.json"));
        troot_free(&t);
}

static void test_ruby_injection_refused(void **state)
{
        (void)state;
        struct troot t;

        troot_make_fakes(&t, FAKE_RECORDER, tools);
        /* a quote would end the Ruby string in client.rb: the chef key is refused */
        (void)troot_run_mod(&t, &mod_chef,
                            "chef:\n"
                            "  server_url: 'https://c\"; system(\"id\"); x=\"'\n"
                            "  validation_name: v\n",
                            NULL);
        assert_false(fs_exists(t.fd, "/etc/chef/client.rb"));
        troot_free(&t);

        troot_make_fakes(&t, FAKE_RECORDER, tools);
        (void)troot_run_mod(&t, &mod_chef,
                            "chef:\n"
                            "  server_url: https://c\n"
                            "  validation_name: v\n"
                            "  log_level: 'info; system(1)'\n",
                            NULL);
        assert_false(fs_exists(t.fd, "/etc/chef/client.rb"));
        troot_free(&t);

        /* without server_url cloud-init stops; so does this, with a message */
        troot_make_fakes(&t, FAKE_RECORDER, tools);
        assert_true(troot_run_mod(&t, &mod_chef, "chef:\n  validation_name: v\n", NULL) < 0);
        assert_log_has(&t, "'server_url' is required");
        assert_false(fs_exists(t.fd, "/etc/chef/client.rb"));
        troot_free(&t);
}

static void test_describe(void **state)
{
        (void)state;
        struct buf b = BUF_INIT(1 << 20);

        assert_int_equal(extmod_describe(&ext_chef, &b), 0);
        assert_non_null(strstr(b.data, "\"name\":\"chef\",\"stage\":\"final\",\"frequency\":"
                                       "\"always\""));
        buf_free(&b);
}

int main(void)
{
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_client_rb_firstboot_key),
                cmocka_unit_test(test_install_and_default_args),
                cmocka_unit_test(test_ruby_injection_refused),
                cmocka_unit_test(test_describe),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
