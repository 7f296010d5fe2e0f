/* SPDX-License-Identifier: Apache-2.0 */
/* update_etc_hosts (init stage, every boot): cloud-init's cc_update_etc_hosts.
 * manage_etc_hosts: true (or the older "template") renders /etc/hosts from
 * /etc/cloud/templates/hosts.<distro>.tmpl, or a built-in Debian template,
 * every boot; "localhost" only makes sure the loopback line names this host;
 * false (the default) leaves the file alone. */
#include <stdio.h>
#include <string.h>

#include "fs.h"
#include "hostnames.h"
#include "log.h"
#include "module.h"
#include "template.h"

#define HOSTS_MAX (1u << 20)

static const struct schema s_bool_or_str = { .types = T_BOOL | T_STR };
static const struct schema s_str = { .types = T_STR };
static const struct schema s_bool = { .types = T_BOOL };
static const struct schema_prop schema_keys[] = {
        { "manage_etc_hosts", &s_bool_or_str, false },
        { "hostname", &s_str, false },
        { "fqdn", &s_str, false },
        { "prefer_fqdn_over_hostname", &s_bool, false },
        { NULL, NULL, false },
};
static const char *const activate[] = { "manage_etc_hosts", NULL };

static const char builtin_template[] =
        "## template:jinja\n"
        "# Your system has configured 'manage_etc_hosts' as True.\n"
        "# As a result, if you wish for changes to this file to persist\n"
        "# then you will need to either\n"
        "# a.) make changes to the master file in /etc/cloud/templates/hosts.debian.tmpl\n"
        "# b.) change or remove the value of 'manage_etc_hosts' in\n"
        "#     /etc/cloud/cloud.cfg or cloud-config from user-data\n"
        "#\n"
        "127.0.1.1 {{fqdn}} {{hostname}}\n"
        "127.0.0.1 localhost\n"
        "\n"
        "# The following lines are desirable for IPv6 capable hosts\n"
        "::1 localhost ip6-localhost ip6-loopback\n"
        "ff02::1 ip6-allnodes\n"
        "ff02::2 ip6-allrouters\n"
        "\n"; /* Debian's template ends with an empty line, and so does its /etc/hosts */

/* The template without its jinja comments, as cloud-init's renderer (jinja,
 * trim_blocks) leaves it: "{# ... #}" goes with the newline after it, "-#}"
 * takes all the whitespace after it, "{#-" the whitespace before it. */
static int strip_comments(const char *text, struct buf *out)
{
        const char *p = text;
        int r = 0;

        while (r >= 0 && *p) {
                const char *open = strstr(p, "{#"), *close;

                if (!open)
                        return buf_puts(out, p);
                close = strstr(open + 2, "#}");
                if (!close) /* unterminated: jinja would refuse; keep the text */
                        return buf_puts(out, p);
                r = buf_append(out, p, (size_t)(open - p));
                if (open[2] == '-')
                        while (out->len > 0 && strchr(" \t\r\n", out->data[out->len - 1]))
                                out->len--;
                p = close + 2;
                if (close > open + 2 && close[-1] == '-')
                        p += strspn(p, " \t\r\n");
                else if (*p == '\n')
                        p++;
        }
        return r;
}

static int render_template(const struct module_ctx *ctx, const struct host_names *n)
{
        const char *distro = node_get_str(node_get(ctx->cfg, "system_info"), "distro");
        const struct template_var vars[] = { { "fqdn", n->fqdn },
                                             { "hostname", n->hostname },
                                             { NULL, NULL } };
        _cleanup_free_ char *tmpl = NULL;
        struct buf out = BUF_INIT(HOSTS_MAX), bare = BUF_INIT(HOSTS_MAX);
        const char *text = builtin_template;
        char path[256];
        int r;

        (void)snprintf(path, sizeof(path), "/etc/cloud/templates/hosts.%s.tmpl",
                       distro ? distro : "debian");
        if (fs_read_file(ctx->root_fd, path, HOSTS_MAX, &tmpl, NULL) >= 0)
                text = tmpl;
        /* The template header line is for the renderer, not for /etc/hosts. */
        if (strncmp(text, "## template:", 12) == 0 && strchr(text, '\n'))
                text = strchr(text, '\n') + 1;
        r = strip_comments(text, &bare);
        if (r >= 0)
                r = template_render(bare.data ? bare.data : "", vars, &out);
        if (r >= 0)
                r = fs_write_buf(ctx->root_fd, "/etc/hosts", &out, 0644, FS_NO_OWNER, (gid_t)-1);
        buf_free(&bare);
        buf_free(&out);
        if (r < 0)
                return log_error_errno(r, "Cannot write /etc/hosts: %m");
        return 0;
}

/* Words of an /etc/hosts entry, tab-separated into out (Python's split()). */
static int put_words(struct buf *out, const char *p, const char *end)
{
        bool first = true;
        int r = 0;

        while (r >= 0) {
                const char *w;

                while (p < end && strchr(" \t\r\v\f", *p))
                        p++;
                if (p >= end)
                        break;
                w = p;
                while (p < end && !strchr(" \t\r\v\f", *p))
                        p++;
                if (!first)
                        r = buf_putc(out, '\t');
                if (r >= 0)
                        r = buf_append(out, w, (size_t)(p - w));
                first = false;
        }
        return r;
}

/* Does the entry (the words after the address) say fqdn first and hostname
 * among the rest? */
static bool entry_names(const char *p, const char *end, const struct host_names *n)
{
        size_t lf = strlen(n->fqdn), lh = strlen(n->hostname);
        bool first = true;

        while (p < end) {
                const char *w;

                while (p < end && strchr(" \t\r\v\f", *p))
                        p++;
                if (p >= end)
                        break;
                w = p;
                while (p < end && !strchr(" \t\r\v\f", *p))
                        p++;
                if (first && ((size_t)(p - w) != lf || strncmp(w, n->fqdn, lf) != 0))
                        return false;
                if (!first && (size_t)(p - w) == lh && strncmp(w, n->hostname, lh) == 0)
                        return true;
                first = false;
        }
        return false;
}

/* manage_etc_hosts: localhost, as cloud-init's Debian distro does it: parse
 * the file (blank and comment lines kept as they are, every entry re-joined
 * with tabs), and unless a 127.0.1.1 entry already names fqdn then hostname,
 * move the 127.0.1.1 entries to the end and add "127.0.1.1 fqdn hostname";
 * a file that was not there gets an "Added by" header. cloud-init writes one
 * more newline after the text; so does this. */
static int ensure_localhost(const struct module_ctx *ctx, const struct host_names *n)
{
        _cleanup_free_ char *old = NULL;
        struct buf out = BUF_INIT(HOSTS_MAX + 4096), moved = BUF_INIT(HOSTS_MAX + 4096);
        bool have = false, named = false;
        const char *p, *end;
        int r = fs_read_file(ctx->root_fd, "/etc/hosts", HOSTS_MAX, &old, NULL);

        if (r < 0 && r != -ENOENT)
                return log_error_errno(r, "Cannot read /etc/hosts: %m");
        if (!old)
                r = buf_printf(&out, "# Added by cloudboot v. %s\n", PACKAGE_VERSION);
        else
                r = 0;
        for (p = old ? old : ""; r >= 0 && *p; p = *end ? end + 1 : end) {
                const char *s, *hash, *head_end, *addr_end;

                end = strchr(p, '\n');
                if (!end)
                        end = p + strlen(p);
                s = p;
                while (s < end && strchr(" \t\r\v\f", *s))
                        s++;
                hash = memchr(s, '#', (size_t)(end - s));
                head_end = hash ? hash : end;
                if (s == head_end) { /* blank or comment only: as it was */
                        r = buf_append(&out, p, (size_t)(end - p));
                        if (r >= 0)
                                r = buf_putc(&out, '\n');
                        continue;
                }
                addr_end = s;
                while (addr_end < head_end && !strchr(" \t\r\v\f", *addr_end))
                        addr_end++;
                if (addr_end - s == 9 && strncmp(s, "127.0.1.1", 9) == 0) {
                        have = true;
                        named = named || entry_names(addr_end, head_end, n);
                        r = buf_puts(&moved, "127.0.1.1\t");
                        if (r >= 0)
                                r = put_words(&moved, addr_end, head_end);
                        if (r >= 0)
                                r = buf_putc(&moved, '\n');
                        continue;
                }
                r = put_words(&out, s, head_end);
                if (r >= 0 && hash) { /* the comment, trailing blanks of the line dropped */
                        const char *t = end;

                        while (t > hash && strchr(" \t\r\v\f", t[-1]))
                                t--;
                        r = buf_append(&out, hash, (size_t)(t - hash));
                }
                if (r >= 0)
                        r = buf_putc(&out, '\n');
        }
        if (r >= 0 && have && named) {
                buf_free(&out);
                buf_free(&moved);
                return 0; /* already there: cloud-init leaves the file alone */
        }
        if (r >= 0 && moved.len > 0)
                r = buf_append(&out, moved.data, moved.len);
        if (r >= 0)
                r = buf_printf(&out, "127.0.1.1\t%s\t%s\n\n", n->fqdn, n->hostname);
        if (r >= 0)
                r = fs_write_buf(ctx->root_fd, "/etc/hosts", &out, 0644, FS_NO_OWNER, (gid_t)-1);
        buf_free(&out);
        buf_free(&moved);
        if (r < 0)
                return log_error_errno(r, "Cannot write /etc/hosts: %m");
        return 0;
}

static int update_etc_hosts_run(const struct module_ctx *ctx)
{
        const struct node *v = node_get(ctx->cfg, "manage_etc_hosts");
        struct hostnames_in in = { ctx->root_fd, ctx->root_is_host, ctx->cfg, ctx->md };
        struct host_names n = { 0 };
        bool tmpl, local;
        int r;

        if (!v)
                return 0;
        tmpl = (v->type == NODE_BOOL && v->b) || (node_str(v) && streq(v->str, "template"));
        local = node_str(v) && streq(v->str, "localhost");
        if (!tmpl && !local) {
                if (!(v->type == NODE_BOOL))
                        log_warning("manage_etc_hosts '%.32s' is not true, false, template or "
                                    "localhost; /etc/hosts left alone",
                                    v->str ? v->str : "");
                return 0;
        }
        r = hostnames_resolve(&in, &n);
        if (r < 0)
                return log_error_errno(r, "Cannot work out the hostname: %m");
        if (!hostname_valid(n.hostname) || !hostname_valid(n.fqdn))
                r = log_error_errno(-EINVAL, "Hostname '%.64s' is not valid; /etc/hosts left alone",
                                    n.hostname);
        else
                r = tmpl ? render_template(ctx, &n) : ensure_localhost(ctx, &n);
        host_names_done(&n);
        return r;
}

const struct module mod_update_etc_hosts = {
        .name = "update_etc_hosts",
        .freq = FREQ_ALWAYS,
        .keys = schema_keys,
        .activate_keys = activate,
        .run = update_etc_hosts_run,
};
