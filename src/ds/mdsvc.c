/* SPDX-License-Identifier: Apache-2.0 */
/* Shared by the JSON metadata datasources (see mdsvc.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "codec.h"
#include "fs.h"
#include "json.h"
#include "log.h"
#include "mdsvc.h"
#include "valid.h"
#include "yaml.h"

#define MD_LEAF_MAX (64u * 1024)
#define MD_CRAWL_DEPTH_MAX 3

int md_get(const struct ds_net *n, const char *base, const char *path, const char *method,
           const char *const *headers, size_t max, struct http_response *ret)
{
        struct http_request req = {
                .method = method, .headers = headers, .body_max = max, .timeout_ms = n->timeout_ms
        };
        char url[DS_NET_URL_LEN + 512];
        int r;

        if ((size_t)snprintf(url, sizeof(url), "%s%s%s", base, path ? "/" : "", path ? path : "") >=
            sizeof(url))
                return -ENAMETOOLONG;
        r = http_fetch(url, &req, &n->retry, ret);
        if (r >= 0 && ret->status != 200) {
                r = ret->status == 404 ? -ENOENT : -EPROTO;
                http_response_done(ret);
        }
        return r;
}

int md_parse_doc(const struct http_response *resp, const char *name, bool yaml,
                 enum node_type want, struct node **ret)
{
        struct yaml_error err;
        struct node *doc = NULL;
        int r;

        r = yaml ? yaml_load(resp->body, resp->len, name, NULL, &doc, &err)
                 : json_load(resp->body, resp->len, name, &doc, &err);
        if (r < 0) {
                log_warning("%s:%u:%u: %s", name, err.line, err.col, err.msg);
                return -EBADMSG;
        }
        if (doc->type != want) {
                log_warning("%s: not a %s %s (a %s)", name, yaml ? "YAML" : "JSON",
                            want == NODE_MAP ? "object" : "list", node_type_name(doc->type));
                node_free(doc);
                return -EBADMSG;
        }
        *ret = doc;
        return 0;
}

int md_get_doc(const struct ds_net *n, const char *base, const char *path,
               const char *const *headers, size_t max, enum node_type want, struct node **ret)
{
        struct http_response resp;
        char name[DS_NET_URL_LEN + 256];
        int r = md_get(n, base, path, NULL, headers, max, &resp);

        if (r < 0)
                return r;
        (void)snprintf(name, sizeof(name), "%s%s%s", base, path ? "/" : "", path ? path : "");
        name[strcspn(name, "?")] = 0;
        r = md_parse_doc(&resp, name, /* yaml= */ false, want, ret);
        http_response_done(&resp);
        return r;
}

int md_get_json(const struct ds_net *n, const char *base, const char *path,
                const char *const *headers, size_t max, struct node **ret)
{
        return md_get_doc(n, base, path, headers, max, NODE_MAP, ret);
}

const char *md_scalar(const struct node *v, char *buf, size_t size)
{
        const char *s = node_str(v);

        if (v && v->type == NODE_INT) {
                if ((size_t)snprintf(buf, size, "%lld", v->i) >= size)
                        return NULL;
                return buf;
        }
        if (!s || strlen(s) >= size || valid_line(s, size))
                return NULL;
        memcpy(buf, s, strlen(s) + 1);
        return buf;
}

int md_set_scalar(struct node *md, const char *key, const struct node *v)
{
        char buf[512];
        const char *s = md_scalar(v, buf, sizeof(buf));

        return s ? node_set(md, key, node_new_str(s)) : 0;
}

int md_take_text(const struct node *v, size_t max, const char *what, char **ret, size_t *ret_len)
{
        char *copy;

        if (!v || v->type == NODE_NULL)
                return 0;
        if (v->type != NODE_STR) {
                log_warning("%s is a %s, not a string; not used", what, node_type_name(v->type));
                return 0;
        }
        if (v->len > max) {
                log_warning("%s is larger than %zu bytes; not used", what, max);
                return 0;
        }
        copy = malloc(v->len + 1);
        if (!copy)
                return -ENOMEM;
        memcpy(copy, v->str, v->len);
        copy[v->len] = 0;
        *ret = copy;
        *ret_len = v->len;
        return 0;
}

int md_ifname_by_mac(int root_fd, const char *mac, char *ret, size_t size)
{
        uint8_t want[6], have[6];
        char **names = NULL, path[300];
        size_t n = 0;
        int r = -ENOENT;

        if (valid_parse_mac(mac, want) < 0)
                return -EINVAL;
        if (fs_list_dir(root_fd, "/sys/class/net", NULL, 1024, &names, &n) < 0)
                return -ENOENT;
        for (size_t k = 0; k < n && r < 0; k++) {
                _cleanup_free_ char *addr = NULL;
                if (valid_ifname(names[k]) || strlen(names[k]) >= size)
                        continue;
                (void)snprintf(path, sizeof(path), "/sys/class/net/%s/address", names[k]);
                if (fs_read_line(root_fd, path, &addr) < 0 ||
                    valid_parse_mac(addr, have) < 0 || memcmp(want, have, 6) != 0)
                        continue;
                memcpy(ret, names[k], strlen(names[k]) + 1);
                r = 0;
        }
        fs_list_free(names, n);
        return r;
}

int md_set_netcfg(struct ds_result *res, const struct node *doc)
{
        struct buf b = BUF_INIT(DS_METADATA_MAX);
        int r = json_write(&b, doc, 0);

        if (r < 0) {
                buf_free(&b);
                return r;
        }
        free_secret(res->netcfg, res->netcfg_len);
        res->netcfg = buf_steal(&b, &res->netcfg_len);
        return res->netcfg ? 0 : -ENOMEM;
}

int md_set_subplatform(struct ds_result *res, const char *s)
{
        char *c = strdup(s);

        if (!c)
                return -ENOMEM;
        free(res->subplatform);
        res->subplatform = c;
        return 0;
}

int md_maybe_b64(char **data, size_t *len, size_t max)
{
        char *out = NULL;
        size_t out_len = 0;

        if (!*data || *len == 0 || *len % 4 != 0)
                return 0;
        for (size_t i = 0; i < *len; i++) {
                char c = (*data)[i];
                if (!(c >= 'A' && c <= 'Z') && !(c >= 'a' && c <= 'z') && !(c >= '0' && c <= '9') &&
                    c != '+' && c != '/' &&
                    !(c == '=' && i + 2 >= *len))
                        return 0;
        }
        if (b64_decode(*data, *len, max, &out, &out_len) < 0)
                return 0;
        free_secret(*data, *len);
        *data = out;
        *len = out_len;
        return 0;
}

int md_fallback_nic(int root_fd, char *ret, size_t size)
{
        char **names = NULL, path[300];
        uint64_t best = UINT64_MAX;
        size_t n = 0;
        int r = -ENOENT;

        if (fs_list_dir(root_fd, "/sys/class/net", NULL, 1024, &names, &n) < 0)
                return -ENOENT;
        for (size_t k = 0; k < n; k++) {
                _cleanup_free_ char *idx = NULL;
                uint64_t i;
                if (streq(names[k], "lo") || valid_ifname(names[k]) || strlen(names[k]) >= size)
                        continue;
                (void)snprintf(path, sizeof(path), "/sys/class/net/%s/device", names[k]);
                if (!fs_exists(root_fd, path))
                        continue;
                (void)snprintf(path, sizeof(path), "/sys/class/net/%s/ifindex", names[k]);
                if (fs_read_line(root_fd, path, &idx) < 0 ||
                    valid_parse_uint(idx, 0, INT32_MAX, &i) < 0 || i >= best)
                        continue;
                best = i;
                memcpy(ret, names[k], strlen(names[k]) + 1);
                r = 0;
        }
        fs_list_free(names, n);
        return r;
}

static int crawl_dir(struct md_crawl *c, const char *dir, struct node *into, unsigned depth);

/* One line of a listing: a leaf's value, a sub-directory, or in public-keys/
 * "0=name", whose key is at 0/openssh-key. */
static int crawl_entry(struct md_crawl *c, const char *dir, const char *line, size_t len,
                       struct node *into, unsigned depth)
{
        const char *eq = endswith(dir, "public-keys/") ? memchr(line, '=', len) : NULL;
        bool is_dir = len > 0 && line[len - 1] == '/';
        char key[128], path[512];
        struct http_response resp;
        int r;

        (void)snprintf(key, sizeof(key), "%.*s",
                       (int)(eq ? (size_t)(eq - line) : is_dir ? len - 1 : len), line);
        if (!key[0] || strchr(key, '/') || strchr(key, '?') || streq(key, ".") ||
            streq(key, "..") || strlen(dir) + strlen(key) + 16 > sizeof(path))
                return 0;
        if (is_dir) {
                struct node *sub = node_new(NODE_MAP);
                (void)snprintf(path, sizeof(path), "%s%s/", dir, key);
                r = sub ? crawl_dir(c, path, sub, depth + 1) : -ENOMEM;
                if (r >= 0)
                        return node_set(into, key, sub);
                node_free(sub);
                return r;
        }
        if (c->budget == 0)
                return 0;
        c->budget--;
        (void)snprintf(path, sizeof(path), "%s%s%s", dir, key, eq ? "/openssh-key" : "");
        r = md_get(c->n, c->base, path, NULL, NULL, MD_LEAF_MAX, &resp);
        if (r == -ENOENT)
                return 0;
        if (r < 0)
                return r;
        while (resp.len > 0 && resp.body[resp.len - 1] == '\n')
                resp.body[--resp.len] = 0;
        r = ds_set_strn(into, key, resp.body, resp.len);
        http_response_done(&resp);
        return r;
}

static int crawl_dir(struct md_crawl *c, const char *dir, struct node *into, unsigned depth)
{
        struct http_response resp;
        int r;

        if (depth > MD_CRAWL_DEPTH_MAX || c->budget == 0)
                return 0;
        c->budget--;
        r = md_get(c->n, c->base, dir, NULL, NULL, MD_LEAF_MAX, &resp);
        if (r < 0)
                return r;
        for (const char *p = resp.body; *p && r >= 0;) {
                size_t len = strcspn(p, "\r\n");
                r = crawl_entry(c, dir, p, len, into, depth);
                p += len;
                p += strspn(p, "\r\n");
        }
        http_response_done(&resp);
        return r;
}

int md_crawl(struct md_crawl *c, const char *dir, struct node *into)
{
        return crawl_dir(c, dir, into, 0);
}

int md_set_str(struct node *map, const char *key, const char *s)
{
        return node_set(map, key, node_new_str(s));
}

int md_take_droplet_fields(const struct ds_ctx *ctx, const struct node *full, const char *who,
                           const char *base, struct ds_result *res)
{
        char buf[256], name[DS_NET_URL_LEN + 64];
        const char *rg = md_scalar(node_get(full, "region"), buf, sizeof(buf));
        int r;

        r = md_set_str(res->md, "availability_zone", rg ? rg : "default");
        if (r >= 0 && node_get(full, "public_keys"))
                r = node_set(res->md, "public-keys", node_copy(node_get(full, "public_keys")));
        (void)snprintf(name, sizeof(name), "%s: %s user_data", who, base);
        if (r >= 0)
                r = md_take_text(node_get(full, "user_data"), ctx->user_data_max, name, &res->ud,
                                 &res->ud_len);
        (void)snprintf(name, sizeof(name), "%s: %s vendor_data", who, base);
        if (r >= 0)
                r = md_take_text(node_get(full, "vendor_data"), ctx->user_data_max, name,
                                 &res->vd, &res->vd_len);
        return r;
}
