/* SPDX-License-Identifier: Apache-2.0 */
/* Tests of src/authkeys.c and src/sshd_config.c: where keys go, how they
 * merge, and that no symlink below the home is ever followed. */
#include "testlib.h"
#include "authkeys.h"
#include "sshd_config.h"

#define K1 "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOne one@example"
#define K1B "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOne renamed@example"
#define K2 "ssh-rsa AAAAB3NzaC1yc2EAAAADAQABTwo two@example"
#define K3 "ecdsa-sha2-nistp256 AAAAE2VjZHNhLXNoYTItbmlzdHAyNTYThree"

static char *merge(const char *old, char *const *keys, size_t n, const char *opts)
{
        struct buf out = BUF_INIT(1 << 20);
        assert_int_equal(authkeys_merge(old, old ? strlen(old) : 0, keys, n, opts, &out), 0);
        return buf_steal(&out, NULL);
}

static void test_merge_appends_and_keeps_existing_lines(void **state)
{
        (void)state;
        char *keys[] = { K2 };
        char *out = merge("# my keys\n" K1 "\n\n", keys, 1, NULL);
        assert_string_equal(out, "# my keys\n" K1 "\n\n" K2 "\n");
        free(out);
}

static void test_merge_replaces_same_blob_in_place(void **state)
{
        (void)state;
        char *keys[] = { K1B, K3 };
        char *out = merge(K2 "\n" K1 "\n", keys, 2, NULL);
        assert_string_equal(out, K2 "\n" K1B "\n" K3 "\n");
        free(out);
}

static void test_merge_dedupes_and_tolerates_crlf(void **state)
{
        (void)state;
        char *keys[] = { K1 "\r", K1, K2 "  " };
        char *out = merge(K2 "\r\n", keys, 3, NULL);
        assert_string_equal(out, K2 "\n" K1 "\n");
        free(out);
}

static void test_merge_options_replace_key_options(void **state)
{
        (void)state;
        char *keys[] = { "no-pty,command=\"x y\" " K1 };
        char *out = merge(NULL, keys, 1, "no-port-forwarding,command=\"echo hi\"");
        assert_string_equal(out, "no-port-forwarding,command=\"echo hi\" " K1 "\n");
        free(out);
        /* an existing line with options still matches by blob */
        out = merge("from=\"10.0.0.1\" " K1 "\n", keys, 1, NULL);
        assert_string_equal(out, "no-pty,command=\"x y\" " K1 "\n");
        free(out);
}

static void test_merge_of_many_keys_matches_by_hash(void **state)
{
        (void)state;
        /* 5000 new keys (each given twice) against a file of 5000 lines, half
         * of them the same keys: pairwise matching would compare ~10^7 blobs */
        const size_t n = 5000;
        char **keys = calloc(2 * n, sizeof(char *));
        struct buf old = BUF_INIT(1u << 22), out = BUF_INIT(1u << 22);
        unsigned long long before;
        size_t lines = 0;

        assert_non_null(keys);
        for (size_t i = 0; i < n; i++) {
                assert_true(asprintf(&keys[i], "ssh-ed25519 AAAAkey%zu new%zu", i, i) > 0);
                assert_true(asprintf(&keys[n + i], "ssh-ed25519 AAAAkey%zu again%zu", i, i) > 0);
                assert_int_equal(buf_printf(&old, "ssh-rsa AAAA%s%zu old%zu\n",
                                            i % 2 ? "key" : "other", i, i),
                                 0);
        }
        before = authkeys_compares;
        assert_int_equal(authkeys_merge(old.data, old.len, keys, 2 * n, NULL, &out), 0);
        if (authkeys_compares - before > 8 * 3 * n)
                fail_msg("%llu blob comparisons for %zu keys", authkeys_compares - before, 3 * n);
        for (size_t i = 0; i < out.len; i++)
                lines += out.data[i] == '\n';
        /* 5000 old lines (the odd ones replaced in place), 2500 keys added */
        assert_int_equal(lines, n + n / 2);
        assert_non_null(strstr(out.data, "ssh-rsa AAAAother0 old0\nssh-ed25519 AAAAkey1 new1\n"));
        assert_null(strstr(out.data, "again"));
        assert_non_null(strstr(out.data, "ssh-ed25519 AAAAkey4998 new4998\n"));
        for (size_t i = 0; i < 2 * n; i++)
                free(keys[i]);
        free(keys);
        buf_free(&old);
        buf_free(&out);
}

static void test_blob_parsing(void **state)
{
        (void)state;
        const char *b;
        size_t bl;
        assert_true(authkeys_blob(K2, strlen(K2), &b, &bl));
        assert_int_equal(bl, strlen("AAAAB3NzaC1yc2EAAAADAQABTwo"));
        assert_false(authkeys_blob("# comment", 9, &b, &bl));
        assert_false(authkeys_blob("not a key", 9, &b, &bl));
        assert_true(authkeys_blob("ssh-ed25519-cert-v01@openssh.com AAAA c", 38, &b, &bl));
        assert_true(authkeys_blob("command=\"a b c\",no-pty ssh-rsa AAAA x", 36, &b, &bl));
}

static void make_user(struct troot *t, const char *name, unsigned uid, const char *home)
{
        char line[256];
        char *old = troot_read(t, "/etc/passwd");
        (void)snprintf(line, sizeof(line), "%s%s:x:%u:%u::%s:/bin/sh\n", old ? old : "", name, uid,
                       uid, home);
        troot_write(t, "/etc/passwd", line);
        free(old);
        assert_int_equal(fs_mkdir_p(t->fd, home, 0755), 0);
        if (geteuid() == 0) {
                int fd = fs_open_in_root(t->fd, home, O_RDONLY | O_DIRECTORY, 0);
                assert_int_equal(fchown(fd, uid, uid), 0);
                close(fd);
        }
}

static struct passwd_entry user(struct troot *t, const char *name)
{
        struct passwd_entry pw;
        assert_int_equal(passwd_entry_get(t->fd, name, &pw), 0);
        return pw;
}

static void test_path_from_sshd_config(void **state)
{
        (void)state;
        struct troot t;
        struct passwd_entry pw;
        char *p;
        troot_make(&t);
        make_user(&t, "alice", 4000, "/home/alice");
        pw = user(&t, "alice");
        assert_int_equal(authkeys_path(t.fd, &pw, &p), 0);
        assert_string_equal(p, "/home/alice/.ssh/authorized_keys");
        free(p);
        /* a shared file is skipped; the first user-specific one is used */
        troot_write(&t, "/etc/ssh/sshd_config",
                    "Include /etc/ssh/sshd_config.d/*.conf\nAuthorizedKeysFile /nope\n");
        troot_write(&t, "/etc/ssh/sshd_config.d/10-keys.conf",
                    "authorizedkeysfile /etc/ssh/shared_keys /etc/ssh/keys/%u %h/.ssh/ak2\n");
        assert_int_equal(authkeys_path(t.fd, &pw, &p), 0);
        assert_string_equal(p, "/etc/ssh/keys/alice");
        free(p);
        /* relative names are under the home; Match ends the global section */
        troot_write(&t, "/etc/ssh/sshd_config", "Match User bob\n  AuthorizedKeysFile /x/%u\n");
        assert_int_equal(authkeys_path(t.fd, &pw, &p), 0);
        assert_string_equal(p, "/home/alice/.ssh/authorized_keys");
        free(p);
        troot_write(&t, "/etc/ssh/sshd_config", "AuthorizedKeysFile  .ssh/keys_%%_%U\n");
        assert_int_equal(authkeys_path(t.fd, &pw, &p), 0);
        assert_string_equal(p, "/home/alice/.ssh/keys_%_4000");
        free(p);
        passwd_entry_done(&pw);
        troot_free(&t);
}

static void test_install_modes_owner_and_merge(void **state)
{
        (void)state;
        struct troot t;
        struct passwd_entry pw;
        char *keys1[] = { K1 }, *keys2[] = { K2 };
        struct stat st;
        char path[512];
        troot_make(&t);
        make_user(&t, "alice", 4000, "/home/alice");
        pw = user(&t, "alice");
        assert_int_equal(authkeys_install(t.fd, &pw, keys1, 1, NULL), 0);
        assert_int_equal(authkeys_install(t.fd, &pw, keys2, 1, NULL), 0);
        assert_file_eq(&t, "/home/alice/.ssh/authorized_keys", K1 "\n" K2 "\n");
        assert_int_equal(troot_mode(&t, "/home/alice/.ssh") & 07777, 0700);
        assert_int_equal(troot_mode(&t, "/home/alice/.ssh/authorized_keys") & 07777, 0600);
        if (geteuid() == 0) {
                (void)snprintf(path, sizeof(path), "%s/home/alice/.ssh/authorized_keys", t.path);
                assert_int_equal(stat(path, &st), 0);
                assert_int_equal(st.st_uid, 4000);
                assert_int_equal(st.st_gid, 4000);
                (void)snprintf(path, sizeof(path), "%s/home/alice/.ssh", t.path);
                assert_int_equal(stat(path, &st), 0);
                assert_int_equal(st.st_uid, 4000);
        }
        passwd_entry_done(&pw);
        troot_free(&t);
}

static void test_symlinked_ssh_dir_is_refused(void **state)
{
        (void)state;
        struct troot t;
        struct passwd_entry pw;
        char *keys[] = { K1 };
        char link[512];
        troot_make(&t);
        make_user(&t, "mallory", 4001, "/home/mallory");
        assert_int_equal(fs_mkdir_p(t.fd, "/etc", 0755), 0);
        /* ~/.ssh -> /etc: a write through it would create /etc/authorized_keys */
        (void)snprintf(link, sizeof(link), "%s/home/mallory/.ssh", t.path);
        assert_int_equal(symlink("/etc", link), 0);
        pw = user(&t, "mallory");
        assert_int_equal(authkeys_install(t.fd, &pw, keys, 1, NULL), -ELOOP);
        assert_log_has(&t, "/home/mallory/.ssh is a symlink; refusing to follow it");
        assert_false(fs_exists(t.fd, "/etc/authorized_keys"));
        assert_int_equal(access("/etc/authorized_keys", F_OK), -1);
        /* a relative link too */
        assert_int_equal(unlink(link), 0);
        assert_int_equal(symlink("../../etc", link), 0);
        assert_int_equal(authkeys_install(t.fd, &pw, keys, 1, NULL), -ELOOP);
        assert_false(fs_exists(t.fd, "/etc/authorized_keys"));
        passwd_entry_done(&pw);
        troot_free(&t);
}

static void test_symlinked_authorized_keys_is_refused(void **state)
{
        (void)state;
        struct troot t;
        struct passwd_entry pw;
        char *keys[] = { K1 };
        char link[512];
        troot_make(&t);
        make_user(&t, "eve", 4002, "/home/eve");
        assert_int_equal(fs_mkdir_p(t.fd, "/home/eve/.ssh", 0700), 0);
        troot_write(&t, "/etc/shadow", "root:*:1::::::\n");
        (void)snprintf(link, sizeof(link), "%s/home/eve/.ssh/authorized_keys", t.path);
        assert_int_equal(symlink("/etc/shadow", link), 0);
        pw = user(&t, "eve");
        assert_int_equal(authkeys_install(t.fd, &pw, keys, 1, NULL), -ELOOP);
        assert_file_eq(&t, "/etc/shadow", "root:*:1::::::\n");
        passwd_entry_done(&pw);
        troot_free(&t);
}

static void test_writable_ssh_dir_is_refused(void **state)
{
        (void)state;
        struct troot t;
        struct passwd_entry pw;
        char *keys[] = { K1 };
        char path[512];
        troot_make(&t);
        make_user(&t, "bob", 4003, "/home/bob");
        assert_int_equal(fs_mkdir_p(t.fd, "/home/bob/.ssh", 0700), 0);
        (void)snprintf(path, sizeof(path), "%s/home/bob/.ssh", t.path);
        assert_int_equal(chmod(path, 0777), 0);
        pw = user(&t, "bob");
        assert_int_equal(authkeys_install(t.fd, &pw, keys, 1, NULL), -EPERM);
        assert_log_has(&t, "writable by others");
        assert_false(fs_exists(t.fd, "/home/bob/.ssh/authorized_keys"));
        passwd_entry_done(&pw);
        troot_free(&t);
}

static void test_includes_dir(void **state)
{
        (void)state;
        struct troot t;
        troot_make(&t);
        assert_false(sshd_config_includes_dir(t.fd, "/etc/ssh/sshd_config.d"));
        troot_write(&t, "/etc/ssh/sshd_config", "Port 22\nInclude sshd_config.d/*.conf\n");
        assert_true(sshd_config_includes_dir(t.fd, "/etc/ssh/sshd_config.d"));
        troot_free(&t);
}

/* Includes that fan out without a loop (each file names the next one eight
 * times, six files deep) end at the bound on files read (64) instead of
 * costing 8^6 reads; a loop ends at the depth bound. */
static void test_include_fan_out_is_bounded(void **state)
{
        (void)state;
        struct troot t;
        char *v = NULL, path[64], text[256];
        troot_make(&t);
        for (int i = 0; i < 6; i++) {
                (void)snprintf(path, sizeof(path), "/etc/ssh/f%d", i);
                (void)snprintf(text, sizeof(text), "Include f%d f%d f%d f%d f%d f%d f%d f%d\n",
                               i + 1, i + 1, i + 1, i + 1, i + 1, i + 1, i + 1, i + 1);
                troot_write(&t, path, text);
        }
        troot_write(&t, "/etc/ssh/sshd_config", "Include f0\nAuthorizedKeysFile /k/%u\n");
        assert_int_equal(sshd_config_get(t.fd, "AuthorizedKeysFile", &v), -E2BIG);
        assert_null(v);
        troot_write(&t, "/etc/ssh/sshd_config", "Include sshd_config\nPort 22\n");
        assert_int_equal(sshd_config_get(t.fd, "AuthorizedKeysFile", &v), -ELOOP);
        troot_free(&t);
}

int main(void)
{
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_merge_appends_and_keeps_existing_lines),
                cmocka_unit_test(test_merge_replaces_same_blob_in_place),
                cmocka_unit_test(test_merge_dedupes_and_tolerates_crlf),
                cmocka_unit_test(test_merge_options_replace_key_options),
                cmocka_unit_test(test_blob_parsing),
                cmocka_unit_test(test_merge_of_many_keys_matches_by_hash),
                cmocka_unit_test(test_path_from_sshd_config),
                cmocka_unit_test(test_install_modes_owner_and_merge),
                cmocka_unit_test(test_symlinked_ssh_dir_is_refused),
                cmocka_unit_test(test_symlinked_authorized_keys_is_refused),
                cmocka_unit_test(test_writable_ssh_dir_is_refused),
                cmocka_unit_test(test_includes_dir),
                cmocka_unit_test(test_include_fan_out_is_bounded),
        };
        int r = cmocka_run_group_tests_name("authkeys", tests, NULL, NULL);
        node_names_free();
        return r;
}
