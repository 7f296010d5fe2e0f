/* SPDX-License-Identifier: Apache-2.0 */
/* Tests of modules/ntp.c on a Debian-shaped --root tree. The expected files
 * are what cloud-init's Debian templates render to (jinja2, trim_blocks, the
 * same servers, pools, peers and allow). Fake apt-get and systemctl in a
 * busybox target record what the module runs there. */
#include "testlib.h"

static const char chrony_full[] =
        "# Welcome to the chrony configuration file. See chrony.conf(5) for more\n"
        "# information about usable directives.\n"
        "# pools\n"
        "pool p1.example iburst\n"
        "# servers\n"
        "server s1.example iburst\n"
        "server s2.example iburst\n"
        "peer peer1\n"
        "allow 10.0.0.0/8\n"
        "\n"
        "# This directive specify the location of the file containing ID/key pairs for\n"
        "# NTP authentication.\n"
        "keyfile /etc/chrony/chrony.keys\n"
        "\n"
        "# This directive specify the file into which chronyd will store the rate\n"
        "# information.\n"
        "driftfile /var/lib/chrony/chrony.drift\n"
        "\n"
        "# Uncomment the following line to turn logging on.\n"
        "#log tracking measurements statistics\n"
        "\n"
        "# Log files location.\n"
        "logdir /var/log/chrony\n"
        "\n"
        "# Stop bad estimates upsetting machine clock.\n"
        "maxupdateskew 100.0\n"
        "\n"
        "# This directive enables kernel synchronisation (every 11 minutes) of the\n"
        "# real-time clock. Note that it can\xe2\x80\x99"
        "t be used along with the 'rtcfile' directive.\n"
        "rtcsync\n"
        "\n"
        "# Step the system clock instead of slewing it if the adjustment is larger than\n"
        "# one second, but only in the first three clock updates.\n"
        "makestep 1 3\n"
        "\n";

static const char ntp_default[] =
        "\n"
        "# /etc/ntp.conf, configuration for ntpd; see ntp.conf(5) for help\n"
        "\n"
        "driftfile /var/lib/ntp/ntp.drift\n"
        "\n"
        "# Enable this if you want statistics to be logged.\n"
        "#statsdir /var/log/ntpstats/\n"
        "\n"
        "statistics loopstats peerstats clockstats\n"
        "filegen loopstats file loopstats type day enable\n"
        "filegen peerstats file peerstats type day enable\n"
        "filegen clockstats file clockstats type day enable\n"
        "\n"
        "\n"
        "# You do need to talk to an NTP server or two (or three).\n"
        "#server ntp.your-provider.example\n"
        "\n"
        "# pool.ntp.org maps to about 1000 low-stratum NTP servers.  Your server will\n"
        "# pick a different set every time it starts up.  Please consider joining the\n"
        "# pool: <http://www.pool.ntp.org/join.html>\n"
        "# pools\n"
        "pool 0.debian.pool.ntp.org iburst\n"
        "pool 1.debian.pool.ntp.org iburst\n"
        "pool 2.debian.pool.ntp.org iburst\n"
        "pool 3.debian.pool.ntp.org iburst\n"
        "\n"
        "# Access control configuration; see /usr/share/doc/ntp-doc/html/accopt.html for\n"
        "# details.  The web page <http://support.ntp.org/bin/view/Support/AccessRestrictions>\n"
        "# might also be helpful.\n"
        "#\n"
        "# Note that \"restrict\" applies to both servers and clients, so a configuration\n"
        "# that might be intended to block requests from certain clients could also end\n"
        "# up blocking replies from your own upstream servers.\n"
        "\n"
        "# By default, exchange time with everybody, but don't allow configuration.\n"
        "restrict -4 default kod notrap nomodify nopeer noquery limited\n"
        "restrict -6 default kod notrap nomodify nopeer noquery limited\n"
        "\n"
        "# Local users may interrogate the ntp server more closely.\n"
        "restrict 127.0.0.1\n"
        "restrict ::1\n"
        "\n"
        "# Needed for adding pool entries\n"
        "restrict source notrap nomodify noquery\n"
        "\n"
        "# Clients from this (example!) subnet have unlimited access, but only if\n"
        "# cryptographically authenticated.\n"
        "#restrict 192.168.123.0 mask 255.255.255.0 notrust\n"
        "\n"
        "\n"
        "# If you want to provide time to your local subnet, change the next line.\n"
        "# (Again, the address is an example only.)\n"
        "#broadcast 192.168.123.255\n"
        "\n"
        "# If you want to listen to time broadcasts on your local subnet, de-comment the\n"
        "# next lines.  Please do this only if you trust everybody on the network!\n"
        "#disable auth\n"
        "#broadcastclient\n";

static const char timesyncd_full[] = "# cloud-init generated file\n"
                                     "# See timesyncd.conf(5) for details.\n"
                                     "\n"
                                     "[Time]\n"
                                     "NTP=s1.example s2.example p1.example \n";

static const char full_cfg[] = "ntp:\n"
                               "  servers: [s1.example, s2.example]\n"
                               "  pools: [p1.example]\n"
                               "  peers: [peer1]\n"
                               "  allow: [10.0.0.0/8]\n";

static void setup(struct troot *t)
{
        troot_make_fakes(t, FAKE_RECORDER,
                         (const char *const[]){ "/usr/bin/apt-get", "/usr/bin/systemctl", NULL });
        troot_write(t, "/etc/os-release", "ID=debian\nVERSION_CODENAME=trixie\n");
}

static void test_chrony_installed_when_nothing_is(void **state)
{
        (void)state;
        struct troot t;
        setup(&t);
        troot_write(&t, "/etc/chrony/chrony.conf", "# the package's own\n");
        assert_int_equal(troot_run_module(&t, "ntp", full_cfg, NULL), 0);
        assert_file_eq(&t, "/etc/chrony/chrony.conf", chrony_full);
        assert_int_equal(troot_mode(&t, "/etc/chrony/chrony.conf") & 07777, 0644);
        assert_file_eq(&t, "/etc/chrony/chrony.conf.dist", "# the package's own\n");
        assert_calls(&t, "apt-get --assume-yes update\n"
                         "apt-get --option=Dpkg::Options::=--force-confold "
                         "--option=Dpkg::options::=--force-unsafe-io --assume-yes --quiet install "
                         "chrony\n"
                         "systemctl enable chrony\n");
        assert_log_has(&t, "Enabled chrony in the target; not restarted: the target is not this "
                           "machine");
        troot_free(&t);
}

static void test_timesyncd_when_installed(void **state)
{
        (void)state;
        struct troot t;
        setup(&t);
        troot_write(&t, "/lib/systemd/systemd-timesyncd", "");
        assert_int_equal(troot_run_module(&t, "ntp", full_cfg, NULL), 0);
        assert_file_eq(&t, "/etc/systemd/timesyncd.conf.d/cloud-init.conf", timesyncd_full);
        assert_false(fs_exists(t.fd, "/etc/chrony/chrony.conf"));
        /* nothing to install */
        assert_calls(&t, "systemctl enable systemd-timesyncd\n");
        troot_free(&t);
}

static void test_ntp_client_with_default_pools(void **state)
{
        (void)state;
        struct troot t;
        troot_make(&t);
        troot_write(&t, "/usr/sbin/ntpd", "");
        assert_int_equal(troot_run_module(&t, "ntp", "ntp:\n  ntp_client: ntp\n", NULL), 0);
        assert_file_eq(&t, "/etc/ntp.conf", ntp_default);
        assert_log_has(&t, "The target has no systemctl: ntp not enabled");
        troot_free(&t);
}

static void test_config_overrides_and_user_template(void **state)
{
        (void)state;
        struct troot t;
        troot_make(&t);
        troot_write(&t, "/usr/sbin/mytime", "");
        assert_int_equal(troot_run_module(&t, "ntp",
                                          "ntp:\n  servers: [a.example]\n"
                                          "  config:\n"
                                          "    confpath: /etc/mytime.conf\n"
                                          "    check_exe: mytime\n"
                                          "    service_name: mytime\n"
                                          "    packages: [mytime]\n"
                                          "    template: |\n"
                                          "      ## template:jinja\n"
                                          "      {% if servers %}servers given{% endif %}\n"
                                          "      {% if allow %}allow given{% endif %}\n",
                                          NULL),
                         0);
        assert_log_has(&t, "ntp: client chrony");
        assert_file_eq(&t, "/etc/mytime.conf", "servers given\n");
        assert_log_has(&t, "The target has no systemctl: mytime not enabled");
        assert_int_equal(troot_run_module(&t, "ntp",
                                          "ntp:\n  config:\n    confpath: /etc/mytime.conf\n"
                                          "    template: \"plain {{ text }}\"\n",
                                          NULL),
                         -ENOENT);
        assert_log_has(&t, "No package manager in the target to install chrony");
        assert_file_eq(&t, "/etc/mytime.conf", "plain {{ text }}");
        troot_free(&t);
}

static void test_disabled_and_bad_values(void **state)
{
        (void)state;
        struct troot t;
        char *s;
        troot_make(&t);
        assert_int_equal(troot_run_module(&t, "ntp", "ntp: {enabled: false, servers: [x]}\n", NULL),
                         0);
        assert_false(fs_exists(t.fd, "/etc/chrony/chrony.conf"));
        assert_int_equal(troot_run_module(&t, "ntp",
                                          "ntp:\n  servers: [\"evil\\nallow all\", good.example, "
                                          "'a b']\n",
                                          NULL),
                         -ENOENT);
        assert_log_has(&t, "test.yaml:2:13: ntp.servers: must be a host name, an address or a "
                           "network");
        assert_log_has(&t, "test.yaml:2:46: ntp.servers: must be a host name");
        s = troot_read(&t, "/etc/chrony/chrony.conf");
        assert_non_null(s);
        assert_non_null(strstr(s, "# servers\nserver good.example iburst\n\n"));
        assert_null(strstr(s, "evil"));
        free(s);
        assert_int_equal(troot_run_module(&t, "ntp",
                                          "ntp:\n  config: {confpath: \"/etc/x\\n.conf\"}\n", NULL),
                         -EINVAL);
        assert_log_has(&t, "test.yaml:2:22: ntp.config.confpath: not a usable value");
        troot_free(&t);
}

/* cloud-init's doc example 2 (module-docs/cc_ntp/example2.yaml): its jinja
 * template with loops, rendered byte for byte as jinja2 renders it. */
static void test_custom_client_with_loop_template(void **state)
{
        (void)state;
        struct troot t;
        char *doc = NULL;
        int fd = fs_open_root(getenv("TOP_SRCDIR") ? getenv("TOP_SRCDIR") : "../..");
        troot_make(&t);
        assert_true(fd >= 0);
        assert_int_equal(fs_read_file(fd,
                                      "tests/corpus/cloud-init-examples/module-docs/cc_ntp/"
                                      "example2.yaml",
                                      65536, &doc, NULL),
                         0);
        close(fd);
        troot_write(&t, "/usr/bin/myntpclientd", "");
        assert_int_equal(troot_run_module(&t, "ntp", doc, NULL), 0);
        free(doc);
        assert_file_eq(&t, "/etc/myntpclient/myntpclient.conf",
                       "# My NTP Client config\n"
                       "# poolspool 0.int.pool.ntp.org iburst\n"
                       "pool 1.int.pool.ntp.org iburst\n"
                       "pool ntp.myorg.org iburst\n"
                       "# servers\n"
                       "server ntp.server.local iburst\n"
                       "server ntp.ubuntu.com iburst\n"
                       "server 192.168.23.2 iburst\n"
                       "# peerspeer km001\n"
                       "peer km002\n"
                       "# allowallow 192.168.23.0/32\n"
                       "\n");
        assert_log_has(&t, "ntp: client myntpclient");
        assert_log_has(&t, "The target has no systemctl: myntpclient not enabled");
        troot_free(&t);
}

int main(void)
{
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_chrony_installed_when_nothing_is),
                cmocka_unit_test(test_timesyncd_when_installed),
                cmocka_unit_test(test_ntp_client_with_default_pools),
                cmocka_unit_test(test_config_overrides_and_user_template),
                cmocka_unit_test(test_disabled_and_bad_values),
                cmocka_unit_test(test_custom_client_with_loop_template),
        };
        int r = cmocka_run_group_tests_name("mod-ntp", tests, NULL, NULL);
        node_names_free();
        return r;
}
