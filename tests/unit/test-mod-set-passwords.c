/* SPDX-License-Identifier: Apache-2.0 */
/* Tests of modules/set_passwords.c: stubs for chpasswd and passwd; RANDOM
 * passwords only on the console; ssh_pwauth in the right file. */
#include "testlib.h"

static const char *const tools[] = { "chpasswd", "passwd", "usermod", "systemctl", NULL };

static void test_chpasswd_users_and_random_on_console_only(void **state)
{
        (void)state;
        struct troot t;
        char stubs[256], expect[600];
        char *console, *in, *calls, *line;
        troot_make(&t);
        stubs_make(stubs, sizeof(stubs), tools);
        troot_write(&t, "/dev/console", "");
        assert_int_equal(troot_run_module(&t, "set_passwords",
                                          "chpasswd:\n  users:\n"
                                          "  - {name: user1, password: plain-secret, type: text}\n"
                                          "  - {name: user2, password: $6$abc$def}\n"
                                          "  - {name: user3, type: RANDOM}\n",
                                          NULL),
                         0);
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
        console = troot_read(&t, "/dev/console");
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

static void test_random_without_console_is_an_error(void **state)
{
        (void)state;
        struct troot t;
        char stubs[256];
        troot_make(&t);
        stubs_make(stubs, sizeof(stubs), tools);
        assert_int_equal(troot_run_module(&t, "set_passwords",
                                          "chpasswd: {users: [{name: u, type: RANDOM}]}\n", NULL),
                         -ENOENT);
        assert_log_has(&t, "no console to show them on");
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
                cmocka_unit_test(test_random_without_console_is_an_error),
                cmocka_unit_test(test_ssh_pwauth_in_sshd_config),
                cmocka_unit_test(test_ssh_pwauth_drop_in),
        };
        int r = cmocka_run_group_tests_name("mod-set-passwords", tests, NULL, NULL);
        node_names_free();
        return r;
}
