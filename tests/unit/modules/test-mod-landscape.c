/* SPDX-License-Identifier: Apache-2.0 */
/* Tests of the landscape external module (modules/ext/landscape.c, compiled
 * in with EXTMOD_NO_MAIN): the landscape-config argv from the defaults, the
 * target's client.conf and landscape.client merged and sorted, a registered
 * client left alone, the registration key never in the log, values refused. */
#include "extmod.h"
#include "testlib.h"

extern const struct module mod_landscape;
extern const struct extmod ext_landscape;

/* landscape-config --is-registered exits with the number in /registered (5: no) */
static const char fake[] =
        FAKE_RECORDER "case \"$*\" in *--is-registered*) exit $(cat /registered);; esac\n"
                      "exit 0\n";

static const char *const tools[] = { "/usr/bin/apt-get", "/usr/bin/landscape-config", NULL };

static void setup(struct troot *t, const char *registered)
{
        troot_make_fakes(t, fake, tools);
        troot_write(t, "/registered", registered);
}

static const char install[] =
        "apt-get --assume-yes update\n"
        "apt-get --option=Dpkg::Options::=--force-confold "
        "--option=Dpkg::options::=--force-unsafe-io --assume-yes --quiet install "
        "landscape-client\n";

static void test_register_merged_sorted(void **state)
{
        (void)state;
        struct troot t;
        char want[2048];

        setup(&t, "5\n");
        troot_write(&t, "/etc/landscape/client.conf",
                    "[client]\n"
                    "log_level = warning\n"
                    "data_path = /srv/landscape\n"
                    "[other]\n"
                    "x = y\n");
        assert_int_equal(troot_run_mod(&t, &mod_landscape,
                                       "landscape:\n"
                                       "  client:\n"
                                       "    computer_title: web 1\n"
                                       "    account_name: acme\n"
                                       "    registration_key: SECRETKEY42\n"
                                       "    tags: a,b\n"
                                       "    log_level: debug\n",
                                       NULL),
                         0);
        (void)snprintf(want, sizeof(want),
                       "%s"
                       "landscape-config --silent --is-registered\n"
                       "landscape-config --silent --account-name acme --computer-title web 1 "
                       "--data-path /srv/landscape --log-level debug --ping-url "
                       "http://landscape.canonical.com/ping --registration-key SECRETKEY42 "
                       "--tags a,b --url https://landscape.canonical.com/message-system\n",
                       install);
        assert_calls(&t, want);
        assert_null(strstr(t.log.data ? t.log.data : "", "SECRETKEY42"));
        troot_free(&t);
}

static void test_already_registered(void **state)
{
        (void)state;
        struct troot t;
        char want[1024];

        setup(&t, "0\n");
        assert_int_equal(troot_run_mod(&t, &mod_landscape,
                                       "landscape: {client: {account_name: a, computer_title: "
                                       "b}}\n",
                                       NULL),
                         0);
        (void)snprintf(want, sizeof(want), "%slandscape-config --silent --is-registered\n",
                       install);
        assert_calls(&t, want);
        assert_log_has(&t, "Client already registered to Landscape");
        troot_free(&t);

        /* another exit status is a failure */
        setup(&t, "3\n");
        assert_true(troot_run_mod(&t, &mod_landscape,
                                  "landscape: {client: {account_name: a, computer_title: b}}\n",
                                  NULL) < 0);
        assert_log_has(&t, "Failure registering client");
        troot_free(&t);
}

static void test_hostile_values(void **state)
{
        (void)state;
        static const char *const cfgs[] = {
                "landscape: {client: {account_name: \"a\\nb\", computer_title: b}}\n",
                "landscape: {client: {\"--evil\": x, computer_title: b}}\n",
                "landscape: {client: {extra: [1, 2], computer_title: b}}\n",
                "landscape: {client: {extra: \"x\\u0007\", computer_title: b}}\n",
        };

        for (size_t i = 0; i < ELEMENTSOF(cfgs); i++) {
                struct troot t;

                setup(&t, "5\n");
                (void)troot_run_mod(&t, &mod_landscape, cfgs[i], NULL);
                assert_calls(&t, NULL);
                troot_free(&t);
        }
}

static void test_describe(void **state)
{
        (void)state;
        struct buf b = BUF_INIT(65536);

        assert_int_equal(extmod_describe(&ext_landscape, &b), 0);
        assert_non_null(strstr(b.data, "\"name\":\"landscape\",\"stage\":\"final\""));
        assert_non_null(strstr(b.data, "\"registration_key\""));
        buf_free(&b);
}

int main(void)
{
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_register_merged_sorted),
                cmocka_unit_test(test_already_registered),
                cmocka_unit_test(test_hostile_values),
                cmocka_unit_test(test_describe),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
