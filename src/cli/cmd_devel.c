/* SPDX-License-Identifier: Apache-2.0 */
/* `cloudboot devel hook`: what install_hotplug's udev rule runs when a NIC
 * is added (cloud-init's hook-hotplug and `cloud-init devel hotplug-hook`).
 *
 *   cloudboot devel hook [--subsystem net] [--devpath P] [--udevaction add]
 *   cloudboot devel hotplug-hook -s net handle --devpath P --udevaction add
 *   cloudboot devel hotplug-hook -s net query
 *
 * Options left out come from udev's environment (SUBSYSTEM, DEVPATH,
 * ACTION). For an added NIC, once this boot's stages have finished and while
 * the rule is installed, it does what init does for the network, again: the
 * instance's datasource is read anew with the network up (EC2 meta-data
 * then lists the new NIC), its network configuration rendered, and written
 * when it changed; on this machine the renderer then applies it to the new
 * NIC (networkd: networkctl reload and reconfigure; ifupdown: ifup;
 * NetworkManager: nmcli connection reload). A removed NIC changes nothing:
 * the configuration of the others stands. Unlike cloud-init there is no
 * hotplug daemon behind a FIFO: the hook does the work itself, bounded by
 * the tools' timeouts, and logs to cloud-init.log. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "datasource.h"
#include "exec.h"
#include "fs.h"
#include "log.h"
#include "netrender.h"
#include "network.h"
#include "node.h"
#include "platform.h"
#include "stage.h"
#include "state.h"
#include "syscfg.h"
#include "valid.h"

#define HOTPLUG_RULES "/etc/udev/rules.d/90-cloud-init-hook-hotplug.rules"
#define DONE_THIS_BOOT RUN_DIR "/result.json"

struct hook_args {
        const char *subsystem, *devpath, *action;
        bool query;
};

/* Apply the written configuration to ifname with the renderer's own tool. */
static void apply(enum net_renderer rend, const char *ifname)
{
        char *reload[] = { (char *)"networkctl", (char *)"reload", NULL };
        char *reconf[] = { (char *)"networkctl", (char *)"reconfigure", (char *)ifname, NULL };
        char *ifup[] = { (char *)"ifup", (char *)ifname, NULL };
        char *nm[] = { (char *)"nmcli", (char *)"connection", (char *)"reload", NULL };
        struct exec_opts o = { .timeout_sec = 60 };
        int r = 0;

        switch (rend) {
        case NET_RENDER_NETWORKD:
                r = exec_ok(&o, reload);
                if (r >= 0)
                        r = exec_ok(&o, reconf);
                break;
        case NET_RENDER_ENI:
                r = exec_ok(&o, ifup);
                break;
        case NET_RENDER_NM:
                r = exec_ok(&o, nm);
                break;
        default:
                return;
        }
        if (r < 0)
                log_warning_errno(r, "Applying the network configuration to %s failed: %m",
                                  ifname);
        else
                log_info("Network configuration applied to %s (%s)", ifname,
                         net_renderer_name(rend));
}

/* The network step of init, again, for an added NIC. */
static int reconfigure(int root_fd, bool host, const char *ifname)
{
        _cleanup_node_ struct node *syscfg = NULL, *cfg = NULL;
        struct instance inst = { 0 };
        struct ds_result res = { 0 };
        struct platform plat;
        struct limits lim;
        int r;

        r = state_restore(root_fd, &inst);
        if (r < 0)
                return log_error_errno(r, "No instance recorded this boot: not reconfiguring");
        r = syscfg_load(root_fd, &syscfg);
        if (r >= 0)
                r = stage_merged_config(root_fd, &cfg);
        if (r < 0) {
                instance_done(&inst);
                return log_error_errno(r, "Cannot read the configuration: %m");
        }
        syscfg_limits(syscfg, &lim);
        platform_detect(root_fd, NULL, &plat);
        struct ds_ctx dctx = { .root_fd = root_fd,
                               .syscfg = syscfg,
                               .local_stage = false,
                               .probe_devices = host,
                               .user_data_max = lim.user_data_max,
                               .plat = &plat };
        r = ds_find(&dctx, &res);
        if (r < 0) {
                log_error_errno(r, "The datasource cannot be read again: not reconfiguring");
        } else if (!streq_ptr(res.iid, inst.iid_raw)) {
                log_error("The datasource now gives another instance: not reconfiguring");
                r = -ESTALE;
        } else {
                log_info("Configuring the network again for %s (%s)", ifname, inst.description);
                network_configure(root_fd, cfg, syscfg, &res, inst.iid, /* fallback= */ false,
                                  host);
                if (host)
                        apply(net_renderer_pick(root_fd, syscfg), ifname);
        }
        ds_result_done(&res);
        instance_done(&inst);
        return r;
}

static int hook(const char *root, const struct hook_args *a)
{
        _cleanup_close_ int root_fd = fs_open_root(root);
        const char *name;
        char ifname[32];
        int r;

        if (root_fd < 0) {
                fprintf(stderr, "cloudboot devel hook: cannot open %s: %s\n", root,
                        strerror(-root_fd));
                return 1;
        }
        (void)log_open_file(root_fd);
        log_set_stage("hotplug-hook");
        if (a->query) {
                puts(fs_exists(root_fd, HOTPLUG_RULES) ? "enabled" : "disabled");
                return 0;
        }
        if (!streq_ptr(a->subsystem, "net")) {
                log_error("subsystem '%.32s' is not supported (only net)",
                          a->subsystem ? a->subsystem : "");
                return 1;
        }
        if (!fs_exists(root_fd, DONE_THIS_BOOT)) {
                /* the boot's own init configures every NIC present */
                log_info("Not running hotplug, not ready yet");
                return 0;
        }
        if (!fs_exists(root_fd, HOTPLUG_RULES)) {
                log_info("Not running hotplug: hotplug is not enabled (%s is not there)",
                         HOTPLUG_RULES);
                return 0;
        }
        name = a->devpath ? strrchr(a->devpath, '/') : NULL;
        name = name ? name + 1 : a->devpath;
        if (!name || valid_ifname(name)) {
                log_error("--devpath '%.64s' does not end in an interface name",
                          a->devpath ? a->devpath : "");
                return 1;
        }
        (void)snprintf(ifname, sizeof(ifname), "%s", name);
        if (!streq_ptr(a->action, "add")) {
                log_info("%s %s: nothing to do, the other NICs' configuration "
                         "stands",
                         a->action ? a->action : "(no action)", ifname);
                return 0;
        }
        r = reconfigure(root_fd, streq(root, "/"), ifname);
        return r < 0 ? 1 : 0;
}

static const char usage[] =
        "Usage: cloudboot devel hook [--subsystem net] [--devpath PATH] [--udevaction add|remove]\n"
        "       cloudboot devel hotplug-hook -s net handle --devpath PATH --udevaction ACTION\n"
        "       cloudboot devel hotplug-hook -s net query\n"
        "Configure the network again for a NIC udev just added (install_hotplug's rule).\n"
        "Values not given come from udev's environment: SUBSYSTEM, DEVPATH, ACTION.\n";

int cmd_devel(const char *root, int argc, char **argv)
{
        static const struct option opts[] = {
                { "subsystem", required_argument, NULL, 's' },
                { "devpath", required_argument, NULL, 'p' },
                { "udevaction", required_argument, NULL, 'u' },
                { "help", no_argument, NULL, 'h' },
                { 0 },
        };
        struct hook_args a = { .subsystem = getenv("SUBSYSTEM"),
                               .devpath = getenv("DEVPATH"),
                               .action = getenv("ACTION") };
        bool cloud_init_form;
        int ch;

        if (argc < 1 || (!streq(argv[0], "hook") && !streq(argv[0], "hotplug-hook"))) {
                fputs(usage, stderr);
                return 2;
        }
        cloud_init_form = streq(argv[0], "hotplug-hook");
        /* 0: glibc starts afresh (main's "+" ordering no longer holds), and
         * "-" hands over the handle/query word where it stands */
        optind = 0;
        opterr = 0;
        while ((ch = getopt_long(argc, argv, "-s:h", opts, NULL)) != -1) {
                switch (ch) {
                case 's':
                        a.subsystem = optarg;
                        break;
                case 'p':
                        a.devpath = optarg;
                        break;
                case 'u':
                        a.action = optarg;
                        break;
                case 'h':
                        fputs(usage, stdout);
                        return 0;
                case 1:
                        if (cloud_init_form && streq(optarg, "query"))
                                a.query = true;
                        else if (!cloud_init_form || !streq(optarg, "handle")) {
                                fprintf(stderr, "cloudboot devel: unexpected '%s'\n%s", optarg,
                                        usage);
                                return 2;
                        }
                        break;
                default:
                        fprintf(stderr, "cloudboot devel: unknown option or missing value\n%s",
                                usage);
                        return 2;
                }
        }
        return hook(root, &a);
}
