/* SPDX-License-Identifier: Apache-2.0 */
/* salt_minion (external module), cloud-init's cc_salt_minion: install the
 * salt minion package, write conf to CONFIG_DIR/minion and grains to
 * CONFIG_DIR/grains as YAML, the key pair into the pki directory (the
 * private key 0600, in a 0700 directory), then enable and restart the
 * service through the target, or, for a masterless minion (file_client:
 * local), disable and stop it and run `salt-call --local state.apply`. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "cmtool.h"
#include "extmod.h"
#include "fs.h"
#include "log.h"
#include "macro.h"
#include "sysconf.h"

static const struct schema s_word = { .types = T_STR, .check = cm_check_word };
static const struct schema s_path = { .types = T_STR, .check = cm_check_path };
static const struct schema s_obj = { .types = T_MAP };
static const struct schema s_pub = { .types = T_STR };
static const struct schema s_priv = { .types = T_STR, .secret = true };
static const struct schema_prop salt_props[] = {
        { "pkg_name", &s_word, false },    { "service_name", &s_word, false },
        { "config_dir", &s_path, false },  { "conf", &s_obj, false },
        { "grains", &s_obj, false },       { "public_key", &s_pub, false },
        { "private_key", &s_priv, false }, { "pki_dir", &s_path, false },
        { NULL, NULL, false },
};
static const struct schema s_salt = { .types = T_MAP, .props = salt_props, .closed = true };
static const struct schema_prop keys[] = {
        { "salt_minion", &s_salt, false },
        { NULL, NULL, false },
};
static const char *const activate[] = { "salt_minion", NULL };

static int write_keys(const struct module_ctx *ctx, const struct node *c, const char *conf_dir)
{
        const char *pub = node_get_str(c, "public_key"), *priv = node_get_str(c, "private_key");
        char def[1100], path[1200];
        const char *pki = node_get_str(c, "pki_dir");
        int r;

        (void)snprintf(def, sizeof(def), "%s/pki/minion", conf_dir);
        if (!pki) {
                struct stat st;
                if (fs_stat(ctx->root_fd, def, false, &st) < 0 || !S_ISDIR(st.st_mode))
                        (void)snprintf(def, sizeof(def), "%s/pki", conf_dir);
                pki = def;
        }
        r = fs_mkdir_p(ctx->root_fd, pki, 0700);
        if (r < 0)
                return log_error_errno(r, "salt_minion: cannot create %s: %m", pki);
        (void)snprintf(path, sizeof(path), "%s/minion.pub", pki);
        r = fs_write_atomic(ctx->root_fd, path, pub, strlen(pub), 0644, 0, 0);
        if (r < 0)
                return log_error_errno(r, "salt_minion: cannot write %s: %m", path);
        (void)snprintf(path, sizeof(path), "%s/minion.pem", pki);
        r = fs_write_atomic(ctx->root_fd, path, priv, strlen(priv), 0600, 0, 0);
        if (r < 0)
                return log_error_errno(r, "salt_minion: cannot write %s: %m", path);
        log_info("Wrote the minion's key pair into %s", pki);
        return 0;
}

static int service(const struct sysconf_target *t, int root_fd, const char *unit, const char *action)
{
        if (t->is_host || streq(action, "enable") || streq(action, "restart"))
                return sysconf_service(t, root_fd, unit, streq(action, "enable") ? NULL : action);
        /* another root: sysconf_service only enables; a disable is done here */
        if (!streq(action, "disable"))
                return 0;
        if (!fs_exists(root_fd, "/usr/bin/systemctl") && !fs_exists(root_fd, "/bin/systemctl"))
                return 0;
        const char *argv[] = { "systemctl", "disable", unit, NULL };
        return sysconf_run(t, argv, NULL, NULL, 0, 120, NULL);
}

static int run(const struct module_ctx *ctx)
{
        const struct node *c = node_get(ctx->cfg, "salt_minion"), *conf, *grains;
        const struct sysconf_target t = { .chroot = ctx->root, .is_host = ctx->root_is_host };
        const char *pkg, *unit, *dir, *fc;
        char path[1100];
        bool daemon;
        int r, failed = 0;

        if (!c || c->type != NODE_MAP) {
                log_debug("Skipping module named salt_minion, no 'salt_minion' key in "
                          "configuration");
                return 0;
        }
        pkg = node_get_str(c, "pkg_name") ?: "salt-minion";
        unit = node_get_str(c, "service_name") ?: "salt-minion";
        dir = node_get_str(c, "config_dir") ?: "/etc/salt";
        {
                const char *pkgs[] = { pkg };
                r = sysconf_install(&t, ctx->root_fd, pkgs, 1);
                if (r < 0)
                        return log_error_errno(r, "salt_minion: installing %s failed: %m", pkg);
        }
        r = fs_mkdir_p(ctx->root_fd, dir, 0755);
        if (r < 0)
                return log_error_errno(r, "salt_minion: cannot create %s: %m", dir);
        conf = node_get(c, "conf");
        if (conf && conf->type == NODE_MAP) {
                (void)snprintf(path, sizeof(path), "%s/minion", dir);
                r = cm_write_yaml(ctx->root_fd, path, conf, 0644);
                if (r < 0) {
                        log_error_errno(r, "salt_minion: cannot write %s: %m", path);
                        failed++;
                } else
                        log_info("Wrote %s", path);
        }
        grains = node_get(c, "grains");
        if (grains && grains->type == NODE_MAP) {
                (void)snprintf(path, sizeof(path), "%s/grains", dir);
                r = cm_write_yaml(ctx->root_fd, path, grains, 0644);
                if (r < 0) {
                        log_error_errno(r, "salt_minion: cannot write %s: %m", path);
                        failed++;
                } else
                        log_info("Wrote %s", path);
        }
        if (node_get_str(c, "public_key") && node_get_str(c, "private_key"))
                failed += write_keys(ctx, c, dir) < 0;
        else if (node_get(c, "public_key") || node_get(c, "private_key"))
                log_warning("salt_minion: public_key and private_key go together: neither written");

        fc = conf && conf->type == NODE_MAP ? node_get_str(conf, "file_client") : NULL;
        daemon = !(fc && streq(fc, "local"));
        if (service(&t, ctx->root_fd, unit, daemon ? "enable" : "disable") < 0 ||
            service(&t, ctx->root_fd, unit, daemon ? "restart" : "stop") < 0)
                failed++;
        if (!daemon) {
                /* a masterless minion applies its states itself */
                char *const argv[] = { "salt-call", "--local", "state.apply", NULL };
                r = cm_run(&t, NULL, NULL, argv, NULL, NULL, 0, 3600, NULL, NULL);
                if (r < 0) {
                        log_error_errno(r, "salt_minion: salt-call --local state.apply failed: %m");
                        failed++;
                }
        }
        return failed ? -EPROTO : 0;
}

const struct module mod_salt_minion = {
        .name = "salt_minion",
        .freq = FREQ_INSTANCE,
        .keys = keys,
        .activate_keys = activate,
        .run = run,
};

const struct extmod ext_salt_minion = {
        .module = &mod_salt_minion,
        .stage = "final",
        .description = "Install and configure the salt minion",
        .timeout_sec = 3600,
};

EXTMOD_MAIN(ext_salt_minion)
