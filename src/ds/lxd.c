/* SPDX-License-Identifier: Apache-2.0 */
/* LXD and Incus: the devlxd REST API on the unix socket /dev/lxd/sock, as
 * cloud-init's DataSourceLXD reads it. /1.0/meta-data is the meta-data
 * (YAML: instance-id, local-hostname); /1.0/config lists the instance's
 * config keys, of which cloud-init.user-data, cloud-init.vendor-data and
 * cloud-init.network-config (or their older user.* names, which lose to
 * them) are the user-data, vendor-data and network-config, and
 * user.meta-data is merged over the meta-data. Found only when the socket is
 * there (LXD's security.devlxd); libcurl talks HTTP over it. Without a
 * network-config the fallback (DHCP on the first NIC) applies, as cloud-init
 * renders it for LXD. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "clouds.h"
#include "datasource.h"
#include "fs.h"
#include "json.h"
#include "log.h"
#include "net.h"
#include "yaml.h"

#define SOCKET "/dev/lxd/sock"
#define BASE "http://lxd/1.0"
#define ROUTES_MAX 256

struct lxd {
        char sock[108]; /* sun_path */
        struct ds_net limits;
};

static int get(const struct lxd *l, const char *path, size_t max, struct http_response *ret)
{
        char url[512];
        struct http_request req = { .body_max = max,
                                    .timeout_ms = l->limits.timeout_ms,
                                    .unix_socket = l->sock };
        int r;

        if ((size_t)snprintf(url, sizeof(url), "%s%s", "http://lxd", path) >= sizeof(url))
                return -ENAMETOOLONG;
        r = http_fetch(url, &req, &l->limits.retry, ret);
        if (r >= 0 && ret->status != 200) {
                r = ret->status == 404 ? -ENOENT : -EPROTO;
                http_response_done(ret);
        }
        return r;
}

/* The socket in the target, as a host path; -ENOENT when there is none. */
static int find_socket(int root_fd, char *ret, size_t size)
{
        char root[4096], link[64];
        struct stat st;
        ssize_t n;

        /* no component a symlink: /dev/lxd is LXD's, nobody else's */
        if (fs_stat(root_fd, "/dev/lxd", false, &st) < 0 || !S_ISDIR(st.st_mode))
                return -ENOENT;
        if (fs_stat(root_fd, SOCKET, false, &st) < 0)
                return -ENOENT;
        if (!S_ISSOCK(st.st_mode)) {
                log_warning("LXD: " SOCKET " is not a socket");
                return -ENOENT;
        }
        (void)snprintf(link, sizeof(link), "/proc/self/fd/%d", root_fd);
        n = readlink(link, root, sizeof(root) - 1);
        if (n < 0)
                return -errno;
        root[n] = 0;
        if ((size_t)snprintf(ret, size, "%s" SOCKET, streq(root, "/") ? "" : root) >= size) {
                log_warning("LXD: the path of %s" SOCKET " is too long for a socket", root);
                return -ENAMETOOLONG;
        }
        return 0;
}

/* The config routes (/1.0/config/KEY) we read, in cloud-init's order:
 * sorted, so that cloud-init.* comes before user.* and wins. */
static const char *const keys[] = {
        "cloud-init.network-config", "cloud-init.user-data",
        "cloud-init.vendor-data",    "user.meta-data",
        "user.network-config",       "user.user-data",
        "user.vendor-data",          NULL,
};

static bool listed(const struct node *routes, const char *key)
{
        char want[128];

        (void)snprintf(want, sizeof(want), "/1.0/config/%s", key);
        for (size_t i = 0; i < routes->n; i++)
                if (streq_ptr(node_str(routes->items[i]), want))
                        return true;
        return false;
}

static int read_config(const struct ds_ctx *ctx, const struct lxd *l, struct ds_result *res)
{
        _cleanup_node_ struct node *routes = NULL;
        struct http_response resp;
        struct yaml_error err;
        int r = get(l, "/1.0/config", DS_METADATA_MAX, &resp);

        if (r < 0) {
                log_warning_errno(r, "LXD: " BASE "/config: %m; no user-data");
                return 0;
        }
        r = json_load(resp.body, resp.len, BASE "/config", &routes, &err);
        http_response_done(&resp);
        if (r < 0 || routes->type != NODE_SEQ) {
                if (r < 0)
                        log_warning(BASE "/config:%u:%u: %s; no user-data", err.line, err.col,
                                    err.msg);
                else
                        log_warning(BASE "/config: not a JSON list; no user-data");
                return 0;
        }
        if (routes->n > ROUTES_MAX)
                log_warning(BASE "/config lists %zu keys; only the first %u are looked at",
                            routes->n, ROUTES_MAX);
        for (const char *const *k = keys; *k; k++) {
                char path[128];
                const char *what = strchr(*k, '.') + 1;
                char **dst = streq(what, "user-data")        ? &res->ud
                             : streq(what, "vendor-data")    ? &res->vd
                             : streq(what, "network-config") ? &res->netcfg
                                                             : NULL;
                size_t *dst_len = streq(what, "user-data")        ? &res->ud_len
                                  : streq(what, "vendor-data")    ? &res->vd_len
                                  : streq(what, "network-config") ? &res->netcfg_len
                                                                  : NULL;

                if (!listed(routes, *k))
                        continue;
                if (dst && *dst) {
                        log_warning("LXD: ignoring config %s in favor of cloud-init.%s", *k, what);
                        continue;
                }
                (void)snprintf(path, sizeof(path), "/1.0/config/%s", *k);
                r = get(l, path, dst ? ctx->user_data_max : DS_METADATA_MAX, &resp);
                if (r < 0) {
                        log_warning_errno(r, "LXD: " BASE "/config/%s: %m; not used", *k);
                        continue;
                }
                if (dst) {
                        *dst = TAKE_PTR(resp.body);
                        *dst_len = resp.len;
                        if (streq(what, "user-data") &&
                            asprintf(&res->ud_name, BASE "/config/%s", *k) < 0)
                                res->ud_name = NULL;
                } else {
                        /* user.meta-data: YAML merged over /1.0/meta-data */
                        _cleanup_node_ struct node *md = ds_parse_meta_data(
                                resp.body, resp.len, BASE "/config/user.meta-data");
                        if (md && md->type == NODE_MAP)
                                for (size_t i = 0; i + 1 < md->n && r >= 0; i += 2)
                                        r = node_set(res->md, md->items[i]->str,
                                                     node_copy(md->items[i + 1]));
                }
                http_response_done(&resp);
                if (r == -ENOMEM)
                        return r;
        }
        return 0;
}

static int lxd_probe(const struct ds_ctx *ctx, struct ds_result *res)
{
        struct lxd l = { 0 };
        struct http_response md;
        const char *iid;
        int r;

        if (find_socket(ctx->root_fd, l.sock, sizeof(l.sock)) < 0) {
                log_debug("LXD: not probed: no " SOCKET);
                return -ENOENT;
        }
        ds_net_limits(ctx, &ds_lxd, &l.limits);
        r = get(&l, "/1.0/meta-data", DS_METADATA_MAX, &md);
        if (r < 0) {
                log_warning_errno(r, "LXD: " BASE "/meta-data: %m; " SOCKET " is there, but "
                                     "gives no meta-data (is security.devlxd off?)");
                return -ENOENT;
        }
        res->md = ds_parse_meta_data(md.body, md.len, BASE "/meta-data");
        http_response_done(&md);
        if (!res->md)
                return -ENOMEM;
        r = read_config(ctx, &l, res);
        if (r < 0)
                return r;
        iid = node_get_str(res->md, "instance-id");
        if (!iid) {
                log_warning("LXD: " BASE "/meta-data has no instance-id");
                return -ENOENT;
        }
        res->iid = strdup(iid);
        res->dsmode = strdup("net");
        res->platform = strdup("lxd");
        res->seed = strdup(SOCKET);
        res->subplatform = strdup("LXD socket API v. 1.0 (" SOCKET ")");
        if (!res->ud_name)
                res->ud_name = strdup(BASE "/config/cloud-init.user-data");
        if (!res->iid || !res->dsmode || !res->platform || !res->seed || !res->subplatform ||
            !res->ud_name)
                return -ENOMEM;
        return 0;
}

const struct datasource ds_lxd = {
        .name = "LXD",
        .local = true,
        .probe = lxd_probe,
};
