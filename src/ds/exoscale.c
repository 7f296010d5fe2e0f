/* SPDX-License-Identifier: Apache-2.0 */
/* Exoscale's metadata service, EC2-like, at http://169.254.169.254/1.0/, read
 * only on a machine whose DMI product_name starts with "Exoscale". As
 * cloud-init's DataSourceExoscale: 1.0/meta-data/instance-id must answer;
 * 1.0/meta-data/ is crawled as a tree (a listing per directory, a value per
 * leaf: instance-id, local-hostname, availability-zone, public-keys...) and
 * 1.0/user-data is the user-data (404: none). metadata_url and api_version
 * may be set under datasource.Exoscale, as in cloud-init. The password
 * server (port 8080) is not read: see docs/compatibility.md. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "mdsvc.h"

#define LEAF_MAX (64u * 1024)
#define CRAWL_REQUESTS_MAX 64

static const char *const default_urls[] = { "http://169.254.169.254", NULL };

static int exoscale_probe(const struct ds_ctx *ctx, struct ds_result *res)
{
        const struct node *cfg = node_get_path(ctx->syscfg, "datasource.Exoscale");
        const char *given = node_get_str(cfg, "metadata_url");
        const char *version = node_get_str(cfg, "api_version");
        const char *given_urls[] = { given, NULL };
        struct http_response resp;
        struct md_crawl c = { .budget = CRAWL_REQUESTS_MAX };
        char path[160];
        struct ds_net n;
        int r = -ENOENT;

        if (!version || !version[0] || strchr(version, '/') || strchr(version, '?') ||
            strlen(version) > 32)
                version = "1.0";
        if (ds_net_setup(ctx, &ds_exoscale, given ? given_urls : default_urls, &n) < 0)
                return -ENOENT;
        c.n = &n;
        (void)snprintf(path, sizeof(path), "%s/meta-data/instance-id", version);
        for (size_t i = 0; i < n.nurls && r < 0; i++) {
                c.base = n.urls[i];
                r = md_get(&n, c.base, path, NULL, NULL, LEAF_MAX, &resp);
                if (r < 0)
                        log_warning_errno(r, "Exoscale: no metadata service at %s/%s: %m",
                                          c.base, path);
                else
                        http_response_done(&resp);
        }
        if (r < 0)
                return -ENOENT;
        res->md = node_new(NODE_MAP);
        if (!res->md)
                return -ENOMEM;
        (void)snprintf(path, sizeof(path), "%s/meta-data/", version);
        r = md_crawl(&c, path, res->md);
        if (r < 0) {
                log_warning_errno(r, "Exoscale: cannot read the meta-data from %s/%s: %m", c.base,
                                  path);
                return r == -ENOMEM ? r : -ENOENT;
        }
        if (!node_get_str(res->md, "instance-id")) {
                log_warning("Exoscale: the meta-data from %s has no instance-id", c.base);
                return -ENOENT;
        }
        (void)snprintf(path, sizeof(path), "%s/user-data", version);
        r = md_get(&n, c.base, path, NULL, NULL, ctx->user_data_max, &resp);
        if (r < 0 && r != -ENOENT) {
                log_warning_errno(r, "Exoscale: cannot read %s/%s: %m", c.base, path);
                return -ENOENT;
        }
        if (r >= 0) {
                res->ud = TAKE_PTR(resp.body);
                res->ud_len = resp.len;
                http_response_done(&resp);
        }
        r = ds_net_result(res, "exoscale", c.base, path);
        if (r >= 0)
                log_info("Exoscale: instance %s from %s", res->iid, c.base);
        return r;
}

const struct datasource ds_exoscale = {
        .name = "Exoscale",
        .local = false,
        .cloud = "exoscale",
        .probe = exoscale_probe,
        .ephemeral = DS_EPHEMERAL_DHCP,
};
