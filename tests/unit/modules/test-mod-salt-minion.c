/* SPDX-License-Identifier: Apache-2.0 */
/* Tests of the salt_minion external module (modules/ext/salt_minion.c,
 * compiled in with EXTMOD_NO_MAIN): minion and grains as YAML, the key pair
 * with its modes (the private key never in the log), and the package and
 * service commands in the target. */
#include "extmod.h"
#include "testlib.h"
#include "yaml.h"

extern const struct module mod_salt_minion;
extern const struct extmod ext_salt_minion;

static const char *const tools[] = { "/usr/bin/apt-get", "/usr/bin/systemctl", "/usr/bin/salt-call",
                                     NULL };

static void test_conf_grains_keys_service(void **state)
{
        (void)state;
        struct troot t;
        char *text;
        struct node *n;
        struct yaml_error err;

        troot_make_fakes(&t, FAKE_RECORDER, tools);
        assert_int_equal(troot_run_mod(&t, &mod_salt_minion,
                                       "salt_minion:\n"
                                       "  conf:\n"
                                       "    master: salt.example.org\n"
                                       "    retry_dns: 30\n"
                                       "    file_roots:\n"
                                       "      base: [/srv/salt]\n"
                                       "  grains:\n"
                                       "    role: [web, \"db\\nx: y\"]\n"
                                       "  public_key: 'PUBLIC'\n"
                                       "  private_key: 'PRIVATEKEYSECRET'\n",
                                       NULL),
                         0);
        assert_file_eq(&t, "/etc/salt/minion",
                       "\"master\": \"salt.example.org\"\n"
                       "\"retry_dns\": 30\n"
                       "\"file_roots\":\n"
                       "  \"base\":\n"
                       "    - \"/srv/salt\"\n");
        /* the YAML reads back as the same tree: a newline in a value stays in it */
        text = troot_read(&t, "/etc/salt/grains");
        assert_non_null(text);
        assert_int_equal(yaml_load(text, strlen(text), "grains", NULL, &n, &err), 0);
        assert_string_equal(node_get(n, "role")->items[1]->str, "db\nx: y");
        assert_null(node_get(n, "x"));
        node_free(n);
        free(text);
        assert_file_eq(&t, "/etc/salt/pki/minion.pem", "PRIVATEKEYSECRET");
        assert_file_eq(&t, "/etc/salt/pki/minion.pub", "PUBLIC");
        assert_int_equal(troot_mode(&t, "/etc/salt/pki/minion.pem") & 07777, 0600);
        assert_int_equal(troot_mode(&t, "/etc/salt/pki/minion.pub") & 07777, 0644);
        assert_int_equal(troot_mode(&t, "/etc/salt/pki") & 07777, 0700);
        {
                char *calls = troot_read(&t, "/calls");
                assert_non_null(strstr(calls, " install salt-minion\n"
                                              "systemctl enable salt-minion\n"
                                              "systemctl enable salt-minion\n"));
                free(calls);
        }
        if (strstr(t.log.data ? t.log.data : "", "PRIVATEKEYSECRET"))
                fail_msg("the private key is in the log");
        troot_free(&t);
}

static void test_masterless_custom_names(void **state)
{
        (void)state;
        struct troot t;

        troot_make_fakes(&t, FAKE_RECORDER, tools);
        assert_int_equal(fs_mkdir_p(t.fd, "/opt/salt/pki/minion", 0700), 0);
        assert_int_equal(troot_run_mod(&t, &mod_salt_minion,
                                       "salt_minion:\n"
                                       "  pkg_name: salt-minion-onedir\n"
                                       "  service_name: salt-minion-x\n"
                                       "  config_dir: /opt/salt\n"
                                       "  conf: {file_client: local}\n"
                                       "  public_key: P\n"
                                       "  private_key: K\n",
                                       NULL),
                         0);
        /* pki/minion exists: the keys go there */
        assert_file_eq(&t, "/opt/salt/pki/minion/minion.pem", "K");
        assert_file_eq(&t, "/opt/salt/minion", "\"file_client\": \"local\"\n");
        {
                char *calls = troot_read(&t, "/calls");
                assert_non_null(strstr(calls, " install salt-minion-onedir\n"
                                              "systemctl disable salt-minion-x\n"
                                              "salt-call --local state.apply\n"));
                free(calls);
        }
        troot_free(&t);
}

static void test_relative_pki_dir_refused(void **state)
{
        (void)state;
        struct troot t;

        troot_make_fakes(&t, FAKE_RECORDER, tools);
        (void)troot_run_mod(
                &t, &mod_salt_minion,
                "salt_minion:\n  pki_dir: ../../etc\n  public_key: P\n  private_key: K\n", NULL);
        assert_calls(&t, NULL);
        assert_false(fs_exists(t.fd, "/etc/minion.pem"));
        troot_free(&t);
}

static void test_describe(void **state)
{
        (void)state;
        struct buf b = BUF_INIT(1 << 20);

        assert_int_equal(extmod_describe(&ext_salt_minion, &b), 0);
        assert_non_null(strstr(b.data, "\"name\":\"salt_minion\",\"stage\":\"final\""));
        buf_free(&b);
}

int main(void)
{
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_conf_grains_keys_service),
                cmocka_unit_test(test_masterless_custom_names),
                cmocka_unit_test(test_relative_pki_dir_refused),
                cmocka_unit_test(test_describe),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
