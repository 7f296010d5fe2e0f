/* SPDX-License-Identifier: Apache-2.0 */
/* ubuntu_autoinstall (external module), cloud-init's cc_ubuntu_autoinstall:
 * `autoinstall` is Subiquity's (Ubuntu's live installer) and cloud-init only
 * checks that one of the installer snaps is present: after `snap wait system
 * seed.loaded`, `snap list` must name subiquity or ubuntu-desktop-installer,
 * else cloud-init's warning. Nothing is written. Once per system, Ubuntu
 * only in cloud-init: elsewhere cloudboot reports the key at its position
 * and does not run it. */
#include <errno.h>
#include <string.h>

#include "cmtool.h"
#include "extmod.h"

static const struct schema s_int = { .types = T_INT };
static const struct schema_prop ai_props[] = {
        { "version", &s_int, true },
        { NULL, NULL, false },
};
/* the rest is Subiquity's to check */
static const struct schema s_ai = { .types = T_MAP, .props = ai_props };
static const struct schema_prop keys[] = {
        { "autoinstall", &s_ai, false },
        { NULL, NULL, false },
};
static const char *const activate[] = { "autoinstall", NULL };

static const char *const installers[] = { "subiquity", "ubuntu-desktop-installer", NULL };

static int run(const struct module_ctx *ctx)
{
        const struct sysconf_target t = { .chroot = ctx->root, .is_host = ctx->root_is_host };
        char *const wait[] = { "snap", "wait", "system", "seed.loaded", NULL };
        char *const list[] = { "snap", "list", NULL };
        struct buf out = BUF_INIT(1u << 20);
        const char *found = NULL;
        int r;

        if (!node_get(ctx->cfg, "autoinstall"))
                return 0; /* activated by it; a refused value left nothing */
        (void)cm_run(&t, NULL, NULL, wait, NULL, NULL, 0, 600, NULL, NULL);
        r = cm_run(&t, NULL, NULL, list, NULL, NULL, 0, 120, &out, NULL);
        if (r < 0) {
                buf_free(&out);
                return log_error_errno(r, "ubuntu_autoinstall: snap list failed: %m");
        }
        for (const char *const *s = installers; *s; s++)
                if (out.data && strstr(out.data, *s))
                        found = *s;
        buf_free(&out);
        if (!found) {
                log_warning("Skipping autoinstall module. Expected one of the Ubuntu installer "
                            "snap packages to be present: subiquity, ubuntu-desktop-installer");
                return 0;
        }
        log_debug("Valid autoinstall schema. Config will be processed by %s", found);
        return 0;
}

const struct module mod_ubuntu_autoinstall = {
        .name = "ubuntu_autoinstall",
        .freq = FREQ_ONCE,
        .keys = keys,
        .activate_keys = activate,
        .run = run,
};

const struct extmod ext_ubuntu_autoinstall = {
        .module = &mod_ubuntu_autoinstall,
        .stage = "config",
        .description = "Check that Ubuntu's live installer is there for autoinstall",
};

EXTMOD_MAIN(ext_ubuntu_autoinstall)
