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

/* Report a problem at n's position; -EINVAL. */
static int bad(const struct node *n, const char *fmt, const char *what)
{
        char pos[512];
        schema_pos(n, pos, sizeof(pos));
        log_warning("%s: network-config: %s%s", pos, fmt, what ? what : "");
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

        if (!name || !name[0] || strlen(name) >= NC_NAME_LEN || strchr(name, '/')) {
                bad(at, "an interface name of 1 to 15 characters (no '/') is needed: ",
                    name ? name : "none given");
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
        unsigned b[6];
        char tail;
        if (!m)
                return 0;
        if (sscanf(m, "%2x:%2x:%2x:%2x:%2x:%2x%c", &b[0], &b[1], &b[2], &b[3], &b[4], &b[5],
                   &tail) != 6)
                return bad(v, "not a MAC address: ", m);
        (void)snprintf(i->mac, sizeof(i->mac), "%02x:%02x:%02x:%02x:%02x:%02x", b[0], b[1], b[2],
                       b[3], b[4], b[5]);
        return 0;
}

static int add_str(char (*list)[NC_TEXT_LEN], size_t *n, const struct node *v)
{
        const char *t = text(v);
        if (!t)
                return 0;
        for (size_t i = 0; i < *n; i++)
                if (streq(list[i], t))
                        return 0;
        if (*n < NC_DNS_MAX)
                copy(list[(*n)++], NC_TEXT_LEN, t);
        return 0;
}

/* a string or a list of strings (v1 allows both), or space-separated words */
static void add_strs(char (*list)[NC_TEXT_LEN], size_t *n, const struct node *v)
{
        if (v && v->type == NODE_SEQ) {
                for (size_t i = 0; i < v->n; i++)
                        (void)add_str(list, n, v->items[i]);
        } else if (text(v)) {
                char buf[512];
                copy(buf, sizeof(buf), v->str);
                for (char *save = NULL, *w = strtok_r(buf, " ,", &save); w;
                     w = strtok_r(NULL, " ,", &save)) {
                        struct node tmp = { .type = NODE_STR, .str = w, .len = strlen(w) };
                        (void)add_str(list, n, &tmp);
                }
        }
}

/* The prefix length of "255.255.255.0" or "24"; -1 for anything else (a
 * netmask given as a list or a mapping arrives here as NULL). */
static int prefix_of_netmask(const char *mask)
{
        struct in_addr a;
        uint32_t m;
        int p = 0;

        if (!mask)
                return -1;
        if (!strchr(mask, '.'))
                return atoi(mask);
        if (inet_pton(AF_INET, mask, &a) != 1)
                return -1;
        m = ntohl(a.s_addr);
        while (m & 0x80000000u) {
                p++;
                m <<= 1;
        }
        return m ? -1 : p;
}

static bool is_ip(const char *s)
{
        char buf[NC_TEXT_LEN], *slash;
        unsigned char b[16];
        copy(buf, sizeof(buf), s);
        slash = strchr(buf, '/');
        if (slash)
                *slash = 0;
        return inet_pton(AF_INET, buf, b) == 1 || inet_pton(AF_INET6, buf, b) == 1;
}

/* address (with /prefix, or with a separate netmask) */
static int add_addr(struct nc_iface *i, const struct node *addr, const struct node *mask)
{
        const char *a = text(addr);
        if (!a)
                return 0;
        if (!is_ip(a))
                return bad(addr, "not an IP address: ", a);
        if (i->naddrs >= NC_ADDRS_MAX)
                return 0;
        if (!strchr(a, '/')) {
                int p = text(mask) ? prefix_of_netmask(mask->str) : strchr(a, ':') ? 64 : 24;
                if (p < 0 || p > 128)
                        return bad(mask, "not a netmask: ", text(mask));
                (void)snprintf(i->addrs[i->naddrs++], NC_TEXT_LEN, "%s/%d", a, p);
        } else
                copy(i->addrs[i->naddrs++], NC_TEXT_LEN, a);
        return 0;
}

static int add_route(struct nc_iface *i, const char *to, const struct node *via, unsigned metric,
                     const struct node *at)
{
        struct nc_route *r;
        if (!text(via) || !is_ip(via->str))
                return bad(via ? via : at, "a route needs a gateway address: ", text(via));
        if (i->nroutes >= NC_ROUTES_MAX)
                return 0;
        r = &i->routes[i->nroutes++];
        copy(r->to, sizeof(r->to),
             streq(to, "default") ? (strchr(via->str, ':') ? "::/0" : "0.0.0.0/0") : to);
        copy(r->via, sizeof(r->via), via->str);
        r->metric = metric;
        return 0;
}

static unsigned num(const struct node *v)
{
        return v && v->type == NODE_INT && v->i > 0 && v->i < 1000000 ? (unsigned)v->i
               : text(v)                                              ? (unsigned)atoi(v->str)
                                                                      : 0;
}

static void add_param(struct nc_iface *i, const char *key, const struct node *v)
{
        const char *t = text(v);
        if (!t || i->nparams >= ELEMENTSOF(i->params))
                return;
        copy(i->params[i->nparams][0], NC_TEXT_LEN, key);
        copy(i->params[i->nparams][1], NC_TEXT_LEN,
             v->type == NODE_BOOL ? (v->b ? "true" : "false") : t);
        i->nparams++;
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
        if (node_get(s, "mtu"))
                i->mtu = num(node_get(s, "mtu"));
        add_strs(i->dns, &i->ndns, node_get(s, "dns_nameservers"));
        add_strs(i->search, &i->nsearch, node_get(s, "dns_search"));
        for (size_t k = 0; routes && routes->type == NODE_SEQ && k < routes->n && r >= 0; k++) {
                const struct node *rt = routes->items[k];
                const char *net = text(node_get(rt, "network")) ? text(node_get(rt, "network"))
                                                                : text(node_get(rt, "destination"));
                char to[NC_TEXT_LEN];
                if (!net)
                        return bad(rt, "a route needs a network", NULL);
                if (!strchr(net, '/') && node_get(rt, "netmask")) {
                        int p = prefix_of_netmask(text(node_get(rt, "netmask")));
                        if (p < 0 || p > 128)
                                return bad(node_get(rt, "netmask"), "not a netmask", NULL);
                        (void)snprintf(to, sizeof(to), "%s/%d", net, p);
                } else if (!strchr(net, '/') && node_get(rt, "prefix"))
                        (void)snprintf(to, sizeof(to), "%s/%u", net, num(node_get(rt, "prefix")));
                else
                        copy(to, sizeof(to), net);
                r = add_route(i, to, node_get(rt, "gateway"), num(node_get(rt, "metric")), rt);
        }
        return r;
}

static int v1_links(struct nc_iface *i, const struct node *list)
{
        for (size_t k = 0; list && list->type == NODE_SEQ && k < list->n; k++)
                if (text(list->items[k]) && i->nlinks < NC_LINKS_MAX)
                        copy(i->links[i->nlinks++], NC_NAME_LEN, list->items[k]->str);
        return 0;
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
                        add_strs(cfg->dns, &cfg->ndns, node_get(e, "address"));
                        add_strs(cfg->search, &cfg->nsearch, node_get(e, "search"));
                        continue;
                }
                if (streq(type, "route"))
                        continue; /* global routes: after the interfaces, below */
                if (streq(type, "physical")) {
                        i = add_iface(cfg, NC_PHYSICAL, name, e);
                        if (i && set_mac(i, node_get(e, "mac_address")) < 0)
                                i = NULL, r = -EINVAL;
                        if (i)
                                i->rename = i->mac[0] != 0;
                } else if (streq(type, "bond")) {
                        const struct node *p = node_get(e, "params");
                        i = add_iface(cfg, NC_BOND, name, e);
                        if (i) {
                                (void)v1_links(i, node_get(e, "bond_interfaces"));
                                (void)set_mac(i, node_get(e, "mac_address"));
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
                                        add_param(i, map[m][1], node_get(p, map[m][0]));
                        }
                } else if (streq(type, "bridge")) {
                        const struct node *p = node_get(e, "params");
                        i = add_iface(cfg, NC_BRIDGE, name, e);
                        if (i) {
                                (void)v1_links(i, node_get(e, "bridge_interfaces"));
                                add_param(i, "stp", node_get(p, "bridge_stp"));
                                add_param(i, "forward-delay", node_get(p, "bridge_fd"));
                                add_param(i, "priority", node_get(p, "bridge_bridgeprio"));
                        }
                } else if (streq(type, "vlan")) {
                        i = add_iface(cfg, NC_VLAN, name, e);
                        if (i) {
                                i->vlan_id = num(node_get(e, "vlan_id"));
                                if (text(node_get(e, "vlan_link")))
                                        copy(i->links[i->nlinks++], NC_NAME_LEN,
                                             node_get(e, "vlan_link")->str);
                                if (!i->vlan_id || !i->nlinks)
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
                if (node_get(e, "mtu"))
                        i->mtu = num(node_get(e, "mtu"));
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
                if (add_route(target, dst ? dst : "default", node_get(e, "gateway"),
                              num(node_get(e, "metric")), e) < 0)
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
        if (node_get(d, "mtu"))
                i->mtu = num(node_get(d, "mtu"));
        for (size_t k = 0; addrs && addrs->type == NODE_SEQ && k < addrs->n && r >= 0; k++)
                r = add_addr(i, addrs->items[k], NULL);
        if (r >= 0 && node_get(d, "gateway4"))
                r = add_route(i, "default", node_get(d, "gateway4"), 0, d);
        if (r >= 0 && node_get(d, "gateway6"))
                r = add_route(i, "default", node_get(d, "gateway6"), 0, d);
        for (size_t k = 0; routes && routes->type == NODE_SEQ && k < routes->n && r >= 0; k++) {
                const struct node *rt = routes->items[k];
                const char *to = text(node_get(rt, "to"));
                if (!to)
                        return bad(rt, "a route needs 'to'", NULL);
                r = add_route(i, to, node_get(rt, "via"), num(node_get(rt, "metric")), rt);
        }
        add_strs(i->dns, &i->ndns, node_get(ns, "addresses"));
        add_strs(i->search, &i->nsearch, node_get(ns, "search"));
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
                                if (mn)
                                        copy(i->match_name, sizeof(i->match_name), mn);
                                i->rename = node_get_str(d, "set-name") && i->mac[0];
                        } else if (node_get(d, "macaddress"))
                                (void)set_mac(i, node_get(d, "macaddress"));
                        if (v2_common(i, d) < 0)
                                r = -EINVAL;
                        const struct node *p = node_get(d, "parameters");
                        for (size_t q = 0; p && p->type == NODE_MAP && q + 1 < p->n; q += 2)
                                add_param(i, p->items[q]->str, p->items[q + 1]);
                        if (sections[s].kind == NC_VLAN) {
                                i->vlan_id = num(node_get(d, "id"));
                                if (text(node_get(d, "link")))
                                        copy(i->links[i->nlinks++], NC_NAME_LEN,
                                             v2_name_of(net, node_get(d, "link")->str));
                                if (!i->vlan_id || !i->nlinks)
                                        r = bad(sec->items[k], "a vlan needs id and link", NULL);
                        } else {
                                const struct node *m = node_get(d, "interfaces");
                                for (size_t q = 0; m && m->type == NODE_SEQ && q < m->n; q++)
                                        if (text(m->items[q]) && i->nlinks < NC_LINKS_MAX)
                                                copy(i->links[i->nlinks++], NC_NAME_LEN,
                                                     v2_name_of(net, m->items[q]->str));
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
        return r;
}

/* --- OpenStack network_data.json ---------------------------------------- */

int netcfg_from_openstack(const struct node *nd, struct netcfg *cfg)
{
        const struct node *links = node_get(nd, "links"), *nets = node_get(nd, "networks");
        const struct node *services = node_get(nd, "services");

        for (size_t k = 0; links && links->type == NODE_SEQ && k < links->n; k++) {
                const struct node *l = links->items[k];
                const char *type = node_get_str(l, "type"), *id = node_get_str(l, "id");
                char name[NC_NAME_LEN];
                struct nc_iface *i;

                if (!id)
                        continue;
                if (streq_ptr(type, "vlan")) {
                        (void)snprintf(name, sizeof(name), "%s", id);
                        i = add_iface(cfg, NC_VLAN, name, l);
                        if (!i)
                                return -EINVAL;
                        i->vlan_id = num(node_get(l, "vlan_id"));
                        copy(i->links[i->nlinks++], NC_NAME_LEN, node_get_str(l, "vlan_link"));
                } else if (streq_ptr(type, "bond")) {
                        i = add_iface(cfg, NC_BOND, id, l);
                        if (!i)
                                return -EINVAL;
                        (void)v1_links(i, node_get(l, "bond_links"));
                        add_param(i, "mode", node_get(l, "bond_mode"));
                        add_param(i, "mii-monitor-interval", node_get(l, "bond_miimon"));
                } else {
                        /* phy, ovs, vif, tap, bridge...: a NIC found by its MAC; its
                         * name here is the link id, shortened to fit */
                        (void)snprintf(name, sizeof(name), "%.15s", id);
                        i = add_iface(cfg, NC_PHYSICAL, name, l);
                        if (!i)
                                return -EINVAL;
                }
                (void)set_mac(i, node_get(l, "ethernet_mac_address"));
                if (node_get(l, "mtu"))
                        i->mtu = num(node_get(l, "mtu"));
        }
        for (size_t k = 0; nets && nets->type == NODE_SEQ && k < nets->n; k++) {
                const struct node *n = nets->items[k];
                const char *type = node_get_str(n, "type"), *link = node_get_str(n, "link");
                struct nc_iface *i = NULL;
                for (size_t j = 0; link && j < cfg->n && !i; j++)
                        if (!strncmp(cfg->ifaces[j].name, link, NC_NAME_LEN - 1))
                                i = &cfg->ifaces[j];
                if (!i || !type)
                        continue;
                if (streq(type, "ipv4_dhcp"))
                        i->dhcp4 = true;
                else if (streq(type, "ipv6_dhcp") || streq(type, "ipv6_dhcpv6-stateful"))
                        i->dhcp6 = true;
                else if (streq(type, "ipv6_slaac") || streq(type, "ipv6_dhcpv6-stateless"))
                        i->accept_ra = true;
                else if (streq(type, "ipv4") || streq(type, "ipv6")) {
                        const struct node *routes = node_get(n, "routes");
                        if (add_addr(i, node_get(n, "ip_address"), node_get(n, "netmask")) < 0)
                                return -EINVAL;
                        for (size_t q = 0; routes && routes->type == NODE_SEQ && q < routes->n;
                             q++) {
                                const struct node *rt = routes->items[q];
                                char to[NC_TEXT_LEN];
                                const char *net = text(node_get(rt, "network"));
                                int p = text(node_get(rt, "netmask"))
                                                ? prefix_of_netmask(node_get(rt, "netmask")->str)
                                                : 0;
                                if (p < 0)
                                        return bad(node_get(rt, "netmask"), "not a netmask", NULL);
                                (void)snprintf(to, sizeof(to), "%s/%d", net ? net : "0.0.0.0", p);
                                if (add_route(i,
                                              streq(to, "0.0.0.0/0") || streq(to, "::/0")
                                                      ? "default"
                                                      : to,
                                              node_get(rt, "gateway"), 0, rt) < 0)
                                        return -EINVAL;
                        }
                }
        }
        for (size_t k = 0; services && services->type == NODE_SEQ && k < services->n; k++)
                if (streq_ptr(node_get_str(services->items[k], "type"), "dns"))
                        (void)add_str(cfg->dns, &cfg->ndns,
                                      node_get(services->items[k], "address"));
        return link_members(cfg);
}

/* --- EC2 ------------------------------------------------------------------ */

int netcfg_from_ec2(const struct node *md, struct netcfg *cfg)
{
        const struct node *macs = node_get_path(md, "network.interfaces.macs");

        for (size_t k = 0; macs && macs->type == NODE_MAP && k + 1 < macs->n; k += 2) {
                const struct node *m = macs->items[k + 1];
                unsigned dev = num(node_get(m, "device-number"));
                char name[NC_NAME_LEN];
                struct nc_iface *i;
                struct node mac = { .type = NODE_STR,
                                    .str = macs->items[k]->str,
                                    .len = macs->items[k]->len };

                /* device-number 0 is the primary NIC: DHCP there, as cloud-init
                 * configures EC2 by default */
                if (dev != 0)
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
                if (!best[0] || atol(idx) < best_index) {
                        best_index = atol(idx);
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
                            strlen(names[j]) >= NC_NAME_LEN || netcfg_find(cfg, names[j]))
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
