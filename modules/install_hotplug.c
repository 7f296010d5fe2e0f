/* SPDX-License-Identifier: Apache-2.0 */
/* install_hotplug (final stage, per instance): cloud-init's
 * cc_install_hotplug. When the datasource supports the hotplug event for the
 * network (Ec2, ConfigDrive and OpenStack, as in cloud-init) and
 * updates.network.when names hotplug, the udev rule
 * /etc/udev/rules.d/90-cloud-init-hook-hotplug.rules is written: a NIC added
 * runs "cloudboot devel hook", which configures the network again (see
 * src/cli/cmd_devel.c). Ec2's rule adds cloud-init's driver match (vif, ena,
 * ixgbevf). When hotplug is not both supported and asked for, a rule left
 * from before is removed. udev reloads its rules on this machine only:
 * under --root, the target's udev reads them at its next start. */
#include <string.h>

#include "buf.h"
#include "fs.h"
#include "log.h"
#include "module.h"
#include "schema.h"
#include "sysconf.h"

#define HOTPLUG_RULES "/etc/udev/rules.d/90-cloud-init-hook-hotplug.rules"
#define HOOK_COMMAND "/usr/bin/cloudboot devel hook"

static const char *const events[] = { "boot-new-instance", "boot-legacy", "boot", "hotplug",
                                      NULL };
static const struct schema s_event = { .types = T_STR, .enums = events };
static const struct schema s_when = { .types = T_SEQ, .items = &s_event };
static const struct schema_prop network_props[] = { { "when", &s_when, true },
                                                    { NULL, NULL, false } };
static const struct schema s_network = { .types = T_MAP, .props = network_props, .closed = true };
static const struct schema_prop updates_props[] = { { "network", &s_network, false },
                                                    { NULL, NULL, false } };
static const struct schema s_updates = { .types = T_MAP, .props = updates_props, .closed = true };
static const struct schema_prop schema_keys[] = { { "updates", &s_updates, false },
                                                  { NULL, NULL, false } };

/* DataSourceEc2's _EXTRA_HOTPLUG_UDEV_RULES: only its NIC drivers run the hook. */
static const char ec2_rules[] = "\n"
                                "ENV{ID_NET_DRIVER}==\"vif|ena|ixgbevf\", GOTO=\"cloudinit_hook\"\n"
                                "GOTO=\"cloudinit_end\"\n";

/* Does the datasource list HOTPLUG among its network update events? Every
 * one of cloud-init's does (DataSource's supported_update_events, which
 * Ec2, ConfigDrive and OpenStack repeat): only a boot without a datasource
 * has none. Ec2's ctx->datasource starts "DataSourceEc2 " and gets its
 * driver match. */
static bool hotplug_supported(const char *desc, bool *ret_ec2)
{
        *ret_ec2 = desc && startswith(desc, "DataSourceEc2 ");
        return desc && startswith(desc, "DataSource");
}

static bool hotplug_asked(const struct node *cfg)
{
        const struct node *when = node_get_path(cfg, "updates.network.when");
        for (size_t i = 0; when && when->type == NODE_SEQ && i < when->n; i++)
                if (streq_ptr(node_str(when->items[i]), "hotplug"))
                        return true;
        return false;
}

static void reload_rules(const struct module_ctx *ctx)
{
        const struct sysconf_target t = { .chroot = module_chroot(ctx),
                                          .is_host = ctx->root_is_host };
        const char *argv[] = { "udevadm", "control", "--reload-rules", NULL };
        int r;

        if (!ctx->root_is_host) {
                log_debug("udev rules not reloaded: the target is not this machine");
                return;
        }
        r = sysconf_run(&t, argv, NULL, NULL, 0, /* timeout_sec= */ 60, NULL);
        if (r < 0)
                log_warning_errno(r, "udevadm control --reload-rules failed: %m");
}

static int install_hotplug_run(const struct module_ctx *ctx)
{
        bool ec2, supported = hotplug_supported(ctx->datasource, &ec2);
        bool asked = hotplug_asked(ctx->cfg);
        struct buf b = BUF_INIT(4096);
        int r;

        if (!(supported && asked)) {
                if (fs_exists(ctx->root_fd, HOTPLUG_RULES)) {
                        log_debug("Uninstalling hotplug, not enabled");
                        r = fs_unlink(ctx->root_fd, HOTPLUG_RULES);
                        if (r < 0)
                                return log_error_errno(r, "Cannot remove %s: %m", HOTPLUG_RULES);
                        reload_rules(ctx);
                } else if (asked)
                        log_warning("Hotplug is unsupported by current datasource. Udev rules "
                                    "will NOT be installed.");
                else
                        log_debug("Skipping hotplug install, not enabled");
                return 0;
        }
        if (!sysconf_have(ctx->root_fd, "udevadm")) {
                log_debug("Skipping hotplug install, udevadm not found");
                return 0;
        }
        log_info("Installing hotplug.");
        (void)buf_printf(&b,
                         "ACTION!=\"add\", GOTO=\"cloudinit_end\"%s%s\n"
                         "LABEL=\"cloudinit_hook\"\n"
                         "SUBSYSTEM==\"net\", RUN+=\"" HOOK_COMMAND "\"\n"
                         "LABEL=\"cloudinit_end\"\n",
                         ec2 ? "\n" : "", ec2 ? ec2_rules : "");
        r = fs_write_buf(ctx->root_fd, HOTPLUG_RULES, &b, 0644, FS_NO_OWNER, (gid_t)-1);
        buf_free(&b);
        if (r < 0)
                return log_error_errno(r, "Cannot write %s: %m", HOTPLUG_RULES);
        reload_rules(ctx);
        return 0;
}

const struct module mod_install_hotplug = {
        .name = "install_hotplug",
        .freq = FREQ_INSTANCE,
        .keys = schema_keys,
        .activate_keys = NULL,
        .run = install_hotplug_run,
};
