/* SPDX-License-Identifier: Apache-2.0 */
/* Tests of modules/timezone.c. */
#include "testlib.h"

static char *link_of(struct troot *t, const char *path)
{
        char full[512], target[256];
        ssize_t n;
        (void)snprintf(full, sizeof(full), "%s%s", t->path, path);
        n = readlink(full, target, sizeof(target) - 1);
        if (n < 0)
                return NULL;
        target[n] = '\0';
        return strdup(target);
}

static void test_zone_set_on_debian(void **state)
{
        (void)state;
        struct troot t;
        char *l;
        troot_make(&t);
        troot_write(&t, "/usr/share/zoneinfo/Africa/Dar_es_Salaam", "TZif-fake");
        troot_write(&t, "/etc/debian_version", "12.0\n");
        assert_int_equal(troot_run_module(&t, "timezone", "timezone: Africa/Dar_es_Salaam\n", NULL),
                         0);
        l = link_of(&t, "/etc/localtime");
        assert_string_equal(l, "/usr/share/zoneinfo/Africa/Dar_es_Salaam");
        free(l);
        assert_file_eq(&t, "/etc/timezone", "Africa/Dar_es_Salaam\n");
        /* a second boot changes nothing */
        assert_int_equal(troot_run_module(&t, "timezone", "timezone: Africa/Dar_es_Salaam\n", NULL),
                         0);
        assert_file_eq(&t, "/etc/timezone", "Africa/Dar_es_Salaam\n");
        troot_free(&t);
}

static void test_no_etc_timezone_elsewhere(void **state)
{
        (void)state;
        struct troot t;
        troot_make(&t);
        troot_write(&t, "/usr/share/zoneinfo/UTC", "TZif-fake");
        assert_int_equal(troot_run_module(&t, "timezone", "timezone: UTC\n", NULL), 0);
        assert_false(fs_exists(t.fd, "/etc/timezone"));
        assert_true(fs_exists(t.fd, "/etc/localtime"));
        troot_free(&t);
}

static void test_unknown_or_bad_zone_changes_nothing(void **state)
{
        (void)state;
        struct troot t;
        char *l;
        troot_make(&t);
        troot_write(&t, "/usr/share/zoneinfo/UTC", "TZif-fake");
        troot_write(&t, "/etc/debian_version", "12.0\n");
        assert_int_equal(troot_run_module(&t, "timezone", "timezone: UTC\n", NULL), 0);
        assert_int_equal(troot_run_module(&t, "timezone", "timezone: Mars/Olympus_Mons\n", NULL),
                         -ENOENT);
        assert_log_has(&t, "Unknown timezone 'Mars/Olympus_Mons'");
        assert_int_equal(troot_run_module(&t, "timezone", "timezone: ../../etc/passwd\n", NULL),
                         -EINVAL);
        assert_int_equal(troot_run_module(&t, "timezone", "timezone: Europe\n", NULL), -ENOENT);
        l = link_of(&t, "/etc/localtime");
        assert_string_equal(l, "/usr/share/zoneinfo/UTC");
        free(l);
        assert_file_eq(&t, "/etc/timezone", "UTC\n");
        troot_free(&t);
}

int main(void)
{
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_zone_set_on_debian),
                cmocka_unit_test(test_no_etc_timezone_elsewhere),
                cmocka_unit_test(test_unknown_or_bad_zone_changes_nothing),
        };
        int r = cmocka_run_group_tests_name("mod-timezone", tests, NULL, NULL);
        node_names_free();
        return r;
}
