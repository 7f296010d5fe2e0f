/* SPDX-License-Identifier: Apache-2.0 */
/* Tests of modules/locale.c on a Debian-shaped busybox target whose
 * locale-gen and update-locale are fakes that record their argv and
 * environment (the real update-locale writes the file: the fake does too). */
#include <unistd.h>

#include "testlib.h"

static const char fake_gen[] = "#!/bin/sh\n"
                               "echo \"locale-gen $* LANG=$LANG LC_ALL=$LC_ALL\" >> /tmp/cmd.log\n";
static const char fake_update[] = "#!/bin/sh\n"
                                  "echo \"update-locale $* LANG=$LANG\" >> /tmp/cmd.log\n"
                                  "f=${1#--locale-file=}\n"
                                  "echo \"$2\" > \"$f\"\n";

static void target(struct troot *t)
{
        troot_make_target(t);
        troot_write_exec(t, "/usr/sbin/locale-gen", fake_gen);
        troot_write_exec(t, "/usr/sbin/update-locale", fake_update);
        troot_write(t, "/usr/share/i18n/SUPPORTED",
                    "en_GB.UTF-8 UTF-8\n"
                    "en_US.UTF-8 UTF-8\n"
                    "en_US ISO-8859-1\n"
                    "en_US.ISO-8859-15 ISO-8859-15\n"
                    "fi_FI ISO-8859-1\n"
                    "fi_FI@euro ISO-8859-15\n"
                    "fi_FI.UTF-8 UTF-8\n");
        assert_int_equal(fs_mkdir_p(t->fd, "/etc/default", 0755), 0);
        troot_write(t, "/etc/locale.gen",
                    "# This file lists locales\n"
                    "#\n"
                    "# en_GB.UTF-8 UTF-8\n"
                    "# en_US.UTF-8 UTF-8\n"
                    "# fi_FI ISO-8859-1\n");
}

static void test_locale_enabled_generated_and_set(void **state)
{
        (void)state;
        struct troot t;
        target(&t);
        assert_int_equal(troot_run_module(&t, "locale", "locale: en_US.UTF-8\n", NULL), 0);
        assert_file_eq(&t, "/etc/locale.gen",
                       "# This file lists locales\n"
                       "#\n"
                       "# en_GB.UTF-8 UTF-8\n"
                       "en_US.UTF-8 UTF-8\n"
                       "# fi_FI ISO-8859-1\n");
        assert_file_eq(&t, "/tmp/cmd.log",
                       "locale-gen --keep-existing LANG=C.UTF-8 LC_ALL=C.UTF-8\n"
                       "update-locale --locale-file=/etc/default/locale LANG=en_US.UTF-8 "
                       "LANG=C.UTF-8\n");
        assert_file_eq(&t, "/etc/default/locale", "LANG=en_US.UTF-8\n");
        /* the same again: nothing to do */
        assert_int_equal(troot_run_module(&t, "locale", "locale: en_US.UTF-8\n", NULL), 0);
        assert_log_has(&t, "locale: the system has LANG=en_US.UTF-8 already");
        troot_free(&t);
}

static void test_utf8_preferred_and_configfile(void **state)
{
        (void)state;
        struct troot t;
        target(&t);
        assert_int_equal(troot_run_module(&t, "locale",
                                          "locale: fi_FI\nlocale_configfile: /etc/locale.conf\n",
                                          NULL),
                         0);
        assert_file_eq(&t, "/etc/locale.gen",
                       "# This file lists locales\n"
                       "#\n"
                       "# en_GB.UTF-8 UTF-8\n"
                       "# en_US.UTF-8 UTF-8\n"
                       "# fi_FI ISO-8859-1\n"
                       "fi_FI.UTF-8 UTF-8\n");
        assert_file_eq(&t, "/etc/locale.conf", "LANG=fi_FI\n");
        troot_free(&t);
}

static void test_c_locale_needs_no_generation(void **state)
{
        (void)state;
        struct troot t;
        target(&t);
        /* no locale key: the system's, else C.UTF-8, as cloud-init */
        assert_int_equal(troot_run_module(&t, "locale", "{}\n", NULL), 0);
        assert_file_eq(&t, "/tmp/cmd.log",
                       "update-locale --locale-file=/etc/default/locale LANG=C.UTF-8 "
                       "LANG=C.UTF-8\n");
        troot_free(&t);
}

static void test_c_locale_without_update_locale(void **state)
{
        (void)state;
        struct troot t;
        /* a minimal system: no locales package (none is installed for C.UTF-8) */
        troot_make_target(&t);
        assert_int_equal(fs_mkdir_p(t.fd, "/etc/default", 0755), 0);
        troot_write(&t, "/etc/default/locale", "LANGUAGE=en\nexport LANG=en_US.UTF-8\n");
        assert_int_equal(troot_run_module(&t, "locale", "locale: C.UTF-8\n", NULL), 0);
        assert_file_eq(&t, "/etc/default/locale", "LANGUAGE=en\nLANG=C.UTF-8\n");
        assert_log_has(&t, "Set LANG=C.UTF-8 in /etc/default/locale (no update-locale in the "
                           "target: the file written directly)");
        /* no file at all: written with LANG alone, 0644 */
        assert_int_equal(fs_unlink(t.fd, "/etc/default/locale"), 0);
        assert_int_equal(troot_run_module(&t, "locale", "locale: C.UTF-8\n", NULL), 0);
        assert_file_eq(&t, "/etc/default/locale", "LANG=C.UTF-8\n");
        assert_int_equal(troot_mode(&t, "/etc/default/locale") & 07777, 0644);
        /* a locale to generate cannot be: an error, the file untouched */
        assert_int_not_equal(troot_run_module(&t, "locale", "locale: de_DE.UTF-8\n", NULL), 0);
        assert_file_eq(&t, "/etc/default/locale", "LANG=C.UTF-8\n");
        troot_free(&t);
}

static void test_false_bad_and_no_tools(void **state)
{
        (void)state;
        struct troot t;
        troot_make(&t);
        assert_int_equal(troot_run_module(&t, "locale", "locale: false\n", NULL), 0);
        assert_log_has(&t, "locale: disabled by config");
        /* nothing asked and no tools: the default C.UTF-8 is written, as
         * cloud-init's update-locale writes it */
        assert_int_equal(troot_run_module(&t, "locale", "{}\n", NULL), 0);
        assert_file_eq(&t, "/etc/default/locale", "LANG=C.UTF-8\n");
        /* a system locale that would need generating: left as it is */
        troot_write(&t, "/etc/default/locale", "LANG=de_DE.UTF-8\n");
        assert_int_equal(troot_run_module(&t, "locale", "{}\n", NULL), 0);
        assert_log_has(&t, "no locale configured and no update-locale in the target");
        assert_file_eq(&t, "/etc/default/locale", "LANG=de_DE.UTF-8\n");
        assert_int_equal(fs_unlink(t.fd, "/etc/default/locale"), 0);
        assert_int_equal(troot_run_module(&t, "locale", "locale: \"en_US\\nLC_ALL=x\"\n", NULL),
                         -EINVAL);
        assert_log_has(&t, "test.yaml:1:9: locale: must be a locale name");
        assert_int_equal(
                troot_run_module(&t, "locale", "locale: de_DE\nlocale_configfile: ../x\n", NULL),
                -EINVAL);
        assert_log_has(&t, "test.yaml:2:20: locale_configfile: must be an absolute path");
        assert_false(fs_exists(t.fd, "/etc/locale.gen"));
        troot_free(&t);
}

/* Debian 13: /etc/default/locale is a link to /etc/locale.conf, and
 * update-locale writes through it; so does cloudboot, keeping the link. */
static void test_written_through_debian_link(void **state)
{
        (void)state;
        struct troot t;
        char target[64] = "";
        troot_make(&t);
        assert_int_equal(fs_mkdir_p(t.fd, "/etc/default", 0755), 0);
        troot_write(&t, "/etc/locale.conf", "#  File generated by update-locale\n");
        assert_int_equal(symlinkat("../locale.conf", t.fd, "etc/default/locale"), 0);
        assert_int_equal(troot_run_module(&t, "locale", "{}\n", NULL), 0);
        assert_file_eq(&t, "/etc/locale.conf", "#  File generated by update-locale\nLANG=C.UTF-8\n");
        assert_int_equal(readlinkat(t.fd, "etc/default/locale", target, sizeof(target) - 1), 14);
        assert_string_equal(target, "../locale.conf");
        troot_free(&t);
}

int main(void)
{
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_locale_enabled_generated_and_set),
                cmocka_unit_test(test_utf8_preferred_and_configfile),
                cmocka_unit_test(test_c_locale_needs_no_generation),
                cmocka_unit_test(test_c_locale_without_update_locale),
                cmocka_unit_test(test_false_bad_and_no_tools),
                cmocka_unit_test(test_written_through_debian_link),
        };
        int r = cmocka_run_group_tests_name("mod-locale", tests, NULL, NULL);
        node_names_free();
        return r;
}
