/* SPDX-License-Identifier: Apache-2.0 */
/* What the datasources of the clouds that serve one JSON (or YAML) document
 * over HTTP share (DigitalOcean, Hetzner, Oracle, Vultr, Scaleway, Akamai):
 * a GET that tells a 404 from a failure, a JSON document that must be an
 * object, a scalar as text, the name /sys/class/net gives a MAC, and the
 * network configuration a datasource builds handed on as a version 1
 * document. Nothing here logs above a warning, and each warning names the
 * URL it is about. */
#pragma once

#include "net.h"

/* GET (or method) base/path, path NULL: base itself. 0 on HTTP 200; -ENOENT
 * on 404; -EPROTO on another status (the response is freed then); transport
 * errors as http_fetch. */
int md_get(const struct ds_net *n, const char *base, const char *path, const char *method,
           const char *const *headers, size_t max, struct http_response *ret);
/* md_get, then the body as a JSON object. A malformed body or one that is
 * not an object is logged with its URL and position: -EBADMSG. */
int md_get_json(const struct ds_net *n, const char *base, const char *path,
                const char *const *headers, size_t max, struct node **ret);
/* The body of resp as a JSON (yaml: YAML) document of type want (a mapping
 * or a list), named name in messages; -EBADMSG, logged, when it is not. */
int md_parse_doc(const struct http_response *resp, const char *name, bool yaml,
                 enum node_type want, struct node **ret);
/* md_get, then md_parse_doc of the JSON body. */
int md_get_doc(const struct ds_net *n, const char *base, const char *path,
               const char *const *headers, size_t max, enum node_type want, struct node **ret);
/* A string or integer scalar as text in buf; NULL when v is neither, or
 * does not fit, or holds a control character. */
const char *md_scalar(const struct node *v, char *buf, size_t size);
/* Set key in md to the scalar v as a string, if it is one. */
int md_set_scalar(struct node *md, const char *key, const struct node *v);
/* A string node as user-data or vendor-data (what names it in messages):
 * copied when it fits in max, else logged and left out. */
int md_take_text(const struct node *v, size_t max, const char *what, char **ret,
                 size_t *ret_len);
/* The name of the interface with MAC mac in <root>/sys/class/net; -ENOENT
 * when none has it. */
int md_ifname_by_mac(int root_fd, const char *mac, char *ret, size_t size);
/* The network configuration doc (a version 1 or 2 mapping built or checked
 * by the datasource) as the result's network-config. */
int md_set_netcfg(struct ds_result *res, const struct node *doc);
/* Replace the subplatform ds_net_result() set ("unknown" for the clouds
 * that cloud-init gives no metadata address). */
int md_set_subplatform(struct ds_result *res, const char *s);
/* cloud-init's maybe_b64decode: data decoded when all of it is strict
 * base64 (the alphabet only, no white space, whole groups), else kept as it
 * is. *data is replaced; max bounds the decoded size. */
int md_maybe_b64(char **data, size_t *len, size_t max);
/* The NIC cloud-init calls the fallback interface: of <root>/sys/class/net,
 * the one with a device (not loopback or virtual) of the lowest ifindex.
 * -ENOENT when there is none. */
int md_fallback_nic(int root_fd, char *ret, size_t size);
/* An EC2-style tree (Exoscale, CloudStack): dir's listing, a line per
 * entry, "name/" for a directory, a value per leaf; in public-keys/ lines
 * "0=name" whose key is at 0/openssh-key. At most budget requests, three
 * levels deep; a 404 leaf is left out. */
struct md_crawl {
        const struct ds_net *n;
        const char *base;
        unsigned budget;
};
int md_crawl(struct md_crawl *c, const char *dir, struct node *into);

/* The network configuration (res->netcfg) each cloud's document gives, NICs
 * found by MAC under ctx->root_fd; for the probes and tests/fuzz. A value
 * that is wrong leaves its interface out, logged; -ENOMEM only. */
/* node_set(map, key, a new string s). */
int md_set_str(struct node *map, const char *key, const char *s);
/* The fields the DigitalOcean-shaped documents (DigitalOcean, UpCloud)
 * share: region as the availability zone ("default" without one),
 * public_keys, and user_data and vendor_data as text; who and base name the
 * document in messages. */
int md_take_droplet_fields(const struct ds_ctx *ctx, const struct node *full, const char *who,
                           const char *base, struct ds_result *res);

int digitalocean_netcfg(const struct ds_ctx *ctx, const struct node *full, struct ds_result *res);
int hetzner_netcfg(const struct ds_ctx *ctx, const struct node *md, struct ds_result *res);
int oracle_netcfg(const struct ds_ctx *ctx, const struct node *vnics, bool set_primary,
                  bool set_secondary, struct ds_result *res);
int vultr_netcfg(const struct ds_ctx *ctx, const struct node *md, struct ds_result *res);
int scaleway_netcfg(const struct ds_ctx *ctx, const struct node *conf, struct ds_result *res);
int upcloud_netcfg(const struct ds_ctx *ctx, const struct node *full, struct ds_result *res);
int aliyun_netcfg(const struct ds_ctx *ctx, const struct node *md, struct ds_result *res);
