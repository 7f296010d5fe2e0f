/* SPDX-License-Identifier: Apache-2.0 */
/* mcollective (external module), cloud-init's cc_mcollective: install the
 * mcollective package, merge `mcollective.conf` into
 * /etc/mcollective/server.cfg as cloud-init's ConfigObj does (a string is a
 * top-level setting, a mapping a [section] of them, another scalar its
 * Python text; the previous file kept as server.cfg.old), write
 * `public-cert` (0644) and `private-cert` (0600) beside it and switch the
 * security provider to ssl, then restart the service. */
#include <errno.h>
#include <string.h>

#include "cmtool.h"
#include "configobj.h"
#include "extmod.h"

#define SERVER_CFG "/etc/mcollective/server.cfg"
#define PUBCERT_FILE "/etc/mcollective/ssl/server-public.pem"
#define PRICERT_FILE "/etc/mcollective/ssl/server-private.pem"

static const struct schema s_pub = { .types = T_STR };
static const struct schema s_priv = { .types = T_STR, .secret = true };
static const struct schema_prop conf_props[] = {
        { "public-cert", &s_pub, false },
        { "private-cert", &s_priv, false },
        { NULL, NULL, false },
};
/* other keys are settings (cloud-init's patternProperties) */
static const struct schema s_conf = { .types = T_MAP, .props = conf_props };
static const struct schema_prop mc_props[] = {
        { "conf", &s_conf, false },
        { NULL, NULL, false },
};
static const struct schema s_mc = { .types = T_MAP, .props = mc_props, .closed = true };
static const struct schema_prop keys[] = {
        { "mcollective", &s_mc, false },
        { NULL, NULL, false },
};
static const char *const activate[] = { "mcollective", NULL };

/* A setting name: a word ConfigObj reads back as the same key. */
static const char *name_why(const char *k)
{
        return sysconf_word_ok(k, "-._:", 128) ? NULL : "is not a setting name";
}

/* Every setting checked before anything is written: nothing half-applied. */
static bool conf_ok(const struct node *conf)
{
        bool ok = true;

        for (size_t i = 0; i + 1 < conf->n; i += 2) {
                const struct node *k = conf->items[i], *v = conf->items[i + 1];
                const char *key = node_str(k), *why = key ? name_why(key) : "is not a string";
                char path[300];

                (void)snprintf(path, sizeof(path), "mcollective.conf.%.128s",
                               key ? key : "?");
                if (key && (streq(key, "public-cert") || streq(key, "private-cert")))
                        continue;
                if (why) {
                        cm_refuse(k, "mcollective.conf key", why);
                        ok = false;
                        continue;
                }
                if (v->type == NODE_MAP) {
                        for (size_t j = 0; j + 1 < v->n; j += 2) {
                                const struct node *sk = v->items[j], *sv = v->items[j + 1];
                                const char *s = node_str(sk);
                                if (!s || name_why(s)) {
                                        cm_refuse(sk, path, "holds a key that is not a setting name");
                                        ok = false;
                                } else if (sv->type == NODE_MAP || sv->type == NODE_SEQ) {
                                        cm_refuse(sv, path, "a setting of a section must be a scalar");
                                        ok = false;
                                } else if (sv->str && (why = cobj_value_why(sv->str))) {
                                        cm_refuse(sv, path, why);
                                        ok = false;
                                }
                        }
                } else if (v->type == NODE_SEQ) {
                        cm_refuse(v, path, "must be a string, a number, a boolean or a mapping");
                        ok = false;
                } else if (v->str && (why = cobj_value_why(v->str))) {
                        cm_refuse(v, path, why);
                        ok = false;
                }
        }
        return ok;
}

static int configure(const struct module_ctx *ctx, const struct node *conf)
{
        struct cobj *c = calloc(1, sizeof(*c));
        struct buf b = BUF_INIT(4u << 20);
        _cleanup_free_ char *old = NULL;
        size_t old_len = 0;
        int r;

        if (!c)
                return log_error_errno(-ENOMEM, "mcollective: out of memory");
        r = fs_read_file(ctx->root_fd, SERVER_CFG, 4u << 20, &old, &old_len);
        if (r == -ENOENT)
                log_debug("Did not find file %s (starting with an empty config)", SERVER_CFG);
        else if (r < 0) {
                free(c);
                return log_error_errno(r, "mcollective: cannot read %s: %m", SERVER_CFG);
        }
        r = old ? cobj_read(c, old) : 0;
        for (size_t i = 0; r >= 0 && i + 1 < conf->n; i += 2) {
                const char *key = node_str(conf->items[i]);
                const struct node *v = conf->items[i + 1];
                char text[128];

                if (streq(key, "public-cert") || streq(key, "private-cert")) {
                        bool pub = streq(key, "public-cert");
                        const char *path = pub ? PUBCERT_FILE : PRICERT_FILE;
                        const char *s = node_str(v) ? node_str(v) : "";

                        r = fs_write_atomic(ctx->root_fd, path, s, strlen(s), pub ? 0644 : 0600,
                                            0, 0);
                        if (r < 0) {
                                log_error_errno(r, "mcollective: cannot write %s: %m", path);
                                break;
                        }
                        r = cobj_set(c, "", pub ? "plugin.ssl_server_public"
                                                : "plugin.ssl_server_private",
                                     path);
                        if (r >= 0)
                                r = cobj_set(c, "", "securityprovider", "ssl");
                } else if (v->type == NODE_MAP) {
                        for (size_t j = 0; r >= 0 && j + 1 < v->n; j += 2)
                                r = cobj_set(c, key, node_str(v->items[j]),
                                             cobj_scalar(v->items[j + 1], text, sizeof(text)));
                } else {
                        r = cobj_set(c, "", key, cobj_scalar(v, text, sizeof(text)));
                }
        }
        if (r >= 0 && old)
                r = fs_write_atomic(ctx->root_fd, SERVER_CFG ".old", old, old_len, 0644, 0, 0);
        if (r >= 0) {
                cobj_write(c, &b);
                r = fs_write_buf(ctx->root_fd, SERVER_CFG, &b, 0644, FS_NO_OWNER, (gid_t)-1);
        }
        cobj_done(c);
        free(c);
        buf_free(&b);
        if (r < 0)
                return log_error_errno(r, "mcollective: cannot write %s: %m", SERVER_CFG);
        log_info("Wrote %s", SERVER_CFG);
        return 0;
}

static int run(const struct module_ctx *ctx)
{
        const struct sysconf_target t = { .chroot = ctx->root, .is_host = ctx->root_is_host };
        const struct node *mc = node_get(ctx->cfg, "mcollective");
        const struct node *conf = node_get(mc, "conf");
        const char *pkgs[] = { "mcollective" };
        int r;

        if (!mc) {
                log_debug("Skipping module named mcollective, no 'mcollective' key in "
                          "configuration");
                return 0;
        }
        if (conf && conf->type == NODE_MAP && !conf_ok(conf))
                return log_error_errno(-EINVAL, "mcollective: configuration refused; nothing "
                                                "written");
        r = sysconf_install(&t, ctx->root_fd, pkgs, 1);
        if (r < 0)
                return log_error_errno(r, "mcollective: cannot install the mcollective package: %m");
        if (conf && conf->type == NODE_MAP) {
                r = configure(ctx, conf);
                if (r < 0)
                        return r;
        }
        r = sysconf_service(&t, ctx->root_fd, "mcollective", "restart");
        return r < 0 ? r : 0;
}

const struct module mod_mcollective = {
        .name = "mcollective",
        .freq = FREQ_INSTANCE,
        .keys = keys,
        .activate_keys = activate,
        .run = run,
};

const struct extmod ext_mcollective = {
        .module = &mod_mcollective,
        .stage = "final",
        .description = "Install, configure and start mcollective",
};

EXTMOD_MAIN(ext_mcollective)
