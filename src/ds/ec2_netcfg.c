/* SPDX-License-Identifier: Apache-2.0 */
/* EC2 network config (see ec2_netcfg.h). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "buf.h"
#include "ec2_netcfg.h"
#include "json.h"
#include "log.h"
#include "valid.h"

struct nic {
        char mac[18];
        uint64_t card, dev; /* UINT64_MAX: not given (sorts last, as cloud-init's infinity) */
        const struct node *md;
};

static int cmp_nic(const void *a, const void *b)
{
        const struct nic *x = a, *y = b;
        if (x->card != y->card)
                return x->card < y->card ? -1 : 1;
        if (x->dev != y->dev)
                return x->dev < y->dev ? -1 : 1;
        return strcmp(x->mac, y->mac);
}

static uint64_t number(const struct node *nic, const char *key, const char *mac)
{
        const char *s = node_get_str(nic, key);
        uint64_t v;

        if (!s)
                return UINT64_MAX;
        if (valid_parse_uint(s, 0, 65535, &v) < 0) {
                log_warning("Ec2: network/interfaces/macs/%s/%s is not a number; ignored", mac,
                            key);
                return UINT64_MAX;
        }
        return v;
}

/* The n-th line of a meta-data list value ("10.0.0.5\n10.0.0.6"); its length. */
static size_t nth_line(const char *s, size_t n, const char **ret)
{
        for (size_t i = 0; s && *s; i++) {
                size_t len = strcspn(s, "\n");
                if (i == n) {
                        *ret = s;
                        return len;
                }
                s += len + (s[len] == '\n');
        }
        return 0;
}

/* The prefix of a subnet CIDR block, or def (with a warning, as cloud-init's). */
static unsigned prefix_of(const struct node *nic, const char *key, const char *mac, int family,
                          unsigned def)
{
        const char *cidr = node_get_str(nic, key), *slash = cidr ? strchr(cidr, '/') : NULL;
        uint64_t p;
        int fam;

        if (!cidr || !slash || valid_ip_prefix(cidr, &fam) || fam != family ||
            valid_parse_uint(slash + 1, 0, family == AF_INET ? 32 : 128, &p) < 0) {
                log_warning("Ec2: cannot parse %s of %s; the secondary addresses get /%u", key,
                            mac, def);
                return def;
        }
        return (unsigned)p;
}

/* Secondary addresses of one family: lines 2.. of key. */
static int add_secondary(struct node *addrs, const struct node *nic, const char *key,
                         const char *cidr_key, const char *mac, int family, unsigned def)
{
        const char *list = node_get_str(nic, key), *ip;
        unsigned prefix = 0;
        bool have_prefix = false;
        int r = 0;

        for (size_t n = 1; r >= 0; n++) {
                char addr[64], buf[80];
                size_t len = nth_line(list, n, &ip);
                int fam;

                if (len == 0)
                        break;
                if (!have_prefix) {
                        prefix = prefix_of(nic, cidr_key, mac, family, def);
                        have_prefix = true;
                }
                (void)snprintf(addr, sizeof(addr), "%.*s", (int)(len < 63 ? len : 63), ip);
                if (len >= 63 || valid_ip(addr, &fam) || fam != family) {
                        log_warning("Ec2: network/interfaces/macs/%s/%s: a line is not an IP "
                                    "address; left out",
                                    mac, key);
                        continue;
                }
                (void)snprintf(buf, sizeof(buf), "%s/%u", addr, prefix);
                r = node_append(addrs, node_new_str(buf));
        }
        return r;
}

/* sorted, as cloud-init's sorted() of the strings */
static int cmp_node_str(const void *a, const void *b)
{
        return strcmp((*(struct node *const *)a)->str, (*(struct node *const *)b)->str);
}

static struct node *nic_config(const struct nic *n, size_t place, bool many, bool full)
{
        _cleanup_node_ struct node *d = node_new(NODE_MAP);
        struct node *match = node_new(NODE_MAP), *addrs = NULL;
        bool v6 = node_get_str(n->md, "ipv6s") && node_get_str(n->md, "ipv6s")[0];
        int r = d && match ? 0 : -ENOMEM;

        if (r >= 0)
                r = node_set(d, "dhcp4", node_new_bool(true));
        if (r >= 0 && many) {
                struct node *o = node_new(NODE_MAP);
                r = o ? node_set(o, "route-metric", node_new_int((long long)(place + 1) * 100))
                      : -ENOMEM;
                if (r >= 0 && v6)
                        r = node_set(d, "dhcp6-overrides", node_copy(o));
                r = r >= 0 ? node_set(d, "dhcp4-overrides", o) : (node_free(o), r);
        }
        if (r >= 0)
                r = node_set(d, "dhcp6", node_new_bool(v6));
        if (r >= 0)
                r = node_set(match, "macaddress", node_new_str(n->mac));
        else
                node_free(match);
        if (r >= 0)
                r = node_set(d, "match", match);
        if (r >= 0 && full) {
                addrs = node_new(NODE_SEQ);
                r = addrs ? add_secondary(addrs, n->md, "local-ipv4s", "subnet-ipv4-cidr-block",
                                          n->mac, AF_INET, 24)
                          : -ENOMEM;
                if (r >= 0)
                        r = add_secondary(addrs, n->md, "ipv6s", "subnet-ipv6-cidr-block", n->mac,
                                          AF_INET6, 128);
                if (r >= 0 && addrs->n > 0) {
                        qsort(addrs->items, addrs->n, sizeof(*addrs->items), cmp_node_str);
                        r = node_set(d, "addresses", TAKE_PTR(addrs));
                }
                node_free(addrs);
        }
        return r < 0 ? NULL : TAKE_PTR(d);
}

int ec2_network_config(const struct node *md, bool full, char **ret, size_t *ret_len)
{
        const struct node *macs = node_get_path(md, "network.interfaces.macs");
        _cleanup_node_ struct node *doc = node_new(NODE_MAP);
        struct node *eth = node_new(NODE_MAP);
        struct nic nics[EC2_NICS_MAX];
        struct buf b = BUF_INIT(256 * 1024);
        size_t n = 0;
        int r = doc && eth ? 0 : -ENOMEM;

        for (size_t k = 0; r >= 0 && macs && macs->type == NODE_MAP && k + 1 < macs->n; k += 2) {
                const char *mac = macs->items[k]->str;
                if (macs->items[k + 1]->type != NODE_MAP)
                        continue;
                if (!mac || valid_mac(mac) || strlen(mac) != 17) {
                        log_warning("Ec2: network/interfaces/macs/ has an entry that is not a MAC "
                                    "address; left out");
                        continue;
                }
                if (n >= EC2_NICS_MAX) {
                        log_warning("Ec2: more than %d NICs in the meta-data; the rest are left "
                                    "out",
                                    EC2_NICS_MAX);
                        break;
                }
                for (size_t c = 0; c < 18; c++)
                        nics[n].mac[c] = (char)(mac[c] >= 'A' && mac[c] <= 'F' ? mac[c] + 32
                                                                              : mac[c]);
                nics[n].md = macs->items[k + 1];
                nics[n].card = number(nics[n].md, "network-card", nics[n].mac);
                nics[n].dev = number(nics[n].md, "device-number", nics[n].mac);
                n++;
        }
        if (r >= 0 && n == 0)
                r = -ENOENT;
        if (r < 0) {
                node_free(eth);
                return r;
        }
        qsort(nics, n, sizeof(*nics), cmp_nic);
        if (!full)
                n = 1;
        for (size_t i = 0; i < n && r >= 0; i++) {
                char id[24]; /* "eth" and any size_t */
                (void)snprintf(id, sizeof(id), "eth%zu", i);
                r = node_set(eth, id, nic_config(&nics[i], i, n > 1, full));
        }
        if (r >= 0)
                r = node_set(doc, "version", node_new_int(2));
        r = r >= 0 ? node_set(doc, "ethernets", eth) : (node_free(eth), r);
        if (r >= 0)
                r = json_write(&b, doc, 2);
        if (r < 0) {
                buf_free(&b);
                return r;
        }
        *ret = buf_steal(&b, ret_len);
        return 0;
}
