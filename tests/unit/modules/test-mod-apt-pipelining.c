/* SPDX-License-Identifier: Apache-2.0 */
/* Tests of modules/apt_pipelining.c. */
#include "testlib.h"

#define FN "/etc/apt/apt.conf.d/90cloud-init-pipelining"

static void expect_depth(const char *cfg, const char *depth)
{
        struct troot t;
        char want[256];
        troot_make(&t);
        assert_int_equal(troot_run_module(&t, "apt_pipelining", cfg, NULL), 0);
        (void)snprintf(want, sizeof(want),
                       "//Written by cloud-init per 'apt_pipelining'\n"
                       "Acquire::http::Pipeline-Depth \"%s\";\n",
                       depth);
        assert_file_eq(&t, FN, want);
        assert_int_equal(troot_mode(&t, FN) & 07777, 0644);
        troot_free(&t);
}

static void test_depths(void **state)
{
        (void)state;
        expect_depth("apt_pipelining: false\n", "0");
        expect_depth("apt_pipelining: 3\n", "3");
        expect_depth("apt_pipelining: '5'\n", "5");
        expect_depth("apt_pipelining: ' FALSE '\n", "0");
}

static void test_os_none_unchanged_leave_apt_alone(void **state)
{
        (void)state;
        const char *cfgs[] = { "apt_pipelining: os\n", "apt_pipelining: none\n",
                               "apt_pipelining: Unchanged\n", NULL };
        for (const char *const *c = cfgs; *c; c++) {
                struct troot t;
                troot_make(&t);
                assert_int_equal(troot_run_module(&t, "apt_pipelining", *c, NULL), 0);
                assert_false(fs_exists(t.fd, FN));
                troot_free(&t);
        }
}

static void test_bad_values_refused(void **state)
{
        (void)state;
        const char *cfgs[] = { "apt_pipelining: true\n", "apt_pipelining: 6\n",
                               "apt_pipelining: \"1\\n2\"\n", "apt_pipelining: -1\n", NULL };
        for (const char *const *c = cfgs; *c; c++) {
                struct troot t;
                troot_make(&t);
                assert_int_equal(troot_run_module(&t, "apt_pipelining", *c, NULL), -EINVAL);
                assert_log_has(&t, "test.yaml:1:17: apt_pipelining: must be false, none");
                assert_false(fs_exists(t.fd, FN));
                troot_free(&t);
        }
}

int main(void)
{
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_depths),
                cmocka_unit_test(test_os_none_unchanged_leave_apt_alone),
                cmocka_unit_test(test_bad_values_refused),
        };
        int r = cmocka_run_group_tests_name("mod-apt-pipelining", tests, NULL, NULL);
        node_names_free();
        return r;
}
