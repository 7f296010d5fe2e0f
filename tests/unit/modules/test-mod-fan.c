/* SPDX-License-Identifier: Apache-2.0 */
/* Tests of the fan external module (modules/ext/fan.c, compiled in with
 * EXTMOD_NO_MAIN): the configuration file with its mode, the package and
 * service commands in the target, and a path outside the root refused. */
#include "extmod.h"
#include "testlib.h"

extern const struct module mod_fan;
extern const struct extmod ext_fan;

static const char *const tools[] = { "/usr/bin/apt-get", "/usr/bin/systemctl", NULL };

static void test_config_written_service_enabled(void **state)
{
        (void)state;
        struct troot t;

        troot_make_fakes(&t, FAKE_RECORDER, tools);
        assert_int_equal(troot_run_mod(&t, &mod_fan,
                                       "fan:\n  config: |\n    # fan 240\n"
                                       "    10.0.0.0/8 eth0/16 dhcp\n",
                                       NULL),
                         0);
        assert_file_eq(&t, "/etc/network/fan", "# fan 240\n10.0.0.0/8 eth0/16 dhcp\n");
        assert_int_equal(troot_mode(&t, "/etc/network/fan") & 07777, 0644);
        /* no fanctl: ubuntu-fan installed; under --root only enabled */
        assert_calls(&t, "apt-get --assume-yes update\n"
                         "apt-get --option=Dpkg::Options::=--force-confold "
                         "--option=Dpkg::options::=--force-unsafe-io --assume-yes --quiet install "
                         "ubuntu-fan\n"
                         "systemctl enable ubuntu-fan\n");
        troot_free(&t);
}

static void test_config_path_and_newline(void **state)
{
        (void)state;
        struct troot t;

        troot_make_fakes(&t, FAKE_RECORDER, tools);
        troot_write_exec(&t, "/usr/sbin/fanctl", FAKE_RECORDER);
        assert_int_equal(troot_run_mod(&t, &mod_fan,
                                       "fan: {config: \"10.0.0.0/8 eth0/16\", config_path: "
                                       "/etc/fan.conf}\n",
                                       NULL),
                         0);
        assert_file_eq(&t, "/etc/fan.conf", "10.0.0.0/8 eth0/16\n");
        assert_calls(&t, "systemctl enable ubuntu-fan\n");
        troot_free(&t);
}

static void test_hostile_path(void **state)
{
        (void)state;
        struct troot t;

        troot_make_fakes(&t, FAKE_RECORDER, tools);
        /* a relative path is refused by the schema (the boot reports it at its
         * position) and the whole key left out: nothing runs */
        assert_int_equal(
                troot_run_mod(&t, &mod_fan, "fan: {config: x, config_path: etc/x}\n", NULL), 0);
        assert_null(troot_read(&t, "/etc/x"));
        assert_calls(&t, NULL);
        troot_free(&t);
        /* a symlinked directory on the way resolves inside the root, never
         * to this machine's directory of that name */
        troot_make_fakes(&t, FAKE_RECORDER, tools);
        (void)mkdirat(t.fd, "etc", 0755);
        assert_int_equal(symlinkat("/../../../../../../var/tmp", t.fd, "etc/network"), 0);
        (void)unlink("/var/tmp/fan");
        /* the root has no /var/tmp: the write fails, nothing runs */
        assert_true(troot_run_mod(&t, &mod_fan, "fan: {config: x}\n", NULL) < 0);
        assert_int_equal(access("/var/tmp/fan", F_OK), -1);
        assert_calls(&t, NULL);
        troot_free(&t);
}

static void test_describe(void **state)
{
        (void)state;
        struct buf b = BUF_INIT(65536);

        assert_int_equal(extmod_describe(&ext_fan, &b), 0);
        assert_non_null(strstr(b.data, "\"name\":\"fan\",\"stage\":\"final\""));
        buf_free(&b);
}

int main(void)
{
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_config_written_service_enabled),
                cmocka_unit_test(test_config_path_and_newline),
                cmocka_unit_test(test_hostile_path),
                cmocka_unit_test(test_describe),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
