/* SPDX-License-Identifier: Apache-2.0 */
/* DigitalOcean's droplet metadata: one JSON document at
 * http://169.254.169.254/metadata/v1.json, read only on a machine whose DMI
 * sys_vendor is DigitalOcean (its product_serial is the droplet id). As
 * cloud-init's DataSourceDigitalOcean: droplet_id is the instance-id,
 * hostname the local-hostname, region the availability zone, public_keys the
 * keys, user_data and vendor_data the user-data and vendor-data; the
 * interfaces (public and private, each with ipv4, ipv6, anchor_ipv4) and
 * dns.nameservers become a version 1 network configuration, the public NIC
 * named eth0 and the private one eth1, the gateway only on the public
 * addresses. */
#include <sys/socket.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clouds.h"
#include "log.h"
#include "mdsvc.h"
#include "valid.h"

static const char *const default_urls[] = { "http://169.254.169.254/metadata/v1.json", NULL };

/* One of ipv4, ipv6, anchor_ipv4, anchor_ipv6 as a static subnet; 0 and
 * nothing added when it is not there, -EINVAL (logged) when it is wrong. */
static int add_subnet(struct node *subnets, const struct node *raw, const char *what,
                      bool with_gateway)
{
        const char *ip = node_get_str(raw, "ip_address"), *gw = node_get_str(raw, "gateway");
        const char *why = NULL;
        char buf[64], addr[80];
        struct node *s;
        int family = 0;
        unsigned prefix = 0;

        if (!raw || raw->type != NODE_MAP)
                return 0;
        why = !ip ? "has no ip_address" : valid_ip(ip, &family) ? "ip_address is not an address" : NULL;
        if (!why && family == AF_INET6) {
                const char *cidr = md_scalar(node_get(raw, "cidr"), buf, sizeof(buf));
                uint64_t c = 0;
                if (!cidr || valid_parse_uint(cidr, 0, 128, &c) < 0)
                        why = "cidr is not a prefix length from 0 to 128";
                prefix = (unsigned)c;
        } else if (!why) {
                const char *mask = node_get_str(raw, "netmask");
                if (!mask || valid_parse_netmask(mask, 32, &prefix) < 0)
                        why = "netmask is not a netmask";
        }
        if (!why && with_gateway && gw && valid_ip(gw, NULL))
                why = "gateway is not an address";
        if (why) {
                log_warning("DigitalOcean: interfaces.%s %s; the interface is left out", what, why);
                return -EINVAL;
        }
        s = node_new(NODE_MAP);
        int r = node_append(subnets, s);
        if (r >= 0)
                r = md_set_str(s, "type", "static");
        if (r >= 0)
                r = md_set_str(s, "control", "auto");
        if (family == AF_INET6) {
                (void)snprintf(addr, sizeof(addr), "%s/%u", ip, prefix);
                if (r >= 0)
                        r = md_set_str(s, "address", addr);
        } else {
                if (r >= 0)
                        r = md_set_str(s, "address", ip);
                if (r >= 0)
                        r = md_set_str(s, "netmask", node_get_str(raw, "netmask"));
        }
        if (r >= 0 && with_gateway && gw)
                r = md_set_str(s, "gateway", gw);
        return r;
}

/* interfaces.<kind>[0] as a physical entry of config. */
static int add_nic(const struct ds_ctx *ctx, struct node *config, const char *kind,
                   const struct node *list)
{
        static const char *const defs[] = { "ipv4", "ipv6", "anchor_ipv4", "anchor_ipv6" };
        const struct node *nic = list && list->type == NODE_SEQ && list->n > 0 ? list->items[0] : NULL;
        const char *mac = node_get_str(nic, "mac"), *type = node_get_str(nic, "type");
        _cleanup_node_ struct node *e = NULL;
        struct node *subnets;
        char name[16], what[64];
        int r;

        if (!nic)
                return 0;
        if (!mac || valid_mac(mac)) {
                log_warning("DigitalOcean: interfaces.%s[0].mac is not a MAC address; the "
                            "interface is left out",
                            kind);
                return 0;
        }
        type = type ? type : "unknown";
        /* cloud-init's NIC_MAP: the public NIC is eth0, the private one eth1 */
        if (streq(type, "public") || streq(type, "private"))
                (void)snprintf(name, sizeof(name), "%s", streq(type, "public") ? "eth0" : "eth1");
        else if (md_ifname_by_mac(ctx->root_fd, mac, name, sizeof(name)) < 0) {
                log_warning("DigitalOcean: no interface has MAC %s (interfaces.%s[0]); it is "
                            "left out",
                            mac, kind);
                return 0;
        }
        e = node_new(NODE_MAP);
        subnets = node_new(NODE_SEQ);
        r = e ? md_set_str(e, "type", "physical") : -ENOMEM;
        if (r >= 0)
                r = md_set_str(e, "mac_address", mac);
        if (r >= 0)
                r = md_set_str(e, "name", name);
        if (r >= 0)
                r = node_set(e, "subnets", subnets);
        else
                node_free(subnets);
        for (size_t i = 0; i < ELEMENTSOF(defs) && r >= 0; i++) {
                (void)snprintf(what, sizeof(what), "%s[0].%s", kind, defs[i]);
                r = add_subnet(subnets, node_get(nic, defs[i]), what,
                               streq(type, "public") && !startswith(defs[i], "anchor"));
                if (r == -EINVAL)
                        return 0;
        }
        if (r >= 0)
                r = node_append(config, TAKE_PTR(e));
        return r;
}

int digitalocean_netcfg(const struct ds_ctx *ctx, const struct node *full, struct ds_result *res)
{
        const struct node *ifaces = node_get(full, "interfaces");
        const struct node *ns = node_get_path(full, "dns.nameservers");
        _cleanup_node_ struct node *doc = node_new(NODE_MAP);
        struct node *config = node_new(NODE_SEQ);
        int r;

        if (!ifaces || ifaces->type != NODE_MAP) {
                log_warning("DigitalOcean: the metadata has no interfaces; no network "
                            "configuration from it");
                node_free(config);
                return 0;
        }
        r = doc ? node_set(doc, "version", node_new_int(1)) : -ENOMEM;
        if (r >= 0)
                r = node_set(doc, "config", config);
        else
                node_free(config);
        for (size_t i = 0; i + 1 < ifaces->n && r >= 0; i += 2)
                if (node_str(ifaces->items[i]))
                        r = add_nic(ctx, config, ifaces->items[i]->str, ifaces->items[i + 1]);
        if (r >= 0 && ns && ns->type == NODE_SEQ && ns->n > 0) {
                struct node *e = node_new(NODE_MAP), *addrs = node_new(NODE_SEQ);
                r = node_append(config, e);
                if (r >= 0)
                        r = md_set_str(e, "type", "nameserver");
                if (r >= 0)
                        r = node_set(e, "address", addrs);
                else
                        node_free(addrs);
                for (size_t i = 0; i < ns->n && r >= 0; i++) {
                        const char *a = node_str(ns->items[i]);
                        if (a && !valid_ip(a, NULL))
                                r = node_append(addrs, node_new_str(a));
                        else
                                log_warning("DigitalOcean: dns.nameservers[%zu] is not an "
                                            "address; left out",
                                            i);
                }
        }
        if (r >= 0 && config->n > 0)
                r = md_set_netcfg(res, doc);
        return r;
}

static int digitalocean_probe(const struct ds_ctx *ctx, struct ds_result *res)
{
        const char *serial = ctx->plat ? ctx->plat->dmi[DMI_PRODUCT_SERIAL] : "";
        const char *const *urls = default_urls;
        const char *given = node_get_str(node_get_path(ctx->syscfg, "datasource.DigitalOcean"),
                                         "metadata_url");
        const char *given_urls[] = { given, NULL };
        _cleanup_node_ struct node *full = NULL;
        char buf[256];
        const char *base = NULL, *s;
        struct ds_net n;
        int r = -ENOENT;

        /* cloud-init's metadata_url: the whole URL of the document */
        if (given)
                urls = given_urls;
        if (ds_net_setup(ctx, &ds_digitalocean, urls, &n) < 0)
                return -ENOENT;
        for (size_t i = 0; i < n.nurls && r < 0; i++) {
                base = n.urls[i];
                r = md_get_json(&n, base, NULL, NULL, DS_METADATA_MAX + ctx->user_data_max * 2,
                                &full);
                if (r < 0)
                        log_warning_errno(r, "DigitalOcean: no droplet metadata at %s: %m", base);
        }
        if (r < 0)
                return -ENOENT;
        res->md = node_new(NODE_MAP);
        if (!res->md)
                return -ENOMEM;
        /* droplet_id, else the DMI serial, as cloud-init falls back */
        s = md_scalar(node_get(full, "droplet_id"), buf, sizeof(buf));
        if (!s && serial[0])
                s = serial;
        if (!s) {
                log_warning("DigitalOcean: %s has no droplet_id and the DMI gives no serial", base);
                return -ENOENT;
        }
        r = md_set_str(res->md, "instance-id", s);
        if (r >= 0) {
                const char *h = md_scalar(node_get(full, "hostname"), buf, sizeof(buf));
                r = md_set_str(res->md, "local-hostname", h ? h : node_get_str(res->md, "instance-id"));
        }
        if (r >= 0)
                r = md_take_droplet_fields(ctx, full, "DigitalOcean", base, res);
        if (r >= 0 && node_get(full, "interfaces"))
                r = node_set(res->md, "interfaces", node_copy(node_get(full, "interfaces")));
        if (r >= 0)
                r = digitalocean_netcfg(ctx, full, res);
        if (r >= 0)
                r = ds_net_result(res, "digitalocean", base, "user_data");
        if (r >= 0)
                log_info("DigitalOcean: droplet %s from %s", res->iid, base);
        return r;
}

const struct datasource ds_digitalocean = {
        .name = "DigitalOcean",
        .local = false,
        .cloud = "digitalocean",
        .probe = digitalocean_probe,
        .ephemeral = DS_EPHEMERAL_LINKLOCAL,
};
