/* SPDX-License-Identifier: Apache-2.0 */
/* chef (external module), cloud-init's cc_chef: the chef directories, the
 * validation key (validation_cert, 0600 here), /etc/chef/client.rb from the
 * documented keys (cloud-init's chef_client.rb template, line for line),
 * run_list and initial_attributes into firstboot.json, chef installed
 * (packages, gems or the omnibus script) when missing or force_install, and
 * chef-client run when exec says so. Every value that lands in client.rb is a
 * Ruby string or symbol: it is checked so that it cannot end the string or
 * interpolate (no quote, backslash or '#'). cloud-init 25.1's module stops
 * on Debian before it writes anything (docs/modules.md); this one does not. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmtool.h"
#include "extmod.h"
#include "fs.h"
#include "json.h"
#include "log.h"
#include "macro.h"
#include "sysconf.h"

#define CHEF_RB_PATH "/etc/chef/client.rb"
#define CHEF_FB_PATH "/etc/chef/firstboot.json"
#define CHEF_VALIDATION_PEM "/etc/chef/validation.pem"
#define CHEF_EXEC "/usr/bin/chef-client"
#define OMNIBUS_URL "https://www.chef.io/chef/install.sh"

static const char *const chef_dirs[] = { "/etc/chef",       "/var/log/chef",    "/var/lib/chef",
                                         "/var/chef/cache", "/var/chef/backup", "/var/run/chef",
                                         NULL };

/* A value inside a Ruby double-quoted string in client.rb. */
static const char *check_rb_string(const char *s)
{
        const char *why = valid_line(s, 1024);

        if (why)
                return why;
        return strpbrk(s, "\"\\#") ? "holds a quote, a backslash or '#' (client.rb is Ruby)"
                                   : NULL;
}

/* A Ruby symbol (log_level, ssl_verify_mode): ":word". */
static const char *check_rb_symbol(const char *s)
{
        if (s[0] != ':' || !sysconf_word_ok(s + 1, "_", 64))
                return "is not a Ruby symbol like :info";
        return NULL;
}

static const char *check_rb_path(const char *s)
{
        const char *why = check_rb_string(s);

        return why ? why : s[0] == '/' ? NULL : "is not an absolute path";
}

static const char *const install_types[] = { "packages", "gems", "omnibus", NULL };
static const char *const licenses[] = { "accept", "accept-silent", "accept-no-persist", NULL };

static const struct schema s_rbstr = { .types = T_STR, .check = check_rb_string };
static const struct schema s_rbpath = { .types = T_STR, .check = check_rb_path };
static const struct schema s_rbsym = { .types = T_STR, .check = check_rb_symbol };
static const struct schema s_path = { .types = T_STR, .check = cm_check_path };
static const struct schema s_str = { .types = T_STR, .check = cm_check_arg };
static const struct schema s_word = { .types = T_STR, .check = cm_check_word };
static const struct schema s_pem = { .types = T_STR, .secret = true };
static const struct schema s_bool = { .types = T_BOOL };
static const struct schema s_int = { .types = T_INT };
static const struct schema s_dirs = { .types = T_SEQ, .items = &s_path };
static const struct schema s_list = { .types = T_SEQ, .items = &s_str };
static const struct schema s_attrs = { .types = T_MAP };
static const struct schema s_type = { .types = T_STR, .enums = install_types };
static const struct schema s_license = { .types = T_STR, .enums = licenses };
static const struct schema s_args = { .types = T_SEQ | T_STR, .items = &s_str, .check = cm_check_arg };
static const struct schema_prop chef_props[] = {
        { "directories", &s_dirs, false },
        { "config_path", &s_path, false },
        { "validation_cert", &s_pem, false },
        { "validation_key", &s_rbpath, false },
        { "firstboot_path", &s_str, false },
        { "exec", &s_bool, false },
        { "client_key", &s_rbpath, false },
        { "encrypted_data_bag_secret", &s_rbpath, false },
        { "environment", &s_rbstr, false },
        { "file_backup_path", &s_rbpath, false },
        { "file_cache_path", &s_rbpath, false },
        { "json_attribs", &s_rbpath, false },
        { "log_level", &s_rbsym, false },
        { "log_location", &s_rbpath, false },
        { "node_name", &s_rbstr, false },
        { "omnibus_url", &s_str, false },
        { "omnibus_url_retries", &s_int, false },
        { "omnibus_version", &s_word, false },
        { "pid_file", &s_rbpath, false },
        { "server_url", &s_rbstr, false },
        { "show_time", &s_bool, false },
        { "ssl_verify_mode", &s_rbsym, false },
        { "validation_name", &s_rbstr, false },
        { "force_install", &s_bool, false },
        { "initial_attributes", &s_attrs, false },
        { "install_type", &s_type, false },
        { "run_list", &s_list, false },
        { "chef_license", &s_license, false },
        /* read by cloud-init's code though its schema omits them */
        { "exec_arguments", &s_args, false },
        { "delete_validation_post_exec", &s_bool, false },
        { "version", &s_word, false },
        { "ruby_version", &s_word, false },
        { NULL, NULL, false },
};
static const struct schema s_chef = { .types = T_MAP, .props = chef_props, .closed = true };
static const struct schema_prop keys[] = {
        { "chef", &s_chef, false },
        { NULL, NULL, false },
};
static const char *const activate[] = { "chef", NULL };

static const char *opt(const struct node *cfg, const char *key, const char *def)
{
        const struct node *v = node_get(cfg, key);

        if (v && v->type == NODE_NULL)
                return NULL;
        return v && v->type == NODE_STR ? v->str : def;
}

static void ensure_dir_of(int root_fd, const char *path)
{
        _cleanup_free_ char *dir = NULL;
        const char *base;

        if (path && fs_split_path(path, &dir, &base) >= 0 && dir && *dir)
                (void)fs_mkdir_p(root_fd, dir, 0755);
}

/* cloud-init's chef_client.rb template, rendered with its defaults. */
static int write_client_rb(const struct module_ctx *ctx, const struct node *c, const char *path)
{
        static const char *const path_keys[] = { "log_location", "validation_key", "client_key",
                                                 "file_cache_path", "json_attribs", "pid_file",
                                                 "encrypted_data_bag_secret", NULL };
        const char *server = node_get_str(c, "server_url"), *vname = node_get_str(c, "validation_name");
        struct buf b = BUF_INIT(65536);
        const char *v;
        int r;

        if (!server || !vname) {
                /* cloud-init stops with a KeyError here */
                log_error("chef: '%s' is required to write %s",
                          !server ? "server_url" : "validation_name", path);
                return -EINVAL;
        }
        for (const char *const *k = path_keys; *k; k++) {
                static const char *const defs[] = { "/var/log/chef/client.log",
                                                    CHEF_VALIDATION_PEM,
                                                    "/etc/chef/client.pem",
                                                    "/var/chef/cache",
                                                    CHEF_FB_PATH,
                                                    "/var/run/chef/client.pid",
                                                    NULL };
                ensure_dir_of(ctx->root_fd, opt(c, *k, defs[k - path_keys]));
        }
        buf_puts(&b, "# Created by cloudboot\n");
        if ((v = opt(c, "chef_license", NULL)))
                buf_printf(&b, "chef_license           \"%s\"\n", v);
        if ((v = opt(c, "log_level", ":info")))
                buf_printf(&b, "log_level              %s\n", v);
        if ((v = opt(c, "ssl_verify_mode", ":verify_none")))
                buf_printf(&b, "ssl_verify_mode        %s\n", v);
        if ((v = opt(c, "log_location", "/var/log/chef/client.log")))
                buf_printf(&b, "log_location           \"%s\"\n", v);
        buf_printf(&b, "validation_client_name \"%s\"\n", vname);
        if (node_get_str(c, "validation_cert") && (v = opt(c, "validation_key", CHEF_VALIDATION_PEM)))
                buf_printf(&b, "validation_key         \"%s\"\n", v);
        if ((v = opt(c, "client_key", "/etc/chef/client.pem")))
                buf_printf(&b, "client_key             \"%s\"\n", v);
        buf_printf(&b, "chef_server_url        \"%s\"\n", server);
        buf_printf(&b, "environment            \"%s\"\n", node_get_str(c, "environment") ?: "_default");
        /* the instance-id is the default node name: it lands in a Ruby string too */
        v = node_get_str(c, "node_name") ?: ctx->iid_raw;
        if (check_rb_string(v)) {
                log_error("chef: the instance-id cannot be the node name in client.rb (%s)",
                          check_rb_string(v));
                buf_free(&b);
                return -EINVAL;
        }
        buf_printf(&b, "node_name              \"%s\"\n", v);
        if ((v = opt(c, "json_attribs", CHEF_FB_PATH)))
                buf_printf(&b, "json_attribs           \"%s\"\n", v);
        if ((v = opt(c, "file_cache_path", "/var/chef/cache")))
                buf_printf(&b, "file_cache_path        \"%s\"\n", v);
        if ((v = opt(c, "file_backup_path", "/var/chef/backup")))
                buf_printf(&b, "file_backup_path       \"%s\"\n", v);
        if ((v = opt(c, "pid_file", "/var/run/chef/client.pid")))
                buf_printf(&b, "pid_file               \"%s\"\n", v);
        if (node_get_bool(c, "show_time", true))
                buf_puts(&b, "Chef::Log::Formatter.show_time = true\n");
        if ((v = opt(c, "encrypted_data_bag_secret", NULL)))
                buf_printf(&b, "encrypted_data_bag_secret \"%s\"\n", v);
        buf_putc(&b, '\n'); /* the template's last line is an empty one */
        ensure_dir_of(ctx->root_fd, path);
        r = fs_write_buf(ctx->root_fd, path, &b, 0644, FS_NO_OWNER, (gid_t)-1);
        buf_free(&b);
        if (r < 0)
                return log_error_errno(r, "chef: cannot write %s: %m", path);
        log_info("Wrote %s", path);
        return 0;
}

static int write_firstboot(const struct module_ctx *ctx, const struct node *c, const char *path)
{
        const struct node *rl = node_get(c, "run_list"), *attrs = node_get(c, "initial_attributes");
        _cleanup_(node_freep) struct node *fb = node_new(NODE_MAP);
        struct buf b = BUF_INIT(16u << 20);
        int r = 0;

        if (!fb)
                return -ENOMEM;
        if (rl)
                r = node_set(fb, "run_list", node_copy(rl));
        for (size_t i = 0; r >= 0 && attrs && i + 1 < attrs->n; i += 2)
                if (attrs->items[i]->type == NODE_STR)
                        r = node_set(fb, attrs->items[i]->str, node_copy(attrs->items[i + 1]));
        if (r >= 0)
                r = json_write(&b, fb, 0);
        if (r >= 0) {
                ensure_dir_of(ctx->root_fd, path);
                r = fs_write_buf(ctx->root_fd, path, &b, 0644, FS_NO_OWNER, (gid_t)-1);
        }
        buf_free(&b);
        if (r < 0)
                return log_error_errno(r, "chef: cannot write %s: %m", path);
        log_info("Wrote %s", path);
        return 0;
}

/* cloud-init's migrate_chef_config_dirs: files of the old cache and backup
 * directories move to the new ones, unless already there. */
static void migrate_dirs(int root_fd)
{
        static const char *const from[] = { "/var/cache/chef", "/var/backups/chef" };
        static const char *const to[] = { "/var/chef/cache", "/var/chef/backup" };

        for (size_t i = 0; i < ELEMENTSOF(from); i++) {
                char **names = NULL;
                size_t n = 0;
                int ofd, nfd;

                if (!fs_exists(root_fd, from[i]))
                        continue;
                ofd = fs_open_nofollow(root_fd, from[i], O_RDONLY | O_DIRECTORY | O_CLOEXEC, 0);
                nfd = fs_open_nofollow(root_fd, to[i], O_RDONLY | O_DIRECTORY | O_CLOEXEC, 0);
                if (ofd >= 0 && nfd >= 0 && fs_list_dir(root_fd, from[i], NULL, 4096, &names, &n) >= 0)
                        for (size_t j = 0; j < n; j++)
                                if (faccessat(nfd, names[j], F_OK, AT_SYMLINK_NOFOLLOW) != 0 &&
                                    renameat(ofd, names[j], nfd, names[j]) == 0)
                                        log_debug("Moved %s/%s to %s", from[i], names[j], to[i]);
                fs_list_free(names, n);
                if (ofd >= 0)
                        (void)close(ofd);
                if (nfd >= 0)
                        (void)close(nfd);
        }
}

/* install_chef: returns whether chef-client should run, or a negative errno. */
static int install(const struct module_ctx *ctx, const struct sysconf_target *t, const struct node *c)
{
        const char *type = node_get_str(c, "install_type") ?: "packages";
        bool run = node_get_bool(c, "exec", false);
        int r;

        if (streq(type, "packages")) {
                const char *pkgs[] = { "chef" };
                r = sysconf_install(t, ctx->root_fd, pkgs, 1);
        } else if (streq(type, "omnibus")) {
                const char *ver = node_get_str(c, "omnibus_version");
                const struct node *retries = node_get(c, "omnibus_url_retries");
                char *const args[] = { ver ? "-v" : NULL, (char *)ver, NULL };
                r = cm_fetch_run(t, ctx->root_fd, node_get_str(c, "omnibus_url") ?: OMNIBUS_URL,
                                 "chef-omnibus-install",
                                 retries && retries->type == NODE_INT && retries->i >= 0 &&
                                                 retries->i <= 20
                                         ? (unsigned)retries->i
                                         : 5,
                                 args);
        } else {
                const char *rv = node_get_str(c, "ruby_version") ?: "1.8";
                const char *ver = node_get_str(c, "version");
                char ruby[80], dev[90], gem[100], rb[100];
                const char *pkgs[4] = { ruby, dev, "libopenssl-ruby1.8", "rubygems1.8" };
                struct cm_argv cmd = { .n = 0 };

                (void)snprintf(ruby, sizeof(ruby), "ruby%s", rv);
                (void)snprintf(dev, sizeof(dev), "ruby%s-dev", rv);
                r = sysconf_install(t, ctx->root_fd, pkgs, streq(rv, "1.8") ? 4 : 2);
                (void)snprintf(gem, sizeof(gem), "/usr/bin/gem%s", rv);
                (void)snprintf(rb, sizeof(rb), "/usr/bin/ruby%s", rv);
                if (!fs_exists(ctx->root_fd, "/usr/bin/gem"))
                        (void)fs_symlink_atomic(ctx->root_fd, gem, "/usr/bin/gem");
                if (!fs_exists(ctx->root_fd, "/usr/bin/ruby"))
                        (void)fs_symlink_atomic(ctx->root_fd, rb, "/usr/bin/ruby");
                cm_add(&cmd, "/usr/bin/gem");
                cm_add(&cmd, "install");
                cm_add(&cmd, "chef");
                if (ver) {
                        cm_add(&cmd, "-v");
                        cm_add(&cmd, ver);
                }
                cm_add(&cmd, "--no-ri");
                cm_add(&cmd, "--no-rdoc");
                cm_add(&cmd, "--bindir");
                cm_add(&cmd, "/usr/bin");
                cm_add(&cmd, "-q");
                if (r >= 0)
                        r = cmd.failed ? -E2BIG
                                       : cm_run(t, NULL, NULL, cmd.v, NULL, NULL, 0, 3600, NULL, NULL);
                cm_argv_done(&cmd);
                run = node_get_bool(c, "exec", true);
        }
        if (r < 0)
                return log_error_errno(r, "chef: installing chef (%s) failed: %m", type);
        return run;
}

static int run_chef(const struct sysconf_target *t, const struct node *c)
{
        const struct node *args = node_get(c, "exec_arguments");
        struct cm_argv cmd = { .n = 0 };
        int r;

        cm_add(&cmd, CHEF_EXEC);
        if (args && args->type == NODE_SEQ)
                for (size_t i = 0; i < args->n; i++)
                        cm_add(&cmd, args->items[i]->str);
        else if (args && args->type == NODE_STR)
                cm_add(&cmd, args->str); /* cloud-init: one argument */
        else {
                const char *def[] = { "-d", "-i", "1800", "-s", "20" };
                for (size_t i = 0; i < ELEMENTSOF(def); i++)
                        cm_add(&cmd, def[i]);
        }
        log_info("Running chef-client");
        r = cmd.failed ? -E2BIG : cm_run(t, NULL, NULL, cmd.v, NULL, NULL, 0, 3600, NULL, NULL);
        cm_argv_done(&cmd);
        if (r < 0)
                log_error_errno(r, "chef: chef-client failed: %m");
        return r;
}

static int run(const struct module_ctx *ctx)
{
        const struct node *c = node_get(ctx->cfg, "chef"), *dirs;
        const struct sysconf_target t = { .chroot = ctx->root, .is_host = ctx->root_is_host };
        const char *vcert, *vkey, *fb;
        bool installed;
        int r, failed = 0;

        if (!c || c->type != NODE_MAP) {
                log_debug("Skipping module named chef, no 'chef' key in configuration");
                return 0;
        }
        dirs = node_get(c, "directories");
        if (dirs && dirs->type == NODE_SEQ && dirs->n)
                for (size_t i = 0; i < dirs->n; i++)
                        (void)fs_mkdir_p(ctx->root_fd, dirs->items[i]->str, 0755);
        else
                for (const char *const *d = chef_dirs; *d; d++)
                        (void)fs_mkdir_p(ctx->root_fd, *d, 0755);
        r = fs_mkdir_p(ctx->root_fd, "/etc/chef", 0755);
        if (r < 0)
                return log_error_errno(r, "chef: cannot create /etc/chef: %m");
        migrate_dirs(ctx->root_fd);

        vkey = node_get_str(c, "validation_key") ?: CHEF_VALIDATION_PEM;
        vcert = node_get_str(c, "validation_cert");
        if (vcert && !streq(vcert, "system")) {
                /* a private key: 0600 (cloud-init writes it 0644) */
                ensure_dir_of(ctx->root_fd, vkey);
                r = fs_write_atomic(ctx->root_fd, vkey, vcert, strlen(vcert), 0600, 0, 0);
                if (r < 0) {
                        log_error_errno(r, "chef: cannot write the validation key %s: %m", vkey);
                        failed++;
                }
        } else if (vcert && !fs_exists(ctx->root_fd, vkey))
                log_warning("chef validation_cert provided as 'system', but validation_key path "
                            "'%s' does not exist.",
                            vkey);

        if (write_client_rb(ctx, c, node_get_str(c, "config_path") ?: CHEF_RB_PATH) < 0)
                return -EINVAL;

        fb = node_get_str(c, "firstboot_path");
        if (fb && !*fb)
                log_info("First boot path empty, not writing first boot json file");
        else if (fb && cm_check_path(fb)) {
                log_error("chef: firstboot_path '%s' %s", fb, cm_check_path(fb));
                failed++;
        } else if (write_firstboot(ctx, c, fb ?: CHEF_FB_PATH) < 0)
                failed++;

        installed = fs_exists(ctx->root_fd, CHEF_EXEC);
        if (!installed || node_get_bool(c, "force_install", false)) {
                r = install(ctx, &t, c);
                if (r < 0)
                        return r;
        } else
                r = node_get_bool(c, "exec", false);
        if (r > 0) {
                if (run_chef(&t, c) < 0)
                        return -EPROTO;
                if (node_get_bool(c, "delete_validation_post_exec", false) &&
                    fs_exists(ctx->root_fd, CHEF_VALIDATION_PEM))
                        (void)fs_unlink(ctx->root_fd, CHEF_VALIDATION_PEM);
        }
        return failed ? -EPROTO : 0;
}

const struct module mod_chef = {
        .name = "chef",
        .freq = FREQ_ALWAYS,
        .keys = keys,
        .activate_keys = activate,
        .run = run,
};

const struct extmod ext_chef = {
        .module = &mod_chef,
        .stage = "final",
        .description = "Install chef, write its client configuration and run chef-client",
        .timeout_sec = 7200,
};

EXTMOD_MAIN(ext_chef)
