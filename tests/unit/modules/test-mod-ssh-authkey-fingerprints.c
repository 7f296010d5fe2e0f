/* SPDX-License-Identifier: Apache-2.0 */
/* Tests of modules/ssh_authkey_fingerprints.c on a --root tree. The expected
 * tables are what cloud-init 25.x's _pprint_key_entries prints for the same
 * authorized_keys file (run from its source). */
#include <sys/stat.h>
#include <unistd.h>

#include "testlib.h"

#define KEYS                                                                                       \
        "# comment\n"                                                                              \
        "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIGk0cS7rZlmEUeq7u3mvOj8Eg2m0Xz8lqEQxTUHH1Y5I "        \
        "alice@laptop\n"                                                                           \
        "no-pty,command=\"echo hi there\" ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAAAgQC3 work key\n"     \
        "\n"                                                                                       \
        "ecdsa-sha2-nistp256 !!!notbase64\n"

static const char want_sha256[] =
        "ci-info: ++++++++++++++++++++++++++++++++++++++++++++++++++Authorized keys from /home/alice/.ssh/authorized_keys for user alice+++++++++++++++++++++++++++++++++++++++++++++++++++\n"
        "ci-info: +---------------------+-------------------------------------------------------------------------------------------------+--------------------------------+--------------+\n"
        "ci-info: |       Keytype       |                                       Fingerprint (sha256)                                      |            Options             |   Comment    |\n"
        "ci-info: +---------------------+-------------------------------------------------------------------------------------------------+--------------------------------+--------------+\n"
        "ci-info: |     ssh-ed25519     | 75:45:c3:ec:09:2d:27:41:c0:80:75:32:45:89:fe:31:1a:5a:94:c7:ac:a6:2f:44:66:b1:5d:e5:9a:f6:1b:e2 |               -                | alice@laptop |\n"
        "ci-info: |       ssh-rsa       | 38:58:aa:84:d7:67:3e:68:52:6c:56:f3:d3:eb:da:25:46:7d:ca:d2:b6:84:78:da:14:9c:db:cd:33:7a:91:1b | no-pty,command=\"echo hi there\" |   work key   |\n"
        "ci-info: | ecdsa-sha2-nistp256 |                                                ?                                                |               -                |      -       |\n"
        "ci-info: +---------------------+-------------------------------------------------------------------------------------------------+--------------------------------+--------------+\n";

static const char want_md5[] =
        "ci-info: ++++++++++++++++++++++++++Authorized keys from /home/alice/.ssh/authorized_keys for user alice+++++++++++++++++++++++++++\n"
        "ci-info: +---------------------+-------------------------------------------------+--------------------------------+--------------+\n"
        "ci-info: |       Keytype       |                Fingerprint (md5)                |            Options             |   Comment    |\n"
        "ci-info: +---------------------+-------------------------------------------------+--------------------------------+--------------+\n"
        "ci-info: |     ssh-ed25519     | 51:92:f2:58:50:9a:8f:7e:b3:72:f7:2b:bf:d2:7c:fd |               -                | alice@laptop |\n"
        "ci-info: |       ssh-rsa       | 60:cd:94:cd:8e:0a:cc:75:35:0f:fe:3f:8f:bb:3d:b7 | no-pty,command=\"echo hi there\" |   work key   |\n"
        "ci-info: | ecdsa-sha2-nistp256 |                        ?                        |               -                |      -       |\n"
        "ci-info: +---------------------+-------------------------------------------------+--------------------------------+--------------+\n";

static void make_users(struct troot *t)
{
        troot_write(t, "/etc/passwd",
                    "root:x:0:0:root:/root:/bin/bash\n"
                    "alice:x:1000:1000::/home/alice:/bin/bash\n"
                    "bob:x:1001:1001::/home/bob:/bin/bash\n"
                    "svc:x:999:999::/var/lib/svc:/usr/sbin/nologin\n");
        troot_write(t, "/home/alice/.ssh/authorized_keys", KEYS);
        troot_write(t, "/var/lib/svc/.ssh/authorized_keys", "ssh-rsa AAAA svc\n");
}

static void test_table_sha256_as_cloud_init(void **state)
{
        (void)state;
        struct troot t;
        int r;
        char *out;
        troot_make(&t);
        make_users(&t);
        out = troot_run_module_stdout(&t, "ssh_authkey_fingerprints",
                                      "users: [{name: alice}, {name: bob}, "
                                      "{name: svc, system: true}]\n",
                                      NULL, &r);
        assert_int_equal(r, 0);
        if (!startswith(out, want_sha256))
                fail_msg("printed:\n%s\nexpected first:\n%s", out, want_sha256);
        assert_string_equal(out + strlen(want_sha256),
                            "ci-info: no authorized SSH keys fingerprints found for user bob.\n");
        free(out);
        /* bob has no home here: nothing is made for him */
        assert_false(fs_exists(t.fd, "/home/bob/.ssh"));
        troot_free(&t);
}

/* As cloud-init's reader: a user with a home and no authorized_keys gets an
 * empty one (0600) in a ~/.ssh (0700), both the user's. */
static void test_missing_file_made_empty(void **state)
{
        (void)state;
        struct troot t;
        struct stat st;
        char p[512];
        int r;
        char *out;
        troot_make(&t);
        make_users(&t);
        assert_int_equal(fs_mkdir_p(t.fd, "/home/bob", 0755), 0);
        (void)snprintf(p, sizeof(p), "%s/home/bob", t.path);
        assert_int_equal(chown(p, 1001, 1001), 0);
        out = troot_run_module_stdout(&t, "ssh_authkey_fingerprints", "users: [{name: bob}]\n",
                                      NULL, &r);
        assert_int_equal(r, 0);
        assert_string_equal(out, "ci-info: no authorized SSH keys fingerprints found for user bob.\n");
        free(out);
        assert_file_eq(&t, "/home/bob/.ssh/authorized_keys", "");
        assert_int_equal(troot_mode(&t, "/home/bob/.ssh/authorized_keys") & 07777, 0600);
        assert_int_equal(troot_mode(&t, "/home/bob/.ssh") & 07777, 0700);
        (void)snprintf(p, sizeof(p), "%s/home/bob/.ssh/authorized_keys", t.path);
        assert_int_equal(lstat(p, &st), 0);
        assert_int_equal(st.st_uid, 1001);
        assert_int_equal(st.st_gid, 1001);
        troot_free(&t);
}

static void test_md5_and_unknown_hash(void **state)
{
        (void)state;
        struct troot t;
        int r;
        char *out;
        troot_make(&t);
        make_users(&t);
        out = troot_run_module_stdout(&t, "ssh_authkey_fingerprints",
                                      "users: [{name: alice}]\nauthkey_hash: md5\n", NULL, &r);
        assert_int_equal(r, 0);
        assert_string_equal(out, want_md5);
        free(out);
        troot_write(&t, "/home/bob/.ssh/authorized_keys", "ssh-rsa AAAA x\n");
        out = troot_run_module_stdout(&t, "ssh_authkey_fingerprints",
                                      "users: [{name: bob}]\nauthkey_hash: whirlpool\n", NULL,
                                      &r);
        assert_int_equal(r, 0);
        assert_string_equal(
                out,
                "ci-info: Authorized keys from /home/bob/.ssh/authorized_keys for user bob\n"
                "ci-info: +---------+-------------------------+---------+---------+\n"
                "ci-info: | Keytype | Fingerprint (whirlpool) | Options | Comment |\n"
                "ci-info: +---------+-------------------------+---------+---------+\n"
                "ci-info: | ssh-rsa |            ?            |    -    |    x    |\n"
                "ci-info: +---------+-------------------------+---------+---------+\n");
        free(out);
        troot_free(&t);
}

static void test_disabled_and_control_chars(void **state)
{
        (void)state;
        struct troot t;
        int r;
        char *out;
        troot_make(&t);
        make_users(&t);
        out = troot_run_module_stdout(&t, "ssh_authkey_fingerprints",
                                      "users: [{name: alice}]\nno_ssh_fingerprints: true\n", NULL,
                                      &r);
        assert_int_equal(r, 0);
        assert_string_equal(out, "");
        free(out);
        /* an escape sequence in a comment never reaches the console */
        troot_write(&t, "/home/bob/.ssh/authorized_keys", "ssh-rsa AAAA a\033[2Jb\n");
        out = troot_run_module_stdout(&t, "ssh_authkey_fingerprints", "users: [{name: bob}]\n",
                                      NULL, &r);
        assert_int_equal(r, 0);
        assert_null(strchr(out, '\033'));
        if (!strstr(out, "|  a?[2Jb |"))
                fail_msg("printed:\n%s", out);
        free(out);
        troot_free(&t);
}

int main(void)
{
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_table_sha256_as_cloud_init),
                cmocka_unit_test(test_missing_file_made_empty),
                cmocka_unit_test(test_md5_and_unknown_hash),
                cmocka_unit_test(test_disabled_and_control_chars),
        };
        int r = cmocka_run_group_tests_name("mod-ssh-authkey-fingerprints", tests, NULL, NULL);
        node_names_free();
        return r;
}
