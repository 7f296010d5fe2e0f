/* SPDX-License-Identifier: Apache-2.0 */
/* Tests of the byobu external module (modules/ext/byobu.c, compiled in with
 * EXTMOD_NO_MAIN): the argv and stdin of the tools it runs in the target, and
 * the descriptor it prints. */
#include "extmod.h"
#include "testlib.h"

extern const struct module mod_byobu;
extern const struct extmod ext_byobu;

static const char *const tools[] = { "/usr/bin/byobu", "/usr/bin/sudo",
                                     "/usr/bin/debconf-set-selections",
                                     "/usr/sbin/dpkg-reconfigure", NULL };

static void expect(const char *value, const char *user, const char *calls, const char *in)
{
        struct troot t;
        char cfg[128];

        troot_make_fakes(&t, FAKE_RECORDER_STDIN, tools);
        if (user)
                assert_int_equal(setenv("CLOUDBOOT_DEFAULT_USER", user, 1), 0);
        else
                assert_int_equal(unsetenv("CLOUDBOOT_DEFAULT_USER"), 0);
        (void)snprintf(cfg, sizeof(cfg), "byobu_by_default: %s\n", value);
        assert_int_equal(troot_run_mod(&t, &mod_byobu, cfg, NULL), 0);
        assert_calls(&t, calls);
        if (in)
                assert_file_eq(&t, "/stdin", in);
        troot_free(&t);
}

static void test_enable_user(void **state)
{
        (void)state;
        /* enabling for the user also sets the system default (cloud-init) */
        expect("enable-user", "debian",
               "sudo -Hu debian byobu-launcher-install\n"
               "debconf-set-selections \n"
               "dpkg-reconfigure byobu --frontend=noninteractive\n",
               "byobu byobu/launch-by-default boolean true\n");
        expect("user", "debian",
               "sudo -Hu debian byobu-launcher-install\n"
               "debconf-set-selections \n"
               "dpkg-reconfigure byobu --frontend=noninteractive\n",
               NULL);
}

static void test_disable_all(void **state)
{
        (void)state;
        expect("disable", "debian",
               "sudo -Hu debian byobu-launcher-uninstall\n"
               "debconf-set-selections \n"
               "dpkg-reconfigure byobu --frontend=noninteractive\n",
               "byobu byobu/launch-by-default boolean false\n");
        expect("disable-system", "debian",
               "debconf-set-selections \n"
               "dpkg-reconfigure byobu --frontend=noninteractive\n",
               NULL);
}

static void test_no_default_user(void **state)
{
        (void)state;
        /* the user step is skipped with a warning, the system step still runs */
        {
                struct troot t;

                troot_make_fakes(&t, FAKE_RECORDER_STDIN, tools);
                assert_int_equal(unsetenv("CLOUDBOOT_DEFAULT_USER"), 0);
                assert_int_equal(
                        troot_run_mod(&t, &mod_byobu, "byobu_by_default: disable-user\n", NULL), 0);
                assert_calls(&t, NULL);
                troot_free(&t);
        }
}

static void test_bad_value_runs_nothing(void **state)
{
        (void)state;
        struct troot t;

        troot_make_fakes(&t, FAKE_RECORDER_STDIN, tools);
        assert_int_equal(
                troot_run_mod(&t, &mod_byobu, "byobu_by_default: \"enable; reboot\"\n", NULL), 0);
        assert_calls(&t, NULL);
        troot_free(&t);
}

static void test_describe(void **state)
{
        (void)state;
        struct buf b = BUF_INIT(65536);

        assert_int_equal(extmod_describe(&ext_byobu, &b), 0);
        assert_non_null(strstr(b.data, "\"api\":1,\"name\":\"byobu\",\"stage\":\"config\""));
        assert_non_null(strstr(b.data, "\"byobu_by_default\":{\"type\":\"string\",\"enum\":["
                                       "\"enable-user\""));
        buf_free(&b);
}

int main(void)
{
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_enable_user),
                cmocka_unit_test(test_disable_all),
                cmocka_unit_test(test_no_default_user),
                cmocka_unit_test(test_bad_value_runs_nothing),
                cmocka_unit_test(test_describe),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
