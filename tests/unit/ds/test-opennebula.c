/* SPDX-License-Identifier: Apache-2.0 */
/* Tests of src/ds/opennebula.c: context.sh parsed as data (never run), the
 * datasource from the seed directory /var/lib/cloud/seed/opennebula (the
 * same reader serves a mounted CONTEXT disk), and the network-config from
 * the ETHx_* variables over fake NICs in <root>/sys/class/net. */
#include "dstest.h"
#include "opennebula.h"
#include "json.h"

#define SEED "/var/lib/cloud/seed/opennebula/context.sh"

static char *fixture(const char *name)
{
        const char *top = getenv("TOP_SRCDIR");
        char path[1024], *data = NULL;
        int fd;

        (void)snprintf(path, sizeof(path), "%s/tests/fixtures/ds/opennebula/%s",
                       top ? top : "../..", name);
        fd = fs_open_root("/");
        assert_int_equal(fs_read_file(fd, path, 1u << 20, &data, NULL), 0);
        (void)close(fd);
        return data;
}

static void add_nic(struct troot *t, const char *name, const char *mac)
{
        char path[256];
        (void)snprintf(path, sizeof(path), "/sys/class/net/%s/address", name);
        troot_write(t, path, mac);
        (void)snprintf(path, sizeof(path), "/sys/class/net/%s/device/uevent", name);
        troot_write(t, path, "");
}

static struct node *parse(struct troot *t, const char *text)
{
        struct node *ctx = NULL;
        (void)t;
        assert_int_equal(one_context_parse(text, strlen(text), "context.sh", &ctx), 0);
        return ctx;
}

static void test_parse_quoting(void **state)
{
        (void)state;
        struct troot t;
        _cleanup_node_ struct node *c = NULL;

        troot_make(&t);
        c = parse(&t, "# comment\n"
                      "A='one two'\n"
                      "B='it'\\''s'\n"
                      "C=\"dq \\\"x\\\" \\\\ \\$HOME\"\n"
                      "D=plain\\ word\n"
                      "E=''\n"
                      "  F='multi\nline' # trailing comment\n"
                      "G=1; H=2\n"
                      "A='later wins'\n");
        assert_string_equal(node_get_str(c, "A"), "later wins");
        assert_string_equal(node_get_str(c, "B"), "it's");
        assert_string_equal(node_get_str(c, "C"), "dq \"x\" \\ $HOME");
        assert_string_equal(node_get_str(c, "D"), "plain word");
        assert_string_equal(node_get_str(c, "E"), "");
        assert_string_equal(node_get_str(c, "F"), "multi\nline");
        assert_string_equal(node_get_str(c, "G"), "1");
        assert_string_equal(node_get_str(c, "H"), "2");
        troot_free(&t);
}

static void test_parse_refuses_what_a_shell_would_run(void **state)
{
        (void)state;
        struct troot t;
        _cleanup_node_ struct node *c = NULL;
        char *evil = fixture("evil-context.sh");

        troot_make(&t);
        (void)unlink("/tmp/cloudboot-one-pwned");
        c = parse(&t, evil);
        free(evil);
        /* only the plain assignment is taken */
        assert_string_equal(node_get_str(c, "SET_HOSTNAME"), "safe-name");
        assert_null(node_get(c, "HOSTNAME"));
        assert_null(node_get(c, "SSH_PUBLIC_KEY"));
        assert_null(node_get(c, "A"));
        assert_null(node_get(c, "DNS"));
        /* "A='x' ; cmd" is an assignment and a command: the command is not ours */
        assert_string_equal(node_get_str(c, "USER_DATA"), "#cloud-config");
        assert_int_equal(c->n, 4);
        assert_log_has(&t, "context.sh:2:1: HOSTNAME: an expansion ($ or `), which is not "
                           "evaluated; line skipped");
        assert_log_has(&t, "context.sh:3:1: not a variable assignment; line skipped");
        assert_log_has(&t, "context.sh:5:29: not a variable assignment; line skipped");
        assert_log_has(&t, "context.sh:7:1: A: more than one assignment or a command");
        assert_log_has(&t, "context.sh:8:1: DNS: a shell operator or pattern");
        assert_true(access("/tmp/cloudboot-one-pwned", F_OK) != 0);
        troot_free(&t);

        troot_make(&t);
        node_free(TAKE_PTR(c));
        c = parse(&t, "OK=1\nBAD='never closed\nLATER=2\n");
        assert_string_equal(node_get_str(c, "OK"), "1");
        assert_null(node_get(c, "LATER"));
        assert_log_has(&t, "context.sh:2:1: BAD: an unterminated single quote");
        troot_free(&t);
}

static void test_seed_directory(void **state)
{
        (void)state;
        struct troot t;
        struct ds_result res = { 0 };
        _cleanup_node_ struct node *keys = NULL, *net = NULL;
        struct yaml_error err;
        char *ctx = fixture("context.sh");

        troot_make(&t);
        troot_write(&t, "/etc/cloud/cloud.cfg", "datasource_list: [OpenNebula, None]\n");
        troot_write(&t, SEED, ctx);
        free(ctx);
        add_nic(&t, "ens3", "02:00:0A:00:00:0F\n");
        add_nic(&t, "ens4", "02:00:0a:00:01:07\n");
        troot_write(&t, "/sys/class/net/lo/address", "00:00:00:00:00:00\n");
        assert_int_equal(ds_probe_troot(&t, true, &res), 0);
        assert_string_equal(res.ds->name, "OpenNebula");
        assert_string_equal(res.iid, "iid-dsopennebula");
        assert_string_equal(res.platform, "opennebula");
        assert_string_equal(res.subplatform, "seed-dir (/var/lib/cloud/seed/opennebula)");
        assert_string_equal(res.dsmode, "net");
        assert_string_equal(node_get_str(res.md, "local-hostname"), "one-vm");
        assert_string_equal(node_get_str(res.md, "PASSWORD_NOT_SHOWN"), "it's a secret");
        assert_non_null(strstr(res.ud, "path: /etc/it's\n"));
        assert_non_null(strstr(res.ud, "\"${not} $(expanded)\""));
        keys = ds_public_keys(res.md);
        assert_int_equal(keys->n, 2);
        assert_string_equal(keys->items[1]->str,
                            "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOneKey2 bob@one");
        /* network-config v2, as cloud-init's OpenNebulaNetwork renders it */
        assert_int_equal(json_load(res.netcfg, res.netcfg_len, "net", &net, &err), 0);
        assert_int_equal(node_get_path(net, "version")->i, 2);
        const struct node *e0 = node_get_path(net, "ethernets.ens3");
        assert_non_null(e0);
        assert_string_equal(node_get_str(node_get(e0, "match"), "macaddress"), "02:00:0a:00:00:0f");
        const struct node *a = node_get(e0, "addresses");
        assert_int_equal(a->n, 2);
        assert_string_equal(a->items[0]->str, "10.0.0.15/24");
        assert_string_equal(a->items[1]->str, "2001:db8::15/48");
        assert_string_equal(node_get_str(e0, "gateway4"), "10.0.0.1");
        assert_string_equal(node_get_str(e0, "gateway6"), "2001:db8::1");
        assert_int_equal(node_get(e0, "mtu")->i, 1450);
        const struct node *ns = node_get(e0, "nameservers");
        assert_int_equal(node_get(ns, "addresses")->n, 2);
        assert_string_equal(node_get(ns, "search")->items[0]->str, "example.org");
        const struct node *rt = node_get(e0, "routes");
        assert_int_equal(rt->n, 2);
        assert_string_equal(node_get_str(rt->items[1], "to"), "172.16.0.0/12");
        assert_string_equal(node_get_str(rt->items[1], "via"), "10.0.0.253");
        /* a NIC the context does not name: its address from its MAC */
        const struct node *e1 = node_get_path(net, "ethernets.ens4");
        assert_string_equal(node_get(e1, "addresses")->items[0]->str, "10.0.1.7/24");
        assert_null(node_get_path(net, "ethernets.lo"));
        /* secrets are not in the log */
        assert_null(strstr(t.log.data ? t.log.data : "", "secret"));
        ds_result_done(&res);
        troot_free(&t);
}

static void test_bad_values_are_reported(void **state)
{
        (void)state;
        struct troot t;
        struct ds_result res = { 0 };
        _cleanup_node_ struct node *net = NULL;
        struct yaml_error err;

        troot_make(&t);
        troot_write(&t, "/etc/cloud/cloud.cfg", "datasource_list: [OpenNebula]\n");
        troot_write(&t, SEED,
                    "ETH0_MAC='02:00:0a:00:00:0f'\n"
                    "ETH0_IP='10.0.0.300'\n"
                    "ETH0_MASK='255.0.255.0'\n"
                    "ETH0_DNS='10.0.0.1 not-an-ip'\n"
                    "ETH0_MTU='9'\n"
                    "ETH0_ROUTES='10.1.0.0/16 via 10.0.0.1, garbage'\n"
                    "USER_DATA='%%%'\nUSERDATA_ENCODING='base64'\n"
                    "DSMODE='sometimes'\n");
        add_nic(&t, "eth0", "02:00:0a:00:00:0f\n");
        assert_int_equal(ds_probe_troot(&t, true, &res), 0);
        assert_string_equal(res.dsmode, "net");
        assert_null(res.ud);
        assert_int_equal(json_load(res.netcfg, res.netcfg_len, "net", &net, &err), 0);
        const struct node *e0 = node_get_path(net, "ethernets.eth0");
        /* the IP is bad: the one from the MAC; the mask is bad: /24 */
        assert_string_equal(node_get(e0, "addresses")->items[0]->str, "10.0.0.15/24");
        assert_int_equal(node_get_path(e0, "nameservers.addresses")->n, 1);
        assert_null(node_get(e0, "mtu"));
        assert_int_equal(node_get(e0, "routes")->n, 1);
        assert_log_has(&t, SEED ":2:1: ETH0_IP: not an IP address; ignored");
        assert_log_has(&t, SEED ":3:1: ETH0_MASK: not a netmask; ignored");
        assert_log_has(&t, SEED ":4:1: ETH0_DNS: \"not-an-ip\" is not an IP address; ignored");
        assert_log_has(&t, SEED ":5:1: ETH0_MTU: not an MTU; ignored");
        assert_log_has(&t, "ETH0_ROUTES: an entry is not \"NETWORK via GATEWAY\"");
        assert_log_has(&t, "USER_DATA is not valid base64");
        assert_log_has(&t, "DSMODE must be local, net or disabled");
        ds_result_done(&res);
        troot_free(&t);
}

static void test_not_found_and_disabled(void **state)
{
        (void)state;
        struct troot t;
        struct ds_result res = { 0 };

        troot_make(&t);
        troot_write(&t, "/etc/cloud/cloud.cfg", "datasource_list: [OpenNebula]\n");
        assert_int_equal(ds_probe_troot(&t, true, &res), -ENOENT);
        troot_write(&t, SEED, "DSMODE='disabled'\nSET_HOSTNAME='x'\n");
        assert_int_equal(ds_probe_troot(&t, true, &res), -ENOENT);
        assert_log_has(&t, "DSMODE=disabled");
        /* no ETHx_IP: no network-config; empty context still a context */
        troot_write(&t, SEED, "# empty\n");
        assert_int_equal(ds_probe_troot(&t, true, &res), 0);
        assert_null(res.netcfg);
        assert_null(res.ud);
        assert_string_equal(res.iid, "iid-dsopennebula");
        ds_result_done(&res);
        troot_free(&t);
}

int main(void)
{
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_parse_quoting),
                cmocka_unit_test(test_parse_refuses_what_a_shell_would_run),
                cmocka_unit_test(test_seed_directory),
                cmocka_unit_test(test_bad_values_are_reported),
                cmocka_unit_test(test_not_found_and_disabled),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
