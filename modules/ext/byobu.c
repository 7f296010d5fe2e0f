/* SPDX-License-Identifier: Apache-2.0 */
/* byobu (external module): byobu_by_default turns byobu's launch at login on
 * or off, for the default user (byobu-launcher-install/-uninstall run as that
 * user) and/or system-wide (debconf's byobu/launch-by-default, then
 * dpkg-reconfigure), as cloud-init's cc_byobu does. Where cloud-init builds
 * one shell line for both steps, each step is its own argv here; as there, a
 * failed step does not stop the other, and the module fails if one failed. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "extmod.h"
#include "log.h"
#include "macro.h"
#include "sysconf.h"

static const char *const values[] = { "enable-user",  "enable-system",  "enable", "disable-user",
                                      "disable-system", "disable", "user",   "system",
                                      NULL };

static const struct schema byobu_value = { .types = T_STR, .enums = values };
static const struct schema_prop keys[] = {
        { "byobu_by_default", &byobu_value, false },
        { NULL, NULL, false },
};

static int run(const struct module_ctx *ctx)
{
        const struct sysconf_target t = { .chroot = ctx->root, .is_host = ctx->root_is_host };
        const char *v = node_get_str(ctx->cfg, "byobu_by_default");
        char value[32];
        bool user, sys, enable;
        int r, failed = 0;

        if (!v || !*v) {
                log_debug("Skipping module named byobu, no 'byobu' values found");
                return 0;
        }
        if (streq(v, "user") || streq(v, "system"))
                (void)snprintf(value, sizeof(value), "enable-%s", v);
        else
                (void)snprintf(value, sizeof(value), "%s", v);
        user = endswith(value, "-user");
        sys = endswith(value, "-system");
        enable = startswith(value, "enable");
        if (enable)
                sys = true; /* cloud-init: enabling always sets the system default */
        else if (streq(value, "disable"))
                user = sys = true;

        if (!sysconf_have(ctx->root_fd, "byobu")) {
                const char *pkgs[] = { "byobu" };

                r = sysconf_install(&t, ctx->root_fd, pkgs, 1);
                if (r < 0)
                        return log_error_errno(r, "byobu: cannot install the byobu package: %m");
        }
        if (user) {
                const char *name = getenv("CLOUDBOOT_DEFAULT_USER");
                const char *action = enable ? "install" : "uninstall";

                if (!name || !*name)
                        log_warning("No default byobu user provided, can not launch %s for the "
                                    "default user",
                                    action);
                else {
                        char launcher[64];

                        (void)snprintf(launcher, sizeof(launcher), "byobu-launcher-%s", action);
                        const char *argv[] = { "sudo", "-Hu", name, launcher, NULL };
                        r = sysconf_run(&t, argv, NULL, NULL, 0, 120, NULL);
                        if (r < 0) {
                                log_warning_errno(r, "byobu: %s for %s failed: %m", launcher,
                                                  name);
                                failed++;
                        }
                }
        }
        if (sys) {
                const char *sel = enable ? "byobu byobu/launch-by-default boolean true\n"
                                         : "byobu byobu/launch-by-default boolean false\n";
                const char *dc[] = { "debconf-set-selections", NULL };
                const char *reconf[] = { "dpkg-reconfigure", "byobu", "--frontend=noninteractive",
                                         NULL };

                r = sysconf_run(&t, dc, NULL, sel, strlen(sel), 120, NULL);
                if (r >= 0)
                        r = sysconf_run(&t, reconf, NULL, NULL, 0, 300, NULL);
                if (r < 0) {
                        log_warning_errno(r, "byobu: setting the system default failed: %m");
                        failed++;
                }
        }
        return failed ? -EPROTO : 0;
}

const struct module mod_byobu = {
        .name = "byobu",
        .freq = FREQ_INSTANCE,
        .keys = keys,
        .run = run,
};

const struct extmod ext_byobu = {
        .module = &mod_byobu,
        .stage = "config",
        .description = "Enable or disable byobu at login, for the default user or system-wide",
        .timeout_sec = 900,
};

EXTMOD_MAIN(ext_byobu)
