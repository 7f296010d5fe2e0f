/* SPDX-License-Identifier: Apache-2.0 */
/* Tests of reset_rmc (modules/reset_rmc.c): nothing without RSCT or under
 * DataSourceNone; with RSCT, rmcctrl -z then recfgct by argv in the target,
 * and a failure when the node ID stays the same. */
#include "testlib.h"

/* rmcctrl records its call; recfgct records its call and writes a new ID */
static const char rmcctrl[] = "#!/bin/sh\necho \"rmcctrl $*\" >> /calls\n";
static const char recfgct[] = "#!/bin/sh\necho \"recfgct $*\" >> /calls\n"
                              "[ -f /new-id ] && cat /new-id > /etc/ct_node_id\nexit 0\n";

static void setup(struct troot *t)
{
        troot_make_target(t);
        troot_write_exec(t, "/opt/rsct/install/bin/rmcctrl", rmcctrl);
        troot_write_exec(t, "/opt/rsct/install/bin/recfgct", recfgct);
        troot_write(t, "/etc/ct_node_id", "0123456789abcdef\nline two\n");
}

static void test_no_rsct_does_nothing(void **state)
{
        (void)state;
        struct troot t;

        troot_make(&t);
        assert_int_equal(troot_run_module(&t, "reset_rmc", "{}\n", NULL), 0);
        assert_log_has(&t, "module disabled, RSCT_PATH not present");
        assert_calls(&t, NULL);
        troot_free(&t);
}

static void test_new_node_id(void **state)
{
        (void)state;
        struct troot t;

        setup(&t);
        troot_write(&t, "/new-id", "fedcba9876543210\n");
        assert_int_equal(troot_run_module(&t, "reset_rmc", "{}\n", NULL), 0);
        assert_calls(&t, "rmcctrl -z\nrecfgct \n");
        assert_log_has(&t, "Node ID at end of module: fedcba9876543210");
        troot_free(&t);
}

static void test_same_node_id_fails(void **state)
{
        (void)state;
        struct troot t;

        setup(&t);
        assert_int_equal(troot_run_module(&t, "reset_rmc", "{}\n", NULL), -EPROTO);
        assert_calls(&t, "rmcctrl -z\nrecfgct \n");
        assert_log_has(&t, "New node ID did not get generated.");
        troot_free(&t);
}

int main(void)
{
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_no_rsct_does_nothing),
                cmocka_unit_test(test_new_node_id),
                cmocka_unit_test(test_same_node_id_fails),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
