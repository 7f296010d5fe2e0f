/* SPDX-License-Identifier: Apache-2.0 */
/* What the network datasources share: their settings from system config
 * under cloud-init's names (datasource: {Ec2: {metadata_urls, timeout,
 * max_wait, retries}}), the decision whether to probe at all, and a GET
 * relative to the metadata URL that answered. */
#pragma once

#include "datasource.h"
#include "http.h"

#define DS_NET_URLS_MAX 4
#define DS_NET_URL_LEN 256

struct ds_net {
        const char *name; /* "Ec2", as in datasource_list */
        char urls[DS_NET_URLS_MAX][DS_NET_URL_LEN]; /* without a trailing / */
        size_t nurls;
        unsigned timeout_ms; /* one request */
        struct http_retry retry; /* deadline: max_wait from now */
};

/* Read datasource.<name> from system config over the defaults (timeout and
 * max_wait in seconds, as cloud-init has them). -ENOENT, with a log line,
 * when this machine is not to be probed: the network is not up yet (init-local),
 * or nothing says the machine is on this cloud (its DMI identity, ds= on the
 * kernel command line or a datasource_list in a file naming it, or
 * metadata_urls set for it). That is what
 * keeps a boot off a cloud from waiting on a metadata service that is not
 * there. */
int ds_net_setup(const struct ds_ctx *ctx, const struct datasource *ds,
                 const char *const *default_urls, struct ds_net *ret);
/* Whether this machine is to be probed for ds, the stage aside (the rule
 * above; a debug line says why not). The binary asks before it loads the
 * cloud datasources (clouds.h) for one. */
bool ds_net_wanted(const struct ds_ctx *ctx, const struct datasource *ds);

/* Only the limits of datasource.<name>: timeout, retries, max_wait. */
void ds_net_limits(const struct ds_ctx *ctx, const struct datasource *ds, struct ds_net *n);

/* method (NULL: GET) base/path with headers; a body of at most max bytes. */
int ds_net_get(const struct ds_net *n, const char *base, const char *path, const char *method,
               const char *const *headers, size_t max, struct http_response *ret);

/* Set key in map to a copy of s (len bytes), unless s is NULL. */
int ds_set_strn(struct node *map, const char *key, const char *s, size_t len);

/* The common end of a network datasource's probe: instance-id from the
 * meta-data's instance-id, dsmode net, the platform, and base as the seed
 * ("metadata (base)" as the subplatform); the user-data is named base/ud_path
 * in messages. */
int ds_net_result(struct ds_result *res, const char *platform, const char *base,
                  const char *ud_path);
