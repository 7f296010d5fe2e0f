/* SPDX-License-Identifier: Apache-2.0 */
/* Tests of modules/seed_random.c on a --root tree. */
#include "testlib.h"

static void test_data_and_metadata_appended(void **state)
{
        (void)state;
        struct troot t;
        troot_make(&t);
        troot_write(&t, "/var/lib/seed", "old:");
        assert_int_equal(troot_run_module(&t, "seed_random",
                                          "random_seed:\n  file: /var/lib/seed\n"
                                          "  data: aGVsbG8=\n  encoding: b64\n",
                                          "random_seed: '-md'\n"),
                         0);
        assert_file_eq(&t, "/var/lib/seed", "old:hello-md");
        assert_int_equal(troot_mode(&t, "/var/lib/seed") & 07777, 0644);
        /* the seed is not in the log */
        if (strstr(t.log.data, "hello"))
                fail_msg("the seed is in the log");
        troot_free(&t);
}

static void test_gzip_and_device_under_root(void **state)
{
        (void)state;
        struct troot t;
        troot_make(&t);
        /* "seed\n" gzipped, in base64 */
        assert_int_equal(troot_run_module(&t, "seed_random",
                                          "random_seed:\n  file: /seedfile\n  encoding: gz\n"
                                          "  data: H4sIAAAAAAAAAytOTU3hAgBFJPDbBQAAAA==\n",
                                          NULL),
                         0);
        assert_file_eq(&t, "/seedfile", "seed\n");
        assert_int_equal(troot_run_module(&t, "seed_random", "random_seed: {data: abc}\n", NULL),
                         0);
        assert_log_has(&t, "/dev/urandom is a device of this machine, not of the target; 3 bytes "
                           "not written");
        assert_false(fs_exists(t.fd, "/dev/urandom"));
        troot_free(&t);
}

static void test_command_required_and_bad_values(void **state)
{
        (void)state;
        struct troot t;
        troot_make(&t);
        assert_int_equal(troot_run_module(&t, "seed_random",
                                          "random_seed: {command: [pollinate, -q], "
                                          "command_required: true}\n",
                                          NULL),
                         -ENOENT);
        assert_log_has(&t, "command 'pollinate' not found but required=true");
        assert_int_equal(troot_run_module(&t, "seed_random",
                                          "random_seed: {command: [pollinate, -q]}\n", NULL),
                         0);
        assert_log_has(&t, "random_seed: command 'pollinate' not found; skipped");
        assert_int_equal(troot_run_module(&t, "seed_random",
                                          "random_seed: {file: /s, data: '!!', encoding: base64}\n",
                                          NULL),
                         -EINVAL);
        assert_log_has(&t, "test.yaml:1:31: random_seed.data: cannot be decoded");
        assert_int_equal(troot_run_module(&t, "seed_random",
                                          "random_seed: {file: \"../x\\n\", data: a}\n", NULL),
                         -EINVAL);
        assert_log_has(&t, "random_seed.file: must be an absolute path");
        troot_free(&t);
}

static void test_command_runs_in_target(void **state)
{
        (void)state;
        struct troot t;
        static const char fake[] = "#!/bin/sh\necho \"$0 $* $RANDOM_SEED_FILE\" > /tmp/ran\n";
        troot_make_target(&t);
        assert_int_equal(fs_write_atomic(t.fd, "/usr/bin/pollinate", fake, sizeof(fake) - 1, 0755,
                                         FS_NO_OWNER, (gid_t)-1),
                         0);
        assert_int_equal(troot_run_module(&t, "seed_random",
                                          "random_seed: {file: /seed, command: [pollinate, -q]}\n",
                                          NULL),
                         0);
        assert_file_eq(&t, "/tmp/ran", "/usr/bin/pollinate -q /seed\n");
        troot_free(&t);
}

int main(void)
{
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_data_and_metadata_appended),
                cmocka_unit_test(test_gzip_and_device_under_root),
                cmocka_unit_test(test_command_required_and_bad_values),
                cmocka_unit_test(test_command_runs_in_target),
        };
        int r = cmocka_run_group_tests_name("mod-seed-random", tests, NULL, NULL);
        node_names_free();
        return r;
}
