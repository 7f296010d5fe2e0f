/* SPDX-License-Identifier: Apache-2.0 */
/* Tests of the mcollective external module (modules/ext/mcollective.c,
 * compiled in with EXTMOD_NO_MAIN): server.cfg merged as ConfigObj does, the
 * certificates with their modes (the private one never in the log), the
 * package and service commands in the target, and values refused. */
#include "extmod.h"
#include "testlib.h"

extern const struct module mod_mcollective;
extern const struct extmod ext_mcollective;

static const char *const tools[] = { "/usr/bin/apt-get", "/usr/bin/systemctl", NULL };

static void test_merge_certs_service(void **state)
{
        (void)state;
        struct troot t;

        troot_make_fakes(&t, FAKE_RECORDER, tools);
        troot_write(&t, "/etc/mcollective/server.cfg",
                    "# the package's file\n"
                    "topicprefix = /topic/\n"
                    "  loglevel=info\n"
                    "[plugins]\n"
                    "stomp = old\n");
        assert_int_equal(troot_run_mod(&t, &mod_mcollective,
                                       "mcollective:\n"
                                       "  conf:\n"
                                       "    loglevel: debug\n"
                                       "    daemonize: 1\n"
                                       "    registerinterval: true\n"
                                       "    identity: 'a # b'\n"
                                       "    plugins: {stomp: new, pool: 2}\n"
                                       "    public-cert: 'PUBLIC CERT'\n"
                                       "    private-cert: 'PRIVATECERTSECRET'\n",
                                       NULL),
                         0);
        assert_file_eq(&t, "/etc/mcollective/server.cfg",
                       "# the package's file\n"
                       "topicprefix = /topic/\n"
                       "loglevel = debug\n"
                       "daemonize = 1\n"
                       "registerinterval = True\n"
                       "identity = \"a # b\"\n"
                       "plugin.ssl_server_public = /etc/mcollective/ssl/server-public.pem\n"
                       "securityprovider = ssl\n"
                       "plugin.ssl_server_private = /etc/mcollective/ssl/server-private.pem\n"
                       "[plugins]\n"
                       "stomp = new\n"
                       "pool = 2\n");
        assert_file_eq(&t, "/etc/mcollective/server.cfg.old",
                       "# the package's file\n"
                       "topicprefix = /topic/\n"
                       "  loglevel=info\n"
                       "[plugins]\n"
                       "stomp = old\n");
        assert_int_equal(troot_mode(&t, "/etc/mcollective/server.cfg") & 07777, 0644);
        assert_file_eq(&t, "/etc/mcollective/ssl/server-public.pem", "PUBLIC CERT");
        assert_int_equal(troot_mode(&t, "/etc/mcollective/ssl/server-public.pem") & 07777, 0644);
        assert_file_eq(&t, "/etc/mcollective/ssl/server-private.pem", "PRIVATECERTSECRET");
        assert_int_equal(troot_mode(&t, "/etc/mcollective/ssl/server-private.pem") & 07777, 0600);
        assert_null(strstr(t.log.data ? t.log.data : "", "PRIVATECERTSECRET"));
        /* under --root the service is enabled inside the target only */
        assert_calls(&t, "apt-get --assume-yes update\n"
                         "apt-get --option=Dpkg::Options::=--force-confold "
                         "--option=Dpkg::options::=--force-unsafe-io --assume-yes --quiet install "
                         "mcollective\n"
                         "systemctl enable mcollective\n");
        troot_free(&t);
}

static void test_new_file_and_no_conf(void **state)
{
        (void)state;
        struct troot t;

        troot_make_fakes(&t, FAKE_RECORDER, tools);
        assert_int_equal(troot_run_mod(&t, &mod_mcollective,
                                       "mcollective:\n  conf: {loglevel: debug}\n", NULL),
                         0);
        assert_file_eq(&t, "/etc/mcollective/server.cfg", "loglevel = debug\n");
        assert_null(troot_read(&t, "/etc/mcollective/server.cfg.old"));
        troot_free(&t);

        /* no conf: the package and the service only */
        troot_make_fakes(&t, FAKE_RECORDER, tools);
        assert_int_equal(troot_run_mod(&t, &mod_mcollective, "mcollective: {}\n", NULL), 0);
        assert_null(troot_read(&t, "/etc/mcollective/server.cfg"));
        {
                _cleanup_free_ char *calls = troot_read(&t, "/calls");
                assert_non_null(calls);
                assert_non_null(strstr(calls, "systemctl enable mcollective\n"));
        }
        troot_free(&t);
}

static void test_hostile_values_write_nothing(void **state)
{
        (void)state;
        static const char *const cfgs[] = {
                "mcollective:\n  conf:\n    loglevel: \"debug\\nsecurityprovider = none\"\n",
                "mcollective:\n  conf:\n    \"a = b\\n[x]\": 1\n",
                "mcollective:\n  conf:\n    plugins: {\"x\\ny\": 1}\n",
                "mcollective:\n  conf:\n    plugins: {x: {deeper: 1}}\n",
                "mcollective:\n  conf:\n    plugins: {x: \"1\\n[evil]\"}\n",
                "mcollective:\n  conf:\n    identity: [a, b]\n",
                "mcollective:\n  conf:\n    identity: \"it's \\\"x\\\"\"\n",
        };

        for (size_t i = 0; i < ELEMENTSOF(cfgs); i++) {
                struct troot t;

                troot_make_fakes(&t, FAKE_RECORDER, tools);
                assert_true(troot_run_mod(&t, &mod_mcollective, cfgs[i], NULL) < 0);
                assert_null(troot_read(&t, "/etc/mcollective/server.cfg"));
                assert_calls(&t, NULL);
                assert_log_has(&t, "test.yaml:");
                troot_free(&t);
        }
}

static void test_describe(void **state)
{
        (void)state;
        struct buf b = BUF_INIT(65536);

        assert_int_equal(extmod_describe(&ext_mcollective, &b), 0);
        assert_non_null(strstr(b.data, "\"name\":\"mcollective\""));
        assert_non_null(strstr(b.data, "\"stage\":\"final\""));
        assert_non_null(strstr(b.data, "\"private-cert\""));
        buf_free(&b);
}

int main(void)
{
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_merge_certs_service),
                cmocka_unit_test(test_new_file_and_no_conf),
                cmocka_unit_test(test_hostile_values_write_nothing),
                cmocka_unit_test(test_describe),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
