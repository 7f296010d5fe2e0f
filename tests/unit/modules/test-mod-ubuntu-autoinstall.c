/* SPDX-License-Identifier: Apache-2.0 */
/* Tests of the ubuntu_autoinstall external module
 * (modules/ext/ubuntu_autoinstall.c, compiled in with EXTMOD_NO_MAIN): the
 * snap commands, the installer found or cloud-init's warning. */
#include "extmod.h"
#include "testlib.h"

extern const struct module mod_ubuntu_autoinstall;
extern const struct extmod ext_ubuntu_autoinstall;

static const char fake[] = "#!/bin/sh\n"
                           "echo \"snap $*\" >> /calls\n"
                           "[ \"$1\" = list ] && cat /snaps\n"
                           "exit 0\n";

static void run_with(const char *snaps, bool warned)
{
        struct troot t;

        troot_make_target(&t);
        troot_write_exec(&t, "/usr/bin/snap", fake);
        troot_write(&t, "/snaps", snaps);
        assert_int_equal(troot_run_mod(&t, &mod_ubuntu_autoinstall,
                                       "autoinstall: {version: 1, identity: {hostname: x}}\n",
                                       NULL),
                         0);
        assert_calls(&t, "snap wait system seed.loaded\nsnap list\n");
        if (warned)
                assert_log_has(&t, "Skipping autoinstall module. Expected one of the Ubuntu "
                                   "installer snap packages to be present");
        else
                assert_log_has(&t, "Config will be processed by subiquity");
        troot_free(&t);
}

static void test_installer_present(void **state)
{
        (void)state;
        run_with("Name  Version\nsubiquity  23.04\ncore22 x\n", false);
}

static void test_installer_missing(void **state)
{
        (void)state;
        run_with("Name  Version\ncore22 x\n", true);
}

static void test_version_required(void **state)
{
        (void)state;
        struct troot t;

        troot_make(&t);
        /* without version the key is refused by the schema: nothing runs */
        assert_int_equal(troot_run_mod(&t, &mod_ubuntu_autoinstall, "autoinstall: {x: 1}\n", NULL),
                         0);
        assert_calls(&t, NULL);
        troot_free(&t);
}

int main(void)
{
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_installer_present),
                cmocka_unit_test(test_installer_missing),
                cmocka_unit_test(test_version_required),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
