/* SPDX-License-Identifier: Apache-2.0 */
/* Tests of the ubuntu_pro external module (modules/ext/ubuntu_pro.c,
 * compiled in with EXTMOD_NO_MAIN): the pro commands by argv, the token only
 * in a 0600 attach config that is removed (never in argv or the log), the
 * services enabled, auto-attach on a Pro image, no pro client at all. */
#include "extmod.h"
#include "testlib.h"

extern const struct module mod_ubuntu_pro;
extern const struct extmod ext_ubuntu_pro;

/* pro: records its argv; on attach, the attach config and its mode; answers
 * the api and enable calls with the JSON in /should and /enable-out */
static const char fake_pro[] =
        "#!/bin/sh\n"
        "echo \"pro $*\" >> /calls\n"
        "case \"$1\" in\n"
        "attach) for a; do [ -f \"$a\" ] && { cat \"$a\" > /attach; ls -l \"$a\" | cut -c1-10 > "
        "/attach-mode; }; done;;\n"
        "api) [ \"$2\" = u.pro.attach.auto.should_auto_attach.v1 ] && cat /should;;\n"
        "enable) cat /enable-out;;\n"
        "esac\n"
        "exit 0\n";

static void setup(struct troot *t, const char *should)
{
        char answer[128];

        troot_make_fakes(t, fake_pro, (const char *const[]){ "/usr/bin/pro", NULL });
        (void)snprintf(answer, sizeof(answer),
                       "{\"data\":{\"attributes\":{\"should_auto_attach\":%s}}}", should);
        troot_write(t, "/should", answer);
        troot_write(t, "/enable-out",
                    "{\"errors\":[{\"message_code\":\"service-already-enabled\","
                    "\"service\":\"esm-infra\",\"message\":\"x\"}]}");
}

static void test_attach_with_token_and_enable(void **state)
{
        (void)state;
        struct troot t;

        setup(&t, "false");
        assert_int_equal(troot_run_mod(&t, &mod_ubuntu_pro,
                                       "ubuntu_pro:\n"
                                       "  token: TOKENSECRET77\n"
                                       "  enable: [esm-infra, livepatch]\n"
                                       "  config: {http_proxy: 'http://p:3128', https_proxy: "
                                       "null}\n",
                                       NULL),
                         0);
        assert_calls(&t, "pro config set http_proxy=http://p:3128\n"
                         "pro config unset https_proxy\n"
                         "pro api u.pro.attach.auto.should_auto_attach.v1\n"
                         "pro attach --no-auto-enable --attach-config "
                         "/var/tmp/cloudboot-ubuntu_pro/attach.yaml\n"
                         "pro enable --assume-yes --format json esm-infra livepatch\n");
        assert_file_eq(&t, "/attach", "token: \"TOKENSECRET77\"\n");
        assert_file_eq(&t, "/attach-mode", "-rw-------\n");
        assert_int_equal(faccessat(t.fd, "var/tmp/cloudboot-ubuntu_pro", F_OK, 0), -1);
        assert_null(strstr(t.log.data ? t.log.data : "", "TOKENSECRET77"));
        troot_free(&t);
}

static void test_old_key_and_no_enable(void **state)
{
        (void)state;
        struct troot t;

        setup(&t, "false");
        assert_int_equal(
                troot_run_mod(&t, &mod_ubuntu_pro, "ubuntu_advantage: {token: T1}\n", NULL), 0);
        assert_calls(&t, "pro api u.pro.attach.auto.should_auto_attach.v1\n"
                         "pro attach --attach-config /var/tmp/cloudboot-ubuntu_pro/attach.yaml\n");
        assert_log_has(&t, "Deprecated configuration key(s) provided: ubuntu_advantage.");
        troot_free(&t);
}

static void test_auto_attach_and_features(void **state)
{
        (void)state;
        struct troot t;

        setup(&t, "true");
        assert_int_equal(troot_run_mod(&t, &mod_ubuntu_pro,
                                       "ubuntu_pro: {enable: [fips], enable_beta: [realtime]}\n",
                                       NULL),
                         0);
        assert_calls(&t, "pro api u.pro.attach.auto.should_auto_attach.v1\n"
                         "pro api u.pro.attach.auto.full_auto_attach.v1 --data "
                         "{\"enable\":[\"fips\"],\"enable_beta\":[\"realtime\"]}\n");
        troot_free(&t);

        /* disable_auto_attach alone: nothing to attach with */
        setup(&t, "true");
        assert_int_equal(troot_run_mod(&t, &mod_ubuntu_pro,
                                       "ubuntu_pro: {features: {disable_auto_attach: true}}\n",
                                       NULL),
                         0);
        assert_calls(&t, NULL);
        troot_free(&t);

        /* no token on a non-Pro image */
        setup(&t, "false");
        assert_true(troot_run_mod(&t, &mod_ubuntu_pro, "ubuntu_pro: {enable: [fips]}\n", NULL) < 0);
        assert_log_has(&t, "`ubuntu_pro.token` required in non-Pro Ubuntu instances.");
        troot_free(&t);
}

static void test_no_pro_client(void **state)
{
        (void)state;
        struct troot t;

        troot_make_target(&t);
        troot_write_exec(&t, "/usr/bin/apt-get", FAKE_RECORDER);
        assert_true(troot_run_mod(&t, &mod_ubuntu_pro, "ubuntu_pro: {token: T}\n", NULL) < 0);
        assert_log_has(&t, "Ubuntu Pro is not available on this system");
        troot_free(&t);
}

int main(void)
{
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_attach_with_token_and_enable),
                cmocka_unit_test(test_old_key_and_no_enable),
                cmocka_unit_test(test_auto_attach_and_features),
                cmocka_unit_test(test_no_pro_client),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
