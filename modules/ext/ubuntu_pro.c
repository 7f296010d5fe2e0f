/* SPDX-License-Identifier: Apache-2.0 */
/* ubuntu_pro (external module), cloud-init's cc_ubuntu_pro (and its old key
 * ubuntu_advantage): through the `pro` client, installed
 * (ubuntu-advantage-tools) when missing. `config` settings go through `pro
 * config set KEY=VALUE` (null: `pro config unset KEY`); then, unless
 * `features.disable_auto_attach`, a Pro image that `pro api
 * u.pro.attach.auto.should_auto_attach.v1` says should auto-attach is
 * attached with full_auto_attach (enable and enable_beta); otherwise the
 * token attaches (`pro attach`, `--no-auto-enable` when `enable` is given)
 * and `pro enable --assume-yes --format json SERVICES` enables the listed
 * services ("service-already-enabled" is no error).
 *
 * The token never appears in argv or a log: it goes to `pro attach
 * --attach-config FILE`, FILE 0600 in a 0700 directory of root's, removed
 * afterwards (cloud-init passes it as an argument and redacts its logs).
 * Ubuntu only in cloud-init: elsewhere cloudboot reports the key at its
 * position and does not run it; where `pro` cannot be had the module says
 * Ubuntu Pro is not available on this system. */
#include <errno.h>
#include <string.h>

#include "cmtool.h"
#include "extmod.h"
#include "json.h"
#include "yaml.h"

#define ATTACH_DIR "/var/tmp/cloudboot-ubuntu_pro"
#define ATTACH_FILE ATTACH_DIR "/attach.yaml"

static const struct schema s_word = { .types = T_STR, .check = cm_check_word };
static const struct schema s_words = { .types = T_SEQ, .items = &s_word };
static const struct schema s_token = { .types = T_STR, .check = cm_check_arg, .secret = true };
static const struct schema s_bool = { .types = T_BOOL };
static const struct schema_prop feat_props[] = {
        { "disable_auto_attach", &s_bool, false },
        { NULL, NULL, false },
};
static const struct schema s_feat = { .types = T_MAP, .props = feat_props, .closed = true };
static const struct schema s_value = { .types = T_STR | T_NULL | T_INT | T_BOOL,
                                       .check = cm_check_arg };
static const struct schema_prop conf_props[] = {
        { "http_proxy", &s_value, false },
        { "https_proxy", &s_value, false },
        { "global_apt_http_proxy", &s_value, false },
        { "global_apt_https_proxy", &s_value, false },
        { "ua_apt_http_proxy", &s_value, false },
        { "ua_apt_https_proxy", &s_value, false },
        { NULL, NULL, false },
};
static const struct schema s_conf = { .types = T_MAP, .props = conf_props };
static const struct schema_prop pro_props[] = {
        { "enable", &s_words, false },      { "enable_beta", &s_words, false },
        { "token", &s_token, false },       { "features", &s_feat, false },
        { "config", &s_conf, false },       { NULL, NULL, false },
};
static const struct schema s_pro = { .types = T_MAP, .props = pro_props, .closed = true };
static const struct schema_prop keys[] = {
        { "ubuntu_pro", &s_pro, false },
        { "ubuntu_advantage", &s_pro, false },
        { NULL, NULL, false },
};
static const char *const activate[] = { "ubuntu_pro", "ubuntu_advantage", NULL };

static int pro(const struct sysconf_target *t, struct cm_argv *a, struct buf *out, int *ret_status)
{
        int r = a->failed ? -E2BIG : cm_run(t, NULL, NULL, a->v, NULL, NULL, 0, 900, out, ret_status);
        cm_argv_done(a);
        a->failed = false;
        return r;
}

static int set_config(const struct sysconf_target *t, const struct node *conf)
{
        int failed = 0;

        for (size_t i = 0; conf && i + 1 < conf->n; i += 2) {
                const char *key = node_str(conf->items[i]);
                const struct node *v = conf->items[i + 1];
                struct cm_argv a = { .n = 0 };

                if (!key || !sysconf_word_ok(key, "_-.", 64)) {
                        cm_refuse(conf->items[i], "ubuntu_pro.config", "is not a setting name");
                        failed++;
                        continue;
                }
                cm_add(&a, "pro");
                cm_add(&a, "config");
                if (v->type == NODE_NULL) {
                        log_debug("Disabling Pro config for %s", key);
                        cm_add(&a, "unset");
                        cm_add(&a, key);
                } else {
                        log_debug("Enabling Pro config %s=REDACTED", key);
                        cm_add(&a, "set");
                        cm_addf(&a, "%s=%s", key, v->type == NODE_BOOL ? (v->b ? "True" : "False")
                                                                        : v->str);
                }
                if (pro(t, &a, NULL, NULL) < 0) {
                        log_warning("Failure enabling/disabling \"%s\"", key);
                        failed++;
                }
        }
        if (failed)
                return log_error_errno(-EPROTO, "Failure enabling/disabling Ubuntu Pro config(s)");
        return 0;
}

static void add_list(struct cm_argv *a, const struct node *l)
{
        for (size_t i = 0; l && l->type == NODE_SEQ && i < l->n; i++)
                cm_add(a, node_str(l->items[i]));
}

static int should_auto_attach(const struct sysconf_target *t, bool *ret)
{
        struct cm_argv a = { .n = 0 };
        struct buf out = BUF_INIT(1u << 20);
        struct node *n = NULL;
        struct yaml_error err;
        int r;

        cm_add(&a, "pro");
        cm_add(&a, "api");
        cm_add(&a, "u.pro.attach.auto.should_auto_attach.v1");
        r = pro(t, &a, &out, NULL);
        if (r >= 0)
                r = json_load(out.data ? out.data : "", out.len, "pro api", &n, &err);
        buf_free(&out);
        if (r < 0) {
                log_warning("Unable to determine if this is an Ubuntu Pro instance. Fallback to "
                            "normal Pro attach.");
                *ret = false;
                return 0;
        }
        *ret = node_get_bool(node_get_path(n, "data.attributes"), "should_auto_attach", false);
        node_free(n);
        return 0;
}

static int auto_attach(const struct sysconf_target *t, const struct node *sec)
{
        struct cm_argv a = { .n = 0 };
        struct node *data = node_new(NODE_MAP);
        struct buf b = BUF_INIT(1u << 16);
        int r;

        if (!data)
                return -ENOMEM;
        /* the options as FullAutoAttachOptions takes them */
        r = 0;
        for (size_t i = 0; r >= 0 && i < 2; i++) {
                const char *k = i ? "enable_beta" : "enable";
                const struct node *v = node_get(sec, k);
                struct node *c = v ? node_copy(v) : NULL;
                if (v)
                        r = c ? node_set(data, k, c) : -ENOMEM;
        }
        if (r >= 0)
                r = json_write(&b, data, 0);
        node_free(data);
        cm_add(&a, "pro");
        cm_add(&a, "api");
        cm_add(&a, "u.pro.attach.auto.full_auto_attach.v1");
        cm_add(&a, "--data");
        cm_add(&a, b.data ? b.data : "{}");
        buf_free(&b);
        if (r >= 0)
                r = pro(t, &a, NULL, NULL);
        else
                cm_argv_done(&a);
        if (r < 0)
                return log_error_errno(r, "Error during `full_auto_attach`: %m");
        return 0;
}

static int attach(const struct sysconf_target *t, int root_fd, const struct node *sec)
{
        const char *token = node_get_str(sec, "token");
        const struct node *enable = node_get(sec, "enable");
        struct cm_argv a = { .n = 0 };
        struct buf f = BUF_INIT(8192);
        struct buf out = BUF_INIT(1u << 20);
        struct node *tok, *resp = NULL;
        struct yaml_error err;
        int status = 0, r;

        if (!token || !*token) {
                log_error("`ubuntu_pro.token` required in non-Pro Ubuntu instances.");
                return -EINVAL;
        }
        if (node_get(sec, "enable_beta"))
                log_debug("Ignoring `ubuntu_pro.enable_beta` services in Pro attach");
        /* attach-config: YAML, the token as a JSON string (YAML reads it as one) */
        tok = node_new_strn(token, strlen(token));
        r = tok ? buf_puts(&f, "token: ") : -ENOMEM;
        if (r >= 0)
                r = json_write(&f, tok, 0);
        if (r >= 0)
                r = buf_putc(&f, '\n');
        node_free(tok);
        if (r >= 0)
                r = fs_mkdir_p(root_fd, ATTACH_DIR, 0700);
        if (r >= 0)
                r = fs_write_buf(root_fd, ATTACH_FILE, &f, 0600, 0, 0);
        buf_free_secret(&f);
        if (r < 0) {
                (void)fs_rm_rf(root_fd, ATTACH_DIR, false);
                return log_error_errno(r, "ubuntu_pro: cannot write the attach config: %m");
        }
        cm_add(&a, "pro");
        cm_add(&a, "attach");
        if (enable)
                cm_add(&a, "--no-auto-enable");
        cm_add(&a, "--attach-config");
        cm_add(&a, ATTACH_FILE);
        log_debug("Attaching to Ubuntu Pro. pro attach%s --attach-config REDACTED",
                  enable ? " --no-auto-enable" : "");
        r = pro(t, &a, NULL, &status);
        (void)fs_rm_rf(root_fd, ATTACH_DIR, false);
        if (r < 0 && !(r == -EPROTO && status == 2)) /* 2: already attached */
                return log_error_errno(r, "Failure attaching Ubuntu Pro: %m");
        if (!enable || enable->n == 0)
                return 0;
        cm_add(&a, "pro");
        cm_add(&a, "enable");
        cm_add(&a, "--assume-yes");
        cm_add(&a, "--format");
        cm_add(&a, "json");
        add_list(&a, enable);
        r = pro(t, &a, &out, &status);
        if (r < 0 && !(r == -EPROTO && status == 1)) {
                buf_free(&out);
                return log_error_errno(r, "Error while enabling service(s): %m");
        }
        r = json_load(out.data ? out.data : "", out.len, "pro enable", &resp, &err);
        buf_free(&out);
        if (r < 0)
                return log_error_errno(-EBADMSG, "Pro response was not json");
        {
                const struct node *errors = node_get(resp, "errors");
                int failed = 0;

                for (size_t i = 0; errors && errors->type == NODE_SEQ && i < errors->n; i++) {
                        const struct node *e = errors->items[i];
                        const char *code = node_get_str(e, "message_code");
                        const char *svc = node_get_str(e, "service");
                        const char *msg = node_get_str(e, "message");

                        if (code && streq(code, "service-already-enabled")) {
                                log_debug("Service `%s` already enabled.", svc ? svc : "?");
                                continue;
                        }
                        log_error("Failure enabling `%s`: %s", svc ? svc : "?", msg ? msg : "");
                        failed++;
                }
                node_free(resp);
                if (failed)
                        return log_error_errno(-EPROTO, "Failure enabling Ubuntu Pro service(s)");
        }
        return 0;
}

static int run(const struct module_ctx *ctx)
{
        const struct sysconf_target t = { .chroot = ctx->root, .is_host = ctx->root_is_host };
        const struct node *old = node_get(ctx->cfg, "ubuntu_advantage");
        const struct node *sec = node_get(ctx->cfg, "ubuntu_pro");
        bool auto_ok = false;
        int r;

        if (old) {
                if (sec)
                        log_warning("Ignoring deprecated key ubuntu_advantage and preferring "
                                    "ubuntu_pro config");
                else {
                        log_warning("Deprecated configuration key(s) provided: ubuntu_advantage. "
                                    "Expected \"ubuntu_pro\"; will attempt to continue.");
                        sec = old;
                }
        }
        if (!sec) {
                log_debug("Skipping module named ubuntu_pro, no 'ubuntu_pro' configuration "
                          "found");
                return 0;
        }
        if (!sysconf_have(ctx->root_fd, "pro")) {
                const char *pkgs[] = { "ubuntu-advantage-tools" };
                r = sysconf_install(&t, ctx->root_fd, pkgs, 1);
                if (r < 0 || !sysconf_have(ctx->root_fd, "pro"))
                        return log_error_errno(r < 0 ? r : -ENOENT,
                                               "ubuntu_pro: the pro client is not installed and "
                                               "ubuntu-advantage-tools cannot be installed: "
                                               "Ubuntu Pro is not available on this system");
        }
        r = set_config(&t, node_get(sec, "config"));
        if (r < 0)
                return r;
        if (!node_get_bool(node_get(sec, "features"), "disable_auto_attach", false))
                (void)should_auto_attach(&t, &auto_ok);
        if (auto_ok)
                return auto_attach(&t, sec);
        for (size_t i = 0; i + 1 < sec->n; i += 2)
                if (!streq_ptr(node_str(sec->items[i]), "features"))
                        return attach(&t, ctx->root_fd, sec);
        return 0;
}

const struct module mod_ubuntu_pro = {
        .name = "ubuntu_pro",
        .freq = FREQ_INSTANCE,
        .keys = keys,
        .activate_keys = activate,
        .run = run,
};

const struct extmod ext_ubuntu_pro = {
        .module = &mod_ubuntu_pro,
        .stage = "config",
        .description = "Attach to Ubuntu Pro and enable its services",
        .timeout_sec = 1800,
};

EXTMOD_MAIN(ext_ubuntu_pro)
