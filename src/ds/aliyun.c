/* SPDX-License-Identifier: Apache-2.0 */
/* Alibaba Cloud ECS's instance metadata service at http://100.100.100.200,
 * read only on a machine whose DMI product_name is "Alibaba Cloud ECS". As
 * cloud-init's DataSourceAliYun: a session token first (PUT latest/api/token
 * with X-aliyun-ecs-metadata-token-ttl-seconds: 21600; none: the endpoint is
 * taken as disabled), then with X-aliyun-ecs-metadata-token the API version
 * 2016-01-01: meta-data/all (one JSON document: instance-id, hostname,
 * public-keys, network...), user-data and vendor-data (404: none). The
 * network (version 2): DHCPv4 on each NIC the metadata lists by MAC (DHCPv6
 * too when it has ipv6s), named as /sys/class/net names it. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clouds.h"
#include "log.h"
#include "mdsvc.h"
#include "valid.h"

#define API_VERSION "2016-01-01"
#define TOKEN_HEADER "X-aliyun-ecs-metadata-token: "
#define TOKEN_MAX 512

static const char *const default_urls[] = { "http://100.100.100.200", NULL };

struct ecs {
        char header[sizeof(TOKEN_HEADER) + TOKEN_MAX];
        const char *headers[2];
};

static int get_token(const struct ds_net *n, const char *base, struct ecs *e)
{
        static const char *const ttl[] = { "X-aliyun-ecs-metadata-token-ttl-seconds: 21600", NULL };
        struct http_response resp;
        size_t len;
        int r = md_get(n, base, "latest/api/token", "PUT", ttl, TOKEN_MAX, &resp);

        if (r < 0)
                return log_warning_errno(r, "AliYun: no API token from %s/latest/api/token (the "
                                            "IMDS HTTP endpoint is probably disabled): %m",
                                         base);
        len = resp.len;
        while (len > 0 && (resp.body[len - 1] == '\n' || resp.body[len - 1] == ' '))
                len--;
        if (len == 0 || strcspn(resp.body, "\r\n") < len) {
                log_warning("AliYun: %s/latest/api/token gives no usable token", base);
                http_response_done(&resp);
                return -EBADMSG;
        }
        (void)snprintf(e->header, sizeof(e->header), TOKEN_HEADER "%.*s", (int)len, resp.body);
        e->headers[0] = e->header;
        e->headers[1] = NULL;
        http_response_done(&resp);
        return 0;
}

/* user-data or vendor-data: 0 with nothing on a 404 */
static int get_data(const struct ds_net *n, const char *base, const struct ecs *e,
                    const char *item, size_t max, char **ret, size_t *ret_len)
{
        struct http_response resp;
        int r = md_get(n, base, item, NULL, e->headers, max, &resp);

        if (r == -ENOENT)
                return 0;
        if (r < 0)
                return log_warning_errno(r, "AliYun: cannot read %s/%s: %m", base, item);
        *ret = TAKE_PTR(resp.body);
        *ret_len = resp.len;
        http_response_done(&resp);
        return 0;
}

/* public-keys {name: {openssh-key: KEY or [KEYS]} or KEY or [KEYS]} as a list,
 * as cloud-init's parse_public_keys reads it. */
static struct node *keys_list(const struct node *pk)
{
        struct node *l = node_new(NODE_SEQ);
        int r = 0;

        for (size_t i = 1; l && pk && pk->type == NODE_MAP && i < pk->n && r >= 0; i += 2) {
                const struct node *v = pk->items[i];
                if (v->type == NODE_MAP)
                        v = node_get(v, "openssh-key");
                if (node_str(v))
                        r = node_append(l, node_new_str(v->str));
                else if (v && v->type == NODE_SEQ)
                        for (size_t k = 0; k < v->n && r >= 0; k++)
                                if (node_str(v->items[k]))
                                        r = node_append(l, node_new_str(v->items[k]->str));
        }
        return r < 0 ? node_free(l) : l;
}

/* The NICs of <root>/sys/class/net that the metadata lists by MAC. */
int aliyun_netcfg(const struct ds_ctx *ctx, const struct node *md, struct ds_result *res)
{
        const struct node *macs = node_get_path(node_get(md, "network"), "interfaces.macs");
        _cleanup_node_ struct node *doc = node_new(NODE_MAP);
        struct node *eths = node_new(NODE_MAP);
        int r;

        if (!macs || macs->type != NODE_MAP) {
                node_free(eths);
                log_warning("AliYun: the metadata has no network.interfaces.macs; no network "
                            "configuration from it");
                return 0;
        }
        r = doc ? node_set(doc, "version", node_new_int(2)) : -ENOMEM;
        if (r >= 0)
                r = node_set(doc, "ethernets", eths);
        else
                node_free(eths);
        for (size_t i = 0; i + 1 < macs->n && r >= 0; i += 2) {
                const char *mac = node_str(macs->items[i]);
                char name[16], lmac[18];
                struct node *d, *match;

                if (!mac || valid_mac(mac) || strlen(mac) != 17) {
                        log_warning("AliYun: network.interfaces.macs has a key that is not a MAC "
                                    "address; left out");
                        continue;
                }
                if (md_ifname_by_mac(ctx->root_fd, mac, name, sizeof(name)) < 0)
                        continue; /* not a NIC of this machine */
                for (size_t c = 0; c < sizeof(lmac); c++)
                        lmac[c] = (char)(mac[c] >= 'A' && mac[c] <= 'F' ? mac[c] - 'A' + 'a' : mac[c]);
                d = node_new(NODE_MAP);
                match = node_new(NODE_MAP);
                r = node_set(eths, name, d);
                if (r >= 0)
                        r = node_set(d, "dhcp4", node_new_bool(true));
                if (r >= 0)
                        r = node_set(d, "dhcp6", node_new_bool(node_get(macs->items[i + 1], "ipv6s") != NULL));
                if (r >= 0)
                        r = node_set(d, "match", match);
                else
                        node_free(match);
                if (r >= 0)
                        r = node_set(match, "macaddress", node_new_str(lmac));
                if (r >= 0)
                        r = node_set(d, "set-name", node_new_str(name));
        }
        if (r >= 0 && eths->n > 0)
                r = md_set_netcfg(res, doc);
        return r;
}

static int aliyun_probe(const struct ds_ctx *ctx, struct ds_result *res)
{
        _cleanup_node_ struct node *md = NULL;
        struct node *keys;
        const char *base = NULL;
        char buf[256];
        struct ds_net n;
        struct ecs e = { 0 };
        int r = -ENOENT;

        if (ds_net_setup(ctx, &ds_aliyun, default_urls, &n) < 0)
                return -ENOENT;
        for (size_t i = 0; i < n.nurls && r < 0; i++) {
                base = n.urls[i];
                r = get_token(&n, base, &e);
        }
        if (r < 0)
                return -ENOENT;
        r = md_get_json(&n, base, API_VERSION "/meta-data/all", e.headers, DS_METADATA_MAX, &md);
        if (r < 0) {
                log_warning_errno(r, "AliYun: cannot read %s/" API_VERSION "/meta-data/all: %m", base);
                r = -ENOENT;
                goto out;
        }
        if (!md_scalar(node_get(md, "instance-id"), buf, sizeof(buf))) {
                log_warning("AliYun: %s/" API_VERSION "/meta-data/all has no instance-id", base);
                r = -ENOENT;
                goto out;
        }
        r = node_set(md, "instance-id", node_new_str(buf));
        if (r >= 0 && md_scalar(node_get(md, "hostname"), buf, sizeof(buf)))
                r = node_set(md, "local-hostname", node_new_str(buf));
        if (r >= 0 && node_get(md, "public-keys")) {
                keys = keys_list(node_get(md, "public-keys"));
                r = keys ? node_set(md, "public-keys", keys) : -ENOMEM;
        }
        if (r >= 0)
                r = get_data(&n, base, &e, API_VERSION "/user-data", ctx->user_data_max, &res->ud,
                             &res->ud_len);
        if (r >= 0)
                r = get_data(&n, base, &e, API_VERSION "/vendor-data", ctx->user_data_max, &res->vd,
                             &res->vd_len);
        if (r < 0 && r != -ENOMEM) {
                r = -ENOENT;
                goto out;
        }
        res->md = TAKE_PTR(md);
        if (r >= 0)
                r = aliyun_netcfg(ctx, res->md, res);
        if (r >= 0)
                r = ds_net_result(res, "aliyun", base, API_VERSION "/user-data");
        if (r >= 0)
                log_info("AliYun: instance %s from %s", res->iid, base);
out:
        explicit_bzero(e.header, sizeof(e.header));
        return r;
}

const struct datasource ds_aliyun = {
        .name = "AliYun",
        .local = false,
        .cloud = "aliyun",
        .probe = aliyun_probe,
        .ephemeral = DS_EPHEMERAL_DHCP,
};
