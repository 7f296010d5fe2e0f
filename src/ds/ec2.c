/* SPDX-License-Identifier: Apache-2.0 */
/* Amazon EC2's instance metadata service: IMDSv2, a session token from
 * PUT /latest/api/token sent with every GET; a 401 fetches a new token once.
 * Without a token, IMDSv1 (plain GETs), as cloud-init falls back off AWS
 * (where the DMI identity is not Amazon's: an EC2-compatible cloud); on AWS
 * a token endpoint that does not answer, or answers 403, means IMDS is
 * disabled and ends the probe. datasource.Ec2.imdsv1_fallback (a cloudboot
 * setting) turns the fallback off, or on also on AWS. The newest API
 * version that answers is used; its meta-data tree is crawled into a
 * mapping (public-keys/0=name becomes {name: [key]}; IAM credentials are
 * never fetched), the instance identity document gives the region and
 * availability zone, user-data is fetched (404: none), and the NICs under
 * network/interfaces/macs become the network config (ec2_netcfg.c), as
 * cloud-init's DataSourceEc2 does. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clouds.h"
#include "ec2_netcfg.h"
#include "json.h"
#include "log.h"
#include "net.h"
#include "valid.h"
#include "yaml.h"

#define TOKEN_TTL_HEADER "X-aws-ec2-metadata-token-ttl-seconds: 21600"
#define TOKEN_HEADER "X-aws-ec2-metadata-token: "
#define TOKEN_MAX 512
#define LEAF_MAX (64u * 1024)
#define CRAWL_REQUESTS_MAX 256
#define CRAWL_DEPTH_MAX 8

static const char *const default_urls[] = { "http://169.254.169.254", "http://[fd00:ec2::254]",
                                            NULL };
static const char *const versions[] = { "2021-03-23", "2018-09-24", "2016-09-02", "2009-04-04",
                                        NULL };

struct imds {
        struct ds_net net;
        const char *base;
        char header[sizeof(TOKEN_HEADER) + TOKEN_MAX];
        const char *headers[2];
        bool v2; /* a token was given: IMDSv2 */
        unsigned budget; /* requests left for the crawl */
};

/* -EACCES: the service said the endpoint is disabled; -EBADMSG: it answered
 * without a token. */
static int get_token(struct imds *m)
{
        static const char *const ttl[] = { TOKEN_TTL_HEADER, NULL };
        struct http_response resp;
        size_t len;
        int r;

        m->headers[0] = NULL;
        r = ds_net_get(&m->net, m->base, "latest/api/token", "PUT", ttl, TOKEN_MAX, &resp);
        if (r < 0)
                return r;
        if (resp.status == 403) {
                log_warning("Ec2: %s answers 403 to the token request: its IMDS HTTP endpoint "
                            "is disabled",
                            m->base);
                http_response_done(&resp);
                return -EACCES;
        }
        len = resp.len;
        while (len > 0 && (resp.body[len - 1] == '\n' || resp.body[len - 1] == ' '))
                len--;
        if (resp.status != 200 || len == 0 || strcspn(resp.body, "\r\n") < len) {
                log_warning("Ec2: %s gives no IMDSv2 session token (HTTP %ld)", m->base,
                            resp.status);
                http_response_done(&resp);
                return -EBADMSG;
        }
        (void)snprintf(m->header, sizeof(m->header), TOKEN_HEADER "%.*s", (int)len, resp.body);
        m->headers[0] = m->header;
        http_response_done(&resp);
        return 0;
}

static int imds_get(struct imds *m, const char *path, size_t max, struct http_response *ret)
{
        int r = ds_net_get(&m->net, m->base, path, NULL, m->headers, max, ret);
        if (r >= 0 && ret->status == 401 && m->v2) {
                /* The token expired: one new token, one more try. */
                http_response_done(ret);
                r = get_token(m);
                if (r >= 0)
                        r = ds_net_get(&m->net, m->base, path, NULL, m->headers, max, ret);
        }
        return r;
}

static int crawl(struct imds *m, const char *dir, struct node *into, unsigned depth);

/* public-keys/: "0=name" lines; each key is at public-keys/0/openssh-key. */
static int crawl_keys(struct imds *m, const char *dir, const char *listing, struct node *into)
{
        for (const char *p = listing; *p;) {
                size_t len = strcspn(p, "\n");
                const char *eq = memchr(p, '=', len);
                char path[1024], name[256];

                if (eq && m->budget > 0) {
                        struct http_response resp;
                        (void)snprintf(path, sizeof(path), "%s%.*s/openssh-key", dir, (int)(eq - p),
                                       p);
                        (void)snprintf(name, sizeof(name), "%.*s",
                                       (int)(len - (size_t)(eq - p) - 1), eq + 1);
                        m->budget--;
                        int r = imds_get(m, path, LEAF_MAX, &resp);
                        if (r < 0)
                                return r;
                        if (resp.status == 200) {
                                struct node *l = node_new(NODE_SEQ);
                                r = node_append(l, node_new_strn(resp.body, resp.len));
                                if (r >= 0)
                                        r = node_set(into, name, l);
                                else
                                        node_free(l);
                        }
                        http_response_done(&resp);
                        if (r < 0)
                                return r;
                }
                p += len;
                p += *p == '\n';
        }
        return 0;
}

static int crawl_entry(struct imds *m, const char *dir, const char *name, size_t len,
                       struct node *into, unsigned depth)
{
        char path[1024], key[256];
        struct http_response resp;
        bool is_dir = len > 0 && name[len - 1] == '/';
        int r;

        (void)snprintf(key, sizeof(key), "%.*s", (int)(is_dir ? len - 1 : len), name);
        if (!key[0] || strchr(key, '/') || streq(key, "..") || streq(key, "."))
                return 0;
        /* IAM role credentials are secrets cloudboot has no use for. */
        if (streq(key, "security-credentials") || streq(key, "identity-credentials"))
                return 0;
        (void)snprintf(path, sizeof(path), "%s%s%s", dir, key, is_dir ? "/" : "");
        if (is_dir) {
                struct node *sub = node_new(NODE_MAP);
                r = sub ? crawl(m, path, sub, depth + 1) : -ENOMEM;
                if (r >= 0)
                        return node_set(into, key, sub);
                node_free(sub);
                return r;
        }
        if (m->budget == 0)
                return 0;
        m->budget--;
        r = imds_get(m, path, LEAF_MAX, &resp);
        if (r >= 0 && resp.status == 200)
                r = ds_set_strn(into, key, resp.body, resp.len);
        http_response_done(&resp);
        return r;
}

static int crawl(struct imds *m, const char *dir, struct node *into, unsigned depth)
{
        struct http_response resp;
        int r;

        if (depth > CRAWL_DEPTH_MAX || m->budget == 0)
                return 0;
        m->budget--;
        r = imds_get(m, dir, LEAF_MAX, &resp);
        if (r < 0)
                return r;
        if (resp.status != 200) {
                http_response_done(&resp);
                return 0;
        }
        if (endswith(dir, "public-keys/"))
                r = crawl_keys(m, dir, resp.body, into);
        else
                for (const char *p = resp.body; *p && r >= 0;) {
                        size_t len = strcspn(p, "\n");
                        r = crawl_entry(m, dir, p, len, into, depth);
                        p += len;
                        p += *p == '\n';
                }
        http_response_done(&resp);
        return r;
}

/* cloud-init falls back to IMDSv1 only off AWS; the setting decides when given. */
static bool imdsv1_allowed(const struct ds_ctx *ctx)
{
        const struct node *v = node_get_path(ctx->syscfg, "datasource.Ec2.imdsv1_fallback");

        if (v && v->type == NODE_BOOL)
                return v->b;
        if (v)
                log_warning("%s:%u:%u: datasource.Ec2.imdsv1_fallback must be true or false; "
                            "using cloud-init's rule",
                            v->file ? v->file : "system config", v->line, v->col);
        return !(ctx->plat && streq_ptr(ctx->plat->cloud, "aws"));
}

/* A token from the first URL that gives one (IMDSv2), else, when allowed,
 * the first that answers a plain GET of instance-id (IMDSv1). */
static int connect_imds(const struct ds_ctx *ctx, struct imds *m)
{
        bool fallback = imdsv1_allowed(ctx);
        bool answered[DS_NET_URLS_MAX] = { false }, any = false;
        struct http_response resp;
        int r = -ENOENT;

        for (size_t i = 0; i < m->net.nurls; i++) {
                m->base = m->net.urls[i];
                r = get_token(m);
                if (r >= 0) {
                        m->v2 = true;
                        return 0;
                }
                if (r == -EACCES && !fallback)
                        return r;
                /* an HTTP answer other than a token; a URL that timed out, refused
                 * or failed TLS would not answer a GET either */
                answered[i] = r == -EACCES || r == -EBADMSG;
                any = any || answered[i];
        }
        if (!any)
                return -ENOENT;
        if (!fallback) {
                log_warning("Ec2: no IMDSv2 session token; IMDSv1 is not used (%s)",
                            ctx->plat && streq_ptr(ctx->plat->cloud, "aws")
                                    ? "on AWS, as cloud-init"
                                    : "datasource.Ec2.imdsv1_fallback: false");
                return -ENOENT;
        }
        m->headers[0] = NULL;
        /* instance-id of any API version answers (cloud-init asks 2009-04-04's) */
        for (size_t i = 0; i < m->net.nurls; i++) {
                m->base = m->net.urls[i];
                r = -ENOENT;
                if (!answered[i])
                        continue;
                for (const char *const *v = versions; *v && r == -ENOENT; v++) {
                        char path[64];
                        (void)snprintf(path, sizeof(path), "%s/meta-data/instance-id", *v);
                        if (ds_net_get(&m->net, m->base, path, NULL, NULL, LEAF_MAX, &resp) < 0)
                                break;
                        r = resp.status == 200 && resp.len > 0 ? 0 : -ENOENT;
                        http_response_done(&resp);
                }
                if (r >= 0) {
                        log_info("Ec2: no IMDSv2 session token; %s answers IMDSv1, which is "
                                 "used",
                                 m->base);
                        return 0;
                }
        }
        log_warning("Ec2: neither IMDSv2 nor IMDSv1 answers");
        return -ENOENT;
}

/* A short one-line value from the identity document, or NULL. */
static const char *identity_str(const struct node *doc, const char *key)
{
        const char *s = node_get_str(doc, key);
        return s && !valid_line(s, 64) && *s ? s : NULL;
}

/* region and availability-zone: from the instance identity document, else
 * the meta-data's placement, the region else the zone without its letter
 * (cloud-init's DataSourceEc2.region and .availability_zone). */
static int identity(struct imds *m, const char *version, struct node *md)
{
        _cleanup_node_ struct node *doc = NULL;
        const char *az = NULL, *region = NULL;
        struct http_response resp;
        struct yaml_error err;
        char path[128];
        int r;

        (void)snprintf(path, sizeof(path), "%s/dynamic/instance-identity/document", version);
        r = imds_get(m, path, LEAF_MAX, &resp);
        if (r >= 0 && resp.status == 200) {
                char name[DS_NET_URL_LEN + 160];
                (void)snprintf(name, sizeof(name), "%s/%s", m->base, path);
                if (json_load(resp.body, resp.len, name, &doc, &err) < 0)
                        log_warning("%s:%u:%u: %s", name, err.line, err.col, err.msg);
        }
        if (r >= 0)
                http_response_done(&resp);
        az = identity_str(doc, "availabilityZone");
        region = identity_str(doc, "region");
        if (!az)
                az = node_str(node_get_path(md, "placement.availability-zone"));
        if (!region)
                region = node_str(node_get_path(md, "placement.region"));
        r = 0;
        if (az)
                r = node_set(md, "availability-zone", node_new_str(az));
        if (r >= 0 && region)
                r = node_set(md, "region", node_new_str(region));
        else if (r >= 0 && az && strlen(az) > 1)
                r = ds_set_strn(md, "region", az, strlen(az) - 1);
        return r;
}

static int ec2_probe(const struct ds_ctx *ctx, struct ds_result *res)
{
        struct imds m = { .budget = CRAWL_REQUESTS_MAX };
        const char *version = NULL;
        struct http_response resp;
        char path[128];
        int r = -ENOENT;

        if (ds_net_setup(ctx, &ds_ec2, default_urls, &m.net) < 0)
                return -ENOENT;
        if (connect_imds(ctx, &m) < 0)
                return -ENOENT;
        for (const char *const *v = versions; *v && !version; v++) {
                (void)snprintf(path, sizeof(path), "%s/meta-data/instance-id", *v);
                r = imds_get(&m, path, LEAF_MAX, &resp);
                if (r < 0)
                        return -ENOENT;
                if (resp.status == 200 && resp.len > 0)
                        version = *v;
                http_response_done(&resp);
        }
        if (!version) {
                log_warning("Ec2: %s answers no known API version", m.base);
                return -ENOENT;
        }
        res->md = node_new(NODE_MAP);
        if (!res->md)
                return -ENOMEM;
        (void)snprintf(path, sizeof(path), "%s/meta-data/", version);
        r = crawl(&m, path, res->md, 0);
        if (r < 0)
                return log_warning_errno(r, "Ec2: cannot read the meta-data from %s: %m", m.base);
        if (!node_get_str(res->md, "instance-id")) {
                log_warning("Ec2: the meta-data from %s has no instance-id", m.base);
                return -ENOENT;
        }
        r = identity(&m, version, res->md);
        if (r < 0)
                return r;
        (void)snprintf(path, sizeof(path), "%s/user-data", version);
        r = imds_get(&m, path, ctx->user_data_max, &resp);
        if (r < 0 || (resp.status != 200 && resp.status != 404)) {
                log_warning("Ec2: cannot fetch the user-data from %s (%s)", m.base,
                            r < 0 ? strerror(-r) : "an HTTP error");
                http_response_done(&resp);
                return -ENOENT;
        }
        if (resp.status == 200) {
                res->ud = TAKE_PTR(resp.body);
                res->ud_len = resp.len;
        }
        http_response_done(&resp);
        r = ec2_network_config(
                res->md,
                node_get_bool(node_get_path(ctx->syscfg, "datasource.Ec2"),
                              "apply_full_imds_network_config", true),
                &res->netcfg, &res->netcfg_len);
        if (r < 0 && r != -ENOENT)
                return r;
        res->cloud_name = "aws";
        (void)snprintf(path, sizeof(path), "%s/user-data", version);
        return ds_net_result(res, "ec2", m.base, path);
}

const struct datasource ds_ec2 = {
        .name = "Ec2",
        .local = false,
        .cloud = "aws",
        .probe = ec2_probe,
        .ephemeral = DS_EPHEMERAL_DHCP,
};
