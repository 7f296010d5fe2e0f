/* SPDX-License-Identifier: Apache-2.0 */
/* Tests of the ubuntu_drivers external module (modules/ext/ubuntu_drivers.c,
 * compiled in with EXTMOD_NO_MAIN): nothing without the license accepted;
 * the debconf template loaded and ubuntu-drivers run by argv. */
#include "extmod.h"
#include "testlib.h"

extern const struct module mod_ubuntu_drivers;
extern const struct extmod ext_ubuntu_drivers;

/* debconf-communicate also keeps the template it was told to load */
static const char fake[] =
        FAKE_RECORDER_STDIN "[ \"${0##*/}\" = debconf-communicate ] && "
                            "cat /var/tmp/cloudboot-ubuntu_drivers/nvidia.template > /template\n"
                            "exit 0\n";

static const char *const tools[] = { "/usr/bin/apt-get", "/usr/bin/debconf-communicate",
                                     "/usr/bin/ubuntu-drivers", NULL };

static void test_install(void **state)
{
        (void)state;
        struct troot t;
        char *tpl;

        troot_make_fakes(&t, fake, tools);
        assert_int_equal(troot_run_mod(&t, &mod_ubuntu_drivers,
                                       "drivers: {nvidia: {license-accepted: true, version: "
                                       "'535'}}\n",
                                       NULL),
                         0);
        assert_calls(&t, "debconf-communicate cloud-init\n"
                         "ubuntu-drivers install --gpgpu nvidia:535\n");
        assert_file_eq(&t, "/stdin",
                       "X_LOADTEMPLATEFILE /var/tmp/cloudboot-ubuntu_drivers/nvidia.template\n");
        tpl = troot_read(&t, "/template");
        assert_non_null(tpl);
        assert_true(strncmp(tpl, "Template: linux/nvidia/latelink\n", 32) == 0);
        free(tpl);
        /* the temporary directory is gone */
        assert_int_equal(faccessat(t.fd, "var/tmp/cloudboot-ubuntu_drivers", F_OK, 0), -1);
        troot_free(&t);
}

static void test_not_accepted_or_bad_version(void **state)
{
        (void)state;
        struct troot t;

        troot_make_fakes(&t, fake, tools);
        assert_int_equal(troot_run_mod(&t, &mod_ubuntu_drivers,
                                       "drivers: {nvidia: {license-accepted: false}}\n", NULL),
                         0);
        assert_int_equal(troot_run_mod(&t, &mod_ubuntu_drivers,
                                       "drivers: {nvidia: {license-accepted: true, version: "
                                       "\"1 --free-only\"}}\n",
                                       NULL),
                         0);
        assert_calls(&t, NULL);
        troot_free(&t);
}

int main(void)
{
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_install),
                cmocka_unit_test(test_not_accepted_or_bad_version),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
