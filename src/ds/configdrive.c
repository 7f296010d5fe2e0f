/* SPDX-License-Identifier: Apache-2.0 */
/* OpenStack's config drive: a vfat or iso9660 filesystem labelled config-2
 * (or a seed directory /var/lib/cloud/seed/config_drive) holding
 * openstack/<version>/meta_data.json, user_data, vendor_data.json and
 * network_data.json, as cloud-init's DataSourceConfigDrive reads it:
 * "latest" when there, else the newest dated version. meta_data's uuid is the
 * instance-id (required), hostname the local-hostname, public_keys the keys. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "blockdev.h"
#include "buf.h"
#include "codec.h"
#include "datasource.h"
#include "fs.h"
#include "json.h"
#include "log.h"
#include "openstack.h"
#include "yaml.h"

#define SEED_DIR "/var/lib/cloud/seed/config_drive"

struct drive {
        struct node *md; /* meta_data.json with cloud-init's names added */
        char *ud, *vd, *netcfg;
        size_t ud_len, vd_len, netcfg_len;
        char ud_name[512]; /* the user_data file, for messages */
};

static void drive_done(struct drive *d)
{
        node_free(d->md);
        free_secret(d->ud, d->ud_len);
        free_secret(d->vd, d->vd_len);
        free_secret(d->netcfg, d->netcfg_len);
        *d = (struct drive){ 0 };
}

/* openstack/latest, or the newest dated version directory. */
static int pick_version(int fd, const char *top, char *ret, size_t size)
{
        char **names = NULL, path[4096];
        size_t n = 0;
        int r;

        (void)snprintf(path, sizeof(path), "%s/openstack/latest/meta_data.json", top);
        if (fs_exists(fd, path)) {
                (void)snprintf(ret, size, "%s/openstack/latest", top);
                return 0;
        }
        (void)snprintf(path, sizeof(path), "%s/openstack", top);
        r = fs_list_dir(fd, path, "[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]", 256, &names, &n);
        if (r >= 0 && n == 0)
                r = -ENOENT;
        if (r >= 0) /* sorted: the last is the newest */
                (void)snprintf(ret, size, "%s/openstack/%s", top, names[n - 1]);
        fs_list_free(names, n);
        return r;
}

static int load_json(int fd, const char *path, const char *display, struct node **ret)
{
        _cleanup_free_ char *data = NULL;
        struct yaml_error err;
        size_t len;
        int r = fs_read_file(fd, path, DS_METADATA_MAX, &data, &len);

        if (r < 0)
                return r;
        r = json_load(data, len, display, ret, &err);
        if (r < 0)
                log_warning("%s:%u:%u: %s", display, err.line, err.col, err.msg);
        return r;
}

static int set_copy(struct node *map, const char *key, const struct node *v)
{
        return v ? node_set(map, key, node_copy(v)) : 0;
}

/* meta_data.json's random_seed, base64, as the bytes it stands for */
static int decode_seed(struct node *md, const char *name)
{
        const struct node *v = node_get(md, "random_seed");
        char *seed = NULL;
        size_t len = 0, skipped = 0;
        struct node *n;

        /* as Python's base64.b64decode, which cloud-init uses */
        if (!node_str(v) ||
            b64_decode_lenient(v->str, v->len, DS_METADATA_MAX, &seed, &len, &skipped) < 0) {
                log_warning("%s:%u:%u: random_seed is not base64; not used", name, v->line,
                            v->col);
                (void)node_del(md, "random_seed");
                return 0;
        }
        n = node_new(NODE_STR);
        if (!n) {
                free_secret(seed, len);
                return -ENOMEM;
        }
        node_take_strn(n, seed, len);
        n->binary = true;
        return node_set(md, "random_seed", n);
}

int openstack_meta_data(struct node *md, const char *name)
{
        const struct node *uuid = node_get(md, "uuid");
        int r;

        if (md->type != NODE_MAP || !node_str(uuid)) {
                log_warning("%s: no uuid: not OpenStack meta-data", name);
                return -ENOENT;
        }
        /* cloud-init's names for what the rest of cloudboot reads */
        r = node_set(md, "instance-id", node_copy(uuid));
        if (r >= 0)
                r = set_copy(md, "local-hostname", node_get(md, "hostname"));
        if (r >= 0)
                r = set_copy(md, "public-keys", node_get(md, "public_keys"));
        if (r >= 0)
                r = set_copy(md, "availability-zone", node_get(md, "availability_zone"));
        if (r >= 0 && node_get(md, "random_seed"))
                r = decode_seed(md, name);
        return r;
}

int openstack_vendor_join(char *vd1, size_t len1, char *vd2, size_t len2, size_t max, char **ret,
                          size_t *ret_len)
{
        struct buf b = BUF_INIT(max);
        char boundary[64];
        unsigned n = 0;
        int r;

        *ret = NULL;
        *ret_len = 0;
        if (!vd1 || !vd2) {
                *ret = vd1 ? vd1 : vd2;
                *ret_len = vd1 ? len1 : len2;
                return 0;
        }
        /* a boundary neither part holds */
        do
                (void)snprintf(boundary, sizeof(boundary), "==cloudboot-vendordata-%u==", n++);
        while (memmem(vd1, len1, boundary, strlen(boundary)) ||
               memmem(vd2, len2, boundary, strlen(boundary)));
        r = buf_printf(&b,
                       "Content-Type: multipart/mixed; boundary=\"%s\"\nMIME-Version: 1.0\n\n"
                       "--%s\nContent-Type: text/plain\nContent-Disposition: attachment; "
                       "filename=\"vendor_data.json\"\n\n",
                       boundary, boundary);
        if (r >= 0)
                r = buf_append(&b, vd1, len1);
        if (r >= 0)
                r = buf_printf(&b,
                               "\n--%s\nContent-Type: text/plain\nContent-Disposition: "
                               "attachment; filename=\"vendor_data2.json\"\n\n",
                               boundary);
        if (r >= 0)
                r = buf_append(&b, vd2, len2);
        if (r >= 0)
                r = buf_printf(&b, "\n--%s--\n", boundary);
        free_secret(vd1, len1);
        free_secret(vd2, len2);
        if (r < 0) {
                buf_free_secret(&b);
                log_warning("vendor_data.json and vendor_data2.json together are larger than "
                            "%zu bytes; neither is used",
                            max);
                return r == -ENOMEM ? r : 0;
        }
        *ret = buf_steal(&b, ret_len);
        return 0;
}

int openstack_vendor_data(const struct node *vd, size_t max, char **ret, size_t *ret_len)
{
        const struct node *v = vd->type == NODE_MAP ? node_get(vd, "cloud-init") : vd;

        if (!node_str(v) || v->len > max)
                return 0;
        *ret = strndup(v->str, v->len);
        *ret_len = v->len;
        return *ret ? 0 : -ENOMEM;
}

/* Read a drive whose top is top inside fd; display names it in messages. */
static int read_drive(int fd, const char *top, const char *display, size_t ud_max,
                      struct drive *ret)
{
        struct drive d = { 0 };
        _cleanup_node_ struct node *vd = NULL;
        char dir[4096], path[4200], name[4300];
        int r;

        r = pick_version(fd, top, dir, sizeof(dir));
        if (r < 0)
                return -ENOENT;
        (void)snprintf(path, sizeof(path), "%s/meta_data.json", dir);
        (void)snprintf(name, sizeof(name), "%s%s/meta_data.json", display, dir + strlen(top));
        r = load_json(fd, path, name, &d.md);
        if (r < 0)
                return r == -ENOENT ? -ENOENT : -EBADMSG;
        r = openstack_meta_data(d.md, name);
        if (r < 0) {
                drive_done(&d);
                return r;
        }
        (void)snprintf(path, sizeof(path), "%s/user_data", dir);
        (void)snprintf(d.ud_name, sizeof(d.ud_name), "%s%s/user_data", display, dir + strlen(top));
        r = fs_read_file(fd, path, ud_max, &d.ud, &d.ud_len);
        if (r == -E2BIG)
                log_warning("%s%s/user_data is larger than %zu bytes; not used", display,
                            dir + strlen(top), ud_max);
        /* vendor_data.json: a string, or {"cloud-init": string} */
        (void)snprintf(path, sizeof(path), "%s/vendor_data.json", dir);
        (void)snprintf(name, sizeof(name), "%s%s/vendor_data.json", display, dir + strlen(top));
        if (load_json(fd, path, name, &vd) >= 0)
                (void)openstack_vendor_data(vd, ud_max, &d.vd, &d.vd_len);
        (void)snprintf(path, sizeof(path), "%s/vendor_data2.json", dir);
        (void)snprintf(name, sizeof(name), "%s%s/vendor_data2.json", display, dir + strlen(top));
        vd = node_free(vd);
        if (load_json(fd, path, name, &vd) >= 0) {
                char *vd2 = NULL;
                size_t vd2_len = 0;
                if (openstack_vendor_data(vd, ud_max, &vd2, &vd2_len) >= 0 &&
                    openstack_vendor_join(d.vd, d.vd_len, vd2, vd2_len, ud_max, &d.vd,
                                          &d.vd_len) < 0) {
                        drive_done(&d);
                        return -ENOMEM;
                }
        }
        (void)snprintf(path, sizeof(path), "%s/network_data.json", dir);
        (void)fs_read_file(fd, path, DS_METADATA_MAX, &d.netcfg, &d.netcfg_len);
        *ret = d;
        return 0;
}

static int take(struct ds_result *res, struct drive *d, const char *seed, const char *sub)
{
        res->md = TAKE_PTR(d->md);
        res->ud = TAKE_PTR(d->ud);
        res->ud_len = d->ud_len;
        res->vd = TAKE_PTR(d->vd);
        res->vd_len = d->vd_len;
        res->netcfg = TAKE_PTR(d->netcfg);
        res->netcfg_len = d->netcfg_len;
        res->netcfg_openstack = true;
        res->seed = strdup(seed);
        res->subplatform = strdup(sub);
        res->ud_name = strdup(d->ud_name);
        if (!res->seed || !res->subplatform || !res->ud_name)
                return -ENOMEM;
        return 0;
}

static int probe_devices(const struct ds_ctx *ctx, struct ds_result *res)
{
        static const char *const labels[] = { "config-2", "CONFIG-2", NULL };
        static const char *const types[] = { "vfat", "iso9660", NULL };
        struct labelled_dev *devs = NULL;
        size_t n = 0;
        int r = blockdev_find(labels, types, &devs, &n);

        if (r < 0)
                return log_warning_errno(r, "Cannot list block devices: %m");
        r = -ENOENT;
        for (size_t i = 0; i < n && r == -ENOENT; i++) {
                _cleanup_close_ int dfd = -1;
                struct drive d = { 0 };
                char *dir = NULL, sub[512];

                if (blockdev_mount_ro(&devs[i], &dir) < 0) {
                        log_warning("Cannot mount %s (%s) read-only", devs[i].devname,
                                    devs[i].fstype);
                        continue;
                }
                dfd = fs_open_root(dir);
                r = dfd < 0 ? dfd : read_drive(dfd, "", devs[i].devname, ctx->user_data_max, &d);
                blockdev_umount(dir);
                if (r < 0) {
                        r = -ENOENT;
                        continue;
                }
                (void)snprintf(sub, sizeof(sub), "config-disk (%s)", devs[i].devname);
                r = take(res, &d, devs[i].devname, sub);
                drive_done(&d);
        }
        blockdev_list_free(devs, n);
        return r;
}

static int configdrive_probe(const struct ds_ctx *ctx, struct ds_result *res)
{
        struct drive d = { 0 };
        int r;

        r = read_drive(ctx->root_fd, SEED_DIR, SEED_DIR, ctx->user_data_max, &d);
        if (r >= 0) {
                r = take(res, &d, SEED_DIR, "seed-dir (" SEED_DIR ")");
                drive_done(&d);
        } else if (ctx->probe_devices)
                r = probe_devices(ctx, res);
        else
                r = -ENOENT;
        if (r < 0)
                return r == -EBADMSG ? -ENOENT : r;
        res->iid = strdup(node_get_str(res->md, "instance-id"));
        res->dsmode = strdup(node_get_str(node_get(res->md, "meta"), "dsmode") ?: "net");
        res->platform = strdup("openstack");
        if (!res->iid || !res->dsmode || !res->platform)
                return -ENOMEM;
        if (!streq(res->dsmode, "local") && !streq(res->dsmode, "net")) {
                free(res->dsmode);
                res->dsmode = strdup("net");
        }
        return res->dsmode ? 0 : -ENOMEM;
}

const struct datasource ds_configdrive = {
        .name = "ConfigDrive",
        .local = true,
        .probe = configdrive_probe,
};
