/* SPDX-License-Identifier: Apache-2.0 */
/* wireguard (config stage, per instance; in Ubuntu's module list, in none of
 * Debian's): cloud-init's cc_wireguard. `wireguard: {interfaces: [{name,
 * config_path, content}], readinessprobe: [commands]}`. As in cloud-init it
 * runs on Ubuntu, or where unverified_modules names it. Every interface is
 * checked first (a name wg-quick accepts, an absolute config_path, a content
 * of bounded size); one bad interface refuses the whole key, so nothing is
 * half-applied. Then wireguard-tools is installed through the package helper
 * when the target has no `wg` (with the `wireguard` DKMS package on a kernel
 * older than 5.6, as cloud-init does), the kernel module is loaded, each
 * content is written to its config_path (0600, root:root; the directories
 * on the way are opened without following a symlink, missing ones made
 * 0700) and wg-quick@NAME is enabled and restarted. The readiness probes run
 * last, each with /bin/sh -c as cloud-init runs them; the module fails if
 * one did. Under --root: the unit is only enabled in the target, and neither
 * the kernel module nor the probes are touched (the tunnel is not up there).
 * The content holds the interface's private key: it is never logged. */
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "fs.h"
#include "log.h"
#include "macro.h"
#include "module.h"
#include "schema.h"
#include "sysconf.h"

/* wg-quick's own rule for an interface name (and IFNAMSIZ - 1) */
#define WG_NAME_MAX 15
#define WG_NAME_EXTRA "_=+.-"
/* a configuration with a few hundred peers fits; more is not a cloud-config */
#define WG_CONTENT_MAX (256u * 1024)
#define WG_PATH_MAX 4095
#define WG_INTERFACES_MAX 64
#define WG_PROBE_TIMEOUT 300

static const struct schema s_str = { .types = T_STR };
static const struct schema s_secret = { .types = T_STR, .secret = true };
static const struct schema_prop iface_props[] = {
        { "name", &s_str, false },
        { "config_path", &s_str, false },
        { "content", &s_secret, false },
        { NULL, NULL, false },
};
static const struct schema s_iface = { .types = T_MAP, .props = iface_props, .closed = true };
static const struct schema s_ifaces = { .types = T_SEQ, .items = &s_iface };
static const struct schema s_probes = { .types = T_SEQ, .items = &s_str };
static const struct schema_prop wg_props[] = {
        { "interfaces", &s_ifaces, true },
        { "readinessprobe", &s_probes, false },
        { NULL, NULL, false },
};
static const struct schema s_wg = { .types = T_MAP | T_NULL, .props = wg_props, .closed = true };
static const struct schema s_list = { .types = T_SEQ };
/* unverified_modules: read here too (resolv_conf reads it), so that it counts
 * as applied when wireguard is in a list */
static const struct schema_prop schema_keys[] = { { "wireguard", &s_wg, false },
                                                  { "unverified_modules", &s_list, false },
                                                  { NULL, NULL, false } };
static const char *const activate[] = { "wireguard", NULL };

struct wg_iface {
        const struct node *item;
        const char *name;
        const char *path;
        const struct node *content;
};

/* One interface's keys, checked as cloud-init's supplemental validation does
 * and more: what becomes a unit name and a path must be one. */
static int check_iface(const struct node *item, size_t i, struct wg_iface *ret)
{
        static const char *const required[] = { "name", "config_path", "content" };
        const struct node *path_node;
        char key[64], missing[64] = "";
        int r = 0;

        if (!item || item->type != NODE_MAP) {
                (void)snprintf(key, sizeof(key), "wireguard.interfaces[%zu]", i);
                sysconf_refuse(item, key, "must be a mapping");
                return -EINVAL;
        }
        for (size_t k = 0; k < ELEMENTSOF(required); k++)
                if (!node_get(item, required[k])) {
                        size_t n = strlen(missing);
                        (void)snprintf(missing + n, sizeof(missing) - n, "%s%s", n ? ", " : "",
                                       required[k]);
                }
        if (*missing) {
                char why[128];
                (void)snprintf(key, sizeof(key), "wireguard.interfaces[%zu]", i);
                (void)snprintf(why, sizeof(why), "missing required keys: %s", missing);
                sysconf_refuse(item, key, why);
                return -EINVAL;
        }
        *ret = (struct wg_iface){ .item = item,
                                  .name = node_get_str(item, "name"),
                                  .path = node_get_str(item, "config_path"),
                                  .content = node_get(item, "content") };

        /* node_get_str() is NULL for a string with a NUL byte in it */
        if (!ret->name || !sysconf_word_ok(ret->name, WG_NAME_EXTRA, WG_NAME_MAX)) {
                (void)snprintf(key, sizeof(key), "wireguard.interfaces[%zu].name", i);
                sysconf_refuse(node_get(item, "name"), key,
                               "not an interface name (1 to 15 of A-Z a-z 0-9 _ = + . -)");
                r = -EINVAL;
        }
        path_node = node_get(item, "config_path");
        if (!ret->path || ret->path[0] != '/' || strlen(ret->path) > WG_PATH_MAX ||
            !sysconf_line_ok(ret->path) ||
            ret->path[strlen(ret->path) - 1] == '/' || strstr(ret->path, "/../") ||
            endswith(ret->path, "/..")) {
                (void)snprintf(key, sizeof(key), "wireguard.interfaces[%zu].config_path", i);
                sysconf_refuse(path_node, key,
                               "must be an absolute file path, one line, without '..'");
                r = -EINVAL;
        }
        if (ret->content->type != NODE_STR) {
                (void)snprintf(key, sizeof(key), "wireguard.interfaces[%zu].content", i);
                sysconf_refuse(ret->content, key, "must be a string");
                r = -EINVAL;
        } else if (ret->content->len > WG_CONTENT_MAX) {
                char why[96];
                (void)snprintf(key, sizeof(key), "wireguard.interfaces[%zu].content", i);
                (void)snprintf(why, sizeof(why), "larger than %u bytes; not written",
                               WG_CONTENT_MAX);
                sysconf_refuse(ret->content, key, why);
                r = -EINVAL;
        } else if (!node_str(ret->content)) {
                (void)snprintf(key, sizeof(key), "wireguard.interfaces[%zu].content", i);
                sysconf_refuse(ret->content, key, "holds a NUL byte: not a configuration");
                r = -EINVAL;
        }
        return r;
}

/* Open the directory dir inside the root, refusing every symlink on the way
 * and making a missing component 0700 (the directory holds private keys, as
 * the package's /etc/wireguard does). Returns an fd. */
static int open_dir_nofollow(int root_fd, const char *dir)
{
        _cleanup_close_ int fd = -1;
        char comp[256];
        const char *p = dir;

        fd = fs_open_nofollow(root_fd, dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC, 0);
        if (fd != -ENOENT)
                return fd >= 0 ? TAKE_FD(fd) : fd;
        fd = fcntl(root_fd, F_DUPFD_CLOEXEC, 3);
        if (fd < 0)
                return -errno;
        for (;;) {
                size_t n;
                int next;

                while (*p == '/')
                        p++;
                if (!*p)
                        break;
                n = strcspn(p, "/");
                if (n >= sizeof(comp))
                        return -ENAMETOOLONG;
                memcpy(comp, p, n);
                comp[n] = '\0';
                p += n;
                if (streq(comp, "."))
                        continue;
                if (mkdirat(fd, comp, 0700) < 0 && errno != EEXIST)
                        return -errno;
                next = openat(fd, comp, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
                if (next < 0)
                        return -errno;
                (void)close(fd);
                fd = next;
        }
        return TAKE_FD(fd);
}

static int write_config(const struct module_ctx *ctx, const struct wg_iface *w)
{
        _cleanup_free_ char *dir = NULL;
        _cleanup_close_ int dfd = -1;
        const char *base;
        int r;

        r = fs_split_path(w->path, &dir, &base);
        if (r < 0)
                return log_error_errno(r, "wireguard: cannot split %s: %m", w->path);
        dfd = open_dir_nofollow(ctx->root_fd, dir);
        if (dfd == -ELOOP || dfd == -ENOTDIR)
                return log_error_errno(dfd,
                                       "Failure writing Wireguard configuration file %s: a "
                                       "component of %s is a symlink or not a directory; not "
                                       "followed, not written",
                                       w->path, dir);
        if (dfd < 0)
                return log_error_errno(dfd, "Failure writing Wireguard configuration file %s: %m",
                                       w->path);
        r = fs_write_atomic_at(dfd, base, w->content->str, w->content->len, 0600, 0, 0);
        if (r < 0)
                return log_error_errno(r, "Failure writing Wireguard configuration file %s: %m",
                                       w->path);
        log_info("wireguard: wrote %s for %s (%zu bytes, mode 0600, owner 0:0)", w->path, w->name,
                 w->content->len);
        return 0;
}

/* cloud-init's maybe_install_wireguard_packages: nothing when the target has
 * wg; else wireguard-tools, and the DKMS module below Linux 5.6. */
static int maybe_install(const struct module_ctx *ctx, const struct sysconf_target *tgt)
{
        const char *pkgs[2] = { "wireguard-tools", NULL };
        size_t n = 1;
        struct utsname u;
        unsigned major = 0, minor = 0;

        if (sysconf_have(ctx->root_fd, "wg"))
                return 0;
        if (uname(&u) == 0 && sscanf(u.release, "%u.%u", &major, &minor) == 2 &&
            (major < 5 || (major == 5 && minor < 6)))
                pkgs[n++] = "wireguard";
        log_info("wireguard: no wg in the target; installing %s%s", pkgs[0],
                 n > 1 ? " and wireguard (kernel older than 5.6)" : "");
        return sysconf_install(tgt, ctx->root_fd, pkgs, n);
}

/* cloud-init's load_wireguard_kernel_module (lsmod, then modprobe): only on
 * this machine's own kernel. */
static int load_kernel_module(const struct module_ctx *ctx, const struct sysconf_target *tgt)
{
        static const char *const argv[] = { "modprobe", "wireguard", NULL };
        int r;

        if (!ctx->root_is_host) {
                log_info("wireguard: the kernel module is not loaded under --root: the target "
                         "is not this machine");
                return 0;
        }
        if (access("/sys/module/wireguard", F_OK) == 0)
                return 0;
        log_debug("Loading wireguard kernel module");
        r = sysconf_run(tgt, argv, NULL, NULL, 0, 120, NULL);
        if (r < 0)
                return log_error_errno(r, "Could not load wireguard module: modprobe wireguard "
                                          "failed");
        return 0;
}

static int enable_iface(const struct module_ctx *ctx, const struct sysconf_target *tgt,
                        const struct wg_iface *w)
{
        char unit[64];
        int r;

        (void)snprintf(unit, sizeof(unit), "wg-quick@%s", w->name);
        /* cloud-init's manage_service enable, then restart; under --root
         * sysconf_service enables and says it did not restart */
        if (ctx->root_is_host) {
                r = sysconf_service(tgt, ctx->root_fd, unit, NULL);
                if (r < 0)
                        return log_error_errno(r, "Failed enabling/starting Wireguard "
                                                  "interface(s): %s",
                                               unit);
        }
        r = sysconf_service(tgt, ctx->root_fd, unit, "restart");
        if (r < 0)
                return log_error_errno(r, "Failed enabling/starting Wireguard interface(s): %s",
                                       unit);
        return 0;
}

static int run_probes(const struct module_ctx *ctx, const struct sysconf_target *tgt,
                      const struct node *probes)
{
        size_t failed = 0;

        if (!probes || probes->type != NODE_SEQ || probes->n == 0) {
                log_debug("Skipping readinessprobe - no checks defined");
                return 0;
        }
        if (!ctx->root_is_host) {
                log_info("wireguard: %zu readiness probes not run under --root: the interfaces "
                         "are only enabled in the target",
                         probes->n);
                return 0;
        }
        for (size_t i = 0; i < probes->n; i++) {
                const char *argv[] = { "/bin/sh", "-c", node_str(probes->items[i]), NULL };
                int status = 0, r;

                if (!argv[2])
                        continue;
                log_debug("Running readinessprobe %zu", i + 1);
                r = sysconf_run(tgt, argv, NULL, NULL, 0, WG_PROBE_TIMEOUT, &status);
                if (r < 0) {
                        char pos[512];
                        schema_pos(probes->items[i], pos, sizeof(pos));
                        if (r == -EPROTO)
                                log_error("%s: wireguard readinessprobe %zu failed with exit "
                                          "status %d",
                                          pos, i + 1, status);
                        else
                                log_error_errno(r, "%s: wireguard readinessprobe %zu did not "
                                                   "run: %m",
                                                pos, i + 1);
                        failed++;
                }
        }
        if (failed)
                return log_error_errno(-EPROTO, "Failed running readinessprobe command: %zu of %zu",
                                       failed, probes->n);
        log_info("wireguard: %zu readiness probes passed", probes->n);
        return 0;
}

/* cloud-init's Modules.run_section: a module whose metadata does not name
 * the distro runs only when unverified_modules names it. */
static bool verified(const struct node *cfg, const char **ret_distro)
{
        const char *distro = node_get_str(node_get(cfg, "system_info"), "distro");
        const struct node *u = node_get(cfg, "unverified_modules");

        *ret_distro = distro && *distro ? distro : "debian";
        if (streq(*ret_distro, "ubuntu"))
                return true;
        for (size_t i = 0; u && u->type == NODE_SEQ && i < u->n; i++) {
                const char *s = node_str(u->items[i]);
                if (s && (streq(s, "wireguard") || streq(s, "cc_wireguard")))
                        return true;
        }
        return false;
}

static int wireguard_run(const struct module_ctx *ctx)
{
        const struct node *wg = node_get(ctx->cfg, "wireguard"), *list;
        struct sysconf_target tgt = { .chroot = ctx->root, .is_host = ctx->root_is_host };
        struct wg_iface ifaces[WG_INTERFACES_MAX];
        size_t n = 0;
        int r = 0;

        const char *distro;

        if (!wg)
                return 0;
        if (!verified(ctx->cfg, &distro)) {
                log_info("Skipping modules 'wireguard' because they are not verified on distro "
                         "'%s'.  To run anyway, add them to 'unverified_modules' in config.",
                         distro);
                return 0;
        }
        list = node_get(wg, "interfaces");
        if (!list || list->type != NODE_SEQ) {
                /* a null wireguard, or interfaces refused by the schema */
                if (wg->type == NODE_MAP && !list)
                        sysconf_refuse(wg, "wireguard", "'interfaces' is required");
                log_info("wireguard: no interfaces to configure");
                return wg->type == NODE_NULL ? 0 : -EINVAL;
        }
        if (list->n == 0) {
                log_info("wireguard: no interfaces to configure");
                return 0;
        }
        if (list->n > WG_INTERFACES_MAX) {
                sysconf_refuse(list, "wireguard.interfaces", "more than 64 interfaces");
                return -E2BIG;
        }
        for (size_t i = 0; i < list->n; i++) {
                int k = check_iface(list->items[i], i, &ifaces[n]);
                if (k < 0)
                        r = k;
                else
                        n++;
        }
        if (r < 0)
                return log_error_errno(r, "Invalid wireguard interface configuration: nothing "
                                          "configured");

        r = maybe_install(ctx, &tgt);
        if (r < 0)
                return log_error_errno(r, "Failed to install wireguard-tools");
        r = load_kernel_module(ctx, &tgt);
        if (r < 0)
                return r;
        for (size_t i = 0; i < n; i++) {
                log_debug("Configuring Wireguard interface %s", ifaces[i].name);
                r = write_config(ctx, &ifaces[i]);
                if (r >= 0)
                        r = enable_iface(ctx, &tgt, &ifaces[i]);
                if (r < 0)
                        return r; /* cloud-init stops at the first interface that fails */
        }
        return run_probes(ctx, &tgt, node_get(wg, "readinessprobe"));
}

const struct module mod_wireguard = {
        .name = "wireguard",
        .freq = FREQ_INSTANCE,
        .keys = schema_keys,
        .activate_keys = activate,
        .run = wireguard_run,
};
