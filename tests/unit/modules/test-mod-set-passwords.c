/* SPDX-License-Identifier: Apache-2.0 */
/* Tests of modules/set_passwords.c: stubs for chpasswd and passwd; RANDOM
 * passwords only on the console; ssh_pwauth in the right file. */
#include "testlib.h"

static const char *const tools[] = { "chpasswd", "passwd", "usermod", "systemctl", NULL };

/* Run a module with stderr going to a file; what it wrote there (the
 * caller's console under --root). */
static __attribute__((noinline)) char *run_stderr(struct troot *t, const char *mod, const char *cfg,
                                                  int *ret)
{
        return troot_run_module_output(t, mod, cfg, NULL, STDERR_FILENO, ret);
}

static void test_chpasswd_users_and_random_on_console_only(void **state)
{
        (void)state;
        struct troot t;
        char stubs[256], expect[600];
        char *console, *in, *calls, *line, *img;
        int r;
        troot_make(&t);
        stubs_make(stubs, sizeof(stubs), tools);
        troot_write(&t, "/dev/console", "");
        console = run_stderr(&t, "set_passwords",
                             "chpasswd:\n  users:\n"
                             "  - {name: user1, password: plain-secret, type: text}\n"
                             "  - {name: user2, password: $6$abc$def}\n"
                             "  - {name: user3, type: RANDOM}\n",
                             &r);
        assert_int_equal(r, 0);
        /* under --root the target's dev/console is a file of the image:
         * nothing is written into it; the caller's stderr is the console */
        img = troot_read(&t, "/dev/console");
        assert_string_equal(img, "");
        free(img);
        calls = stubs_read(stubs, "calls");
        /* three chpasswd runs; expiry for text and RANDOM, not for the hash */
        (void)snprintf(expect, sizeof(expect), "passwd [--root] [%s] [--expire] [user1]", t.path);
        assert_non_null(strstr(calls, expect));
        (void)snprintf(expect, sizeof(expect), "passwd [--root] [%s] [--expire] [user3]", t.path);
        assert_non_null(strstr(calls, expect));
        assert_null(strstr(calls, "[--expire] [user2]"));
        assert_null(strstr(calls, "plain-secret"));
        free(calls);
        in = stubs_read(stubs, "stdin");
        assert_non_null(strstr(in, "user2:$6$abc$def\n"));
        assert_null(strstr(in, "plain-secret"));
        assert_non_null(strstr(in, "user1:$"));
        free(in);
        line = strstr(console, "user3:");
        assert_non_null(strstr(console, "Set the following 'random' passwords\n"));
        assert_non_null(line);
        assert_int_equal(strcspn(line + 6, "\n"), 20);
        /* the random password is nowhere in the log */
        {
                char pw[21];
                memcpy(pw, line + 6, 20);
                pw[20] = '\0';
                assert_null(strstr(t.log.data, pw));
        }
        assert_null(strstr(t.log.data, "plain-secret"));
        free(console);
        stubs_free(stubs);
        troot_free(&t);
}

static void test_expire_false_and_default_user_password(void **state)
{
        (void)state;
        struct troot t;
        char stubs[256];
        char *calls;
        troot_make(&t);
        stubs_make(stubs, sizeof(stubs), tools);
        assert_int_equal(troot_run_module(&t, "set_passwords",
                                          "system_info: {default_user: {name: debian}}\n"
                                          "password: hunter22\nchpasswd: {expire: false}\n",
                                          NULL),
                         0);
        calls = stubs_read(stubs, "calls");
        assert_non_null(strstr(calls, "chpasswd"));
        assert_null(strstr(calls, "--expire"));
        free(calls);
        calls = stubs_read(stubs, "stdin");
        assert_true(strncmp(calls, "debian:$", 8) == 0);
        free(calls);
        stubs_free(stubs);
        troot_free(&t);
}

/* stderr that is the journal (JOURNAL_STREAM names it) is a log, not a
 * console: the password is shown nowhere and that is reported. */
static void test_random_with_journal_stderr_is_an_error(void **state)
{
        (void)state;
        struct troot t;
        char stubs[256], env[64];
        struct stat st;
        troot_make(&t);
        stubs_make(stubs, sizeof(stubs), tools);
        assert_int_equal(fstat(STDERR_FILENO, &st), 0);
        (void)snprintf(env, sizeof(env), "%llu:%llu", (unsigned long long)st.st_dev,
                       (unsigned long long)st.st_ino);
        assert_int_equal(setenv("JOURNAL_STREAM", env, 1), 0);
        assert_int_equal(troot_run_module(&t, "set_passwords",
                                          "chpasswd: {users: [{name: u, type: RANDOM}]}\n", NULL),
                         -ENXIO);
        assert_int_equal(unsetenv("JOURNAL_STREAM"), 0);
        assert_log_has(&t, "no console to show them on");
        stubs_free(stubs);
        troot_free(&t);
}

/* A hash with a line break or a ':' never reaches chpasswd -e. */
static void test_bad_hashes_are_refused(void **state)
{
        (void)state;
        struct troot t;
        char stubs[256], *in;
        troot_make(&t);
        stubs_make(stubs, sizeof(stubs), tools);
        assert_int_equal(
                troot_run_module(&t, "set_passwords",
                                 "chpasswd:\n  users:\n"
                                 "  - {name: u1, password: \"$6$a$b\\nroot::0:0:99999:7:::\"}\n"
                                 "  - {name: u2, password: \"$6$a$b:0:0\", type: hash}\n"
                                 "  - {name: u3, password: $6$good$hash}\n"
                                 "  list: |\n    u4:$6$x$y:0:0\n",
                                 NULL),
                -EINVAL);
        in = stubs_read(stubs, "stdin");
        assert_non_null(strstr(in, "u3:$6$good$hash\n"));
        assert_null(strstr(in, "u1:"));
        assert_null(strstr(in, "u2:"));
        assert_null(strstr(in, "u4:"));
        assert_null(strstr(in, "root:"));
        free(in);
        assert_log_has(&t,
                       "test.yaml:3:26: chpasswd: the hash for u1 contains a line break; not set");
        assert_log_has(&t, "chpasswd: the hash for u2 contains ':'; not set");
        assert_log_has(&t, "chpasswd: the hash for u4 contains ':'; not set");
        stubs_free(stubs);
        troot_free(&t);
}

static void test_ssh_pwauth_in_sshd_config(void **state)
{
        (void)state;
        struct troot t;
        troot_make(&t);
        troot_write(&t, "/etc/ssh/sshd_config",
                    "Port 22\n#PasswordAuthentication yes\n"
                    "PasswordAuthentication yes\nUsePAM yes\n");
        assert_int_equal(troot_run_module(&t, "set_passwords", "ssh_pwauth: false\n", NULL), 0);
        assert_file_eq(&t, "/etc/ssh/sshd_config",
                       "Port 22\n#PasswordAuthentication yes\n"
                       "PasswordAuthentication no\nUsePAM yes\n");
        assert_false(fs_exists(t.fd, "/etc/ssh/sshd_config.d/50-cloud-init.conf"));
        /* unchanged leaves it */
        assert_int_equal(troot_run_module(&t, "set_passwords", "ssh_pwauth: unchanged\n", NULL), 0);
        assert_file_eq(&t, "/etc/ssh/sshd_config",
                       "Port 22\n#PasswordAuthentication yes\n"
                       "PasswordAuthentication no\nUsePAM yes\n");
        troot_free(&t);
}

static void test_ssh_pwauth_drop_in(void **state)
{
        (void)state;
        struct troot t;
        troot_make(&t);
        troot_write(&t, "/etc/ssh/sshd_config", "Include /etc/ssh/sshd_config.d/*.conf\nPort 22\n");
        assert_int_equal(troot_run_module(&t, "set_passwords", "ssh_pwauth: true\n", NULL), 0);
        assert_file_eq(&t, "/etc/ssh/sshd_config.d/50-cloud-init.conf",
                       "PasswordAuthentication yes\n");
        assert_int_equal(troot_mode(&t, "/etc/ssh/sshd_config.d/50-cloud-init.conf") & 07777, 0600);
        assert_file_eq(&t, "/etc/ssh/sshd_config",
                       "Include /etc/ssh/sshd_config.d/*.conf\nPort 22\n");
        troot_free(&t);
}

int main(void)
{
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_chpasswd_users_and_random_on_console_only),
                cmocka_unit_test(test_expire_false_and_default_user_password),
                cmocka_unit_test(test_random_with_journal_stderr_is_an_error),
                cmocka_unit_test(test_bad_hashes_are_refused),
                cmocka_unit_test(test_ssh_pwauth_in_sshd_config),
                cmocka_unit_test(test_ssh_pwauth_drop_in),
        };
        int r = cmocka_run_group_tests_name("mod-set-passwords", tests, NULL, NULL);
        node_names_free();
        return r;
}
