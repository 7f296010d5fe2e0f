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
        "ff02::2 ip6-allrouters\n";

static int render_template(const struct module_ctx *ctx, const struct host_names *n)
{
        const char *distro = node_get_str(node_get(ctx->cfg, "system_info"), "distro");
        const struct template_var vars[] = { { "fqdn", n->fqdn },
                                             { "hostname", n->hostname },
                                             { NULL, NULL } };
        _cleanup_free_ char *tmpl = NULL;
        struct buf out = BUF_INIT(HOSTS_MAX);
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
        r = template_render(text, vars, &out);
        if (r >= 0)
                r = fs_write_buf(ctx->root_fd, "/etc/hosts", &out, 0644, FS_NO_OWNER, (gid_t)-1);
        buf_free(&out);
        if (r < 0)
                return log_error_errno(r, "Cannot write /etc/hosts: %m");
        return 0;
}

/* Make sure 127.0.1.1 names fqdn and hostname, keeping everything else. */
static int ensure_localhost(const struct module_ctx *ctx, const struct host_names *n)
{
        _cleanup_free_ char *old = NULL;
        struct buf out = BUF_INIT(HOSTS_MAX);
        char *line, *save = NULL;
        bool done = false;
        int r = fs_read_file(ctx->root_fd, "/etc/hosts", HOSTS_MAX, &old, NULL);

        if (r < 0 && r != -ENOENT)
                return log_error_errno(r, "Cannot read /etc/hosts: %m");
        r = 0;
        for (line = old ? strtok_r(old, "\n", &save) : NULL; line && r >= 0;
             line = strtok_r(NULL, "\n", &save)) {
                if (!done && strncmp(line, "127.0.1.1", 9) == 0 &&
                    (line[9] == ' ' || line[9] == '\t')) {
                        r = buf_printf(&out, "127.0.1.1 %s %s\n", n->fqdn, n->hostname);
                        done = true;
                        continue;
                }
                r = buf_printf(&out, "%s\n", line);
        }
        if (r >= 0 && !done)
                r = buf_printf(&out, "127.0.1.1 %s %s\n", n->fqdn, n->hostname);
        if (r >= 0)
                r = fs_write_buf(ctx->root_fd, "/etc/hosts", &out, 0644, FS_NO_OWNER, (gid_t)-1);
        buf_free(&out);
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
