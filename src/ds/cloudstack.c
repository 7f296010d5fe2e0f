/* SPDX-License-Identifier: Apache-2.0 */
/* Apache CloudStack's metadata service on the virtual router, read only on a
 * machine whose DMI product_name starts with "CloudStack". As cloud-init's
 * DataSourceCloudStack: a seed in /var/lib/cloud/seed/cs (meta-data,
 * user-data) wins; else the virtual router is, in this order, what the name
 * data-server resolves to (only when the target is the running system), the
 * SERVER_ADDRESS of a systemd-networkd lease, the dhcp-server-identifier of
 * the newest dhclient lease (/var/lib/dhcp/dhclient.*.leases), or the default
 * gateway (/proc/net/route); http://VR/latest/meta-data/instance-id must
 * answer, latest/meta-data/ is crawled as a tree and latest/user-data is the
 * user-data (404: none). Then the password server on the virtual router's
 * port 8080 (pwserver.c): a password it gives becomes the datasource's
 * cloud-config for the default user; a server that fails or refuses is
 * logged and the datasource is still found, as in cloud-init. */
#include <arpa/inet.h>
#include <fcntl.h>
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "clouds.h"
#include "fs.h"
#include "log.h"
#include "mdsvc.h"
#include "pwserver.h"
#include "valid.h"

#define LEAF_MAX (64u * 1024)
#define CRAWL_REQUESTS_MAX 64
#define LEASE_MAX (64u * 1024)
#define SEED_DIR "/var/lib/cloud/seed/cs"

static bool set_addr(const char *s, size_t len, char *ret, size_t size)
{
        char a[INET_ADDRSTRLEN];
        int family;

        if (len == 0 || len >= sizeof(a) || len >= size)
                return false;
        memcpy(a, s, len);
        a[len] = 0;
        if (valid_ip(a, &family) || family != AF_INET)
                return false;
        memcpy(ret, a, len + 1);
        return true;
}

/* The name data-server, as the running system resolves it. */
static bool from_dns(int root_fd, char *ret, size_t size)
{
        struct addrinfo hints = { .ai_family = AF_INET, .ai_socktype = SOCK_STREAM }, *ai = NULL;
        struct stat a, b;
        char s[INET_ADDRSTRLEN];
        bool ok = false;

        /* a target root that is not / is not the system asking */
        if (fstat(root_fd, &a) < 0 || stat("/", &b) < 0 || a.st_dev != b.st_dev ||
            a.st_ino != b.st_ino)
                return false;
        if (getaddrinfo("data-server", "80", &hints, &ai) != 0 || !ai)
                return false;
        if (inet_ntop(AF_INET, &((struct sockaddr_in *)ai->ai_addr)->sin_addr, s, sizeof(s)))
                ok = set_addr(s, strlen(s), ret, size);
        freeaddrinfo(ai);
        return ok;
}

/* SERVER_ADDRESS= of systemd-networkd's leases, the first by file name. */
static bool from_networkd(int root_fd, char *ret, size_t size)
{
        char **names = NULL, path[300];
        size_t n = 0;
        bool ok = false;

        if (fs_list_dir(root_fd, "/run/systemd/netif/leases", NULL, 64, &names, &n) < 0)
                return false;
        for (size_t k = 0; k < n && !ok; k++) {
                _cleanup_free_ char *data = NULL;
                size_t len;
                (void)snprintf(path, sizeof(path), "/run/systemd/netif/leases/%s", names[k]);
                if (fs_read_file(root_fd, path, LEASE_MAX, &data, &len) < 0)
                        continue;
                for (const char *p = data; *p && !ok;) {
                        size_t l = strcspn(p, "\n");
                        if (startswith(p, "SERVER_ADDRESS=") && l > 15)
                                ok = set_addr(p + 15, l - 15, ret, size);
                        p += l;
                        p += *p == '\n';
                }
        }
        fs_list_free(names, n);
        return ok;
}

/* The last "option dhcp-server-identifier A;" of the newest dhclient lease
 * file. */
static bool from_dhclient(int root_fd, char *ret, size_t size)
{
        char **names = NULL, path[300], newest[300] = "";
        _cleanup_free_ char *data = NULL;
        struct timespec best = { 0 };
        size_t n = 0, len;
        bool ok = false;

        if (fs_list_dir(root_fd, "/var/lib/dhcp", "dhclient*.leases", 64, &names, &n) < 0)
                return false;
        for (size_t k = 0; k < n; k++) {
                _cleanup_close_ int fd = -1;
                struct stat st;
                (void)snprintf(path, sizeof(path), "/var/lib/dhcp/%s", names[k]);
                fd = fs_open_in_root(root_fd, path, O_RDONLY | O_CLOEXEC, 0);
                if (fd < 0 || fstat(fd, &st) < 0 || !S_ISREG(st.st_mode))
                        continue;
                if (!newest[0] || st.st_mtim.tv_sec > best.tv_sec ||
                    (st.st_mtim.tv_sec == best.tv_sec && st.st_mtim.tv_nsec > best.tv_nsec)) {
                        best = st.st_mtim;
                        memcpy(newest, path, strlen(path) + 1);
                }
        }
        fs_list_free(names, n);
        if (!newest[0] || fs_read_file(root_fd, newest, LEASE_MAX, &data, &len) < 0)
                return false;
        for (const char *p = data; *p;) {
                size_t l = strcspn(p, "\n");
                const char *s = p + strspn(p, " \t");
                static const char key[] = "option dhcp-server-identifier ";
                if (startswith(s, key)) {
                        const char *v = s + strlen(key);
                        size_t vl = strcspn(v, ";\n");
                        if (v[vl] == ';')
                                ok = set_addr(v, vl, ret, size) || ok;
                }
                p += l;
                p += *p == '\n';
        }
        return ok;
}

/* The gateway of the default route in /proc/net/route (hex, little-endian). */
static bool from_route(int root_fd, char *ret, size_t size)
{
        _cleanup_free_ char *data = NULL;
        size_t len;

        if (fs_read_file(root_fd, "/proc/net/route", LEASE_MAX, &data, &len) < 0)
                return false;
        for (const char *p = data; *p;) {
                size_t l = strcspn(p, "\n");
                char iface[32], dest[16], gw[16];
                if (sscanf(p, "%31s %15s %15s", iface, dest, gw) == 3 && streq(dest, "00000000")) {
                        char *end;
                        unsigned long v = strtoul(gw, &end, 16);
                        struct in_addr in = { .s_addr = (in_addr_t)v };
                        char s[INET_ADDRSTRLEN];
                        if (*end == 0 && strlen(gw) == 8 && v != 0 &&
                            inet_ntop(AF_INET, &in, s, sizeof(s)))
                                return set_addr(s, strlen(s), ret, size);
                }
                p += l;
                p += *p == '\n';
        }
        return false;
}

/* The password of the virtual router's password server into res->cfg.
 * Failures are logged and leave no password: the instance boots without. */
static int fetch_password(const struct ds_ctx *ctx, const char *vr, struct ds_result *res)
{
        struct ds_net n = { 0 };
        char url[64], *pw = NULL;
        int r;

        /* its own time: the metadata service may have used up max_wait */
        ds_net_limits(ctx, &ds_cloudstack, &n);
        (void)snprintf(url, sizeof(url), "http://%s:%d", vr, PWSERVER_PORT);
        r = pwserver_fetch(&n, url, /* strip= */ true, &pw);
        if (r == -EPROTO)
                log_warning("CloudStack: the password server at %s refused the request "
                            "(bad_request or an HTTP error): no password set",
                            url);
        else if (r < 0 && r != -EBADMSG)
                log_warning_errno(r, "CloudStack: cannot fetch the password from the virtual "
                                     "router's password server at %s: %m",
                                  url);
        return pwserver_take("CloudStack", url, r, pw, &res->cfg);
}

/* The seed directory: meta-data (YAML) and user-data. -ENOENT: no seed. */
static int from_seed(const struct ds_ctx *ctx, struct ds_result *res)
{
        _cleanup_free_ char *md = NULL;
        size_t len;
        int r;

        if (fs_read_file(ctx->root_fd, SEED_DIR "/meta-data", DS_METADATA_MAX, &md, &len) < 0)
                return -ENOENT;
        res->md = ds_parse_meta_data(md, len, SEED_DIR "/meta-data");
        if (!res->md)
                return -ENOMEM;
        r = fs_read_file(ctx->root_fd, SEED_DIR "/user-data", ctx->user_data_max, &res->ud,
                         &res->ud_len);
        if (r < 0 && r != -ENOENT) {
                log_warning_errno(r, "CloudStack: cannot read " SEED_DIR "/user-data: %m");
                return -ENOENT;
        }
        if (!node_get_str(res->md, "instance-id")) {
                log_warning("CloudStack: " SEED_DIR "/meta-data has no instance-id");
                return -ENOENT;
        }
        r = ds_net_result(res, "cloudstack", "seed-dir", "user-data");
        if (r >= 0)
                r = md_set_subplatform(res, "seed-dir (" SEED_DIR ")");
        free(res->seed);
        res->seed = strdup(SEED_DIR);
        if (r >= 0 && !res->seed)
                r = -ENOMEM;
        if (r >= 0)
                log_info("CloudStack: instance %s from " SEED_DIR, res->iid);
        return r;
}

static int cloudstack_probe(const struct ds_ctx *ctx, struct ds_result *res)
{
        struct md_crawl c = { .budget = CRAWL_REQUESTS_MAX };
        struct http_response resp;
        char vr[INET_ADDRSTRLEN] = "", base[64];
        const char *how;
        struct ds_net n = { 0 };
        int r;

        /* the address is found, not configured: the same rule as ds_net_setup */
        if (ctx->local_stage ||
            (!(ctx->plat && streq_ptr(ctx->plat->cloud, "cloudstack")) && !ctx->named))
                return -ENOENT;
        r = from_seed(ctx, res);
        if (r != -ENOENT)
                return r;
        ds_result_done(res);
        ds_net_limits(ctx, &ds_cloudstack, &n);
        how = from_dns(ctx->root_fd, vr, sizeof(vr))        ? "the name data-server"
              : from_networkd(ctx->root_fd, vr, sizeof(vr)) ? "a systemd-networkd lease"
              : from_dhclient(ctx->root_fd, vr, sizeof(vr)) ? "a dhclient lease"
              : from_route(ctx->root_fd, vr, sizeof(vr))    ? "the default gateway"
                                                            : NULL;
        if (!how) {
                log_warning("CloudStack: no virtual router found (no data-server name, DHCP "
                            "lease or default gateway)");
                return -ENOENT;
        }
        log_info("CloudStack: the virtual router is %s, from %s", vr, how);
        (void)snprintf(base, sizeof(base), "http://%s", vr);
        c.n = &n;
        c.base = base;
        r = md_get(&n, base, "latest/meta-data/instance-id", NULL, NULL, LEAF_MAX, &resp);
        if (r < 0) {
                log_warning_errno(r, "CloudStack: no metadata service at "
                                     "%s/latest/meta-data/instance-id: %m",
                                  base);
                return -ENOENT;
        }
        http_response_done(&resp);
        res->md = node_new(NODE_MAP);
        if (!res->md)
                return -ENOMEM;
        r = md_crawl(&c, "latest/meta-data/", res->md);
        if (r < 0) {
                log_warning_errno(r, "CloudStack: cannot read the meta-data from %s: %m", base);
                return r == -ENOMEM ? r : -ENOENT;
        }
        if (!node_get_str(res->md, "instance-id")) {
                log_warning("CloudStack: the meta-data from %s has no instance-id", base);
                return -ENOENT;
        }
        r = md_get(&n, base, "latest/user-data", NULL, NULL, ctx->user_data_max, &resp);
        if (r < 0 && r != -ENOENT) {
                log_warning_errno(r, "CloudStack: cannot read %s/latest/user-data: %m", base);
                return -ENOENT;
        }
        if (r >= 0) {
                res->ud = TAKE_PTR(resp.body);
                res->ud_len = resp.len;
                http_response_done(&resp);
        }
        r = fetch_password(ctx, vr, res);
        if (r >= 0)
                r = ds_net_result(res, "cloudstack", base, "latest/user-data");
        if (r >= 0) {
                /* cloud-init's metadata_address ends in a slash */
                char sub[96];
                (void)snprintf(sub, sizeof(sub), "metadata (%s/)", base);
                r = md_set_subplatform(res, sub);
        }
        if (r >= 0)
                log_info("CloudStack: instance %s from %s", res->iid, base);
        return r;
}

const struct datasource ds_cloudstack = {
        .name = "CloudStack",
        .local = false,
        .cloud = "cloudstack",
        .probe = cloudstack_probe,
        .ephemeral = DS_EPHEMERAL_DHCP,
};
