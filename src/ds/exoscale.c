/* SPDX-License-Identifier: Apache-2.0 */
/* Exoscale's metadata service, EC2-like, at http://169.254.169.254/1.0/, read
 * only on a machine whose DMI product_name starts with "Exoscale". As
 * cloud-init's DataSourceExoscale: 1.0/meta-data/instance-id must answer;
 * 1.0/meta-data/ is crawled as a tree (a listing per directory, a value per
 * leaf: instance-id, local-hostname, availability-zone, public-keys...) and
 * 1.0/user-data is the user-data (404: none). metadata_url and api_version
 * may be set under datasource.Exoscale, as in cloud-init. Then the
 * password server, metadata_url:password_server_port/api_version/ (port 8080
 * by default; pwserver.c): a password it gives becomes the datasource's
 * cloud-config for the default user; a server that fails is logged and the
 * datasource is still found, as in cloud-init. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clouds.h"
#include "log.h"
#include "mdsvc.h"
#include "pwserver.h"
#include "valid.h"

#define LEAF_MAX (64u * 1024)
#define CRAWL_REQUESTS_MAX 64

static const char *const default_urls[] = { "http://169.254.169.254", NULL };

/* datasource.Exoscale.password_server_port: an integer or a string of
 * digits, 1 to 65535; else the default, with a warning. */
static unsigned password_port(const struct node *cfg)
{
        const struct node *v = node_get(cfg, "password_server_port");
        uint64_t port = 0;

        if (!v)
                return PWSERVER_PORT;
        if (v->type == NODE_INT && v->i >= 1 && v->i <= 65535)
                return (unsigned)v->i;
        if (v->type == NODE_STR && valid_parse_uint(v->str, 1, 65535, &port) >= 0)
                return (unsigned)port;
        log_warning("Exoscale: datasource.Exoscale.password_server_port is not a port number: "
                    "%d is used",
                    PWSERVER_PORT);
        return PWSERVER_PORT;
}

/* The password into res->cfg. Failures are logged and leave no password:
 * the instance boots without (cloud-init's read_metadata). */
static int fetch_password(const struct ds_ctx *ctx, const struct node *cfg, const char *base,
                          const char *version, struct ds_result *res)
{
        struct ds_net n = { 0 };
        char url[DS_NET_URL_LEN + 64], *pw = NULL;
        int r;

        /* its own time: the metadata service may have used up max_wait */
        ds_net_limits(ctx, &ds_exoscale, &n);
        if ((size_t)snprintf(url, sizeof(url), "%s:%u/%s/", base, password_port(cfg), version) >=
            sizeof(url))
                return 0;
        r = pwserver_fetch(&n, url, /* strip= */ false, &pw);
        if (r == -EPROTO)
                log_warning("Exoscale: the password server at %s answered an HTTP error: no "
                            "password set",
                            url);
        else if (r < 0 && r != -EBADMSG)
                log_warning_errno(r, "Exoscale: failed to read from the password server at %s: %m",
                                  url);
        return pwserver_take("Exoscale", url, r, pw, &res->cfg);
}

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
        r = fetch_password(ctx, cfg, c.base, version, res);
        if (r >= 0)
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
