/* SPDX-License-Identifier: Apache-2.0 */
/* rsyslog (init stage, per instance): cloud-init's cc_rsyslog. `configs`
 * (strings, or {content, filename}) are written under config_dir
 * (/etc/rsyslog.d) to config_filename (20-cloud-config.conf) or their own
 * file, the first entry of a file replacing it and the next ones appended, a
 * newline added where missing; `remotes` (name: "[match] [@|@@]host[:port]")
 * become forwarding lines between "# begin remotes" and "# end remotes" as
 * cloud-init renders them, a line that does not parse skipped with a warning.
 * rsyslog is installed when install_rsyslog asks and check_exe is missing;
 * then service_reload_command ("auto": systemctl try-reload-or-restart
 * rsyslog on this machine; under --root nothing is reloaded) runs. The old
 * list form (rsyslog: [...], rsyslog_filename, rsyslog_dir) is read too. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "fs.h"
#include "log.h"
#include "module.h"
#include "schema.h"
#include "sysconf.h"

#define MAX_FILES 64
#define FILE_MAX (1u << 20)

static const struct schema s_str = { .types = T_STR };
static const struct schema s_bool = { .types = T_BOOL };
static const struct schema s_strs = { .types = T_SEQ, .items = &s_str };
static const struct schema_prop entry_props[] = { { "content", &s_str, false },
                                                  { "filename", &s_str, false },
                                                  { NULL, NULL, false } };
static const struct schema s_entry = { .types = T_STR | T_MAP, .props = entry_props };
static const struct schema s_configs = { .types = T_SEQ, .items = &s_entry };
static const struct schema s_remotes = { .types = T_MAP };
static const struct schema s_reload = { .types = T_STR | T_SEQ, .items = &s_str };
static const struct schema_prop rs_props[] = {
        { "config_dir", &s_str, false },
        { "config_filename", &s_str, false },
        { "configs", &s_configs, false },
        { "remotes", &s_remotes, false },
        { "service_reload_command", &s_reload, false },
        { "install_rsyslog", &s_bool, false },
        { "check_exe", &s_str, false },
        { "packages", &s_strs, false },
        { NULL, NULL, false },
};
static const struct schema s_rsyslog = {
        .types = T_MAP | T_SEQ, .props = rs_props, .items = &s_entry, .closed = true
};
static const struct schema_prop schema_keys[] = { { "rsyslog", &s_rsyslog, false },
                                                  { "rsyslog_filename", &s_str, false },
                                                  { "rsyslog_dir", &s_str, false },
                                                  { NULL, NULL, false } };
static const char *const activate[] = { "rsyslog", NULL };

struct out_file {
        char *path;
        struct buf data;
};

static bool path_ok(const char *s)
{
        return *s && !strstr(s, "..") && sysconf_word_ok(s, "/._-+@", 255);
}

/* cloud-init's SyslogRemotesLine, parsed from "[match] [@|@@]host[:port] [# comment]"
 * and printed back; -EINVAL (why in *why) when it does not parse. */
static int remote_line(const char *name, const char *line, struct buf *out, const char **why)
{
        _cleanup_free_ char *data = NULL;
        const char *hash = strchr(line, '#'), *comment = NULL, *match = "*.*", *hp;
        char *toks[3], *save = NULL, *addr, *port = NULL;
        size_t nt = 0, proto_at;
        const char *proto = "@";

        if (hash) {
                /* re.split on " *#+ *": exactly one run of '#' splits in two */
                const char *after = hash + strspn(hash, "#");
                if (strchr(after, '#'))
                        hash = NULL;
                else {
                        const char *d = hash;
                        while (d > line && d[-1] == ' ')
                                d--;
                        data = strndup(line, (size_t)(d - line));
                        comment = after + strspn(after, " ");
                }
        }
        if (!data)
                data = strdup(line);
        if (!data)
                return -ENOMEM;
        for (char *t = strtok_r(data, " \t", &save); t; t = strtok_r(NULL, " \t", &save)) {
                if (nt == 2) {
                        *why = "more than match and host";
                        return -EINVAL;
                }
                toks[nt++] = t;
        }
        if (nt == 0) {
                *why = "address is required";
                return -EINVAL;
        }
        if (nt == 2)
                match = toks[0];
        hp = toks[nt - 1];
        proto_at = strspn(hp, "@");
        if (proto_at > 2) {
                *why = "invalid host specification";
                return -EINVAL;
        }
        proto = proto_at == 2 ? "@@" : "@";
        addr = (char *)hp + proto_at;
        if (*addr == '[') {
                char *close = strchr(addr, ']');
                if (!close) {
                        *why = "invalid host specification";
                        return -EINVAL;
                }
                *close = '\0';
                addr++;
                port = close + 1;
        } else {
                char *colon = strchr(addr, ':');
                port = colon ? colon : addr + strlen(addr);
        }
        /* port: nothing, or ':' and digits */
        if (*port && (port[0] != ':' || !port[1] || port[1 + strspn(port + 1, "0123456789")] ||
                      strlen(port) > 10)) {
                *why = "invalid host specification";
                return -EINVAL;
        }
        if (*port == ':')
                *port++ = '\0';
        if (!*addr) {
                *why = "address is required";
                return -EINVAL;
        }
        if (!sysconf_word_ok(match, "*.,;!=_-", 256) || !sysconf_word_ok(addr, ".:-_%", 255)) {
                *why = "invalid host specification";
                return -EINVAL;
        }
        if (!name || !*name)
                name = comment;
        {
                /* int(port): leading zeros go, and a port 0 is not printed */
                unsigned long pn = *port ? strtoul(port, NULL, 10) : 0;
                char pbuf[24] = "";
                bool v6 = strchr(addr, ':');
                if (pn)
                        (void)snprintf(pbuf, sizeof(pbuf), ":%lu", pn);
                return buf_printf(out, "%s %s%s%s%s%s%s%s\n", match, proto, v6 ? "[" : "", addr,
                                  v6 ? "]" : "", pbuf, name && *name ? " # " : "",
                                  name && *name ? name : "");
        }
}

static struct out_file *file_for(struct out_file *files, size_t *n, const char *path)
{
        for (size_t i = 0; i < *n; i++)
                if (streq(files[i].path, path))
                        return &files[i];
        if (*n == MAX_FILES)
                return NULL;
        files[*n].path = strdup(path);
        files[*n].data = BUF_INIT(FILE_MAX);
        return files[*n].path ? &files[(*n)++] : NULL;
}

static int add_content(struct out_file *files, size_t *n, const char *dir, const char *name,
                       const char *content)
{
        char path[600];
        struct out_file *f;
        int r;
        (void)snprintf(path, sizeof(path), "%s%s%s", name[0] == '/' ? "" : dir,
                       name[0] == '/' || endswith(dir, "/") ? "" : "/", name);
        f = file_for(files, n, path);
        if (!f)
                return -E2BIG;
        r = buf_puts(&f->data, content);
        if (r >= 0 && (!*content || !endswith(content, "\n")))
                r = buf_putc(&f->data, '\n');
        return r;
}

static int rsyslog_run(const struct module_ctx *ctx)
{
        const struct node *rs = node_get(ctx->cfg, "rsyslog"), *configs, *remotes, *reload, *v;
        const char *dir = "/etc/rsyslog.d", *deffile = "20-cloud-config.conf";
        struct sysconf_target t = { .chroot = ctx->root, .is_host = ctx->root_is_host };
        struct out_file files[MAX_FILES];
        struct buf rem = BUF_INIT(FILE_MAX);
        size_t nf = 0;
        int r = 0, k;

        if (!rs)
                return 0;
        if (rs->type == NODE_SEQ) {
                configs = rs;
                rs = NULL;
                if (node_get_str(ctx->cfg, "rsyslog_filename"))
                        deffile = node_get_str(ctx->cfg, "rsyslog_filename");
                if (node_get_str(ctx->cfg, "rsyslog_dir"))
                        dir = node_get_str(ctx->cfg, "rsyslog_dir");
        } else
                configs = node_get(rs, "configs");
        if ((v = node_get(rs, "config_dir")) && node_str(v))
                dir = v->str;
        if ((v = node_get(rs, "config_filename")) && node_str(v))
                deffile = v->str;
        if (dir[0] != '/' || !path_ok(dir)) {
                sysconf_refuse(node_get(rs, "config_dir"), "rsyslog.config_dir",
                               "must be an absolute path without '..'");
                return -EINVAL;
        }
        if (!path_ok(deffile)) {
                sysconf_refuse(node_get(rs, "config_filename"), "rsyslog.config_filename",
                               "not a usable file name");
                return -EINVAL;
        }

        if (node_get_bool(rs, "install_rsyslog", false)) {
                const char *exe = node_get_str(rs, "check_exe");
                const struct node *pk = node_get(rs, "packages");
                const char *pkgs[16] = { "rsyslog" };
                size_t np = 1;
                if (pk) {
                        np = 0;
                        for (size_t i = 0; i < pk->n && np < 16; i++)
                                if (node_str(pk->items[i]) && *pk->items[i]->str != '-' &&
                                    sysconf_word_ok(pk->items[i]->str, ".+-_:", 128))
                                        pkgs[np++] = pk->items[i]->str;
                }
                if (!sysconf_have(ctx->root_fd,
                                  exe && sysconf_word_ok(exe, "/._-", 255) ? exe : "rsyslogd")) {
                        k = sysconf_install(&t, ctx->root_fd, pkgs, np);
                        if (k < 0)
                                r = k;
                }
        }

        for (size_t i = 0; configs && configs->type == NODE_SEQ && i < configs->n; i++) {
                const struct node *e = configs->items[i];
                const char *content = node_str(e), *fname = deffile;
                _cleanup_free_ char *stripped = NULL;
                if (e->type == NODE_MAP) {
                        const struct node *c = node_get(e, "content"), *f = node_get(e, "filename");
                        if (!c) {
                                log_warning("No 'content' entry in config entry %zu", i + 1);
                                continue;
                        }
                        content = node_str(c);
                        if (f) {
                                size_t b, n;
                                if (!node_str(f)) {
                                        sysconf_refuse(f, "rsyslog.configs.filename",
                                                       "must be a string");
                                        r = -EINVAL;
                                        continue;
                                }
                                b = strspn(f->str, " \t\n");
                                n = strlen(f->str + b);
                                while (n && strchr(" \t\n", f->str[b + n - 1]))
                                        n--;
                                stripped = strndup(f->str + b, n);
                                if (!stripped)
                                        return -ENOMEM;
                                if (!*stripped) {
                                        log_warning("Entry %zu has an empty filename", i + 1);
                                        continue;
                                }
                                if (!path_ok(stripped)) {
                                        sysconf_refuse(f, "rsyslog.configs.filename",
                                                       "not a usable file name");
                                        r = -EINVAL;
                                        continue;
                                }
                                fname = stripped;
                        }
                }
                if (!content || !sysconf_text_ok(content)) {
                        sysconf_refuse(e, "rsyslog.configs",
                                       "content must be text without control characters");
                        r = -EINVAL;
                        continue;
                }
                k = add_content(files, &nf, dir, fname, content);
                if (k < 0) {
                        r = log_error_errno(k, "rsyslog: too many or too large files");
                        break;
                }
        }
        remotes = node_get(rs, "remotes");
        if (remotes && remotes->type == NODE_MAP && remotes->n) {
                k = buf_puts(&rem, "# begin remotes\n");
                for (size_t i = 0; k >= 0 && i + 1 < remotes->n; i += 2) {
                        const char *name = node_str(remotes->items[i]);
                        const struct node *lv = remotes->items[i + 1];
                        const char *why = NULL;
                        size_t before = rem.len;
                        if (lv->type == NODE_NULL || (node_str(lv) && !*lv->str))
                                continue;
                        if (!name || !sysconf_line_ok(name) || strchr(name, '#') || !node_str(lv) ||
                            !sysconf_line_ok(lv->str)) {
                                sysconf_refuse(lv, "rsyslog.remotes",
                                               "name and line must be one line of text");
                                r = -EINVAL;
                                continue;
                        }
                        k = remote_line(name, lv->str, &rem, &why);
                        if (k == -EINVAL) {
                                char pos[512];
                                schema_pos(lv, pos, sizeof(pos));
                                log_warning("%s: failed loading remote %s: %s", pos, name, why);
                                rem.len = before;
                                rem.data[before] = '\0';
                                k = 0;
                        }
                }
                if (k >= 0)
                        k = buf_puts(&rem, "# end remotes\n");
                if (k >= 0)
                        k = add_content(files, &nf, dir, deffile, rem.data);
                if (k < 0)
                        r = log_error_errno(k, "rsyslog: remotes too large");
        }
        buf_free(&rem);
        for (size_t i = 0; i < nf; i++) {
                k = fs_write_atomic(ctx->root_fd, files[i].path,
                                    files[i].data.data ? files[i].data.data : "", files[i].data.len,
                                    0644, FS_NO_OWNER, (gid_t)-1);
                if (k < 0)
                        r = log_error_errno(k, "Failed to write to %s: %m", files[i].path);
                else
                        log_info("Wrote %s", files[i].path);
                free(files[i].path);
                buf_free(&files[i].data);
        }
        if (nf == 0)
                return r;

        reload = node_get(rs, "service_reload_command");
        if (!reload || (node_str(reload) && streq(reload->str, "auto"))) {
                const char *svc =
                        node_get_str(node_get(ctx->cfg, "system_info"), "rsyslog_svcname");
                if (!svc || !sysconf_word_ok(svc, "._@-", 128))
                        svc = "rsyslog";
                if (!ctx->root_is_host)
                        log_info("%s not reloaded: the target is not this machine", svc);
                else {
                        k = sysconf_service(&t, ctx->root_fd, svc, "try-reload-or-restart");
                        if (k < 0)
                                log_warning("Failed to reload syslog");
                }
        } else {
                const char *argv[33];
                size_t n = 0;
                if (node_str(reload))
                        argv[n++] = reload->str;
                for (size_t i = 0; reload->type == NODE_SEQ && i < reload->n && n < 32; i++)
                        if (node_str(reload->items[i]))
                                argv[n++] = reload->items[i]->str;
                argv[n] = NULL;
                if (n == 0 || !sysconf_line_ok(argv[0]))
                        sysconf_refuse(reload, "rsyslog.service_reload_command",
                                       "must be a command");
                else {
                        /* a command, not this machine's service: run where the files are */
                        k = sysconf_run(&t, argv, NULL, NULL, 0, 120, NULL);
                        if (k < 0)
                                log_warning("Failed to reload syslog");
                }
        }
        return r;
}

const struct module mod_rsyslog = {
        .name = "rsyslog",
        .freq = FREQ_INSTANCE,
        .keys = schema_keys,
        .activate_keys = activate,
        .run = rsyslog_run,
};
