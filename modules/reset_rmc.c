/* SPDX-License-Identifier: Apache-2.0 */
/* reset_rmc (final stage, once per instance): cloud-init's cc_reset_rmc.
 * On IBM PowerVM and other systems with RSCT installed
 * (/opt/rsct/install/bin), a cloned image must get a new RMC node ID:
 * `rmcctrl -z` stops the RMC subsystem, `recfgct` reconfigures the RSCT
 * subsystems, and /etc/ct_node_id must then hold another ID (the module fails
 * if not). Without RSCT, or with DataSourceNone, it does nothing: the module
 * runs on every distro, as cloud-init's, and costs a stat there. */
#include <errno.h>
#include <string.h>
#include <sys/stat.h>

#include "fs.h"
#include "log.h"
#include "macro.h"
#include "module.h"
#include "schema.h"
#include "sysconf.h"

#define RSCT_PATH "/opt/rsct/install/bin"
#define NODE_ID_FILE "/etc/ct_node_id"

static const struct schema_prop schema_keys[] = { { NULL, NULL, false } };

/* The node ID: the file's first line. */
static int node_id(int root_fd, char **ret)
{
        char *data = NULL;
        int r = fs_read_file(root_fd, NODE_ID_FILE, 4096, &data, NULL);

        if (r < 0)
                return log_error_errno(r, "Failed to get node ID from file %s: %m",
                                       NODE_ID_FILE);
        data[strcspn(data, "\n")] = '\0';
        *ret = data;
        return 0;
}

static int reset_rmc_run(const struct module_ctx *ctx)
{
        const struct sysconf_target t = { .chroot = module_chroot(ctx),
                                          .is_host = ctx->root_is_host };
        static const char *const rmcctrl[] = { RSCT_PATH "/rmcctrl", "-z", NULL };
        static const char *const recfgct[] = { RSCT_PATH "/recfgct", NULL };
        _cleanup_free_ char *before = NULL, *after = NULL;
        struct stat st;
        int r;

        if (ctx->datasource && startswith(ctx->datasource, "DataSourceNone")) {
                log_debug("Skipping creation of new ct_node_id node");
                return 0;
        }
        if (fs_stat(ctx->root_fd, RSCT_PATH, true, &st) < 0 || !S_ISDIR(st.st_mode)) {
                log_debug("module disabled, RSCT_PATH not present");
                return 0;
        }
        log_debug("Attempting to reset RMC.");
        r = node_id(ctx->root_fd, &before);
        if (r < 0)
                return r;
        log_debug("Node ID at beginning of module: %s", before);
        r = sysconf_run(&t, rmcctrl, NULL, NULL, 0, 300, NULL);
        if (r < 0)
                return log_error_errno(r, "Failed to stop the RMC subsystem: %m");
        r = sysconf_run(&t, recfgct, NULL, NULL, 0, 300, NULL);
        if (r < 0)
                return log_error_errno(r, "Failed to reconfigure the RSCT subsystems: %m");
        r = node_id(ctx->root_fd, &after);
        if (r < 0)
                return r;
        log_debug("Node ID at end of module: %s", after);
        if (streq(before, after))
                return log_error_errno(-EPROTO, "New node ID did not get generated.");
        return 0;
}

const struct module mod_reset_rmc = {
        .name = "reset_rmc",
        .freq = FREQ_INSTANCE,
        .keys = schema_keys,
        .run = reset_rmc_run,
};
