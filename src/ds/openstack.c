/* SPDX-License-Identifier: Apache-2.0 */
/* OpenStack's metadata service: the config drive's tree over HTTP at
 * http://169.254.169.254/openstack/latest/ (meta_data.json, user_data,
 * vendor_data.json, vendor_data2.json, network_data.json), read as
 * configdrive.c reads the drive. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clouds.h"
#include "json.h"
#include "log.h"
#include "yaml.h"
#include "net.h"
#include "openstack.h"

static const char *const default_urls[] = { "http://169.254.169.254", NULL };

/* base/openstack/latest/file as JSON; -ENOENT on a 404 or a broken document */
static int get_json(const struct ds_net *n, const char *base, const char *file, size_t max,
                    struct node **ret, char *name, size_t name_size)
{
        struct http_response resp;
        struct yaml_error err;
        char path[128];
        int r;

        (void)snprintf(path, sizeof(path), "openstack/latest/%s", file);
        (void)snprintf(name, name_size, "%s/%s", base, path);
        r = ds_net_get(n, base, path, NULL, NULL, max, &resp);
        if (r < 0)
                return r;
        if (resp.status != 200) {
                http_response_done(&resp);
                return -ENOENT;
        }
        r = json_load(resp.body, resp.len, name, ret, &err);
        if (r < 0) {
                log_warning("%s:%u:%u: %s", name, err.line, err.col, err.msg);
                r = -ENOENT;
        }
        http_response_done(&resp);
        return r;
}

static int openstack_probe(const struct ds_ctx *ctx, struct ds_result *res)
{
        _cleanup_node_ struct node *vd = NULL;
        struct http_response resp;
        char name[DS_NET_URL_LEN + 64];
        const char *base = NULL;
        struct ds_net n;
        int r = -ENOENT;

        if (ds_net_setup(ctx, &ds_openstack, default_urls, &n) < 0)
                return -ENOENT;
        for (size_t i = 0; i < n.nurls && r < 0; i++) {
                base = n.urls[i];
                r = get_json(&n, base, "meta_data.json", DS_METADATA_MAX, &res->md, name,
                             sizeof(name));
        }
        if (r < 0 || openstack_meta_data(res->md, name) < 0)
                return -ENOENT;
        r = ds_net_get(&n, base, "openstack/latest/user_data", NULL, NULL, ctx->user_data_max,
                       &resp);
        if (r < 0 || (resp.status != 200 && resp.status != 404)) {
                log_warning("OpenStack: cannot fetch the user_data from %s", base);
                if (r >= 0)
                        http_response_done(&resp);
                return -ENOENT;
        }
        if (resp.status == 200) {
                res->ud = TAKE_PTR(resp.body);
                res->ud_len = resp.len;
        }
        http_response_done(&resp);
        if (get_json(&n, base, "vendor_data.json", ctx->user_data_max, &vd, name, sizeof(name)) >=
                    0 &&
            openstack_vendor_data(vd, ctx->user_data_max, &res->vd, &res->vd_len) < 0)
                return -ENOMEM;
        vd = node_free(vd);
        if (get_json(&n, base, "vendor_data2.json", ctx->user_data_max, &vd, name, sizeof(name)) >=
            0) {
                char *vd2 = NULL;
                size_t vd2_len = 0;
                if (openstack_vendor_data(vd, ctx->user_data_max, &vd2, &vd2_len) < 0 ||
                    openstack_vendor_join(res->vd, res->vd_len, vd2, vd2_len, ctx->user_data_max,
                                          &res->vd, &res->vd_len) < 0)
                        return -ENOMEM;
        }
        r = ds_net_get(&n, base, "openstack/latest/network_data.json", NULL, NULL, DS_METADATA_MAX,
                       &resp);
        if (r >= 0 && resp.status == 200) {
                res->netcfg = TAKE_PTR(resp.body);
                res->netcfg_len = resp.len;
                res->netcfg_openstack = true;
        }
        if (r >= 0)
                http_response_done(&resp);
        return ds_net_result(res, "openstack", base, "openstack/latest/user_data");
}

const struct datasource ds_openstack = {
        .name = "OpenStack",
        .local = false,
        .cloud = "openstack",
        .probe = openstack_probe,
        .ephemeral = DS_EPHEMERAL_DHCP,
};
