/* SPDX-License-Identifier: Apache-2.0 */
/* Tests of modules/disable_ec2_metadata.c: the argv it runs (a stub on PATH
 * standing for this machine's ip or route), and nothing under --root. */
#include "testlib.h"

/* Run the module as on this machine (root_is_host), the tools found in t. */
static int run_as_host(struct troot *t, const char *cfg_text)
{
        struct node *cfg = test_yaml(cfg_text), *md = test_yaml("{}");
        struct schema_report rep = { 0 };
        struct module_ctx ctx = { .root_fd = t->fd,
                                  .root = t->path,
                                  .root_is_host = true,
                                  .iid = "i-test",
                                  .iid_raw = "i-test",
                                  .stage = "test",
                                  .cfg = cfg,
                                  .md = md };
        int r;
        schema_validate_config(cfg, &rep);
        r = module_find("disable_ec2_metadata")->run(&ctx);
        node_free(cfg);
        node_free(md);
        return r;
}

static void test_ip_route_prohibit(void **state)
{
        (void)state;
        static const char *const names[] = { "ip", "route", NULL };
        struct troot t;
        char dir[256], *calls;
        troot_make(&t);
        stubs_make(dir, sizeof(dir), names);
        troot_write_exec(&t, "/usr/sbin/ip", "#!/bin/sh\nexit 0\n");
        troot_write_exec(&t, "/usr/sbin/route", "#!/bin/sh\nexit 0\n");
        assert_int_equal(run_as_host(&t, "disable_ec2_metadata: true\n"), 0);
        calls = stubs_read(dir, "calls");
        assert_string_equal(calls, "ip [route] [add] [prohibit] [169.254.169.254]\n");
        free(calls);
        /* no ip: route's reject */
        assert_int_equal(fs_unlink(t.fd, "/usr/sbin/ip"), 0);
        assert_int_equal(run_as_host(&t, "disable_ec2_metadata: true\n"), 0);
        calls = stubs_read(dir, "calls");
        assert_string_equal(calls, "ip [route] [add] [prohibit] [169.254.169.254]\n"
                                   "route [add] [-host] [169.254.169.254] [reject]\n");
        free(calls);
        /* false, or neither tool: nothing run */
        assert_int_equal(run_as_host(&t, "disable_ec2_metadata: false\n"), 0);
        assert_int_equal(fs_unlink(t.fd, "/usr/sbin/route"), 0);
        assert_int_equal(run_as_host(&t, "disable_ec2_metadata: true\n"), -ENOENT);
        assert_log_has(&t, "Neither \"route\" nor \"ip\" command found");
        calls = stubs_read(dir, "calls");
        assert_string_equal(calls, "ip [route] [add] [prohibit] [169.254.169.254]\n"
                                   "route [add] [-host] [169.254.169.254] [reject]\n");
        free(calls);
        stubs_free(dir);
        troot_free(&t);
}

static void test_not_under_root(void **state)
{
        (void)state;
        static const char *const names[] = { "ip", NULL };
        struct troot t;
        char dir[256], *calls;
        troot_make(&t);
        stubs_make(dir, sizeof(dir), names);
        troot_write_exec(&t, "/usr/sbin/ip", "#!/bin/sh\nexit 0\n");
        assert_int_equal(troot_run_module(&t, "disable_ec2_metadata",
                                          "disable_ec2_metadata: true\n", NULL),
                         0);
        assert_log_has(&t, "a route belongs to this machine, not to the target");
        calls = stubs_read(dir, "calls");
        assert_string_equal(calls, "");
        free(calls);
        stubs_free(dir);
        troot_free(&t);
}

int main(void)
{
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_ip_route_prohibit),
                cmocka_unit_test(test_not_under_root),
        };
        int r = cmocka_run_group_tests_name("mod-disable-ec2-metadata", tests, NULL, NULL);
        node_names_free();
        return r;
}
