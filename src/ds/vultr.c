/* SPDX-License-Identifier: Apache-2.0 */
/* Vultr's metadata service: one JSON document at http://169.254.169.254/v1.json
 * (asked with "Metadata-Token: cloudinit", as cloud-init asks), read only on
 * a machine whose DMI sys_vendor is Vultr (or "vultr" on the kernel command
 * line, or /etc/vultr). As cloud-init's DataSourceVultr: instance-v2-id is
 * the instance-id, hostname the local-hostname ("guest" when empty), the
 * region its countrycode (else regioncode) in lower case, user-data and
 * vendor-data the strings of that name. The network: cloud_interfaces (a
 * version 1 document) with each NIC named by its MAC, else one built from
 * interfaces: Vultr's resolvers, DHCP and SLAAC on the first NIC, static
 * addresses (and the additional ones, and routes) on the others. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "clouds.h"
#include "log.h"
#include "mdsvc.h"
#include "valid.h"

static const char *const default_urls[] = { "http://169.254.169.254", NULL };
static const char *const token[] = { "Metadata-Token: cloudinit", NULL };

static struct node *add_map(struct node *seq)
{
        struct node *m = node_new(NODE_MAP);
        return node_append(seq, m) < 0 ? NULL : m;
}

/* An address/netmask pair checked; -EINVAL, logged, when either is wrong. */
static int check_addr(const char *addr, const char *mask, const char *what)
{
        unsigned prefix;
        int family;

        if (!addr || valid_ip(addr, &family) || !mask ||
            valid_parse_netmask(mask, family == AF_INET ? 32 : 128, &prefix) < 0) {
                log_warning("Vultr: %s has no valid address and netmask; the interface is left "
                            "out",
                            what);
                return -EINVAL;
        }
        return 0;
}

/* The additional addresses of interfaces[idx] as static subnets. */
static int add_additional(struct node *subnets, const struct node *nic, size_t idx)
{
        const struct node *a4 = node_get_path(nic, "ipv4.additional");
        const struct node *a6 = node_get_path(nic, "ipv6.additional");
        char what[96], addr[96], buf[16];
        int r = 0;

        for (size_t k = 0; a4 && a4->type == NODE_SEQ && k < a4->n && r >= 0; k++) {
                const struct node *a = a4->items[k];
                struct node *s;
                (void)snprintf(what, sizeof(what), "interfaces[%zu].ipv4.additional[%zu]", idx, k);
                if (check_addr(node_get_str(a, "address"), node_get_str(a, "netmask"), what) < 0)
                        return -EINVAL;
                s = add_map(subnets);
                r = s ? md_set_str(s, "type", "static") : -ENOMEM;
                if (r >= 0)
                        r = md_set_str(s, "control", "auto");
                if (r >= 0)
                        r = md_set_str(s, "address", node_get_str(a, "address"));
                if (r >= 0)
                        r = md_set_str(s, "netmask", node_get_str(a, "netmask"));
                if (r >= 0 && node_get(a, "routes"))
                        r = node_set(s, "routes", node_copy(node_get(a, "routes")));
        }
        for (size_t k = 0; a6 && a6->type == NODE_SEQ && k < a6->n && r >= 0; k++) {
                const struct node *a = a6->items[k];
                const char *net = node_get_str(a, "network");
                const char *p = md_scalar(node_get(a, "prefix"), buf, sizeof(buf));
                struct node *s;
                (void)snprintf(addr, sizeof(addr), "%s/%s", net ? net : "", p ? p : "");
                if (!net || !p || valid_ip_prefix(addr, NULL)) {
                        log_warning("Vultr: interfaces[%zu].ipv6.additional[%zu] is no network "
                                    "and prefix; the interface is left out",
                                    idx, k);
                        return -EINVAL;
                }
                s = add_map(subnets);
                r = s ? md_set_str(s, "type", "static6") : -ENOMEM;
                if (r >= 0)
                        r = md_set_str(s, "control", "auto");
                if (r >= 0)
                        r = md_set_str(s, "address", addr);
                if (r >= 0 && node_get(a, "routes"))
                        r = node_set(s, "routes", node_copy(node_get(a, "routes")));
        }
        return r;
}

/* interfaces[idx] as a physical entry; nothing added when it is left out. */
static int add_nic(const struct ds_ctx *ctx, struct node *config, const struct node *nic,
                   size_t idx)
{
        const char *mac = node_get_str(nic, "mac");
        _cleanup_node_ struct node *e = node_new(NODE_MAP);
        struct node *subnets = node_new(NODE_SEQ), *s;
        char name[16], what[96], buf[16];
        int r;

        if (!mac || valid_mac(mac) ||
            md_ifname_by_mac(ctx->root_fd, mac, name, sizeof(name)) < 0) {
                log_warning("Vultr: no interface has the MAC of interfaces[%zu] (%s); it is left "
                            "out",
                            idx, mac && !valid_mac(mac) ? mac : "not a MAC address");
                node_free(subnets);
                return 0;
        }
        r = e ? node_set(e, "subnets", subnets) : -ENOMEM;
        if (r < 0) {
                node_free(subnets);
                return r;
        }
        r = md_set_str(e, "name", name);
        if (r >= 0)
                r = md_set_str(e, "type", "physical");
        if (r >= 0)
                r = md_set_str(e, "mac_address", mac);
        if (r >= 0 && idx == 0) {
                r = node_set(e, "accept-ra", node_new_int(1));
                s = r >= 0 ? add_map(subnets) : NULL;
                r = s ? md_set_str(s, "type", "dhcp") : -ENOMEM;
                if (r >= 0)
                        r = md_set_str(s, "control", "auto");
                s = r >= 0 ? add_map(subnets) : NULL;
                r = s ? md_set_str(s, "type", "ipv6_slaac") : -ENOMEM;
                if (r >= 0)
                        r = md_set_str(s, "control", "auto");
        } else if (r >= 0) {
                const char *a = node_get_str(node_get(nic, "ipv4"), "address");
                const char *m = node_get_str(node_get(nic, "ipv4"), "netmask");
                (void)snprintf(what, sizeof(what), "interfaces[%zu].ipv4", idx);
                if (check_addr(a, m, what) < 0)
                        return 0;
                s = add_map(subnets);
                r = s ? md_set_str(s, "type", "static") : -ENOMEM;
                if (r >= 0)
                        r = md_set_str(s, "control", "auto");
                if (r >= 0)
                        r = md_set_str(s, "address", a);
                if (r >= 0)
                        r = md_set_str(s, "netmask", m);
        }
        if (r >= 0 && node_get(nic, "mtu")) {
                const char *mtu = md_scalar(node_get(nic, "mtu"), buf, sizeof(buf));
                if (!mtu || valid_mtu(mtu)) {
                        log_warning("Vultr: interfaces[%zu].mtu is not an MTU; the interface is "
                                    "left out",
                                    idx);
                        return 0;
                }
                r = node_set(e, "mtu", node_new_str(mtu));
        }
        if (r >= 0 && node_get(nic, "accept-ra"))
                r = node_set(e, "accept-ra", node_copy(node_get(nic, "accept-ra")));
        if (r >= 0 && node_get(nic, "routes") && subnets->n > 0)
                r = node_set(subnets->items[0], "routes", node_copy(node_get(nic, "routes")));
        if (r >= 0) {
                r = add_additional(subnets, nic, idx);
                if (r == -EINVAL)
                        return 0;
        }
        if (r >= 0)
                r = node_append(config, TAKE_PTR(e));
        return r;
}

static int generate(const struct ds_ctx *ctx, const struct node *ifaces, struct node *doc)
{
        static const char *const resolvers[] = { "108.61.10.10", "2001:19f0:300:1704::6" };
        struct node *config = node_new(NODE_SEQ), *ns, *addrs;
        int r = node_set(doc, "version", node_new_int(1));

        if (r >= 0)
                r = node_set(doc, "config", config);
        else
                node_free(config);
        ns = r >= 0 ? add_map(config) : NULL;
        r = ns ? md_set_str(ns, "type", "nameserver") : -ENOMEM;
        addrs = node_new(NODE_SEQ);
        if (r >= 0)
                r = node_set(ns, "address", addrs);
        else
                node_free(addrs);
        for (size_t k = 0; k < ELEMENTSOF(resolvers) && r >= 0; k++)
                r = node_append(addrs, node_new_str(resolvers[k]));
        for (size_t k = 0; ifaces && ifaces->type == NODE_SEQ && k < ifaces->n && r >= 0; k++)
                if (k == 0 || !node_get_bool(ifaces->items[k], "unconfigured", false))
                        r = add_nic(ctx, config, ifaces->items[k], k);
        return r;
}

/* cloud_interfaces: physical entries take the name of the NIC with their MAC. */
static int name_cloud_interfaces(const struct ds_ctx *ctx, struct node *doc)
{
        struct node *config = node_get(doc, "config");
        char name[16];
        int r = 0;

        for (size_t k = 0; config && config->type == NODE_SEQ && k < config->n && r >= 0; k++) {
                struct node *e = config->items[k];
                const char *mac = node_get_str(e, "mac_address");
                if (!streq_ptr(node_get_str(e, "type"), "physical"))
                        continue;
                if (!mac || md_ifname_by_mac(ctx->root_fd, mac, name, sizeof(name)) < 0) {
                        log_warning("Vultr: no interface has the MAC of cloud_interfaces.config[%zu]; "
                                    "no network configuration from the metadata",
                                    k);
                        return -ENOENT;
                }
                r = md_set_str(e, "name", name);
        }
        return r;
}

int vultr_netcfg(const struct ds_ctx *ctx, const struct node *md, struct ds_result *res)
{
        _cleanup_node_ struct node *doc = NULL;
        int r;

        if (node_get(md, "cloud_interfaces") &&
            node_get(md, "cloud_interfaces")->type == NODE_MAP) {
                doc = node_copy(node_get(md, "cloud_interfaces"));
                r = doc ? name_cloud_interfaces(ctx, doc) : -ENOMEM;
        } else {
                doc = node_new(NODE_MAP);
                r = doc ? generate(ctx, node_get(md, "interfaces"), doc) : -ENOMEM;
        }
        if (r >= 0)
                r = md_set_netcfg(res, doc);
        /* -ENOENT: a NIC not found, logged; the fallback applies */
        return r == -ENOENT ? 0 : r;
}

static int vultr_probe(const struct ds_ctx *ctx, struct ds_result *res)
{
        _cleanup_node_ struct node *md = NULL;
        const struct node *region;
        const char *base = NULL, *s;
        char buf[256], name[DS_NET_URL_LEN + 32];
        struct ds_net n;
        int r = -ENOENT;

        if (ds_net_setup(ctx, &ds_vultr, default_urls, &n) < 0)
                return -ENOENT;
        for (size_t i = 0; i < n.nurls && r < 0; i++) {
                base = n.urls[i];
                r = md_get_json(&n, base, "v1.json", token, DS_METADATA_MAX + ctx->user_data_max * 2,
                                &md);
                if (r < 0)
                        log_warning_errno(r, "Vultr: no metadata at %s/v1.json: %m", base);
        }
        if (r < 0)
                return -ENOENT;
        s = md_scalar(node_get(md, "instance-v2-id"), buf, sizeof(buf));
        if (!s) {
                log_warning("Vultr: %s/v1.json has no instance-v2-id", base);
                return -ENOENT;
        }
        res->md = node_new(NODE_MAP);
        r = res->md ? md_set_str(res->md, "instance-id", s) : -ENOMEM;
        s = md_scalar(node_get(md, "hostname"), buf, sizeof(buf));
        if (r >= 0)
                r = md_set_str(res->md, "local-hostname", s && s[0] ? s : "guest");
        region = node_get(md, "region");
        s = md_scalar(node_get(region, "countrycode"), buf, sizeof(buf));
        if (!s)
                s = md_scalar(node_get(region, "regioncode"), buf, sizeof(buf));
        if (s) {
                for (char *c = buf; *c; c++)
                        *c = (char)(*c >= 'A' && *c <= 'Z' ? *c - 'A' + 'a' : *c);
                if (r >= 0)
                        r = md_set_str(res->md, "region", buf);
        }
        if (r >= 0 && node_get(md, "public-keys"))
                r = node_set(res->md, "public-keys", node_copy(node_get(md, "public-keys")));
        (void)snprintf(name, sizeof(name), "Vultr: %s/v1.json user-data", base);
        /* an empty list or string: no user-data */
        if (r >= 0 && node_str(node_get(md, "user-data")) && node_get(md, "user-data")->len > 0)
                r = md_take_text(node_get(md, "user-data"), ctx->user_data_max, name, &res->ud,
                                 &res->ud_len);
        (void)snprintf(name, sizeof(name), "Vultr: %s/v1.json vendor-data", base);
        if (r >= 0 && node_get(md, "vendor-data") &&
            !(node_get(md, "vendor-data")->type == NODE_SEQ && node_get(md, "vendor-data")->n == 0))
                r = md_take_text(node_get(md, "vendor-data"), ctx->user_data_max, name, &res->vd,
                                 &res->vd_len);
        if (r >= 0)
                r = vultr_netcfg(ctx, md, res);
        if (r < 0)
                return r;
        r = ds_net_result(res, "vultr", base, "v1.json");
        if (r >= 0)
                r = md_set_subplatform(res, "unknown");
        if (r >= 0)
                log_info("Vultr: instance %s from %s/v1.json", res->iid, base);
        return r;
}

const struct datasource ds_vultr = {
        .name = "Vultr",
        .local = false,
        .cloud = "vultr",
        .probe = vultr_probe,
        .ephemeral = DS_EPHEMERAL_DHCP,
};
