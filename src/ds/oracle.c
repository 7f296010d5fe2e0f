/* SPDX-License-Identifier: Apache-2.0 */
/* Oracle Cloud Infrastructure's instance metadata service (IMDS), read only
 * on a machine whose DMI chassis_asset_tag is OracleCloud.com. As cloud-init's
 * DataSourceOracle: opc/v2/instance/ with "Authorization: Bearer Oracle"
 * first, opc/v1/instance/ (no header) when v2 does not answer, at
 * 169.254.169.254 and then fd00:c1::a9fe:a9fe. The instance document gives
 * the instance-id (id), local-hostname (hostname), availability zone
 * (ociAdName), name (displayName), user-data (metadata.user_data, base64)
 * and the keys (metadata.ssh_authorized_keys). vnics/ gives the network: DHCP
 * (DHCPv6 on an IPv6-only VNIC) on the primary VNIC with MTU 9000, and, with
 * configure_secondary_nics, static addresses on the others. When the
 * initramfs configured the network (/run/net-*.cfg, iSCSI root) the
 * primary NIC is left to it. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "clouds.h"
#include "codec.h"
#include "fs.h"
#include "log.h"
#include "mdsvc.h"
#include "valid.h"

#define MTU 9000

static const char *const default_urls[] = { "http://169.254.169.254",
                                            "http://[fd00:c1::a9fe:a9fe]", NULL };
static const char *const v2_headers[] = { "Authorization: Bearer Oracle", NULL };

/* The prefix length of cidr ("10.0.0.0/24"); -EINVAL when it is none. */
static int cidr_prefix(const char *cidr, unsigned *ret)
{
        const char *slash = cidr ? strrchr(cidr, '/') : NULL;
        uint64_t p;
        int family;

        if (!slash || valid_ip_prefix(cidr, &family) ||
            valid_parse_uint(slash + 1, 0, family == AF_INET6 ? 128 : 32, &p) < 0)
                return -EINVAL;
        *ret = (unsigned)p;
        return 0;
}

static int add_static(struct node *subnets, const char *ip, unsigned prefix)
{
        struct node *s = node_new(NODE_MAP);
        char addr[80];
        int r = node_append(subnets, s);

        (void)snprintf(addr, sizeof(addr), "%s/%u", ip, prefix);
        if (r >= 0)
                r = md_set_str(s, "type", "static");
        if (r >= 0)
                r = md_set_str(s, "address", addr);
        return r;
}

/* One VNIC as a physical entry; 0 and nothing added when it is left out. */
static int add_vnic(const struct ds_ctx *ctx, struct node *config, const struct node *v,
                    size_t idx, bool primary)
{
        const char *mac = node_get_str(v, "macAddr"), *ip = node_get_str(v, "privateIp");
        const struct node *v6 = node_get(v, "ipv6Addresses");
        const char *ip6 = v6 && v6->type == NODE_SEQ && v6->n > 0 ? node_str(v6->items[0]) : NULL;
        bool v6only = node_get_str(v, "ipv6VirtualRouterIp") && !ip;
        char lmac[18], name[16];
        unsigned prefix = 128;
        struct node *e, *subnets;
        int r;

        if (!mac || valid_mac(mac) || strlen(mac) != 17) {
                log_warning("Oracle: vnics[%zu].macAddr is not a MAC address; left out", idx);
                return 0;
        }
        for (size_t i = 0; i < 18; i++)
                lmac[i] = (char)(mac[i] >= 'A' && mac[i] <= 'F' ? mac[i] - 'A' + 'a' : mac[i]);
        if (md_ifname_by_mac(ctx->root_fd, lmac, name, sizeof(name)) < 0) {
                log_warning("Oracle: no interface has MAC %s (vnics[%zu]); skipped", lmac, idx);
                return 0;
        }
        if (!primary) {
                /* cloud-init takes the prefix length of subnetCidrBlock, or
                 * of the address itself on an IPv6-only VNIC */
                if ((ip && valid_ip(ip, NULL)) || (ip6 && valid_ip(ip6, NULL)) ||
                    (!v6only && cidr_prefix(node_get_str(v, "subnetCidrBlock"), &prefix) < 0)) {
                        log_warning("Oracle: vnics[%zu] has no valid privateIp, ipv6Addresses "
                                    "or subnetCidrBlock; left out",
                                    idx);
                        return 0;
                }
        }
        e = node_new(NODE_MAP);
        subnets = node_new(NODE_SEQ);
        r = node_append(config, e);
        if (r >= 0)
                r = md_set_str(e, "name", name);
        if (r >= 0)
                r = md_set_str(e, "type", "physical");
        if (r >= 0)
                r = md_set_str(e, "mac_address", lmac);
        if (r >= 0)
                r = node_set(e, "mtu", node_new_int(MTU));
        if (r >= 0)
                r = node_set(e, "subnets", subnets);
        else
                node_free(subnets);
        if (r >= 0 && primary) {
                struct node *s = node_new(NODE_MAP);
                r = node_append(subnets, s);
                if (r >= 0)
                        r = md_set_str(s, "type", v6only ? "dhcp6" : "dhcp");
        } else if (r >= 0) {
                if (ip)
                        r = add_static(subnets, ip, prefix);
                if (r >= 0 && ip6)
                        r = add_static(subnets, ip6, prefix);
        }
        return r;
}

int oracle_netcfg(const struct ds_ctx *ctx, const struct node *vnics, bool set_primary,
                  bool set_secondary, struct ds_result *res)
{
        _cleanup_node_ struct node *doc = node_new(NODE_MAP);
        struct node *config = node_new(NODE_SEQ);
        int r = doc ? node_set(doc, "config", config) : -ENOMEM;

        if (r < 0) {
                node_free(config);
                return r;
        }
        r = node_set(doc, "version", node_new_int(1));
        if (r < 0 || !vnics || vnics->type != NODE_SEQ || vnics->n == 0)
                return r;
        if (!set_primary && node_get(vnics->items[0], "nicIndex")) {
                log_warning("Oracle: the VNIC metadata says this is a bare metal machine; "
                            "the secondary VNICs are not configured");
                return 0;
        }
        for (size_t i = set_primary ? 0 : 1; i < vnics->n && r >= 0; i++)
                if (i == 0 || set_secondary)
                        r = add_vnic(ctx, config, vnics->items[i], i, set_primary && i == 0);
        if (r >= 0 && config->n > 0)
                r = md_set_netcfg(res, doc);
        return r;
}

/* The initramfs (klibc ipconfig) configured the network: /run/net-*.cfg. */
static bool initramfs_network(int root_fd)
{
        char **names = NULL;
        size_t n = 0;

        if (fs_list_dir(root_fd, "/run", "net-*.cfg", 16, &names, &n) < 0)
                return false;
        fs_list_free(names, n);
        return n > 0;
}

static int oracle_probe(const struct ds_ctx *ctx, struct ds_result *res)
{
        const struct node *cfg = node_get_path(ctx->syscfg, "datasource.Oracle");
        bool secondary = node_get_bool(cfg, "configure_secondary_nics", false);
        bool primary = !initramfs_network(ctx->root_fd);
        _cleanup_node_ struct node *inst = NULL, *vnics = NULL;
        const char *base = NULL, *s, *version = NULL;
        const struct node *meta, *ud;
        char buf[512], path[32];
        struct ds_net n;
        int r = -ENOENT;

        if (ds_net_setup(ctx, &ds_oracle, default_urls, &n) < 0)
                return -ENOENT;
        /* v2 everywhere first, then v1, as cloud-init asks */
        for (int v = 2; v >= 1 && r < 0; v--)
                for (size_t i = 0; i < n.nurls && r < 0; i++) {
                        base = n.urls[i];
                        version = v == 2 ? "opc/v2" : "opc/v1";
                        (void)snprintf(path, sizeof(path), "%s/instance/", version);
                        r = md_get_json(&n, base, path, v == 2 ? v2_headers : NULL,
                                        DS_METADATA_MAX + ctx->user_data_max * 2, &inst);
                        if (r < 0)
                                log_warning_errno(r, "Oracle: no instance metadata at %s/%s: %m",
                                                  base, path);
                }
        if (r < 0)
                return -ENOENT;
        s = md_scalar(node_get(inst, "id"), buf, sizeof(buf));
        if (!s) {
                log_warning("Oracle: %s/%s/instance/ has no id", base, version);
                return -ENOENT;
        }
        res->md = node_new(NODE_MAP);
        r = res->md ? md_set_str(res->md, "instance-id", s) : -ENOMEM;
        if (r >= 0)
                r = md_set_scalar(res->md, "availability-zone", node_get(inst, "ociAdName"));
        if (r >= 0)
                r = node_set(res->md, "launch-index", node_new_int(0));
        if (r >= 0)
                r = md_set_scalar(res->md, "local-hostname", node_get(inst, "hostname"));
        if (r >= 0)
                r = md_set_scalar(res->md, "name", node_get(inst, "displayName"));
        meta = node_get(inst, "metadata");
        if (r >= 0 && node_get(meta, "ssh_authorized_keys"))
                r = node_set(res->md, "public-keys", node_copy(node_get(meta, "ssh_authorized_keys")));
        if (r < 0)
                return r;
        ud = node_get(meta, "user_data");
        if (node_str(ud) && ud->len > 0 &&
            b64_decode(ud->str, ud->len, ctx->user_data_max, &res->ud, &res->ud_len) < 0)
                log_warning("Oracle: metadata.user_data of %s/%s/instance/ is not base64 or too "
                            "large; not used",
                            base, version);
        if (primary || secondary) {
                (void)snprintf(path, sizeof(path), "%s/vnics/", version);
                r = md_get_doc(&n, base, path, streq(version, "opc/v2") ? v2_headers : NULL,
                               DS_METADATA_MAX, NODE_SEQ, &vnics);
                if (r < 0)
                        log_warning("Oracle: cannot read %s/%s; no network configuration from "
                                    "the IMDS",
                                    base, path);
                else if ((r = oracle_netcfg(ctx, vnics, primary, secondary, res)) < 0)
                        return r;
        }
        r = ds_net_result(res, "oracle", base, "instance/metadata/user_data");
        if (r >= 0) {
                /* cloud-init's metadata_address: the versioned base */
                (void)snprintf(buf, sizeof(buf), "metadata (%s/%s/)", res->seed, version);
                r = md_set_subplatform(res, buf);
        }
        if (r >= 0)
                log_info("Oracle: instance %s from %s/%s/", res->iid, base, version);
        return r;
}

const struct datasource ds_oracle = {
        .name = "Oracle",
        .local = false,
        .cloud = "oracle",
        .probe = oracle_probe,
        .ephemeral = DS_EPHEMERAL_DHCP,
};
