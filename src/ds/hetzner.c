/* SPDX-License-Identifier: Apache-2.0 */
/* Hetzner Cloud's metadata service, http://169.254.169.254/hetzner/v1/, read
 * only on a machine whose DMI sys_vendor is Hetzner. As cloud-init's
 * DataSourceHetzner: metadata is a YAML mapping (instance-id, hostname,
 * public-keys, network-config in version 1, vendor_data),
 * metadata/private-networks a YAML list of the private networks (each gets
 * DHCP on the NIC with its MAC), userdata the user-data (base64 decoded when
 * all of it is base64; HTTP 204: none). The instance-id must be the DMI
 * product_serial, as cloud-init checks it. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clouds.h"
#include "log.h"
#include "mdsvc.h"
#include "valid.h"
#include "yaml.h"

static const char *const default_urls[] = { "http://169.254.169.254/hetzner/v1", NULL };

/* Each private network: DHCPv4 on the NIC that has its MAC, as cloud-init
 * adds them to the network-config of the metadata. */
static int add_private(const struct ds_ctx *ctx, struct node *config, const struct node *pn)
{
        for (size_t i = 0; pn && pn->type == NODE_SEQ && i < pn->n; i++) {
                const char *mac = node_get_str(pn->items[i], "mac_address");
                struct node *e, *subnets, *dhcp;
                char name[16];
                int r;

                if (!mac || valid_mac(mac)) {
                        log_warning("Hetzner: private-networks[%zu].mac_address is not a MAC "
                                    "address; left out",
                                    i);
                        continue;
                }
                if (md_ifname_by_mac(ctx->root_fd, mac, name, sizeof(name)) < 0) {
                        log_warning("Hetzner: no interface has MAC %s (private-networks[%zu]); "
                                    "left out",
                                    mac, i);
                        continue;
                }
                e = node_new(NODE_MAP);
                subnets = node_new(NODE_SEQ);
                dhcp = node_new(NODE_MAP);
                r = node_append(config, e);
                if (r >= 0)
                        r = md_set_str(e, "type", "physical");
                if (r >= 0)
                        r = md_set_str(e, "mac_address", mac);
                if (r >= 0)
                        r = md_set_str(e, "name", name);
                if (r >= 0)
                        r = node_set(e, "subnets", subnets);
                else
                        node_free(subnets);
                if (r >= 0)
                        r = node_append(subnets, dhcp);
                else
                        node_free(dhcp);
                if (r >= 0)
                        r = node_set(dhcp, "ipv4", node_new_bool(true));
                if (r >= 0)
                        r = md_set_str(dhcp, "type", "dhcp");
                if (r < 0)
                        return r;
        }
        return 0;
}

int hetzner_netcfg(const struct ds_ctx *ctx, const struct node *md, struct ds_result *res)
{
        const struct node *given = node_get(md, "network-config");
        _cleanup_node_ struct node *doc = NULL;
        struct node *config;
        int r;

        if (!given || given->type != NODE_MAP) {
                log_warning("Hetzner: the metadata has no network-config; no network "
                            "configuration from it");
                return 0;
        }
        doc = node_copy(given);
        if (!doc)
                return -ENOMEM;
        config = node_get(doc, "config");
        if (config && config->type == NODE_SEQ) {
                r = add_private(ctx, config, node_get(md, "private-networks"));
                if (r < 0)
                        return r;
        }
        /* what it says is checked, value by value, when the network
         * configuration is read (netcfg_from_node) */
        return md_set_netcfg(res, doc);
}

/* base/path as YAML; NULL when it is not there or broken (logged). */
static struct node *get_yaml(const struct ds_net *n, const char *base, const char *path,
                             bool want_map)
{
        struct http_response resp;
        struct yaml_error err;
        struct node *doc = NULL;
        char name[DS_NET_URL_LEN + 64];
        int r = md_get(n, base, path, NULL, NULL, DS_METADATA_MAX, &resp);

        (void)snprintf(name, sizeof(name), "%s/%s", base, path);
        if (r < 0) {
                log_warning_errno(r, "Hetzner: cannot read %s: %m", name);
                return NULL;
        }
        r = yaml_load(resp.body, resp.len, name, NULL, &doc, &err);
        http_response_done(&resp);
        if (r < 0) {
                log_warning("%s:%u:%u: %s", name, err.line, err.col, err.msg);
                return NULL;
        }
        if (doc->type != (want_map ? NODE_MAP : NODE_SEQ)) {
                log_warning("%s: not a YAML %s", name, want_map ? "mapping" : "list");
                return node_free(doc);
        }
        return doc;
}

static int hetzner_probe(const struct ds_ctx *ctx, struct ds_result *res)
{
        const char *serial = ctx->plat ? ctx->plat->dmi[DMI_PRODUCT_SERIAL] : "";
        struct http_response ud = { 0 };
        _cleanup_node_ struct node *md = NULL;
        struct node *pn;
        const char *base = NULL;
        char buf[256], name[DS_NET_URL_LEN + 64];
        const char *iid, *host;
        struct ds_net n;
        int r;

        if (ds_net_setup(ctx, &ds_hetzner, default_urls, &n) < 0)
                return -ENOENT;
        for (size_t i = 0; i < n.nurls && !md; i++) {
                base = n.urls[i];
                md = get_yaml(&n, base, "metadata", /* want_map= */ true);
        }
        if (!md)
                return -ENOENT;
        iid = md_scalar(node_get(md, "instance-id"), buf, sizeof(buf));
        if (!iid) {
                log_warning("Hetzner: %s/metadata has no instance-id", base);
                return -ENOENT;
        }
        if (serial[0] && !streq(serial, iid)) {
                log_warning("Hetzner: the instance-id %s of %s/metadata is not the DMI serial "
                            "%s; not used",
                            iid, base, serial);
                return -ENOENT;
        }
        res->md = node_new(NODE_MAP);
        r = res->md ? md_set_str(res->md, "instance-id", iid) : -ENOMEM;
        host = md_scalar(node_get(md, "hostname"), buf, sizeof(buf));
        if (r >= 0 && host)
                r = md_set_str(res->md, "local-hostname", host);
        if (r >= 0 && node_get(md, "network-config"))
                r = node_set(res->md, "network-config", node_copy(node_get(md, "network-config")));
        if (r >= 0 && node_get(md, "public-keys"))
                r = node_set(res->md, "public-keys", node_copy(node_get(md, "public-keys")));
        pn = get_yaml(&n, base, "metadata/private-networks", /* want_map= */ false);
        if (r >= 0)
                r = node_set(res->md, "private-networks", pn ? pn : node_new(NODE_SEQ));
        else
                node_free(pn);
        (void)snprintf(name, sizeof(name), "Hetzner: %s/metadata vendor_data", base);
        if (r >= 0)
                r = md_take_text(node_get(md, "vendor_data"), ctx->user_data_max, name, &res->vd,
                                 &res->vd_len);
        if (r < 0)
                return r;
        /* 204 No Content: no user-data */
        r = ds_net_get(&n, base, "userdata", NULL, NULL, ctx->user_data_max, &ud);
        if (r < 0 || (ud.status != 200 && ud.status != 204 && ud.status != 404)) {
                log_warning("Hetzner: cannot read %s/userdata (%s)", base,
                            r < 0 ? strerror(-r) : "an HTTP error");
                http_response_done(&ud);
                return -ENOENT;
        }
        if (ud.status == 200 && ud.len > 0) {
                res->ud = TAKE_PTR(ud.body);
                res->ud_len = ud.len;
                r = md_maybe_b64(&res->ud, &res->ud_len, ctx->user_data_max);
        }
        http_response_done(&ud);
        if (r >= 0)
                r = hetzner_netcfg(ctx, res->md, res);
        if (r >= 0)
                r = ds_net_result(res, "hetzner", base, "userdata");
        if (r >= 0)
                r = md_set_subplatform(res, "unknown");
        if (r >= 0)
                log_info("Hetzner: server %s from %s", res->iid, base);
        return r;
}

const struct datasource ds_hetzner = {
        .name = "Hetzner",
        .local = false,
        .cloud = "hetzner",
        .probe = hetzner_probe,
        .ephemeral = DS_EPHEMERAL_DHCP,
};
