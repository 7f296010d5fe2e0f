/* SPDX-License-Identifier: Apache-2.0 */
/* scripts_vendor, scripts_user, scripts_per_instance, scripts_per_boot,
 * scripts_per_once (final stage): cloud-init's cc_scripts_*. Each runs the executable files of
 * one directory in name order: the instance's scripts (runcmd, user-data
 * scripts), or /var/lib/cloud/scripts/per-{instance,boot,once}. A failing
 * script fails its module (status 2); the others still run. */
#include <stdio.h>

#include "fs.h"
#include "log.h"
#include "module.h"
#include "scripts.h"
#include "state.h"
#include "syscfg.h"

static int scripts_user_run(const struct module_ctx *ctx)
{
        char dir[512];
        (void)snprintf(dir, sizeof(dir), CLOUD_DIR "/instances/%s/scripts", ctx->iid);
        return runparts(ctx, dir);
}

static int scripts_vendor_run(const struct module_ctx *ctx)
{
        char dir[512];
        /* vendor_data: {enabled: false} also keeps its scripts from running */
        if (!syscfg_vendor_data_enabled(ctx->cfg)) {
                log_info("vendor-data is disabled: its scripts do not run");
                return 0;
        }
        (void)snprintf(dir, sizeof(dir), CLOUD_DIR "/instances/%s/scripts/vendor", ctx->iid);
        if (!fs_exists(ctx->root_fd, dir))
                return 0;
        return runparts(ctx, dir);
}

static int per_instance_run(const struct module_ctx *ctx)
{
        return runparts(ctx, CLOUD_DIR "/scripts/per-instance");
}

static int per_boot_run(const struct module_ctx *ctx)
{
        return runparts(ctx, CLOUD_DIR "/scripts/per-boot");
}

static int per_once_run(const struct module_ctx *ctx)
{
        return runparts(ctx, CLOUD_DIR "/scripts/per-once");
}

const struct module mod_scripts_vendor = {
        .name = "scripts_vendor",
        .freq = FREQ_INSTANCE,
        .run = scripts_vendor_run,
};
const struct module mod_scripts_user = {
        .name = "scripts_user",
        .freq = FREQ_INSTANCE,
        .run = scripts_user_run,
};
const struct module mod_scripts_per_instance = {
        .name = "scripts_per_instance",
        .freq = FREQ_INSTANCE,
        .run = per_instance_run,
};
const struct module mod_scripts_per_boot = {
        .name = "scripts_per_boot",
        .freq = FREQ_ALWAYS,
        .run = per_boot_run,
};
const struct module mod_scripts_per_once = {
        .name = "scripts_per_once",
        .freq = FREQ_ONCE,
        .run = per_once_run,
};
