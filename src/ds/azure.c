/* SPDX-License-Identifier: Apache-2.0 */
/* Azure's instance metadata service (IMDS, every request carries
 * Metadata: true): one JSON document gives compute.vmId (the instance-id),
 * osProfile.computerName or name (the local-hostname), publicKeys[].keyData
 * (the default user's keys), location and zone, and userData in base64.
 * The provisioning ISO's ovf-env.xml and reporting ready to the wireserver
 * are not done: cloudboot reads IMDS only. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "codec.h"
#include "json.h"
#include "log.h"
#include "yaml.h"
#include "net.h"

#define INSTANCE_PATH "metadata/instance?api-version=2021-08-01&extended=true"

static const char *const default_urls[] = { "http://169.254.169.254", NULL };
static const char *const metadata_true[] = { "Metadata: true", NULL };

static int copy_str(struct node *md, const char *key, const struct node *v)
{
        return node_str(v) && v->len > 0 ? ds_set_strn(md, key, v->str, v->len) : 0;
}

static int azure_probe(const struct ds_ctx *ctx, struct ds_result *res)
{
        _cleanup_node_ struct node *doc = NULL;
        struct http_response resp = { 0 };
        const struct node *compute, *pk, *ud;
        const char *base = NULL;
        struct yaml_error err;
        char name[DS_NET_URL_LEN + 64];
        struct ds_net n;
        int r = -ENOENT;

        if (ds_net_setup(ctx, &ds_azure, default_urls, &n) < 0)
                return -ENOENT;
        for (size_t i = 0; i < n.nurls && r < 0; i++) {
                base = n.urls[i];
                r = ds_net_get(&n, base, INSTANCE_PATH, NULL, metadata_true, ctx->user_data_max * 2,
                               &resp);
                if (r >= 0 && resp.status != 200) {
                        log_warning("Azure: %s/metadata/instance answers HTTP %ld", base,
                                    resp.status);
                        http_response_done(&resp);
                        r = -ENOENT;
                }
        }
        if (r < 0)
                return -ENOENT;
        (void)snprintf(name, sizeof(name), "%s/metadata/instance", base);
        r = json_load(resp.body, resp.len, name, &doc, &err);
        http_response_done(&resp);
        if (r < 0) {
                log_warning("%s:%u:%u: %s", name, err.line, err.col, err.msg);
                return -ENOENT;
        }
        compute = node_get(doc, "compute");
        if (!node_get_str(compute, "vmId")) {
                log_warning("%s: no compute.vmId", name);
                return -ENOENT;
        }
        res->md = node_new(NODE_MAP);
        if (!res->md)
                return -ENOMEM;
        r = copy_str(res->md, "instance-id", node_get(compute, "vmId"));
        if (r >= 0)
                r = copy_str(res->md, "local-hostname",
                             node_get_str(node_get(compute, "osProfile"), "computerName")
                                     ? node_get(node_get(compute, "osProfile"), "computerName")
                                     : node_get(compute, "name"));
        if (r >= 0)
                r = copy_str(res->md, "region", node_get(compute, "location"));
        if (r >= 0)
                r = copy_str(res->md, "availability-zone", node_get(compute, "zone"));
        if (r >= 0)
                r = node_set(res->md, "public-keys", node_new(NODE_SEQ));
        pk = node_get(compute, "publicKeys");
        for (size_t i = 0; r >= 0 && pk && pk->type == NODE_SEQ && i < pk->n; i++) {
                const struct node *k = node_get(pk->items[i], "keyData");
                if (node_str(k))
                        r = node_append(node_get(res->md, "public-keys"), node_copy(k));
        }
        if (r < 0)
                return r;
        ud = node_get(compute, "userData");
        if (node_str(ud) && ud->len > 0 &&
            b64_decode(ud->str, ud->len, ctx->user_data_max, &res->ud, &res->ud_len) < 0)
                log_warning("%s: compute.userData is not valid base64 or too large; not used",
                            name);
        return ds_net_result(res, "azure", base, "metadata/instance (compute.userData)");
}

const struct datasource ds_azure = {
        .name = "Azure",
        .local = false,
        .cloud = "azure",
        .probe = azure_probe,
        .ephemeral = DS_EPHEMERAL_DHCP,
};
