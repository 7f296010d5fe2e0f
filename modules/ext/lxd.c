/* SPDX-License-Identifier: Apache-2.0 */
/* lxd (external module), cloud-init's cc_lxd: install lxd when missing (the
 * snap where the target has snapd, as cloud-init does, else the distro
 * package), the storage tools the backend needs, then either `lxd init
 * --preseed` with the preseed on stdin, or `lxd init --auto` with the init
 * options and the bridge set up with lxc network commands. trust_password is
 * a secret: cloud-init passes it in argv (--trust-password=...), here it goes
 * on stdin in a preseed of its own (config: core.trust_password) and is
 * never logged. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "cmtool.h"
#include "extmod.h"
#include "log.h"
#include "macro.h"
#include "sysconf.h"
#include "valid.h"
#include "yaml.h"

#define DEFAULT_BRIDGE "lxdbr0"
#define PRESEED_MAX (1u << 20)

static const char *check_ip(const char *s)
{
        return valid_ip(s, NULL);
}

static const char *const backends[] = { "zfs", "dir", "lvm", "btrfs", NULL };
static const char *const modes[] = { "none", "existing", "new", NULL };

static const struct schema s_str = { .types = T_STR, .check = cm_check_arg };
static const struct schema s_word = { .types = T_STR, .check = cm_check_word };
static const struct schema s_path = { .types = T_STR, .check = cm_check_path };
static const struct schema s_int = { .types = T_INT };
static const struct schema s_bool = { .types = T_BOOL };
static const struct schema s_ip = { .types = T_STR, .check = check_ip };
static const struct schema s_ifname = { .types = T_STR, .check = valid_ifname };
static const struct schema s_domain = { .types = T_STR, .check = valid_dns_name };
static const struct schema s_secret = { .types = T_STR, .secret = true, .check = cm_check_arg };
static const struct schema s_backend = { .types = T_STR, .enums = backends };
static const struct schema s_mode = { .types = T_STR, .enums = modes };
static const struct schema s_preseed = { .types = T_STR };
static const struct schema_prop init_props[] = {
        { "network_address", &s_str, false },
        { "network_port", &s_int, false },
        { "storage_backend", &s_backend, false },
        { "storage_create_device", &s_path, false },
        { "storage_create_loop", &s_int, false },
        { "storage_pool", &s_word, false },
        { "trust_password", &s_secret, false },
        { NULL, NULL, false },
};
static const struct schema s_init = { .types = T_MAP, .props = init_props, .closed = true };
static const struct schema_prop bridge_props[] = {
        { "mode", &s_mode, true },
        { "name", &s_ifname, false },
        { "mtu", &s_int, false },
        { "ipv4_address", &s_ip, false },
        { "ipv4_netmask", &s_int, false },
        { "ipv4_dhcp_first", &s_ip, false },
        { "ipv4_dhcp_last", &s_ip, false },
        { "ipv4_dhcp_leases", &s_int, false },
        { "ipv4_nat", &s_bool, false },
        { "ipv6_address", &s_ip, false },
        { "ipv6_netmask", &s_int, false },
        { "ipv6_nat", &s_bool, false },
        { "domain", &s_domain, false },
        { NULL, NULL, false },
};
static const struct schema s_bridge = { .types = T_MAP, .props = bridge_props, .closed = true };
static const struct schema_prop lxd_props[] = {
        { "init", &s_init, false },
        { "bridge", &s_bridge, false },
        { "preseed", &s_preseed, false },
        { NULL, NULL, false },
};
static const struct schema s_lxd = { .types = T_MAP, .props = lxd_props, .closed = true };
static const struct schema_prop keys[] = {
        { "lxd", &s_lxd, false },
        { NULL, NULL, false },
};
static const char *const activate[] = { "lxd", NULL };

static const char *const lxc_env[] = { "LC_ALL=C", "HOME=/root", "USER=root", NULL };

static int run_cmd(const struct sysconf_target *t, char *const *argv, const char *input,
                   const char *const *env, int *status)
{
        char line[512];
        int r;

        cm_argv_str(argv, line, sizeof(line));
        log_info("Running %s", line);
        r = cm_run(t, NULL, NULL, argv, env, input, input ? strlen(input) : 0, 600, NULL, status);
        if (r < 0 && !status)
                log_warning_errno(r, "%s failed: %m", line);
        return r;
}

static int lxc(const struct sysconf_target *t, struct cm_argv *a, int *status)
{
        cm_add(a, "--force-local");
        if (a->failed)
                return -E2BIG;
        return run_cmd(t, a->v, NULL, lxc_env, status);
}

/* The storage tools a backend needs (cloud-init's get_required_packages). */
static void storage_packages(int root_fd, const char *driver, const char **pkgs, size_t *n)
{
        if (streq(driver, "zfs") && !sysconf_have(root_fd, "zfs"))
                pkgs[(*n)++] = "zfsutils-linux";
        else if (streq(driver, "lvm") && !sysconf_have(root_fd, "lvcreate"))
                pkgs[(*n)++] = "lvm2";
        else if (streq(driver, "btrfs") && !sysconf_have(root_fd, "mkfs.btrfs"))
                pkgs[(*n)++] = "btrfs-progs";
}

static int ensure_lxd(const struct module_ctx *ctx, const struct sysconf_target *t)
{
        if (sysconf_have(ctx->root_fd, "snap")) {
                char *const seeded[] = { "snap", "wait", "system", "seed.loaded", NULL };
                char *const list[] = { "snap", "list", "lxd", NULL };
                char *const inst[] = { "snap", "install", "lxd", NULL };
                int status;

                (void)run_cmd(t, seeded, NULL, NULL, NULL);
                if (run_cmd(t, list, NULL, NULL, &status) >= 0)
                        return 0;
                return run_cmd(t, inst, NULL, NULL, NULL);
        }
        if (sysconf_have(ctx->root_fd, "lxd"))
                return 0;
        /* no snapd (Debian): lxd is a distro package */
        const char *pkgs[] = { "lxd" };
        return sysconf_install(t, ctx->root_fd, pkgs, 1);
}

static int init_auto(const struct sysconf_target *t, const struct node *init)
{
        static const char *const opts[] = { "network_address", "network_port", "storage_backend",
                                            "storage_create_device", "storage_create_loop",
                                            "storage_pool", NULL };
        const char *pw = node_get_str(init, "trust_password");
        struct cm_argv cmd = { .n = 0 };
        int r, status = 0;

        cm_add(&cmd, "lxd");
        cm_add(&cmd, "init");
        cm_add(&cmd, "--auto");
        for (const char *const *k = opts; *k; k++) {
                const struct node *v = node_get(init, *k);
                char name[64];

                if (!v || (v->type == NODE_STR && !*v->str) || (v->type == NODE_INT && !v->i))
                        continue; /* cloud-init: only the truthy ones */
                (void)snprintf(name, sizeof(name), "%s", *k);
                for (char *p = name; *p; p++)
                        if (*p == '_')
                                *p = '-';
                if (v->type == NODE_INT)
                        cm_addf(&cmd, "--%s=%lld", name, v->i);
                else if (v->type == NODE_STR)
                        cm_addf(&cmd, "--%s=%s", name, v->str);
        }
        r = cmd.failed ? -E2BIG : run_cmd(t, cmd.v, NULL, NULL, &status);
        if (r < 0 && streq(node_get_str(init, "storage_backend") ?: "", "lvm")) {
                /* cloud-init: no thin pool (LP #1982780), then init again without the backend */
                struct cm_argv st = { .n = 0 };
                const char *lvm[] = { "lxc", "storage", "create", "default", "lvm",
                                      "lvm.use_thinpool=false" };
                log_info("Cloud-init doesn't use thinpool by default on Ubuntu due to LP "
                         "#1982780. This behavior will change in the future.");
                for (size_t i = 0; i < ELEMENTSOF(lvm); i++)
                        cm_add(&st, lvm[i]);
                r = st.failed ? -E2BIG : run_cmd(t, st.v, NULL, NULL, NULL);
                cm_argv_done(&st);
                if (r >= 0) {
                        struct cm_argv again = { .n = 0 };
                        for (size_t i = 0; i < cmd.n; i++)
                                if (!startswith(cmd.v[i], "--storage-backend"))
                                        cm_add(&again, cmd.v[i]);
                        r = again.failed ? -E2BIG : run_cmd(t, again.v, NULL, NULL, NULL);
                        cm_argv_done(&again);
                }
        } else if (r < 0)
                log_warning("lxd init --auto exited with status %d", status);
        cm_argv_done(&cmd);
        if (r >= 0 && pw) {
                /* the secret on stdin, never in argv or the log */
                struct node *n = node_new_str(pw);
                struct buf b = BUF_INIT(8192);
                char *const pre[] = { "lxd", "init", "--preseed", NULL };

                buf_puts(&b, "config:\n  core.trust_password: ");
                if (n)
                        (void)json_write(&b, n, 0);
                buf_putc(&b, '\n');
                node_free(n);
                log_info("Setting the lxd trust password (lxd init --preseed)");
                r = !n || buf_error(&b) < 0
                            ? -ENOMEM
                            : cm_run(t, NULL, NULL, pre, NULL, b.data, b.len, 600, NULL, NULL);
                buf_free_secret(&b);
                if (r < 0)
                        log_warning_errno(r, "lxd: setting the trust password failed: %m");
        }
        return r;
}

static bool maybe_ok(int r, int status)
{
        /* cloud-init: exit 1 means it did not exist */
        return r >= 0 || (r == -EPROTO && status == 1);
}

static int bridge(const struct sysconf_target *t, const struct node *b, bool did_init)
{
        const char *mode = node_get_str(b, "mode"), *name = node_get_str(b, "name") ?: DEFAULT_BRIDGE;
        const char *a4 = node_get_str(b, "ipv4_address"), *a6 = node_get_str(b, "ipv6_address");
        const struct node *m4 = node_get(b, "ipv4_netmask"), *m6 = node_get(b, "ipv6_netmask");
        const char *f4 = node_get_str(b, "ipv4_dhcp_first"), *l4 = node_get_str(b, "ipv4_dhcp_last");
        const char *dom = node_get_str(b, "domain");
        const struct node *mtu = node_get(b, "mtu");
        struct cm_argv create = { .n = 0 }, a = { .n = 0 };
        bool is_new;
        int r = 0, status = 0;

        if (!mode || streq(mode, "none"))
                return 0;
        is_new = streq(mode, "new");
        if (is_new) {
                cm_add(&create, "lxc");
                cm_add(&create, "network");
                cm_add(&create, "create");
                cm_add(&create, name);
                if (a4 && m4) {
                        cm_addf(&create, "ipv4.address=%s/%lld", a4, m4->i);
                        /* cloud-init compares the boolean with the string "true":
                         * only an absent ipv4_nat gives NAT there; here true does too */
                        if (node_get_bool(b, "ipv4_nat", true))
                                cm_add(&create, "ipv4.nat=true");
                        if (f4 && l4)
                                cm_addf(&create, "ipv4.dhcp.ranges=%s-%s", f4, l4);
                } else
                        cm_add(&create, "ipv4.address=none");
                if (a6 && m6) {
                        cm_addf(&create, "ipv6.address=%s/%lld", a6, m6->i);
                        if (node_get_bool(b, "ipv6_nat", false))
                                cm_add(&create, "ipv6.nat=true");
                } else
                        cm_add(&create, "ipv6.address=none");
                if (dom)
                        cm_addf(&create, "dns.domain=%s", dom);
                if (mtu && mtu->i != -1)
                        cm_addf(&create, "bridge.mtu=%lld", mtu->i);
        }
        /* lxd init --auto makes lxdbr0 itself: cloud-init removes it first */
        if (streq(name, DEFAULT_BRIDGE) && did_init) {
                if (is_new) {
                        const char *d[] = { "lxc", "network", "detach-profile", name, "default" };
                        for (size_t i = 0; i < ELEMENTSOF(d); i++)
                                cm_add(&a, d[i]);
                        r = lxc(t, &a, &status);
                        cm_argv_done(&a);
                        if (r >= 0) {
                                const char *del[] = { "lxc", "network", "delete", name };
                                for (size_t i = 0; i < ELEMENTSOF(del); i++)
                                        cm_add(&a, del[i]);
                                r = lxc(t, &a, NULL);
                                cm_argv_done(&a);
                        } else if (maybe_ok(r, status))
                                r = 0;
                }
                if (r >= 0) {
                        const char *rm[] = { "lxc", "profile", "device", "remove", "default", "eth0" };
                        for (size_t i = 0; i < ELEMENTSOF(rm); i++)
                                cm_add(&a, rm[i]);
                        r = lxc(t, &a, &status);
                        cm_argv_done(&a);
                        if (maybe_ok(r, status))
                                r = 0;
                }
        }
        if (r >= 0 && is_new)
                r = lxc(t, &create, NULL);
        if (r >= 0) {
                const char *at[] = { "lxc", "network", "attach-profile", name, "default", "eth0" };
                for (size_t i = 0; i < ELEMENTSOF(at); i++)
                        cm_add(&a, at[i]);
                r = lxc(t, &a, NULL);
                cm_argv_done(&a);
        }
        cm_argv_done(&create);
        return r;
}

static int run(const struct module_ctx *ctx)
{
        const struct node *c = node_get(ctx->cfg, "lxd"), *init, *br;
        const struct sysconf_target t = { .chroot = ctx->root, .is_host = ctx->root_is_host };
        const char *preseed, *pkgs[4];
        size_t n = 0;
        int r;

        if (!c || c->type != NODE_MAP || c->n == 0) {
                log_debug("Skipping module named lxd, not present or disabled by cfg");
                return 0;
        }
        init = node_get(c, "init");
        br = node_get(c, "bridge");
        preseed = node_get_str(c, "preseed");
        if (preseed && *preseed && ((init && init->n) || (br && br->n))) {
                log_error("Unable to configure LXD. lxd.preseed config can not be provided with "
                          "key(s): %s%s%s",
                          init && init->n ? "lxd.init" : "", init && init->n && br && br->n ? ", " : "",
                          br && br->n ? "lxd.bridge" : "");
                return -EINVAL;
        }
        r = ensure_lxd(ctx, &t);
        if (r < 0)
                return log_error_errno(r, "lxd: cannot install lxd: %m");

        if (init && node_get_str(init, "storage_backend"))
                storage_packages(ctx->root_fd, node_get_str(init, "storage_backend"), pkgs, &n);
        if (preseed && strstr(preseed, "storage_pools")) {
                _cleanup_(node_freep) struct node *p = NULL;
                struct yaml_error err;

                if (strlen(preseed) > PRESEED_MAX ||
                    yaml_load(preseed, strlen(preseed), "lxd.preseed", NULL, &p, &err) < 0 || !p)
                        log_warning("lxd.preseed string value is not YAML.  Unable to determine "
                                    "required storage driver packages to support storage_pools "
                                    "config.");
                else {
                        const struct node *pools = node_get(p, "storage_pools");
                        for (size_t i = 0; pools && pools->type == NODE_SEQ && i < pools->n; i++) {
                                const char *drv = node_get_str(pools->items[i], "driver");
                                if (drv && n < 3)
                                        storage_packages(ctx->root_fd, drv, pkgs, &n);
                        }
                }
        }
        if (n) {
                r = sysconf_install(&t, ctx->root_fd, pkgs, n);
                if (r < 0) {
                        log_warning_errno(r, "failed to install packages for lxd storage: %m");
                        return 0;
                }
        }
        {
                char *const wait[] = { "lxd", "waitready", "--timeout=300", NULL };
                r = run_cmd(&t, wait, NULL, NULL, NULL);
                if (r < 0)
                        return r;
        }
        if (preseed && *preseed) {
                char *const cmd[] = { "lxd", "init", "--preseed", NULL };
                log_info("Running lxd init --preseed (the preseed on stdin)");
                r = cm_run(&t, NULL, NULL, cmd, NULL, preseed, strlen(preseed), 600, NULL, NULL);
                if (r < 0)
                        return log_error_errno(r, "lxd init --preseed failed: %m");
                return 0;
        }
        if (init && init->n && init_auto(&t, init) < 0)
                return -EPROTO;
        if (br && br->n) {
                r = bridge(&t, br, init && init->n);
                if (r < 0)
                        return log_error_errno(r, "lxd: setting up the bridge failed: %m");
        }
        return 0;
}

const struct module mod_lxd = {
        .name = "lxd",
        .freq = FREQ_INSTANCE,
        .keys = keys,
        .activate_keys = activate,
        .run = run,
};

const struct extmod ext_lxd = {
        .module = &mod_lxd,
        .stage = "final",
        .description = "Install and initialise lxd: init options, bridge or a preseed",
        .timeout_sec = 3600,
};

EXTMOD_MAIN(ext_lxd)
