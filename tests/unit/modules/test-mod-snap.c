/* SPDX-License-Identifier: Apache-2.0 */
/* Tests of the snap external module (modules/ext/snap.c, compiled in with
 * EXTMOD_NO_MAIN): the assertions file and `snap ack`, list commands as argv
 * with "snap" in front, string commands through /bin/sh -c, a mapping's
 * commands in key order, and every command run when one fails. */
#include "extmod.h"
#include "testlib.h"

extern const struct module mod_snap;
extern const struct extmod ext_snap;

/* snap records its argv; "snap fail" exits 1 */
static const char fake[] = FAKE_RECORDER "[ \"$1\" = fail ] && exit 1\n"
                                         "exit 0\n";

static const char *const tools[] = { "/usr/bin/snap", "/usr/bin/ls-fake", NULL };

static void test_assertions_and_commands(void **state)
{
        (void)state;
        struct troot t;

        troot_make_fakes(&t, fake, tools);
        assert_int_equal(troot_run_mod(&t, &mod_snap,
                                       "snap:\n"
                                       "  assertions:\n"
                                       "    - |\n"
                                       "      type: account-key\n"
                                       "      authority-id: canonical\n"
                                       "    - 'type: model'\n"
                                       "  commands:\n"
                                       "    - [install, hello-world]\n"
                                       "    - [snap, install, 'core; rm -rf /']\n"
                                       "    - [null, ls-fake, x]\n"
                                       "    - 'snap list > /listed'\n",
                                       NULL),
                         0);
        assert_file_eq(&t, "/var/lib/cloud/instances/i-test/snapd.assertions",
                       "type: account-key\nauthority-id: canonical\n\ntype: model");
        assert_calls(&t, "snap wait system seed.loaded\n"
                         "snap ack /var/lib/cloud/instances/i-test/snapd.assertions\n"
                         "snap install hello-world\n"
                         "snap install core; rm -rf /\n"
                         "ls-fake x\n"
                         "snap list\n");
        /* the string went through the shell: its redirection happened */
        assert_true(fs_exists(t.fd, "/listed"));
        troot_free(&t);
}

static void test_mapping_order_and_failures(void **state)
{
        (void)state;
        struct troot t;

        troot_make_fakes(&t, fake, tools);
        assert_true(troot_run_mod(&t, &mod_snap,
                                  "snap:\n"
                                  "  commands:\n"
                                  "    b: [fail]\n"
                                  "    a: [install, a]\n"
                                  "    c: 'echo not-snap >> /calls'\n",
                                  NULL) < 0);
        assert_calls(&t, "snap wait system seed.loaded\n"
                         "snap install a\n"
                         "snap fail\n"
                         "not-snap\n");
        assert_log_has(&t, "Non-snap commands in snap config");
        assert_log_has(&t, "Failures running snap commands: 1 of 3");
        troot_free(&t);
}

static void test_describe(void **state)
{
        (void)state;
        struct buf b = BUF_INIT(1 << 20);

        assert_int_equal(extmod_describe(&ext_snap, &b), 0);
        assert_non_null(strstr(b.data, "\"name\":\"snap\",\"stage\":\"config\""));
        buf_free(&b);
}

int main(void)
{
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_assertions_and_commands),
                cmocka_unit_test(test_mapping_order_and_failures),
                cmocka_unit_test(test_describe),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
