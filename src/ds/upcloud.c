/* SPDX-License-Identifier: Apache-2.0 */
/* UpCloud's metadata service: one JSON document at
 * http://169.254.169.254/metadata/v1.json, read only on a machine whose DMI
 * sys_vendor is UpCloud (its product_uuid is the server's). As cloud-init's
 * DataSourceUpCloud: instance_id (else the DMI uuid) is the instance-id,
 * hostname the local-hostname, region the availability zone, public_keys the
 * keys, user_data and vendor_data the user-data and vendor-data; the network
 * (version 1) from network.interfaces, each NIC found by its MAC: DHCP (DHCPv6
 * stateless for IPv6) where an address says dhcp, else the static address
 * with its gateway and the prefix of its network, and network.dns as the
 * resolvers. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clouds.h"
#include "log.h"
#include "mdsvc.h"
#include "valid.h"

static const char *const default_urls[] = { "http://169.254.169.254/metadata/v1.json", NULL };

/* A list of resolver addresses, each checked; NULL (logged) when one is bad. */
static struct node *dns_list(const struct node *v, const char *what)
{
        struct node *l = node_new(NODE_SEQ);

        for (size_t i = 0; l && v && v->type == NODE_SEQ && i < v->n; i++) {
                const char *a = node_str(v->items[i]);
                if (!a || valid_ip(a, NULL)) {
                        log_warning("UpCloud: %s[%zu] is not an address; left out", what, i);
                        continue;
                }
                if (node_append(l, node_new_str(a)) < 0)
                        return node_free(l);
        }
        return l;
}

static bool same_dns(const struct node *a, const struct node *b)
{
        if (!a || !b || a->type != NODE_SEQ || b->type != NODE_SEQ || a->n != b->n)
                return false;
        for (size_t i = 0; i < a->n; i++)
                if (!streq_ptr(node_str(a->items[i]), node_str(b->items[i])))
                        return false;
        return true;
}

/* One of ip_addresses as a subnet; -EINVAL (logged) when it is wrong. */
static int add_subnet(struct node *subnets, const struct node *ip, const struct node *dns,
                      const char *what)
{
        bool v6 = streq_ptr(node_get_str(ip, "family"), "IPv6");
        const char *addr = node_get_str(ip, "address"), *gw = node_get_str(ip, "gateway");
        const char *net = node_get_str(ip, "network"), *slash = net ? strchr(net, '/') : NULL;
        const struct node *ipdns = node_get(ip, "dns");
        struct node *s = node_new(NODE_MAP);
        char prefix[8];
        uint64_t p = 0;
        int r = node_append(subnets, s);

        if (r < 0)
                return r;
        if (node_get_bool(ip, "dhcp", false))
                return md_set_str(s, "type", v6 ? "ipv6_dhcpv6-stateless" : "dhcp");
        if (!addr || valid_ip(addr, NULL) || (gw && gw[0] && valid_ip(gw, NULL)) ||
            (slash && valid_parse_uint(slash + 1, 0, v6 ? 128 : 32, &p) < 0)) {
                log_warning("UpCloud: %s has no valid address, gateway and network; the "
                            "interface is left out",
                            what);
                return -EINVAL;
        }
        r = md_set_str(s, "type", v6 ? "static6" : "static");
        if (r >= 0)
                r = md_set_str(s, "control", "auto");
        if (r >= 0)
                r = md_set_str(s, "address", addr);
        if (r >= 0 && gw && gw[0])
                r = md_set_str(s, "gateway", gw);
        if (r >= 0 && slash) {
                (void)snprintf(prefix, sizeof(prefix), "%u", (unsigned)p);
                r = md_set_str(s, "netmask", prefix);
        }
        if (r >= 0 && ipdns && ipdns->type == NODE_SEQ && ipdns->n > 0 && !same_dns(ipdns, dns)) {
                struct node *l = dns_list(ipdns, what);
                r = l ? node_set(s, "dns_nameservers", l) : -ENOMEM;
        }
        return r;
}

static int add_nic(const struct ds_ctx *ctx, struct node *config, const struct node *nic,
                   const struct node *dns, size_t idx)
{
        const char *mac = node_get_str(nic, "mac");
        const struct node *ips = node_get(nic, "ip_addresses");
        _cleanup_node_ struct node *e = NULL;
        struct node *subnets;
        char name[16], what[96];
        int r;

        if (!mac || valid_mac(mac) || md_ifname_by_mac(ctx->root_fd, mac, name, sizeof(name)) < 0) {
                log_warning("UpCloud: no interface has the MAC of network.interfaces[%zu]; it "
                            "is left out",
                            idx);
                return 0;
        }
        e = node_new(NODE_MAP);
        subnets = node_new(NODE_SEQ);
        r = e ? node_set(e, "subnets", subnets) : -ENOMEM;
        if (r < 0) {
                node_free(subnets);
                return r;
        }
        r = md_set_str(e, "type", "physical");
        if (r >= 0)
                r = md_set_str(e, "name", name);
        if (r >= 0)
                r = md_set_str(e, "mac_address", mac);
        for (size_t i = 0; ips && ips->type == NODE_SEQ && i < ips->n && r >= 0; i++) {
                (void)snprintf(what, sizeof(what), "network.interfaces[%zu].ip_addresses[%zu]",
                               idx, i);
                r = add_subnet(subnets, ips->items[i], dns, what);
                if (r == -EINVAL)
                        return 0;
        }
        if (r >= 0)
                r = node_append(config, TAKE_PTR(e));
        return r;
}

int upcloud_netcfg(const struct ds_ctx *ctx, const struct node *full, struct ds_result *res)
{
        const struct node *network = node_get(full, "network");
        const struct node *ifaces = node_get(network, "interfaces"), *dns = node_get(network, "dns");
        _cleanup_node_ struct node *doc = node_new(NODE_MAP);
        struct node *config = node_new(NODE_SEQ);
        int r;

        if (!ifaces || ifaces->type != NODE_SEQ) {
                log_warning("UpCloud: the metadata has no network.interfaces; no network "
                            "configuration from it");
                node_free(config);
                return 0;
        }
        r = doc ? node_set(doc, "config", config) : -ENOMEM;
        if (r < 0) {
                node_free(config);
                return r;
        }
        r = node_set(doc, "version", node_new_int(1));
        for (size_t i = 0; i < ifaces->n && r >= 0; i++)
                r = add_nic(ctx, config, ifaces->items[i], dns, i);
        if (r >= 0 && dns && dns->type == NODE_SEQ && dns->n > 0) {
                struct node *e = node_new(NODE_MAP), *l = dns_list(dns, "network.dns");
                r = node_append(config, e);
                if (r >= 0)
                        r = md_set_str(e, "type", "nameserver");
                if (r >= 0)
                        r = l ? node_set(e, "address", l) : -ENOMEM;
                else
                        node_free(l);
        }
        if (r >= 0 && config->n > 0)
                r = md_set_netcfg(res, doc);
        return r;
}

static int upcloud_probe(const struct ds_ctx *ctx, struct ds_result *res)
{
        const char *uuid = ctx->plat ? ctx->plat->dmi[DMI_PRODUCT_UUID] : "";
        const char *given = node_get_str(node_get_path(ctx->syscfg, "datasource.UpCloud"),
                                         "metadata_url");
        const char *given_urls[] = { given, NULL };
        _cleanup_node_ struct node *full = NULL;
        char buf[256];
        const char *base = NULL, *s;
        struct ds_net n;
        int r = -ENOENT;

        /* cloud-init's metadata_url: the whole URL of the document */
        if (ds_net_setup(ctx, &ds_upcloud, given ? given_urls : default_urls, &n) < 0)
                return -ENOENT;
        for (size_t i = 0; i < n.nurls && r < 0; i++) {
                base = n.urls[i];
                r = md_get_json(&n, base, NULL, NULL, DS_METADATA_MAX + ctx->user_data_max * 2,
                                &full);
                if (r < 0)
                        log_warning_errno(r, "UpCloud: no server metadata at %s: %m", base);
        }
        if (r < 0)
                return -ENOENT;
        s = md_scalar(node_get(full, "instance_id"), buf, sizeof(buf));
        if (!s)
                s = uuid[0] ? uuid : NULL;
        if (!s) {
                log_warning("UpCloud: %s has no instance_id and the DMI gives no uuid", base);
                return -ENOENT;
        }
        res->md = node_new(NODE_MAP);
        r = res->md ? md_set_str(res->md, "instance-id", s) : -ENOMEM;
        if (r >= 0)
                r = md_set_scalar(res->md, "local-hostname", node_get(full, "hostname"));
        if (r >= 0)
                r = md_take_droplet_fields(ctx, full, "UpCloud", base, res);
        if (r >= 0)
                r = upcloud_netcfg(ctx, full, res);
        if (r >= 0)
                r = ds_net_result(res, "upcloud", base, "user_data");
        if (r >= 0)
                log_info("UpCloud: server %s from %s", res->iid, base);
        return r;
}

const struct datasource ds_upcloud = {
        .name = "UpCloud",
        .local = false,
        .cloud = "upcloud",
        .probe = upcloud_probe,
        .ephemeral = DS_EPHEMERAL_DHCP,
};
