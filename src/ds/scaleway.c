/* SPDX-License-Identifier: Apache-2.0 */
/* Scaleway's instance metadata API at http://169.254.42.42 (then
 * http://[fd00:42::42]), read only on a machine whose DMI sys_vendor is
 * Scaleway, or with "scaleway" on the kernel command line, or
 * /var/run/scaleway. As cloud-init's DataSourceScaleway: conf?format=json is
 * the metadata (id: the instance-id, hostname, zone: the availability zone,
 * its region the zone without the last "-part"), the keys are
 * ssh_public_keys[].key and the tags "AUTHORIZED_KEY=ssh-rsa_AAAA..." with _
 * for blanks; user_data/cloud-init and vendor_data/cloud-init are asked from a
 * privileged source port (below 1024: the service gives them only to root),
 * and a 404 there means none. The network: the fallback NIC gets DHCPv4 for
 * the public IPv4 and the IPv6 addresses with their default route
 * (version 2). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "clouds.h"
#include "log.h"
#include "mdsvc.h"
#include "valid.h"

static const char *const default_urls[] = { "http://169.254.42.42", "http://[fd00:42::42]", NULL };

/* base/path from a privileged port: 0 and *ret NULL on 404. */
static int get_data(const struct ds_net *n, const char *base, const char *path, size_t max,
                    char **ret, size_t *ret_len)
{
        struct http_request req = { .body_max = max, .timeout_ms = n->timeout_ms,
                                    .privileged_port = true };
        struct http_response resp;
        char url[DS_NET_URL_LEN + 64];
        int r;

        (void)snprintf(url, sizeof(url), "%s/%s", base, path);
        r = http_fetch(url, &req, &n->retry, &resp);
        if (r < 0)
                return log_warning_errno(r, "Scaleway: cannot read %s: %m", url);
        if (resp.status == 404) {
                http_response_done(&resp);
                *ret = NULL;
                *ret_len = 0;
                return 0;
        }
        if (resp.status != 200) {
                log_warning("Scaleway: %s answers HTTP %ld", url, resp.status);
                http_response_done(&resp);
                return -EPROTO;
        }
        *ret = TAKE_PTR(resp.body);
        *ret_len = resp.len;
        http_response_done(&resp);
        return 0;
}

static int add_keys(struct node *md, const struct node *conf)
{
        const struct node *keys = node_get(conf, "ssh_public_keys"), *tags = node_get(conf, "tags");
        struct node *list = node_new(NODE_SEQ);
        int r = node_set(md, "public-keys", list);

        for (size_t i = 0; keys && keys->type == NODE_SEQ && i < keys->n && r >= 0; i++) {
                const char *k = node_get_str(keys->items[i], "key");
                if (k)
                        r = node_append(list, node_new_str(k));
        }
        for (size_t i = 0; tags && tags->type == NODE_SEQ && i < tags->n && r >= 0; i++) {
                const char *t = node_str(tags->items[i]);
                struct node *k;
                if (!t || !startswith(t, "AUTHORIZED_KEY="))
                        continue;
                k = node_new_str(t + strlen("AUTHORIZED_KEY="));
                for (size_t c = 0; k && c < k->len; c++)
                        if (k->str[c] == '_')
                                k->str[c] = ' ';
                r = node_append(list, k);
        }
        return r;
}

int scaleway_netcfg(const struct ds_ctx *ctx, const struct node *conf, struct ds_result *res)
{
        const struct node *ips = node_get(conf, "public_ips");
        _cleanup_node_ struct node *doc = node_new(NODE_MAP);
        struct node *eths = node_new(NODE_MAP), *cfg = node_new(NODE_MAP);
        struct node *addrs = node_new(NODE_SEQ), *routes = node_new(NODE_SEQ);
        char nic[16], addr[96], buf[16];
        int r;

        if (md_fallback_nic(ctx->root_fd, nic, sizeof(nic)) < 0) {
                log_warning("Scaleway: no NIC for the network configuration of the metadata");
                node_free(eths), node_free(cfg), node_free(addrs), node_free(routes);
                return 0;
        }
        r = doc ? node_set(doc, "version", node_new_int(2)) : -ENOMEM;
        if (r >= 0)
                r = node_set(doc, "ethernets", eths);
        else
                node_free(eths);
        if (r >= 0)
                r = node_set(eths, nic, cfg);
        else
                node_free(cfg);
        for (size_t i = 0; ips && ips->type == NODE_SEQ && i < ips->n && r >= 0; i++) {
                const struct node *ip = ips->items[i];
                const char *a = node_get_str(ip, "address"), *fam = node_get_str(ip, "family");
                const char *mask = md_scalar(node_get(ip, "netmask"), buf, sizeof(buf));
                const char *gw = node_get_str(ip, "gateway");
                unsigned prefix;

                if (streq_ptr(fam, "inet")) {
                        /* the address the DHCP lease gives */
                        struct node *rt = node_new(NODE_MAP);
                        r = node_set(cfg, "dhcp4", node_new_bool(true));
                        if (r >= 0)
                                r = node_append(routes, rt);
                        else
                                node_free(rt);
                        if (r >= 0)
                                r = node_set(rt, "on-link", node_new_bool(true));
                        if (r >= 0)
                                r = md_set_str(rt, "to", "169.254.42.42/32");
                        if (r >= 0)
                                r = md_set_str(rt, "via", "62.210.0.1");
                        continue;
                }
                if (!a || valid_ip(a, NULL) || !mask || valid_parse_netmask(mask, 128, &prefix) < 0 ||
                    (gw && valid_ip(gw, NULL))) {
                        log_warning("Scaleway: public_ips[%zu] has no valid address, netmask "
                                    "and gateway; left out",
                                    i);
                        continue;
                }
                (void)snprintf(addr, sizeof(addr), "%s/%u", a, prefix);
                r = node_append(addrs, node_new_str(addr));
                if (r >= 0 && gw) {
                        struct node *rt = node_new(NODE_MAP);
                        r = node_append(routes, rt);
                        if (r >= 0)
                                r = md_set_str(rt, "via", gw);
                        if (r >= 0)
                                r = md_set_str(rt, "to", "::/0");
                }
        }
        if (r >= 0 && addrs->n > 0) {
                r = node_set(cfg, "addresses", TAKE_PTR(addrs));
        }
        if (r >= 0 && routes->n > 0)
                r = node_set(cfg, "routes", TAKE_PTR(routes));
        node_free(addrs);
        node_free(routes);
        if (r >= 0 && cfg->n > 0)
                r = md_set_netcfg(res, doc);
        return r;
}

static int scaleway_probe(const struct ds_ctx *ctx, struct ds_result *res)
{
        _cleanup_node_ struct node *conf = NULL;
        const char *base = NULL, *s, *zone;
        char buf[256];
        struct ds_net n;
        int r = -ENOENT;

        if (ds_net_setup(ctx, &ds_scaleway, default_urls, &n) < 0)
                return -ENOENT;
        for (size_t i = 0; i < n.nurls && r < 0; i++) {
                base = n.urls[i];
                r = md_get_json(&n, base, "conf?format=json", NULL, DS_METADATA_MAX, &conf);
                if (r < 0)
                        log_warning_errno(r, "Scaleway: no metadata at %s/conf?format=json: %m",
                                          base);
        }
        if (r < 0)
                return -ENOENT;
        s = md_scalar(node_get(conf, "id"), buf, sizeof(buf));
        if (!s) {
                log_warning("Scaleway: %s/conf has no id", base);
                return -ENOENT;
        }
        res->md = node_new(NODE_MAP);
        r = res->md ? md_set_str(res->md, "instance-id", s) : -ENOMEM;
        if (r >= 0)
                r = md_set_scalar(res->md, "local-hostname", node_get(conf, "hostname"));
        zone = node_get_str(conf, "zone");
        if (r >= 0 && zone && !valid_line(zone, 64)) {
                const char *dash = strrchr(zone, '-');
                r = md_set_str(res->md, "availability-zone", zone);
                if (r >= 0)
                        r = node_set(res->md, "region",
                                     node_new_strn(zone, dash ? (size_t)(dash - zone) : 0));
        }
        if (r >= 0)
                r = add_keys(res->md, conf);
        if (r >= 0)
                r = get_data(&n, base, "user_data/cloud-init", ctx->user_data_max, &res->ud,
                             &res->ud_len);
        if (r >= 0)
                r = get_data(&n, base, "vendor_data/cloud-init", ctx->user_data_max, &res->vd,
                             &res->vd_len);
        if (r < 0 && r != -ENOMEM)
                return -ENOENT;
        if (r >= 0)
                r = scaleway_netcfg(ctx, conf, res);
        if (r >= 0)
                r = ds_net_result(res, "scaleway", base, "user_data/cloud-init");
        if (r >= 0)
                r = md_set_subplatform(res, "unknown");
        if (r >= 0)
                log_info("Scaleway: instance %s from %s", res->iid, base);
        return r;
}

const struct datasource ds_scaleway = {
        .name = "Scaleway",
        .local = false,
        .cloud = "scaleway",
        .probe = scaleway_probe,
        .ephemeral = DS_EPHEMERAL_DHCP,
};
