/* SPDX-License-Identifier: Apache-2.0 */
/* fan (external module), cloud-init's cc_fan: Ubuntu's fan networking.
 * `fan: {config, config_path}` writes the fanatic configuration (a newline
 * added at the end when missing) to config_path (default /etc/network/fan),
 * installs ubuntu-fan when fanctl is missing, and stops, starts and enables
 * the ubuntu-fan service (under --root: enabled in the target only).
 * cloud-init runs it on Ubuntu only: elsewhere cloudboot reports the key at
 * its position and does not run it (unverified_modules overrides, as there). */
#include <errno.h>
#include <string.h>

#include "cmtool.h"
#include "extmod.h"

static const struct schema s_text = { .types = T_STR };
static const struct schema s_path = { .types = T_STR, .check = cm_check_path };
static const struct schema_prop fan_props[] = {
        { "config", &s_text, true },
        { "config_path", &s_path, false },
        { NULL, NULL, false },
};
static const struct schema s_fan = { .types = T_MAP, .props = fan_props, .closed = true };
static const struct schema_prop keys[] = {
        { "fan", &s_fan, false },
        { NULL, NULL, false },
};
static const char *const activate[] = { "fan", NULL };

static int run(const struct module_ctx *ctx)
{
        const struct sysconf_target t = { .chroot = ctx->root, .is_host = ctx->root_is_host };
        const struct node *fan = node_get(ctx->cfg, "fan");
        const char *config = node_get_str(fan, "config");
        const char *path = node_get_str(fan, "config_path");
        struct buf b = BUF_INIT(1u << 20);
        int r;

        if (!config || !*config) {
                log_debug("fan: no 'fan' config entry. disabling");
                return 0;
        }
        if (!path)
                path = "/etc/network/fan";
        r = buf_puts(&b, config);
        if (r >= 0 && !endswith(config, "\n"))
                r = buf_putc(&b, '\n');
        if (r < 0) {
                buf_free(&b);
                return log_error_errno(r, "fan: the configuration is too large");
        }
        r = fs_write_buf(ctx->root_fd, path, &b, 0644, FS_NO_OWNER, (gid_t)-1);
        buf_free(&b);
        if (r < 0)
                return log_error_errno(r, "fan: cannot write %s: %m", path);
        log_info("Wrote %s", path);
        if (!sysconf_have(ctx->root_fd, "fanctl")) {
                const char *pkgs[] = { "ubuntu-fan" };
                r = sysconf_install(&t, ctx->root_fd, pkgs, 1);
                if (r < 0)
                        return log_error_errno(r, "fan: cannot install ubuntu-fan: %m");
        }
        if (t.is_host) {
                /* cloud-init: stop, write, start; failures are warnings */
                (void)sysconf_service(&t, ctx->root_fd, "ubuntu-fan", "stop");
                (void)sysconf_service(&t, ctx->root_fd, "ubuntu-fan", "start");
        }
        r = sysconf_service(&t, ctx->root_fd, "ubuntu-fan", NULL);
        return r < 0 ? r : 0;
}

const struct module mod_fan = {
        .name = "fan",
        .freq = FREQ_INSTANCE,
        .keys = keys,
        .activate_keys = activate,
        .run = run,
};

const struct extmod ext_fan = {
        .module = &mod_fan,
        .stage = "final",
        .description = "Configure Ubuntu fan networking",
};

EXTMOD_MAIN(ext_fan)
