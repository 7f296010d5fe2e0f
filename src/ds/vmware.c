/* SPDX-License-Identifier: Apache-2.0 */
/* VMware's guestinfo, as cloud-init's DataSourceVMware reads it: the keys
 * guestinfo.metadata, guestinfo.userdata and guestinfo.vendordata, each with
 * an optional KEY.encoding (base64/b64 or gzip+base64/gz+b64), read through
 * the VMware Tools of the target: `vmware-rpctool "info-get KEY"` when it is
 * installed, else `vmtoolsd --cmd "info-get KEY"` (also the fallback when
 * vmware-rpctool fails to run). Only on a machine whose DMI product name says
 * VMware. A value that is empty or "---" (what a redacted key holds) is no
 * value. The meta-data is JSON or YAML; its "network" (a mapping, or a string
 * encoded as network.encoding says) is the network-config. The instance-id is
 * the meta-data's, else the DMI product UUID in lower case. */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "codec.h"
#include "clouds.h"
#include "datasource.h"
#include "exec.h"
#include "fs.h"
#include "json.h"
#include "log.h"
#include "net.h"

#define TOOL_TIMEOUT_S 10
#define EMPTY_VAL "---"

struct tool {
        char path[64]; /* inside the target */
        bool vmtoolsd; /* takes --cmd */
};

static const char *const tool_dirs[] = { "/usr/bin", "/usr/sbin",      "/bin",
                                         "/sbin",    "/usr/local/bin", NULL };

static bool find_tool(int root_fd, const char *name, bool vmtoolsd, struct tool *ret)
{
        for (const char *const *d = tool_dirs; *d; d++) {
                struct tool t = { .vmtoolsd = vmtoolsd };
                (void)snprintf(t.path, sizeof(t.path), "%s/%s", *d, name);
                if (fs_exists(root_fd, t.path)) {
                        *ret = t;
                        return true;
                }
        }
        return false;
}

/* The target root as a path, for the chroot the tool runs in; "/" on the host. */
static int root_path(int root_fd, char *ret, size_t size)
{
        char link[64];
        ssize_t n;

        (void)snprintf(link, sizeof(link), "/proc/self/fd/%d", root_fd);
        n = readlink(link, ret, size - 1);
        if (n < 0)
                return -errno;
        if ((size_t)n >= size - 1)
                return -ENAMETOOLONG;
        ret[n] = 0;
        return 0;
}

/* "info-get guestinfo.KEY": 0 with the value (NULL: none), or a negative errno
 * when the tool itself could not run (timeout, missing, killed). */
static int tool_get(const struct tool *t, const char *root, const char *key, size_t max, char **ret,
                    size_t *ret_len)
{
        char arg[128];
        struct buf out = BUF_INIT(max);
        struct exec_opts o = { .chroot_dir = streq(root, "/") ? NULL : root,
                               .timeout_sec = TOOL_TIMEOUT_S,
                               .capture = &out };
        const char *argv[4];
        size_t n = 0, len;
        int status, r;

        (void)snprintf(arg, sizeof(arg), "info-get guestinfo.%s", key);
        argv[n++] = t->path;
        if (t->vmtoolsd)
                argv[n++] = "--cmd";
        argv[n++] = arg;
        argv[n] = NULL;
        *ret = NULL;
        *ret_len = 0;
        r = exec_argv(&o, (char *const *)argv, &status);
        if (r == -E2BIG || r == -ENOBUFS) {
                buf_free_secret(&out);
                log_warning("VMware: guestinfo.%s is larger than %zu bytes; not used", key, max);
                return 0;
        }
        if (r < 0 || status >= 126) {
                buf_free_secret(&out);
                return r < 0 ? r : -EIO;
        }
        if (status != 0) { /* "No value found" */
                buf_free_secret(&out);
                log_debug("VMware: no value for guestinfo.%s", key);
                return 0;
        }
        char *s = buf_steal(&out, &len);
        if (!s)
                return len == 0 ? 0 : -ENOMEM;
        while (len > 0 && isspace((unsigned char)s[len - 1]))
                len--;
        s[len] = 0;
        if (len == 0 || streq(s, EMPTY_VAL)) {
                free_secret(s, len);
                return 0;
        }
        *ret = s;
        *ret_len = len;
        return 0;
}

/* Decode val (len bytes) as enc says; on success val is replaced. */
static int decode(const char *what, const char *enc, size_t max, char **val, size_t *len)
{
        char *raw = NULL, *out = NULL;
        size_t raw_len = 0, out_len = 0;
        bool gz;
        int r;

        if (!enc || !enc[0])
                return 0;
        gz = streq(enc, "gzip+base64") || streq(enc, "gz+b64");
        if (!gz && !streq(enc, "base64") && !streq(enc, "b64")) {
                log_warning("VMware: %s.encoding: unknown encoding \"%.32s\"; taking the value "
                            "as plain text",
                            what, enc);
                return 0;
        }
        r = b64_decode(*val, *len, max, &raw, &raw_len);
        if (r >= 0 && gz) {
                r = gzip_decode(raw, raw_len, max, &out, &out_len);
                free_secret(raw, raw_len);
        } else if (r >= 0) {
                out = raw;
                out_len = raw_len;
        }
        if (r < 0) {
                log_warning("VMware: %s is not valid %s or decodes to more than %zu bytes; "
                            "not used",
                            what, enc, max);
                return r;
        }
        free_secret(*val, *len);
        *val = out;
        *len = out_len;
        return 0;
}

/* guestinfo.KEY, decoded. *ret NULL: no (usable) value. <0: the tool failed. */
static int guestinfo(const struct tool *t, const char *root, const char *key, size_t max,
                     char **ret, size_t *ret_len)
{
        _cleanup_free_ char *enc = NULL;
        char enc_key[64], what[64];
        size_t enc_len;
        int r;

        /* base64 is 4/3 of the data */
        r = tool_get(t, root, key, max / 3 * 4 + 4096, ret, ret_len);
        if (r < 0 || !*ret)
                return r;
        (void)snprintf(enc_key, sizeof(enc_key), "%s.encoding", key);
        r = tool_get(t, root, enc_key, 64, &enc, &enc_len);
        if (r < 0)
                goto fail;
        (void)snprintf(what, sizeof(what), "guestinfo.%s", key);
        if (decode(what, enc, max, ret, ret_len) < 0)
                goto none;
        if (*ret_len > max) {
                log_warning("VMware: guestinfo.%s is larger than %zu bytes; not used", key, max);
                goto none;
        }
        return 0;
none:
        r = 0;
fail:
        free_secret(*ret, *ret_len);
        *ret = NULL;
        *ret_len = 0;
        return r;
}

struct gi {
        char *md, *ud, *vd;
        size_t md_len, ud_len, vd_len;
};

static void gi_done(struct gi *g)
{
        free_secret(g->md, g->md_len);
        free_secret(g->ud, g->ud_len);
        free_secret(g->vd, g->vd_len);
        *g = (struct gi){ 0 };
}

static int query(const struct tool *t, const char *root, size_t ud_max, struct gi *ret)
{
        struct gi g = { 0 };
        int r;

        log_info("VMware: reading guestinfo with %s", t->path);
        r = guestinfo(t, root, "metadata", DS_METADATA_MAX, &g.md, &g.md_len);
        if (r >= 0)
                r = guestinfo(t, root, "userdata", ud_max, &g.ud, &g.ud_len);
        if (r >= 0)
                r = guestinfo(t, root, "vendordata", ud_max, &g.vd, &g.vd_len);
        if (r < 0) {
                log_warning_errno(r, "VMware: %s failed: %m", t->path);
                gi_done(&g);
                return r;
        }
        *ret = g;
        return 0;
}

static bool on_vmware(const struct ds_ctx *ctx)
{
        struct platform p;
        const struct platform *plat = ctx->plat;

        if (!plat) {
                platform_detect(ctx->root_fd, NULL, &p);
                plat = &p;
        }
        /* cloud-init asks only the DMI product name */
        return strcasestr(plat->dmi[DMI_PRODUCT_NAME], "vmware") != NULL;
}

/* meta-data's network (+ network.encoding) as network-config text. */
static int network_config(struct ds_result *res)
{
        const struct node *net = node_get(res->md, "network");
        const char *enc = node_get_str(res->md, "network.encoding");
        struct buf b = BUF_INIT(DS_METADATA_MAX);

        if (!net)
                return 0;
        if (net->type == NODE_MAP) {
                int r = json_write(&b, net, 0);
                if (r < 0) {
                        buf_free(&b);
                        return r;
                }
                res->netcfg = buf_steal(&b, &res->netcfg_len);
                return res->netcfg ? 0 : -ENOMEM;
        }
        if (!node_str(net)) {
                log_warning("VMware: guestinfo.metadata:%u:%u: network must be a mapping or an "
                            "encoded string; ignored",
                            net->line, net->col);
                return 0;
        }
        char *s = strndup(net->str, net->len);
        size_t len = net->len;
        if (!s)
                return -ENOMEM;
        if (decode("metadata.network", enc, DS_METADATA_MAX, &s, &len) < 0) {
                free(s);
                return 0;
        }
        res->netcfg = s;
        res->netcfg_len = len;
        return 0;
}

static int public_keys(struct node *md)
{
        static const char *const names[] = { "public-keys-data", "public_keys_data", "public-keys",
                                             "public_keys", NULL };
        for (const char *const *k = names; *k; k++) {
                const struct node *v = node_get(md, *k);
                if (v)
                        return streq(*k, "public-keys") ? 0
                                                        : node_set(md, "public-keys", node_copy(v));
        }
        return 0;
}

static int instance_id(const struct ds_ctx *ctx, struct ds_result *res)
{
        const char *iid = node_get_str(res->md, "instance-id");
        _cleanup_free_ char *uuid = NULL;

        if (iid) {
                res->iid = strdup(iid);
                return res->iid ? 0 : -ENOMEM;
        }
        if (fs_read_line(ctx->root_fd, "/sys/class/dmi/id/product_uuid", &uuid) < 0 || !uuid[0]) {
                log_warning("VMware: no instance-id in guestinfo.metadata and no DMI "
                            "product_uuid");
                return -ENOENT;
        }
        for (char *p = uuid; *p; p++)
                *p = (char)tolower((unsigned char)*p);
        res->iid = strdup(uuid);
        return res->iid ? ds_set_strn(res->md, "instance-id", uuid, strlen(uuid)) : -ENOMEM;
}

static int vmware_probe(const struct ds_ctx *ctx, struct ds_result *res)
{
        struct tool rpctool, vmtoolsd;
        bool have_rpctool, have_vmtoolsd;
        char root[4096];
        struct gi g = { 0 };
        int r;

        if (!on_vmware(ctx)) {
                log_debug("VMware: not probed: the DMI product name does not say VMware");
                return -ENOENT;
        }
        have_rpctool = find_tool(ctx->root_fd, "vmware-rpctool", false, &rpctool);
        have_vmtoolsd = find_tool(ctx->root_fd, "vmtoolsd", true, &vmtoolsd);
        if (!have_rpctool && !have_vmtoolsd) {
                log_info("VMware: neither vmware-rpctool nor vmtoolsd is installed; guestinfo "
                         "cannot be read");
                return -ENOENT;
        }
        r = root_path(ctx->root_fd, root, sizeof(root));
        if (r < 0)
                return r;
        r = query(have_rpctool ? &rpctool : &vmtoolsd, root, ctx->user_data_max, &g);
        if (r < 0 && have_rpctool && have_vmtoolsd) {
                log_info("VMware: falling back to vmtoolsd");
                r = query(&vmtoolsd, root, ctx->user_data_max, &g);
        }
        if (r < 0 || (!g.md && !g.ud && !g.vd)) {
                if (r >= 0)
                        log_info("VMware: guestinfo holds no metadata, userdata or vendordata");
                gi_done(&g);
                return -ENOENT;
        }
        res->md = g.md ? ds_parse_meta_data(g.md, g.md_len, "guestinfo.metadata")
                       : node_new(NODE_MAP);
        res->ud = TAKE_PTR(g.ud);
        res->ud_len = g.ud_len;
        res->vd = TAKE_PTR(g.vd);
        res->vd_len = g.vd_len;
        gi_done(&g);
        if (!res->md)
                return -ENOMEM;
        r = instance_id(ctx, res);
        if (r >= 0)
                r = public_keys(res->md);
        if (r >= 0)
                r = network_config(res);
        if (r < 0)
                return r;
        res->dsmode = strdup("net");
        res->platform = strdup("vmware");
        res->seed = strdup("guestinfo");
        res->subplatform = strdup("guestinfo (guestinfo.metadata)");
        res->ud_name = strdup("guestinfo.userdata");
        if (!res->dsmode || !res->platform || !res->seed || !res->subplatform || !res->ud_name)
                return -ENOMEM;
        return 0;
}

const struct datasource ds_vmware = {
        .name = "VMware",
        .local = true,
        .probe = vmware_probe,
};
