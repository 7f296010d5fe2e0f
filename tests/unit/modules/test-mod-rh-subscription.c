/* SPDX-License-Identifier: Apache-2.0 */
/* Tests of the rh_subscription external module
 * (modules/ext/rh_subscription.c, compiled in with EXTMOD_NO_MAIN): the
 * subscription-manager argv of a registration, attach, pools and repos; a
 * registered system left alone; failures as warnings; secrets never logged. */
#include "extmod.h"
#include "testlib.h"

extern const struct module mod_rh_subscription;
extern const struct extmod ext_rh_subscription;

static const char fake[] =
        "#!/bin/sh\n"
        "echo \"subscription-manager $*\" >> /calls\n"
        "case \"$1 $2\" in\n"
        "'identity ') exit $(cat /registered);;\n"
        "'list --available') printf 'pool1\\npool2\\n';;\n"
        "'list --consumed') printf 'pool2\\n';;\n"
        "'repos --list-enabled') printf 'Repo ID:   rhel-on\\nRepo Name: x\\n';;\n"
        "'repos --list-disabled') printf 'Repo ID:   rhel-off\\n';;\n"
        "esac\n"
        "exit 0\n";

static void setup(struct troot *t, const char *registered)
{
        troot_make_fakes(t, fake, (const char *const[]){ "/usr/sbin/subscription-manager", NULL });
        troot_write(t, "/registered", registered);
}

static void test_register_attach_pools_repos(void **state)
{
        (void)state;
        struct troot t;

        setup(&t, "1\n");
        assert_int_equal(troot_run_mod(&t, &mod_rh_subscription,
                                       "rh_subscription:\n"
                                       "  username: joe\n"
                                       "  password: PASSWORDSECRET\n"
                                       "  auto-attach: true\n"
                                       "  service-level: self-support\n"
                                       "  add-pool: [pool1, pool2, pool3]\n"
                                       "  enable-repo: [rhel-off, rhel-on, nosuch]\n"
                                       "  disable-repo: [rhel-on]\n"
                                       "  rhsm-baseurl: https://cdn.example.org\n",
                                       NULL),
                         0);
        assert_calls(&t, "subscription-manager identity\n"
                         "subscription-manager register --username=joe --password=PASSWORDSECRET "
                         "--baseurl=https://cdn.example.org\n"
                         "subscription-manager attach --auto --servicelevel=self-support\n"
                         "subscription-manager list --available --pool-only\n"
                         "subscription-manager list --consumed --pool-only\n"
                         "subscription-manager attach --pool=pool1\n"
                         "subscription-manager repos --list-enabled\n"
                         "subscription-manager repos --list-disabled\n"
                         "subscription-manager repos --disable=rhel-on --enable=rhel-off\n");
        assert_log_has(&t, "Pool pool2 is not available");
        assert_log_has(&t, "Repo nosuch does not appear to exist");
        assert_log_has(&t, "rh_subscription plugin completed successfully");
        assert_null(strstr(t.log.data ? t.log.data : "", "PASSWORDSECRET"));
        troot_free(&t);
}

static void test_registered_incomplete_and_level(void **state)
{
        (void)state;
        struct troot t;

        setup(&t, "0\n");
        assert_int_equal(troot_run_mod(&t, &mod_rh_subscription,
                                       "rh_subscription: {activation-key: K, org: 12}\n", NULL),
                         0);
        assert_calls(&t, "subscription-manager identity\n");
        assert_log_has(&t, "System is already registered");
        troot_free(&t);

        /* service-level without auto-attach: a warning, no registration */
        setup(&t, "1\n");
        assert_int_equal(troot_run_mod(&t, &mod_rh_subscription,
                                       "rh_subscription: {activation-key: K, org: o, "
                                       "service-level: x}\n",
                                       NULL),
                         0);
        assert_calls(&t, "subscription-manager identity\n");
        assert_log_has(&t, "rh_subscription plugin did not complete successfully");
        troot_free(&t);

        /* an activation key without org cannot register */
        setup(&t, "1\n");
        assert_int_equal(troot_run_mod(&t, &mod_rh_subscription,
                                       "rh_subscription: {activation-key: K}\n", NULL),
                         0);
        assert_log_has(&t, "Use either activationkey and org *or* userid and password");
        troot_free(&t);
}

int main(void)
{
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_register_attach_pools_repos),
                cmocka_unit_test(test_registered_incomplete_and_level),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
