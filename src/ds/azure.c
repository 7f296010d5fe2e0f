/* SPDX-License-Identifier: Apache-2.0 */
/* Azure, as cloud-init's DataSourceAzure reads it:
 * - the provisioning ISO's ovf-env.xml (or /var/lib/cloud/seed/azure/
 *   ovf-env.xml): host name, the default user's name and password, SSH keys,
 *   custom data (the user-data) (azure_ovf.c);
 * - the instance metadata service (IMDS, every request carries
 *   Metadata: true): compute.vmId (the instance-id), osProfile.computerName
 *   or name, publicKeys[].keyData, location and zone, userData in base64;
 * - the wireserver (azure_wireserver.c): once per instance, the health report
 *   Ready, or NotReady/ProvisioningFailed when the provisioning data cannot
 *   be used, so that the platform neither waits for nor fails the deployment.
 * The ovf-env.xml's custom data wins over IMDS userData and IMDS's keys over
 * the ovf's, as in cloud-init. The user name and password become
 * system_info.default_user, given as vendor-data (see docs/compatibility.md). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clouds.h"
#include "azure_ovf.h"
#include "azure_wireserver.h"
#include "blockdev.h"
#include "codec.h"
#include "fs.h"
#include "json.h"
#include "log.h"
#include "valid.h"
#include "yaml.h"
#include "net.h"

#define INSTANCE_PATH "metadata/instance?api-version=2021-08-01&extended=true"
#define SEED_OVF "/var/lib/cloud/seed/azure/ovf-env.xml"
#define OVF_MAX (4u * 1024 * 1024)
#define REPORTED_MARKER "/var/lib/cloud/data/azure-reported-ready"
#define WIRESERVER_MAX_WAIT_USEC (60ull * 1000000)

static const char *const default_urls[] = { "http://169.254.169.254", NULL };
static const char *const metadata_true[] = { "Metadata: true", NULL };

static int copy_str(struct node *md, const char *key, const struct node *v)
{
        return node_str(v) && v->len > 0 ? ds_set_strn(md, key, v->str, v->len) : 0;
}

/* ovf-env.xml in the seed directory, else on an iso9660 or udf filesystem.
 * 0 with *ret filled; -ENOENT: none; -EBADMSG: one that is broken, reported
 * with where it was (*ret_why: why, for the failure report). */
static int parse_one(const char *data, size_t len, const char *where, size_t ud_max,
                     struct azure_ovf *ret, char *ret_why, size_t why_size)
{
        char why[256];
        int r = azure_ovf_parse(data, len, ud_max, ret, why, sizeof(why));

        if (r == -ENOENT)
                log_info("%s: %s; ignored", where, why);
        else if (r < 0) {
                log_warning("%s:%s", where, why);
                (void)snprintf(ret_why, why_size, "ovf-env.xml: %s", why);
                return r == -ENOPKG ? r : -EBADMSG;
        }
        return r;
}

static int read_ovf(const struct ds_ctx *ctx, struct azure_ovf *ret, char *ret_where,
                    size_t where_size, char *ret_why, size_t why_size)
{
        static const char *const types[] = { "iso9660", "udf", NULL };
        struct labelled_dev *devs = NULL;
        char *data = NULL;
        size_t len = 0, n = 0;
        int r;

        r = fs_read_file(ctx->root_fd, SEED_OVF, OVF_MAX, &data, &len);
        if (r >= 0) {
                (void)snprintf(ret_where, where_size, "%s", SEED_OVF);
                r = parse_one(data, len, SEED_OVF, ctx->user_data_max, ret, ret_why, why_size);
                free_secret(data, len);
                return r;
        }
        if (r != -ENOENT)
                log_warning_errno(r, "Cannot read %s: %m", SEED_OVF);
        if (!ctx->probe_devices)
                return -ENOENT;
        if (blockdev_find(NULL, types, &devs, &n) < 0)
                return -ENOENT;
        r = -ENOENT;
        for (size_t i = 0; i < n && r == -ENOENT; i++) {
                _cleanup_close_ int dfd = -1;
                char *dir = NULL, where[300];

                if (blockdev_mount_ro(&devs[i], &dir) < 0)
                        continue;
                dfd = fs_open_root(dir);
                if (dfd >= 0 && fs_read_file(dfd, "/ovf-env.xml", OVF_MAX, &data, &len) >= 0) {
                        (void)snprintf(where, sizeof(where), "%s/ovf-env.xml", devs[i].devname);
                        (void)snprintf(ret_where, where_size, "%s", devs[i].devname);
                        r = parse_one(data, len, where, ctx->user_data_max, ret, ret_why,
                                      why_size);
                        free_secret(data, len);
                        data = NULL;
                }
                blockdev_umount(dir);
        }
        blockdev_list_free(devs, n);
        return r;
}

/* The IMDS instance document, or -ENOENT (logged). */
static int read_imds(const struct ds_net *n, struct node **ret, const char **ret_base)
{
        struct http_response resp = { 0 };
        const char *base = NULL;
        struct yaml_error err;
        char name[DS_NET_URL_LEN + 64];
        int r = -ENOENT;

        for (size_t i = 0; i < n->nurls && r < 0; i++) {
                base = n->urls[i];
                r = ds_net_get(n, base, INSTANCE_PATH, NULL, metadata_true, DS_USERDATA_MAX * 2,
                               &resp);
                if (r >= 0 && resp.status != 200) {
                        log_warning("Azure: %s/metadata/instance answers HTTP %ld", base,
                                    resp.status);
                        http_response_done(&resp);
                        r = -ENOENT;
                }
        }
        if (r < 0)
                return -ENOENT;
        (void)snprintf(name, sizeof(name), "%s/metadata/instance", base);
        r = json_load(resp.body, resp.len, name, ret, &err);
        http_response_done(&resp);
        if (r < 0) {
                log_warning("%s:%u:%u: %s", name, err.line, err.col, err.msg);
                return -ENOENT;
        }
        if (!node_get_str(node_get(*ret, "compute"), "vmId")) {
                log_warning("%s: no compute.vmId", name);
                *ret = node_free(*ret);
                return -ENOENT;
        }
        *ret_base = base;
        return 0;
}

static int from_imds(const struct ds_ctx *ctx, const struct node *doc, struct ds_result *res)
{
        const struct node *compute = node_get(doc, "compute"), *pk, *ud;
        const struct node *os = node_get(compute, "osProfile");
        int r;

        r = copy_str(res->md, "instance-id", node_get(compute, "vmId"));
        if (r >= 0 && !node_get(res->md, "local-hostname"))
                r = copy_str(res->md, "local-hostname",
                             node_get_str(os, "computerName") ? node_get(os, "computerName")
                                                              : node_get(compute, "name"));
        if (r >= 0)
                r = copy_str(res->md, "region", node_get(compute, "location"));
        if (r >= 0)
                r = copy_str(res->md, "availability-zone", node_get(compute, "zone"));
        pk = node_get(compute, "publicKeys");
        if (r >= 0 && pk && pk->type == NODE_SEQ && pk->n > 0) {
                /* IMDS's keys replace the ovf's, as in cloud-init */
                struct node *keys = node_new(NODE_SEQ);
                for (size_t i = 0; keys && r >= 0 && i < pk->n; i++) {
                        const struct node *k = node_get(pk->items[i], "keyData");
                        if (node_str(k))
                                r = node_append(keys, node_copy(k));
                }
                r = r >= 0 ? node_set(res->md, "public-keys", keys) : (node_free(keys), r);
        }
        if (r < 0)
                return r;
        ud = node_get(compute, "userData");
        /* only when the ovf-env.xml gave no custom data */
        if (!res->ud && node_str(ud) && ud->len > 0 &&
            b64_decode(ud->str, ud->len, ctx->user_data_max, &res->ud, &res->ud_len) < 0)
                log_warning("Azure: compute.userData is not valid base64 or too large; not used");
        return 0;
}

static int from_ovf(struct azure_ovf *o, const char *where, struct ds_result *res)
{
        struct node *keys = node_new(NODE_SEQ);
        int r = keys ? 0 : -ENOMEM;

        if (r >= 0)
                r = ds_set_strn(res->md, "local-hostname", o->hostname, strlen(o->hostname));
        for (size_t i = 0; keys && r >= 0 && i < o->nkeys; i++)
                r = node_append(keys, node_new_str(o->keys[i]));
        r = r >= 0 ? node_set(res->md, "public-keys", keys) : (node_free(keys), r);
        if (r >= 0 && o->custom_data_len > 0) {
                res->ud = TAKE_PTR(o->custom_data);
                res->ud_len = o->custom_data_len;
                o->custom_data_len = 0;
        }
        if (r >= 0 && o->username && valid_user_name(o->username)) {
                log_warning("%s: UserName is not a valid user name (it %s); not used", where,
                            valid_user_name(o->username));
                free(o->username);
                o->username = NULL;
        }
        if (r >= 0)
                r = azure_ovf_config(o, &res->vd, &res->vd_len);
        return r;
}

/* The wireserver settings: datasource.Azure.wireserver (host or host:port, a
 * cloudboot setting: cloud-init takes it from the DHCP lease's option 245). */
static const char *wireserver_of(const struct ds_ctx *ctx)
{
        const struct node *v = node_get_path(ctx->syscfg, "datasource.Azure.wireserver");
        const char *s = node_str(v);

        if (v && (!s || !*s || strlen(s) > 100 || strcspn(s, "/?#@ \t\r\n") != strlen(s))) {
                log_warning("%s:%u:%u: datasource.Azure.wireserver must be a host or host:port; "
                            "using " AZURE_WIRESERVER,
                            v->file ? v->file : "system config", v->line, v->col);
                return AZURE_WIRESERVER;
        }
        return s ? s : AZURE_WIRESERVER;
}

static struct ds_net wireserver_limits(const struct ds_net *n)
{
        struct ds_net w = *n;
        w.retry.deadline_usec = http_now_usec() + WIRESERVER_MAX_WAIT_USEC;
        return w;
}

/* Ready, once per instance: the marker holds the instance-id reported. */
static void report_ready(const struct ds_ctx *ctx, const struct ds_net *n, const char *iid)
{
        _cleanup_free_ char *done = NULL;
        size_t len = 0;
        struct ds_net w = wireserver_limits(n);

        if (fs_read_file(ctx->root_fd, REPORTED_MARKER, 4096, &done, &len) >= 0 &&
            len == strlen(iid) && !memcmp(done, iid, len)) {
                log_debug("Azure: ready was reported for %s already", iid);
                return;
        }
        if (azure_report(&w, wireserver_of(ctx), NULL) < 0)
                return;
        if (fs_write_atomic(ctx->root_fd, REPORTED_MARKER, iid, strlen(iid), 0644, FS_NO_OWNER,
                            FS_NO_OWNER) < 0)
                log_warning("Cannot write %s: ready is reported again next boot",
                            REPORTED_MARKER);
}

static void report_failure(const struct ds_ctx *ctx, const struct ds_net *n, const char *why)
{
        struct ds_net w = wireserver_limits(n);
        (void)azure_report(&w, wireserver_of(ctx), why);
}

static int azure_probe(const struct ds_ctx *ctx, struct ds_result *res)
{
        _cleanup_node_ struct node *doc = NULL;
        struct azure_ovf ovf = { .disable_ssh_pwauth = -1 };
        char where[300] = "", why[300] = "";
        const char *base = NULL;
        struct ds_net n;
        int r, rovf;

        if (ds_net_setup(ctx, &ds_azure, default_urls, &n) < 0)
                return -ENOENT;
        rovf = read_ovf(ctx, &ovf, where, sizeof(where), why, sizeof(why));
        if (rovf == -EBADMSG || rovf == -ENOPKG) {
                /* cloud-init reports the failure and finds no datasource */
                if (rovf == -ENOPKG)
                        (void)snprintf(why, sizeof(why), "ovf-env.xml: cannot be read: "
                                                         "libexpat.so.1 cannot be loaded");
                report_failure(ctx, &n, why);
                return -ENOENT;
        }
        r = read_imds(&n, &doc, &base);
        if (r < 0 && rovf < 0) {
                report_failure(ctx, &n, "the instance metadata service (IMDS) cannot be read");
                return -ENOENT;
        }
        res->md = node_new(NODE_MAP);
        if (!res->md) {
                azure_ovf_done(&ovf);
                return -ENOMEM;
        }
        r = rovf >= 0 ? from_ovf(&ovf, where, res) : 0;
        if (ovf.nkeys == 0 && rovf >= 0)
                log_debug("%s: no SSH key with a value (keys named by fingerprint only are "
                          "in the wireserver's certificates, which are not fetched)",
                          where);
        azure_ovf_done(&ovf);
        if (r >= 0 && doc)
                r = from_imds(ctx, doc, res);
        if (r >= 0 && !node_get(res->md, "instance-id") && ctx->plat &&
            ctx->plat->dmi[DMI_PRODUCT_UUID][0])
                /* no IMDS: the instance-id is the SMBIOS system UUID, as cloud-init's */
                r = ds_set_strn(res->md, "instance-id", ctx->plat->dmi[DMI_PRODUCT_UUID],
                                strlen(ctx->plat->dmi[DMI_PRODUCT_UUID]));
        if (r < 0)
                return r;
        if (!node_get_str(res->md, "instance-id")) {
                log_warning("Azure: neither IMDS nor the DMI identity gives an instance-id");
                return -ENOENT;
        }
        report_ready(ctx, &n, node_get_str(res->md, "instance-id"));
        if (base)
                return ds_net_result(res, "azure", base,
                                     rovf >= 0 && res->ud ? "ovf-env.xml (CustomData)"
                                                          : "metadata/instance (compute.userData)");
        /* the ovf-env.xml alone, as cloud-init names its seed */
        res->iid = strdup(node_get_str(res->md, "instance-id"));
        res->dsmode = strdup("net");
        res->platform = strdup("azure");
        res->seed = strdup(where);
        if (asprintf(&res->subplatform, "%s (%s)",
                     strncmp(where, "/dev/", 5) ? "seed-dir" : "config-disk", where) < 0)
                res->subplatform = NULL;
        if (asprintf(&res->ud_name, "%s (CustomData)", where) < 0)
                res->ud_name = NULL;
        if (!res->iid || !res->dsmode || !res->platform || !res->seed || !res->subplatform ||
            !res->ud_name)
                return -ENOMEM;
        return 0;
}

const struct datasource ds_azure = {
        .name = "Azure",
        .local = false,
        .cloud = "azure",
        .probe = azure_probe,
        .ephemeral = DS_EPHEMERAL_DHCP,
};
