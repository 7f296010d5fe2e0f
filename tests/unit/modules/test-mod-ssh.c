/* SPDX-License-Identifier: Apache-2.0 */
/* Tests of modules/ssh.c and modules/keys_to_console.c. */
#include <limits.h>
#include <stdio.h>
#include <sys/file.h>

#include "testlib.h"

#define MDKEY "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIMetaDataKey md@x"
#define CFGKEY "ssh-rsa AAAAB3NzaC1yc2EAAAADAQABCfgKey cfg@x"

static void users(struct troot *t)
{
        troot_write(t, "/etc/passwd",
                    "root:x:0:0:root:/root:/bin/sh\n"
                    "debian:x:1000:1000::/home/debian:/bin/sh\n");
        assert_int_equal(fs_mkdir_p(t->fd, "/home/debian", 0755), 0);
        assert_int_equal(fs_mkdir_p(t->fd, "/root", 0700), 0);
        if (geteuid() == 0) {
                int fd = fs_open_in_root(t->fd, "/home/debian", O_RDONLY | O_DIRECTORY, 0);
                assert_int_equal(fchown(fd, 1000, 1000), 0);
                close(fd);
        }
}

static void test_supplied_keys_and_deletekeys(void **state)
{
        (void)state;
        struct troot t;
        char *cfg;
        troot_make(&t);
        troot_write(&t, "/etc/ssh/ssh_host_dsa_key", "old");
        troot_write(&t, "/etc/ssh/ssh_host_dsa_key.pub", "old");
        troot_write(&t, "/etc/ssh/sshd_config", "Port 22\n");
        assert_int_equal(
                troot_run_module(
                        &t, "ssh",
                        "ssh_keys:\n"
                        "  ed25519_private: |\n    PRIVATE\n"
                        "  ed25519_public: ssh-ed25519 AAAApub host\n"
                        "  ed25519_certificate: ssh-ed25519-cert-v01@openssh.com AAAAcert\n",
                        NULL),
                0);
        assert_false(fs_exists(t.fd, "/etc/ssh/ssh_host_dsa_key"));
        assert_false(fs_exists(t.fd, "/etc/ssh/ssh_host_dsa_key.pub"));
        assert_file_eq(&t, "/etc/ssh/ssh_host_ed25519_key", "PRIVATE\n");
        assert_int_equal(troot_mode(&t, "/etc/ssh/ssh_host_ed25519_key") & 07777, 0600);
        assert_int_equal(troot_mode(&t, "/etc/ssh/ssh_host_ed25519_key.pub") & 07777, 0644);
        assert_int_equal(troot_mode(&t, "/etc/ssh/ssh_host_ed25519_key-cert.pub") & 07777, 0644);
        cfg = troot_read(&t, "/etc/ssh/sshd_config");
        assert_string_equal(cfg,
                            "Port 22\nHostCertificate /etc/ssh/ssh_host_ed25519_key-cert.pub\n");
        free(cfg);
        /* ssh_deletekeys: false keeps what is there */
        troot_write(&t, "/etc/ssh/ssh_host_dsa_key", "kept");
        assert_int_equal(troot_run_module(&t, "ssh",
                                          "ssh_deletekeys: false\n"
                                          "ssh_keys: {rsa_private: x}\n",
                                          NULL),
                         0);
        assert_file_eq(&t, "/etc/ssh/ssh_host_dsa_key", "kept");
        troot_free(&t);
}

static void test_generated_keys_and_console(void **state)
{
        (void)state;
        struct troot t;
        char *out = NULL;
        int r;
        if (access("/usr/bin/ssh-keygen", X_OK) != 0)
                skip();
        troot_make(&t);
        troot_write(&t, "/etc/hostname", "keyhost\n");
        assert_int_equal(troot_run_module(&t, "ssh", "ssh_genkeytypes: [ed25519]\n", NULL), 0);
        assert_int_equal(troot_mode(&t, "/etc/ssh/ssh_host_ed25519_key") & 07777, 0600);
        assert_false(fs_exists(t.fd, "/etc/ssh/ssh_host_rsa_key"));
        out = troot_read(&t, "/etc/ssh/ssh_host_ed25519_key.pub");
        assert_true(strncmp(out, "ssh-ed25519 AAAA", 16) == 0);
        assert_non_null(strstr(out, " root@keyhost\n"));
        free(out);
        /* keys_to_console shows it between the markers */
        out = troot_run_module_stdout(&t, "keys_to_console", "{}\n", NULL, &r);
        assert_int_equal(r, 0);
        assert_non_null(strstr(out, "-----BEGIN SSH HOST KEY FINGERPRINTS-----\n256 SHA256:"));
        assert_non_null(
                strstr(out, " root@keyhost (ED25519)\n-----END SSH HOST KEY FINGERPRINTS-----\n"));
        assert_non_null(strstr(out, "-----BEGIN SSH HOST KEY KEYS-----\nssh-ed25519 AAAA"));
        free(out);
        troot_free(&t);
}

/* Whatever a shell command prints (at most 64 KB), or "" */
static char *command_output(const char *cmd)
{
        FILE *f = popen(cmd, "r");
        char *out = calloc(1, 65536);
        size_t n;
        assert_non_null(f);
        assert_non_null(out);
        n = fread(out, 1, 65535, f);
        out[n] = '\0';
        (void)pclose(f);
        return out;
}

/* keys_to_console says what `ssh-keygen -l` says of each plain host key,
 * byte for byte, without running it; a type it does not know is left to
 * ssh-keygen. */
static void test_console_fingerprints_as_ssh_keygen(void **state)
{
        (void)state;
        static const char *const made[][2] = {
                { "rsa", "-t rsa -b 1024 -C root@fp-host" },
                { "ecdsa", "-t ecdsa -b 384 -C root@fp-host" },
                { "ecdsa521", "-t ecdsa -b 521 -C 'two words'" },
                { "ed25519", "-t ed25519 -C root@fp-host" },
        };
        static const char *const tools[] = { "ssh-keygen", NULL };
        char dir[] = "/tmp/cloudboot-fp.XXXXXX", cmd[512], path[600], stubs[256];
        struct troot t;
        char *out, *calls, *pub, *want = NULL;
        int r;

        if (access("/usr/bin/ssh-keygen", X_OK) != 0)
                skip();
        assert_non_null(mkdtemp(dir));
        troot_make(&t);
        for (size_t i = 0; i < ELEMENTSOF(made); i++) {
                (void)snprintf(cmd, sizeof(cmd), "ssh-keygen -q -N '' %s -f %s/%s >/dev/null 2>&1",
                               made[i][1], dir, made[i][0]);
                if (system(cmd) != 0)
                        continue;
                (void)snprintf(path, sizeof(path), "%s/%s.pub", dir, made[i][0]);
                pub = command_output(strcat(strcpy(cmd, "cat "), path));
                (void)snprintf(path, sizeof(path), "/etc/ssh/ssh_host_%s_key.pub", made[i][0]);
                troot_write(&t, path, pub);
                free(pub);
        }
        /* the comment as ssh-keygen reads it: blanks before it skipped, tabs
         * and a carriage return within kept; none; no final newline */
        (void)snprintf(cmd, sizeof(cmd), "cut -d' ' -f2 %s/ed25519.pub | tr -d '\\n'", dir);
        pub = command_output(cmd);
        (void)snprintf(path, sizeof(path), "ssh-ed25519\t%s \t  a\tcomment \r\n", pub);
        troot_write(&t, "/etc/ssh/ssh_host_c1_key.pub", path);
        (void)snprintf(path, sizeof(path), "ssh-ed25519 %s", pub);
        troot_write(&t, "/etc/ssh/ssh_host_c2_key.pub", path);
        (void)snprintf(path, sizeof(path), "ssh-ed25519 %s   \n", pub);
        troot_write(&t, "/etc/ssh/ssh_host_c3_key.pub", path);
        free(pub);
        /* what ssh-keygen says of each, in the order the module lists them */
        (void)snprintf(cmd, sizeof(cmd),
                       "for f in $(ls %s/etc/ssh/ssh_host_*key.pub | LC_ALL=C sort); do "
                       "ssh-keygen -l -f - <$f; done",
                       t.path);
        want = command_output(cmd);
        assert_non_null(strstr(want, " root@fp-host (ED25519)\n"));
        assert_non_null(strstr(want, "1024 SHA256:"));
        assert_non_null(strstr(want, "384 SHA256:"));
        assert_non_null(strstr(want, " two words (ECDSA)\n"));
        /* a type the module leaves to ssh-keygen (a stub from here on) */
        troot_write(&t, "/etc/ssh/ssh_host_zz_key.pub", "ssh-foo AAAAB2Zvbw== x\n");
        stubs_make(stubs, sizeof(stubs), tools);
        out = troot_run_module_stdout(&t, "keys_to_console", "{}\n", NULL, &r);
        assert_int_equal(r, 0);
        assert_true(asprintf(&pub, "-----BEGIN SSH HOST KEY FINGERPRINTS-----\n%s", want) > 0);
        if (!strstr(out, pub))
                fail_msg("keys_to_console printed:\n%s\nssh-keygen -l says:\n%s", out, want);
        free(pub);
        calls = stubs_read(stubs, "calls");
        assert_string_equal(calls, "ssh-keygen [-l] [-f] [-]\n");
        free(calls);
        calls = stubs_read(stubs, "stdin");
        assert_string_equal(calls, "ssh-foo AAAAB2Zvbw== x\n");
        free(calls);
        stubs_free(stubs);
        free(out);
        free(want);
        troot_free(&t);
        (void)snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
        assert_int_equal(system(cmd), 0);
}

static void test_authorized_keys_for_default_user_and_root(void **state)
{
        (void)state;
        struct troot t;
        char *root;
        troot_make(&t);
        users(&t);
        assert_int_equal(troot_run_module(&t, "ssh",
                                          "system_info: {default_user: {name: debian}}\n"
                                          "ssh_keys: {rsa_private: x}\n"
                                          "ssh_authorized_keys: [\"" CFGKEY "\"]\n",
                                          "public-keys: [\"" MDKEY "\"]\n"),
                         0);
        assert_file_eq(&t, "/home/debian/.ssh/authorized_keys", MDKEY "\n" CFGKEY "\n");
        root = troot_read(&t, "/root/.ssh/authorized_keys");
        assert_non_null(
                strstr(root, "no-port-forwarding,no-agent-forwarding,no-X11-forwarding,"
                             "command=\"echo 'Please login as the user \\\"debian\\\" rather "
                             "than the user \\\"root\\\".';echo;sleep 10;exit 142\" " MDKEY "\n"));
        free(root);
        troot_free(&t);
}

static void test_disable_root_false_and_no_public_keys(void **state)
{
        (void)state;
        struct troot t;
        troot_make(&t);
        users(&t);
        assert_int_equal(troot_run_module(&t, "ssh",
                                          "system_info: {default_user: {name: debian}}\n"
                                          "ssh_keys: {rsa_private: x}\n"
                                          "disable_root: false\nallow_public_ssh_keys: false\n"
                                          "ssh_authorized_keys: [\"" CFGKEY "\"]\n",
                                          "public-keys: [\"" MDKEY "\"]\n"),
                         0);
        assert_file_eq(&t, "/home/debian/.ssh/authorized_keys", CFGKEY "\n");
        assert_file_eq(&t, "/root/.ssh/authorized_keys", CFGKEY "\n");
        troot_free(&t);
}

static void test_a_key_with_a_line_break_is_refused(void **state)
{
        (void)state;
        struct troot t;
        troot_make(&t);
        users(&t);
        assert_int_equal(troot_run_module(&t, "ssh",
                                          "system_info: {default_user: {name: debian}}\n"
                                          "ssh_keys: {rsa_private: x}\n"
                                          "ssh_authorized_keys: [\"" CFGKEY
                                          "\\nssh-rsa AAAAinjected x\"]\n",
                                          NULL),
                         0);
        assert_log_has(&t, "entry 0 is not one ssh key; skipped");
        /* no key left: the file is made empty, as cloud-init makes it */
        assert_file_eq(&t, "/home/debian/.ssh/authorized_keys", "");
        troot_free(&t);
}

/* cloud-init's ssh module writes authorized_keys for the default user and
 * root even with no key at all: empty, 0600, in a 0700 ~/.ssh. */
static void test_no_key_still_makes_empty_authorized_keys(void **state)
{
        (void)state;
        struct troot t;
        troot_make(&t);
        users(&t);
        assert_int_equal(troot_run_module(&t, "ssh",
                                          "system_info: {default_user: {name: debian}}\n"
                                          "ssh_genkeytypes: []\n",
                                          NULL),
                         0);
        assert_file_eq(&t, "/home/debian/.ssh/authorized_keys", "");
        assert_int_equal(troot_mode(&t, "/home/debian/.ssh/authorized_keys") & 07777, 0600);
        assert_int_equal(troot_mode(&t, "/home/debian/.ssh") & 07777, 0700);
        assert_file_eq(&t, "/root/.ssh/authorized_keys", "");
        assert_int_equal(troot_mode(&t, "/root/.ssh/authorized_keys") & 07777, 0600);
        troot_free(&t);
}

static void collect(void *userdata, enum schema_severity sev, const char *pos, const char *msg)
{
        struct buf *b = userdata;
        (void)sev;
        (void)buf_printf(b, "%s: %s\n", pos, msg);
}

/* disable_root_opts with a line break would add an unrestricted line to
 * root's authorized_keys: refused (reported with its position by the schema
 * check), root's keys keep the default options. */
static void test_disable_root_opts_with_a_line_break_is_refused(void **state)
{
        (void)state;
        struct troot t;
        struct buf msgs = BUF_INIT(1 << 16);
        struct schema_report rep = { .emit = collect, .userdata = &msgs };
        const char *cfg_text = "system_info: {default_user: {name: debian}}\n"
                               "ssh_keys: {rsa_private: x}\n"
                               "disable_root_opts: \"no-pty\\n" CFGKEY "\"\n";
        struct node *cfg;
        char *root;
        troot_make(&t);
        users(&t);
        cfg = test_yaml(cfg_text);
        schema_validate_config(cfg, &rep);
        assert_non_null(msgs.data);
        assert_non_null(strstr(msgs.data, "test.yaml:3:20: disable_root_opts: 'no-pty\\nssh-"));
        assert_non_null(strstr(msgs.data, "contains a line break"));
        assert_null(node_get(cfg, "disable_root_opts"));
        node_free(cfg);
        buf_free(&msgs);
        assert_int_equal(troot_run_module(&t, "ssh", cfg_text, "public-keys: [\"" MDKEY "\"]\n"),
                         0);
        root = troot_read(&t, "/root/.ssh/authorized_keys");
        assert_non_null(root);
        assert_null(strstr(root, "\n" CFGKEY));
        assert_null(strstr(root, "no-pty"));
        assert_non_null(strstr(root, "no-port-forwarding,no-agent-forwarding"));
        free(root);
        troot_free(&t);
}

#define PREP "/run/cloud-init/cloudboot-hostkeys"

/* Wait for the child that makes TYPE's key early: it holds TYPE.lock. */
static void wait_prepared(struct troot *t, const char *type)
{
        char path[128];
        int fd;

        (void)snprintf(path, sizeof(path), PREP "/%s.lock", type);
        fd = fs_open_nofollow(t->fd, path, O_RDONLY | O_CLOEXEC, 0);
        assert_true(fd >= 0);
        assert_int_equal(flock(fd, LOCK_SH), 0);
        close(fd);
}

static void test_host_keys_made_early_are_taken_up(void **state)
{
        (void)state;
        struct troot t;
        char *prepub, *prepriv, *pub, *priv;
        int fd;
        if (access("/usr/bin/ssh-keygen", X_OK) != 0)
                skip();
        troot_make(&t);
        troot_write(&t, "/etc/hostname", "keyhost\n");
        troot_write(&t, "/etc/ssh/ssh_host_ed25519_key", "old");
        troot_write(&t, "/etc/ssh/ssh_host_ed25519_key.pub", "old");
        assert_int_equal(troot_prepare_module(&t, "ssh", "ssh_genkeytypes: [ed25519]\n"), 0);
        /* begun: its child holds the lock until the pair is there */
        assert_int_equal(troot_mode(&t, PREP) & 07777, 0700);
        assert_int_equal(troot_mode(&t, "/run/cloud-init") & 07777, 0755);
        fd = fs_open_nofollow(t.fd, PREP "/ed25519.lock", O_RDONLY | O_CLOEXEC, 0);
        assert_true(fd >= 0);
        close(fd);
        wait_prepared(&t, "ed25519");
        /* nothing of the target changed: the old key is removed at the
         * module's turn (ssh_deletekeys), not before */
        assert_file_eq(&t, "/etc/ssh/ssh_host_ed25519_key", "old");
        assert_int_equal(troot_mode(&t, PREP "/ed25519") & 07777, 0600);
        assert_int_equal(troot_mode(&t, PREP "/ed25519.pub") & 07777, 0600);
        assert_false(fs_exists(t.fd, PREP "/rsa.lock"));
        prepub = troot_read(&t, PREP "/ed25519.pub");
        prepriv = troot_read(&t, PREP "/ed25519");
        assert_non_null(strstr(prepub, " root@keyhost\n"));
        /* a second prepare begins nothing more: the pair stays */
        assert_int_equal(troot_prepare_module(&t, "ssh", "ssh_genkeytypes: [ed25519]\n"), 0);
        wait_prepared(&t, "ed25519");
        assert_file_eq(&t, PREP "/ed25519.pub", prepub);

        assert_int_equal(troot_run_module(&t, "ssh", "ssh_genkeytypes: [ed25519]\n", NULL), 0);
        pub = troot_read(&t, "/etc/ssh/ssh_host_ed25519_key.pub");
        priv = troot_read(&t, "/etc/ssh/ssh_host_ed25519_key");
        assert_string_equal(pub, prepub);
        assert_string_equal(priv, prepriv);
        assert_int_equal(troot_mode(&t, "/etc/ssh/ssh_host_ed25519_key") & 07777, 0600);
        assert_int_equal(troot_mode(&t, "/etc/ssh/ssh_host_ed25519_key.pub") & 07777, 0644);
        /* no private key stays behind the module */
        assert_false(fs_exists(t.fd, PREP));
        free(prepub);
        free(prepriv);
        free(pub);
        free(priv);
        troot_free(&t);
}

static void test_a_key_made_early_for_another_name_is_made_again(void **state)
{
        (void)state;
        struct troot t;
        char *prepub, *pub;
        if (access("/usr/bin/ssh-keygen", X_OK) != 0)
                skip();
        troot_make(&t);
        troot_write(&t, "/etc/hostname", "keyhost\n");
        assert_int_equal(troot_prepare_module(&t, "ssh", "ssh_genkeytypes: [ed25519]\n"), 0);
        wait_prepared(&t, "ed25519");
        prepub = troot_read(&t, PREP "/ed25519.pub");
        /* the init stage's set_hostname named the host otherwise */
        troot_write(&t, "/etc/hostname", "renamed\n");
        assert_int_equal(troot_run_module(&t, "ssh", "ssh_genkeytypes: [ed25519]\n", NULL), 0);
        pub = troot_read(&t, "/etc/ssh/ssh_host_ed25519_key.pub");
        assert_string_not_equal(pub, prepub);
        assert_non_null(strstr(pub, " root@renamed\n"));
        assert_false(fs_exists(t.fd, PREP));
        free(prepub);
        free(pub);
        troot_free(&t);
}

static void test_keys_made_early_give_way(void **state)
{
        (void)state;
        struct troot t;
        if (access("/usr/bin/ssh-keygen", X_OK) != 0)
                skip();
        troot_make(&t);
        /* ssh_keys given by the time the module runs: those are written,
         * and the early key is waited for and removed */
        assert_int_equal(troot_prepare_module(&t, "ssh", "ssh_genkeytypes: [ed25519]\n"), 0);
        assert_int_equal(troot_run_module(&t, "ssh",
                                          "ssh_keys:\n"
                                          "  ed25519_private: |\n    PRIVATE\n"
                                          "  ed25519_public: ssh-ed25519 AAAApub host\n",
                                          NULL),
                         0);
        assert_file_eq(&t, "/etc/ssh/ssh_host_ed25519_key", "PRIVATE\n");
        assert_false(fs_exists(t.fd, PREP));
        /* nothing begun: supplied keys, or keys kept (ssh_deletekeys: false) */
        assert_int_equal(troot_prepare_module(&t, "ssh", "ssh_keys: {rsa_private: x}\n"), 0);
        assert_false(fs_exists(t.fd, PREP "/rsa.lock"));
        assert_int_equal(troot_prepare_module(&t, "ssh",
                                              "ssh_deletekeys: false\n"
                                              "ssh_genkeytypes: [ed25519]\n"),
                         0);
        assert_false(fs_exists(t.fd, PREP "/ed25519.lock"));
        assert_file_eq(&t, "/etc/ssh/ssh_host_ed25519_key", "PRIVATE\n");
        troot_free(&t);
}

static void test_a_link_at_the_early_keys_directory_is_not_followed(void **state)
{
        (void)state;
        struct troot t;
        char link[PATH_MAX];
        if (access("/usr/bin/ssh-keygen", X_OK) != 0)
                skip();
        troot_make(&t);
        troot_write(&t, "/etc/hostname", "keyhost\n");
        troot_write(&t, "/var/keep", "kept");
        assert_int_equal(fs_mkdir_p(t.fd, "/run/cloud-init", 0755), 0);
        (void)snprintf(link, sizeof(link), "%s" PREP, t.path);
        assert_int_equal(symlink("/var", link), 0);
        /* nothing begun through it */
        assert_true(troot_prepare_module(&t, "ssh", "ssh_genkeytypes: [ed25519]\n") < 0);
        assert_false(fs_exists(t.fd, "/var/ed25519.lock"));
        /* the module makes its key and removes the link, not what it names */
        assert_int_equal(troot_run_module(&t, "ssh", "ssh_genkeytypes: [ed25519]\n", NULL), 0);
        assert_int_equal(troot_mode(&t, "/etc/ssh/ssh_host_ed25519_key") & 07777, 0600);
        assert_file_eq(&t, "/var/keep", "kept");
        assert_false(fs_exists(t.fd, PREP));
        troot_free(&t);
}

int main(void)
{
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_supplied_keys_and_deletekeys),
                cmocka_unit_test(test_generated_keys_and_console),
                cmocka_unit_test(test_console_fingerprints_as_ssh_keygen),
                cmocka_unit_test(test_host_keys_made_early_are_taken_up),
                cmocka_unit_test(test_a_key_made_early_for_another_name_is_made_again),
                cmocka_unit_test(test_keys_made_early_give_way),
                cmocka_unit_test(test_a_link_at_the_early_keys_directory_is_not_followed),
                cmocka_unit_test(test_authorized_keys_for_default_user_and_root),
                cmocka_unit_test(test_disable_root_false_and_no_public_keys),
                cmocka_unit_test(test_a_key_with_a_line_break_is_refused),
                cmocka_unit_test(test_no_key_still_makes_empty_authorized_keys),
                cmocka_unit_test(test_disable_root_opts_with_a_line_break_is_refused),
        };
        int r = cmocka_run_group_tests_name("mod-ssh", tests, NULL, NULL);
        node_names_free();
        return r;
}
