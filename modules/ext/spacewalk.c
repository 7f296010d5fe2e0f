/* SPDX-License-Identifier: Apache-2.0 */
/* spacewalk (external module), cloud-init's cc_spacewalk: with
 * `spacewalk.server`, install rhn-setup and, unless `rhn-profile-sync
 * --verbose` says the system is registered (exit 0; 1 means not), register
 * with `rhnreg_ks --serverUrl https://SERVER/XMLRPC --profilename FQDN
 * [--proxy PROXY] --sslCACert /usr/share/rhn/RHN-ORG-TRUSTED-SSL-CERT
 * [--activationkey KEY]`. The profile name is the target's host name (the
 * one set_hostname wrote; cloud-init asks the datasource). The activation
 * key is never logged. RHEL, Fedora and openEuler only in cloud-init:
 * elsewhere cloudboot reports the key at its position and does not run it. */
#include <errno.h>
#include <string.h>

#include "cmtool.h"
#include "extmod.h"

static const struct schema s_host = { .types = T_STR, .check = cm_check_operand };
static const struct schema s_str = { .types = T_STR, .check = cm_check_arg };
static const struct schema s_key = { .types = T_STR, .check = cm_check_arg, .secret = true };
static const struct schema_prop sw_props[] = {
        { "server", &s_host, false },
        { "proxy", &s_str, false },
        { "activation_key", &s_key, false },
        { NULL, NULL, false },
};
static const struct schema s_sw = { .types = T_MAP, .props = sw_props, .closed = true };
static const struct schema_prop keys[] = {
        { "spacewalk", &s_sw, false },
        { NULL, NULL, false },
};
static const char *const activate[] = { "spacewalk", NULL };

/* The target's host name, one line, or "localhost". */
static void profile_name(int root_fd, char *buf, size_t size)
{
        _cleanup_free_ char *h = NULL;

        (void)snprintf(buf, size, "localhost");
        if (fs_read_file(root_fd, "/etc/hostname", 4096, &h, NULL) < 0)
                return;
        h[strcspn(h, "\r\n")] = '\0';
        if (*h && !cm_check_arg(h))
                (void)snprintf(buf, size, "%s", h);
}

static int run(const struct module_ctx *ctx)
{
        const struct sysconf_target t = { .chroot = ctx->root, .is_host = ctx->root_is_host };
        const struct node *sw = node_get(ctx->cfg, "spacewalk");
        const char *server = node_get_str(sw, "server");
        const char *proxy = node_get_str(sw, "proxy");
        const char *key = node_get_str(sw, "activation_key");
        const char *sync[] = { "rhn-profile-sync", "--verbose", NULL };
        const char *pkgs[] = { "rhn-setup" };
        struct cm_argv a = { .n = 0 };
        char profile[256];
        int status = 0, r;

        if (!sw) {
                log_debug("Skipping module named spacewalk, no 'spacewalk' key in configuration");
                return 0;
        }
        if (!server || !*server) {
                log_debug("Skipping module named spacewalk, 'spacewalk/server' key was not "
                          "found in configuration");
                return 0;
        }
        r = sysconf_install(&t, ctx->root_fd, pkgs, 1);
        if (r < 0)
                return log_error_errno(r, "spacewalk: cannot install rhn-setup: %m");
        r = sysconf_run(&t, sync, NULL, NULL, 0, 300, &status);
        if (r >= 0) {
                log_info("spacewalk: the system is already registered");
                return 0;
        }
        if (r != -EPROTO || status != 1)
                return log_error_errno(r, "spacewalk: rhn-profile-sync failed: %m");
        profile_name(ctx->root_fd, profile, sizeof(profile));
        log_info("Registering using `rhnreg_ks` profile '%s' into server '%s'", profile, server);
        cm_add(&a, "rhnreg_ks");
        cm_add(&a, "--serverUrl");
        cm_addf(&a, "https://%s/XMLRPC", server);
        cm_add(&a, "--profilename");
        cm_add(&a, profile);
        if (proxy && *proxy) {
                cm_add(&a, "--proxy");
                cm_add(&a, proxy);
        }
        cm_add(&a, "--sslCACert");
        cm_add(&a, "/usr/share/rhn/RHN-ORG-TRUSTED-SSL-CERT");
        if (key && *key) {
                cm_add(&a, "--activationkey");
                cm_add(&a, key);
        }
        r = a.failed ? -E2BIG : sysconf_run(&t, (const char *const *)a.v, NULL, NULL, 0, 600, NULL);
        cm_argv_done(&a);
        if (r < 0)
                return log_error_errno(r, "spacewalk: rhnreg_ks failed: %m");
        return 0;
}

const struct module mod_spacewalk = {
        .name = "spacewalk",
        .freq = FREQ_INSTANCE,
        .keys = keys,
        .activate_keys = activate,
        .run = run,
};

const struct extmod ext_spacewalk = {
        .module = &mod_spacewalk,
        .stage = "config",
        .description = "Register the system with a Spacewalk server",
};

EXTMOD_MAIN(ext_spacewalk)
