/* SPDX-License-Identifier: Apache-2.0 */
/* Tests of the spacewalk external module (modules/ext/spacewalk.c, compiled
 * in with EXTMOD_NO_MAIN): the rhnreg_ks argv, a registered system left
 * alone, the activation key never in the log. */
#include "extmod.h"
#include "testlib.h"

extern const struct module mod_spacewalk;
extern const struct extmod ext_spacewalk;

/* rhn-profile-sync exits with the number in /registered (1: not registered) */
static const char fake[] =
        FAKE_RECORDER "case \"${0##*/}\" in rhn-profile-sync) exit $(cat /registered);; esac\n"
                      "exit 0\n";

static const char *const tools[] = { "/usr/bin/dnf", "/usr/sbin/rhn-profile-sync",
                                     "/usr/sbin/rhnreg_ks", NULL };

static void setup(struct troot *t, const char *registered)
{
        troot_make_fakes(t, fake, tools);
        troot_write(t, "/registered", registered);
        troot_write(t, "/etc/hostname", "node1.example.org\n");
}

static void test_register(void **state)
{
        (void)state;
        struct troot t;

        setup(&t, "1\n");
        assert_int_equal(troot_run_mod(&t, &mod_spacewalk,
                                       "spacewalk: {server: sw.example.org, proxy: "
                                       "proxy.example.org:3128, activation_key: AKSECRET9}\n",
                                       NULL),
                         0);
        assert_calls(&t, "dnf -y makecache\n"
                         "dnf -y install rhn-setup\n"
                         "rhn-profile-sync --verbose\n"
                         "rhnreg_ks --serverUrl https://sw.example.org/XMLRPC --profilename "
                         "node1.example.org --proxy proxy.example.org:3128 --sslCACert "
                         "/usr/share/rhn/RHN-ORG-TRUSTED-SSL-CERT --activationkey AKSECRET9\n");
        assert_null(strstr(t.log.data ? t.log.data : "", "AKSECRET9"));
        troot_free(&t);
}

static void test_registered_or_no_server(void **state)
{
        (void)state;
        struct troot t;

        setup(&t, "0\n");
        assert_int_equal(troot_run_mod(&t, &mod_spacewalk, "spacewalk: {server: sw}\n", NULL), 0);
        assert_calls(&t,
                     "dnf -y makecache\ndnf -y install rhn-setup\nrhn-profile-sync --verbose\n");
        troot_free(&t);

        setup(&t, "1\n");
        assert_int_equal(troot_run_mod(&t, &mod_spacewalk, "spacewalk: {proxy: p}\n", NULL), 0);
        assert_calls(&t, NULL);
        troot_free(&t);

        /* a server that would be an option, or a line break: refused by the schema */
        setup(&t, "1\n");
        assert_int_equal(troot_run_mod(&t, &mod_spacewalk, "spacewalk: {server: --help}\n", NULL),
                         0);
        assert_int_equal(troot_run_mod(&t, &mod_spacewalk,
                                       "spacewalk: {server: s, activation_key: \"a\\nb\"}\n", NULL),
                         0);
        assert_calls(&t, NULL);
        troot_free(&t);
}

int main(void)
{
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_register),
                cmocka_unit_test(test_registered_or_no_server),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
