/* SPDX-License-Identifier: Apache-2.0 */
/* Choosing and writing the network configuration (see network.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "codec.h"
#include "exec.h"
#include "fs.h"
#include "json.h"
#include "log.h"
#include "macro.h"
#include "netrender.h"
#include "network.h"
#include "state.h"
#include "udev.h"
#include "valid.h"
#include "yaml.h"

#define DIGEST_FILE CLOUD_DIR "/data/network-config.cloudboot"

/* -ENOENT: disabled by the document itself; -EINVAL: reported already */
static int from_result(const struct ds_result *res, struct netcfg *nc)
{
        _cleanup_node_ struct node *doc = NULL;
        struct yaml_error err;
        char name[300];
        int r;

        (void)snprintf(name, sizeof(name), "%s/%s", res->seed ? res->seed : "datasource",
                       res->netcfg_openstack ? "network_data.json" : "network-config");
        if (res->netcfg_openstack)
                r = json_load(res->netcfg, res->netcfg_len, name, &doc, &err);
        else
                r = yaml_load(res->netcfg, res->netcfg_len, name, NULL, &doc, &err);
        if (r < 0) {
                log_warning("%s:%u:%u: %s; the network configuration falls back", name, err.line,
                            err.col, err.msg);
                return -EINVAL;
        }
        (void)snprintf(nc->source, sizeof(nc->source), "%s", name);
        return res->netcfg_openstack ? netcfg_from_openstack(doc, nc) : netcfg_from_node(doc, nc);
}

/* No network configuration written yet for this instance (iid, "" for none). */
static bool first_time(int root_fd, const char *iid)
{
        _cleanup_free_ char *line = NULL;
        const char *last;
        if (fs_read_line(root_fd, DIGEST_FILE, &line) < 0)
                return true;
        last = strrchr(line, ' ');
        return !last || !streq(last + 1, iid && iid[0] ? iid : "-");
}

struct nic_wait {
        int root_fd;
        struct netcfg *nc;
};

/* The fallback's NIC, there and named by udev? (nc filled when so) */
static bool fallback_nic_ready(void *data)
{
        struct nic_wait *w = data;

        memset(w->nc, 0, sizeof(*w->nc));
        return netcfg_fallback(w->root_fd, w->nc) >= 0 && udev_nic_named(w->root_fd, w->nc->ifaces[0].name);
}

/* init-local can run before udev has announced the NIC, or named it. udevadm
 * settle tells "none is coming" (udev's queue empty; the unit is ordered
 * after the coldplug trigger, so the NIC's event is in it), but it waits for
 * every device's driver: seconds on a slow boot, all before sshd. So the NIC
 * itself is looked for every 50 ms while settle runs, and the wait ends as
 * soon as udev has named it. The bound is udevadm's own default halved: on a
 * host so loaded that coldplug takes longer, a VM without its network would
 * be of no use (it was 15 s, and four guests booting at once on two
 * emulated cores overran it). */
static int wait_fallback_nic(int root_fd, struct netcfg *nc)
{
        struct nic_wait w = { .root_fd = root_fd, .nc = nc };

        /* A NIC can appear, with the kernel's name, just after udev's queue
         * was seen empty (its driver loaded late): its add event comes
         * after settle returned, and the kernel's eth0 was configured while
         * udev renamed it (seen twice in the VM harness on a fast host).
         * So settle is asked again while no NIC is named: a queue found
         * empty a second and third time means udev leaves the name alone
         * (net.ifnames=0, a policy that keeps it), at the cost of two quick
         * udevadm calls. */
        for (int round = 0; round < 3; round++) {
                if (udev_settle_until(root_fd, 60, fallback_nic_ready, &w,
                                      round ? "No physical NIC that udev has named yet: "
                                              "waiting for udev once more"
                                            : "No physical NIC that udev has named yet: "
                                              "waiting for udev") > 0 ||
                    fallback_nic_ready(&w))
                        return 0;
        }
        memset(nc, 0, sizeof(*nc));
        return netcfg_fallback(root_fd, nc);
}

/* On the running system, NICs named by a new .link or udev rule get their
 * names now, while still down (udev names a NIC on its add event, which
 * happened before init-local ran), as cloud-init renames them in init-local.
 * udevd looks for new .link files when it starts an event, and at most once
 * every 3 s: without the reload, the trigger's event (a moment after the
 * write) can be handled with the .link files of before, and the
 * default policy renames the fallback's eth0 to enp0s2 under the
 * configuration's feet (seen in the VM harness). The reload is answered once
 * udevd has read them again; every event after it uses the new ones. */
static void rename_now(int root_fd, const struct netcfg *nc)
{
        char *reload[] = { (char *)"udevadm", (char *)"control", (char *)"--reload", NULL };
        char *trigger[] = { (char *)"udevadm", (char *)"trigger", (char *)"--action=add",
                            (char *)"--subsystem-match=net", NULL };
        char *settle[] = { (char *)"udevadm", (char *)"settle", (char *)"--timeout=10", NULL };
        struct exec_opts o = { .timeout_sec = 30, .best_effort = true };
        bool any = false;

        /* A NIC that already has the name it is given, and that udev is done
         * with, needs nothing (the fallback names its NIC as it is called).
         * One udev has not processed yet may still be renamed by the
         * default policy: the trigger makes udev apply the new .link. */
        for (size_t i = 0; i < nc->n && !any; i++) {
                _cleanup_free_ char *mac = NULL;
                char path[128];

                if (!nc->ifaces[i].rename)
                        continue;
                (void)snprintf(path, sizeof(path), "/sys/class/net/%s/address", nc->ifaces[i].name);
                any = fs_read_line(root_fd, path, &mac) < 0 ||
                      strcasecmp(mac, nc->ifaces[i].mac) != 0 || !udev_nic_named(root_fd, nc->ifaces[i].name);
        }
        if (!any) {
                log_debug("Every NIC already has the name the configuration gives it");
                return;
        }
        if (!exec_have("udevadm"))
                return;
        log_debug("Applying the new interface names now (udevadm control --reload, trigger, "
                  "settle)");
        if (exec_ok(&o, reload) < 0 || exec_ok(&o, trigger) < 0 || exec_ok(&o, settle) < 0)
                log_warning("udevadm could not apply the new interface names now; they apply "
                            "from the next boot");
}

/* nc made empty for a parse to fill: zeroed only when an earlier parse may
 * have written into it. Each page of it written costs a page fault, and nc
 * is 54 KB: zeroing it whole at each call was 14 of a provisioned
 * init-local's 130 page faults. */
static void nc_take(struct netcfg *nc)
{
        static bool dirty;

        if (dirty)
                memset(nc, 0, sizeof(*nc));
        dirty = true;
}

void network_configure(int root_fd, const struct node *cfg, const struct node *syscfg,
                       const struct ds_result *res, const char *iid, bool fallback, bool host)
{
        static struct netcfg nc; /* 100 KB: not on the stack */
        static struct net_file files[NET_FILES_MAX];
        const struct node *sysnet = node_get(syscfg, "network");
        enum net_renderer rend;
        _cleanup_free_ char *old = NULL;
        char digest[400];
        size_t n = 0;
        int r = -ENOENT;

        if (streq_ptr(node_str(node_get_path(cfg, "network.config")), "disabled")) {
                log_info("Network configuration left alone: network: {config: disabled}");
                return;
        }
        if (sysnet && node_get(sysnet, "version")) {
                nc_take(&nc);
                (void)snprintf(nc.source, sizeof(nc.source), "system config (network:)");
                r = netcfg_from_node(syscfg, &nc);
        }
        if (r < 0 && res && res->netcfg && res->netcfg_len) {
                nc_take(&nc);
                r = from_result(res, &nc);
                if (r == -ENOENT) {
                        log_info("Network configuration left alone: the datasource's "
                                 "network-config says config: disabled");
                        return;
                }
        }
        if (r < 0 && ds_is(res, "Ec2")) {
                nc_take(&nc);
                (void)snprintf(nc.source, sizeof(nc.source), "EC2 meta-data");
                r = netcfg_from_ec2(res->md, &nc);
        }
        if (r < 0 && !fallback)
                return;
        if (r < 0) {
                nc_take(&nc);
                r = netcfg_fallback(root_fd, &nc);
                /* No NIC yet, or one udev has not named yet (its name would
                 * be the kernel's, and the configuration would name a NIC
                 * that is gone once udev renames it): wait for udev. On an
                 * instance's first boot only: later boots keep what was
                 * written. */
                if ((r < 0 || !udev_nic_named(root_fd, nc.ifaces[0].name)) && host &&
                    first_time(root_fd, iid))
                        r = wait_fallback_nic(root_fd, &nc);
                if (r < 0) {
                        log_info("No network configuration given and no physical NIC for the "
                                 "fallback: the network is left alone");
                        return;
                }
        }
        netcfg_resolve_names(root_fd, &nc);
        rend = net_renderer_pick(root_fd, syscfg);
        if (rend == NET_RENDER_NONE) {
                log_warning("The target has none of systemd-networkd, NetworkManager or "
                            "ifupdown: the network configuration from %s is not written",
                            nc.source);
                return;
        }
        r = net_render(rend, &nc, files, &n);
        if (r < 0) {
                log_warning_errno(r, "Cannot render the network configuration: %m");
                return;
        }
        /* what would be written, for this instance: unchanged means done */
        unsigned long long h = fnv1a64(FNV1A64_INIT, iid ? iid : "", strlen(iid ? iid : ""));
        for (size_t i = 0; i < n; i++) {
                h = fnv1a64(h, files[i].path, strlen(files[i].path) + 1);
                h = fnv1a64(h, files[i].data.data, files[i].data.len);
        }
        (void)snprintf(digest, sizeof(digest), "%016llx %s %s", h, net_renderer_name(rend),
                       iid && iid[0] ? iid : "-");
        if (fs_read_line(root_fd, DIGEST_FILE, &old) >= 0 && streq(old, digest)) {
                log_debug("Network configuration unchanged since cloudboot wrote it");
                net_files_done(files, n);
                return;
        }
        net_remove_rendered(root_fd);
        for (size_t i = 0; i < n && r >= 0; i++) {
                _cleanup_free_ char *dir = NULL;
                const char *base;
                r = fs_split_path(files[i].path, &dir, &base);
                if (r >= 0)
                        r = fs_mkdir_p(root_fd, dir, 0755);
                if (r >= 0)
                        r = fs_write_buf(root_fd, files[i].path, &files[i].data, files[i].mode,
                                         FS_NO_OWNER, (gid_t)-1);
                if (r < 0)
                        log_warning_errno(r, "Cannot write %s: %m", files[i].path);
        }
        if (r >= 0) {
                char line[420];
                int len = snprintf(line, sizeof(line), "%s\n", digest);
                (void)fs_mkdir_p(root_fd, CLOUD_DIR "/data", 0755);
                (void)fs_write_atomic(root_fd, DIGEST_FILE, line, (size_t)len, 0644, FS_NO_OWNER,
                                      (gid_t)-1);
                log_info("Network configuration from %s written for %s (%zu files, %zu "
                         "interfaces)",
                         nc.source, net_renderer_name(rend), n, nc.n);
                if (host)
                        rename_now(root_fd, &nc);
        }
        net_files_done(files, n);
}
