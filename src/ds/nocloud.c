/* SPDX-License-Identifier: Apache-2.0 */
/* NoCloud, local forms: the SMBIOS serial and kernel command line (ds=nocloud),
 * inline data in system config, seed directories, a filesystem labelled
 * cidata, and a file:// seedfrom. Meta-data found earlier wins over meta-data
 * found later; user-data found later replaces what came before, as in
 * cloud-init's DataSourceNoCloud._get_data. */
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>

#include "blockdev.h"
#include "buf.h"
#include "cmdline.h"
#include "datasource.h"
#include "fs.h"
#include "log.h"
#include "yaml.h"
#include "net.h"

/* What one seed location holds. */
struct seed {
        struct node *md;
        char *ud, *vd, *netcfg;
        size_t ud_len, vd_len, netcfg_len;
};

static void seed_done(struct seed *s)
{
        node_free(s->md);
        free_secret(s->ud, s->ud_len);
        free_secret(s->vd, s->vd_len);
        free_secret(s->netcfg, s->netcfg_len);
        *s = (struct seed){ 0 };
}

/* Read user-data and meta-data (required) and vendor-data and network-config
 * (optional) from dir inside dir_root_fd. -ENOENT when it is not a seed;
 * -E2BIG when the meta-data is over its limit; a user-data or vendor-data over
 * it is left out. Either is reported here, once. */
static int read_seed(int dir_root_fd, const char *dir, const char *display, size_t ud_max,
                     struct seed *ret)
{
        struct seed s = { 0 };
        char path[4096], name[4096];
        _cleanup_free_ char *md = NULL;
        size_t md_len = 0;
        int r;

        (void)snprintf(path, sizeof(path), "%s/meta-data", dir);
        r = fs_read_file(dir_root_fd, path, DS_METADATA_MAX, &md, &md_len);
        if (r == -E2BIG)
                log_warning("%s/meta-data is larger than %u bytes; not used", display,
                            DS_METADATA_MAX);
        if (r < 0)
                return r == -ENOTDIR ? -ENOENT : r;
        (void)snprintf(path, sizeof(path), "%s/user-data", dir);
        r = fs_read_file(dir_root_fd, path, ud_max, &s.ud, &s.ud_len);
        if (r == -E2BIG)
                log_warning("%s/user-data is larger than %zu bytes; not used", display, ud_max);
        if (r < 0 && r != -E2BIG)
                return r;
        (void)snprintf(path, sizeof(path), "%s/vendor-data", dir);
        r = fs_read_file(dir_root_fd, path, ud_max, &s.vd, &s.vd_len);
        if (r == -E2BIG)
                log_warning("%s/vendor-data is larger than %zu bytes; not used", display, ud_max);
        if (r < 0 && r != -ENOENT && r != -E2BIG) {
                seed_done(&s);
                return r;
        }
        (void)snprintf(path, sizeof(path), "%s/network-config", dir);
        r = fs_read_file(dir_root_fd, path, DS_METADATA_MAX, &s.netcfg, &s.netcfg_len);
        if (r < 0 && r != -ENOENT) {
                seed_done(&s);
                return r;
        }
        (void)snprintf(name, sizeof(name), "%s/meta-data", display);
        s.md = ds_parse_meta_data(md, md_len, name);
        if (!s.md) {
                seed_done(&s);
                return -ENOMEM;
        }
        *ret = s;
        return 0;
}

/* dst gets the keys of src that it does not have yet: what was found first wins. */
static int md_merge_under(struct node **dst, const struct node *src)
{
        struct node *merged = node_copy(src);
        int r;

        if (!merged)
                return -ENOMEM;
        r = node_merge(merged, *dst);
        if (r < 0) {
                node_free(merged);
                return r;
        }
        node_free(*dst);
        *dst = merged;
        return 0;
}

#define REPLACE(field, len_field, src)                                                             \
        do {                                                                                       \
                free_secret(res->field, res->len_field);                                           \
                res->field = TAKE_PTR((src)->field);                                               \
                res->len_field = (src)->len_field;                                                 \
        } while (0)

static int take_seed(struct ds_result *res, struct seed *s, const char *seed_name,
                     const char *subplatform)
{
        int r = md_merge_under(&res->md, s->md);
        if (r < 0)
                return r;
        REPLACE(ud, ud_len, s);
        if (s->vd)
                REPLACE(vd, vd_len, s);
        if (s->netcfg)
                REPLACE(netcfg, netcfg_len, s);
        free(res->seed);
        free(res->subplatform);
        free(res->ud_name);
        res->seed = strdup(seed_name);
        res->subplatform = strdup(subplatform);
        res->ud_name = malloc(strlen(seed_name) + sizeof("/user-data"));
        if (!res->seed || !res->subplatform || !res->ud_name)
                return -ENOMEM;
        (void)snprintf(res->ud_name, strlen(seed_name) + sizeof("/user-data"), "%s/user-data",
                       seed_name);
        return 0;
}

static int probe_seed_dirs(const struct ds_ctx *ctx, struct ds_result *res, bool *found)
{
        static const char *const dirs[] = { "/var/lib/cloud/seed/nocloud",
                                            "/var/lib/cloud/seed/nocloud-net" };

        for (size_t i = 0; i < ELEMENTSOF(dirs); i++) {
                struct seed s = { 0 };
                char sub[512];
                int r = read_seed(ctx->root_fd, dirs[i], dirs[i], ctx->user_data_max, &s);

                if (r == -ENOENT || r == -E2BIG)
                        continue;
                if (r < 0)
                        return log_warning_errno(r, "Cannot read seed %s: %m", dirs[i]);
                (void)snprintf(sub, sizeof(sub), "seed-dir (%s)", dirs[i]);
                r = take_seed(res, &s, dirs[i], sub);
                seed_done(&s);
                if (r < 0)
                        return r;
                *found = true;
                return 0;
        }
        return 0;
}

static int probe_devices(const struct ds_ctx *ctx, const struct node *ds_cfg, struct ds_result *res,
                         bool *found)
{
        static const char *const types[] = { "iso9660", "vfat", NULL };
        const struct node *label = node_get(ds_cfg, "fs_label");
        const char *labels[3] = { "cidata", "CIDATA", NULL };
        struct labelled_dev *devs = NULL;
        size_t n = 0;
        int r;

        if (label && label->type == NODE_NULL)
                return 0; /* fs_label: null turns the search off */
        if (label && node_str(label)) {
                labels[0] = label->str;
                labels[1] = NULL;
        }
        if (!ctx->probe_devices)
                return 0;
        r = blockdev_find(labels, types, &devs, &n);
        if (r < 0)
                return log_warning_errno(r, "Cannot list block devices: %m");
        for (size_t i = 0; i < n && !*found; i++) {
                _cleanup_close_ int dfd = -1;
                char *dir = NULL, sub[512];
                struct seed s = { 0 };

                r = blockdev_mount_ro(&devs[i], &dir);
                if (r < 0) {
                        log_warning_errno(r, "Cannot mount %s (%s) read-only: %m", devs[i].devname,
                                          devs[i].fstype);
                        continue;
                }
                dfd = fs_open_root(dir);
                r = dfd < 0 ? dfd : read_seed(dfd, "/", devs[i].devname, ctx->user_data_max, &s);
                blockdev_umount(dir);
                if (r == -ENOENT) {
                        log_info("%s is labelled %s but holds no meta-data and user-data",
                                 devs[i].devname, labels[0]);
                        continue;
                }
                if (r < 0) {
                        if (r != -E2BIG)
                                log_warning_errno(r, "Cannot read the seed on %s: %m",
                                                  devs[i].devname);
                        continue;
                }
                (void)snprintf(sub, sizeof(sub), "config-disk (%s)", devs[i].devname);
                r = take_seed(res, &s, devs[i].devname, sub);
                seed_done(&s);
                if (r < 0)
                        break;
                *found = true;
        }
        blockdev_list_free(devs, n);
        return r < 0 && r != -ENOENT ? r : 0;
}

/* cloud-init's dmidecode names for the __dmi.KEY__ placeholders of a seedfrom
 * URL, and the sysfs files that hold them. */
static const struct {
        const char *key, *file;
} dmi_keys[] = {
        { "baseboard-asset-tag", "board_asset_tag" },
        { "baseboard-manufacturer", "board_vendor" },
        { "baseboard-product-name", "board_name" },
        { "baseboard-serial-number", "board_serial" },
        { "baseboard-version", "board_version" },
        { "bios-release-date", "bios_date" },
        { "bios-vendor", "bios_vendor" },
        { "bios-version", "bios_version" },
        { "chassis-asset-tag", "chassis_asset_tag" },
        { "chassis-manufacturer", "chassis_vendor" },
        { "chassis-serial-number", "chassis_serial" },
        { "chassis-version", "chassis_version" },
        { "system-manufacturer", "sys_vendor" },
        { "system-product-name", "product_name" },
        { "system-serial-number", "product_serial" },
        { "system-uuid", "product_uuid" },
        { "system-version", "product_version" },
};

/* seedfrom with each __dmi.KEY__ replaced by that DMI field (empty when the
 * machine has none); an unknown key is left as it is, with a warning. */
static int expand_dmi(int root_fd, const char *in, char **ret)
{
        struct buf b = BUF_INIT(4096);
        const char *p = in, *start;
        int r = 0;

        while (r >= 0 && (start = strstr(p, "__dmi."))) {
                const char *key = start + 6, *end = strstr(key, "__");
                size_t i;

                if (!end)
                        break;
                for (i = 0; i < ELEMENTSOF(dmi_keys); i++)
                        if (strlen(dmi_keys[i].key) == (size_t)(end - key) &&
                            !memcmp(dmi_keys[i].key, key, (size_t)(end - key)))
                                break;
                r = buf_append(&b, p, (size_t)(start - p));
                if (r >= 0 && i == ELEMENTSOF(dmi_keys)) {
                        log_warning("seedfrom: __dmi.%.*s__ is not a DMI key cloudboot knows; "
                                    "left as it is",
                                    (int)(end - key), key);
                        r = buf_append(&b, start, (size_t)(end + 2 - start));
                } else if (r >= 0) {
                        _cleanup_free_ char *v = NULL;
                        char path[64];
                        (void)snprintf(path, sizeof(path), "/sys/class/dmi/id/%s",
                                       dmi_keys[i].file);
                        if (fs_read_line(root_fd, path, &v) >= 0)
                                r = buf_puts(&b, v);
                }
                p = end + 2;
        }
        if (r >= 0)
                r = buf_puts(&b, p);
        if (r < 0) {
                buf_free(&b);
                return r;
        }
        *ret = buf_steal(&b, NULL);
        return 0;
}

/* base + name as cloud-init's read_seeded builds it: %s in base is replaced;
 * else a / is added when base has neither one at its end nor a query. */
static int seed_url(const char *base, const char *name, char *ret, size_t size)
{
        const char *pct = strstr(base, "%s");
        int n;

        if (pct)
                n = snprintf(ret, size, "%.*s%s%s", (int)(pct - base), base, name, pct + 2);
        else
                n = snprintf(ret, size, "%s%s%s", base,
                             endswith(base, "/") || strchr(base, '?') ? "" : "/", name);
        return n < 0 || (size_t)n >= size ? -ENAMETOOLONG : 0;
}

/* One file of an http(s) seed: 0 with the body, -ENOENT on a 404, another
 * error (logged) when it cannot be had. */
static int fetch_seed_file(const struct ds_net *n, const char *base, const char *name, size_t max,
                           char **ret, size_t *ret_len)
{
        struct http_request req = { .body_max = max, .timeout_ms = n->timeout_ms };
        struct http_response resp;
        char url[4200];
        int r = seed_url(base, name, url, sizeof(url));

        if (r < 0)
                return r;
        r = http_fetch(url, &req, &n->retry, &resp);
        if (r == -EFBIG)
                log_warning("seedfrom: %s is larger than %zu bytes; not used", name, max);
        if (r < 0)
                return r;
        if (resp.status != 200) {
                r = resp.status == 404 || resp.status == 410 ? -ENOENT : -EIO;
                http_response_done(&resp);
                return r;
        }
        *ret = TAKE_PTR(resp.body);
        *ret_len = resp.len;
        return 0;
}

/* A seed over http or https: meta-data and user-data required, vendor-data
 * and network-config optional. */
static int read_seed_http(const struct ds_ctx *ctx, const char *base, struct seed *ret)
{
        struct ds_net n = { 0 };
        struct seed s = { 0 };
        _cleanup_free_ char *md = NULL;
        size_t md_len = 0;
        char name[4200], url[4200];
        int r;

        ds_net_limits(ctx, &ds_nocloud, &n);
        r = fetch_seed_file(&n, base, "meta-data", DS_METADATA_MAX, &md, &md_len);
        if (r >= 0)
                r = fetch_seed_file(&n, base, "user-data", ctx->user_data_max, &s.ud, &s.ud_len);
        if (r >= 0) {
                r = fetch_seed_file(&n, base, "vendor-data", ctx->user_data_max, &s.vd, &s.vd_len);
                if (r == -ENOENT)
                        r = 0;
        }
        if (r >= 0) {
                r = fetch_seed_file(&n, base, "network-config", DS_METADATA_MAX, &s.netcfg,
                                    &s.netcfg_len);
                if (r == -ENOENT)
                        r = 0;
        }
        if (r < 0) {
                seed_done(&s);
                return r;
        }
        (void)seed_url(base, "meta-data", url, sizeof(url));
        http_url_redact(url, name, sizeof(name)); /* named in messages: no credentials */
        s.md = ds_parse_meta_data(md, md_len, name);
        if (!s.md) {
                seed_done(&s);
                return -ENOMEM;
        }
        *ret = s;
        return 0;
}

/* seedfrom with file:// or an absolute path: a seed directory in the target. */
static int probe_seedfrom(const struct ds_ctx *ctx, const char *given, struct ds_result *res,
                          bool *net)
{
        _cleanup_free_ char *seedfrom = NULL;
        const char *path;
        struct seed s = { 0 };
        char shown[512];
        int r;

        r = expand_dmi(ctx->root_fd, given, &seedfrom);
        if (r < 0)
                return r;
        path = seedfrom;
        if (startswith(seedfrom, "file://"))
                path = seedfrom + 7;
        if (startswith(seedfrom, "http://") || startswith(seedfrom, "https://")) {
                *net = true;
                if (ctx->local_stage) /* the network stage's business */
                        return -ENOENT;
                r = read_seed_http(ctx, seedfrom, &s);
                http_url_redact(seedfrom, shown, sizeof(shown));
                if (r < 0) {
                        if (r == -ENOENT)
                                log_warning("seedfrom %s: meta-data or user-data is not there",
                                            shown);
                        else
                                log_warning("seedfrom %s: cannot read the seed: %s", shown,
                                            strerror(-r));
                        return -ENOENT;
                }
                r = take_seed(res, &s, shown, shown);
                free(res->subplatform);
                if (asprintf(&res->subplatform, "seed-url (%s)", shown) < 0)
                        res->subplatform = NULL;
                seed_done(&s);
                return r < 0 ? r : res->subplatform ? 0 : -ENOMEM;
        }
        if (path[0] != '/') {
                http_url_redact(seedfrom, shown, sizeof(shown));
                log_warning("seedfrom %s: only http://, https://, file:// and absolute paths "
                            "are seeds",
                            strstr(seedfrom, "://") ? shown : "(not a URL or a path)");
                return -ENOENT;
        }
        r = read_seed(ctx->root_fd, path, path, ctx->user_data_max, &s);
        if (r == -E2BIG)
                return -ENOENT;
        if (r < 0)
                return log_warning_errno(r, "seedfrom %s: cannot read the seed: %m", seedfrom);
        r = take_seed(res, &s, seedfrom, seedfrom);
        free(res->subplatform);
        if (asprintf(&res->subplatform, "seed-dir (%s)", path) < 0)
                res->subplatform = NULL;
        seed_done(&s);
        return r < 0 ? r : res->subplatform ? 0 : -ENOMEM;
}

static int nocloud_probe(const struct ds_ctx *ctx, struct ds_result *res)
{
        const struct node *ds_cfg = node_get_path(ctx->syscfg, "datasource.NoCloud");
        _cleanup_free_ char *serial = NULL, *cmdline = NULL, *seedfrom = NULL;
        bool found = false, name_net = false, seed_net = false, by_name = false;
        const char *dsmode;
        int r;

        res->md = node_new(NODE_MAP);
        if (!res->md)
                return -ENOMEM;

        /* 1. SMBIOS serial, then the kernel command line (which wins). */
        if (fs_read_line(ctx->root_fd, "/sys/class/dmi/id/product_serial", &serial) >= 0 &&
            cmdline_parse_nocloud(serial, res->md, &name_net) > 0) {
                found = by_name = true;
                res->seed = strdup("dmi");
        }
        if (cmdline_parse_nocloud(ds_cmdline(ctx, &cmdline), res->md, &name_net) > 0) {
                found = by_name = true;
                free(res->seed);
                res->seed = strdup("cmdline");
        }

        /* 2. user-data and meta-data given inline in system config. */
        if (ds_cfg && node_get(ds_cfg, "user-data") && node_get(ds_cfg, "meta-data")) {
                const struct node *ud = node_get(ds_cfg, "user-data");
                const struct node *md = node_get(ds_cfg, "meta-data");
                if (md->type == NODE_MAP && (r = md_merge_under(&res->md, md)) < 0)
                        return r;
                if (node_str(ud) && ud->len > ctx->user_data_max) {
                        log_warning("%s:%u:%u: datasource.NoCloud.user-data is larger than %zu "
                                    "bytes; not used",
                                    ud->file, ud->line, ud->col, ctx->user_data_max);
                } else if (node_str(ud)) {
                        res->ud = strndup(ud->str, ud->len);
                        res->ud_len = ud->len;
                }
                free(res->seed);
                res->seed = strdup("system-config");
                res->subplatform = strdup("config (system-config)");
                res->ud_name = strdup("/etc/cloud/cloud.cfg (datasource.NoCloud.user-data)");
                found = true;
        } else {
                /* 3. Seed directories, 4. a labelled filesystem. */
                r = probe_seed_dirs(ctx, res, &found);
                if (r < 0)
                        return r;
                if (node_get_str(ds_cfg, "seedfrom"))
                        r = node_set(res->md, "seedfrom",
                                     node_new_str(node_get_str(ds_cfg, "seedfrom")));
                if (r < 0)
                        return r;
                bool on_disk = false;
                r = probe_devices(ctx, ds_cfg, res, &on_disk);
                if (r < 0)
                        return r;
                found = found || on_disk;
        }

        /* A copy: reading the seed replaces res->md, which holds the string. */
        if (node_get_str(res->md, "seedfrom")) {
                seedfrom = strdup(node_get_str(res->md, "seedfrom"));
                if (!seedfrom)
                        return -ENOMEM;
        }
        if (!found && !seedfrom)
                return -ENOENT;
        if (seedfrom) {
                r = probe_seedfrom(ctx, seedfrom, res, &seed_net);
                if (r < 0)
                        return r;
        }
        if (!res->md || !res->seed)
                return -ENOMEM;

        if (!node_get_str(res->md, "instance-id")) {
                const struct node *iid = node_get(res->md, "instance-id");
                /* An integer instance-id (i-123 would be a string) is kept as its text. */
                if (iid && iid->type != NODE_NULL && iid->str)
                        res->iid = strdup(iid->str);
                else
                        res->iid = strdup("nocloud");
        } else
                res->iid = strdup(node_get_str(res->md, "instance-id"));

        dsmode = node_get_str(res->md, "dsmode");
        if (!dsmode)
                /* ds=nocloud given by name means local, ds=nocloud-net or a network
                 * seedfrom means net; a seed found without either is net, the
                 * default of every cloud-init datasource. */
                dsmode = seed_net || name_net ? "net" : by_name ? "local" : "net";
        if (streq(dsmode, "disabled")) {
                log_info("NoCloud: dsmode is disabled; not claiming the datasource");
                return -ENOENT;
        }
        if (!streq(dsmode, "local") && !streq(dsmode, "net")) {
                log_warning("NoCloud: meta-data dsmode '%.32s' is not local, net or disabled; "
                            "using net",
                            dsmode);
                dsmode = "net";
        }
        res->dsmode = strdup(dsmode);
        /* cloud-init merges its defaults into the meta-data: the dsmode shows
         * in instance-data's ds.meta_data (and to jinja) */
        if (!node_get(res->md, "dsmode") && res->md->type == NODE_MAP &&
            node_set(res->md, "dsmode", node_new_str(res->dsmode ? res->dsmode : "net")) < 0)
                return -ENOMEM;
        res->platform = strdup("nocloud");
        if (!res->subplatform)
                res->subplatform = strdup(res->seed);
        if (!res->iid || !res->dsmode || !res->platform || !res->subplatform)
                return -ENOMEM;
        return 0;
}

const struct datasource ds_nocloud = {
        .name = "NoCloud",
        .local = true,
        .probe = nocloud_probe,
};
