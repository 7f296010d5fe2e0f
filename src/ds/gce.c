/* SPDX-License-Identifier: Apache-2.0 */
/* Google Compute Engine's metadata server (every request carries
 * Metadata-Flavor: Google): instance/id is the instance-id, instance/hostname
 * the local-hostname, instance/zone the availability zone; the instance's and
 * the project's attributes (JSON) give user-data (base64 when
 * user-data-encoding says so) and ssh-keys, of which only the lines for user
 * cloudinit or the default user become the default user's keys, as in
 * cloud-init's DataSourceGCE. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clouds.h"
#include "codec.h"
#include "json.h"
#include "log.h"
#include "yaml.h"
#include "net.h"

#define LEAF_MAX (64u * 1024)

static const char *const default_urls[] = { "http://metadata.google.internal/computeMetadata/v1",
                                            "http://169.254.169.254/computeMetadata/v1", NULL };
static const char *const flavor[] = { "Metadata-Flavor: Google", NULL };

/* text of base/path; -ENOENT on a 404 */
static int get_text(const struct ds_net *n, const char *base, const char *path, size_t max,
                    struct http_response *ret)
{
        int r = ds_net_get(n, base, path, NULL, flavor, max, ret);
        if (r >= 0 && ret->status != 200) {
                r = ret->status == 404 ? -ENOENT : -EPROTO;
                http_response_done(ret);
        }
        return r;
}

static int get_json(const struct ds_net *n, const char *base, const char *path, size_t max,
                    struct node **ret)
{
        struct http_response resp;
        struct yaml_error err;
        char name[DS_NET_URL_LEN + 64];
        int r = get_text(n, base, path, max, &resp);

        if (r < 0)
                return r;
        (void)snprintf(name, sizeof(name), "%s/%s", base, path);
        name[strcspn(name, "?")] = 0;
        r = json_load(resp.body, resp.len, name, ret, &err);
        if (r < 0)
                log_warning("%s:%u:%u: %s", name, err.line, err.col, err.msg);
        else if ((*ret)->type != NODE_MAP) {
                log_warning("%s: not a JSON object", name);
                *ret = node_free(*ret);
                r = -EBADMSG;
        }
        http_response_done(&resp);
        return r;
}

/* "user:key" lines of v whose user is cloudinit or user, as keys into list. */
static int add_ssh_keys(struct node *list, const struct node *v, const char *user)
{
        if (!node_str(v))
                return 0;
        for (const char *p = v->str; *p;) {
                size_t len = strcspn(p, "\n");
                const char *colon = memchr(p, ':', len);
                if (colon) {
                        size_t ulen = (size_t)(colon - p);
                        bool ours = (ulen == 9 && !memcmp(p, "cloudinit", 9)) ||
                                    (user && ulen == strlen(user) && !memcmp(p, user, ulen));
                        size_t klen = len - ulen - 1;
                        while (klen > 0 && (colon[klen] == '\r' || colon[klen] == ' '))
                                klen--;
                        if (ours && klen > 0 &&
                            node_append(list, node_new_strn(colon + 1, klen)) < 0)
                                return -ENOMEM;
                }
                p += len;
                p += *p == '\n';
        }
        return 0;
}

static int gce_probe(const struct ds_ctx *ctx, struct ds_result *res)
{
        _cleanup_node_ struct node *inst = NULL, *proj = NULL;
        const char *base = NULL,
                   *user = node_get_str(node_get_path(ctx->syscfg, "system_info.default_user"),
                                        "name");
        struct http_response id = { 0 }, host = { 0 }, zone = { 0 };
        const struct node *ud, *enc;
        struct node *keys;
        struct ds_net n;
        int r = -ENOENT;

        if (ds_net_setup(ctx, &ds_gce, default_urls, &n) < 0)
                return -ENOENT;
        for (size_t i = 0; i < n.nurls && r < 0; i++) {
                base = n.urls[i];
                r = get_text(&n, base, "instance/id", LEAF_MAX, &id);
        }
        if (r < 0 || id.len == 0) {
                http_response_done(&id);
                return -ENOENT;
        }
        res->md = node_new(NODE_MAP);
        r = res->md ? ds_set_strn(res->md, "instance-id", id.body, id.len) : -ENOMEM;
        http_response_done(&id);
        if (r >= 0 && get_text(&n, base, "instance/hostname", LEAF_MAX, &host) >= 0) {
                r = ds_set_strn(res->md, "local-hostname", host.body, host.len);
                http_response_done(&host);
        }
        if (r >= 0 && get_text(&n, base, "instance/zone", LEAF_MAX, &zone) >= 0) {
                /* projects/123/zones/us-central1-a */
                const char *z = strrchr(zone.body, '/') ? strrchr(zone.body, '/') + 1 : zone.body;
                const char *dash = strrchr(z, '-');
                r = ds_set_strn(res->md, "availability-zone", z, strlen(z));
                if (r >= 0 && dash)
                        r = ds_set_strn(res->md, "region", z, (size_t)(dash - z));
                http_response_done(&zone);
        }
        if (r < 0)
                return r;
        r = get_json(&n, base, "instance/attributes/?recursive=true", ctx->user_data_max * 2,
                     &inst);
        if (r < 0 && r != -ENOENT)
                return -ENOENT;
        if (get_json(&n, base, "project/attributes/?recursive=true", DS_METADATA_MAX, &proj) < 0)
                proj = NULL;
        keys = node_new(NODE_SEQ);
        r = node_set(res->md, "public-keys", keys);
        if (r >= 0)
                r = add_ssh_keys(keys, node_get(inst, "ssh-keys"), user);
        if (r >= 0)
                r = add_ssh_keys(keys, node_get(inst, "sshKeys"), user);
        if (r >= 0 && !node_get_bool(inst, "block-project-ssh-keys", false) &&
            !streq_ptr(node_get_str(inst, "block-project-ssh-keys"), "true"))
                r = add_ssh_keys(keys, node_get(proj, "ssh-keys"), user);
        if (r < 0)
                return r;
        ud = node_get(inst, "user-data");
        enc = node_get(inst, "user-data-encoding");
        if (node_str(ud) && streq_ptr(node_str(enc), "base64")) {
                r = b64_decode(ud->str, ud->len, ctx->user_data_max, &res->ud, &res->ud_len);
                if (r < 0)
                        log_warning("GCE: user-data is not valid base64 or too large; not used");
        } else if (node_str(ud)) {
                if (ud->len > ctx->user_data_max)
                        log_warning("GCE: user-data is larger than %zu bytes; not used",
                                    ctx->user_data_max);
                else if ((res->ud = malloc(ud->len + 1))) {
                        memcpy(res->ud, ud->str, ud->len + 1);
                        res->ud_len = ud->len;
                }
        }
        return ds_net_result(res, "gce", base, "instance/attributes/user-data");
}

const struct datasource ds_gce = {
        .name = "GCE",
        .local = false,
        .cloud = "gce",
        .probe = gce_probe,
        .ephemeral = DS_EPHEMERAL_DHCP,
};
