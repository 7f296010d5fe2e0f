/* SPDX-License-Identifier: Apache-2.0 */
/* resolv_conf (config stage, per instance): cloud-init's cc_resolv_conf.
 * With manage_resolv_conf true, resolv_conf's nameservers, searchdomains,
 * domain, sortlist and options become the distro's resolver file as
 * cloud-init's templates render it: /etc/resolv.conf (resolv.conf.tmpl), or
 * /etc/systemd/resolved.conf (systemd.resolved.conf.tmpl) on photon, mariner
 * and azurelinux. Like cloud-init, it runs only on the distros its metadata
 * names (not Debian or Ubuntu, where the resolver owns the file) unless
 * unverified_modules names it. Every value is checked: addresses with
 * inet_pton, domains as DNS names, options as words. A symlink at the file
 * (systemd-resolved's stub, resolvconf's) is not replaced, and that is said. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "buf.h"
#include "fs.h"
#include "log.h"
#include "module.h"
#include "schema.h"
#include "sysconf.h"
#include "valid.h"

#define ITEMS_MAX 64

static const struct schema s_bool = { .types = T_BOOL };
static const struct schema s_map = { .types = T_MAP };
static const struct schema s_list = { .types = T_SEQ };
static const struct schema_prop schema_keys[] = { { "manage_resolv_conf", &s_bool, false },
                                                  { "resolv_conf", &s_map, false },
                                                  { "unverified_modules", &s_list, false },
                                                  { NULL, NULL, false } };
static const char *const activate[] = { "manage_resolv_conf", NULL };

/* cc_resolv_conf's meta "distros" (25.x). */
static const char *const distros[] = { "alpine",     "azurelinux",        "fedora",
                                       "mariner",    "opensuse",          "opensuse-leap",
                                       "opensuse-microos", "opensuse-tumbleweed", "photon",
                                       "rhel",       "sle_hpc",           "sle-micro",
                                       "sles",       "openeuler",         NULL };
/* The distros whose resolve_conf_fn is systemd-resolved's configuration. */
static const char *const resolved_distros[] = { "photon", "mariner", "azurelinux", "aosc", NULL };

static const char header[] =
        "# Your system has been configured with 'manage-resolv-conf' set to true.\n"
        "# As a result, cloud-init has written this file with configuration data\n"
        "# that it has been provided. Cloud-init, by default, will write this file\n"
        "# a single time (PER_ONCE).\n"
        "#\n";

static bool in_list(const char *const *list, const char *s)
{
        for (; *list; list++)
                if (streq(*list, s))
                        return true;
        return false;
}

static const char *check_sort(const char *s)
{
        _cleanup_free_ char *addr = strdup(s);
        char *slash = addr ? strchr(addr, '/') : NULL;
        if (!addr)
                return "out of memory";
        if (slash)
                *slash++ = '\0';
        /* the netmask as glibc reads it (inet_aton): dotted, or one number */
        if (valid_ip(addr, NULL) ||
            (slash && valid_ip(slash, NULL) &&
             !(*slash && strlen(slash) <= 10 && strspn(slash, "0123456789") == strlen(slash))))
                return "must be an address, or address/netmask";
        return NULL;
}

static const char *check_ip(const char *s)
{
        return valid_ip(s, NULL);
}

/* A list of strings each passing check, appended as "<pre>item<post>". Bad
 * items are reported and left out; *bad is set. */
static void put_list(struct buf *b, const struct node *list, const char *key,
                     const char *(*check)(const char *), const char *pre, const char *post,
                     bool *bad)
{
        if (list->type != NODE_SEQ || list->n > ITEMS_MAX) {
                sysconf_refuse(list, key, "must be a list of at most 64 items");
                *bad = true;
                return;
        }
        for (size_t i = 0; i < list->n; i++) {
                const char *s = node_str(list->items[i]), *why = s ? check(s) : "must be a string";
                char msg[160];
                if (why) {
                        (void)snprintf(msg, sizeof(msg), "%s", why);
                        sysconf_refuse(list->items[i], key, msg);
                        *bad = true;
                        continue;
                }
                (void)buf_printf(b, "%s%s%s", pre, s, post);
        }
}

/* "options": true flags in their order, then key:value sorted by key. */
static int cmp_str(const void *a, const void *b)
{
        return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static void put_options(struct buf *b, const struct node *opts, bool *bad)
{
        const char *keys[ITEMS_MAX];
        struct buf line = BUF_INIT(8192);
        size_t nk = 0;

        if (opts->type != NODE_MAP || opts->n / 2 > ITEMS_MAX) {
                sysconf_refuse(opts, "resolv_conf.options",
                               "must be a mapping of at most 64 options");
                *bad = true;
                return;
        }
        for (size_t i = 0; i + 1 < opts->n; i += 2) {
                const struct node *k = opts->items[i], *v = opts->items[i + 1];
                if (!node_str(k) || !sysconf_word_ok(k->str, "-_", 64)) {
                        sysconf_refuse(k, "resolv_conf.options", "an option is a word");
                        *bad = true;
                } else if (v->type == NODE_BOOL) {
                        if (v->b)
                                (void)buf_printf(&line, " %s", k->str);
                } else if (v->type == NODE_INT ||
                           (node_str(v) && sysconf_word_ok(v->str, "-_.", 64))) {
                        keys[nk++] = k->str;
                } else {
                        sysconf_refuse(v, "resolv_conf.options",
                                       "a value is true, false, a number or a word");
                        *bad = true;
                }
        }
        qsort(keys, nk, sizeof(keys[0]), cmp_str);
        for (size_t i = 0; i < nk; i++) {
                const struct node *v = node_get(opts, keys[i]);
                if (v->type == NODE_INT)
                        (void)buf_printf(&line, " %s:%lld", keys[i], v->i);
                else
                        (void)buf_printf(&line, " %s:%s", keys[i], v->str);
        }
        if (line.len)
                (void)buf_printf(b, "options%s\n", line.data);
        if (buf_error(&line) < 0)
                b->error = buf_error(&line);
        buf_free(&line);
}

static bool render_resolv_conf(struct buf *b, const struct node *rc)
{
        const struct node *v;
        bool bad = false;

        (void)buf_puts(b, header);
        if ((v = node_get(rc, "nameservers"))) {
                put_list(b, v, "resolv_conf.nameservers", check_ip, "nameserver ", "\n", &bad);
                (void)buf_putc(b, '\n');
        }
        if ((v = node_get(rc, "searchdomains"))) {
                (void)buf_puts(b, "search ");
                put_list(b, v, "resolv_conf.searchdomains", valid_dns_name, "", " ", &bad);
                (void)buf_putc(b, '\n');
        }
        if ((v = node_get(rc, "domain"))) {
                const char *why = node_str(v) ? valid_dns_name(v->str) : "must be a string";
                if (why) {
                        sysconf_refuse(v, "resolv_conf.domain", why);
                        bad = true;
                } else
                        (void)buf_printf(b, "domain %s\n", v->str);
        }
        if ((v = node_get(rc, "sortlist"))) {
                (void)buf_puts(b, "\nsortlist ");
                put_list(b, v, "resolv_conf.sortlist", check_sort, "", " ", &bad);
        }
        (void)buf_putc(b, '\n');
        if ((v = node_get(rc, "options")))
                put_options(b, v, &bad);
        return !bad;
}

static bool render_resolved_conf(struct buf *b, const struct node *rc)
{
        const struct node *v;
        bool bad = false;

        (void)buf_printf(b, "%s[Resolve]\nLLMNR=false\n", header);
        if ((v = node_get(rc, "nameservers"))) {
                (void)buf_puts(b, "DNS=");
                put_list(b, v, "resolv_conf.nameservers", check_ip, "", " ", &bad);
        }
        (void)buf_putc(b, '\n');
        if ((v = node_get(rc, "searchdomains"))) {
                (void)buf_puts(b, "Domains=");
                put_list(b, v, "resolv_conf.searchdomains", valid_dns_name, "", " ", &bad);
        }
        (void)buf_putc(b, '\n');
        /* the template has no place for the rest: say so rather than drop it */
        for (size_t i = 0; i + 1 < rc->n; i += 2) {
                const char *k = node_str(rc->items[i]);
                if (k && !streq(k, "nameservers") && !streq(k, "searchdomains"))
                        log_warning("resolv_conf.%s: systemd-resolved's configuration has no "
                                    "place for it; not applied",
                                    k);
        }
        return !bad;
}

static bool unverified(const struct node *cfg)
{
        const struct node *u = node_get(cfg, "unverified_modules");
        for (size_t i = 0; u && u->type == NODE_SEQ && i < u->n; i++) {
                const char *s = node_str(u->items[i]);
                if (s && (streq(s, "resolv_conf") || streq(s, "cc_resolv_conf")))
                        return true;
        }
        return false;
}

static int resolv_conf_run(const struct module_ctx *ctx)
{
        const struct node *rc = node_get(ctx->cfg, "resolv_conf");
        const char *distro = node_get_str(node_get(ctx->cfg, "system_info"), "distro");
        struct buf b = BUF_INIT(64 * 1024);
        const char *path;
        struct stat st;
        bool ok;
        int r;

        if (!node_get(ctx->cfg, "manage_resolv_conf")) {
                log_debug("Skipping module named resolv_conf, no 'manage_resolv_conf' key in "
                          "configuration");
                return 0;
        }
        if (!node_get_bool(ctx->cfg, "manage_resolv_conf", false)) {
                log_debug("Skipping module named resolv_conf, 'manage_resolv_conf' present but "
                          "set to False");
                return 0;
        }
        if (!distro)
                distro = "debian";
        if (!in_list(distros, distro) && !unverified(ctx->cfg)) {
                log_info("Skipping modules 'resolv_conf' because they are not verified on "
                         "distro '%s'.  To run anyway, add them to 'unverified_modules' in "
                         "config.",
                         distro);
                return 0;
        }
        if (!rc || rc->type != NODE_MAP) {
                log_warning("manage_resolv_conf True but no parameters provided!");
                return 0;
        }
        if (in_list(resolved_distros, distro)) {
                path = "/etc/systemd/resolved.conf";
                ok = render_resolved_conf(&b, rc);
        } else {
                path = "/etc/resolv.conf";
                ok = render_resolv_conf(&b, rc);
        }
        if (!ok) {
                buf_free(&b);
                log_error("%s not written: resolv_conf has values that cannot go there", path);
                return -EINVAL;
        }
        if (fs_stat(ctx->root_fd, path, /* follow= */ false, &st) >= 0 && S_ISLNK(st.st_mode)) {
                buf_free(&b);
                log_warning("%s is a symbolic link (systemd-resolved's stub or resolvconf's): "
                            "the resolver owns it, not replaced; remove the link first to let "
                            "resolv_conf write the file",
                            path);
                return 0;
        }
        r = fs_write_buf(ctx->root_fd, path, &b, 0644, FS_NO_OWNER, (gid_t)-1);
        buf_free(&b);
        if (r < 0)
                return log_error_errno(r, "Cannot write %s: %m", path);
        log_info("Wrote %s", path);
        return 0;
}

const struct module mod_resolv_conf = {
        .name = "resolv_conf",
        .freq = FREQ_INSTANCE,
        .keys = schema_keys,
        .activate_keys = activate,
        .run = resolv_conf_run,
};
