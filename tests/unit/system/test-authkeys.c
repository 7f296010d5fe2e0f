/* SPDX-License-Identifier: Apache-2.0 */
/* Tests of src/authkeys.c and src/sshd_config.c: where keys go, how they
 * merge, and that no symlink below the home is ever followed. */
#include "testlib.h"
#include "authkeys.h"
#include "codec.h"
#include "sshd_config.h"
#include "sshkey.h"

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

/* A wire-format blob of strings (each given with its length) as a .pub
 * line: TYPE BASE64 COMMENT. */
static char *pub_line(const char *type, const char *comment, int n, ...)
{
        uint8_t blob[4096];
        size_t len = 0;
        char *b64 = NULL, *line = NULL;
        va_list ap;

        va_start(ap, n);
        for (int i = 0; i < n; i++) {
                const void *s = va_arg(ap, const void *);
                size_t l = va_arg(ap, size_t);
                assert_true(len + 4 + l <= sizeof(blob));
                blob[len] = (uint8_t)(l >> 24);
                blob[len + 1] = (uint8_t)(l >> 16);
                blob[len + 2] = (uint8_t)(l >> 8);
                blob[len + 3] = (uint8_t)l;
                memcpy(blob + len + 4, s, l);
                len += 4 + l;
        }
        va_end(ap);
        assert_int_equal(b64_encode(blob, len, &b64), 0);
        assert_true(asprintf(&line, "%s %s%s%s", type, b64, comment ? " " : "",
                             comment ? comment : "") > 0);
        free(b64);
        return line;
}

/* 0 and the line, or < 0 (left to ssh-keygen) */
static int fp(char *pub, char **ret)
{
        struct buf out = BUF_INIT(1 << 16);
        int r = sshkey_fingerprint_line(pub, &out);
        *ret = r >= 0 ? buf_steal(&out, NULL) : NULL;
        buf_free(&out);
        free(pub);
        return r;
}

#define S(x) x, (size_t)(sizeof(x) - 1)

static void test_fingerprint_line_reads_the_blob_or_leaves_it(void **state)
{
        (void)state;
        static const uint8_t z32[32], z31[31], e[] = { 1, 0, 1 }, neg[] = { 0x80, 1 };
        static uint8_t big[16384 / 8 + 1], n1024[129], n1023[128], p256[65], p384[97];
        char *out;

        big[0] = 1;
        n1024[1] = 0x80; /* a sign byte, then 1024 bits */
        n1023[0] = 0x7f;
        p256[0] = p384[0] = 0x04;
        assert_int_equal(fp(pub_line("ssh-ed25519", "a b\n", 2, S("ssh-ed25519"), z32, sizeof(z32)),
                            &out),
                         0);
        assert_true(strncmp(out, "256 SHA256:", 11) == 0);
        assert_non_null(strstr(out, " a b (ED25519)\n"));
        assert_null(strchr(out, '='));
        free(out);
        assert_int_equal(fp(pub_line("ssh-rsa", NULL, 3, S("ssh-rsa"), e, sizeof(e), n1024,
                                     sizeof(n1024)),
                            &out),
                         0);
        assert_true(strncmp(out, "1024 SHA256:", 12) == 0);
        assert_non_null(strstr(out, " no comment (RSA)\n"));
        free(out);
        assert_int_equal(fp(pub_line("ecdsa-sha2-nistp384", "e", 3, S("ecdsa-sha2-nistp384"),
                                     S("nistp384"), p384, sizeof(p384)),
                            &out),
                         0);
        assert_non_null(strstr(out, " e (ECDSA)\n"));
        assert_true(strncmp(out, "384 SHA256:", 11) == 0);
        free(out);

        /* left to ssh-keygen: DSA (what it does depends on its version) */
        assert_true(fp(pub_line("ssh-dss", "d", 5, S("ssh-dss"), e, sizeof(e), e, sizeof(e), e,
                                sizeof(e), e, sizeof(e)),
                       &out) < 0);
        /* an RSA modulus under 1024 bits, which OpenSSH refuses */
        assert_true(fp(pub_line("ssh-rsa", "x", 3, S("ssh-rsa"), e, sizeof(e), n1023,
                                sizeof(n1023)),
                       &out) < 0);
        /* an ECDSA point not of the curve's size, or compressed */
        assert_true(fp(pub_line("ecdsa-sha2-nistp384", "x", 3, S("ecdsa-sha2-nistp384"),
                                S("nistp384"), p256, sizeof(p256)),
                       &out) < 0);
        p384[0] = 0x02;
        assert_true(fp(pub_line("ecdsa-sha2-nistp384", "x", 3, S("ecdsa-sha2-nistp384"),
                                S("nistp384"), p384, sizeof(p384)),
                       &out) < 0);

        /* left to ssh-keygen: the text's type is not the blob's */
        assert_true(fp(pub_line("ssh-rsa", "x", 2, S("ssh-ed25519"), z32, sizeof(z32)), &out) < 0);
        /* an ed25519 point that is not 32 bytes; bytes after the key */
        assert_true(fp(pub_line("ssh-ed25519", "x", 2, S("ssh-ed25519"), z31, sizeof(z31)), &out) <
                    0);
        assert_true(fp(pub_line("ssh-ed25519", "x", 3, S("ssh-ed25519"), z32, sizeof(z32), S("")),
                       &out) < 0);
        /* the curve not the type's */
        assert_true(fp(pub_line("ecdsa-sha2-nistp256", "x", 3, S("ecdsa-sha2-nistp256"),
                                S("nistp384"), p256, sizeof(p256)),
                       &out) < 0);
        /* a negative or zero modulus, one over OpenSSH's 16384 bits */
        assert_true(fp(pub_line("ssh-rsa", "x", 3, S("ssh-rsa"), e, sizeof(e), neg, sizeof(neg)),
                       &out) < 0);
        assert_true(fp(pub_line("ssh-rsa", "x", 3, S("ssh-rsa"), e, sizeof(e), z31, sizeof(z31)),
                       &out) < 0);
        assert_true(fp(pub_line("ssh-rsa", "x", 3, S("ssh-rsa"), e, sizeof(e), big, sizeof(big)),
                       &out) < 0);
        /* certificates and security keys; a type alone; a second line */
        assert_true(fp(pub_line("ssh-ed25519-cert-v01@openssh.com", "x", 2,
                                S("ssh-ed25519-cert-v01@openssh.com"), z32, sizeof(z32)),
                       &out) < 0);
        assert_true(fp(strdup("ssh-ed25519\n"), &out) < 0);
        assert_true(fp(strdup("ssh-ed25519 !!!! x\n"), &out) < 0);
        assert_true(fp(pub_line("ssh-ed25519", "a\nssh-ed25519 AAAA b\n", 2, S("ssh-ed25519"), z32,
                                sizeof(z32)),
                       &out) < 0);
        /* a length that runs past the blob */
        assert_true(fp(strdup("ssh-ed25519 /////wAAAAtzc2gtZWQyNTUxOQ== x\n"), &out) < 0);
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
                cmocka_unit_test(test_fingerprint_line_reads_the_blob_or_leaves_it),
        };
        int r = cmocka_run_group_tests_name("authkeys", tests, NULL, NULL);
        node_names_free();
        return r;
}
