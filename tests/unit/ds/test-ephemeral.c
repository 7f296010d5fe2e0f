/* SPDX-License-Identifier: Apache-2.0 */
/* Tests of src/ds/ephemeral.c's lease parser: what a DHCP client reports
 * (through the fixed report script) becomes a lease only when every value
 * is what it claims to be; a hostile DHCP server's values are refused with
 * a reason. And the run of the target's DHCP client, with a fake dhcpcd in
 * a target root (chrooted: needs root and busybox-static). The network
 * itself is tested in tests/blackbox/test-ds-ephemeral.sh. */
#include <arpa/inet.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>

#include <cmocka.h>

#include "ephemeral.h"
#include "testlib.h"

static const char *addr(struct in_addr a)
{
        static char buf[4][INET_ADDRSTRLEN];
        static unsigned i;
        char *b = buf[i++ % 4];
        return inet_ntop(AF_INET, &a, b, INET_ADDRSTRLEN);
}

static int parse(const char *text, struct eph_lease *l, const char **why)
{
        *why = NULL;
        return eph_lease_parse(text, strlen(text), l, why);
}

static void test_udhcpc_lease_with_router(void **state)
{
        (void)state;
        struct eph_lease l;
        const char *why;

        assert_int_equal(parse("ip=10.0.2.15\nsubnet=255.255.255.0\nrouter=10.0.2.2 10.0.2.3\n"
                               "staticroutes=\n",
                               &l, &why),
                         0);
        assert_string_equal(addr(l.addr), "10.0.2.15");
        assert_int_equal(l.prefixlen, 24);
        /* the first router of a list serves */
        assert_string_equal(addr(l.router), "10.0.2.2");
        assert_int_equal(l.n_routes, 0);
}

static void test_udhcpc_static_routes(void **state)
{
        (void)state;
        struct eph_lease l;
        const char *why;

        assert_int_equal(parse("ip=10.9.0.50\nsubnet=255.255.255.0\nrouter=\n"
                               "staticroutes=169.254.169.254/32 10.9.0.1 0.0.0.0/0 10.9.0.1\n",
                               &l, &why),
                         0);
        assert_int_equal(l.n_routes, 2);
        assert_string_equal(addr(l.routes[0].dst), "169.254.169.254");
        assert_int_equal(l.routes[0].prefixlen, 32);
        assert_string_equal(addr(l.routes[0].gw), "10.9.0.1");
        assert_string_equal(addr(l.routes[1].dst), "0.0.0.0");
        assert_int_equal(l.routes[1].prefixlen, 0);
        assert_int_equal(l.router.s_addr, 0);
}

static void test_dhclient_rfc3442(void **state)
{
        (void)state;
        struct eph_lease l;
        const char *why;

        /* 10.0.0.0/8 via 10.9.0.1, 192.168.1.0/24 via 10.9.0.2, default via 10.9.0.1 */
        assert_int_equal(parse("ip=10.9.0.56\nsubnet=255.255.255.0\nrouter=10.9.0.1\n"
                               "rfc3442=8 10 10 9 0 1 24 192 168 1 10 9 0 2 0 10 9 0 1\n",
                               &l, &why),
                         0);
        assert_int_equal(l.n_routes, 3);
        assert_string_equal(addr(l.routes[0].dst), "10.0.0.0");
        assert_int_equal(l.routes[0].prefixlen, 8);
        assert_string_equal(addr(l.routes[1].dst), "192.168.1.0");
        assert_string_equal(addr(l.routes[1].gw), "10.9.0.2");
        assert_int_equal(l.routes[2].prefixlen, 0);
        assert_string_equal(addr(l.routes[2].gw), "10.9.0.1");
}

/* Each of these is refused, with the reason named. */
static void test_hostile_leases_refused(void **state)
{
        (void)state;
        static const struct {
                const char *text, *why;
        } cases[] = {
                { "subnet=255.255.255.0\n", "no ip" },
                { "ip=10.0.0.5\n", "no subnet" },
                { "ip=10.0.0.5\nip=10.0.0.6\nsubnet=255.0.0.0\n", "ip is given twice" },
                { "ip=10.0.0.5 \nsubnet=255.0.0.0\n", "ip is not a host's IPv4 address" },
                { "ip=127.0.0.1\nsubnet=255.0.0.0\n", "ip is not a host's IPv4 address" },
                { "ip=224.0.0.1\nsubnet=255.0.0.0\n", "ip is not a host's IPv4 address" },
                { "ip=0.0.0.0\nsubnet=255.0.0.0\n", "ip is not a host's IPv4 address" },
                { "ip=10.0.0.5;reboot\nsubnet=255.0.0.0\n", "ip is not a host's IPv4 address" },
                { "ip=10.0.0.5\nsubnet=255.0.255.0\n", "subnet is not a netmask" },
                { "ip=10.0.0.5\nsubnet=0.0.0.0\n", "subnet is not a netmask" },
                { "ip=10.0.0.5\nsubnet=24\n", "subnet is not a netmask" },
                { "ip=10.0.0.5\nsubnet=255.0.0.0\nrouter=evil\n", "router is not an IPv4 address" },
                { "ip=10.0.0.5\nsubnet=255.0.0.0\nrouter=10.0.0.1\x1b[2J\n",
                  "a value holds a control character" },
                { "ip=10.0.0.5\r\nsubnet=255.0.0.0\n", "a value holds a control character" },
                { "ip=10.0.0.5\nsubnet=255.0.0.0\nstaticroutes=10.0.0.0/33 10.0.0.1\n",
                  "staticroutes: a destination is not ADDRESS/PREFIX" },
                { "ip=10.0.0.5\nsubnet=255.0.0.0\nstaticroutes=10.0.0.0/8\n",
                  "staticroutes: a destination has no gateway address" },
                { "ip=10.0.0.5\nsubnet=255.0.0.0\nrfc3442=33 10 10 0 0 1\n",
                  "rfc3442: a route is cut short or wider than 32 bits" },
                { "ip=10.0.0.5\nsubnet=255.0.0.0\nrfc3442=24 10 0 0 10 0\n",
                  "rfc3442: a route is cut short or wider than 32 bits" },
                { "ip=10.0.0.5\nsubnet=255.0.0.0\nrfc3442=8 10 256 0 0 1\n",
                  "rfc3442: a byte over 255" },
                { "ip=10.0.0.5\nsubnet=255.0.0.0\nrfc3442=8 -10 10 0 0 1\n",
                  "rfc3442: not a list of bytes" },
                { "ip=10.0.0.5\nsubnet=255.0.0.0\nstaticroutes=0.0.0.0/0 10.0.0.1\n"
                  "rfc3442=0 10 0 0 1\n",
                  "the static routes are given twice" },
                { "garbage\n", "a line is not key=value" },
        };

        for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
                struct eph_lease l;
                const char *why;
                if (parse(cases[i].text, &l, &why) != -EBADMSG)
                        fail_msg("case %zu (%s) was taken as a lease", i, cases[i].why);
                if (!why || strcmp(why, cases[i].why) != 0)
                        fail_msg("case %zu: reason '%s', expected '%s'", i, why ? why : "(none)",
                                 cases[i].why);
        }
}

static void test_too_many_routes_and_bytes(void **state)
{
        (void)state;
        char text[4096] = "ip=10.0.0.5\nsubnet=255.0.0.0\nstaticroutes=";
        struct eph_lease l;
        const char *why;

        size_t n = strlen(text);

        /* 17 routes: over the bound of 16 */
        for (int i = 0; i < 17; i++)
                n += (size_t)snprintf(text + n, sizeof(text) - n, "10.%d.0.0/16 10.0.0.1 ", i);
        (void)snprintf(text + n, sizeof(text) - n, "\n");
        assert_int_equal(parse(text, &l, &why), -EBADMSG);
        assert_string_equal(why, "staticroutes: more than 16 routes");

        /* a line over 1 KiB */
        memset(text, 'a', 2000);
        memcpy(text, "ip=", 3);
        text[2000] = 0;
        assert_int_equal(parse(text, &l, &why), -EBADMSG);
        assert_string_equal(why, "a line is longer than 1024 bytes");

        /* more than 8 KiB in all */
        static char big[9000];
        memset(big, '\n', sizeof(big));
        assert_int_equal(eph_lease_parse(big, sizeof(big), &l, &why), -EBADMSG);
        assert_string_equal(why, "longer than 8 KiB");
}

static void test_unknown_keys_ignored(void **state)
{
        (void)state;
        struct eph_lease l;
        const char *why;

        assert_int_equal(parse("ip=192.168.1.9\nsubnet=255.255.255.252\nhostname=x\n\n", &l, &why),
                         0);
        assert_int_equal(l.prefixlen, 30);
}

/* A fake dhcpcd: records its argv and the configuration it was given, runs
 * the script as dhcpcd does (PREINIT, then TEST with the offer's values in
 * the environment), or exits 1 as after --timeout when /offer is missing. */
static const char fake_dhcpcd[] =
        "#!/bin/sh\n"
        "printf '%s\\n' \"$@\" >/dhcpcd.argv\n"
        "script= conf=\n"
        "while [ $# -gt 0 ]; do\n"
        "  case $1 in --script) script=$2; shift ;; --config) conf=$2; shift ;; esac\n"
        "  shift\n"
        "done\n"
        "cat \"$conf\" >/dhcpcd.conf.seen\n"
        "reason=PREINIT \"$script\"\n"
        "[ -f /offer ] || exit 1\n"
        ". /offer\n"
        "export reason=TEST new_ip_address new_subnet_mask new_routers "
        "new_classless_static_routes\n"
        "exec \"$script\"\n";

/* a udhcpc that must not run when dhcpcd is there */
static const char fake_udhcpc[] = "#!/bin/sh\ntouch /udhcpc.ran\nexit 1\n";

static bool dhcp_root(struct troot *t)
{
        troot_make(t);
        if (!troot_make_system(t)) {
                troot_free(t);
                return false;
        }
        troot_write_exec(t, "/usr/sbin/dhcpcd", fake_dhcpcd);
        troot_write_exec(t, "/sbin/udhcpc", fake_udhcpc);
        return true;
}

static void test_dhcpcd_test_mode_lease(void **state)
{
        (void)state;
        struct troot t;
        struct eph_lease l;
        _cleanup_free_ char *argv = NULL, *conf = NULL;

        if (!dhcp_root(&t)) {
                skip();
                return;
        }
        troot_write(&t, "/offer",
                    "new_ip_address=10.9.0.77 new_subnet_mask=255.255.255.0 "
                    "new_routers='10.9.0.1 10.9.0.2' "
                    "new_classless_static_routes='10.0.0.0/8 10.9.0.1 0.0.0.0/0 10.9.0.1'\n");
        assert_int_equal(eph_dhcp_lease(t.fd, "eth7", &l), 0);
        assert_string_equal(addr(l.addr), "10.9.0.77");
        assert_int_equal(l.prefixlen, 24);
        assert_string_equal(addr(l.router), "10.9.0.1");
        assert_int_equal(l.n_routes, 2);
        assert_string_equal(addr(l.routes[0].dst), "10.0.0.0");
        assert_int_equal(l.routes[0].prefixlen, 8);
        assert_string_equal(addr(l.routes[0].gw), "10.9.0.1");
        assert_int_equal(l.routes[1].prefixlen, 0);
        /* dhcpcd first, as cloud-init; by argv, in test mode, IPv4 only */
        assert_false(fs_exists(t.fd, "/udhcpc.ran"));
        argv = troot_read(&t, "/dhcpcd.argv");
        assert_non_null(argv);
        assert_non_null(strstr(argv, "--test\n--ipv4only\n--nobackground\n--noipv4ll\n"
                                     "--timeout\n10\n--config\n/var/tmp/cloudboot/"));
        assert_non_null(strstr(argv, "/report\neth7\n"));
        conf = troot_read(&t, "/dhcpcd.conf.seen");
        assert_non_null(conf);
        assert_non_null(strstr(conf, "option classless_static_routes\n"));
        /* its private directory is gone */
        char **names = NULL;
        size_t n = 0;
        if (fs_list_dir(t.fd, "/var/tmp/cloudboot", NULL, 16, &names, &n) >= 0) {
                assert_int_equal(n, 0);
                fs_list_free(names, n);
        }
        troot_free(&t);
}

static void test_dhcpcd_no_offer(void **state)
{
        (void)state;
        struct troot t;
        struct eph_lease l;

        if (!dhcp_root(&t)) {
                skip();
                return;
        }
        assert_int_equal(eph_dhcp_lease(t.fd, "eth0", &l), -ETIMEDOUT);
        assert_false(fs_exists(t.fd, "/udhcpc.ran"));
        troot_free(&t);
}

static void test_dhcpcd_hostile_offer(void **state)
{
        (void)state;
        struct troot t;
        struct eph_lease l;

        if (!dhcp_root(&t)) {
                skip();
                return;
        }
        /* a value that would end the report's line: refused, not split */
        troot_write(&t, "/offer",
                    "new_ip_address='10.9.0.77\nrouter=6.6.6.6' new_subnet_mask=255.255.255.0\n");
        assert_int_equal(eph_dhcp_lease(t.fd, "eth0", &l), -EBADMSG);
        troot_free(&t);
}

static void test_no_dhcp_client(void **state)
{
        (void)state;
        struct troot t;
        struct eph_lease l;

        troot_make(&t);
        assert_int_equal(eph_dhcp_lease(t.fd, "eth0", &l), -ENOENT);
        troot_free(&t);
}

int main(void)
{
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_udhcpc_lease_with_router),
                cmocka_unit_test(test_udhcpc_static_routes),
                cmocka_unit_test(test_dhclient_rfc3442),
                cmocka_unit_test(test_hostile_leases_refused),
                cmocka_unit_test(test_too_many_routes_and_bytes),
                cmocka_unit_test(test_unknown_keys_ignored),
                cmocka_unit_test(test_dhcpcd_test_mode_lease),
                cmocka_unit_test(test_dhcpcd_no_offer),
                cmocka_unit_test(test_dhcpcd_hostile_offer),
                cmocka_unit_test(test_no_dhcp_client),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
