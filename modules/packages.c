/* SPDX-License-Identifier: Apache-2.0 */
/* package_update_upgrade_install (final stage, per instance): cloud-init's
 * cc_package_update_upgrade_install. package_update, package_upgrade,
 * package_reboot_if_required (and the older apt_update, apt_upgrade,
 * apt_reboot_if_required); packages are names or [name, version], or
 * cloud-init 25.1's {apt: [...]} and {snap: [...]} (snap install in the
 * target, one at a time; another manager is reported). The
 * package manager is whichever the target has (apt, dnf, yum, zypper, apk,
 * pacman), run in the target, by argv. Installing implies updating first. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "exec.h"
#include "fs.h"
#include "log.h"
#include "module.h"
#include "schema.h"
#include "scripts.h"
#include "sysconf.h"

#define MAX_PACKAGES 1024

static const struct schema s_bool = { .types = T_BOOL };
static const struct schema s_pkg = { .types = T_STR | T_SEQ | T_MAP };
static const struct schema s_pkgs = { .types = T_SEQ, .items = &s_pkg };
static const struct schema_prop schema_keys[] = {
        { "packages", &s_pkgs, false },
        { "package_update", &s_bool, false },
        { "package_upgrade", &s_bool, false },
        { "package_reboot_if_required", &s_bool, false },
        { "apt_update", &s_bool, false },
        { "apt_upgrade", &s_bool, false },
        { "apt_reboot_if_required", &s_bool, false },
        { NULL, NULL, false },
};
static const char *const activate[] = { "apt_update",      "package_update", "apt_upgrade",
                                        "package_upgrade", "packages",       NULL };

enum action { UPDATE, UPGRADE, INSTALL };

struct backend {
        const char *name;
        const char *binary; /* how it is found in the target */
        const char *const *env;
        const char *const *base; /* argv before the action */
        const char *const *action[3]; /* update, upgrade, install */
        char version_sep; /* name=version, name-version */
};

static const char *const apt_env[] = { "DEBIAN_FRONTEND=noninteractive", NULL };
static const char *const apt_base[] = { "apt-get",
                                        "--option=Dpkg::Options::=--force-confold",
                                        "--option=Dpkg::options::=--force-unsafe-io",
                                        "--assume-yes",
                                        "--quiet",
                                        NULL };
static const char *const apt_update[] = { "update", NULL };
static const char *const apt_upgrade[] = { "dist-upgrade", NULL };
static const char *const apt_install[] = { "install", NULL };
static const char *const dnf_base[] = { "dnf", "-y", NULL };
static const char *const yum_base[] = { "yum", "-y", NULL };
static const char *const rpm_update[] = { "makecache", NULL };
static const char *const rpm_upgrade[] = { "upgrade", NULL };
static const char *const rpm_install[] = { "install", NULL };
static const char *const zypper_base[] = { "zypper", "--non-interactive", NULL };
static const char *const zypper_update[] = { "refresh", NULL };
static const char *const zypper_upgrade[] = { "update", NULL };
static const char *const zypper_install[] = { "install", NULL };
static const char *const apk_base[] = { "apk", NULL };
static const char *const apk_update[] = { "update", NULL };
static const char *const apk_upgrade[] = { "upgrade", NULL };
static const char *const apk_install[] = { "add", NULL };
static const char *const pacman_base[] = { "pacman", "--noconfirm", NULL };
static const char *const pacman_update[] = { "-Sy", NULL };
static const char *const pacman_upgrade[] = { "-Syu", NULL };
static const char *const pacman_install[] = { "-S", NULL };

static const struct backend backends[] = {
        { "apt",
          "/usr/bin/apt-get",
          apt_env,
          apt_base,
          { apt_update, apt_upgrade, apt_install },
          '=' },
        { "dnf", "/usr/bin/dnf", NULL, dnf_base, { rpm_update, rpm_upgrade, rpm_install }, '-' },
        { "yum", "/usr/bin/yum", NULL, yum_base, { rpm_update, rpm_upgrade, rpm_install }, '-' },
        { "zypper",
          "/usr/bin/zypper",
          NULL,
          zypper_base,
          { zypper_update, zypper_upgrade, zypper_install },
          '=' },
        { "apk", "/sbin/apk", NULL, apk_base, { apk_update, apk_upgrade, apk_install }, '=' },
        { "pacman",
          "/usr/bin/pacman",
          NULL,
          pacman_base,
          { pacman_update, pacman_upgrade, pacman_install },
          '=' },
};

static const struct backend *pick_backend(const struct module_ctx *ctx)
{
        for (size_t i = 0; i < ELEMENTSOF(backends); i++)
                if (fs_exists(ctx->root_fd, backends[i].binary))
                        return &backends[i];
        return NULL;
}

static int run_action(const struct module_ctx *ctx, const struct backend *b, enum action a,
                      char **pkgs, size_t n_pkgs)
{
        const char *argv[MAX_PACKAGES + 16];
        struct exec_opts o;
        size_t n = 0;
        int status = 0, r;

        for (const char *const *p = b->base; *p; p++)
                argv[n++] = *p;
        for (const char *const *p = b->action[a]; *p; p++)
                argv[n++] = *p;
        for (size_t i = 0; i < n_pkgs; i++)
                argv[n++] = pkgs[i];
        argv[n] = NULL;
        exec_opts_target(ctx, &o);
        o.env = (char *const *)b->env;
        r = exec_argv(&o, (char *const *)argv, &status);
        if (r < 0)
                return log_warning_errno(r, "%s %s did not finish: %m", b->name, b->action[a][0]);
        if (status != 0)
                return log_warning_errno(-EPROTO, "%s %s failed with exit status %d", b->name,
                                         b->action[a][0], status);
        return 0;
}

/* Package names become argv words: never an option, never a line break. */
static bool pkg_word_ok(const char *s)
{
        return *s && *s != '-' && !strpbrk(s, " \t\r\n");
}

struct pkglist {
        char **v;
        size_t n;
};

static void pkglist_done(struct pkglist *l)
{
        for (size_t i = 0; i < l->n; i++)
                free(l->v[i]);
        free(l->v);
        *l = (struct pkglist){ NULL, 0 };
}

/* One package specification (a name, or [name, version]) as the word the
 * manager takes: name<sep>version. NULL, reported, when it is not one. */
static int spec_word(const struct node *p, char sep, size_t index, char **ret)
{
        char pos[512];

        schema_pos(p, pos, sizeof(pos));
        if (p->type == NODE_STR && pkg_word_ok(p->str)) {
                *ret = strdup(p->str);
        } else if (p->type == NODE_SEQ && p->n == 2 && node_str(p->items[0]) &&
                   p->items[1]->str && pkg_word_ok(p->items[0]->str) &&
                   pkg_word_ok(p->items[1]->str)) {
                size_t size = p->items[0]->len + p->items[1]->len + 2;
                *ret = malloc(size);
                if (*ret)
                        (void)snprintf(*ret, size, "%s%c%s", p->items[0]->str, sep,
                                       p->items[1]->str);
        } else {
                log_warning("%s: packages entry %zu must be a name or [name, version]; skipped",
                            pos, index);
                *ret = NULL;
                return 0;
        }
        return *ret ? 1 : -ENOMEM;
}

static int add_spec(struct pkglist *l, const struct node *p, char sep, size_t index)
{
        char *w;
        int r;

        if (l->n >= MAX_PACKAGES)
                return log_warning_errno(-E2BIG, "more than %d packages; the rest skipped",
                                         MAX_PACKAGES);
        r = spec_word(p, sep, index, &w);
        if (r <= 0)
                return r;
        l->v[l->n++] = w;
        return 0;
}

/* cloud-init 25.1's packages: names and [name, version] for the distro's
 * manager, and {apt: [...]} / {snap: [...]} mappings for one manager each.
 * apt items go with the distro's own when it is apt (one apt-get install),
 * else to *other_apt; snap items to *snap. */
static int collect(const struct node *list, const struct backend *b, struct pkglist *generic,
                   struct pkglist *other_apt, struct pkglist *snap)
{
        struct pkglist *all[] = { generic, other_apt, snap };
        int r = 0;

        for (size_t i = 0; i < ELEMENTSOF(all); i++) {
                all[i]->v = calloc(MAX_PACKAGES, sizeof(char *));
                if (!all[i]->v)
                        return -ENOMEM;
        }
        for (size_t i = 0; list && i < list->n && r >= 0; i++) {
                const struct node *p = list->items[i];

                if (p->type != NODE_MAP) {
                        r = add_spec(generic, p, b->version_sep, i);
                        continue;
                }
                for (size_t j = 0; j + 1 < p->n && r >= 0; j += 2) {
                        const char *mgr = node_str(p->items[j]);
                        const struct node *pl = p->items[j + 1];
                        struct pkglist *to;
                        char sep = '=';
                        char pos[512];

                        schema_pos(p->items[j], pos, sizeof(pos));
                        if (mgr && streq(mgr, "apt")) {
                                to = streq(b->name, "apt") ? generic : other_apt;
                        } else if (mgr && streq(mgr, "snap")) {
                                to = snap;
                                sep = ' '; /* split again into name and channel */
                        } else {
                                log_error("%s: Cannot install packages under '%.64s' as it is "
                                          "not a supported package manager!",
                                          pos, mgr ? mgr : "?");
                                continue;
                        }
                        if (pl->type != NODE_SEQ) {
                                log_warning("%s: packages %s: must be a list; skipped", pos, mgr);
                                continue;
                        }
                        for (size_t k = 0; k < pl->n && r >= 0; k++)
                                r = add_spec(to, pl->items[k], sep, k);
                }
        }
        return r;
}

/* "snap install NAME [--channel=VERSION]", one at a time as cloud-init does. */
static int install_snaps(const struct module_ctx *ctx, const struct pkglist *snap)
{
        int r = 0;

        if (!snap->n)
                return 0;
        if (!sysconf_have(ctx->root_fd, "snap"))
                return log_error_errno(-ENOENT,
                                       "snap is not in the target; %zu snap package%s not "
                                       "installed",
                                       snap->n, snap->n == 1 ? "" : "s");
        for (size_t i = 0; i < snap->n; i++) {
                _cleanup_free_ char *channel = NULL;
                char *sp = strchr(snap->v[i], ' ');
                const char *argv[5] = { "snap", "install", snap->v[i], NULL, NULL };
                struct exec_opts o;
                int status = 0, k;

                if (sp) {
                        *sp = '\0';
                        if (asprintf(&channel, "--channel=%s", sp + 1) < 0)
                                return -ENOMEM;
                        argv[3] = channel;
                }
                exec_opts_target(ctx, &o);
                o.timeout_sec = 1800;
                k = exec_argv(&o, (char *const *)argv, &status);
                if (k >= 0 && status != 0)
                        k = -EPROTO;
                if (k < 0)
                        r = log_warning_errno(k, "Failed to 'snap install %s'!", snap->v[i]);
        }
        return r;
}

static int packages_run(const struct module_ctx *ctx)
{
        const struct node *list = node_get(ctx->cfg, "packages");
        bool update = node_get_bool(ctx->cfg, "package_update", false) ||
                      node_get_bool(ctx->cfg, "apt_update", false);
        bool upgrade = node_get_bool(ctx->cfg, "package_upgrade", false) ||
                       node_get_bool(ctx->cfg, "apt_upgrade", false);
        bool reboot = node_get_bool(ctx->cfg, "package_reboot_if_required", false) ||
                      node_get_bool(ctx->cfg, "apt_reboot_if_required", false);
        struct pkglist generic = { 0 }, other_apt = { 0 }, snap = { 0 };
        const struct backend *b;
        size_t n;
        int r = 0, k;

        if (!update && !upgrade && (!list || list->n == 0))
                return 0;
        b = pick_backend(ctx);
        if (!b)
                return log_error_errno(-ENOENT, "No package manager (apt-get, dnf, yum, zypper, "
                                                "apk, pacman) in the target; packages not "
                                                "installed");
        k = collect(list, b, &generic, &other_apt, &snap);
        if (k < 0) {
                pkglist_done(&generic);
                pkglist_done(&other_apt);
                pkglist_done(&snap);
                return k;
        }
        n = generic.n;
        if (update || upgrade || n) {
                k = run_action(ctx, b, UPDATE, NULL, 0);
                if (k < 0)
                        r = k;
        }
        if (upgrade) {
                k = run_action(ctx, b, UPGRADE, NULL, 0);
                if (k < 0)
                        r = k;
        }
        if (n) {
                k = run_action(ctx, b, INSTALL, generic.v, n);
                if (k < 0)
                        r = k;
                else
                        log_info("Installed %zu package%s with %s", n, n == 1 ? "" : "s", b->name);
        }
        if (other_apt.n)
                r = log_error_errno(-ENOENT,
                                    "packages: apt: the target's package manager is %s, not apt; "
                                    "%zu package%s not installed",
                                    b->name, other_apt.n, other_apt.n == 1 ? "" : "s");
        k = install_snaps(ctx, &snap);
        if (k < 0)
                r = k;
        pkglist_done(&generic);
        pkglist_done(&other_apt);
        pkglist_done(&snap);
        if (reboot && (upgrade || (list && list->n)) &&
            (fs_exists(ctx->root_fd, "/var/run/reboot-required") ||
             fs_exists(ctx->root_fd, "/run/reboot-needed"))) {
                if (!ctx->root_is_host) {
                        log_info("A reboot is required; not rebooting: the target is not this "
                                 "machine");
                } else {
                        const char *argv[] = { "/sbin/reboot", NULL };
                        log_info("Rebooting: the packages require it");
                        (void)fflush(NULL);
                        if (exec_ok(NULL, (char *const *)argv) < 0)
                                r = log_warning_errno(-EPROTO, "reboot failed");
                }
        }
        return r;
}

const struct module mod_packages = {
        .name = "package_update_upgrade_install",
        .freq = FREQ_INSTANCE,
        .keys = schema_keys,
        .activate_keys = activate,
        .run = packages_run,
};
