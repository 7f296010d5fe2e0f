/* SPDX-License-Identifier: Apache-2.0 */
/* network-config v1 and v2, OpenStack network_data.json, EC2 meta-data and
 * the fallback, into one model (see netcfg.h). */
#include <arpa/inet.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "fs.h"
#include "log.h"
#include "macro.h"
#include "netcfg.h"
#include "schema.h"
#include "valid.h"

/* Report a problem at n's position; -EINVAL. */
static int bad(const struct node *n, const char *fmt, const char *what)
{
        char pos[512];
        schema_pos(n, pos, sizeof(pos));
        log_warning("%s: network-config: %s%s", pos, fmt, what ? what : "");
        return -EINVAL;
}

/* A value that fails its typed check: reported with the key it came from and
 * why, at its position; -EINVAL. The whole document is then refused (see
 * netcfg_from_node): nothing of it is rendered. */
static int refuse(const struct node *at, const char *key, const char *value, const char *why)
{
        char pos[512];
        schema_pos(at, pos, sizeof(pos));
        log_warning("%s: network-config: %s: '%.64s' %s", pos, key, value ? value : "", why);
        return -EINVAL;
}

static void copy(char *dst, size_t size, const char *s)
{
        (void)snprintf(dst, size, "%s", s ? s : "");
}

/* a scalar's text (numbers too), or NULL */
static const char *text(const struct node *n)
{
        return n && n->type != NODE_SEQ && n->type != NODE_MAP && n->type != NODE_NULL ? n->str
                                                                                       : NULL;
}

struct nc_iface *netcfg_find(struct netcfg *cfg, const char *name)
{
        for (size_t i = 0; i < cfg->n; i++)
                if (streq(cfg->ifaces[i].name, name))
                        return &cfg->ifaces[i];
        return NULL;
}

static struct nc_iface *add_iface(struct netcfg *cfg, enum nc_kind kind, const char *name,
                                  const struct node *at)
{
        struct nc_iface *i;

        const char *why = valid_ifname(name);

        if (why) {
                refuse(at, "name", name, why);
                return NULL;
        }
        if (netcfg_find(cfg, name)) {
                bad(at, "interface defined twice: ", name);
                return NULL;
        }
        if (cfg->n >= NC_IFACES_MAX) {
                bad(at, "too many interfaces; not configured: ", name);
                return NULL;
        }
        i = &cfg->ifaces[cfg->n++];
        *i = (struct nc_iface){ .kind = kind };
        copy(i->name, sizeof(i->name), name);
        return i;
}

static int set_mac(struct nc_iface *i, const struct node *v)
{
        const char *m = text(v);
        uint8_t b[6];
        if (!m)
                return 0;
        if (valid_parse_mac(m, b) < 0)
                return refuse(v, "macaddress", m, valid_mac(m));
        (void)snprintf(i->mac, sizeof(i->mac), "%02x:%02x:%02x:%02x:%02x:%02x", b[0], b[1], b[2],
                       b[3], b[4], b[5]);
        return 0;
}

/* A list's checks: DNS servers are addresses, search domains DNS names. */
enum str_kind { STR_DNS, STR_SEARCH };

static int add_str(char (*list)[NC_TEXT_LEN], size_t *n, const struct node *v, const char *t,
                   enum str_kind kind)
{
        const char *why;
        if (!t)
                return 0;
        why = strlen(t) >= NC_TEXT_LEN ? "is longer than 63 bytes"
              : kind == STR_DNS        ? valid_ip(t, NULL)
                                       : valid_dns_name(t);
        if (why)
                return refuse(v, kind == STR_DNS ? "nameservers" : "search", t, why);
        for (size_t i = 0; i < *n; i++)
                if (streq(list[i], t))
                        return 0;
        if (*n < NC_DNS_MAX)
                copy(list[(*n)++], NC_TEXT_LEN, t);
        return 0;
}

/* a string or a list of strings (v1 allows both), or space-separated words */
static int add_strs(char (*list)[NC_TEXT_LEN], size_t *n, const struct node *v, enum str_kind kind)
{
        int r = 0;

        if (v && v->type == NODE_SEQ) {
                for (size_t i = 0; i < v->n; i++)
                        if (add_str(list, n, v->items[i], text(v->items[i]), kind) < 0)
                                r = -EINVAL;
        } else if (text(v)) {
                _cleanup_free_ char *buf = strdup(v->str);
                if (!buf)
                        return -ENOMEM;
                for (char *save = NULL, *w = strtok_r(buf, " ,", &save); w;
                     w = strtok_r(NULL, " ,", &save))
                        if (add_str(list, n, v, w, kind) < 0)
                                r = -EINVAL;
        } else if (v && v->type != NODE_NULL)
                r = bad(v, "must be a string or a list of strings", NULL);
        return r;
}

/* The prefix length of "255.255.255.0" or "24"; -1 for anything else (a
 * netmask given as a list or a mapping arrives here as NULL). */
static int prefix_of_netmask(const char *mask, unsigned max)
{
        unsigned p;
        return mask && valid_parse_netmask(mask, max, &p) >= 0 ? (int)p : -1;
}

/* An address with or without /prefix; its family, or a reason in *why. */
static int ip_family(const char *s, const char **why)
{
        int fam = 0;
        *why = strchr(s, '/') ? valid_ip_prefix(s, &fam) : valid_ip(s, &fam);
        return fam;
}

/* address (with /prefix, or with a separate netmask) */
static int add_addr(struct nc_iface *i, const struct node *addr, const struct node *mask)
{
        const char *a = text(addr), *why;
        int fam;
        if (!a)
                return addr && addr->type != NODE_NULL
                               ? bad(addr, "an address must be a string", NULL)
                               : 0;
        fam = ip_family(a, &why);
        if (why)
                return refuse(addr, "address", a, why);
        if (i->naddrs >= NC_ADDRS_MAX)
                return 0;
        if (!strchr(a, '/')) {
                int p = text(mask) ? prefix_of_netmask(mask->str, fam == AF_INET6 ? 128 : 32)
                        : mask && mask->type != NODE_NULL ? -1
                        : fam == AF_INET6                 ? 64
                                                          : 24;
                if (p < 0)
                        return refuse(mask ? mask : addr, "netmask", text(mask),
                                      "is not a netmask or prefix length");
                (void)snprintf(i->addrs[i->naddrs++], NC_TEXT_LEN, "%s/%d", a, p);
        } else
                copy(i->addrs[i->naddrs++], NC_TEXT_LEN, a);
        return 0;
}

static int add_route(struct nc_iface *i, const char *to, const struct node *via, unsigned metric,
                     const struct node *at)
{
        struct nc_route *r;
        const char *why;
        int fam, to_fam = 0;
        char dest[NC_TEXT_LEN];

        if (!text(via))
                return bad(via ? via : at, "a route needs a gateway address", NULL);
        why = valid_ip(via->str, &fam);
        if (why)
                return refuse(via, "gateway", via->str, why);
        if (streq(to, "default"))
                copy(dest, sizeof(dest), fam == AF_INET6 ? "::/0" : "0.0.0.0/0");
        else if (strchr(to, '/')) {
                why = valid_ip_prefix(to, &to_fam);
                copy(dest, sizeof(dest), to);
        } else {
                /* a bare address is a host route */
                why = valid_ip(to, &to_fam);
                (void)snprintf(dest, sizeof(dest), "%s/%d", to, to_fam == AF_INET6 ? 128 : 32);
        }
        if (why)
                return refuse(at, "to", to, why);
        if (to_fam && to_fam != fam)
                return refuse(at, "to", to, "is not of the gateway's address family");
        if (i->nroutes >= NC_ROUTES_MAX)
                return 0;
        r = &i->routes[i->nroutes++];
        copy(r->to, sizeof(r->to), dest);
        copy(r->via, sizeof(r->via), via->str);
        r->metric = metric;
        return 0;
}

/* A number by its typed check (valid_mtu, valid_metric, valid_vlan_id...):
 * 0 and *ret untouched when v is absent, -EINVAL (reported) when it fails. */
static int num(const struct node *v, const char *key, const char *(*check)(const char *),
               unsigned *ret)
{
        const char *t = text(v), *why;
        uint64_t n;

        if (!v || v->type == NODE_NULL)
                return 0;
        if (!t || v->type == NODE_BOOL)
                return refuse(v, key, "", "must be a number");
        why = check(t);
        if (why)
                return refuse(v, key, t, why);
        if (valid_parse_uint(t, 0, UINT32_MAX, &n) < 0)
                return refuse(v, key, t, "is not a number");
        *ret = (unsigned)n;
        return 0;
}

static const char *any_uint(const char *s)
{
        uint64_t n;
        return valid_parse_uint(s, 0, UINT32_MAX, &n) < 0 ? "is not a number" : NULL;
}

static const char *prefix_len(const char *s)
{
        uint64_t n;
        return valid_parse_uint(s, 0, 128, &n) < 0 ? "is not a prefix length (0 to 128)" : NULL;
}

/* A bond or bridge parameter from the closed list with a value of its type;
 * one cloudboot does not render is named and left out. */
static int add_param(struct nc_iface *i, const char *key, const struct node *v)
{
        const char *t = text(v), *why;
        bool unknown = false;

        if (!v || v->type == NODE_NULL)
                return 0;
        if (!t)
                return refuse(v, key, "", "must be a string, number or boolean");
        if (v->type == NODE_BOOL)
                t = v->b ? "true" : "false";
        why = i->kind == NC_BRIDGE ? valid_bridge_param(key, t, &unknown)
                                   : valid_bond_param(key, t, &unknown);
        if (unknown) {
                char pos[512];
                schema_pos(v, pos, sizeof(pos));
                log_warning("%s: network-config: parameters: %.64s %s; ignored", pos, key, why);
                return 0;
        }
        if (why)
                return refuse(v, key, t, why);
        if (i->nparams >= ELEMENTSOF(i->params))
                return 0;
        copy(i->params[i->nparams][0], NC_TEXT_LEN, key);
        copy(i->params[i->nparams][1], NC_TEXT_LEN, t);
        i->nparams++;
        return 0;
}

/* A member or VLAN link name. */
static int add_link(struct nc_iface *i, const struct node *at, const char *name)
{
        const char *why = valid_ifname(name);
        if (why)
                return refuse(at, "link", name, why);
        if (i->nlinks < NC_LINKS_MAX)
                copy(i->links[i->nlinks++], NC_NAME_LEN, name);
        return 0;
}

/* --- version 1 ---------------------------------------------------------- */

static int v1_subnet(struct nc_iface *i, const struct node *s)
{
        const char *type = node_get_str(s, "type");
        const struct node *routes = node_get(s, "routes");
        int r = 0;

        if (!type)
                return bad(s, "a subnet needs a type", NULL);
        if (streq(type, "dhcp") || streq(type, "dhcp4"))
                i->dhcp4 = true;
        else if (streq(type, "dhcp6") || streq(type, "ipv6_dhcpv6-stateful") ||
                 streq(type, "ipv6_dhcpv6-stateless"))
                i->dhcp6 = true;
        else if (streq(type, "ipv6_slaac"))
                i->accept_ra = true;
        else if (streq(type, "static") || streq(type, "static6")) {
                r = add_addr(i, node_get(s, "address"), node_get(s, "netmask"));
                if (r >= 0 && node_get(s, "gateway"))
                        r = add_route(i, "default", node_get(s, "gateway"), 0, s);
        } else if (!streq(type, "manual"))
                return bad(node_get(s, "type"), "unknown subnet type ", type);
        if (r < 0)
                return r;
        if (num(node_get(s, "mtu"), "mtu", valid_mtu, &i->mtu) < 0 ||
            add_strs(i->dns, &i->ndns, node_get(s, "dns_nameservers"), STR_DNS) < 0 ||
            add_strs(i->search, &i->nsearch, node_get(s, "dns_search"), STR_SEARCH) < 0)
                return -EINVAL;
        for (size_t k = 0; routes && routes->type == NODE_SEQ && k < routes->n && r >= 0; k++) {
                const struct node *rt = routes->items[k];
                const char *net = text(node_get(rt, "network")) ? text(node_get(rt, "network"))
                                                                : text(node_get(rt, "destination"));
                char to[NC_TEXT_LEN];
                unsigned metric = 0, prefix = 0;
                if (!net)
                        return bad(rt, "a route needs a network", NULL);
                if (strlen(net) >= NC_TEXT_LEN - 5)
                        return refuse(rt, "network", net, "is too long");
                if (!strchr(net, '/') && node_get(rt, "netmask")) {
                        int p = prefix_of_netmask(text(node_get(rt, "netmask")),
                                                  strchr(net, ':') ? 128 : 32);
                        if (p < 0)
                                return refuse(node_get(rt, "netmask"), "netmask",
                                              text(node_get(rt, "netmask")),
                                              "is not a netmask or prefix length");
                        (void)snprintf(to, sizeof(to), "%s/%d", net, p);
                } else if (!strchr(net, '/') && node_get(rt, "prefix")) {
                        if (num(node_get(rt, "prefix"), "prefix", prefix_len, &prefix) < 0)
                                return -EINVAL;
                        (void)snprintf(to, sizeof(to), "%s/%u", net, prefix);
                } else
                        copy(to, sizeof(to), net);
                if (num(node_get(rt, "metric"), "metric", valid_metric, &metric) < 0)
                        return -EINVAL;
                r = add_route(i, to, node_get(rt, "gateway"), metric, rt);
        }
        return r;
}

static int v1_links(struct nc_iface *i, const struct node *list)
{
        int r = 0;
        for (size_t k = 0; list && list->type == NODE_SEQ && k < list->n; k++)
                if (!text(list->items[k]))
                        r = bad(list->items[k], "an interface name must be a string", NULL);
                else if (add_link(i, list->items[k], list->items[k]->str) < 0)
                        r = -EINVAL;
        return r;
}

static int v1(const struct node *config, struct netcfg *cfg)
{
        int r = 0;

        if (!config || config->type != NODE_SEQ)
                return bad(config, "version 1 needs a config list", NULL);
        for (size_t k = 0; k < config->n; k++) {
                const struct node *e = config->items[k], *subnets = node_get(e, "subnets");
                const char *type = node_get_str(e, "type"), *name = text(node_get(e, "name"));
                struct nc_iface *i = NULL;

                if (!type) {
                        r = bad(e, "a config entry needs a type", NULL);
                        continue;
                }
                if (streq(type, "nameserver")) {
                        if (add_strs(cfg->dns, &cfg->ndns, node_get(e, "address"), STR_DNS) < 0 ||
                            add_strs(cfg->search, &cfg->nsearch, node_get(e, "search"),
                                     STR_SEARCH) < 0)
                                r = -EINVAL;
                        continue;
                }
                if (streq(type, "route"))
                        continue; /* global routes: after the interfaces, below */
                if (streq(type, "physical")) {
                        i = add_iface(cfg, NC_PHYSICAL, name,
                                      node_get(e, "name") ? node_get(e, "name") : e);
                        if (i && set_mac(i, node_get(e, "mac_address")) < 0)
                                i = NULL, r = -EINVAL;
                        if (i)
                                i->rename = i->mac[0] != 0;
                } else if (streq(type, "bond")) {
                        const struct node *p = node_get(e, "params");
                        i = add_iface(cfg, NC_BOND, name,
                                      node_get(e, "name") ? node_get(e, "name") : e);
                        if (i && (v1_links(i, node_get(e, "bond_interfaces")) < 0 ||
                                  set_mac(i, node_get(e, "mac_address")) < 0))
                                r = -EINVAL;
                        if (i) {
                                /* bond-mode → mode, bond-miimon → mii-monitor-interval, ... */
                                static const char *const map[][2] = {
                                        { "bond-mode", "mode" },
                                        { "bond-miimon", "mii-monitor-interval" },
                                        { "bond-lacp-rate", "lacp-rate" },
                                        { "bond-xmit-hash-policy", "transmit-hash-policy" },
                                        { "bond-xmit_hash_policy", "transmit-hash-policy" },
                                        { "bond-primary", "primary" },
                                };
                                for (size_t m = 0; m < ELEMENTSOF(map); m++)
                                        if (add_param(i, map[m][1], node_get(p, map[m][0])) < 0)
                                                r = -EINVAL;
                        }
                } else if (streq(type, "bridge")) {
                        const struct node *p = node_get(e, "params");
                        i = add_iface(cfg, NC_BRIDGE, name,
                                      node_get(e, "name") ? node_get(e, "name") : e);
                        if (i && (v1_links(i, node_get(e, "bridge_interfaces")) < 0 ||
                                  add_param(i, "stp", node_get(p, "bridge_stp")) < 0 ||
                                  add_param(i, "forward-delay", node_get(p, "bridge_fd")) < 0 ||
                                  add_param(i, "priority", node_get(p, "bridge_bridgeprio")) < 0))
                                r = -EINVAL;
                } else if (streq(type, "vlan")) {
                        i = add_iface(cfg, NC_VLAN, name,
                                      node_get(e, "name") ? node_get(e, "name") : e);
                        if (i) {
                                if (num(node_get(e, "vlan_id"), "vlan_id", valid_vlan_id,
                                        &i->vlan_id) < 0)
                                        r = -EINVAL;
                                else if (text(node_get(e, "vlan_link")) &&
                                         add_link(i, node_get(e, "vlan_link"),
                                                  node_get(e, "vlan_link")->str) < 0)
                                        r = -EINVAL;
                                else if (!i->vlan_id || !i->nlinks)
                                        r = bad(e, "a vlan needs vlan_id and vlan_link", NULL);
                        }
                } else {
                        r = bad(node_get(e, "type"), "unknown config type ", type);
                        continue;
                }
                if (!i) {
                        r = -EINVAL;
                        continue;
                }
                if (num(node_get(e, "mtu"), "mtu", valid_mtu, &i->mtu) < 0)
                        r = -EINVAL;
                for (size_t s = 0; subnets && subnets->type == NODE_SEQ && s < subnets->n; s++)
                        if (v1_subnet(i, subnets->items[s]) < 0)
                                r = -EINVAL;
        }
        /* global routes go to the interface whose subnet holds the gateway:
         * simplest faithful choice is the first interface with a static address */
        for (size_t k = 0; k < config->n; k++) {
                const struct node *e = config->items[k];
                if (!streq_ptr(node_get_str(e, "type"), "route"))
                        continue;
                struct nc_iface *target = NULL;
                for (size_t j = 0; j < cfg->n && !target; j++)
                        if (cfg->ifaces[j].naddrs || cfg->ifaces[j].dhcp4)
                                target = &cfg->ifaces[j];
                if (!target) {
                        r = bad(e, "a route with no interface to carry it", NULL);
                        continue;
                }
                const char *dst = text(node_get(e, "destination"))
                                          ? text(node_get(e, "destination"))
                                          : text(node_get(e, "network"));
                unsigned metric = 0;
                if (num(node_get(e, "metric"), "metric", valid_metric, &metric) < 0 ||
                    add_route(target, dst ? dst : "default", node_get(e, "gateway"), metric, e) < 0)
                        r = -EINVAL;
        }
        return r;
}

/* --- version 2 ---------------------------------------------------------- */

static int v2_common(struct nc_iface *i, const struct node *d)
{
        const struct node *addrs = node_get(d, "addresses"), *routes = node_get(d, "routes");
        const struct node *ns = node_get(d, "nameservers");
        int r = 0;

        i->dhcp4 = node_get_bool(d, "dhcp4", false);
        i->dhcp6 = node_get_bool(d, "dhcp6", false);
        if (num(node_get(d, "mtu"), "mtu", valid_mtu, &i->mtu) < 0)
                return -EINVAL;
        for (size_t k = 0; addrs && addrs->type == NODE_SEQ && k < addrs->n && r >= 0; k++)
                r = add_addr(i, addrs->items[k], NULL);
        if (r >= 0 && node_get(d, "gateway4"))
                r = add_route(i, "default", node_get(d, "gateway4"), 0, d);
        if (r >= 0 && node_get(d, "gateway6"))
                r = add_route(i, "default", node_get(d, "gateway6"), 0, d);
        for (size_t k = 0; routes && routes->type == NODE_SEQ && k < routes->n && r >= 0; k++) {
                const struct node *rt = routes->items[k];
                const char *to = text(node_get(rt, "to"));
                unsigned metric = 0;
                if (!to)
                        return bad(rt, "a route needs 'to'", NULL);
                if (num(node_get(rt, "metric"), "metric", valid_metric, &metric) < 0 ||
                    num(node_get(rt, "table"), "table", valid_route_table, &(unsigned){ 0 }) < 0)
                        return -EINVAL;
                r = add_route(i, to, node_get(rt, "via"), metric, rt);
        }
        if (r >= 0 && (add_strs(i->dns, &i->ndns, node_get(ns, "addresses"), STR_DNS) < 0 ||
                       add_strs(i->search, &i->nsearch, node_get(ns, "search"), STR_SEARCH) < 0))
                r = -EINVAL;
        return r;
}

/* v2 members are ids: the interfaces' names are what the renderers need */
static const char *v2_name_of(const struct node *net, const char *id)
{
        static const char *const sections[] = { "ethernets", "bonds", "bridges", "vlans" };
        for (size_t s = 0; s < ELEMENTSOF(sections); s++) {
                const struct node *d = node_get(node_get(net, sections[s]), id);
                if (!d)
                        continue;
                if (node_get_str(d, "set-name"))
                        return node_get_str(d, "set-name");
                const char *mn = node_get_str(node_get(d, "match"), "name");
                if (mn && !strpbrk(mn, "*?["))
                        return mn;
                return id;
        }
        return id;
}

static int v2(const struct node *net, struct netcfg *cfg)
{
        static const struct {
                const char *section;
                enum nc_kind kind;
        } sections[] = { { "ethernets", NC_PHYSICAL },
                         { "bonds", NC_BOND },
                         { "bridges", NC_BRIDGE },
                         { "vlans", NC_VLAN } };
        int r = 0;

        for (size_t s = 0; s < ELEMENTSOF(sections); s++) {
                const struct node *sec = node_get(net, sections[s].section);
                if (!sec)
                        continue;
                if (sec->type != NODE_MAP) {
                        r = bad(sec, "must be a mapping: ", sections[s].section);
                        continue;
                }
                for (size_t k = 0; k + 1 < sec->n; k += 2) {
                        const char *id = sec->items[k]->str;
                        const struct node *d = sec->items[k + 1], *match = node_get(d, "match");
                        struct nc_iface *i = add_iface(cfg, sections[s].kind, v2_name_of(net, id),
                                                       sec->items[k]);
                        if (!i) {
                                r = -EINVAL;
                                continue;
                        }
                        if (match) {
                                if (set_mac(i, node_get(match, "macaddress")) < 0)
                                        r = -EINVAL;
                                const char *mn = node_get_str(match, "name");
                                const char *why = mn ? valid_ifname_pattern(mn) : NULL;
                                if (why)
                                        r = refuse(node_get(match, "name"), "name", mn, why);
                                else if (mn)
                                        copy(i->match_name, sizeof(i->match_name), mn);
                                i->rename = node_get_str(d, "set-name") && i->mac[0];
                        } else if (set_mac(i, node_get(d, "macaddress")) < 0)
                                r = -EINVAL;
                        if (v2_common(i, d) < 0)
                                r = -EINVAL;
                        const struct node *p = node_get(d, "parameters");
                        for (size_t q = 0; p && p->type == NODE_MAP && q + 1 < p->n; q += 2)
                                if (add_param(i, p->items[q]->str, p->items[q + 1]) < 0)
                                        r = -EINVAL;
                        if (sections[s].kind == NC_VLAN) {
                                const struct node *l = node_get(d, "link");
                                if (num(node_get(d, "id"), "id", valid_vlan_id, &i->vlan_id) < 0)
                                        r = -EINVAL;
                                else if (text(l) && add_link(i, l, v2_name_of(net, l->str)) < 0)
                                        r = -EINVAL;
                                else if (!i->vlan_id || !i->nlinks)
                                        r = bad(sec->items[k], "a vlan needs id and link", NULL);
                        } else {
                                const struct node *m = node_get(d, "interfaces");
                                for (size_t q = 0; m && m->type == NODE_SEQ && q < m->n; q++)
                                        if (!text(m->items[q]) ||
                                            add_link(i, m->items[q],
                                                     v2_name_of(net, m->items[q]->str)) < 0)
                                                r = -EINVAL;
                        }
                }
        }
        return r;
}

/* members know their bond or bridge */
static int link_members(struct netcfg *cfg)
{
        for (size_t k = 0; k < cfg->n; k++) {
                struct nc_iface *i = &cfg->ifaces[k];
                if (i->kind != NC_BOND && i->kind != NC_BRIDGE)
                        continue;
                for (size_t m = 0; m < i->nlinks; m++) {
                        struct nc_iface *member = netcfg_find(cfg, i->links[m]);
                        if (!member) {
                                log_warning("network-config: %s names member %s, which is not "
                                            "defined",
                                            i->name, i->links[m]);
                                return -EINVAL;
                        }
                        copy(member->master, sizeof(member->master), i->name);
                }
        }
        for (size_t k = 0; k < cfg->n; k++)
                if (cfg->ifaces[k].kind == NC_VLAN && !netcfg_find(cfg, cfg->ifaces[k].links[0])) {
                        log_warning("network-config: vlan %s is on %s, which is not defined",
                                    cfg->ifaces[k].name, cfg->ifaces[k].links[0]);
                        return -EINVAL;
                }
        return 0;
}

int netcfg_from_node(const struct node *doc, struct netcfg *cfg)
{
        const struct node *net = node_get(doc, "network") ? node_get(doc, "network") : doc;
        const struct node *ver;
        int r;

        if (!net || net->type != NODE_MAP)
                return bad(doc, "not a mapping", NULL);
        if (streq_ptr(text(node_get(net, "config")), "disabled"))
                return -ENOENT;
        ver = node_get(net, "version");
        if (!ver || ver->type != NODE_INT || (ver->i != 1 && ver->i != 2))
                return bad(ver ? ver : net, "version must be 1 or 2", NULL);
        r = ver->i == 1 ? v1(node_get(net, "config"), cfg) : v2(net, cfg);
        if (r >= 0)
                r = link_members(cfg);
        if (r < 0)
                /* one bad value refuses the whole document: a partial network
                 * configuration (a bond without a member, a NIC without its
                 * route) can cut the machine off as surely as a wrong one */
                log_warning("%s: refused as a whole; nothing of it is rendered",
                            cfg->source[0] ? cfg->source : "network-config");
        return r;
}

/* --- OpenStack network_data.json ---------------------------------------- */

/* A link's id and the interface name it gets, as cloud-init's convert_net_json
 * names them: its "name" when given; a bond "bond<N>" in order; a VLAN
 * "<its link's name>.<vlan_id>"; any other (phy, ovs, vif, tap...) its id,
 * shortened to fit, until netcfg_resolve_names gives it the name the system
 * has for its MAC. */
struct os_link {
        const struct node *l;
        const char *id;
        char name[NC_NAME_LEN];
};

static const char *os_name_of(const struct os_link *map, size_t n, const char *id)
{
        for (size_t k = 0; id && k < n; k++)
                if (streq(map[k].id, id))
                        return map[k].name;
        return NULL;
}

/* OpenStack's bond_* keys in cloudboot's (netplan's) names */
static int os_bond_params(struct nc_iface *i, const struct node *l)
{
        static const struct {
                const char *os, *nc;
        } names[] = { { "bond_mode", "mode" },
                      { "bond_miimon", "mii-monitor-interval" },
                      { "bond_lacp_rate", "lacp-rate" },
                      { "bond_xmit_hash_policy", "transmit-hash-policy" },
                      { "bond_primary", "primary" } };

        for (size_t k = 0; l->type == NODE_MAP && k + 1 < l->n; k += 2) {
                const char *key = l->items[k]->str, *nc = NULL;
                char other[NC_TEXT_LEN];
                if (!key || strncmp(key, "bond", 4) != 0 || streq(key, "bond_links"))
                        continue;
                for (size_t q = 0; q < ELEMENTSOF(names) && !nc; q++)
                        if (streq(key, names[q].os))
                                nc = names[q].nc;
                if (!nc) {
                        /* named as cloud-init's v1 names it, then reported unknown */
                        (void)snprintf(other, sizeof(other), "bond-%.50s",
                                       strncmp(key, "bond_", 5) ? key + 4 : key + 5);
                        nc = other;
                }
                if (add_param(i, nc, l->items[k + 1]) < 0)
                        return -EINVAL;
        }
        return 0;
}

static int os_name_links(const struct node *links, struct os_link *map, size_t *ret_n)
{
        unsigned bonds = 0;
        size_t n = 0;

        for (size_t k = 0; links && links->type == NODE_SEQ && k < links->n; k++) {
                const struct node *l = links->items[k];
                const char *id = node_get_str(l, "id"), *name = node_get_str(l, "name");
                const char *type = node_get_str(l, "type");
                if (!id)
                        continue;
                if (n >= NC_IFACES_MAX)
                        return bad(l, "too many links", NULL);
                map[n] = (struct os_link){ .l = l, .id = id };
                if (name && strlen(name) >= NC_NAME_LEN)
                        return refuse(node_get(l, "name"), "name", name, "is too long");
                if (name)
                        copy(map[n].name, NC_NAME_LEN, name);
                else if (streq_ptr(type, "bond"))
                        (void)snprintf(map[n].name, NC_NAME_LEN, "bond%u", bonds);
                else if (!streq_ptr(type, "vlan"))
                        (void)snprintf(map[n].name, NC_NAME_LEN, "%.15s", id);
                bonds += streq_ptr(type, "bond");
                n++;
        }
        /* VLANs: named after their link, once every other link has its name */
        for (size_t k = 0; k < n; k++) {
                const struct node *l = map[k].l;
                const char *link = node_get_str(l, "vlan_link");
                const char *lname = os_name_of(map, n, link);
                const char *vid = text(node_get(l, "vlan_id"));
                size_t room;
                if (!streq_ptr(node_get_str(l, "type"), "vlan") || map[k].name[0])
                        continue;
                if (!lname || !lname[0])
                        return bad(l, "vlan_link names no link: ", link ? link : "(none)");
                if (!vid || valid_vlan_id(vid))
                        return refuse(node_get(l, "vlan_id") ? node_get(l, "vlan_id") : l,
                                      "vlan_id", vid, vid ? valid_vlan_id(vid) : "is missing");
                /* "<link>.<id>" within IFNAMSIZ: the link's part shortened */
                room = NC_NAME_LEN - 2 - strlen(vid);
                (void)snprintf(map[k].name, NC_NAME_LEN, "%.*s.%s", (int)room, lname, vid);
        }
        *ret_n = n;
        return 0;
}

/* DNS servers of a network and of its routes (services of type dns) */
static int os_network_dns(struct nc_iface *i, const struct node *net)
{
        const struct node *routes = node_get(net, "routes");
        const struct node *lists[1 + NC_ROUTES_MAX] = { node_get(net, "services") };
        size_t nl = 1;

        for (size_t q = 0; routes && routes->type == NODE_SEQ && q < routes->n && nl < 1 + NC_ROUTES_MAX; q++)
                lists[nl++] = node_get(routes->items[q], "services");
        for (size_t q = 0; q < nl; q++)
                for (size_t k = 0; lists[q] && lists[q]->type == NODE_SEQ && k < lists[q]->n; k++) {
                        const struct node *sv = lists[q]->items[k];
                        if (streq_ptr(node_get_str(sv, "type"), "dns") &&
                            add_str(i->dns, &i->ndns, node_get(sv, "address"),
                                    text(node_get(sv, "address")), STR_DNS) < 0)
                                return -EINVAL;
                }
        return 0;
}

int netcfg_from_openstack(const struct node *nd, struct netcfg *cfg)
{
        const struct node *links = node_get(nd, "links"), *nets = node_get(nd, "networks");
        const struct node *services = node_get(nd, "services");
        struct os_link map[NC_IFACES_MAX];
        size_t nmap = 0;

        if (os_name_links(links, map, &nmap) < 0)
                return -EINVAL;
        for (size_t k = 0; k < nmap; k++) {
                const struct node *l = map[k].l;
                const char *type = node_get_str(l, "type");
                struct nc_iface *i;

                if (streq_ptr(type, "vlan")) {
                        i = add_iface(cfg, NC_VLAN, map[k].name, l);
                        if (!i ||
                            num(node_get(l, "vlan_id"), "vlan_id", valid_vlan_id, &i->vlan_id) <
                                    0 ||
                            add_link(i, l, os_name_of(map, nmap, node_get_str(l, "vlan_link"))) <
                                    0 ||
                            set_mac(i, node_get(l, "vlan_mac_address")) < 0)
                                return -EINVAL;
                } else if (streq_ptr(type, "bond")) {
                        const struct node *members = node_get(l, "bond_links");
                        i = add_iface(cfg, NC_BOND, map[k].name, l);
                        if (!i || os_bond_params(i, l) < 0)
                                return -EINVAL;
                        for (size_t q = 0; members && members->type == NODE_SEQ && q < members->n;
                             q++) {
                                const char *m = os_name_of(map, nmap, text(members->items[q]));
                                if (!m)
                                        return bad(members->items[q],
                                                   "bond_links names no link: ",
                                                   text(members->items[q]));
                                if (add_link(i, members->items[q], m) < 0)
                                        return -EINVAL;
                        }
                } else {
                        if (type && !streq(type, "phy") && !streq(type, "ovs") &&
                            !streq(type, "vif") && !streq(type, "tap") && !streq(type, "bridge") &&
                            !streq(type, "ethernet") && !streq(type, "hw_veb") &&
                            !streq(type, "hyperv") && !streq(type, "vhostuser") &&
                            !streq(type, "vrouter") && !streq(type, "tun") && !streq(type, "dvs") &&
                            !streq(type, "macvtap") && !streq(type, "infiniband"))
                                log_warning("network_data.json: unknown link type %.32s (%s); "
                                            "treated as physical",
                                            type, map[k].id);
                        i = add_iface(cfg, NC_PHYSICAL, map[k].name, l);
                        if (!i)
                                return -EINVAL;
                }
                if ((!streq_ptr(type, "vlan") &&
                     set_mac(i, node_get(l, "ethernet_mac_address")) < 0) ||
                    num(node_get(l, "mtu"), "mtu", valid_mtu, &i->mtu) < 0)
                        return -EINVAL;
        }
        for (size_t k = 0; nets && nets->type == NODE_SEQ && k < nets->n; k++) {
                const struct node *n = nets->items[k];
                const char *type = node_get_str(n, "type");
                const char *name = os_name_of(map, nmap, node_get_str(n, "link"));
                struct nc_iface *i = name ? netcfg_find(cfg, name) : NULL;
                if (!i || !type)
                        continue;
                if (streq(type, "ipv4_dhcp"))
                        i->dhcp4 = true;
                else if (streq(type, "ipv6_dhcp") || streq(type, "ipv6_dhcpv6-stateful"))
                        i->dhcp6 = i->accept_ra = true; /* cloud-init enables accept-ra too */
                else if (streq(type, "ipv6_slaac") || streq(type, "ipv6_dhcpv6-stateless"))
                        i->accept_ra = true;
                else if (streq(type, "ipv4") || streq(type, "ipv6") || streq(type, "static") ||
                         streq(type, "static6")) {
                        const struct node *routes = node_get(n, "routes");
                        if (add_addr(i, node_get(n, "ip_address"), node_get(n, "netmask")) < 0)
                                return -EINVAL;
                        for (size_t q = 0; routes && routes->type == NODE_SEQ && q < routes->n;
                             q++) {
                                const struct node *rt = routes->items[q];
                                char to[NC_TEXT_LEN];
                                const char *net = text(node_get(rt, "network"));
                                int p = text(node_get(rt, "netmask"))
                                                ? prefix_of_netmask(node_get(rt, "netmask")->str,
                                                                    net && strchr(net, ':') ? 128
                                                                                            : 32)
                                                : 0;
                                if (p < 0)
                                        return refuse(node_get(rt, "netmask"), "netmask",
                                                      text(node_get(rt, "netmask")),
                                                      "is not a netmask or prefix length");
                                if (net && strlen(net) >= NC_TEXT_LEN - 5)
                                        return refuse(rt, "network", net, "is too long");
                                (void)snprintf(to, sizeof(to), "%s/%d", net ? net : "0.0.0.0", p);
                                if (add_route(i,
                                              streq(to, "0.0.0.0/0") || streq(to, "::/0")
                                                      ? "default"
                                                      : to,
                                              node_get(rt, "gateway"), 0, rt) < 0)
                                        return -EINVAL;
                        }
                }
                if (os_network_dns(i, n) < 0)
                        return -EINVAL;
        }
        for (size_t k = 0; services && services->type == NODE_SEQ && k < services->n; k++)
                if (streq_ptr(node_get_str(services->items[k], "type"), "dns") &&
                    add_str(cfg->dns, &cfg->ndns, node_get(services->items[k], "address"),
                            text(node_get(services->items[k], "address")), STR_DNS) < 0)
                        return -EINVAL;
        return link_members(cfg);
}

/* --- EC2 ------------------------------------------------------------------ */

int netcfg_from_ec2(const struct node *md, struct netcfg *cfg)
{
        const struct node *macs = node_get_path(md, "network.interfaces.macs");

        for (size_t k = 0; macs && macs->type == NODE_MAP && k + 1 < macs->n; k += 2) {
                const struct node *m = macs->items[k + 1];
                unsigned dev = 1;
                char name[NC_NAME_LEN];
                struct nc_iface *i;
                struct node mac = { .type = NODE_STR,
                                    .str = macs->items[k]->str,
                                    .len = macs->items[k]->len };

                /* device-number 0 is the primary NIC: DHCP there, as cloud-init
                 * configures EC2 by default */
                if (num(node_get(m, "device-number"), "device-number", any_uint, &dev) < 0 ||
                    dev != 0)
                        continue;
                (void)snprintf(name, sizeof(name), "eth%u", dev);
                i = add_iface(cfg, NC_PHYSICAL, name, m);
                if (!i || set_mac(i, &mac) < 0)
                        return -EINVAL;
                i->dhcp4 = true;
                i->dhcp6 = node_get(m, "ipv6s") != NULL;
        }
        return cfg->n ? 0 : -ENOENT;
}

/* --- fallback --------------------------------------------------------- */

int netcfg_fallback(int root_fd, struct netcfg *cfg)
{
        char **names = NULL, best[NC_NAME_LEN] = "", best_mac[18] = "", path[256];
        size_t n = 0;
        long best_index = 0;
        int r;

        r = fs_list_dir(root_fd, "/sys/class/net", NULL, 1024, &names, &n);
        if (r < 0)
                return -ENOENT;
        for (size_t k = 0; k < n; k++) {
                _cleanup_free_ char *idx = NULL, *mac = NULL, *type = NULL;
                if (streq(names[k], "lo") || strlen(names[k]) >= NC_NAME_LEN)
                        continue;
                /* physical: it has a device; not wireless */
                (void)snprintf(path, sizeof(path), "/sys/class/net/%s/device", names[k]);
                if (!fs_exists(root_fd, path))
                        continue;
                (void)snprintf(path, sizeof(path), "/sys/class/net/%s/wireless", names[k]);
                if (fs_exists(root_fd, path))
                        continue;
                (void)snprintf(path, sizeof(path), "/sys/class/net/%s/phy80211", names[k]);
                if (fs_exists(root_fd, path))
                        continue;
                (void)snprintf(path, sizeof(path), "/sys/class/net/%s/type", names[k]);
                if (fs_read_line(root_fd, path, &type) >= 0 && !streq(type, "1"))
                        continue; /* not Ethernet (ARPHRD_ETHER) */
                (void)snprintf(path, sizeof(path), "/sys/class/net/%s/ifindex", names[k]);
                if (fs_read_line(root_fd, path, &idx) < 0)
                        continue;
                (void)snprintf(path, sizeof(path), "/sys/class/net/%s/address", names[k]);
                if (fs_read_line(root_fd, path, &mac) < 0)
                        continue;
                uint64_t index;
                if (valid_parse_uint(idx, 0, INT32_MAX, &index) < 0 || valid_ifname(names[k]))
                        continue;
                if (!best[0] || (long)index < best_index) {
                        best_index = (long)index;
                        copy(best, sizeof(best), names[k]);
                        copy(best_mac, sizeof(best_mac), mac);
                }
        }
        fs_list_free(names, n);
        if (!best[0])
                return -ENOENT;
        struct nc_iface *i = add_iface(cfg, NC_PHYSICAL, best, NULL);
        struct node mac = { .type = NODE_STR, .str = best_mac, .len = strlen(best_mac) };
        if (!i || set_mac(i, &mac) < 0)
                return -EINVAL;
        i->rename = true;
        i->dhcp4 = true;
        copy(cfg->source, sizeof(cfg->source), "fallback");
        return 0;
}

void netcfg_resolve_names(int root_fd, struct netcfg *cfg)
{
        char **names = NULL, path[256];
        size_t n = 0;

        if (fs_list_dir(root_fd, "/sys/class/net", NULL, 1024, &names, &n) < 0)
                return;
        for (size_t k = 0; k < cfg->n; k++) {
                struct nc_iface *i = &cfg->ifaces[k];
                char old[NC_NAME_LEN];
                if (i->kind != NC_PHYSICAL || !i->mac[0] || i->rename)
                        continue;
                for (size_t j = 0; j < n; j++) {
                        _cleanup_free_ char *mac = NULL;
                        (void)snprintf(path, sizeof(path), "/sys/class/net/%s/address", names[j]);
                        if (fs_read_line(root_fd, path, &mac) < 0 || strcasecmp(mac, i->mac) != 0 ||
                            valid_ifname(names[j]) || netcfg_find(cfg, names[j]))
                                continue;
                        copy(old, sizeof(old), i->name);
                        copy(i->name, sizeof(i->name), names[j]);
                        for (size_t q = 0; q < cfg->n; q++) {
                                struct nc_iface *o = &cfg->ifaces[q];
                                for (size_t l = 0; l < o->nlinks; l++)
                                        if (streq(o->links[l], old))
                                                copy(o->links[l], NC_NAME_LEN, names[j]);
                        }
                        break;
                }
        }
        fs_list_free(names, n);
}

/* Every value of the model by its type, as the renderers need it: what a
 * document gave was checked where it was read; this holds for a model built
 * any other way too, and makes the renderers refuse rather than write a
 * line a value could split. */
int netcfg_check(const struct netcfg *cfg)
{
#define CHECK(what, key, v)                                                                        \
        do {                                                                                       \
                const char *why_ = (what);                                                         \
                if (why_) {                                                                        \
                        log_warning("network configuration: %s: '%.64s' %s; nothing is rendered",  \
                                    key, v, why_);                                                 \
                        return -EINVAL;                                                            \
                }                                                                                  \
        } while (0)
        for (size_t d = 0; d < cfg->ndns; d++)
                CHECK(valid_ip(cfg->dns[d], NULL), "nameservers", cfg->dns[d]);
        for (size_t d = 0; d < cfg->nsearch; d++)
                CHECK(valid_dns_name(cfg->search[d]), "search", cfg->search[d]);
        for (size_t k = 0; k < cfg->n; k++) {
                const struct nc_iface *i = &cfg->ifaces[k];
                char n[16];
                CHECK(valid_ifname(i->name), "name", i->name);
                if (i->mac[0])
                        CHECK(valid_mac(i->mac), "macaddress", i->mac);
                if (i->match_name[0])
                        CHECK(valid_ifname_pattern(i->match_name), "match", i->match_name);
                if (i->master[0])
                        CHECK(valid_ifname(i->master), "master", i->master);
                (void)snprintf(n, sizeof(n), "%u", i->mtu);
                if (i->mtu)
                        CHECK(valid_mtu(n), "mtu", n);
                (void)snprintf(n, sizeof(n), "%u", i->vlan_id);
                if (i->kind == NC_VLAN)
                        CHECK(valid_vlan_id(n), "id", n);
                for (size_t a = 0; a < i->naddrs; a++)
                        CHECK(valid_ip_prefix(i->addrs[a], NULL), "address", i->addrs[a]);
                for (size_t r = 0; r < i->nroutes; r++) {
                        CHECK(valid_ip_prefix(i->routes[r].to, NULL), "to", i->routes[r].to);
                        CHECK(valid_ip(i->routes[r].via, NULL), "via", i->routes[r].via);
                }
                for (size_t d = 0; d < i->ndns; d++)
                        CHECK(valid_ip(i->dns[d], NULL), "nameservers", i->dns[d]);
                for (size_t d = 0; d < i->nsearch; d++)
                        CHECK(valid_dns_name(i->search[d]), "search", i->search[d]);
                for (size_t l = 0; l < i->nlinks; l++)
                        CHECK(valid_ifname(i->links[l]), "link", i->links[l]);
                if (i->kind == NC_VLAN && i->nlinks < 1)
                        CHECK("has no link", "name", i->name);
                for (size_t p = 0; p < i->nparams; p++) {
                        bool unknown;
                        CHECK(i->kind == NC_BRIDGE ? valid_bridge_param(i->params[p][0],
                                                                        i->params[p][1], &unknown)
                                                   : valid_bond_param(i->params[p][0],
                                                                      i->params[p][1], &unknown),
                              i->params[p][0], i->params[p][1]);
                }
        }
#undef CHECK
        return 0;
}
