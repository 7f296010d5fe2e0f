/* SPDX-License-Identifier: Apache-2.0 */
/* locale (config stage, per instance): cloud-init's cc_locale on Debian.
 * The locale is `locale`, else the system's LANG (from locale_configfile,
 * /etc/default/locale by default), else C.UTF-8; `locale: false` skips the
 * module. When it differs from the system's, or the file is missing, the
 * locale is enabled in /etc/locale.gen (its line as /usr/share/i18n/SUPPORTED
 * spells it) and generated with locale-gen --keep-existing (C and POSIX need
 * none); then update-locale writes LANG to the file. Both tools run in the
 * target, the locales package installed there first when they are missing;
 * but a locale of the C library's own (C, C.UTF-8, POSIX) on a system without
 * update-locale is written to the file directly, as update-locale writes it
 * (cloud-init fails there; a minimal Debian has no locales package). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "fs.h"
#include "log.h"
#include "module.h"
#include "schema.h"
#include "sysconf.h"

#define LOCALE_CONF_FN "/etc/default/locale"
#define LOCALE_GEN_FN "/etc/locale.gen"
#define SUPPORTED_FN "/usr/share/i18n/SUPPORTED"
#define DEFAULT_LOCALE "C.UTF-8"

static const struct schema s_locale = { .types = T_STR | T_BOOL };
static const struct schema s_str = { .types = T_STR };
static const struct schema_prop schema_keys[] = { { "locale", &s_locale, false },
                                                  { "locale_configfile", &s_str, false },
                                                  { NULL, NULL, false } };

static const char *const locale_env[] = { "LANGUAGE=" DEFAULT_LOCALE, "LANG=" DEFAULT_LOCALE,
                                          "LC_ALL=" DEFAULT_LOCALE, NULL };

static bool locale_ok(const char *s)
{
        return sysconf_word_ok(s, "_.@-", 128);
}

/* LANG= of a shell-style file (quotes removed), or NULL. */
static char *read_lang(int root_fd, const char *path)
{
        _cleanup_free_ char *data = NULL;
        if (fs_read_file(root_fd, path, 65536, &data, NULL) < 0)
                return NULL;
        for (char *l = data; l && *l;) {
                char *eol = strchr(l, '\n');
                if (eol)
                        *eol = '\0';
                l += strspn(l, " \t");
                if (startswith(l, "export "))
                        l += 7;
                if (startswith(l, "LANG=")) {
                        char *v = l + 5;
                        size_t n;
                        if (*v == '"' || *v == '\'')
                                v++;
                        n = strcspn(v, "\"' \t");
                        return n ? strndup(v, n) : NULL;
                }
                l = eol ? eol + 1 : NULL;
        }
        return NULL;
}

static bool charset_char(char c)
{
        return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
               c == '-';
}

/* cloud-init's _lookup_supported_i18n_value: the SUPPORTED line for the
 * locale ("fi_FI.UTF-8 UTF-8"), preferring UTF-8 when no charset is asked. */
static char *supported_line(int root_fd, const char *req)
{
        _cleanup_free_ char *data = NULL, *prefix = NULL;
        const char *charset = NULL, *p = req;
        size_t base = strspn(req, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz_");
        size_t cslen = 0;
        char *first = NULL, *utf8 = NULL, *exact = NULL, *ret;
        bool parsed = base > 0;

        p = req + base;
        if (parsed && *p == '.') {
                charset = ++p;
                while (charset_char(*p))
                        p++;
                cslen = (size_t)(p - charset);
                parsed = cslen > 0;
        }
        if (parsed && *p == '@') {
                const char *m = ++p;
                while (charset_char(*p) || *p == '_')
                        p++;
                parsed = p > m;
        }
        parsed = parsed && *p == '\0';
        if (!parsed) {
                prefix = strdup(req);
                charset = NULL;
        } else {
                const char *mod = strchr(req, '@');
                struct buf b = BUF_INIT(512);
                if (buf_printf(&b, "%.*s%s", (int)base, req, mod ? mod : "") < 0)
                        return NULL;
                prefix = buf_steal(&b, NULL);
        }
        if (!prefix)
                return NULL;
        (void)fs_read_file(root_fd, SUPPORTED_FN, 1u << 20, &data, NULL);
        for (char *l = data; l && *l;) {
                char *eol = strchr(l, '\n'), *s, *name_end, *rest;
                size_t plen = strlen(prefix);
                if (eol)
                        *eol = '\0';
                s = l + strspn(l, " \t");
                l = eol ? eol + 1 : NULL;
                /* prefix, optional .charset, optional @mod, blanks, one word */
                if (strncmp(s, prefix, plen) != 0)
                        continue;
                name_end = s + plen;
                if (*name_end == '.') {
                        name_end++;
                        if (!*name_end || strchr(" \t@", *name_end))
                                continue;
                        name_end += strcspn(name_end, " \t@");
                }
                if (*name_end == '@') {
                        name_end++;
                        if (!*name_end || strchr(" \t", *name_end))
                                continue;
                        name_end += strcspn(name_end, " \t");
                }
                if (!*name_end || !strchr(" \t", *name_end))
                        continue;
                rest = name_end + strspn(name_end, " \t");
                if (!*rest || rest[strcspn(rest, " \t")] != '\0')
                        continue;
                /* candidates are kept stripped */
                while (*s && strchr(" \t\r", s[strlen(s) - 1]))
                        s[strlen(s) - 1] = '\0';
                if (!first)
                        first = s;
                if (charset && !exact && s[plen] == '.' &&
                    strncmp(s + plen + 1, charset, cslen) == 0 &&
                    strchr(" \t@", s[plen + 1 + cslen]))
                        exact = s;
                if (!utf8 && strlen(rest) == 5 && strncasecmp(rest, "UTF-8", 5) == 0)
                        utf8 = s;
        }
        if (!first) {
                struct buf b = BUF_INIT(512);
                const char *cs = charset ? charset : "UTF-8";
                int n = charset ? (int)cslen : 5;
                if (buf_printf(&b, "%s.%.*s %.*s", prefix, n, cs, n, cs) < 0)
                        return NULL;
                return buf_steal(&b, NULL);
        }
        ret = strdup(exact ? exact : utf8 ? utf8 : first);
        return ret;
}

/* Enable line in /etc/locale.gen, as cloud-init's regenerate_locale edits it. */
static int enable_in_locale_gen(int root_fd, const char *line)
{
        _cleanup_free_ char *data = NULL;
        struct buf out = BUF_INIT(1u << 20);
        bool found = false;
        int r = 0;

        if (fs_read_file(root_fd, LOCALE_GEN_FN, 1u << 20, &data, NULL) < 0)
                data = NULL;
        for (char *l = data; l && *l && r >= 0;) {
                char *eol = strchr(l, '\n'), *s;
                size_t n;
                if (eol)
                        *eol = '\0';
                s = l + strspn(l, " \t\r\f\v");
                n = strlen(s);
                while (n && strchr(" \t\r\f\v", s[n - 1]))
                        n--;
                if (n) {
                        char *t = s;
                        size_t k;
                        t += strspn(t, "# ");
                        if (*t == '#')
                                t++;
                        t += strspn(t, " \t\r\f\v");
                        k = (size_t)(s + n - t);
                        if (k == strlen(line) && strncmp(t, line, k) == 0) {
                                r = buf_printf(&out, "%s\n", line);
                                found = true;
                        } else
                                r = buf_printf(&out, "%s\n", l);
                } else
                        r = buf_printf(&out, "%s\n", l);
                l = eol ? eol + 1 : NULL;
        }
        if (r >= 0 && !found)
                r = buf_printf(&out, "%s\n", line);
        /* "\n".join(lines).rstrip() + "\n" */
        while (r >= 0 && out.len && strchr(" \t\n\r", out.data[out.len - 1]))
                out.data[--out.len] = '\0';
        if (r >= 0)
                r = buf_putc(&out, '\n');
        if (r >= 0)
                r = fs_write_atomic(root_fd, LOCALE_GEN_FN, out.data, out.len, 0644, FS_NO_OWNER,
                                    (gid_t)-1);
        buf_free(&out);
        return r;
}

/* update-locale's edit without it: LANG= replaced in (or added to) file, the
 * other lines kept. Only for the locales built into the C library (C.UTF-8,
 * C, POSIX), which need no locales package. */
static int write_lang(int root_fd, const char *file, const char *locale)
{
        _cleanup_free_ char *data = NULL;
        struct buf out = BUF_INIT(65536 + 256);
        int r = 0;

        char real[PATH_MAX];

        /* through Debian's link (/etc/default/locale -> /etc/locale.conf), as
         * update-locale writes: the link stays */
        if (fs_link_target(root_fd, file, real, sizeof(real)) >= 0)
                file = real;
        if (fs_read_file(root_fd, file, 65536, &data, NULL) < 0)
                data = NULL;
        for (char *l = data; l && *l && r >= 0;) {
                char *eol = strchr(l, '\n'), *k;
                if (eol)
                        *eol = '\0';
                k = l + strspn(l, " \t");
                if (startswith(k, "export "))
                        k += 7;
                if (!startswith(k, "LANG="))
                        r = buf_printf(&out, "%s\n", l);
                l = eol ? eol + 1 : NULL;
        }
        if (r >= 0)
                r = buf_printf(&out, "LANG=%s\n", locale);
        if (r >= 0)
                r = fs_write_atomic(root_fd, file, out.data, out.len, 0644, FS_NO_OWNER,
                                    (gid_t)-1);
        buf_free(&out);
        return r;
}

static int ensure_tool(const struct module_ctx *ctx, const struct sysconf_target *t,
                       const char *tool)
{
        const char *pkgs[] = { "locales" };
        if (sysconf_have(ctx->root_fd, tool))
                return 0;
        return sysconf_install(t, ctx->root_fd, pkgs, 1);
}

static int locale_run(const struct module_ctx *ctx)
{
        const struct node *v = node_get(ctx->cfg, "locale"), *fnode;
        const char *file = LOCALE_CONF_FN, *locale;
        struct sysconf_target t = { .chroot = ctx->root, .is_host = ctx->root_is_host };
        _cleanup_free_ char *sys = NULL, *arg = NULL, *line = NULL, *fileopt = NULL;
        bool need_regen, builtin;
        int r;

        if (v && v->type == NODE_BOOL && !v->b) {
                log_info("locale: disabled by config");
                return 0;
        }
        if (v && (v->type != NODE_STR || !locale_ok(v->str))) {
                sysconf_refuse(v, "locale", "must be a locale name (like en_US.UTF-8)");
                return -EINVAL;
        }
        fnode = node_get(ctx->cfg, "locale_configfile");
        if (node_str(fnode)) {
                if (fnode->str[0] != '/' || strstr(fnode->str, "..") ||
                    !sysconf_word_ok(fnode->str, "/._-", 255)) {
                        sysconf_refuse(fnode, "locale_configfile", "must be an absolute path");
                        return -EINVAL;
                }
                file = fnode->str;
        }
        sys = read_lang(ctx->root_fd, LOCALE_CONF_FN);
        if (sys && !locale_ok(sys)) {
                free(sys);
                sys = NULL;
        }
        locale = v ? v->str : sys ? sys : DEFAULT_LOCALE;
        need_regen = !sys || strcasecmp(locale, sys) != 0 || !fs_exists(ctx->root_fd, file);

        builtin = !strcasecmp(locale, "C") || !strcasecmp(locale, "C.UTF-8") ||
                  !strcasecmp(locale, "C.utf8") || !strcasecmp(locale, "POSIX");
        /* nothing asked, a locale to generate and nothing to do it with: a
         * tree without locales (cloud-init would fail here). The default,
         * C.UTF-8, is written as cloud-init's update-locale writes it. */
        if (!v && !builtin && !sysconf_have(ctx->root_fd, "update-locale")) {
                log_info("locale: no locale configured and no update-locale in the target; "
                         "nothing done");
                return 0;
        }
        if (!need_regen) {
                log_info("locale: the system has LANG=%s already", sys);
                return 0;
        }
        if (!builtin) {
                const char *argv[] = { "locale-gen", "--keep-existing", NULL };
                (void)ensure_tool(ctx, &t, "locale-gen");
                line = supported_line(ctx->root_fd, locale);
                if (!line || !sysconf_line_ok(line))
                        return log_error_errno(-ENOMEM, "locale: cannot look %s up", locale);
                r = enable_in_locale_gen(ctx->root_fd, line);
                if (r < 0)
                        return log_error_errno(r, "Cannot write %s: %m", LOCALE_GEN_FN);
                r = sysconf_run(&t, argv, locale_env, NULL, 0, 1800, NULL);
                if (r < 0)
                        return log_error_errno(r, "locale-gen failed");
                log_info("Generated locale %s", line);
        }
        if (builtin && !sysconf_have(ctx->root_fd, "update-locale")) {
                /* a minimal system without the locales package: the C
                 * library's own locale needs none, the file is written directly */
                r = write_lang(ctx->root_fd, file, locale);
                if (r < 0)
                        return log_error_errno(r, "Cannot write %s: %m", file);
                log_info("Set LANG=%s in %s (no update-locale in the target: the file "
                         "written directly)",
                         locale, file);
                return 0;
        }
        (void)ensure_tool(ctx, &t, "update-locale");
        if (asprintf(&fileopt, "--locale-file=%s", file) < 0 ||
            asprintf(&arg, "LANG=%s", locale) < 0)
                return -ENOMEM;
        {
                const char *argv[] = { "update-locale", fileopt, arg, NULL };
                r = sysconf_run(&t, argv, locale_env, NULL, 0, 300, NULL);
        }
        if (r < 0)
                return log_error_errno(r, "update-locale failed");
        log_info("Set LANG=%s in %s", locale, file);
        return 0;
}

const struct module mod_locale = {
        .name = "locale",
        .freq = FREQ_INSTANCE,
        .keys = schema_keys,
        .activate_keys = NULL,
        .run = locale_run,
};
