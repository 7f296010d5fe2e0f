/* SPDX-License-Identifier: Apache-2.0 */
/* Renderers for struct netcfg (see netrender.h). */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "codec.h"
#include "fs.h"
#include "log.h"
#include "macro.h"
#include "netrender.h"
#include "valid.h"

#define NETWORKD_DIR "/etc/systemd/network"
#define NM_DIR "/etc/NetworkManager/system-connections"
#define ENI_FILE "/etc/network/interfaces.d/50-cloudboot.cfg"
#define UDEV_RULES "/etc/udev/rules.d/70-cloudboot-net-names.rules"

static const char *const renderer_names[] = { "none", "networkd", "network-manager", "eni" };

const char *net_renderer_name(enum net_renderer r)
{
        return renderer_names[r];
}

static bool any_exists(int root_fd, const char *const *paths)
{
        for (; *paths; paths++)
                if (fs_exists(root_fd, *paths))
                        return true;
        return false;
}

static const char *const networkd_enabled[] = {
        "/etc/systemd/system/multi-user.target.wants/systemd-networkd.service",
        "/etc/systemd/system/dbus-org.freedesktop.network1.service", NULL
};
static const char *const nm_enabled[] = {
        "/etc/systemd/system/multi-user.target.wants/NetworkManager.service",
        "/etc/systemd/system/dbus-org.freedesktop.NetworkManager.service", NULL
};
static const char *const eni_present[] = { "/sbin/ifup", "/usr/sbin/ifup", NULL };
static const char *const networkd_present[] = { "/lib/systemd/systemd-networkd",
                                                "/usr/lib/systemd/systemd-networkd", NULL };

enum net_renderer net_renderer_pick(int root_fd, const struct node *syscfg)
{
        const struct node *list = node_get_path(syscfg, "system_info.network.renderers");

        for (size_t i = 0; list && list->type == NODE_SEQ && i < list->n; i++) {
                const char *n = node_str(list->items[i]);
                if (streq_ptr(n, "networkd"))
                        return NET_RENDER_NETWORKD;
                if (streq_ptr(n, "network-manager"))
                        return NET_RENDER_NM;
                if (streq_ptr(n, "eni"))
                        return NET_RENDER_ENI;
                log_debug("system_info.network.renderers: %s is not one cloudboot writes",
                          n ? n : "(not a string)");
        }
        if (any_exists(root_fd, networkd_enabled))
                return NET_RENDER_NETWORKD;
        if (any_exists(root_fd, nm_enabled))
                return NET_RENDER_NM;
        if (fs_exists(root_fd, "/etc/network/interfaces") && any_exists(root_fd, eni_present))
                return NET_RENDER_ENI;
        if (any_exists(root_fd, networkd_present))
                return NET_RENDER_NETWORKD;
        return NET_RENDER_NONE;
}

static struct net_file *new_file(struct net_file *files, size_t *n, unsigned mode, const char *fmt,
                                 const char *name)
{
        struct net_file *f;
        if (*n >= NET_FILES_MAX)
                return NULL;
        f = &files[(*n)++];
        *f = (struct net_file){ .data = BUF_INIT(1 << 20), .mode = mode };
        (void)snprintf(f->path, sizeof(f->path), fmt, name);
        return f;
}

static void header(struct buf *b, const struct netcfg *cfg, const char *comment)
{
        (void)buf_printf(b,
                         "%s Written by cloudboot from %s; a new instance rewrites it.\n"
                         "%s To keep cloudboot away: network: {config: disabled} in "
                         "/etc/cloud/cloud.cfg.d/.\n",
                         comment,
                         cfg->source[0] && !valid_line(cfg->source, 0) ? cfg->source
                                                                       : "network-config",
                         comment);
}

static const char *param(const struct nc_iface *i, const char *key)
{
        for (size_t k = 0; k < i->nparams; k++)
                if (streq(i->params[k][0], key))
                        return i->params[k][1];
        return NULL;
}

static bool truthy(const char *v)
{
        return v && (streq(v, "true") || streq(v, "on") || streq(v, "yes") || streq(v, "1"));
}

static const char *kind_name(enum nc_kind k)
{
        return k == NC_BOND     ? "bond"
               : k == NC_BRIDGE ? "bridge"
               : k == NC_VLAN   ? "vlan"
                                : "ethernet";
}

/* --- systemd-networkd --------------------------------------------------- */

static int networkd(const struct netcfg *cfg, struct net_file *files, size_t *n)
{
        for (size_t k = 0; k < cfg->n; k++) {
                const struct nc_iface *i = &cfg->ifaces[k];
                struct net_file *f;
                struct buf *b;

                if (i->rename) {
                        f = new_file(files, n, 0644, NETWORKD_DIR "/10-cloudboot-%s.link", i->name);
                        if (!f)
                                return -E2BIG;
                        header(&f->data, cfg, "#");
                        (void)buf_printf(&f->data, "[Match]\nMACAddress=%s\n\n[Link]\nName=%s\n",
                                         i->mac, i->name);
                        if (i->mtu)
                                (void)buf_printf(&f->data, "MTUBytes=%u\n", i->mtu);
                }
                if (i->kind != NC_PHYSICAL) {
                        f = new_file(files, n, 0644, NETWORKD_DIR "/10-cloudboot-%s.netdev",
                                     i->name);
                        if (!f)
                                return -E2BIG;
                        b = &f->data;
                        header(b, cfg, "#");
                        (void)buf_printf(b, "[NetDev]\nName=%s\nKind=%s\n", i->name,
                                         kind_name(i->kind));
                        if (i->mac[0])
                                (void)buf_printf(b, "MACAddress=%s\n", i->mac);
                        if (i->mtu)
                                (void)buf_printf(b, "MTUBytes=%u\n", i->mtu);
                        if (i->kind == NC_BOND) {
                                (void)buf_puts(b, "\n[Bond]\n");
                                if (param(i, "mode"))
                                        (void)buf_printf(b, "Mode=%s\n", param(i, "mode"));
                                if (param(i, "mii-monitor-interval"))
                                        (void)buf_printf(b, "MIIMonitorSec=%sms\n",
                                                         param(i, "mii-monitor-interval"));
                                if (param(i, "lacp-rate"))
                                        (void)buf_printf(b, "LACPTransmitRate=%s\n",
                                                         param(i, "lacp-rate"));
                                if (param(i, "transmit-hash-policy"))
                                        (void)buf_printf(b, "TransmitHashPolicy=%s\n",
                                                         param(i, "transmit-hash-policy"));
                        } else if (i->kind == NC_BRIDGE) {
                                (void)buf_puts(b, "\n[Bridge]\n");
                                if (param(i, "stp"))
                                        (void)buf_printf(b, "STP=%s\n",
                                                         truthy(param(i, "stp")) ? "yes" : "no");
                                if (param(i, "forward-delay"))
                                        (void)buf_printf(b, "ForwardDelaySec=%s\n",
                                                         param(i, "forward-delay"));
                                if (param(i, "priority"))
                                        (void)buf_printf(b, "Priority=%s\n", param(i, "priority"));
                        } else
                                (void)buf_printf(b, "\n[VLAN]\nId=%u\n", i->vlan_id);
                }
                f = new_file(files, n, 0644, NETWORKD_DIR "/10-cloudboot-%s.network", i->name);
                if (!f)
                        return -E2BIG;
                b = &f->data;
                header(b, cfg, "#");
                if (i->kind == NC_PHYSICAL && i->mac[0] && !i->rename)
                        (void)buf_printf(b, "[Match]\nMACAddress=%s\n", i->mac);
                else
                        (void)buf_printf(b, "[Match]\nName=%s\n",
                                         i->match_name[0] && !i->rename ? i->match_name : i->name);
                if (i->mtu && i->kind == NC_PHYSICAL)
                        (void)buf_printf(b, "\n[Link]\nMTUBytes=%u\n", i->mtu);
                (void)buf_printf(b, "\n[Network]\nDHCP=%s\n",
                                 i->dhcp4 && i->dhcp6 ? "yes"
                                 : i->dhcp4           ? "ipv4"
                                 : i->dhcp6           ? "ipv6"
                                                      : "no");
                if (i->accept_ra || i->dhcp6)
                        (void)buf_puts(b, "IPv6AcceptRA=yes\n");
                if (i->master[0]) {
                        const struct nc_iface *m = NULL;
                        for (size_t j = 0; j < cfg->n; j++)
                                if (streq(cfg->ifaces[j].name, i->master))
                                        m = &cfg->ifaces[j];
                        (void)buf_printf(b, "%s=%s\n", m && m->kind == NC_BOND ? "Bond" : "Bridge",
                                         i->master);
                        if (m && streq_ptr(param(m, "primary"), i->name))
                                (void)buf_puts(b, "PrimarySlave=yes\n");
                }
                for (size_t j = 0; j < cfg->n; j++)
                        if (cfg->ifaces[j].kind == NC_VLAN &&
                            streq(cfg->ifaces[j].links[0], i->name))
                                (void)buf_printf(b, "VLAN=%s\n", cfg->ifaces[j].name);
                for (size_t a = 0; a < i->naddrs; a++)
                        (void)buf_printf(b, "Address=%s\n", i->addrs[a]);
                bool has_ip = i->naddrs || i->dhcp4 || i->dhcp6;
                for (size_t d = 0; d < i->ndns; d++)
                        (void)buf_printf(b, "DNS=%s\n", i->dns[d]);
                for (size_t d = 0; has_ip && d < cfg->ndns; d++)
                        (void)buf_printf(b, "DNS=%s\n", cfg->dns[d]);
                if (i->nsearch || (has_ip && cfg->nsearch)) {
                        (void)buf_puts(b, "Domains=");
                        for (size_t d = 0; d < i->nsearch; d++)
                                (void)buf_printf(b, "%s%s", d ? " " : "", i->search[d]);
                        for (size_t d = 0; has_ip && d < cfg->nsearch; d++)
                                (void)buf_printf(b, "%s%s", d || i->nsearch ? " " : "",
                                                 cfg->search[d]);
                        (void)buf_putc(b, '\n');
                }
                for (size_t r = 0; r < i->nroutes; r++) {
                        (void)buf_printf(b, "\n[Route]\nDestination=%s\nGateway=%s\n",
                                         i->routes[r].to, i->routes[r].via);
                        if (i->routes[r].metric)
                                (void)buf_printf(b, "Metric=%u\n", i->routes[r].metric);
                }
        }
        return 0;
}

/* --- ifupdown (ENI) --------------------------------------------------------- */

/* One address family's stanza: IPv4 always (static, dhcp or manual: the
 * bond, bridge and vlan options ride on it), IPv6 when it has something. */
static void eni_family(struct buf *b, const struct netcfg *cfg, const struct nc_iface *i, bool v6)
{
        bool dhcp = v6 ? i->dhcp6 : i->dhcp4, any = false;
        const char *fam = v6 ? "inet6" : "inet";

        for (size_t a = 0; a < i->naddrs; a++) {
                if ((strchr(i->addrs[a], ':') != NULL) != v6)
                        continue;
                if (!any)
                        (void)buf_printf(b, "iface %s %s static\n    address %s\n", i->name, fam,
                                         i->addrs[a]);
                else
                        (void)buf_printf(b, "    up ip addr add %s dev %s\n", i->addrs[a], i->name);
                any = true;
        }
        if (!any)
                (void)buf_printf(b, "iface %s %s %s\n", i->name, fam,
                                 dhcp                 ? "dhcp"
                                 : v6 && i->accept_ra ? "auto"
                                                      : "manual");
        if (i->mtu && !v6)
                (void)buf_printf(b, "    mtu %u\n", i->mtu);
        for (size_t r = 0; r < i->nroutes; r++) {
                const struct nc_route *rt = &i->routes[r];
                if ((strchr(rt->via, ':') != NULL) != v6)
                        continue;
                if (streq(rt->to, "0.0.0.0/0") || streq(rt->to, "::/0"))
                        (void)buf_printf(b, "    gateway %s\n", rt->via);
                else if (rt->metric)
                        (void)buf_printf(b, "    up ip route add %s via %s metric %u || true\n",
                                         rt->to, rt->via, rt->metric);
                else
                        (void)buf_printf(b, "    up ip route add %s via %s || true\n", rt->to,
                                         rt->via);
        }
        if (!v6) {
                /* global DNS goes with the interfaces that have addresses */
                bool has_ip = i->naddrs || i->dhcp4 || i->dhcp6;
                size_t gdns = has_ip ? cfg->ndns : 0, gsearch = has_ip ? cfg->nsearch : 0;
                if (i->ndns || gdns) {
                        (void)buf_puts(b, "    dns-nameservers");
                        for (size_t d = 0; d < i->ndns; d++)
                                (void)buf_printf(b, " %s", i->dns[d]);
                        for (size_t d = 0; d < gdns; d++)
                                (void)buf_printf(b, " %s", cfg->dns[d]);
                        (void)buf_putc(b, '\n');
                }
                if (i->nsearch || gsearch) {
                        (void)buf_puts(b, "    dns-search");
                        for (size_t d = 0; d < i->nsearch; d++)
                                (void)buf_printf(b, " %s", i->search[d]);
                        for (size_t d = 0; d < gsearch; d++)
                                (void)buf_printf(b, " %s", cfg->search[d]);
                        (void)buf_putc(b, '\n');
                }
                if (i->master[0]) {
                        const struct nc_iface *m = NULL;
                        for (size_t j = 0; j < cfg->n; j++)
                                if (streq(cfg->ifaces[j].name, i->master))
                                        m = &cfg->ifaces[j];
                        if (m && m->kind == NC_BOND)
                                (void)buf_printf(b, "    bond-master %s\n", i->master);
                }
                if (i->kind == NC_BOND) {
                        (void)buf_puts(b, "    bond-slaves none\n");
                        if (param(i, "mode"))
                                (void)buf_printf(b, "    bond-mode %s\n", param(i, "mode"));
                        if (param(i, "mii-monitor-interval"))
                                (void)buf_printf(b, "    bond-miimon %s\n",
                                                 param(i, "mii-monitor-interval"));
                        if (param(i, "lacp-rate"))
                                (void)buf_printf(b, "    bond-lacp-rate %s\n",
                                                 param(i, "lacp-rate"));
                        if (param(i, "transmit-hash-policy"))
                                (void)buf_printf(b, "    bond-xmit-hash-policy %s\n",
                                                 param(i, "transmit-hash-policy"));
                        if (param(i, "primary"))
                                (void)buf_printf(b, "    bond-primary %s\n", param(i, "primary"));
                } else if (i->kind == NC_BRIDGE) {
                        (void)buf_puts(b, "    bridge_ports");
                        for (size_t m = 0; m < i->nlinks; m++)
                                (void)buf_printf(b, " %s", i->links[m]);
                        /* a bridge without ports: ifupdown wants the word */
                        (void)buf_puts(b, i->nlinks ? "\n" : " none\n");
                        if (param(i, "stp"))
                                (void)buf_printf(b, "    bridge_stp %s\n",
                                                 truthy(param(i, "stp")) ? "on" : "off");
                        if (param(i, "forward-delay"))
                                (void)buf_printf(b, "    bridge_fd %s\n",
                                                 param(i, "forward-delay"));
                } else if (i->kind == NC_VLAN) {
                        (void)buf_printf(b, "    vlan-raw-device %s\n    vlan_id %u\n", i->links[0],
                                         i->vlan_id);
                }
                if (i->mac[0] && i->kind != NC_PHYSICAL)
                        (void)buf_printf(b, "    hwaddress %s\n", i->mac);
        }
}

static int eni(const struct netcfg *cfg, struct net_file *files, size_t *n)
{
        struct net_file *f = new_file(files, n, 0644, "%s", ENI_FILE);
        if (!f)
                return -E2BIG;
        header(&f->data, cfg, "#");
        (void)buf_puts(&f->data, "\nauto lo\niface lo inet loopback\n");
        for (size_t k = 0; k < cfg->n; k++) {
                const struct nc_iface *i = &cfg->ifaces[k];
                if (i->match_name[0] && strpbrk(i->match_name, "*?[")) {
                        /* as in cloud-init's ENI renderer: no patterns in ifupdown */
                        (void)buf_printf(&f->data,
                                         "\n# %s: ifupdown cannot match interfaces by the pattern "
                                         "%s; not configured\n",
                                         i->name, i->match_name);
                        log_warning("network-config: %s matches %s, a pattern ifupdown cannot "
                                    "use; not configured",
                                    i->name, i->match_name);
                        continue;
                }
                (void)buf_printf(&f->data, "\nauto %s\n", i->name);
                bool v6 = i->dhcp6 || i->accept_ra;
                for (size_t a = 0; a < i->naddrs; a++)
                        v6 = v6 || strchr(i->addrs[a], ':');
                eni_family(&f->data, cfg, i, false);
                if (v6)
                        eni_family(&f->data, cfg, i, true);
        }
        return 0;
}

/* Renamed NICs for ENI and NetworkManager: udev names them by MAC. ifupdown
 * knows interfaces only by name, so for ENI a NIC matched by MAC gets the
 * configuration's name too (when the target's sysfs did not know it). */
static int udev_names(const struct netcfg *cfg, struct net_file *files, size_t *n, bool by_mac)
{
        struct net_file *f = NULL;
        for (size_t k = 0; k < cfg->n; k++) {
                const struct nc_iface *i = &cfg->ifaces[k];
                if (!i->rename && !(by_mac && i->kind == NC_PHYSICAL && i->mac[0]))
                        continue;
                if (!f) {
                        f = new_file(files, n, 0644, "%s", UDEV_RULES);
                        if (!f)
                                return -E2BIG;
                        header(&f->data, cfg, "#");
                }
                (void)buf_printf(&f->data,
                                 "SUBSYSTEM==\"net\", ACTION==\"add\", DRIVERS==\"?*\", "
                                 "ATTR{address}==\"%s\", NAME=\"%s\"\n",
                                 i->mac, i->name);
        }
        return 0;
}

/* --- NetworkManager keyfiles ------------------------------------------------ */

static void nm_uuid(const char *name, char *ret, size_t size)
{
        unsigned long long h1 =
                fnv1a64(fnv1a64(FNV1A64_INIT, "cloudboot:", 10), name, strlen(name));
        unsigned long long h2 = 1099511628211ull * 31;
        /* a second, differently mixed hash for the other 64 bits */
        for (const char *c = name; *c; c++)
                h2 = (h2 ^ (unsigned char)*c) * 1099511628211ull + 0x9e3779b97f4a7c15ull;
        /* a version 5-shaped UUID, stable for the name */
        (void)snprintf(ret, size, "%08llx-%04llx-5%03llx-%04llx-%012llx", h1 >> 32,
                       (h1 >> 16) & 0xffff, h1 & 0xfff, ((h2 >> 48) & 0x3fff) | 0x8000,
                       h2 & 0xffffffffffffull);
}

static void nm_ip(struct buf *b, const struct netcfg *cfg, const struct nc_iface *i, bool v6)
{
        size_t na = 0, nr = 0;
        bool dhcp = v6 ? i->dhcp6 : i->dhcp4;
        for (size_t a = 0; a < i->naddrs; a++)
                na += (strchr(i->addrs[a], ':') != NULL) == v6;
        (void)buf_printf(b, "\n[%s]\nmethod=%s\n", v6 ? "ipv6" : "ipv4",
                         na                   ? "manual"
                         : dhcp               ? (v6 ? "dhcp" : "auto")
                         : v6 && i->accept_ra ? "auto"
                         : i->master[0]       ? "disabled"
                         : v6                 ? "ignore"
                                              : "disabled");
        na = 0;
        for (size_t a = 0; a < i->naddrs; a++)
                if ((strchr(i->addrs[a], ':') != NULL) == v6)
                        (void)buf_printf(b, "address%zu=%s\n", ++na, i->addrs[a]);
        for (size_t r = 0; r < i->nroutes; r++) {
                const struct nc_route *rt = &i->routes[r];
                if ((strchr(rt->via, ':') != NULL) != v6)
                        continue;
                if (streq(rt->to, "0.0.0.0/0") || streq(rt->to, "::/0"))
                        (void)buf_printf(b, "gateway=%s\n", rt->via);
                else if (rt->metric)
                        (void)buf_printf(b, "route%zu=%s,%s,%u\n", ++nr, rt->to, rt->via,
                                         rt->metric);
                else
                        (void)buf_printf(b, "route%zu=%s,%s\n", ++nr, rt->to, rt->via);
        }
        if (!v6 && (i->ndns || cfg->ndns)) {
                (void)buf_puts(b, "dns=");
                for (size_t d = 0; d < i->ndns; d++)
                        (void)buf_printf(b, "%s;", i->dns[d]);
                for (size_t d = 0; d < cfg->ndns; d++)
                        (void)buf_printf(b, "%s;", cfg->dns[d]);
                (void)buf_putc(b, '\n');
        }
        if (!v6 && (i->nsearch || cfg->nsearch)) {
                (void)buf_puts(b, "dns-search=");
                for (size_t d = 0; d < i->nsearch; d++)
                        (void)buf_printf(b, "%s;", i->search[d]);
                for (size_t d = 0; d < cfg->nsearch; d++)
                        (void)buf_printf(b, "%s;", cfg->search[d]);
                (void)buf_putc(b, '\n');
        }
}

static int nm(const struct netcfg *cfg, struct net_file *files, size_t *n)
{
        for (size_t k = 0; k < cfg->n; k++) {
                const struct nc_iface *i = &cfg->ifaces[k];
                struct net_file *f =
                        new_file(files, n, 0600, NM_DIR "/cloudboot-%s.nmconnection", i->name);
                char uuid[40];
                struct buf *b;

                if (!f)
                        return -E2BIG;
                b = &f->data;
                nm_uuid(i->name, uuid, sizeof(uuid));
                header(b, cfg, "#");
                (void)buf_printf(b, "[connection]\nid=cloudboot %s\nuuid=%s\ntype=%s\n", i->name,
                                 uuid, kind_name(i->kind));
                bool pattern = i->match_name[0] && strpbrk(i->match_name, "*?[");
                if (!pattern && (i->kind != NC_PHYSICAL || !i->mac[0] || i->rename))
                        (void)buf_printf(b, "interface-name=%s\n", i->name);
                if (i->master[0]) {
                        const struct nc_iface *m = NULL;
                        for (size_t j = 0; j < cfg->n; j++)
                                if (streq(cfg->ifaces[j].name, i->master))
                                        m = &cfg->ifaces[j];
                        (void)buf_printf(b, "master=%s\nslave-type=%s\n", i->master,
                                         m && m->kind == NC_BOND ? "bond" : "bridge");
                }
                if (pattern)
                        (void)buf_printf(b, "\n[match]\ninterface-name=%s\n", i->match_name);
                if (i->kind == NC_PHYSICAL) {
                        (void)buf_puts(b, "\n[ethernet]\n");
                        if (i->mac[0])
                                (void)buf_printf(b, "mac-address=%s\n", i->mac);
                        if (i->mtu)
                                (void)buf_printf(b, "mtu=%u\n", i->mtu);
                } else if (i->kind == NC_BOND) {
                        (void)buf_puts(b, "\n[bond]\n");
                        if (param(i, "mode"))
                                (void)buf_printf(b, "mode=%s\n", param(i, "mode"));
                        if (param(i, "mii-monitor-interval"))
                                (void)buf_printf(b, "miimon=%s\n",
                                                 param(i, "mii-monitor-interval"));
                        if (param(i, "lacp-rate"))
                                (void)buf_printf(b, "lacp_rate=%s\n", param(i, "lacp-rate"));
                        if (param(i, "transmit-hash-policy"))
                                (void)buf_printf(b, "xmit_hash_policy=%s\n",
                                                 param(i, "transmit-hash-policy"));
                        if (param(i, "primary"))
                                (void)buf_printf(b, "primary=%s\n", param(i, "primary"));
                } else if (i->kind == NC_BRIDGE) {
                        (void)buf_puts(b, "\n[bridge]\n");
                        if (param(i, "stp"))
                                (void)buf_printf(b, "stp=%s\n",
                                                 truthy(param(i, "stp")) ? "true" : "false");
                        if (param(i, "forward-delay"))
                                (void)buf_printf(b, "forward-delay=%s\n",
                                                 param(i, "forward-delay"));
                } else
                        (void)buf_printf(b, "\n[vlan]\nid=%u\nparent=%s\n", i->vlan_id,
                                         i->links[0]);
                if (i->master[0])
                        continue; /* a port has no IP configuration of its own */
                nm_ip(b, cfg, i, false);
                nm_ip(b, cfg, i, true);
        }
        return 0;
}

int net_render(enum net_renderer r, const struct netcfg *cfg, struct net_file *files, size_t *ret_n)
{
        size_t n = 0;
        int k;

        /* all or nothing: no file is rendered from a model with a bad value */
        k = netcfg_check(cfg);
        if (k < 0)
                return k;
        switch (r) {
        case NET_RENDER_NETWORKD:
                k = networkd(cfg, files, &n);
                break;
        case NET_RENDER_ENI:
                k = eni(cfg, files, &n);
                if (k >= 0)
                        k = udev_names(cfg, files, &n, true);
                break;
        case NET_RENDER_NM:
                k = nm(cfg, files, &n);
                if (k >= 0)
                        k = udev_names(cfg, files, &n, false);
                break;
        default:
                k = -ENOENT;
        }
        for (size_t i = 0; k >= 0 && i < n; i++)
                if (!files[i].data.data || buf_error(&files[i].data) < 0)
                        k = buf_error(&files[i].data) < 0 ? buf_error(&files[i].data) : -ENOMEM;
        if (k < 0) {
                net_files_done(files, n);
                return k;
        }
        *ret_n = n;
        return 0;
}

void net_files_done(struct net_file *files, size_t n)
{
        for (size_t i = 0; i < n; i++)
                buf_free(&files[i].data);
}

void net_remove_rendered(int root_fd)
{
        static const struct {
                const char *dir, *pattern;
        } old[] = { { NETWORKD_DIR, "10-cloudboot-*" }, { NM_DIR, "cloudboot-*.nmconnection" } };

        for (size_t k = 0; k < ELEMENTSOF(old); k++) {
                char **names = NULL, path[512];
                size_t n = 0;
                if (fs_list_dir(root_fd, old[k].dir, old[k].pattern, 1024, &names, &n) < 0)
                        continue;
                for (size_t i = 0; i < n; i++) {
                        (void)snprintf(path, sizeof(path), "%s/%s", old[k].dir, names[i]);
                        (void)fs_unlink(root_fd, path);
                }
                fs_list_free(names, n);
        }
        (void)fs_unlink(root_fd, ENI_FILE);
        (void)fs_unlink(root_fd, UDEV_RULES);
}
