/* SPDX-License-Identifier: Apache-2.0 */
/* Golden-file tests of the network configuration: each case of
 * tests/fixtures/network (network-config v1 and v2, OpenStack's
 * network_data.json, EC2 meta-data) rendered for systemd-networkd,
 * NetworkManager and ifupdown and compared with expected-<renderer>/;
 * CLOUDBOOT_UPDATE_GOLDEN=1 rewrites those (review the diff). Then the
 * fallback on a fake /sys/class/net, bad documents, and the step as init-local
 * runs it. */
#include <dirent.h>

#include "testlib.h"
#include "json.h"
#include "netcfg.h"
#include "netrender.h"
#include "network.h"

static const char *const cases[] = { "v1-static",
                                     "v1-bond-vlan-bridge",
                                     "v2-ethernets",
                                     "v2-bond-vlan-bridge",
                                     "openstack",
                                     "openstack-bond-vlan",
                                     "ec2",
                                     NULL };
static const enum net_renderer renderers[] = { NET_RENDER_NETWORKD, NET_RENDER_NM, NET_RENDER_ENI };

static char *slurp(const char *path, size_t *len)
{
        int fd = open(path, O_RDONLY | O_CLOEXEC);
        char *data = NULL;
        if (fd < 0)
                return NULL;
        data = malloc(1 << 20);
        ssize_t n = read(fd, data, (1 << 20) - 1);
        close(fd);
        assert_true(n >= 0);
        data[n] = 0;
        if (len)
                *len = (size_t)n;
        return data;
}

static void load_case(const char *dir, const char *name, struct netcfg *nc)
{
        char path[1024];
        size_t len;
        char *data;
        struct node *doc = NULL;
        struct yaml_error err;

        memset(nc, 0, sizeof(*nc));
        (void)snprintf(nc->source, sizeof(nc->source), "%s", name);
        (void)snprintf(path, sizeof(path), "%s/network-config", dir);
        if ((data = slurp(path, &len))) {
                assert_int_equal(yaml_load(data, len, path, NULL, &doc, &err), 0);
                assert_int_equal(netcfg_from_node(doc, nc), 0);
        } else {
                (void)snprintf(path, sizeof(path), "%s/network_data.json", dir);
                if ((data = slurp(path, &len))) {
                        assert_int_equal(json_load(data, len, path, &doc, &err), 0);
                        assert_int_equal(netcfg_from_openstack(doc, nc), 0);
                } else {
                        (void)snprintf(path, sizeof(path), "%s/meta-data.json", dir);
                        assert_non_null(data = slurp(path, &len));
                        assert_int_equal(json_load(data, len, path, &doc, &err), 0);
                        assert_int_equal(netcfg_from_ec2(doc, nc), 0);
                }
        }
        free(data);
        node_free(doc);
}

static void test_golden(void **state)
{
        (void)state;
        const char *top = getenv("TOP_SRCDIR");
        bool update = getenv("CLOUDBOOT_UPDATE_GOLDEN") != NULL;
        static struct netcfg nc;
        static struct net_file files[NET_FILES_MAX];

        if (!top)
                top = ".";
        for (const char *const *c = cases; *c; c++) {
                char dir[512], exp[700], path[1200];
                (void)snprintf(dir, sizeof(dir), "%s/tests/fixtures/network/%s", top, *c);
                load_case(dir, *c, &nc);
                for (size_t r = 0; r < ELEMENTSOF(renderers); r++) {
                        size_t n = 0, on_disk = 0;
                        (void)snprintf(exp, sizeof(exp), "%s/expected-%s", dir,
                                       net_renderer_name(renderers[r]));
                        assert_int_equal(net_render(renderers[r], &nc, files, &n), 0);
                        if (update)
                                (void)mkdir(exp, 0755);
                        for (size_t i = 0; i < n; i++) {
                                const char *base = strrchr(files[i].path, '/') + 1;
                                (void)snprintf(path, sizeof(path), "%s/%s", exp, base);
                                if (update) {
                                        FILE *f = fopen(path, "w");
                                        assert_non_null(f);
                                        fputs(files[i].data.data, f);
                                        fclose(f);
                                }
                                char *want = slurp(path, NULL);
                                if (!want)
                                        fail_msg("%s/%s: %s is not among the expected files", *c,
                                                 net_renderer_name(renderers[r]), base);
                                if (strcmp(want, files[i].data.data) != 0)
                                        fail_msg("%s: rendered:\n%s\nexpected:\n%s", path,
                                                 files[i].data.data, want);
                                free(want);
                        }
                        /* nothing expected is missing */
                        DIR *d = opendir(exp);
                        struct dirent *de;
                        assert_non_null(d);
                        while ((de = readdir(d)))
                                on_disk += de->d_name[0] != '.';
                        closedir(d);
                        assert_int_equal(on_disk, n);
                        net_files_done(files, n);
                }
        }
}

static void mknic(struct troot *t, const char *name, const char *idx, const char *mac, bool device,
                  bool wireless)
{
        char path[256];
        (void)snprintf(path, sizeof(path), "/sys/class/net/%s", name);
        assert_int_equal(fs_mkdir_p(t->fd, path, 0755), 0);
        (void)snprintf(path, sizeof(path), "/sys/class/net/%s/ifindex", name);
        troot_write(t, path, idx);
        (void)snprintf(path, sizeof(path), "/sys/class/net/%s/address", name);
        troot_write(t, path, mac);
        (void)snprintf(path, sizeof(path), "/sys/class/net/%s/type", name);
        troot_write(t, path, "1\n");
        if (device) {
                (void)snprintf(path, sizeof(path), "/sys/class/net/%s/device", name);
                assert_int_equal(fs_mkdir_p(t->fd, path, 0755), 0);
        }
        if (wireless) {
                (void)snprintf(path, sizeof(path), "/sys/class/net/%s/wireless", name);
                assert_int_equal(fs_mkdir_p(t->fd, path, 0755), 0);
        }
}

static void fake_nics(struct troot *t)
{
        mknic(t, "lo", "1\n", "00:00:00:00:00:00\n", false, false);
        mknic(t, "veth0", "2\n", "aa:00:00:00:00:01\n", false, false); /* virtual */
        mknic(t, "wlan0", "3\n", "aa:00:00:00:00:02\n", true, true); /* wireless */
        mknic(t, "ens4", "5\n", "52:54:00:00:00:04\n", true, false);
        mknic(t, "ens3", "4\n", "52:54:00:00:00:03\n", true, false);
}

static void test_fallback_picks_the_first_physical_nic(void **state)
{
        (void)state;
        struct troot t;
        static struct netcfg nc;
        troot_make(&t);
        memset(&nc, 0, sizeof(nc));
        assert_int_equal(netcfg_fallback(t.fd, &nc), -ENOENT); /* no /sys/class/net */
        fake_nics(&t);
        assert_int_equal(netcfg_fallback(t.fd, &nc), 0);
        assert_int_equal(nc.n, 1);
        assert_string_equal(nc.ifaces[0].name, "ens3");
        assert_string_equal(nc.ifaces[0].mac, "52:54:00:00:00:03");
        assert_true(nc.ifaces[0].dhcp4);
        troot_free(&t);
}

static void bad(const char *doc, const char *needle)
{
        struct troot t;
        static struct netcfg nc;
        struct node *n = NULL;
        struct yaml_error err;
        troot_make(&t);
        memset(&nc, 0, sizeof(nc));
        assert_int_equal(yaml_load(doc, strlen(doc), "nc.yaml", NULL, &n, &err), 0);
        assert_int_equal(netcfg_from_node(n, &nc), -EINVAL);
        assert_log_has(&t, needle);
        node_free(n);
        troot_free(&t);
}

static void test_bad_documents_name_the_position(void **state)
{
        (void)state;
        bad("version: 3\n", "nc.yaml:1:10: network-config: version must be 1 or 2");
        bad("version: 1\nconfig:\n  - type: wormhole\n    name: x\n",
            "nc.yaml:3:11: network-config: unknown config type wormhole");
        bad("version: 2\nethernets:\n  e:\n    match: {macaddress: 'zz:1'}\n",
            "nc.yaml:4:25: network-config: macaddress: 'zz:1' is not a MAC address");
        bad("version: 2\nvlans:\n  v:\n    id: 5\n",
            "nc.yaml:3:3: network-config: a vlan needs id and link");
        bad("version: 2\nethernets:\n  e:\n    addresses: [300.1.2.3/24]\n",
            "nc.yaml:4:17: network-config: address: '300.1.2.3/24' is not an IP address");
        /* found by fuzzing: a netmask that is not a string crashed */
        bad("version: 1\nconfig:\n  - type: physical\n    name: e\n    subnets:\n      - type: "
            "static\n        address: 10.0.0.1/8\n        routes:\n          - network: "
            "10.1.0.0\n            netmask: [255]\n            gateway: 10.0.0.2\n",
            "nc.yaml:10:22: network-config: netmask: '' is not a netmask");
        bad("version: 2\nbonds:\n  b:\n    interfaces: [ghost]\n",
            "b names member ghost, which is not defined");
}

/* A value with a line break or a separator is refused by its type, with the
 * key and its position, and the whole document with it. */
static void test_injected_values_are_refused(void **state)
{
        (void)state;
        bad("version: 2\nethernets:\n  e:\n    nameservers: {addresses: [\"1.1.1.1\\nup x\"]}\n",
            "nc.yaml:4:31: network-config: nameservers: '1.1.1.1\\nup x' is not an IP address");
        bad("version: 2\nethernets:\n  e:\n    nameservers: {search: [\"a.com\\n[Route]\"]}\n",
            "network-config: search: 'a.com\\n[Route]' has a character other than");
        bad("version: 2\nethernets:\n  e:\n    addresses: [\"10.0.0.1/24\\n[Route]\"]\n",
            "nc.yaml:4:17: network-config: address: '10.0.0.1/24\\n[Route]' has a prefix length "
            "out");
        bad("version: 2\nethernets:\n  e:\n    mtu: \"1500\\n    up touch /x\"\n",
            "nc.yaml:4:10: network-config: mtu: '1500\\n    up touch /x' is not an MTU");
        bad("version: 2\nethernets:\n  \"e\\nx\": {}\n",
            "nc.yaml:3:3: network-config: name: 'e\\nx' contains '/', ':', white space");
        bad("version: 2\nethernets:\n  e:\n    routes: [{to: 10.0.0.0/8, via: 10.0.0.1, metric: "
            "\"5x\"}]\n",
            "network-config: metric: '5x' is not a metric");
        bad("version: 2\nethernets:\n  e:\n    routes: [{to: \"10.0.0.0/8\\nGateway=1.2.3.4\", "
            "via: "
            "10.0.0.1}]\n",
            "network-config: to: '10.0.0.0/8\\nGateway=1.2.3.4' has a prefix length out of range");
        bad("version: 2\nethernets: {e1: {}}\nbonds:\n  b:\n    interfaces: [e1]\n    parameters: "
            "{mode: \"802.3ad\\n    up touch /x\"}\n",
            "network-config: mode: '802.3ad\\n    up touch /x' is not a bond mode");
        bad("version: 1\nconfig:\n  - type: physical\n    name: e\n    mac_address: "
            "\"52:54:00:12:34:56\\nX\"\n",
            "network-config: macaddress: '52:54:00:12:34:56\\nX' is not a MAC address");
        bad("version: 1\nconfig:\n  - type: vlan\n    name: v\n    vlan_link: e\n    vlan_id: "
            "4095\n",
            "network-config: vlan_id: '4095' is not a VLAN id");
        bad("version: 1\nconfig:\n  - type: nameserver\n    address: [1.1.1.1]\n    search: "
            "[\"-bad.example\"]\n",
            "network-config: search: '-bad.example' has a label starting with '-'");
}

/* The renderers refuse a model with a bad value as a whole: no file at all. */
static void test_render_refuses_a_bad_model(void **state)
{
        static struct netcfg nc;
        static struct net_file files[NET_FILES_MAX];
        size_t n = 99;
        struct troot t;
        (void)state;
        troot_make(&t);
        memset(&nc, 0, sizeof(nc));
        nc.n = 1;
        (void)snprintf(nc.ifaces[0].name, sizeof(nc.ifaces[0].name), "eth0");
        nc.ifaces[0].naddrs = 1;
        (void)snprintf(nc.ifaces[0].addrs[0], sizeof(nc.ifaces[0].addrs[0]),
                       "10.0.0.1/8\nDNS=6.6.6.6");
        for (size_t k = 0; k < ELEMENTSOF(renderers); k++)
                assert_int_equal(net_render(renderers[k], &nc, files, &n), -EINVAL);
        assert_int_equal(n, 99);
        assert_log_has(&t, "nothing is rendered");
        troot_free(&t);
}

static void test_configure_writes_once_and_honours_disabled(void **state)
{
        (void)state;
        struct troot t;
        struct node *cfg = test_yaml("{}"), *off = test_yaml("{network: {config: disabled}}");
        struct node *eni = test_yaml("{system_info: {network: {renderers: [eni]}}}");
        char *first;

        troot_make(&t);
        fake_nics(&t);
        troot_write(&t, "/usr/lib/systemd/systemd-networkd", "");
        network_configure(t.fd, cfg, cfg, NULL, "iid-1", true, false);
        first = troot_read(&t, "/etc/systemd/network/10-cloudboot-ens3.network");
        assert_non_null(first);
        assert_non_null(strstr(first, "[Match]\nName=ens3\n\n[Network]\nDHCP=ipv4\n"));
        assert_file_eq(&t, "/etc/systemd/network/10-cloudboot-ens3.link",
                       "# Written by cloudboot from fallback; a new instance rewrites it.\n"
                       "# To keep cloudboot away: network: {config: disabled} in "
                       "/etc/cloud/cloud.cfg.d/.\n"
                       "[Match]\nMACAddress=52:54:00:00:00:03\n\n[Link]\nName=ens3\n");
        assert_log_has(&t, "Network configuration from fallback written for networkd (2 files");
        /* the same boot again: nothing rewritten (an admin's edit stays) */
        troot_write(&t, "/etc/systemd/network/10-cloudboot-ens3.network", "edited\n");
        network_configure(t.fd, cfg, cfg, NULL, "iid-1", true, false);
        assert_file_eq(&t, "/etc/systemd/network/10-cloudboot-ens3.network", "edited\n");
        /* a new instance: written again */
        network_configure(t.fd, cfg, cfg, NULL, "iid-2", true, false);
        assert_file_eq(&t, "/etc/systemd/network/10-cloudboot-ens3.network", first);
        /* another renderer: the networkd files go, ENI's come */
        network_configure(t.fd, cfg, eni, NULL, "iid-2", true, false);
        assert_null(troot_read(&t, "/etc/systemd/network/10-cloudboot-ens3.network"));
        char *e = troot_read(&t, "/etc/network/interfaces.d/50-cloudboot.cfg");
        assert_non_null(e);
        assert_non_null(strstr(e, "auto ens3\niface ens3 inet dhcp\n"));
        free(e);
        e = troot_read(&t, "/etc/udev/rules.d/70-cloudboot-net-names.rules");
        assert_non_null(e);
        assert_non_null(strstr(e, "ATTR{address}==\"52:54:00:00:00:03\", NAME=\"ens3\""));
        free(e);
        /* disabled: nothing written, nothing removed */
        network_configure(t.fd, off, cfg, NULL, "iid-3", true, false);
        assert_log_has(&t, "Network configuration left alone: network: {config: disabled}");
        assert_true(fs_exists(t.fd, "/etc/network/interfaces.d/50-cloudboot.cfg"));
        free(first);
        node_free(cfg);
        node_free(off);
        node_free(eni);
        troot_free(&t);
}

int main(void)
{
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_golden),
                cmocka_unit_test(test_fallback_picks_the_first_physical_nic),
                cmocka_unit_test(test_bad_documents_name_the_position),
                cmocka_unit_test(test_injected_values_are_refused),
                cmocka_unit_test(test_render_refuses_a_bad_model),
                cmocka_unit_test(test_configure_writes_once_and_honours_disabled),
        };
        return cmocka_run_group_tests_name("network", tests, NULL, NULL);
}
