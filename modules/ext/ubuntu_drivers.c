/* SPDX-License-Identifier: Apache-2.0 */
/* ubuntu_drivers (external module), cloud-init's cc_ubuntu_drivers: with
 * `drivers: {nvidia: {license-accepted: true, version}}`, install
 * ubuntu-drivers-common when ubuntu-drivers is missing, load cloud-init's
 * debconf template linux/nvidia/latelink (debconf-communicate, as its
 * DebconfCommunicator does) and run `ubuntu-drivers install --gpgpu
 * nvidia[:VERSION]`. Ubuntu only in cloud-init: elsewhere cloudboot reports
 * the key at its position and does not run it. */
#include <errno.h>
#include <string.h>

#include "cmtool.h"
#include "extmod.h"

#define TEMPLATE_DIR "/var/tmp/cloudboot-ubuntu_drivers"
#define TEMPLATE TEMPLATE_DIR "/nvidia.template"

static const struct schema s_bool = { .types = T_BOOL };
static const struct schema s_version = { .types = T_STR, .check = cm_check_word };
static const struct schema_prop nv_props[] = {
        { "license-accepted", &s_bool, true },
        { "version", &s_version, false },
        { NULL, NULL, false },
};
static const struct schema s_nv = { .types = T_MAP, .props = nv_props, .closed = true };
static const struct schema_prop drv_props[] = {
        { "nvidia", &s_nv, false },
        { NULL, NULL, false },
};
static const struct schema s_drv = { .types = T_MAP, .props = drv_props, .closed = true };
static const struct schema_prop keys[] = {
        { "drivers", &s_drv, false },
        { NULL, NULL, false },
};
static const char *const activate[] = { "drivers", NULL };

static const char nvidia_template[] =
        "Template: linux/nvidia/latelink\n"
        "Type: boolean\n"
        "Default: true\n"
        "Description: Late-link NVIDIA kernel modules?\n"
        " Enable this to link the NVIDIA kernel modules in cloud-init and\n"
        " make them available for use.\n";

static int run(const struct module_ctx *ctx)
{
        const struct sysconf_target t = { .chroot = ctx->root, .is_host = ctx->root_is_host };
        const struct node *nv = node_get_path(ctx->cfg, "drivers.nvidia");
        const char *version = node_get_str(nv, "version");
        const char *dc[] = { "debconf-communicate", "cloud-init", NULL };
        const char load[] = "X_LOADTEMPLATEFILE " TEMPLATE "\n";
        char driver[160];
        int r;

        if (!node_get_bool(nv, "license-accepted", false)) {
                log_debug("Not installing NVIDIA drivers. nvidia/license-accepted=False");
                return 0;
        }
        if (!sysconf_have(ctx->root_fd, "ubuntu-drivers")) {
                const char *pkgs[] = { "ubuntu-drivers-common" };
                log_debug("'ubuntu-drivers' command not available.  Installing "
                          "ubuntu-drivers-common");
                r = sysconf_install(&t, ctx->root_fd, pkgs, 1);
                if (r < 0)
                        return log_error_errno(r, "ubuntu_drivers: cannot install "
                                                  "ubuntu-drivers-common: %m");
        }
        (void)snprintf(driver, sizeof(driver), "nvidia%s%s", version ? ":" : "",
                       version ? version : "");
        log_debug("Installing and activating NVIDIA drivers (nvidia/license-accepted=True, "
                  "version=%s)",
                  version ? version : "latest");
        r = fs_mkdir_p(ctx->root_fd, TEMPLATE_DIR, 0700);
        if (r >= 0)
                r = fs_write_atomic(ctx->root_fd, TEMPLATE, nvidia_template,
                                    strlen(nvidia_template), 0644, 0, 0);
        if (r >= 0)
                r = sysconf_run(&t, dc, NULL, load, strlen(load), 120, NULL);
        (void)fs_rm_rf(ctx->root_fd, TEMPLATE_DIR, false);
        if (r < 0)
                return log_error_errno(r, "Failed to register NVIDIA debconf template: %m");
        {
                const char *argv[] = { "ubuntu-drivers", "install", "--gpgpu", driver, NULL };
                r = sysconf_run(&t, argv, NULL, NULL, 0, 3600, NULL);
        }
        if (r < 0)
                return log_error_errno(r, "ubuntu_drivers: ubuntu-drivers install --gpgpu %s "
                                          "failed: %m",
                                       driver);
        return 0;
}

const struct module mod_ubuntu_drivers = {
        .name = "ubuntu_drivers",
        .freq = FREQ_INSTANCE,
        .keys = keys,
        .activate_keys = activate,
        .run = run,
};

const struct extmod ext_ubuntu_drivers = {
        .module = &mod_ubuntu_drivers,
        .stage = "final",
        .description = "Install Ubuntu's NVIDIA drivers",
        .timeout_sec = 3600,
};

EXTMOD_MAIN(ext_ubuntu_drivers)
