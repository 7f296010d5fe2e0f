/* SPDX-License-Identifier: Apache-2.0 */
/* Datasource registry and probing order (see datasource.h). */
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "cmdline.h"
#include "fs.h"
#include "datasource.h"
#include "clouds.h"
#include "ephemeral.h"
#include "net.h"
#include "log.h"
#include "yaml.h"

static const struct datasource *const registry[] = {
        &ds_nocloud, &ds_credentials, &ds_configdrive, &ds_none,
};

/* The cloud datasources, whose probes cloudboot-clouds.so holds (clouds.h):
 * what is decided before the object is loaded. test-clouds checks each
 * against the object's own descriptor. */
#define CLOUD(n, c, e) { .name = n, .cloud = c, .ephemeral = DS_EPHEMERAL_##e }
#define CLOUD_LOCAL(n) { .name = n, .local = true }
static const struct datasource clouds[] = {
        CLOUD("Azure", "azure", DHCP),
        CLOUD("GCE", "gce", DHCP),
        CLOUD("OpenStack", "openstack", DHCP),
        CLOUD("Ec2", "aws", DHCP),
        CLOUD("DigitalOcean", "digitalocean", LINKLOCAL),
        CLOUD("Hetzner", "hetzner", DHCP),
        CLOUD("Oracle", "oracle", DHCP),
        CLOUD("Vultr", "vultr", DHCP),
        CLOUD("Scaleway", "scaleway", DHCP),
        CLOUD("Akamai", "akamai", DHCP),
        CLOUD("UpCloud", "upcloud", DHCP),
        CLOUD("AliYun", "aliyun", DHCP),
        CLOUD("Exoscale", "exoscale", DHCP),
        CLOUD("CloudStack", "cloudstack", DHCP),
        CLOUD_LOCAL("VMware"),
        CLOUD_LOCAL("OpenNebula"),
        CLOUD_LOCAL("LXD"),
};

/* Local seeds first: they cost a few stat calls and are media someone
 * attached on purpose. The network datasources after them are probed only on
 * their own cloud (ds/net.h), so off a cloud they cost nothing. */
static const char *const default_list[] = {
        "NoCloud", "ConfigDrive", "Credentials", "LXD", "OpenNebula", "DigitalOcean", "Azure",
        "GCE", "OpenStack", "Scaleway", "AliYun", "Ec2", "CloudStack", "Hetzner", "Oracle",
        "Exoscale", "UpCloud", "VMware", "Vultr", "Akamai", "None", NULL,
};

const struct datasource *ds_lookup(const char *name)
{
        for (size_t i = 0; i < ELEMENTSOF(registry); i++)
                if (strcasecmp(registry[i]->name, name) == 0)
                        return registry[i];
        for (size_t i = 0; i < ELEMENTSOF(clouds); i++)
                if (strcasecmp(clouds[i].name, name) == 0)
                        return &clouds[i];
        return NULL;
}

bool ds_is(const struct ds_result *r, const char *name)
{
        return r && r->ds && streq(r->ds->name, name);
}

void ds_result_done(struct ds_result *r)
{
        free(r->iid);
        free(r->dsmode);
        free(r->platform);
        free(r->subplatform);
        free(r->seed);
        free(r->ud_name);
        node_free(r->md);
        /* user-data and vendor-data may hold secrets */
        free_secret(r->ud, r->ud_len);
        free_secret(r->vd, r->vd_len);
        free_secret(r->netcfg, r->netcfg_len);
        ds_node_free_secret(r->cfg);
        *r = (struct ds_result){ 0 };
}

static void node_wipe(struct node *n)
{
        if (!n)
                return;
        if (n->str)
                explicit_bzero(n->str, n->len);
        for (size_t i = 0; i < n->n; i++)
                node_wipe(n->items[i]);
}

struct node *ds_node_free_secret(struct node *n)
{
        node_wipe(n);
        return node_free(n);
}

int ds_describe(const struct ds_result *r, char **ret)
{
        struct buf b = BUF_INIT(4096);
        int k;

        if (!r->ds)
                return -EINVAL;
        k = buf_printf(&b, "DataSource%s", r->ds->name);
        if (k >= 0 && r->seed)
                k = buf_printf(&b, " [seed=%s]", r->seed);
        /* As cloud-init 25.1: the dsmode only when it is not the default. */
        if (k >= 0 && r->dsmode && !streq(r->dsmode, "net"))
                k = buf_printf(&b, "[dsmode=%s]", r->dsmode);
        if (k < 0) {
                buf_free(&b);
                return k;
        }
        *ret = buf_steal(&b, NULL);
        return *ret ? 0 : -ENOMEM;
}

/* The ephemeral network a datasource wants in init-local, or NONE: only on its
 * own cloud (the DMI identity names it) or when the list was named. Off a
 * cloud this decides before any socket is opened. */
static enum ds_ephemeral ephemeral_mode(const struct ds_ctx *ctx, const struct datasource *ds)
{
        bool mine = ctx->plat && ctx->plat->cloud && ds->cloud &&
                    streq(ctx->plat->cloud, ds->cloud);

        if (ds->local || ds->ephemeral == DS_EPHEMERAL_NONE || (!mine && !ctx->named))
                return DS_EPHEMERAL_NONE;
#ifdef CLOUDBOOT_TEST_HOOKS
        /* no datasource of ours reads link-local yet: a test asks for it */
        const char *e = getenv("CLOUDBOOT_TEST_EPHEMERAL");
        if (e && streq(e, "linklocal"))
                return DS_EPHEMERAL_LINKLOCAL;
#endif
        return ds->ephemeral;
}

/* In init-local, a network datasource is read over the ephemeral network
 * *eph, brought up here when it is not up in the mode this one needs (it
 * stays up for the next datasource of the list; ds_find takes it down). */
static int try_one(const struct ds_ctx *ctx, const struct datasource *ds, struct ds_result *ret,
                   struct ephemeral *eph, unsigned *eph_failed)
{
        const bool ephemeral = ctx->local_stage && !ds->local;
        const enum ds_ephemeral mode = ephemeral ? ephemeral_mode(ctx, ds) : DS_EPHEMERAL_NONE;
        const struct datasource *impl = ds;
        const struct clouds_plugin *p = NULL;
        struct ds_ctx c = *ctx;
        int r;

        /* Decided before the object is loaded: in init-local, a network
         * datasource needs an ephemeral mode not yet failed this walk (off
         * its cloud it has none); in init, this machine must be one to probe. */
        if (ephemeral && (mode == DS_EPHEMERAL_NONE || (*eph_failed & (1u << mode))))
                return -ENOENT;
        if (!ds->local && !ctx->local_stage && !ds->probe && !ds_net_wanted(ctx, ds))
                return -ENOENT;
        /* the ephemeral network, and a cloud datasource's probe, are the object's */
        if (ephemeral || !ds->probe) {
                p = clouds_load();
                if (!p)
                        return -ENOENT;
        }
        if (!ds->probe) {
                impl = clouds_datasource(ds->name);
                if (!impl)
                        return -ENOENT;
        }
        if (ephemeral) {
                if (eph->mode != mode) {
                        p->ephemeral_down(eph);
                        r = p->ephemeral_up(ctx->root_fd, mode, eph);
                        if (r < 0) {
                                *eph_failed |= 1u << mode;
                                log_warning("%s: no ephemeral network in init-local (%s); left "
                                            "to the network stage",
                                            ds->name,
                                            r == -ENODEV    ? "no physical network interface"
                                            : r == -ENOENT  ? "no DHCP client in the target"
                                            : r == -ETIMEDOUT ? "no DHCP lease"
                                                            : strerror(-r));
                                return -ENOENT;
                        }
                }
                /* the network is there now, for as long as the probe runs */
                c.local_stage = false;
        }
        log_debug("Probing datasource %s", ds->name);
        r = impl->probe(&c, ret);
        if (r == 0) {
                ret->ds = ds;
                return 0;
        }
        ds_result_done(ret);
        if (r != -ENOENT)
                log_warning_errno(r, "Datasource %s failed: %m", ds->name);
        return -ENOENT;
}

#define DS_LIST_MAX 32

/* The datasource that serves the cloud the DMI identity names goes ahead of
 * the other network datasources, so that a machine asks its own cloud first. */
static void cloud_first(const struct ds_ctx *ctx, const struct datasource **list, size_t n)
{
        size_t first_net = n, mine = n;

        for (size_t i = 0; i < n; i++) {
                if (!list[i]->local && first_net == n)
                        first_net = i;
                if (ctx->plat && ctx->plat->cloud && list[i]->cloud &&
                    streq(list[i]->cloud, ctx->plat->cloud) && mine == n)
                        mine = i;
        }
        if (mine == n || first_net >= mine)
                return;
        const struct datasource *m = list[mine];
        memmove(list + first_net + 1, list + first_net, (mine - first_net) * sizeof(*list));
        list[first_net] = m;
}

const char *ds_cmdline(const struct ds_ctx *ctx, char **own)
{
        *own = NULL;
        if (ctx->plat)
                return ctx->plat->cmdline;
        return fs_read_line(ctx->root_fd, "/proc/cmdline", own) >= 0 ? *own : "";
}

/* ds=NAME on the kernel command line: [NAME, None], as cloud-init's
 * ds-identify makes it. 0 when there is none, or it names no datasource. */
static size_t cmdline_list(const struct ds_ctx *ctx, const struct datasource **list)
{
        _cleanup_free_ char *own = NULL;
        const char *cmdline = ds_cmdline(ctx, &own);
        const struct datasource *ds;
        char name[64];

        if (!cmdline_datasource(cmdline, name, sizeof(name)))
                return 0;
        ds = ds_lookup(strncasecmp(name, "nocloud", 7) == 0 ? "NoCloud" : name);
        if (!ds) {
                log_warning("The kernel command line names datasource %s, which cloudboot does "
                            "not have; probing datasource_list",
                            name);
                return 0;
        }
        list[0] = ds;
        list[1] = &ds_none;
        return ds == &ds_none ? 1 : 2;
}

int ds_find(const struct ds_ctx *given, struct ds_result *ret)
{
        const struct node *cfg = node_get(given->syscfg, "datasource_list");
        const struct datasource *list[DS_LIST_MAX];
        struct ds_ctx c = *given, *ctx = &c;
        size_t n;

        /* A list someone wrote (on the command line or in a file, not the
         * built-in one) asks for its network datasources even off their cloud. */
        n = cmdline_list(ctx, list);
        if (n > 0)
                c.named = true;
        else if (cfg && cfg->type == NODE_SEQ) {
                c.named = cfg->file && !streq(cfg->file, "<built-in>");
                for (size_t i = 0; i < cfg->n && n < DS_LIST_MAX; i++) {
                        const char *name = node_str(cfg->items[i]);
                        const struct datasource *ds = name ? ds_lookup(name) : NULL;

                        if (!ds) {
                                log_debug("datasource_list names %s, which cloudboot does not have",
                                          name ? name : "a non-string");
                                continue;
                        }
                        list[n++] = ds;
                }
        } else
                for (const char *const *d = default_list; *d; d++)
                        list[n++] = ds_lookup(*d);
        cloud_first(ctx, list, n);
        struct ephemeral eph = EPHEMERAL_INIT;
        unsigned eph_failed = 0;
        int r = -ENOENT;
        for (size_t i = 0; i < n && r < 0; i++)
                r = try_one(ctx, list[i], ret, &eph, &eph_failed);
        /* what the datasource gave is in memory: the network goes before the
         * system's own starts (only the object brings it up) */
        if (eph.mode != DS_EPHEMERAL_NONE)
                clouds_load()->ephemeral_down(&eph);
        return r;
}

static int add_key_lines(struct node *list, const struct node *v)
{
        const char *p;
        int r = 0;

        if (v->type != NODE_STR)
                return 0;
        for (p = v->str; *p && r >= 0;) {
                size_t len = strcspn(p, "\r\n");
                const char *start = p + strspn(p, " \t");
                size_t slen = len - (size_t)(start - p);
                if (slen > 0 && start < p + len)
                        r = node_append(list, node_new_strn(start, slen));
                p += len;
                p += strspn(p, "\r\n");
        }
        return r;
}

struct node *ds_public_keys(const struct node *md)
{
        const struct node *pk = node_get(md, "public-keys");
        struct node *list = node_new(NODE_SEQ);
        int r = 0;

        if (!list || !pk)
                return list;
        if (pk->type == NODE_STR)
                r = add_key_lines(list, pk);
        else if (pk->type == NODE_SEQ)
                for (size_t i = 0; i < pk->n && r >= 0; i++)
                        r = add_key_lines(list, pk->items[i]);
        else if (pk->type == NODE_MAP)
                for (size_t i = 1; i < pk->n && r >= 0; i += 2) {
                        const struct node *v = pk->items[i];
                        if (v->type == NODE_SEQ)
                                for (size_t j = 0; j < v->n && r >= 0; j++)
                                        r = add_key_lines(list, v->items[j]);
                        else
                                r = add_key_lines(list, v);
                }
        return r < 0 ? node_free(list) : list;
}

static const struct ds_md_memo *md_memo;

void ds_set_meta_data_memo(const struct ds_md_memo *memo)
{
        md_memo = memo;
}

struct node *ds_parse_meta_data(const char *data, size_t len, const char *name)
{
        struct yaml_error err;
        struct node *md = md_memo ? md_memo->load(data, len, name) : NULL;

        if (md)
                return md;
        if (yaml_load(data, len, name, NULL, &md, &err) < 0) {
                log_warning("%s:%u:%u: %s; ignoring the meta-data", name, err.line, err.col,
                            err.msg);
                return node_new(NODE_MAP);
        }
        if (md->type != NODE_MAP) {
                if (md->type != NODE_NULL)
                        log_warning("%s:%u:%u: meta-data must be a mapping, got %s; ignoring it",
                                    name, md->line, md->col, node_type_name(md->type));
                node_free(md);
                return node_new(NODE_MAP);
        }
        if (md_memo)
                md_memo->store(data, len, name, md);
        return md;
}
