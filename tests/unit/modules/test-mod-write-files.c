/* SPDX-License-Identifier: Apache-2.0 */
/* Tests of modules/write_files.c on a temp root. */

#include "testlib.h"
#include "module.h"
#include "schema.h"

static int run(struct troot *t, const char *mod, const char *cfg_text)
{
        return troot_run_module(t, mod, cfg_text, NULL);
}

static void owner_of(struct troot *t, const char *path, uid_t *uid, gid_t *gid)
{
        struct stat st;
        int fd = fs_open_in_root(t->fd, path, O_PATH | O_NOFOLLOW, 0);
        assert_true(fd >= 0);
        assert_int_equal(fstat(fd, &st), 0);
        (void)close(fd);
        *uid = st.st_uid;
        *gid = st.st_gid;
}

static void test_plain_content_default_mode(void **state)
{
        (void)state;
        struct troot t;
        troot_make(&t);
        assert_int_equal(
                run(&t, "write_files",
                    "write_files:\n- path: /etc/app/conf.d/a.conf\n  content: |\n    x=1\n"),
                0);
        assert_file_eq(&t, "/etc/app/conf.d/a.conf", "x=1\n");
        assert_int_equal(troot_mode(&t, "/etc/app/conf.d/a.conf") & 07777, 0644);
        assert_int_equal(troot_mode(&t, "/etc/app/conf.d") & 07777, 0755);
        troot_free(&t);
}

static void test_encodings(void **state)
{
        (void)state;
        struct troot t;
        troot_make(&t);
        /* "hello\n" gzipped then base64 encoded */
        assert_int_equal(run(&t, "write_files",
                             "write_files:\n"
                             "- {path: /b64, content: aGVsbG8K, encoding: b64}\n"
                             "- {path: /base64, content: aGVsbG8K, encoding: base64}\n"
                             "- {path: /gzb64, encoding: gz+b64,\n"
                             "   content: H4sIAAAAAAAAA8tIzcnJ5wIAIDA6NgYAAAA=}\n"
                             "- {path: /gzipbase64, encoding: gzip+base64,\n"
                             "   content: H4sIAAAAAAAAA8tIzcnJ5wIAIDA6NgYAAAA=}\n"
                             "- {path: /plain, content: aGVsbG8K, encoding: text/plain}\n"
                             "- {path: /bin, content: !!binary aGVsbG8K}\n"
                             "- {path: /empty}\n"),
                         0);
        assert_file_eq(&t, "/b64", "hello\n");
        assert_file_eq(&t, "/base64", "hello\n");
        assert_file_eq(&t, "/gzb64", "hello\n");
        assert_file_eq(&t, "/gzipbase64", "hello\n");
        assert_file_eq(&t, "/plain", "aGVsbG8K");
        assert_file_eq(&t, "/bin", "hello\n");
        assert_file_eq(&t, "/empty", "");
        troot_free(&t);
}

static void test_permissions_string_and_integer(void **state)
{
        (void)state;
        struct troot t;
        troot_make(&t);
        assert_int_equal(run(&t, "write_files",
                             "write_files:\n"
                             "- {path: /s, permissions: '0600'}\n"
                             "- {path: /i, permissions: 0750}\n"
                             "- {path: /o, permissions: '0o640'}\n"
                             "- {path: /suid, permissions: '4755'}\n"),
                         0);
        assert_int_equal(troot_mode(&t, "/s") & 07777, 0600);
        assert_int_equal(troot_mode(&t, "/i") & 07777, 0750);
        assert_int_equal(troot_mode(&t, "/o") & 07777, 0640);
        assert_int_equal(troot_mode(&t, "/suid") & 07777, 04755);
        troot_free(&t);
}

static void test_owner_resolved_in_target_root(void **state)
{
        (void)state;
        struct troot t;
        uid_t uid;
        gid_t gid;
        troot_make(&t);
        troot_write(&t, "/etc/passwd",
                    "root:x:0:0:root:/root:/bin/bash\nalice:x:4321:4322::/home/alice:/bin/sh\n");
        troot_write(&t, "/etc/group", "root:x:0:\nalice:x:4322:\nwww:x:4400:\n");
        assert_int_equal(run(&t, "write_files",
                             "write_files:\n"
                             "- {path: /a, owner: 'alice:www'}\n"
                             "- {path: /b, owner: alice}\n"
                             "- {path: /c}\n"),
                         0);
        if (geteuid() == 0) {
                owner_of(&t, "/a", &uid, &gid);
                assert_int_equal(uid, 4321);
                assert_int_equal(gid, 4400);
                owner_of(&t, "/b", &uid, &gid);
                assert_int_equal(uid, 4321);
                assert_int_equal(gid, 0);
                owner_of(&t, "/c", &uid, &gid);
                assert_int_equal(uid, 0);
        }
        assert_log_has(&t, "Wrote /a (0 bytes, mode 0644, owner 4321:4400)");
        troot_free(&t);
}

static void test_bad_entries_reported_others_written(void **state)
{
        (void)state;
        struct troot t;
        troot_make(&t);
        assert_int_equal(run(&t, "write_files",
                             "write_files:\n"
                             "- {path: /ok1, content: a}\n"
                             "- {path: /badgz, content: 'aGVsbG8K', encoding: gz+b64}\n"
                             "- {path: /nouser, owner: 'ghost:ghost'}\n"
                             "- {path: /badperm, permissions: '0999'}\n"
                             "- {path: /bigperm, permissions: 070000}\n"
                             "- {path: /ok2, content: b}\n"),
                         -EINVAL);
        assert_file_eq(&t, "/ok1", "a");
        assert_file_eq(&t, "/ok2", "b");
        assert_false(fs_exists(t.fd, "/badgz"));
        assert_false(fs_exists(t.fd, "/nouser"));
        assert_false(fs_exists(t.fd, "/badperm"));
        assert_false(fs_exists(t.fd, "/bigperm"));
        assert_log_has(&t, "test.yaml:3:27: write_files content for /badgz is not valid gz+b64");
        assert_log_has(&t,
                       "test.yaml:4:26: write_files owner 'ghost:ghost' of /nouser does not exist");
        assert_log_has(
                &t, "test.yaml:5:33: write_files permissions for /badperm must be an octal mode");
        assert_log_has(
                &t, "test.yaml:6:33: write_files permissions for /bigperm must be an octal mode");
        troot_free(&t);
}

static void test_base64_noise_is_skipped_as_cloud_init_does(void **state)
{
        (void)state;
        struct troot t;
        troot_make(&t);
        /* cloud-init's own example: truncated with "..." - Python decodes what is there */
        assert_int_equal(run(&t, "write_files",
                             "write_files:\n- {path: /sel, encoding: b64, content: "
                             "CiMgVGhpcyBmaWxlIGNvbnRyb2xzIHRoZSBzdGF0ZSBvZiBTRUxpbnV4...}\n"),
                         0);
        assert_file_eq(&t, "/sel", "\n# This file controls the state of SELinux");
        assert_log_has(&t, "test.yaml:2:40: write_files content for /sel has 3 characters that "
                           "are not base64; skipped");
        troot_free(&t);
}

static void test_append(void **state)
{
        (void)state;
        struct troot t;
        troot_make(&t);
        troot_write(&t, "/etc/hosts.allow", "first\n");
        assert_int_equal(run(&t, "write_files",
                             "write_files:\n- {path: /etc/hosts.allow, content: \"second\\n\", "
                             "append: true}\n"
                             "- {path: /new, content: x, append: true}\n"),
                         0);
        assert_file_eq(&t, "/etc/hosts.allow", "first\nsecond\n");
        assert_file_eq(&t, "/new", "x");
        troot_free(&t);
}

static void test_defer_splits_between_stages(void **state)
{
        (void)state;
        struct troot t;
        const char *cfg = "write_files:\n- {path: /now, content: n}\n- {path: /later, content: l, "
                          "defer: true}\n";
        troot_make(&t);
        assert_int_equal(run(&t, "write_files", cfg), 0);
        assert_true(fs_exists(t.fd, "/now"));
        assert_false(fs_exists(t.fd, "/later"));
        assert_int_equal(run(&t, "write_files_deferred", cfg), 0);
        assert_file_eq(&t, "/later", "l");
        troot_free(&t);
}

static void test_symlinked_directory_stays_in_root(void **state)
{
        (void)state;
        struct troot t;
        char link[300];
        troot_make(&t);
        assert_int_equal(fs_mkdir_p(t.fd, "/real", 0755), 0);
        (void)snprintf(link, sizeof(link), "%s/etc", t.path);
        /* ROOT/etc -> /real (absolute): resolved inside the root */
        assert_int_equal(symlink("/real", link), 0);
        assert_int_equal(run(&t, "write_files",
                             "write_files:\n- {path: /etc/cloudboot-test-x, content: z}\n"),
                         0);
        assert_file_eq(&t, "/real/cloudboot-test-x", "z");
        assert_int_equal(access("/real/cloudboot-test-x", F_OK), -1);
        assert_int_equal(access("/etc/cloudboot-test-x", F_OK), -1);
        troot_free(&t);
}

static void test_gzip_bomb_is_not_written(void **state)
{
        (void)state;
        struct troot t;
        /* 32 MiB of zeros, gzipped and base64 encoded, made by the test */
        FILE *p = popen("head -c 33554432 /dev/zero | gzip -9 | base64 -w0", "r");
        char *b64 = calloc(1, 1 << 20), *cfg;
        size_t n;
        assert_non_null(p);
        n = fread(b64, 1, (1 << 20) - 1, p);
        pclose(p);
        assert_true(n > 0);
        cfg = malloc(n + 100);
        (void)snprintf(cfg, n + 100,
                       "write_files:\n- {path: /bomb, encoding: gz+b64, content: %s}\n", b64);
        troot_make(&t);
        assert_int_equal(run(&t, "write_files", cfg), -E2BIG);
        assert_false(fs_exists(t.fd, "/bomb"));
        assert_log_has(&t, "decodes to more than 16777216 bytes");
        troot_free(&t);
        free(cfg);
        free(b64);
}

/* A user's symlink on the way (~/.bashrc -> /etc/shadow, ~/.config -> /etc)
 * is refused with the item's position: the secret is not read into a file
 * the user can read, nothing lands in /etc; a FIFO or device is refused
 * without blocking. */
static void test_user_links_and_special_files_refused(void **state)
{
        (void)state;
        struct troot t;
        char p[512];
        if (geteuid() != 0) {
                skip();
                return;
        }
        troot_make(&t);
        troot_write(&t, "/etc/shadow", "root:secret:1::::::\n");
        troot_write(&t, "/home/u/.keep", "");
        (void)snprintf(p, sizeof(p), "%s/home/u", t.path);
        assert_int_equal(chown(p, 1000, 1000), 0);
        (void)snprintf(p, sizeof(p), "%s/home/u/.bashrc", t.path);
        assert_int_equal(symlink("/etc/shadow", p), 0);
        assert_int_equal(lchown(p, 1000, 1000), 0);
        (void)snprintf(p, sizeof(p), "%s/home/u/.config", t.path);
        assert_int_equal(symlink("/etc", p), 0);
        assert_int_equal(lchown(p, 1000, 1000), 0);
        assert_int_equal(mkfifoat(t.fd, "fifo", 0644), 0);
        assert_int_equal(run(&t, "write_files",
                             "write_files:\n"
                             "- {path: /home/u/.bashrc, content: x, append: true}\n"
                             "- {path: /home/u/.config/evil, content: x}\n"
                             "- {path: /fifo, content: x, append: true}\n"
                             "- {path: /ok, content: ok}\n"),
                         -EINVAL);
        assert_file_eq(&t, "/etc/shadow", "root:secret:1::::::\n");
        assert_false(fs_exists(t.fd, "/etc/evil"));
        assert_file_eq(&t, "/ok", "ok");
        assert_log_has(&t, "test.yaml:2:3: write_files: /home/u/.bashrc: a symlink on the way "
                           "belongs to a user other than root");
        assert_log_has(&t, "test.yaml:3:3: write_files: /home/u/.config/evil: a symlink");
        assert_log_has(&t, "test.yaml:4:3: write_files: /fifo is a FIFO, not a regular file");
        troot_free(&t);
}


static void test_source_fetched_or_content_fallback(void **state)
{
        (void)state;
        struct troot t, srv;
        char cfg[4096];
        int port = 0;
        pid_t pid;

        troot_make(&srv);
        troot_write(&srv, "/hello", "#!/bin/sh\necho hello\n");
        troot_write(&srv, "/rules", "GET /hello require X-Token:s3cret 403\n"
                                    "GET /gone status 404\n");
        pid = fakemeta_start(&srv, "/rules", &port);
        troot_make(&t);
        troot_write(&t, "/srv/local", "from the root\n");
        (void)snprintf(cfg, sizeof(cfg),
                       "write_files:\n"
                       "- path: /usr/bin/hello\n"
                       "  permissions: '0755'\n"
                       "  content: fallback\n"
                       "  source:\n"
                       "    uri: http://127.0.0.1:%d/hello\n"
                       "    headers: {X-Token: s3cret}\n"
                       "- path: /etc/b64\n"
                       "  encoding: b64\n"
                       "  content: aGk=\n"
                       "  source: {uri: 'http://user:pw@127.0.0.1:%d/gone?tok=1'}\n"
                       "- path: /etc/nothing\n"
                       "  source: {uri: 'http://127.0.0.1:%d/hello'}\n"
                       "- path: /etc/local\n"
                       "  source: {uri: 'file:///srv/local'}\n"
                       "- path: /etc/badheader\n"
                       "  content: safe\n"
                       "  source: {uri: 'http://127.0.0.1:%d/hello', headers: {X-Token: "
                       "\"s3cret\\r\\nX-Evil: 1\"}}\n"
                       "- path: /etc/ftp\n"
                       "  content: plain\n"
                       "  source: {uri: 'ftp://127.0.0.1/x'}\n",
                       port, port, port, port);
        assert_int_equal(run(&t, "write_files", cfg), 0);
        fakemeta_stop(pid);
        assert_file_eq(&t, "/usr/bin/hello", "#!/bin/sh\necho hello\n");
        assert_int_equal(troot_mode(&t, "/usr/bin/hello") & 07777, 0755);
        /* 404: the content, decoded as its encoding says */
        assert_file_eq(&t, "/etc/b64", "hi");
        assert_log_has(&t, "test.yaml:11:17: Failed to retrieve contents from source "
                           "\"http://127.0.0.1:");
        assert_false(strstr(t.log.data, "pw@") || strstr(t.log.data, "tok=1"));
        /* 403 (no token) and no content: no file, a warning */
        assert_false(fs_exists(t.fd, "/etc/nothing"));
        assert_log_has(&t, "No content could be loaded for entry 3 in module write_files");
        assert_file_eq(&t, "/etc/local", "from the root\n");
        assert_file_eq(&t, "/etc/badheader", "safe");
        assert_log_has(&t, "write_files source headers: a header is");
        assert_false(strstr(t.log.data, "s3cret"));
        assert_file_eq(&t, "/etc/ftp", "plain");
        troot_free(&t);
        troot_free(&srv);
}

int main(void)
{
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_plain_content_default_mode),
                cmocka_unit_test(test_encodings),
                cmocka_unit_test(test_permissions_string_and_integer),
                cmocka_unit_test(test_owner_resolved_in_target_root),
                cmocka_unit_test(test_bad_entries_reported_others_written),
                cmocka_unit_test(test_base64_noise_is_skipped_as_cloud_init_does),
                cmocka_unit_test(test_append),
                cmocka_unit_test(test_defer_splits_between_stages),
                cmocka_unit_test(test_symlinked_directory_stays_in_root),
                cmocka_unit_test(test_gzip_bomb_is_not_written),
                cmocka_unit_test(test_user_links_and_special_files_refused),
                cmocka_unit_test(test_source_fetched_or_content_fallback),
        };
        int r = cmocka_run_group_tests_name("mod-write-files", tests, NULL, NULL);
        node_names_free();
        return r;
}
