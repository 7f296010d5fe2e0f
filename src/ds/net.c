/* SPDX-License-Identifier: Apache-2.0 */
/* Shared by the network datasources (see net.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "log.h"
#include "net.h"

#define TIMEOUT_S_DEFAULT 5
#define MAX_WAIT_S_DEFAULT 20
#define RETRIES_DEFAULT 3

static long get_num(const struct node *cfg, const char *key, long def, long min, long max)
{
        const struct node *v = node_get(cfg, key);
        if (!v)
                return def;
        if (v->type != NODE_INT || v->i < min || v->i > max) {
                log_warning("%s:%u:%u: %s must be a whole number from %ld to %ld; using %ld",
                            v->file ? v->file : "system config", v->line, v->col, key, min, max,
                            def);
                return def;
        }
        return (long)v->i;
}

static int add_url(struct ds_net *n, const char *url)
{
        size_t len = strlen(url);

        if (http_url_check(url) < 0) {
                char shown[512];
                http_url_redact(url, shown, sizeof(shown));
                log_warning("%s: metadata URL %s is not an http or https URL; ignored", n->name,
                            shown);
                return 0;
        }
        while (len > 0 && url[len - 1] == '/')
                len--;
        if (len >= DS_NET_URL_LEN || n->nurls >= DS_NET_URLS_MAX)
                return 0;
        memcpy(n->urls[n->nurls], url, len);
        n->urls[n->nurls++][len] = 0;
        return 0;
}

bool ds_net_wanted(const struct ds_ctx *ctx, const struct datasource *ds)
{
        char path[64];
        bool detected =
                ctx->plat && ctx->plat->cloud && ds->cloud && streq(ctx->plat->cloud, ds->cloud);

        (void)snprintf(path, sizeof(path), "datasource.%s", ds->name);
        if (detected || ctx->named || node_get(node_get_path(ctx->syscfg, path), "metadata_urls"))
                return true;
        log_debug("%s: not probed: the DMI identity does not name %s and neither "
                  "ds=, datasource_list nor metadata_urls asks for it",
                  ds->name, ds->cloud ? ds->cloud : "it");
        return false;
}

int ds_net_setup(const struct ds_ctx *ctx, const struct datasource *ds,
                 const char *const *default_urls, struct ds_net *ret)
{
        char path[64];
        const struct node *cfg, *urls;
        struct ds_net n = { .name = ds->name };

        if (ctx->local_stage || !ds_net_wanted(ctx, ds))
                return -ENOENT;
        (void)snprintf(path, sizeof(path), "datasource.%s", ds->name);
        cfg = node_get_path(ctx->syscfg, path);
        urls = node_get(cfg, "metadata_urls");
        if (urls && urls->type == NODE_SEQ) {
                for (size_t i = 0; i < urls->n; i++)
                        if (node_str(urls->items[i]))
                                (void)add_url(&n, urls->items[i]->str);
        } else {
                if (urls)
                        log_warning("%s:%u:%u: metadata_urls must be a list of URLs; using "
                                    "the defaults",
                                    urls->file ? urls->file : "system config", urls->line,
                                    urls->col);
                for (const char *const *u = default_urls; *u; u++)
                        (void)add_url(&n, *u);
        }
        if (n.nurls == 0)
                return -ENOENT;
        ds_net_limits(ctx, ds, &n);
        *ret = n;
        return 0;
}

void ds_net_limits(const struct ds_ctx *ctx, const struct datasource *ds, struct ds_net *n)
{
        char path[64];
        const struct node *cfg;

        (void)snprintf(path, sizeof(path), "datasource.%s", ds->name);
        cfg = node_get_path(ctx->syscfg, path);
        n->name = ds->name;
        n->timeout_ms = (unsigned)get_num(cfg, "timeout", TIMEOUT_S_DEFAULT, 1, 600) * 1000;
        n->retry.retries = (unsigned)get_num(cfg, "retries", RETRIES_DEFAULT, 0, 100);
        n->retry.deadline_usec =
                http_now_usec() +
                (uint64_t)get_num(cfg, "max_wait", MAX_WAIT_S_DEFAULT, 1, 3600) * 1000000ull;
}

int ds_net_get(const struct ds_net *n, const char *base, const char *path, const char *method,
               const char *const *headers, size_t max, struct http_response *ret)
{
        char url[DS_NET_URL_LEN + 512];
        struct http_request req = {
                .method = method, .headers = headers, .body_max = max, .timeout_ms = n->timeout_ms
        };

        if ((size_t)snprintf(url, sizeof(url), "%s/%s", base, path) >= sizeof(url))
                return -ENAMETOOLONG;
        return http_fetch(url, &req, &n->retry, ret);
}

int ds_set_strn(struct node *map, const char *key, const char *s, size_t len)
{
        return s ? node_set(map, key, node_new_strn(s, len)) : 0;
}

int ds_net_result(struct ds_result *res, const char *platform, const char *base,
                  const char *ud_path)
{
        const char *iid = node_get_str(res->md, "instance-id");
        char shown[DS_NET_URL_LEN + 8];

        /* recorded in status files and messages: no credentials */
        http_url_redact(base, shown, sizeof(shown));
        res->iid = iid ? strdup(iid) : NULL;
        res->dsmode = strdup("net");
        res->platform = strdup(platform);
        res->seed = strdup(shown);
        if (asprintf(&res->subplatform, "metadata (%s)", shown) < 0)
                res->subplatform = NULL;
        if (asprintf(&res->ud_name, "%s/%s", shown, ud_path) < 0)
                res->ud_name = NULL;
        if (!res->iid || !res->dsmode || !res->platform || !res->seed || !res->subplatform ||
            !res->ud_name)
                return -ENOMEM;
        return 0;
}
