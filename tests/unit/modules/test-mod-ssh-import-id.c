/* SPDX-License-Identifier: Apache-2.0 */
/* Tests of modules/ssh_import_id.c against tests/helpers/fakemeta on
 * loopback, serving gh/<user>.keys and lp/<user>. */
#include "testlib.h"

static const char key1[] =
        "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIKx0aQhfH6lqN0mPzGWPzkUg2rmPpI6yKj2F7nCJOHq5";
static const char key2[] =
        "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIFYqbkFg0nKp3HFvqw5uJhTzmtk3Z2RqGw3P9tT2Z9Xo";

static void test_keys_imported_for_default_and_named_users(void **state)
{
        (void)state;
        struct troot t, srv;
        char cfg[2048], body[1024];
        int port = 0;
        pid_t pid;
        char *ak;

        troot_make(&srv);
        (void)snprintf(body, sizeof(body), "%s alice@laptop\n\nnot a key\n%s\r\n", key1, key2);
        troot_write(&srv, "/gh/alice.keys", body);
        (void)snprintf(body, sizeof(body), "%s bob\n", key2);
        troot_write(&srv, "/lp/bob", body);
        pid = fakemeta_start(&srv, NULL, &port);
        troot_make(&t);
        troot_write(&t, "/etc/passwd",
                    "root:x:0:0:root:/root:/bin/sh\n"
                    "debian:x:1000:1000::/home/debian:/bin/sh\n"
                    "bob:x:1001:1001::/home/bob:/bin/sh\n");
        assert_int_equal(fs_mkdir_p(t.fd, "/home/debian", 0755), 0);
        assert_int_equal(fs_mkdir_p(t.fd, "/home/bob", 0755), 0);
        (void)snprintf(
                cfg, sizeof(cfg),
                "cloudboot:\n  ssh_import_id:\n"
                "    gh_url: http://127.0.0.1:%d/gh/{user}.keys\n"
                "    lp_url: http://127.0.0.1:%d/lp/{user}\n"
                "user: {name: debian}\n"
                "ssh_import_id: [gh:alice]\n"
                "users:\n  - default\n  - name: bob\n    ssh_import_id: [bob, \"gh:x;rm\"]\n",
                port, port);
        assert_int_equal(troot_run_module(&t, "ssh_import_id", cfg, NULL), -EINVAL);
        fakemeta_stop(pid);
        ak = troot_read(&t, "/home/debian/.ssh/authorized_keys");
        assert_non_null(ak);
        (void)snprintf(body, sizeof(body),
                       "%s alice@laptop # ssh-import-id gh:alice\n%s # ssh-import-id gh:alice\n",
                       key1, key2);
        assert_string_equal(ak, body);
        free(ak);
        assert_int_equal(troot_mode(&t, "/home/debian/.ssh/authorized_keys") & 07777, 0600);
        (void)snprintf(body, sizeof(body), "%s bob # ssh-import-id lp:bob\n", key2);
        assert_file_eq(&t, "/home/bob/.ssh/authorized_keys", body);
        assert_log_has(&t, "ssh_import_id gh:alice: a line that is not a public key; skipped");
        assert_log_has(&t, "ssh_import_id: must be gh:USER, lp:USER or USER");
        troot_free(&t);
        troot_free(&srv);
}

static void test_nothing_asked_nothing_done(void **state)
{
        (void)state;
        struct troot t;
        troot_make(&t);
        assert_int_equal(troot_run_module(&t, "ssh_import_id", "users: [default]\n", NULL), 0);
        assert_false(fs_exists(t.fd, "/home"));
        troot_free(&t);
}

int main(void)
{
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_keys_imported_for_default_and_named_users),
                cmocka_unit_test(test_nothing_asked_nothing_done),
        };
        int r = cmocka_run_group_tests_name("mod-ssh-import-id", tests, NULL, NULL);
        node_names_free();
        return r;
}
