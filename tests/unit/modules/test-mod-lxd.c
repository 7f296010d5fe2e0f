/* SPDX-License-Identifier: Apache-2.0 */
/* Tests of the lxd external module (modules/ext/lxd.c, compiled in with
 * EXTMOD_NO_MAIN): the argv of lxd init and of the lxc network commands, the
 * preseed on stdin, and the trust password kept out of argv and the log. */
#include "extmod.h"
#include "testlib.h"

extern const struct module mod_lxd;
extern const struct extmod ext_lxd;

/* Records argv in /calls and stdin in /stdin ("--" between runs). */
static const char fake[] = FAKE_RECORDER_STDIN "echo -- >> /stdin\n";

static const char *const tools[] = { "/usr/bin/lxd", "/usr/bin/lxc", "/usr/bin/apt-get", NULL };

static void test_init_and_new_bridge(void **state)
{
        (void)state;
        struct troot t;

        troot_make_fakes(&t, fake, tools);
        troot_write_exec(&t, "/usr/sbin/zfs", fake);
        assert_int_equal(troot_run_mod(&t, &mod_lxd,
                                       "lxd:\n"
                                       "  init:\n"
                                       "    network_address: 0.0.0.0\n"
                                       "    network_port: 8443\n"
                                       "    storage_backend: zfs\n"
                                       "    storage_pool: datapool\n"
                                       "    storage_create_loop: 10\n"
                                       "    trust_password: 'Sw0rdFish!'\n"
                                       "  bridge:\n"
                                       "    mode: new\n"
                                       "    mtu: 1500\n"
                                       "    ipv4_address: 10.0.8.1\n"
                                       "    ipv4_netmask: 24\n"
                                       "    ipv4_dhcp_first: 10.0.8.2\n"
                                       "    ipv4_dhcp_last: 10.0.8.3\n"
                                       "    ipv6_address: fd98:9e0:3744::1\n"
                                       "    ipv6_netmask: 64\n"
                                       "    ipv6_nat: true\n"
                                       "    domain: lxd\n",
                                       NULL),
                         0);
        assert_calls(&t, "lxd waitready --timeout=300\n"
                         "lxd init --auto --network-address=0.0.0.0 --network-port=8443 "
                         "--storage-backend=zfs --storage-create-loop=10 --storage-pool=datapool\n"
                         "lxd init --preseed\n"
                         "lxc network detach-profile lxdbr0 default --force-local\n"
                         "lxc network delete lxdbr0 --force-local\n"
                         "lxc profile device remove default eth0 --force-local\n"
                         "lxc network create lxdbr0 ipv4.address=10.0.8.1/24 ipv4.nat=true "
                         "ipv4.dhcp.ranges=10.0.8.2-10.0.8.3 ipv6.address=fd98:9e0:3744::1/64 "
                         "ipv6.nat=true dns.domain=lxd bridge.mtu=1500 --force-local\n"
                         "lxc network attach-profile lxdbr0 default eth0 --force-local\n");
        /* the password only on stdin, as a quoted YAML string */
        assert_file_eq(&t, "/stdin",
                       "--\n--\nconfig:\n  core.trust_password: \"Sw0rdFish!\"\n--\n--\n--\n--\n"
                       "--\n--\n");
        if (strstr(t.log.data ? t.log.data : "", "Sw0rdFish"))
                fail_msg("the trust password is in the log");
        troot_free(&t);
}

static void test_preseed_and_storage_packages(void **state)
{
        (void)state;
        struct troot t;

        troot_make_fakes(&t, fake, tools);
        assert_int_equal(troot_run_mod(&t, &mod_lxd,
                                       "lxd:\n"
                                       "  preseed: |\n"
                                       "    storage_pools:\n"
                                       "    - name: default\n"
                                       "      driver: btrfs\n",
                                       NULL),
                         0);
        {
                char *calls = troot_read(&t, "/calls");
                assert_non_null(strstr(calls, " install btrfs-progs\n"
                                              "lxd waitready --timeout=300\n"
                                              "lxd init --preseed\n"));
                free(calls);
        }
        {
                char *in = troot_read(&t, "/stdin");
                assert_non_null(strstr(in, "storage_pools:\n- name: default\n  driver: btrfs\n"));
                free(in);
        }
        troot_free(&t);
}

static void test_existing_bridge_and_missing_lxd(void **state)
{
        (void)state;
        struct troot t;

        troot_make_fakes(&t, fake, tools);
        assert_int_equal(fs_unlink(t.fd, "/usr/bin/lxd"), 0);
        /* no snapd, no lxd: the distro package; apt-get is a fake, lxd stays missing */
        assert_true(troot_run_mod(&t, &mod_lxd, "lxd:\n  bridge: {mode: existing, name: br9}\n",
                                  NULL) < 0);
        {
                char *calls = troot_read(&t, "/calls");
                assert_non_null(strstr(calls, " install lxd\n"));
                free(calls);
        }
        troot_free(&t);

        troot_make_fakes(&t, fake, tools);
        assert_int_equal(
                troot_run_mod(&t, &mod_lxd, "lxd:\n  bridge: {mode: existing, name: br9}\n", NULL),
                0);
        assert_calls(&t, "lxd waitready --timeout=300\n"
                         "lxc network attach-profile br9 default eth0 --force-local\n");
        troot_free(&t);
}

static void test_refusals(void **state)
{
        (void)state;
        struct troot t;

        troot_make_fakes(&t, fake, tools);
        assert_true(troot_run_mod(&t, &mod_lxd,
                                  "lxd:\n  init: {storage_backend: dir}\n  preseed: 'config: {}'\n",
                                  NULL) < 0);
        assert_calls(&t, NULL);
        assert_log_has(&t, "can not be provided with key(s): lxd.init");
        troot_free(&t);

        /* a bridge name that is no interface name: the lxd key is refused */
        troot_make_fakes(&t, fake, tools);
        (void)troot_run_mod(&t, &mod_lxd, "lxd:\n  bridge: {mode: new, name: 'a b;c'}\n", NULL);
        assert_calls(&t, NULL);
        troot_free(&t);
}

static void test_describe(void **state)
{
        (void)state;
        struct buf b = BUF_INIT(1 << 20);

        assert_int_equal(extmod_describe(&ext_lxd, &b), 0);
        assert_non_null(strstr(b.data, "\"name\":\"lxd\",\"stage\":\"final\""));
        assert_non_null(strstr(b.data, "\"required\":[\"mode\"]"));
        buf_free(&b);
}

int main(void)
{
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_init_and_new_bridge),
                cmocka_unit_test(test_preseed_and_storage_packages),
                cmocka_unit_test(test_existing_bridge_and_missing_lxd),
                cmocka_unit_test(test_refusals),
                cmocka_unit_test(test_describe),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
