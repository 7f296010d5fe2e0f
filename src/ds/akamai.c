/* SPDX-License-Identifier: Apache-2.0 */
/* Akamai (Linode)'s metadata service, read only on a machine whose DMI
 * sys_vendor is Linode or Akamai. As cloud-init's DataSourceAkamai: a token
 * from PUT /v1/token (Metadata-Token-Expiry-Seconds: 300), then
 * /v1/instance (JSON, its id the instance-id) and /v1/user-data (base64)
 * with Metadata-Token, over IPv6 (http://[fd00:a9fe:a9fe::1]) first and then
 * IPv4 (http://169.254.169.254). allow_ipv4, allow_ipv6 and allow_init_stage
 * (datasource.Akamai, or v4=, v6=, ais= flags in the DMI board_serial)
 * restrict it. When the service does not answer, the instance still boots
 * with the DMI product_serial as its instance-id, as cloud-init does. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clouds.h"
#include "codec.h"
#include "fs.h"
#include "log.h"
#include "mdsvc.h"

#define TOKEN_MAX 512
#define TOKEN_HEADER "Metadata-Token: "

/* IPv6 first, as cloud-init tries it */
static const char *const default_urls[] = { "http://[fd00:a9fe:a9fe::1]", "http://169.254.169.254",
                                            NULL };

struct akamai_cfg {
        bool v4, v6, init_stage;
};

/* "v4=0;v6=1;ais=1" flags of the DMI board serial number override the
 * system config, as cloud-init's get_dmi_config reads them. */
static void dmi_flags(int root_fd, struct akamai_cfg *c)
{
        _cleanup_free_ char *s = NULL;

        if (fs_read_line(root_fd, "/sys/class/dmi/id/board_serial", &s) < 0)
                return;
        for (const char *p = s; *p;) {
                size_t len = strcspn(p, ";");
                const char *eq = memchr(p, '=', len);
                if (eq && (size_t)(eq - p) + 2 == len && (eq[1] == '0' || eq[1] == '1')) {
                        bool v = eq[1] == '1';
                        size_t kl = (size_t)(eq - p);
                        if (kl == 2 && !strncmp(p, "v4", 2))
                                c->v4 = v;
                        else if (kl == 2 && !strncmp(p, "v6", 2))
                                c->v6 = v;
                        else if (kl == 3 && !strncmp(p, "ais", 3))
                                c->init_stage = v;
                }
                p += len;
                p += *p == ';';
        }
}

/* One base: 0 when done (data read, or the token refused: nothing more to
 * ask), -errno when this base failed. */
static int fetch(const struct ds_ctx *ctx, const struct ds_net *n, const char *base,
                 struct ds_result *res)
{
        static const char *const expiry[] = { "Metadata-Token-Expiry-Seconds: 300", NULL };
        char header[sizeof(TOKEN_HEADER) + TOKEN_MAX];
        const char *hdrs[] = { header, "Accept: application/json", NULL };
        struct http_response resp;
        _cleanup_node_ struct node *inst = NULL;
        size_t len;
        int r;

        r = ds_net_get(n, base, "v1/token", "PUT", expiry, TOKEN_MAX, &resp);
        if (r < 0)
                return log_warning_errno(r, "Akamai: no token from %s/v1/token: %m", base);
        if (resp.status != 200) {
                log_info("Akamai: %s/v1/token answers HTTP %ld; no metadata fetched", base,
                         resp.status);
                http_response_done(&resp);
                return 0;
        }
        len = resp.len;
        while (len > 0 && (resp.body[len - 1] == '\n' || resp.body[len - 1] == ' '))
                len--;
        if (len == 0 || strcspn(resp.body, "\r\n") < len) {
                log_warning("Akamai: %s/v1/token gives no usable token", base);
                http_response_done(&resp);
                return -EBADMSG;
        }
        (void)snprintf(header, sizeof(header), TOKEN_HEADER "%.*s", (int)len, resp.body);
        http_response_done(&resp);
        r = md_get_json(n, base, "v1/instance", hdrs, DS_METADATA_MAX, &inst);
        if (r < 0) {
                explicit_bzero(header, sizeof(header));
                return log_warning_errno(r, "Akamai: cannot read %s/v1/instance: %m", base);
        }
        hdrs[1] = NULL;
        r = md_get(n, base, "v1/user-data", NULL, hdrs, ctx->user_data_max * 2, &resp);
        explicit_bzero(header, sizeof(header));
        if (r < 0 && r != -ENOENT)
                return log_warning_errno(r, "Akamai: cannot read %s/v1/user-data: %m", base);
        if (r >= 0) {
                if (b64_decode_lenient(resp.body, resp.len, ctx->user_data_max, &res->ud,
                                       &res->ud_len, NULL) < 0) {
                        log_warning("Akamai: %s/v1/user-data is not base64; used as it is", base);
                        if (resp.len <= ctx->user_data_max) {
                                res->ud = TAKE_PTR(resp.body);
                                res->ud_len = resp.len;
                        }
                }
                http_response_done(&resp);
        }
        node_free(res->md);
        res->md = TAKE_PTR(inst);
        return 0;
}

static int akamai_probe(const struct ds_ctx *ctx, struct ds_result *res)
{
        const struct node *cfg = node_get_path(ctx->syscfg, "datasource.Akamai");
        const char *serial = ctx->plat ? ctx->plat->dmi[DMI_PRODUCT_SERIAL] : "";
        struct akamai_cfg c = { .v4 = node_get_bool(cfg, "allow_ipv4", true),
                                .v6 = node_get_bool(cfg, "allow_ipv6", true),
                                .init_stage = node_get_bool(cfg, "allow_init_stage", true) };
        const char *base = NULL;
        char buf[256];
        const char *iid;
        struct ds_net n;
        bool tried = false;
        int r;

        if (ds_net_setup(ctx, &ds_akamai, default_urls, &n) < 0)
                return -ENOENT;
        dmi_flags(ctx->root_fd, &c);
        if (!c.init_stage) {
                log_info("Akamai: allow_init_stage is off; not fetched at this stage");
                return -ENOENT;
        }
        res->md = node_new(NODE_MAP);
        if (!res->md)
                return -ENOMEM;
        for (size_t i = 0; i < n.nurls && !base; i++) {
                bool v6 = strchr(n.urls[i], '[') != NULL;
                if (v6 ? !c.v6 : !c.v4)
                        continue;
                tried = true;
                if (fetch(ctx, &n, n.urls[i], res) >= 0)
                        base = n.urls[i];
        }
        if (!tried)
                log_info("Akamai: the configuration forbids IPv4 and IPv6; local data only");
        else if (!base)
                log_warning("Akamai: the metadata service did not answer; the DMI serial is the "
                            "instance-id");
        iid = md_scalar(node_get(res->md, "id"), buf, sizeof(buf));
        if (!iid)
                iid = serial[0] ? serial : NULL;
        if (!iid) {
                log_warning("Akamai: neither the metadata nor the DMI give an instance id");
                return -ENOENT;
        }
        r = node_set(res->md, "instance-id", node_new_str(iid));
        if (r >= 0)
                r = ds_net_result(res, "akamai", base ? base : "dmi", "v1/user-data");
        if (r >= 0)
                r = md_set_subplatform(res, "unknown");
        if (r >= 0)
                log_info("Akamai: instance %s%s%s", res->iid, base ? " from " : "",
                         base ? base : "");
        return r;
}

const struct datasource ds_akamai = {
        .name = "Akamai",
        .local = false,
        .cloud = "akamai",
        .probe = akamai_probe,
        .ephemeral = DS_EPHEMERAL_DHCP,
};
