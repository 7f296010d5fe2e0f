/* SPDX-License-Identifier: Apache-2.0 */
/* The renderers' structural property: for any network-config that passes
 * validation, every file rendered for networkd, NetworkManager and ifupdown
 * parses back line by line: a comment, a section header the renderer emits
 * for what was asked, or one known key with its value on the same line; ENI
 * only known stanzas and options, udev only the one rule shape. The number of
 * [Route] sections and Address lines equals what the model asked for, so a
 * value cannot add a section or a key of its own. A violation traps. */
#include "fuzz.h"
#include "macro.h"
#include "netcfg.h"
#include "netrender.h"
#include "valid.h"
#include "yaml.h"

#define CHECK(cond)                                                                                \
        do {                                                                                       \
                if (!(cond)) {                                                                     \
                        fprintf(stderr, "violated: %s\n", #cond);                                  \
                        __builtin_trap();                                                          \
                }                                                                                  \
        } while (0)

static bool in(const char *s, size_t len, const char *const *list)
{
        for (; *list; list++)
                if (strlen(*list) == len && !memcmp(s, *list, len))
                        return true;
        return false;
}

static bool printable(const char *s, size_t len)
{
        for (size_t i = 0; i < len; i++)
                if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f)
                        return false;
        return true;
}

static const char *const nd_sections[] = { "[Match]", "[Link]",    "[NetDev]", "[Bond]", "[Bridge]",
                                           "[VLAN]",  "[Network]", "[Route]",  NULL };
static const char *const nd_keys[] = { "MACAddress",
                                       "Name",
                                       "MTUBytes",
                                       "Kind",
                                       "Mode",
                                       "MIIMonitorSec",
                                       "LACPTransmitRate",
                                       "TransmitHashPolicy",
                                       "STP",
                                       "ForwardDelaySec",
                                       "Priority",
                                       "Id",
                                       "DHCP",
                                       "IPv6AcceptRA",
                                       "Bond",
                                       "Bridge",
                                       "PrimarySlave",
                                       "VLAN",
                                       "Address",
                                       "DNS",
                                       "Domains",
                                       "Destination",
                                       "Gateway",
                                       "Metric",
                                       NULL };
static const char *const nm_sections[] = { "[connection]", "[match]",  "[ethernet]",
                                           "[bond]",       "[bridge]", "[vlan]",
                                           "[ipv4]",       "[ipv6]",   NULL };
static const char *const nm_keys[] = { "id",      "uuid",       "type",          "interface-name",
                                       "master",  "slave-type", "mac-address",   "mtu",
                                       "mode",    "miimon",     "lacp_rate",     "xmit_hash_policy",
                                       "primary", "stp",        "forward-delay", "parent",
                                       "method",  "gateway",    "dns",           "dns-search",
                                       NULL };
static const char *const eni_options[] = {
        "address",         "mtu",          "gateway",        "up",
        "dns-nameservers", "dns-search",   "bond-master",    "bond-slaves",
        "bond-mode",       "bond-miimon",  "bond-lacp-rate", "bond-xmit-hash-policy",
        "bond-primary",    "bridge_ports", "bridge_stp",     "bridge_fd",
        "vlan-raw-device", "vlan_id",      "hwaddress",      NULL
};

/* key=value files: counts of [Route] headers and Address lines */
static void keyfile(const char *data, size_t len, bool nm, size_t *routes, size_t *addrs)
{
        const char *p = data, *end = data + len;
        bool section = false;

        while (p < end) {
                const char *nl = memchr(p, '\n', (size_t)(end - p));
                size_t l = nl ? (size_t)(nl - p) : (size_t)(end - p);
                CHECK(nl); /* every line ends */
                CHECK(printable(p, l));
                if (l == 0 || p[0] == '#') {
                        /* blank or comment */
                } else if (p[0] == '[') {
                        CHECK(in(p, l, nm ? nm_sections : nd_sections));
                        if (!nm && l == 7 && !memcmp(p, "[Route]", 7))
                                (*routes)++;
                        section = true;
                } else {
                        const char *eq = memchr(p, '=', l);
                        size_t kl;
                        CHECK(section);
                        CHECK(eq);
                        kl = (size_t)(eq - p);
                        if (nm && kl > 7 && !memcmp(p, "address", 7))
                                (*addrs)++;
                        else if (nm && kl > 5 && !memcmp(p, "route", 5))
                                (*routes)++;
                        else {
                                CHECK(in(p, kl, nm ? nm_keys : nd_keys));
                                if (!nm && kl == 7 && !memcmp(p, "Address", 7))
                                        (*addrs)++;
                        }
                        CHECK(!memchr(eq + 1, '=', l - kl - 1) || !nm);
                }
                p += l + 1;
        }
}

static bool iface_named(const struct netcfg *cfg, const char *s, size_t len)
{
        if (len == 2 && !memcmp(s, "lo", 2))
                return true;
        for (size_t k = 0; k < cfg->n; k++)
                if (strlen(cfg->ifaces[k].name) == len && !memcmp(cfg->ifaces[k].name, s, len))
                        return true;
        return false;
}

static size_t words(const char *p, size_t l, const char *w[16], size_t wl[16])
{
        size_t n = 0, i = 0;
        while (i < l && n < 16) {
                while (i < l && p[i] == ' ')
                        i++;
                if (i >= l)
                        break;
                w[n] = p + i;
                while (i < l && p[i] != ' ')
                        i++;
                wl[n] = (size_t)(p + i - w[n]);
                n++;
        }
        return n;
}

static void eni(const struct netcfg *cfg, const char *data, size_t len, size_t *routes,
                size_t *addrs)
{
        const char *p = data, *end = data + len;
        bool stanza = false;

        while (p < end) {
                const char *nl = memchr(p, '\n', (size_t)(end - p));
                size_t l = nl ? (size_t)(nl - p) : (size_t)(end - p), n, wl[16];
                const char *w[16];
                CHECK(nl);
                CHECK(printable(p, l));
                n = words(p, l, w, wl);
                if (l == 0 || p[0] == '#') {
                } else if (p[0] != ' ') {
                        CHECK(n >= 2);
                        CHECK(iface_named(cfg, w[1], wl[1]));
                        if (wl[0] == 4 && !memcmp(w[0], "auto", 4))
                                CHECK(n == 2);
                        else {
                                CHECK(wl[0] == 5 && !memcmp(w[0], "iface", 5) && n == 4);
                                stanza = true;
                        }
                } else {
                        CHECK(stanza && n >= 2 && !memcmp(p, "    ", 4));
                        CHECK(in(w[0], wl[0], eni_options));
                        if (wl[0] == 7 && !memcmp(w[0], "address", 7)) {
                                CHECK(n == 2);
                                (*addrs)++;
                        } else if (wl[0] == 2 && !memcmp(w[0], "up", 2)) {
                                CHECK(n >= 5 && wl[1] == 2 && !memcmp(w[1], "ip", 2));
                                if (wl[2] == 4 && !memcmp(w[2], "addr", 4)) {
                                        CHECK(n == 7);
                                        (*addrs)++;
                                } else {
                                        CHECK(wl[2] == 5 && !memcmp(w[2], "route", 5));
                                        CHECK(n == 9 || n == 11);
                                        (*routes)++;
                                }
                        } else if (wl[0] == 7 && !memcmp(w[0], "gateway", 7)) {
                                CHECK(n == 2);
                                (*routes)++;
                        } else if (!(wl[0] > 4 && !memcmp(w[0], "dns-", 4)) &&
                                   !(wl[0] == 12 && !memcmp(w[0], "bridge_ports", 12)))
                                CHECK(n == 2);
                }
                p += l + 1;
        }
}

static void udev(const struct netcfg *cfg, const char *data, size_t len)
{
        static const char head[] = "SUBSYSTEM==\"net\", ACTION==\"add\", DRIVERS==\"?*\", "
                                   "ATTR{address}==\"";
        const char *p = data, *end = data + len;

        while (p < end) {
                const char *nl = memchr(p, '\n', (size_t)(end - p));
                size_t l = nl ? (size_t)(nl - p) : (size_t)(end - p);
                char mac[18], name[16];
                CHECK(nl);
                CHECK(printable(p, l));
                if (l && p[0] != '#') {
                        CHECK(l > sizeof(head) + 17 && !memcmp(p, head, sizeof(head) - 1));
                        memcpy(mac, p + sizeof(head) - 1, 17);
                        mac[17] = 0;
                        CHECK(!valid_mac(mac));
                        const char *rest = p + sizeof(head) - 1 + 17;
                        CHECK(!memcmp(rest, "\", NAME=\"", 9));
                        size_t nlen = (size_t)(p + l - rest) - 10;
                        CHECK(nlen < sizeof(name) && rest[9 + nlen] == '"');
                        memcpy(name, rest + 9, nlen);
                        name[nlen] = 0;
                        CHECK(!valid_ifname(name) && iface_named(cfg, name, nlen));
                }
                p += l + 1;
        }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
        static struct netcfg nc;
        static struct net_file files[NET_FILES_MAX];
        struct node *doc = NULL;
        struct yaml_error err;

        fuzz_quiet();
        if (size > 65536 || yaml_load((const char *)data, size, "fuzz", NULL, &doc, &err) < 0)
                return 0;
        for (int form = 0; form < 2; form++) {
                size_t want_routes = 0, want_addrs = 0;
                memset(&nc, 0, sizeof(nc));
                if ((form == 0 ? netcfg_from_node(doc, &nc) : netcfg_from_openstack(doc, &nc)) < 0)
                        continue;
                CHECK(netcfg_check(&nc) == 0);
                for (size_t k = 0; k < nc.n; k++) {
                        want_routes += nc.ifaces[k].nroutes;
                        want_addrs += nc.ifaces[k].naddrs;
                }
                for (enum net_renderer rend = NET_RENDER_NETWORKD; rend <= NET_RENDER_ENI; rend++) {
                        size_t n = 0, routes = 0, addrs = 0;
                        bool skipped = false;
                        if (net_render(rend, &nc, files, &n) < 0)
                                continue;
                        for (size_t f = 0; f < n; f++) {
                                const char *path = files[f].path;
                                const char *d = files[f].data.data;
                                size_t len = files[f].data.len;
                                CHECK(printable(path, strlen(path)));
                                if (strstr(path, "/udev/"))
                                        udev(&nc, d, len);
                                else if (rend == NET_RENDER_ENI) {
                                        eni(&nc, d, len, &routes, &addrs);
                                        skipped =
                                                strstr(d, "a pattern") || strstr(d, "cannot match");
                                } else
                                        keyfile(d, len, rend == NET_RENDER_NM, &routes, &addrs);
                        }
                        /* a port's (bond/bridge member's) addresses are not
                         * rendered by NM; ENI skips pattern-matched NICs */
                        if (rend == NET_RENDER_NETWORKD) {
                                CHECK(routes == want_routes);
                                CHECK(addrs == want_addrs);
                        } else {
                                CHECK(routes <= want_routes);
                                CHECK(addrs <= want_addrs);
                        }
                        (void)skipped;
                        net_files_done(files, n);
                }
        }
        node_free(doc);
        return 0;
}
