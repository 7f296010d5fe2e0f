/* SPDX-License-Identifier: Apache-2.0 */
/* rh_subscription (external module), cloud-init's cc_rh_subscription: with
 * username and password, or activation-key (and org), an unregistered system
 * (`subscription-manager identity` fails) is registered with
 * `subscription-manager register`, then attached (`attach --auto`, with
 * `--servicelevel=` when service-level is given), the pools of add-pool that
 * are available and not consumed attached, and enable-repo / disable-repo
 * applied to the repositories that are not already so. As in cloud-init a
 * step that fails ends the run with a warning, not a module failure. The
 * password and the activation key are never logged (they are arguments of
 * register, as cloud-init gives them). RHEL, Fedora and openEuler only in
 * cloud-init: elsewhere cloudboot reports the key at its position and does
 * not run it. */
#include <errno.h>
#include <string.h>

#include "cmtool.h"
#include "extmod.h"

static const struct schema s_str = { .types = T_STR, .check = cm_check_arg };
static const struct schema s_secret = { .types = T_STR, .check = cm_check_arg, .secret = true };
static const struct schema s_org = { .types = T_STR | T_INT, .check = cm_check_arg };
static const struct schema s_bool = { .types = T_BOOL };
static const struct schema s_id = { .types = T_STR, .check = cm_check_word };
static const struct schema s_ids = { .types = T_SEQ, .items = &s_id };
static const struct schema_prop rh_props[] = {
        { "username", &s_str, false },        { "password", &s_secret, false },
        { "activation-key", &s_secret, false }, { "org", &s_org, false },
        { "auto-attach", &s_bool, false },    { "service-level", &s_str, false },
        { "add-pool", &s_ids, false },        { "enable-repo", &s_ids, false },
        { "disable-repo", &s_ids, false },    { "rhsm-baseurl", &s_str, false },
        { "server-hostname", &s_str, false }, { NULL, NULL, false },
};
static const struct schema s_rh = { .types = T_MAP, .props = rh_props, .closed = true };
static const struct schema_prop keys[] = {
        { "rh_subscription", &s_rh, false },
        { NULL, NULL, false },
};
static const char *const activate[] = { "rh_subscription", NULL };

/* subscription-manager with args; stdout into out when not NULL. */
static int sm(const struct sysconf_target *t, struct cm_argv *a, struct buf *out)
{
        struct cm_argv full = { .n = 0 };
        int r;

        cm_add(&full, "subscription-manager");
        for (size_t i = 0; i < a->n; i++)
                cm_add(&full, a->v[i]);
        r = full.failed || a->failed
                    ? -E2BIG
                    : cm_run(t, NULL, NULL, full.v, NULL, NULL, 0, 600, out, NULL);
        for (size_t i = 0; i < full.n; i++)
                explicit_bzero(full.v[i], strlen(full.v[i]));
        cm_argv_done(&full);
        for (size_t i = 0; i < a->n; i++)
                explicit_bzero(a->v[i], strlen(a->v[i]));
        cm_argv_done(a);
        a->failed = false;
        return r;
}

/* Does the line-list text (one id a line, or "Repo ID:   X" lines) hold id? */
static bool listed(const char *text, const char *id, bool repo_lines)
{
        size_t len = strlen(id);

        for (const char *p = text; p && *p;) {
                const char *e = strchr(p, '\n'), *s = p;
                size_t n = e ? (size_t)(e - p) : strlen(p);

                if (repo_lines) {
                        const char *c = memchr(p, ':', n);
                        if (!(n > 8 && strstr(p, "Repo ID:") && strstr(p, "Repo ID:") < p + n &&
                              c)) {
                                p = e ? e + 1 : NULL;
                                continue;
                        }
                        s = c + 1;
                        n -= (size_t)(s - p);
                }
                while (n && (*s == ' ' || *s == '\t')) {
                        s++;
                        n--;
                }
                while (n && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\r'))
                        n--;
                if (n == len && strncmp(s, id, len) == 0)
                        return true;
                p = e ? e + 1 : NULL;
        }
        return false;
}

static bool add_pools(const struct sysconf_target *t, const struct node *pools)
{
        struct buf avail = BUF_INIT(1u << 20), used = BUF_INIT(1u << 20);
        struct cm_argv a = { .n = 0 };
        size_t n = 0;
        bool ok = true;

        if (!pools || pools->n == 0) {
                log_debug("No pools to attach");
                return true;
        }
        cm_add(&a, "list");
        cm_add(&a, "--available");
        cm_add(&a, "--pool-only");
        ok = sm(t, &a, &avail) >= 0;
        cm_add(&a, "list");
        cm_add(&a, "--consumed");
        cm_add(&a, "--pool-only");
        ok = ok && sm(t, &a, &used) >= 0;
        cm_argv_done(&a);
        cm_add(&a, "attach");
        for (size_t i = 0; ok && i < pools->n; i++) {
                const char *id = node_str(pools->items[i]);
                if (!listed(used.data, id, false) && listed(avail.data, id, false)) {
                        cm_addf(&a, "--pool=%s", id);
                        n++;
                } else
                        log_warning("Pool %s is not available", id);
        }
        if (ok && n && sm(t, &a, NULL) < 0) {
                log_warning("Unable to attach pools");
                ok = false;
        }
        cm_argv_done(&a);
        buf_free(&avail);
        buf_free(&used);
        return ok;
}

static bool update_repos(const struct sysconf_target *t, const struct node *en,
                         const struct node *dis)
{
        struct buf on = BUF_INIT(1u << 20), off = BUF_INIT(1u << 20);
        struct cm_argv a = { .n = 0 };
        size_t n = 0;
        bool ok;

        if ((!en || en->n == 0) && (!dis || dis->n == 0)) {
                log_debug("No repo IDs to enable or disable");
                return true;
        }
        cm_add(&a, "repos");
        cm_add(&a, "--list-enabled");
        ok = sm(t, &a, &on) >= 0;
        cm_add(&a, "repos");
        cm_add(&a, "--list-disabled");
        ok = ok && sm(t, &a, &off) >= 0;
        cm_add(&a, "repos");
        for (size_t i = 0; ok && dis && i < dis->n; i++) {
                const char *id = node_str(dis->items[i]);
                if (listed(on.data, id, true)) {
                        cm_addf(&a, "--disable=%s", id);
                        n++;
                } else
                        log_debug("Repo %s not disabled because it is not enabled", id);
        }
        for (size_t i = 0; ok && en && i < en->n; i++) {
                const char *id = node_str(en->items[i]);
                if (listed(off.data, id, true)) {
                        cm_addf(&a, "--enable=%s", id);
                        n++;
                } else if (listed(on.data, id, true))
                        log_debug("Repo %s is already enabled", id);
                else
                        log_warning("Repo %s does not appear to exist", id);
        }
        if (ok && sm(t, &a, NULL) < 0) {
                log_warning("Unable to alter repos");
                ok = false;
        }
        cm_argv_done(&a);
        buf_free(&on);
        buf_free(&off);
        return ok;
}

static bool do_register(const struct sysconf_target *t, const struct node *c)
{
        const char *user = node_get_str(c, "username"), *pw = node_get_str(c, "password");
        const char *key = node_get_str(c, "activation-key"), *org = node_get_str(c, "org");
        const char *baseurl = node_get_str(c, "rhsm-baseurl");
        const char *server = node_get_str(c, "server-hostname");
        struct cm_argv a = { .n = 0 };

        cm_add(&a, "register");
        if (key && org) {
                cm_addf(&a, "--activationkey=%s", key);
                cm_addf(&a, "--org=%s", org);
        } else if (user && pw) {
                cm_addf(&a, "--username=%s", user);
                cm_addf(&a, "--password=%s", pw);
        } else {
                cm_argv_done(&a);
                log_warning("Unable to register system due to incomplete information.");
                log_warning("Use either activationkey and org *or* userid and password");
                return false;
        }
        if (baseurl)
                cm_addf(&a, "--baseurl=%s", baseurl);
        if (server)
                cm_addf(&a, "--serverurl=%s", server);
        if (sm(t, &a, NULL) < 0) {
                log_warning("Registration failed");
                return false;
        }
        log_debug("Registered successfully");
        return true;
}

static int run(const struct module_ctx *ctx)
{
        const struct sysconf_target t = { .chroot = ctx->root, .is_host = ctx->root_is_host };
        const struct node *c = node_get(ctx->cfg, "rh_subscription");
        const struct node *aa = node_get(c, "auto-attach");
        const char *level = node_get_str(c, "service-level");
        bool auto_attach = aa && aa->type == NODE_BOOL && aa->b;
        struct cm_argv a = { .n = 0 };
        const char *why = NULL;

        if (!((node_get_str(c, "username") && node_get_str(c, "password")) ||
              node_get_str(c, "activation-key"))) {
                log_debug("rh_subscription: module not configured.");
                return 0;
        }
        cm_add(&a, "identity");
        if (sm(&t, &a, NULL) >= 0) {
                log_info("System is already registered");
                return 0;
        }
        if (level && !auto_attach)
                why = "The service-level key must be used in conjunction with the auto-attach "
                      "key.  Please re-run with auto-attach: True";
        else if (!do_register(&t, c))
                why = "Registration failed or did not run completely";
        if (!why && auto_attach) {
                cm_add(&a, "attach");
                cm_add(&a, "--auto");
                if (level)
                        cm_addf(&a, "--servicelevel=%s", level);
                if (sm(&t, &a, NULL) < 0)
                        why = level ? "Setting of service-level failed" : "Setting auto-attach failed";
        }
        if (!why && !add_pools(&t, node_get(c, "add-pool")))
                why = "Unable to attach pools";
        if (!why && !update_repos(&t, node_get(c, "enable-repo"), node_get(c, "disable-repo")))
                why = "Unable to add or remove repos";
        if (why) {
                log_warning("%s", why);
                log_warning("rh_subscription plugin did not complete successfully");
        } else
                log_info("rh_subscription plugin completed successfully");
        return 0;
}

const struct module mod_rh_subscription = {
        .name = "rh_subscription",
        .freq = FREQ_INSTANCE,
        .keys = keys,
        .activate_keys = activate,
        .run = run,
};

const struct extmod ext_rh_subscription = {
        .module = &mod_rh_subscription,
        .stage = "config",
        .description = "Register a Red Hat system with subscription-manager",
};

EXTMOD_MAIN(ext_rh_subscription)
