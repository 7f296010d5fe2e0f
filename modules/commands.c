/* SPDX-License-Identifier: Apache-2.0 */
/* bootcmd (init stage, every boot) and runcmd (config stage, per instance):
 * cloud-init's cc_bootcmd and cc_runcmd. bootcmd runs at once with
 * INSTANCE_ID set; runcmd is only written to instance/scripts/runcmd (0700)
 * and run in the final stage by scripts_user, as cloud-init does. */
#include <stdio.h>
#include <string.h>

#include "exec.h"
#include "fs.h"
#include "log.h"
#include "module.h"
#include "scripts.h"
#include "state.h"

#define SCRIPT_MAX (16u * 1024 * 1024)

static const struct schema s_word = { .types = T_STR | T_INT | T_BOOL | T_FLOAT | T_NULL };
static const struct schema s_cmd = { .types = T_STR | T_SEQ, .items = &s_word };
static const struct schema s_cmds = { .types = T_SEQ, .items = &s_cmd };
static const struct schema_prop bootcmd_keys[] = { { "bootcmd", &s_cmds, false },
                                                   { NULL, NULL, false } };
static const struct schema_prop runcmd_keys[] = { { "runcmd", &s_cmds, false },
                                                  { NULL, NULL, false } };
static const char *const bootcmd_activate[] = { "bootcmd", NULL };
static const char *const runcmd_activate[] = { "runcmd", NULL };

static int bootcmd_run(const struct module_ctx *ctx)
{
        const struct node *list = node_get(ctx->cfg, "bootcmd");
        struct buf script = BUF_INIT(SCRIPT_MAX);
        char env_iid[512];
        char *env[] = { env_iid, NULL };
        char *argv[] = { "/bin/sh", RUN_DIR "/bootcmd.sh", NULL };
        struct exec_opts o;
        int status = 0, r;

        if (!list || list->type != NODE_SEQ)
                return 0;
        r = shellify(list, "bootcmd", &script);
        if (r >= 0)
                r = fs_write_buf(ctx->root_fd, RUN_DIR "/bootcmd.sh", &script, 0700, FS_NO_OWNER,
                                 (gid_t)-1);
        buf_free(&script);
        if (r < 0)
                return r == -EINVAL ? r
                                    : log_warning_errno(r, "Cannot write the bootcmd script: %m");
        (void)snprintf(env_iid, sizeof(env_iid), "INSTANCE_ID=%s",
                       ctx->iid_raw ? ctx->iid_raw : "");
        exec_opts_target(ctx, &o);
        o.env = env;
        r = exec_argv(&o, argv, &status);
        (void)fs_unlink(ctx->root_fd, RUN_DIR "/bootcmd.sh");
        if (r < 0)
                return log_warning_errno(r, "bootcmd did not finish: %m");
        if (status != 0)
                return log_warning_errno(-EPROTO, "bootcmd failed with exit status %d", status);
        return 0;
}

static int runcmd_run(const struct module_ctx *ctx)
{
        const struct node *list = node_get(ctx->cfg, "runcmd");
        struct buf script = BUF_INIT(SCRIPT_MAX);
        char path[512];
        int r;

        if (!list || list->type != NODE_SEQ)
                return 0;
        r = shellify(list, "runcmd", &script);
        (void)snprintf(path, sizeof(path), CLOUD_DIR "/instances/%s/scripts/runcmd", ctx->iid);
        if (r >= 0)
                r = fs_write_buf(ctx->root_fd, path, &script, 0700, FS_NO_OWNER, (gid_t)-1);
        buf_free(&script);
        if (r < 0)
                return r == -EINVAL ? r : log_warning_errno(r, "Cannot write %s: %m", path);
        log_info("Wrote %s; it runs in the final stage", path);
        return 0;
}

const struct module mod_bootcmd = {
        .name = "bootcmd",
        .freq = FREQ_ALWAYS,
        .keys = bootcmd_keys,
        .activate_keys = bootcmd_activate,
        .run = bootcmd_run,
};

const struct module mod_runcmd = {
        .name = "runcmd",
        .freq = FREQ_INSTANCE,
        .keys = runcmd_keys,
        .activate_keys = runcmd_activate,
        .run = runcmd_run,
};
