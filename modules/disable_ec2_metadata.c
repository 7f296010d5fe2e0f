/* SPDX-License-Identifier: Apache-2.0 */
/* disable_ec2_metadata (config stage, every boot): cloud-init's
 * cc_disable_ec2_metadata. With disable_ec2_metadata: true, a route that
 * refuses 169.254.169.254: "ip route add prohibit 169.254.169.254", or
 * "route add -host 169.254.169.254 reject" where the target has no ip, run
 * by argv with a timeout. A route is this machine's kernel state: under
 * --root (another system's tree) nothing is run, and that is said. */
#include "log.h"
#include "module.h"
#include "schema.h"
#include "sysconf.h"

static const struct schema s_bool = { .types = T_BOOL };
static const struct schema_prop schema_keys[] = { { "disable_ec2_metadata", &s_bool, false },
                                                  { NULL, NULL, false } };
static const char *const activate[] = { "disable_ec2_metadata", NULL };

static const char *const reject_ip[] = { "ip", "route", "add", "prohibit", "169.254.169.254",
                                         NULL };
static const char *const reject_route[] = { "route", "add",    "-host", "169.254.169.254",
                                            "reject", NULL };

static int disable_ec2_metadata_run(const struct module_ctx *ctx)
{
        const struct sysconf_target t = { .chroot = module_chroot(ctx),
                                          .is_host = ctx->root_is_host };
        const char *const *argv;
        int status = 0, r;

        if (!node_get_bool(ctx->cfg, "disable_ec2_metadata", false)) {
                log_debug("Skipping module named disable_ec2_metadata, disabling the ec2 route "
                          "not enabled");
                return 0;
        }
        if (sysconf_have(ctx->root_fd, "ip"))
                argv = reject_ip;
        else if (sysconf_have(ctx->root_fd, "route"))
                argv = reject_route;
        else
                return log_error_errno(-ENOENT, "Neither \"route\" nor \"ip\" command found, "
                                                "unable to manipulate routing table");
        if (!ctx->root_is_host) {
                log_info("Not running '%s %s ... 169.254.169.254': a route belongs to this "
                         "machine, not to the target %s",
                         argv[0], argv[1], ctx->root);
                return 0;
        }
        r = sysconf_run(&t, argv, NULL, NULL, 0, /* timeout_sec= */ 60, &status);
        if (r == -EPROTO)
                return log_error_errno(r, "%s %s %s failed with exit status %d", argv[0], argv[1],
                                       argv[2], status);
        if (r < 0)
                return log_error_errno(r, "Cannot run %s: %m", argv[0]);
        log_info("The EC2 metadata address 169.254.169.254 is blocked (%s)", argv[0]);
        return 0;
}

const struct module mod_disable_ec2_metadata = {
        .name = "disable_ec2_metadata",
        .freq = FREQ_ALWAYS,
        .keys = schema_keys,
        .activate_keys = activate,
        .run = disable_ec2_metadata_run,
};
