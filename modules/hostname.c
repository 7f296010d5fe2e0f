/* SPDX-License-Identifier: Apache-2.0 */
/* set_hostname (per instance) and update_hostname (every boot): cloud-init's
 * cc_set_hostname and cc_update_hostname. The name comes from `fqdn`,
 * `hostname` or meta-data local-hostname; /etc/hostname is written
 * atomically, and the kernel's hostname set only when the target is "/".
 * data/set-hostname and data/previous-hostname are kept as cloud-init keeps
 * them, so a hostname the admin changed later is left alone. */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "buf.h"
#include "fs.h"
#include "hostnames.h"
#include "json.h"
#include "log.h"
#include "module.h"
#include "valid.h"
#include "yaml.h"

#define SET_HOSTNAME_FILE "/var/lib/cloud/data/set-hostname"
#define PREV_HOSTNAME_FILE "/var/lib/cloud/data/previous-hostname"

static const struct schema s_bool = { .types = T_BOOL };
/* reported by the schema, refused by the module: no name is set at all
 * rather than the meta-data's in its place */
static const struct schema s_name = { .types = T_STR, .check = valid_hostname, .keep_bad = true };

static const struct schema_prop hostname_keys[] = {
        { "hostname", &s_name, false },
        { "fqdn", &s_name, false },
        { "preserve_hostname", &s_bool, false },
        { "prefer_fqdn_over_hostname", &s_bool, false },
        { "create_hostname_file", &s_bool, false },
        { NULL, NULL, false },
};

static const char *select_name(const struct module_ctx *ctx, const struct host_names *n)
{
        return node_get_bool(ctx->cfg, "prefer_fqdn_over_hostname", false) && n->fqdn ? n->fqdn
                                                                                      : n->hostname;
}

/* Write name into a hostname file, keeping its comment lines. */
static int write_hostname_file(const struct module_ctx *ctx, const char *path, const char *name,
                               bool create)
{
        _cleanup_free_ char *old = NULL;
        struct buf b = BUF_INIT(8192);
        bool placed = false;
        int r;

        r = fs_read_file(ctx->root_fd, path, 4096, &old, NULL);
        if (r == -ENOENT && !create) {
                log_info("create_hostname_file is false; %s not created", path);
                return 0;
        }
        if (r >= 0) {
                char *save = NULL;
                for (char *line = strtok_r(old, "\n", &save); line && r >= 0;
                     line = strtok_r(NULL, "\n", &save)) {
                        const char *t = line + strspn(line, " \t");
                        if (*t == '#' || *t == '\0')
                                r = buf_printf(&b, "%s\n", line);
                        else if (!placed) {
                                r = buf_printf(&b, "%s\n", name);
                                placed = true;
                        }
                }
        } else
                r = 0;
        if (r >= 0 && !placed)
                r = buf_printf(&b, "%s\n", name);
        if (r >= 0)
                r = fs_write_buf(ctx->root_fd, path, &b, 0644, FS_NO_OWNER, (gid_t)-1);
        buf_free(&b);
        return r;
}

static int apply_hostname(const struct module_ctx *ctx, const char *name)
{
        if (!ctx->root_is_host) {
                log_debug("Target is not /: the kernel hostname is left alone");
                return 0;
        }
        if (sethostname(name, strlen(name)) < 0)
                return log_warning_errno(-errno, "Cannot set the kernel hostname: %m");
        return 0;
}

/* Invalid names are refused, at the position of the key that gave them when
 * the configuration did. */
static int check_names(const struct module_ctx *ctx, const struct host_names *n)
{
        const struct node *at;
        char pos[512] = "";

        if (hostname_valid(n->hostname) && hostname_valid(n->fqdn))
                return 0;
        at = node_get(ctx->cfg, hostname_valid(n->fqdn) ? "hostname" : "fqdn");
        if (at && at->line) {
                schema_pos(at, pos, sizeof(pos) - 2);
                memcpy(pos + strlen(pos), ": ", 3);
        }
        log_error("%sHostname '%.64s' (fqdn '%.64s') is not a valid host name (it %s); not set",
                  pos, n->hostname, n->fqdn,
                  valid_hostname(n->hostname) ? valid_hostname(n->hostname)
                                              : valid_hostname(n->fqdn));
        return -EINVAL;
}

/* What both modules do first: nothing under preserve_hostname or without a
 * name; the names, checked, otherwise. Returns 1 with *n filled when there is
 * work, 0 when there is none, < 0 on an error (logged). */
static int names_for_run(const struct module_ctx *ctx, struct host_names *n)
{
        struct hostnames_in in = { ctx->root_fd, ctx->root_is_host, ctx->cfg, ctx->md };
        int r;

        if (node_get_bool(ctx->cfg, "preserve_hostname", false)) {
                log_debug("preserve_hostname is set: hostname left alone");
                return 0;
        }
        r = hostnames_resolve(&in, n);
        if (r < 0)
                return log_error_errno(r, "Cannot work out the hostname: %m");
        if (n->is_default && streq(n->hostname, "localhost")) {
                log_debug("No hostname given; leaving it to other services");
                host_names_done(n);
                return 0;
        }
        r = check_names(ctx, n);
        if (r < 0) {
                host_names_done(n);
                return r;
        }
        return 1;
}

static int set_hostname_run(const struct module_ctx *ctx)
{
        _cleanup_free_ char *prev = NULL;
        _cleanup_node_ struct node *prev_doc = NULL, *doc = NULL;
        struct host_names n = { 0 };
        struct buf b = BUF_INIT(4096);
        const char *name;
        int r;

        r = names_for_run(ctx, &n);
        if (r <= 0)
                return r;
        /* Skip when this exact pair was set before. */
        if (fs_read_file(ctx->root_fd, SET_HOSTNAME_FILE, 4096, &prev, NULL) >= 0) {
                struct yaml_error err;
                if (json_load(prev, strlen(prev), SET_HOSTNAME_FILE, &prev_doc, &err) >= 0 &&
                    streq_ptr(node_get_str(prev_doc, "hostname"), n.hostname) &&
                    streq_ptr(node_get_str(prev_doc, "fqdn"), n.fqdn)) {
                        log_debug("No hostname changes; skipping set_hostname");
                        host_names_done(&n);
                        return 0;
                }
        }
        name = select_name(ctx, &n);
        log_info("Setting the hostname to %s (%s)", n.fqdn, n.hostname);
        r = write_hostname_file(ctx, HOSTNAME_FILE, name,
                                node_get_bool(ctx->cfg, "create_hostname_file", true));
        if (r < 0) {
                log_error_errno(r, "Cannot write %s: %m", HOSTNAME_FILE);
                host_names_done(&n);
                return r;
        }
        r = apply_hostname(ctx, name);
        doc = node_new(NODE_MAP);
        if (!doc || node_set(doc, "hostname", node_new_str(n.hostname)) < 0 ||
            node_set(doc, "fqdn", node_new_str(n.fqdn)) < 0 || json_write(&b, doc, 0) < 0 ||
            buf_putc(&b, '\n') < 0)
                r = -ENOMEM;
        else if (fs_write_buf(ctx->root_fd, SET_HOSTNAME_FILE, &b, 0644, FS_NO_OWNER, (gid_t)-1) <
                 0)
                r = log_error_errno(-EIO, "Cannot write %s", SET_HOSTNAME_FILE);
        buf_free(&b);
        host_names_done(&n);
        return r;
}

/* cloud-init's Distro.update_hostname. */
static int update_hostname_run(const struct module_ctx *ctx)
{
        _cleanup_free_ char *prev = NULL, *sys = NULL;
        struct host_names n = { 0 };
        bool write_prev, write_sys;
        const char *name;
        int r;

        r = names_for_run(ctx, &n);
        if (r <= 0)
                return r;
        r = 0;
        name = select_name(ctx, &n);
        prev = hostname_file_read(ctx->root_fd, PREV_HOSTNAME_FILE);
        sys = hostname_file_read(ctx->root_fd, HOSTNAME_FILE);

        if (sys && prev && !streq(sys, prev)) {
                log_info("%s differs from %s: keeping the hostname the admin set",
                         PREV_HOSTNAME_FILE, HOSTNAME_FILE);
                host_names_done(&n);
                return 0;
        }
        write_prev = !prev || !streq(prev, name);
        write_sys = !sys || (streq_ptr(sys, prev) && !streq(sys, name));
        if (write_prev) {
                r = write_hostname_file(ctx, PREV_HOSTNAME_FILE, name, true);
                if (r < 0)
                        log_error_errno(r, "Cannot write %s: %m", PREV_HOSTNAME_FILE);
        }
        if (r >= 0 && write_sys) {
                log_info("Updating the hostname to %s", name);
                r = write_hostname_file(ctx, HOSTNAME_FILE, name,
                                        node_get_bool(ctx->cfg, "create_hostname_file", true));
                if (r < 0)
                        log_error_errno(r, "Cannot write %s: %m", HOSTNAME_FILE);
                else
                        r = apply_hostname(ctx, name);
        }
        host_names_done(&n);
        return r;
}

const struct module mod_set_hostname = {
        .name = "set_hostname",
        .freq = FREQ_INSTANCE,
        .keys = hostname_keys,
        .run = set_hostname_run,
};

const struct module mod_update_hostname = {
        .name = "update_hostname",
        .freq = FREQ_ALWAYS,
        .keys = hostname_keys,
        .run = update_hostname_run,
};
