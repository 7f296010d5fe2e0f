/* SPDX-License-Identifier: Apache-2.0 */
/* The typed value checks of src/basic/valid.c: each kind with values that
 * must pass and values that must not (a newline, a separator, out of range,
 * trailing garbage). */
#include <arpa/inet.h>
#include <errno.h>

#include "testlib.h"
#include "valid.h"

#define GOOD(call) assert_null(call)
#define BAD(call) assert_non_null(call)

static void test_parse_uint_is_strict(void **state)
{
        uint64_t v = 7;
        (void)state;
        assert_int_equal(valid_parse_uint("1500", 0, 65535, &v), 0);
        assert_int_equal(v, 1500);
        v = 7;
        assert_int_equal(valid_parse_uint("15x", 0, 65535, &v), -EINVAL);
        assert_int_equal(valid_parse_uint(" 15", 0, 65535, &v), -EINVAL);
        assert_int_equal(valid_parse_uint("+15", 0, 65535, &v), -EINVAL);
        assert_int_equal(valid_parse_uint("-1", 0, 65535, &v), -EINVAL);
        assert_int_equal(valid_parse_uint("", 0, 65535, &v), -EINVAL);
        assert_int_equal(valid_parse_uint("15\n", 0, 65535, &v), -EINVAL);
        assert_int_equal(valid_parse_uint("65536", 0, 65535, &v), -ERANGE);
        assert_int_equal(valid_parse_uint("99999999999999999999999", 0, UINT64_MAX, &v), -ERANGE);
        assert_int_equal(v, 7); /* untouched on failure */
}

static void test_parse_int_is_strict(void **state)
{
        int64_t v = 0;
        (void)state;
        assert_int_equal(valid_parse_int("-5", -10, 10, &v), 0);
        assert_int_equal(v, -5);
        assert_int_equal(valid_parse_int("-11", -10, 10, &v), -ERANGE);
        assert_int_equal(valid_parse_int("--1", -10, 10, &v), -EINVAL);
        assert_int_equal(valid_parse_int("1 ", -10, 10, &v), -EINVAL);
}

static void test_line_refuses_breaks_and_controls(void **state)
{
        (void)state;
        GOOD(valid_line("plain text, with: punctuation", 0));
        BAD(valid_line("two\nlines", 0));
        BAD(valid_line("cr\r", 0));
        BAD(valid_line("tab\there", 0));
        BAD(valid_line("esc\x1b[1m", 0));
        BAD(valid_line("del\x7f", 0));
        BAD(valid_line("toolong", 3));
}

static void test_ifname_kernel_rules(void **state)
{
        (void)state;
        GOOD(valid_ifname("eth0"));
        GOOD(valid_ifname("enp0s31f6.100"));
        GOOD(valid_ifname("123456789012345"));
        BAD(valid_ifname("1234567890123456"));
        BAD(valid_ifname(""));
        BAD(valid_ifname("."));
        BAD(valid_ifname(".."));
        BAD(valid_ifname("a/b"));
        BAD(valid_ifname("eth0:1"));
        BAD(valid_ifname("eth 0"));
        BAD(valid_ifname("eth0\nup"));
        BAD(valid_ifname("a\",RUN+=\"x"));
        BAD(valid_ifname("en*"));
        GOOD(valid_ifname_pattern("en*"));
        BAD(valid_ifname_pattern("en* x"));
}

static void test_mac(void **state)
{
        uint8_t b[6];
        (void)state;
        GOOD(valid_mac("52:54:00:12:34:56"));
        GOOD(valid_mac("52-54-00-AB-cd-56"));
        assert_int_equal(valid_parse_mac("52:54:00:ab:cd:ef", b), 0);
        assert_int_equal(b[5], 0xef);
        BAD(valid_mac("52:54:00:12:34:5"));
        BAD(valid_mac("52:54:00:12:34:567"));
        BAD(valid_mac("52:54:00:12:34:56\n"));
        BAD(valid_mac(" 2:54:00:12:34:56"));
        BAD(valid_mac("52:54-00:12:34:56"));
        BAD(valid_mac("52:54:00:12:34:zz"));
}

static void test_ip_and_prefix(void **state)
{
        int fam = 0;
        unsigned p = 0;
        (void)state;
        GOOD(valid_ip("192.0.2.1", &fam));
        assert_int_equal(fam, AF_INET);
        GOOD(valid_ip("2001:db8::1", &fam));
        assert_int_equal(fam, AF_INET6);
        BAD(valid_ip("192.0.2.1\nDNS=1.1.1.1", NULL));
        BAD(valid_ip("192.0.2", NULL));
        BAD(valid_ip("1.2.3.4 ", NULL));
        GOOD(valid_ip_prefix("10.0.0.0/8", NULL));
        GOOD(valid_ip_prefix("2001:db8::/64", NULL));
        BAD(valid_ip_prefix("10.0.0.0/33", NULL));
        BAD(valid_ip_prefix("2001:db8::/129", NULL));
        BAD(valid_ip_prefix("10.0.0.0/8x", NULL));
        BAD(valid_ip_prefix("10.0.0.0", NULL));
        BAD(valid_ip_prefix("10.0.0.0/8\n[Route]", NULL));
        assert_int_equal(valid_parse_netmask("255.255.255.0", 32, &p), 0);
        assert_int_equal(p, 24);
        assert_int_equal(valid_parse_netmask("255.0.255.0", 32, &p), -EINVAL);
        assert_int_equal(valid_parse_netmask("24", 32, &p), 0);
        assert_int_equal(valid_parse_netmask("24abc", 32, &p), -EINVAL);
        assert_int_equal(valid_parse_netmask("33", 32, &p), -ERANGE);
}

static void test_numbers(void **state)
{
        (void)state;
        GOOD(valid_mtu("1500"));
        GOOD(valid_mtu("9000"));
        BAD(valid_mtu("67"));
        BAD(valid_mtu("1500\nup"));
        BAD(valid_mtu("65536"));
        GOOD(valid_metric("0"));
        GOOD(valid_metric("4294967295"));
        BAD(valid_metric("4294967296"));
        GOOD(valid_vlan_id("4094"));
        BAD(valid_vlan_id("0"));
        BAD(valid_vlan_id("4095"));
        GOOD(valid_route_table("254"));
        BAD(valid_route_table("0"));
}

static void test_dns_and_hostnames(void **state)
{
        char long_label[80], long_name[300];
        (void)state;
        GOOD(valid_dns_name("example.com"));
        GOOD(valid_dns_name("example.com."));
        GOOD(valid_dns_name("a-b.c0"));
        BAD(valid_dns_name("-a.com"));
        BAD(valid_dns_name("a-.com"));
        BAD(valid_dns_name("a..com"));
        BAD(valid_dns_name("a_b.com"));
        BAD(valid_dns_name("a.com\nDNS=1.1.1.1"));
        BAD(valid_dns_name("a.com;b"));
        GOOD(valid_hostname("web-1"));
        GOOD(valid_hostname("web-1.example.com"));
        BAD(valid_hostname("web-1.example.com."));
        BAD(valid_hostname("web_1"));
        BAD(valid_hostname("web 1"));
        BAD(valid_hostname(""));
        memset(long_label, 'a', 64);
        long_label[64] = 0;
        BAD(valid_hostname(long_label));
        long_label[63] = 0;
        GOOD(valid_hostname(long_label));
        for (size_t i = 0; i < 254; i++)
                long_name[i] = i % 2 ? '.' : 'a';
        long_name[253] = 0;
        GOOD(valid_hostname(long_name));
        long_name[253] = '.';
        long_name[254] = 'a';
        long_name[255] = 0;
        BAD(valid_hostname(long_name));
}

static void test_bond_bridge_params(void **state)
{
        bool unknown = false;
        (void)state;
        GOOD(valid_bond_param("mode", "802.3ad", &unknown));
        GOOD(valid_bond_param("mii-monitor-interval", "100", &unknown));
        GOOD(valid_bond_param("lacp-rate", "fast", &unknown));
        GOOD(valid_bond_param("transmit-hash-policy", "layer3+4", &unknown));
        GOOD(valid_bond_param("primary", "eth0", &unknown));
        BAD(valid_bond_param("mode", "active-backup\nup", &unknown));
        assert_false(unknown);
        BAD(valid_bond_param("mii-monitor-interval", "100ms", &unknown));
        BAD(valid_bond_param("gratuitous-arp", "1", &unknown));
        assert_true(unknown);
        GOOD(valid_bridge_param("stp", "true", &unknown));
        GOOD(valid_bridge_param("forward-delay", "15", &unknown));
        GOOD(valid_bridge_param("priority", "32768", &unknown));
        BAD(valid_bridge_param("priority", "65536", &unknown));
        BAD(valid_bridge_param("stp", "maybe", &unknown));
}

static void test_password_hash(void **state)
{
        (void)state;
        GOOD(valid_password_hash("$6$rounds=5000$salt$Wf3ovDhZ5Zu9.8/9wLKpM0TBqNwk/"));
        GOOD(valid_password_hash("$y$j9T$abcdefghijkl$ABCDEFGH/.12345"));
        GOOD(valid_password_hash("$1$abc$def"));
        GOOD(valid_password_hash("$2b$12$abcdefghijklmnopqrstuv"));
        GOOD(valid_password_hash("!$6$salt$hash"));
        GOOD(valid_password_hash("*"));
        GOOD(valid_password_hash("!"));
        GOOD(valid_password_hash("abcdefghijklm"));
        BAD(valid_password_hash("$6$salt$hash\nroot::0:0:99999:7:::"));
        BAD(valid_password_hash("$6$salt$hash:0:0"));
        BAD(valid_password_hash("$9$salt$hash"));
        BAD(valid_password_hash("$6$salt$ha sh"));
        BAD(valid_password_hash("plaintext"));
}

static void test_account_fields(void **state)
{
        (void)state;
        GOOD(valid_user_name("alice"));
        GOOD(valid_user_name("_svc.name-1"));
        GOOD(valid_user_name("host$"));
        BAD(valid_user_name("-alice"));
        BAD(valid_user_name("al:ice"));
        BAD(valid_user_name("al ice"));
        BAD(valid_user_name("1234"));
        BAD(valid_user_name(".."));
        BAD(valid_user_name("a23456789012345678901234567890123"));
        GOOD(valid_gecos("Alice Example,Room 1,,"));
        BAD(valid_gecos("Alice:0:0"));
        BAD(valid_gecos("Alice\nmallory::0:0::/:/bin/sh"));
        GOOD(valid_home("/home/alice"));
        BAD(valid_home("home/alice"));
        BAD(valid_home("/home/../etc"));
        BAD(valid_home("/home/al:ice"));
        BAD(valid_home("/home/alice\n"));
        GOOD(valid_shell("/bin/bash"));
        BAD(valid_shell("/bin/bash:x"));
        BAD(valid_shell("/bin/bash -i"));
        BAD(valid_shell("bash"));
        GOOD(valid_ssh_options("no-pty,command=\"echo hi\""));
        BAD(valid_ssh_options("no-pty\nssh-rsa AAAA attacker"));
}

int main(void)
{
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_parse_uint_is_strict),
                cmocka_unit_test(test_parse_int_is_strict),
                cmocka_unit_test(test_line_refuses_breaks_and_controls),
                cmocka_unit_test(test_ifname_kernel_rules),
                cmocka_unit_test(test_mac),
                cmocka_unit_test(test_ip_and_prefix),
                cmocka_unit_test(test_numbers),
                cmocka_unit_test(test_dns_and_hostnames),
                cmocka_unit_test(test_bond_bridge_params),
                cmocka_unit_test(test_password_hash),
                cmocka_unit_test(test_account_fields),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
