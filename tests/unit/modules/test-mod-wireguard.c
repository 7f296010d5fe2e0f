/* SPDX-License-Identifier: Apache-2.0 */
/* Tests of modules/wireguard.c on a --root tree: the configuration file (its
 * content, mode 0600, owner root), the commands run in the target (fake
 * apt-get and systemctl in a busybox target record their argv), and what is
 * refused with its position: bad names, paths, missing or oversized content,
 * symlinks on the way. The private key never reaches the log. */
#include "testlib.h"

#define PRIV "aGVsbG8tdGhpcy1pcy1hLXRlc3Qta2V5LW5vdC1yZWFsPQ=="

static const char conf[] = "[Interface]\n"
                           "PrivateKey = " PRIV "\n"
                           "Address = 10.99.0.2/24\n"
                           "\n"
                           "[Peer]\n"
                           "PublicKey = cGVlci1wdWJsaWMta2V5LW9mLXRoZS10ZXN0LWhvc3Q9\n"
                           "Endpoint = 10.0.2.2:51820\n"
                           "AllowedIPs = 10.99.0.1/32\n";

static const char cfg_one[] = "unverified_modules: [wireguard]\n"
                              "wireguard:\n"
                              "  interfaces:\n"
                              "    - name: wg0\n"
                              "      config_path: /etc/wireguard/wg0.conf\n"
                              "      content: |\n"
                              "        [Interface]\n"
                              "        PrivateKey = " PRIV "\n"
                              "        Address = 10.99.0.2/24\n"
                              "\n"
                              "        [Peer]\n"
                              "        PublicKey = cGVlci1wdWJsaWMta2V5LW9mLXRoZS10ZXN0LWhvc3Q9\n"
                              "        Endpoint = 10.0.2.2:51820\n"
                              "        AllowedIPs = 10.99.0.1/32\n"
                              "  readinessprobe:\n"
                              "    - ping -c 1 10.99.0.1\n";

static void setup(struct troot *t)
{
        troot_make_fakes(t, FAKE_RECORDER,
                         (const char *const[]){ "/usr/bin/apt-get", "/usr/bin/systemctl", NULL });
        troot_write(t, "/etc/os-release", "ID=debian\nVERSION_CODENAME=bookworm\n");
}

static void assert_no_secret(struct troot *t)
{
        if (t->log.data && strstr(t->log.data, PRIV))
                fail_msg("the private key is in the log:\n%s", t->log.data);
}

static void test_writes_0600_installs_tools_and_enables_unit(void **state)
{
        (void)state;
        struct troot t;
        struct stat st;
        setup(&t);
        assert_int_equal(troot_run_module(&t, "wireguard", cfg_one, NULL), 0);
        assert_file_eq(&t, "/etc/wireguard/wg0.conf", conf);
        assert_int_equal(troot_mode(&t, "/etc/wireguard/wg0.conf") & 07777, 0600);
        assert_true(S_ISREG(troot_mode(&t, "/etc/wireguard/wg0.conf")));
        assert_int_equal(fs_stat(t.fd, "/etc/wireguard/wg0.conf", false, &st), 0);
        assert_int_equal(st.st_uid, 0);
        assert_int_equal(st.st_gid, 0);
        /* the directory it made holds private keys: 0700, as the package's */
        assert_int_equal(troot_mode(&t, "/etc/wireguard") & 07777, 0700);
        assert_calls(&t,
                       "apt-get --assume-yes update\n"
                       "apt-get --option=Dpkg::Options::=--force-confold "
                       "--option=Dpkg::options::=--force-unsafe-io --assume-yes --quiet install "
                       "wireguard-tools\n"
                       "systemctl enable wg-quick@wg0\n");
        assert_log_has(&t, "wireguard: no wg in the target; installing wireguard-tools");
        assert_log_has(&t, "wireguard: wrote /etc/wireguard/wg0.conf for wg0 (");
        assert_log_has(&t, "Enabled wg-quick@wg0 in the target; not restarted");
        assert_log_has(&t, "the kernel module is not loaded under --root");
        assert_log_has(&t, "1 readiness probes not run under --root");
        assert_no_secret(&t);
        troot_free(&t);
}

static void test_present_wg_installs_nothing_and_keeps_directory_mode(void **state)
{
        (void)state;
        struct troot t;
        setup(&t);
        troot_write_exec(&t, "/usr/bin/wg", FAKE_RECORDER);
        assert_int_equal(fs_mkdir_p(t.fd, "/etc/wireguard", 0750), 0);
        /* an old file of another mode is replaced: 0600 whatever was there */
        troot_write(&t, "/etc/wireguard/wg0.conf", "old\n");
        assert_int_equal(troot_run_module(&t, "wireguard", cfg_one, NULL), 0);
        assert_file_eq(&t, "/etc/wireguard/wg0.conf", conf);
        assert_int_equal(troot_mode(&t, "/etc/wireguard/wg0.conf") & 07777, 0600);
        assert_int_equal(troot_mode(&t, "/etc/wireguard") & 07777, 0750);
        assert_calls(&t, "systemctl enable wg-quick@wg0\n");
        troot_free(&t);
}

static void test_two_interfaces_in_order(void **state)
{
        (void)state;
        struct troot t;
        setup(&t);
        troot_write_exec(&t, "/usr/bin/wg", FAKE_RECORDER);
        assert_int_equal(troot_run_module(&t, "wireguard",
                                          "unverified_modules: [wireguard]\n"
                                          "wireguard:\n"
                                          "  interfaces:\n"
                                          "    - {name: wg0, config_path: /etc/wireguard/wg0.conf,"
                                          " content: \"a\\n\"}\n"
                                          "    - {name: a_b=c+d.e-f, config_path: "
                                          "/srv/wg/x/y.conf, content: \"\"}\n",
                                          NULL),
                         0);
        assert_file_eq(&t, "/etc/wireguard/wg0.conf", "a\n");
        assert_file_eq(&t, "/srv/wg/x/y.conf", "");
        assert_int_equal(troot_mode(&t, "/srv/wg/x/y.conf") & 07777, 0600);
        assert_int_equal(troot_mode(&t, "/srv/wg/x") & 07777, 0700);
        assert_calls(&t,
                       "systemctl enable wg-quick@wg0\n"
                       "systemctl enable wg-quick@a_b=c+d.e-f\n");
        troot_free(&t);
}

/* One bad interface refuses the key: nothing written, installed or enabled. */
static void run_refused(const char *cfg, const char *msg, const char *not_written)
{
        struct troot t;
        setup(&t);
        assert_int_equal(troot_run_module(&t, "wireguard", cfg, NULL), -EINVAL);
        assert_log_has(&t, msg);
        assert_log_has(&t, "Invalid wireguard interface configuration: nothing configured");
        assert_calls(&t, NULL);
        assert_false(fs_exists(t.fd, "/etc/wireguard/ok.conf"));
        if (not_written)
                assert_false(fs_exists(t.fd, not_written));
        assert_no_secret(&t);
        troot_free(&t);
}

#define UNVERIFIED "unverified_modules: [wireguard]\n"

static const char ok_iface[] = "    - {name: ok, config_path: /etc/wireguard/ok.conf, content: "
                               "\"PrivateKey = " PRIV "\\n\"}\n";

static void test_bad_names_refused_with_position(void **state)
{
        char cfg[1024];
        static const char *const bad[] = { "wg0;reboot", "abcdefghijklmnop", "\"\"", "wg 0",
                                           "../x", "\"wg\\n0\"" };
        (void)state;
        for (size_t i = 0; i < ELEMENTSOF(bad); i++) {
                (void)snprintf(cfg, sizeof(cfg),
                               "system_info: {distro: ubuntu}\nwireguard:\n  interfaces:\n%s"
                               "    - name: %s\n"
                               "      config_path: /etc/wireguard/bad.conf\n"
                               "      content: \"PrivateKey = " PRIV "\\n\"\n",
                               ok_iface, bad[i]);
                run_refused(cfg,
                            "test.yaml:5:13: wireguard.interfaces[1].name: not an interface name",
                            "/etc/wireguard/bad.conf");
        }
}

static void test_bad_paths_refused_with_position(void **state)
{
        char cfg[1024];
        static const char *const bad[] = { "etc/wireguard/wg0.conf", "/etc/wireguard/",
                                           "/etc/../../x.conf", "/etc/wireguard/..",
                                           "\"/etc/a\\nb\"" };
        (void)state;
        for (size_t i = 0; i < ELEMENTSOF(bad); i++) {
                (void)snprintf(cfg, sizeof(cfg),
                               "unverified_modules: [cc_wireguard]\nwireguard:\n  interfaces:\n%s"
                               "    - name: wg1\n"
                               "      config_path: %s\n"
                               "      content: \"x\"\n",
                               ok_iface, bad[i]);
                run_refused(cfg,
                            "test.yaml:6:20: wireguard.interfaces[1].config_path: must be an "
                            "absolute file path",
                            NULL);
        }
}

static void test_missing_content_refused(void **state)
{
        (void)state;
        run_refused(UNVERIFIED "wireguard:\n  interfaces:\n    - {name: ok, config_path: "
                               "/etc/wireguard/ok.conf}\n",
                    "test.yaml:4:7: wireguard.interfaces[0]: missing required keys: content", NULL);
        run_refused(UNVERIFIED "wireguard:\n  interfaces:\n    - {content: x}\n",
                    "test.yaml:4:7: wireguard.interfaces[0]: missing required keys: name, "
                    "config_path",
                    NULL);
}

static void test_oversized_content_refused(void **state)
{
        size_t n = 300 * 1024;
        char *cfg = malloc(n + 256), *p;
        (void)state;
        assert_non_null(cfg);
        p = cfg + snprintf(cfg, 256, UNVERIFIED "wireguard:\n  interfaces:\n    - name: wg0\n"
                                     "      config_path: /etc/wireguard/wg0.conf\n      content: \"");
        memset(p, 'k', n);
        memcpy(p + n, "\"\n", 3);
        run_refused(cfg, "test.yaml:6:16: wireguard.interfaces[0].content: larger than 262144",
                    "/etc/wireguard/wg0.conf");
        free(cfg);
}

/* wrong types: the schema refuses the key, with its position */
static void test_wrong_types_leave_the_key_out(void **state)
{
        struct troot t;
        (void)state;
        troot_make(&t);
        assert_int_equal(troot_run_module(&t, "wireguard",
                                          "wireguard:\n  interfaces:\n    - {name: 7, "
                                          "config_path: /etc/wireguard/wg0.conf, content: x}\n",
                                          NULL),
                         0);
        assert_false(fs_exists(t.fd, "/etc/wireguard/wg0.conf"));
        assert_int_equal(troot_run_module(&t, "wireguard", "wireguard: {readinessprobe: [x]}\n",
                                          NULL),
                         0);
        assert_int_equal(troot_run_module(&t, "wireguard", "wireguard:\n", NULL), 0);
        troot_free(&t);
}

static void test_symlinked_directory_refused(void **state)
{
        struct troot t;
        (void)state;
        setup(&t);
        assert_int_equal(fs_mkdir_p(t.fd, "/elsewhere", 0755), 0);
        assert_int_equal(symlinkat("/elsewhere", t.fd, "etc/wireguard"), 0);
        assert_int_equal(troot_run_module(&t, "wireguard", cfg_one, NULL), -ELOOP);
        assert_log_has(&t, "a component of /etc/wireguard is a symlink or not a directory");
        assert_false(fs_exists(t.fd, "/elsewhere/wg0.conf"));
        assert_no_secret(&t);
        troot_free(&t);
}

static void test_symlinked_file_replaced_not_followed(void **state)
{
        struct troot t;
        char *other;
        (void)state;
        setup(&t);
        troot_write(&t, "/etc/shadow-like", "keep\n");
        assert_int_equal(fs_mkdir_p(t.fd, "/etc/wireguard", 0700), 0);
        assert_int_equal(symlinkat("/etc/shadow-like", t.fd, "etc/wireguard/wg0.conf"), 0);
        assert_int_equal(troot_run_module(&t, "wireguard", cfg_one, NULL), 0);
        other = troot_read(&t, "/etc/shadow-like");
        assert_string_equal(other, "keep\n");
        free(other);
        assert_true(S_ISREG(troot_mode(&t, "/etc/wireguard/wg0.conf")));
        assert_file_eq(&t, "/etc/wireguard/wg0.conf", conf);
        troot_free(&t);
}

/* as cloud-init: on Debian only when unverified_modules names it */
static void test_skipped_on_debian_unless_unverified(void **state)
{
        struct troot t;
        (void)state;
        troot_make(&t);
        assert_int_equal(troot_run_module(&t, "wireguard", cfg_one + strlen(UNVERIFIED), NULL), 0);
        assert_log_has(&t, "Skipping modules 'wireguard' because they are not verified on distro "
                           "'debian'.  To run anyway, add them to 'unverified_modules' in config.");
        assert_false(fs_exists(t.fd, "/etc/wireguard"));
        troot_free(&t);
}

int main(void)
{
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_writes_0600_installs_tools_and_enables_unit),
                cmocka_unit_test(test_present_wg_installs_nothing_and_keeps_directory_mode),
                cmocka_unit_test(test_two_interfaces_in_order),
                cmocka_unit_test(test_bad_names_refused_with_position),
                cmocka_unit_test(test_bad_paths_refused_with_position),
                cmocka_unit_test(test_missing_content_refused),
                cmocka_unit_test(test_oversized_content_refused),
                cmocka_unit_test(test_wrong_types_leave_the_key_out),
                cmocka_unit_test(test_symlinked_directory_refused),
                cmocka_unit_test(test_symlinked_file_replaced_not_followed),
                cmocka_unit_test(test_skipped_on_debian_unless_unverified),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
