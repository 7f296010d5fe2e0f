/* SPDX-License-Identifier: Apache-2.0 */
/* snap (external module), cloud-init's cc_snap: once snapd is seeded, the
 * assertions are written to the instance's snapd.assertions and acked with
 * `snap ack FILE`; then each command runs: a list is an argv ("snap" put in
 * front unless it is there, or dropped with a leading null, as cloud-init's
 * prepend_base_command does), a string is a shell command (/bin/sh -c), as
 * cloud-init runs it: these are the user's own commands, like runcmd's. Every
 * command runs even when one fails; the module fails then. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "cmtool.h"
#include "extmod.h"
#include "fs.h"
#include "log.h"
#include "macro.h"
#include "sysconf.h"

#define SNAP_TIMEOUT 1800u

static const struct schema s_text = { .types = T_STR };
static const struct schema s_arg = { .types = T_STR | T_NULL };
static const struct schema s_cmd = { .types = T_STR | T_SEQ, .items = &s_arg };
static const struct schema s_assertions = { .types = T_SEQ | T_MAP, .items = &s_text };
static const struct schema s_commands = { .types = T_SEQ | T_MAP, .items = &s_cmd };
static const struct schema_prop snap_props[] = {
        { "assertions", &s_assertions, false },
        { "commands", &s_commands, false },
        { NULL, NULL, false },
};
static const struct schema s_snap = { .types = T_MAP, .props = snap_props, .closed = true };
static const struct schema_prop keys[] = {
        { "snap", &s_snap, false },
        { NULL, NULL, false },
};
static const char *const activate[] = { "snap", NULL };

static int ack(const struct module_ctx *ctx, const struct sysconf_target *t, const struct node *as)
{
        struct buf b = BUF_INIT(16u << 20);
        char path[512];
        size_t k = 0;
        int r;

        /* a mapping's values, a list's items, joined by newlines */
        for (size_t i = as->type == NODE_MAP ? 1 : 0; i < as->n; i += as->type == NODE_MAP ? 2 : 1) {
                const struct node *a = as->items[i];
                if (a->type != NODE_STR) {
                        cm_refuse(a, "snap.assertions", "must be a string");
                        buf_free(&b);
                        return -EINVAL;
                }
                if (k++)
                        buf_putc(&b, '\n');
                buf_puts(&b, a->str);
        }
        if (!k) {
                buf_free(&b);
                return 0;
        }
        log_debug("Importing user-provided snap assertions");
        (void)snprintf(path, sizeof(path), "/var/lib/cloud/instances/%s/snapd.assertions", ctx->iid);
        r = fs_mkdir_p(ctx->root_fd, "/var/lib/cloud/instances", 0755);
        if (r >= 0) {
                char dir[400];
                (void)snprintf(dir, sizeof(dir), "/var/lib/cloud/instances/%s", ctx->iid);
                r = fs_mkdir_p(ctx->root_fd, dir, 0755);
        }
        if (r >= 0)
                r = fs_write_buf(ctx->root_fd, path, &b, 0644, FS_NO_OWNER, (gid_t)-1);
        buf_free(&b);
        if (r < 0)
                return log_error_errno(r, "snap: cannot write %s: %m", path);
        {
                char *const cmd[] = { "snap", "ack", path, NULL };
                r = cm_run(t, NULL, NULL, cmd, NULL, NULL, 0, SNAP_TIMEOUT, NULL, NULL);
        }
        if (r < 0)
                return log_error_errno(r, "snap: snap ack %s failed: %m", path);
        log_info("Acked %zu snap assertion(s)", k);
        return 0;
}

/* The commands in their order: a mapping's values sorted by key. */
static size_t ordered(const struct node *cmds, const struct node **out, size_t max)
{
        size_t n = 0;

        if (cmds->type == NODE_SEQ) {
                for (size_t i = 0; i < cmds->n && n < max; i++)
                        out[n++] = cmds->items[i];
                return n;
        }
        const struct node *keys_[256];
        size_t nk = 0;
        for (size_t i = 0; i + 1 < cmds->n && nk < ELEMENTSOF(keys_); i += 2)
                keys_[nk++] = cmds->items[i];
        /* insertion sort by key: small lists */
        for (size_t i = 1; i < nk; i++)
                for (size_t j = i; j > 0 && strcmp(keys_[j - 1]->str ?: "", keys_[j]->str ?: "") > 0;
                     j--) {
                        const struct node *tmp = keys_[j];
                        keys_[j] = keys_[j - 1];
                        keys_[j - 1] = tmp;
                }
        for (size_t i = 0; i < nk && n < max; i++)
                out[n++] = node_get(cmds, keys_[i]->str);
        return n;
}

static int run_command(const struct sysconf_target *t, const struct node *c, size_t idx)
{
        struct cm_argv cmd = { .n = 0 };
        int r, status = 0;

        if (c->type == NODE_STR) {
                if (!startswith(c->str, "snap "))
                        log_warning("Non-snap commands in snap config:\n%s", c->str);
                cm_add(&cmd, "/bin/sh");
                cm_add(&cmd, "-c");
                cm_add(&cmd, c->str);
        } else if (c->type == NODE_SEQ && c->n) {
                size_t i = 0;
                if (c->items[0]->type == NODE_NULL)
                        i = 1; /* a leading null: no "snap" in front */
                else if (c->items[0]->type != NODE_STR || !streq(c->items[0]->str, "snap"))
                        cm_add(&cmd, "snap");
                for (; i < c->n; i++) {
                        if (c->items[i]->type != NODE_STR) {
                                cm_refuse(c->items[i], "snap.commands", "must be a string");
                                cm_argv_done(&cmd);
                                return -EINVAL;
                        }
                        cm_add(&cmd, c->items[i]->str);
                }
        } else {
                cm_refuse(c, "snap.commands", "is not a string or list");
                return -EINVAL;
        }
        if (cmd.failed || cmd.n == 0) {
                cm_argv_done(&cmd);
                return -E2BIG;
        }
        log_info("Running snap command %zu", idx);
        r = cm_run(t, NULL, NULL, cmd.v, NULL, NULL, 0, SNAP_TIMEOUT, NULL, &status);
        if (r == -EPROTO)
                log_warning("snap command %zu (%s) exited with status %d", idx, cmd.v[0], status);
        else if (r < 0)
                log_warning_errno(r, "snap command %zu (%s) failed: %m", idx, cmd.v[0]);
        cm_argv_done(&cmd);
        return r;
}

static int run(const struct module_ctx *ctx)
{
        const struct node *c = node_get(ctx->cfg, "snap"), *as, *cmds;
        const struct sysconf_target t = { .chroot = ctx->root, .is_host = ctx->root_is_host };
        const struct node *list[1024];
        size_t n, failed = 0;

        if (!c || c->type != NODE_MAP || c->n == 0) {
                log_debug("Skipping module named snap, no 'snap' key in configuration");
                return 0;
        }
        if (sysconf_have(ctx->root_fd, "snap")) {
                char *const seeded[] = { "snap", "wait", "system", "seed.loaded", NULL };
                (void)cm_run(&t, NULL, NULL, seeded, NULL, NULL, 0, SNAP_TIMEOUT, NULL, NULL);
        }
        as = node_get(c, "assertions");
        if (as && as->n && ack(ctx, &t, as) < 0)
                return -EPROTO; /* cloud-init: the commands do not run */
        cmds = node_get(c, "commands");
        if (!cmds || !cmds->n)
                return 0;
        n = ordered(cmds, list, ELEMENTSOF(list));
        for (size_t i = 0; i < n; i++)
                if (run_command(&t, list[i], i) < 0)
                        failed++;
        if (failed) {
                log_error("Failures running snap commands: %zu of %zu", failed, n);
                return -EPROTO;
        }
        return 0;
}

const struct module mod_snap = {
        .name = "snap",
        .freq = FREQ_INSTANCE,
        .keys = keys,
        .activate_keys = activate,
        .run = run,
};

const struct extmod ext_snap = {
        .module = &mod_snap,
        .stage = "config",
        .description = "Ack snap assertions and run snap commands",
        .timeout_sec = 3600,
};

EXTMOD_MAIN(ext_snap)
