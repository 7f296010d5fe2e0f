/* SPDX-License-Identifier: Apache-2.0 */
/* Tests of modules/commands.c, modules/scripts_dirs.c and src/scripts.c:
 * the scripts written, and (as root, chrooted into a busybox target) run. */
#include "testlib.h"
#include "scripts.h"

static void test_shellify_quotes_lists_as_cloud_init_does(void **state)
{
        (void)state;
        struct node *cmds =
                test_yaml("- [ls, -l, /]\n- echo 'verbatim' > /x\n"
                          "- [sh, -c, \"echo \\\"it's\\\"\"]\n- [echo, 0644, true, ~]\n");
        struct buf out = BUF_INIT(4096);
        assert_int_equal(shellify(cmds, "runcmd", &out), 0);
        assert_string_equal(out.data, "#!/bin/sh\n"
                                      "'ls' '-l' '/'\n"
                                      "echo 'verbatim' > /x\n"
                                      "'sh' '-c' 'echo \"it'\\''s\"'\n"
                                      "'echo' '420' 'True' 'None'\n");
        buf_free(&out);
        node_free(cmds);
        cmds = test_yaml("- {a: b}\n");
        out = BUF_INIT(4096);
        assert_int_equal(shellify(cmds, "runcmd", &out), -EINVAL);
        buf_free(&out);
        node_free(cmds);
}

static void test_runcmd_written_not_run(void **state)
{
        (void)state;
        struct troot t;
        troot_make(&t);
        assert_int_equal(
                troot_run_module(&t, "runcmd", "runcmd:\n- touch /ran\n- [echo, hi]\n", NULL), 0);
        assert_file_eq(&t, "/var/lib/cloud/instances/i-test/scripts/runcmd",
                       "#!/bin/sh\ntouch /ran\n'echo' 'hi'\n");
        assert_int_equal(troot_mode(&t, "/var/lib/cloud/instances/i-test/scripts/runcmd") & 07777,
                         0700);
        assert_false(fs_exists(t.fd, "/ran"));
        troot_free(&t);
}

static void test_bootcmd_runs_in_target_with_instance_id(void **state)
{
        (void)state;
        struct troot t;
        troot_make_target(&t);
        assert_int_equal(troot_run_module(&t, "bootcmd",
                                          "bootcmd:\n- echo \"$INSTANCE_ID\" > /tmp/iid\n"
                                          "- [touch, /tmp/second]\n",
                                          NULL),
                         0);
        assert_file_eq(&t, "/tmp/iid", "i-test\n");
        assert_true(fs_exists(t.fd, "/tmp/second"));
        /* the script is not left behind */
        assert_false(fs_exists(t.fd, "/run/cloud-init/bootcmd.sh"));
        assert_int_equal(troot_run_module(&t, "bootcmd", "bootcmd: [\"false\"]\n", NULL), -EPROTO);
        assert_log_has(&t, "bootcmd failed with exit status 1");
        troot_free(&t);
}

static void test_scripts_run_in_name_order_and_failures_count(void **state)
{
        (void)state;
        struct troot t;
        char path[512];
        troot_make_target(&t);
        assert_int_equal(fs_write_atomic(t.fd, "/var/lib/cloud/instances/i-test/scripts/b",
                                         "#!/bin/sh\necho b >> /tmp/order\nexit 3\n", 39, 0700,
                                         FS_NO_OWNER, (gid_t)-1),
                         0);
        assert_int_equal(fs_write_atomic(t.fd, "/var/lib/cloud/instances/i-test/scripts/a",
                                         "#!/bin/sh\necho a >> /tmp/order\n", 31, 0700, FS_NO_OWNER,
                                         (gid_t)-1),
                         0);
        assert_int_equal(fs_write_atomic(t.fd, "/var/lib/cloud/instances/i-test/scripts/c",
                                         "#!/bin/sh\necho c >> /tmp/order\n", 31, 0700, FS_NO_OWNER,
                                         (gid_t)-1),
                         0);
        troot_write(&t, "/var/lib/cloud/instances/i-test/scripts/d-not-executable", "#!/bin/sh\n");
        assert_int_equal(troot_run_module(&t, "scripts_user", "{}\n", NULL), -EPROTO);
        assert_file_eq(&t, "/tmp/order", "a\nb\nc\n");
        (void)snprintf(path, sizeof(path), "/var/lib/cloud/instances/i-test/scripts/b");
        assert_log_has(&t, "/var/lib/cloud/instances/i-test/scripts/b failed with exit status 3");
        assert_log_has(&t, "d-not-executable is not executable; skipped");
        /* per-boot and per-once directories */
        assert_int_equal(fs_write_atomic(t.fd, "/var/lib/cloud/scripts/per-boot/x",
                                         "#!/bin/sh\necho boot >> /tmp/boot\n", 34, 0755,
                                         FS_NO_OWNER, (gid_t)-1),
                         0);
        assert_int_equal(troot_run_module(&t, "scripts_per_boot", "{}\n", NULL), 0);
        assert_file_eq(&t, "/tmp/boot", "boot\n");
        assert_int_equal(troot_run_module(&t, "scripts_per_once", "{}\n", NULL), 0);
        troot_free(&t);
}

int main(void)
{
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_shellify_quotes_lists_as_cloud_init_does),
                cmocka_unit_test(test_runcmd_written_not_run),
                cmocka_unit_test(test_bootcmd_runs_in_target_with_instance_id),
                cmocka_unit_test(test_scripts_run_in_name_order_and_failures_count),
        };
        int r = cmocka_run_group_tests_name("mod-commands", tests, NULL, NULL);
        node_names_free();
        return r;
}
