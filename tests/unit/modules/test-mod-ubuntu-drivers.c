/* SPDX-License-Identifier: Apache-2.0 */
/* Tests of the ubuntu_drivers external module (modules/ext/ubuntu_drivers.c,
 * compiled in with EXTMOD_NO_MAIN): nothing without the license accepted;
 * the debconf template loaded and ubuntu-drivers run by argv. */
#include "extmod.h"
#include "testlib.h"

extern const struct module mod_ubuntu_drivers;
extern const struct extmod ext_ubuntu_drivers;

/* debconf-communicate also keeps the template it was told to load */
static const char fake[] = "#!/bin/sh\n"
                           "echo \"${0##*/} $*\" >> /calls\n"
                           "cat >> /stdin\n"
                           "[ \"${0##*/}\" = debconf-communicate ] && "
                           "cat /var/tmp/cloudboot-ubuntu_drivers/nvidia.template > /template\n"
                           "exit 0\n";

#define SETUP(t)                                                                                   \
        do {                                                                                       \
                troot_make(t);                                                                     \
                if (!troot_make_system(t)) {                                                       \
                        troot_free(t);                                                             \
                        skip();                                                                    \
                }                                                                                  \
                troot_write_exec(t, "/usr/bin/apt-get", fake);                                     \
                troot_write_exec(t, "/usr/bin/debconf-communicate", fake);                         \
                troot_write_exec(t, "/usr/bin/ubuntu-drivers", fake);                              \
        } while (0)

static void test_install(void **state)
{
        (void)state;
        struct troot t;
        char *tpl;

        SETUP(&t);
        assert_int_equal(troot_run_mod(&t, &mod_ubuntu_drivers,
                                       "drivers: {nvidia: {license-accepted: true, version: "
                                       "'535'}}\n",
                                       NULL),
                         0);
        assert_file_eq(&t, "/calls",
                       "debconf-communicate cloud-init\n"
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

        SETUP(&t);
        assert_int_equal(troot_run_mod(&t, &mod_ubuntu_drivers,
                                       "drivers: {nvidia: {license-accepted: false}}\n", NULL),
                         0);
        assert_int_equal(troot_run_mod(&t, &mod_ubuntu_drivers,
                                       "drivers: {nvidia: {license-accepted: true, version: "
                                       "\"1 --free-only\"}}\n",
                                       NULL),
                         0);
        assert_null(troot_read(&t, "/calls"));
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
