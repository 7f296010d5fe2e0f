/* SPDX-License-Identifier: Apache-2.0 */
/* Tests of modules/apt_configure.c on a Debian-shaped --root tree: the
 * sources written, the keys dearmoured, apt.conf.d, the commands run in the
 * target (fake tools in a busybox target record their argv and stdin), the
 * keyserver fetch against tests/helpers/fakemeta on loopback, and the
 * refusals of bad values. */

#include "codec.h"
#include "testlib.h"

/* A real key (gpg --quick-gen-key, ed25519), armoured with its CRC. */
#define KEY_BODY                                                                                   \
        "mDMEaw+0ehYJKwYBBAHaRw8BAQdAfwcB//1i8JPXGu0PTgAbg6cpy0sDaqGx5xuV\n"                       \
        "gtxS+k20HFRlc3QgUmVwbyA8cmVwb0BleGFtcGxlLm9yZz6IkAQTFggAOBYhBKoz\n"                       \
        "0p7b+1+ZwfTdYhdsjpcKDel/BQJrD7R6AhsDBQsJCAcCBhUKCQgLAgQWAgMBAh4B\n"                       \
        "AheAAAoJEBdsjpcKDel/xRkBALCCFj3Y6HtK+hlWplAxIK5u93R5TSuBsRKx2GED\n"                       \
        "6jPJAQDwCvLx7d0QAR0TmY3rMqWqwGJrcslnEG+iyIC5HVDQDg==\n"
#define KEY_ARMOUR                                                                                 \
        "-----BEGIN PGP PUBLIC KEY BLOCK-----\n\n" KEY_BODY "=a9f1\n"                              \
        "-----END PGP PUBLIC KEY BLOCK-----\n"

/* The key as YAML block text under `key: |` at the given indent. */
static char *key_yaml(const char *armour, int indent)
{
        struct buf b = BUF_INIT(1 << 16);
        for (const char *l = armour; *l;) {
                const char *eol = strchr(l, '\n');
                size_t n = eol ? (size_t)(eol - l) : strlen(l);
                if (n)
                        assert_int_equal(buf_printf(&b, "%*s%.*s\n", indent, "", (int)n, l), 0);
                else
                        assert_int_equal(buf_puts(&b, "\n"), 0);
                l += n + (eol ? 1 : 0);
        }
        return buf_steal(&b, NULL);
}

static void assert_is_key(struct troot *t, const char *path)
{
        char *got = NULL, *want = NULL;
        size_t glen = 0, wlen = 0;
        assert_int_equal(fs_read_file(t->fd, path, 1 << 16, &got, &glen), 0);
        assert_int_equal(b64_decode(KEY_BODY, strlen(KEY_BODY), 1 << 16, &want, &wlen), 0);
        assert_int_equal(glen, 229);
        assert_int_equal((unsigned char)got[0], 0x98);
        assert_memory_equal(got, want, wlen);
        assert_int_equal(troot_mode(t, path) & 07777, 0644);
        free(got);
        free(want);
}

static void debian(struct troot *t)
{
        troot_write(t, "/etc/os-release", "ID=debian\nVERSION_CODENAME=bookworm\n");
        troot_write(t, "/etc/debian_version", "12.5\n");
        troot_write(t, "/etc/apt/sources.list", "deb http://old/debian bookworm main\n");
}

static const char debian_sources_head[] =
        "## Note, this file is written by cloud-init on first boot of an instance\n";

static void test_preserved_by_default_on_debian(void **state)
{
        (void)state;
        struct troot t;
        troot_make(&t);
        debian(&t);
        assert_int_equal(troot_run_module(&t, "apt_configure",
                                          "apt:\n  primary:\n    - arches: [default]\n"
                                          "      uri: http://mirror.example/debian\n",
                                          NULL),
                         0);
        assert_file_eq(&t, "/etc/apt/sources.list", "deb http://old/debian bookworm main\n");
        assert_false(fs_exists(t.fd, "/etc/apt/sources.list.d/debian.sources"));
        troot_free(&t);
}

static void test_default_deb822_with_mirror(void **state)
{
        (void)state;
        struct troot t;
        char *s;
        troot_make(&t);
        debian(&t);
        assert_int_equal(troot_run_module(&t, "apt_configure",
                                          "apt:\n  preserve_sources_list: false\n"
                                          "  primary:\n    - arches: [s390x]\n"
                                          "      uri: http://wrong.example/\n"
                                          "    - arches: [default]\n"
                                          "      uri: http://mirror.example/debian\n",
                                          NULL),
                         0);
        s = troot_read(&t, "/etc/apt/sources.list.d/debian.sources");
        assert_non_null(s);
        assert_true(startswith(s, debian_sources_head));
        assert_non_null(strstr(s, "## N.B. software from bookworm-backports repository may"));
        assert_non_null(strstr(s, "Types: deb deb-src\nURIs: http://mirror.example/debian\n"
                                  "Suites: bookworm bookworm-updates bookworm-backports\n"
                                  "Components: main\n"
                                  "Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg\n"));
        /* the security mirror follows the primary one when not given */
        assert_non_null(strstr(s, "URIs: http://mirror.example/debian\n"
                                  "Suites: bookworm-security\nComponents: main\n"
                                  "Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg\n"));
        free(s);
        assert_int_equal(troot_mode(&t, "/etc/apt/sources.list.d/debian.sources") & 07777, 0644);
        assert_false(fs_exists(t.fd, "/etc/apt/sources.list"));
        troot_free(&t);
}

static void test_sources_list_template_and_disable_suites(void **state)
{
        (void)state;
        struct troot t;
        troot_make(&t);
        debian(&t);
        assert_int_equal(troot_run_module(&t, "apt_configure",
                                          "apt:\n  preserve_sources_list: false\n"
                                          "  disable_suites: [updates, $RELEASE-backports]\n"
                                          "  primary:\n    - arches: [default]\n"
                                          "      uri: http://m.example/debian\n"
                                          "  security:\n    - arches: [default]\n"
                                          "      uri: http://s.example/debian-security\n"
                                          "  sources_list: |\n"
                                          "    deb $MIRROR $RELEASE main\n"
                                          "    deb [arch=amd64] $PRIMARY $RELEASE-updates main\n"
                                          "    deb $MIRROR $RELEASE-backports main\n"
                                          "    # deb $MIRROR $RELEASE-updates main\n"
                                          "    deb $SECURITY $RELEASE-security main\n",
                                          NULL),
                         0);
        assert_file_eq(&t, "/etc/apt/sources.list",
                       "deb http://m.example/debian bookworm main\n"
                       "# suite disabled by cloud-init: deb [arch=amd64] http://m.example/debian "
                       "bookworm-updates main\n"
                       "# suite disabled by cloud-init: deb http://m.example/debian "
                       "bookworm-backports main\n"
                       "# deb http://m.example/debian bookworm-updates main\n"
                       "deb http://s.example/debian-security bookworm-security main\n");
        assert_false(fs_exists(t.fd, "/etc/apt/sources.list.d/debian.sources"));
        troot_free(&t);
}

static void test_deb822_disable_suites(void **state)
{
        (void)state;
        struct troot t;
        troot_make(&t);
        debian(&t);
        assert_int_equal(troot_run_module(&t, "apt_configure",
                                          "apt:\n  preserve_sources_list: false\n"
                                          "  disable_suites: [backports, security]\n"
                                          "  sources_list: |\n"
                                          "    Types: deb\n"
                                          "    URIs: $MIRROR\n"
                                          "    Suites: $RELEASE $RELEASE-backports\n"
                                          "    Components: main\n"
                                          "\n"
                                          "    Types: deb\n"
                                          "    URIs: $SECURITY\n"
                                          "    Suites: $RELEASE-security\n",
                                          NULL),
                         0);
        assert_file_eq(&t, "/etc/apt/sources.list.d/debian.sources",
                       "Types: deb\n"
                       "URIs: https://deb.debian.org/debian\n"
                       "# cloud-init disable_suites redacted: Suites: bookworm bookworm-backports\n"
                       "Suites: bookworm\n"
                       "Components: main\n"
                       "\n"
                       /* cloud-init joins the entry (ending in a newline) and the blank line
                        * with newlines: two empty lines */
                       "\n"
                       "## Entry disabled by cloud-init, due to disable_suites\n"
                       "# disabled by cloud-init: Types: deb\n"
                       "# disabled by cloud-init: URIs: https://deb.debian.org/debian-security\n"
                       "# disabled by cloud-init: Suites: bookworm-security\n");
        troot_free(&t);
}

static void test_sources_keys_proxy_conf(void **state)
{
        (void)state;
        struct troot t;
        char *key8 = key_yaml(KEY_ARMOUR, 8), cfg[8192];
        troot_make(&t);
        debian(&t);
        (void)snprintf(
                cfg, sizeof(cfg),
                "apt:\n"
                "  http_proxy: http://proxy.example:3128\n"
                "  https_proxy: http://user:secret@proxy.example:3128\n"
                "  conf: |\n"
                "    APT {\n"
                "      Get { Assume-Yes \"true\"; };\n"
                "    };\n"
                "  sources:\n"
                "    hardened.list:\n"
                "      source: deb [signed-by=$KEY_FILE] http://repo.example/ $RELEASE main\n"
                "      key: |\n%s"
                "    plain:\n"
                "      source: deb http://plain.example/ $RELEASE main\n"
                "      key: |\n%s"
                "    keyonly:\n"
                "      key: |\n%s",
                key8, key8, key8);
        free(key8);
        /* no apt-get in this target: the update fails, the files are there */
        (void)troot_run_module(&t, "apt_configure", cfg, NULL);
        assert_file_eq(&t, "/etc/apt/sources.list.d/hardened.list",
                       "deb [signed-by=/etc/apt/cloud-init.gpg.d/hardened.gpg] "
                       "http://repo.example/ bookworm main\n");
        assert_is_key(&t, "/etc/apt/cloud-init.gpg.d/hardened.gpg");
        assert_file_eq(&t, "/etc/apt/sources.list.d/plain.list",
                       "deb http://plain.example/ bookworm main\n");
        assert_is_key(&t, "/etc/apt/trusted.gpg.d/plain.gpg");
        assert_is_key(&t, "/etc/apt/trusted.gpg.d/keyonly.gpg");
        assert_false(fs_exists(t.fd, "/etc/apt/sources.list.d/keyonly.list"));
        assert_file_eq(&t, "/etc/apt/apt.conf.d/90cloud-init-aptproxy",
                       "Acquire::http::Proxy \"http://proxy.example:3128\";\n"
                       "Acquire::https::Proxy \"http://user:secret@proxy.example:3128\";\n");
        /* a proxy with credentials makes the file a secret */
        assert_int_equal(troot_mode(&t, "/etc/apt/apt.conf.d/90cloud-init-aptproxy") & 07777, 0600);
        assert_file_eq(&t, "/etc/apt/apt.conf.d/94cloud-init-config",
                       "APT {\n  Get { Assume-Yes \"true\"; };\n};\n");
        if (strstr(t.log.data, "secret"))
                fail_msg("the proxy's password is in the log:\n%s", t.log.data);
        /* a later boot without proxy and conf removes them (cloud-init does) */
        assert_int_equal(
                troot_run_module(&t, "apt_configure", "apt: {debconf_selections: {}}\n", NULL), 0);
        assert_false(fs_exists(t.fd, "/etc/apt/apt.conf.d/90cloud-init-aptproxy"));
        assert_false(fs_exists(t.fd, "/etc/apt/apt.conf.d/94cloud-init-config"));
        troot_free(&t);
}

static const char fake[] =
        "#!/bin/sh\n"
        "echo \"$(basename \"$0\") $* FRONTEND=$DEBIAN_FRONTEND\" >> /tmp/cmd.log\n"
        "cat >> /tmp/stdin.log\n"
        "exit 0\n";

static void test_commands_in_target(void **state)
{
        (void)state;
        struct troot t;
        troot_make_target(&t);
        debian(&t);
        assert_int_equal(fs_write_atomic(t.fd, "/usr/bin/apt-get", fake, sizeof(fake) - 1, 0755,
                                         FS_NO_OWNER, (gid_t)-1),
                         0);
        troot_write_exec(&t, "/usr/bin/debconf-set-selections", fake);
        troot_write_exec(&t, "/usr/bin/add-apt-repository", fake);
        assert_int_equal(troot_run_module(&t, "apt_configure",
                                          "apt:\n"
                                          "  debconf_selections:\n"
                                          "    set2: |\n"
                                          "      b b/q boolean true\n"
                                          "    set1: a a/q string x\n"
                                          "  sources:\n"
                                          "    ppa:\n"
                                          "      source: ppa:curtin-dev/test-archive\n"
                                          "    x.list:\n"
                                          "      source: deb http://x.example/ $RELEASE main\n",
                                          NULL),
                         0);
        assert_file_eq(&t, "/tmp/stdin.log", "a a/q string x\nb b/q boolean true\n");
        {
                char *log = troot_read(&t, "/tmp/cmd.log");
                assert_non_null(log);
                assert_true(startswith(log, "debconf-set-selections  FRONTEND="));
                assert_non_null(
                        strstr(log, "\nadd-apt-repository --no-update ppa:curtin-dev/test-archive "
                                    "FRONTEND="));
                assert_non_null(strstr(log, "\napt-get --option=Dpkg::Options::=--force-confold "
                                            "--option=Dpkg::options::=--force-unsafe-io "
                                            "--assume-yes --quiet update "
                                            "FRONTEND=noninteractive\n"));
                free(log);
        }
        assert_false(fs_exists(t.fd, "/etc/apt/sources.list.d/ppa.list"));
        assert_file_eq(&t, "/etc/apt/sources.list.d/x.list",
                       "deb http://x.example/ bookworm main\n");
        troot_free(&t);
}

static void test_bad_values_refused_rest_applies(void **state)
{
        (void)state;
        struct troot t;
        char *bad = strdup(KEY_ARMOUR), *badkey, cfg[8192];
        int r;
        troot_make(&t);
        debian(&t);
        /* one changed character: the CRC no longer matches */
        bad[60] = bad[60] == 'A' ? 'B' : 'A';
        badkey = key_yaml(bad, 8);
        (void)snprintf(cfg, sizeof(cfg),
                       "apt:\n"
                       "  proxy: \"http://p.example/\\nAcquire::x \\\"y\\\";\"\n"
                       "  ftp_proxy: ftp://ftp-proxy.example/\n"
                       "  sources:\n"
                       "    evil:\n"
                       "      source: \"deb http://e.example/ x main\\rdeb http://f/ y main\"\n"
                       "    badkey:\n"
                       "      source: deb http://b.example/ x main\n"
                       "      key: |\n%s"
                       "    dots:\n"
                       "      filename: ../../etc/passwd\n"
                       "      source: deb http://d.example/ x main\n"
                       "    good:\n"
                       "      source: deb http://g.example/ x main\n",
                       badkey);
        free(bad);
        free(badkey);
        r = troot_run_module(&t, "apt_configure", cfg, NULL);
        assert_true(r < 0);
        assert_log_has(&t, "test.yaml:2:10: apt.proxy: must be one URL on one line");
        assert_log_has(&t, "test.yaml:6:15: apt.sources.source: holds a control character");
        assert_log_has(&t, "test.yaml:9:12: key: not an ASCII-armoured OpenPGP public key");
        assert_log_has(&t, "apt.sources.filename: not a usable file name");
        assert_file_eq(&t, "/etc/apt/apt.conf.d/90cloud-init-aptproxy",
                       "Acquire::ftp::Proxy \"ftp://ftp-proxy.example/\";\n");
        assert_false(fs_exists(t.fd, "/etc/apt/sources.list.d/evil.list"));
        assert_false(fs_exists(t.fd, "/etc/apt/sources.list.d/badkey.list"));
        assert_false(fs_exists(t.fd, "/etc/apt/trusted.gpg.d/badkey.gpg"));
        assert_file_eq(&t, "/etc/apt/sources.list.d/good.list", "deb http://g.example/ x main\n");
        troot_free(&t);
}

static void test_keyid_from_keyserver(void **state)
{
        (void)state;
        struct troot t, srv;
        char cfg[1024];
        int port = 0;
        pid_t pid;
        troot_make(&srv);
        troot_write(&srv, "/pks/lookup", KEY_ARMOUR);
        pid = fakemeta_start(&srv, NULL, &port);
        troot_make(&t);
        debian(&t);
        (void)snprintf(cfg, sizeof(cfg),
                       "apt:\n  preserve_sources_list: false\n"
                       "  primary:\n    - arches: [default]\n"
                       "      uri: http://m.example/debian\n"
                       "      keyid: AA33 D29E DBFB 5F99 C1F4  DD62 176C 8E97 0A0D E97F\n"
                       "      keyserver: http://127.0.0.1:%d\n"
                       "  sources:\n    k.list:\n      keyid: '0A0DE97F'\n"
                       "      keyserver: http://127.0.0.1:%d/\n"
                       "    nokey.list:\n      keyid: 'not hex'\n",
                       port, port);
        assert_int_equal(troot_run_module(&t, "apt_configure", cfg, NULL), -EINVAL);
        fakemeta_stop(pid);
        assert_is_key(&t, "/etc/apt/trusted.gpg.d/primary.gpg");
        assert_is_key(&t, "/etc/apt/trusted.gpg.d/k.gpg");
        assert_log_has(&t, "keyid: not a key id or keyserver");
        {
                char *s = troot_read(&t, "/etc/apt/sources.list.d/debian.sources");
                assert_non_null(strstr(s, "Signed-By: /etc/apt/trusted.gpg.d/primary.gpg\n\n"));
                assert_non_null(strstr(s, "Suites: bookworm-security\nComponents: main\n"
                                          "Signed-By: /etc/apt/trusted.gpg.d/primary.gpg\n"));
                free(s);
        }
        troot_free(&t);
        troot_free(&srv);
}

int main(void)
{
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_preserved_by_default_on_debian),
                cmocka_unit_test(test_default_deb822_with_mirror),
                cmocka_unit_test(test_sources_list_template_and_disable_suites),
                cmocka_unit_test(test_deb822_disable_suites),
                cmocka_unit_test(test_sources_keys_proxy_conf),
                cmocka_unit_test(test_commands_in_target),
                cmocka_unit_test(test_bad_values_refused_rest_applies),
                cmocka_unit_test(test_keyid_from_keyserver),
        };
        int r = cmocka_run_group_tests_name("mod-apt-configure", tests, NULL, NULL);
        node_names_free();
        return r;
}
