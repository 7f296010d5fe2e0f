/* SPDX-License-Identifier: Apache-2.0 */
/* zypper_add_repo (config stage, every boot): cloud-init's
 * cc_zypper_add_repo. zypper.config's settings are appended to
 * /etc/zypp/zypp.conf after a "# Added via cloud.cfg" line ("configdir" is
 * refused: zypper's own configuration does not move); each zypper.repos entry
 * with an id and a baseurl becomes <reposdir>/<id>.repo (spaces in the file
 * name become '_'; reposdir from zypper.config, /etc/zypp/repos.d/ by
 * default), an INI section as ConfigObj writes it: keys lowercased with '-'
 * as '_', booleans 1/0, enabled and autorefresh 1 unless given, values quoted
 * as ConfigObj quotes them, no final newline. An existing file is left
 * alone. Ids, keys and values are checked: nothing can add a line, a key or a
 * section. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "fs.h"
#include "log.h"
#include "module.h"
#include "repofile.h"
#include "schema.h"
#include "sysconf.h"

#define ZYPP_CONF "/etc/zypp/zypp.conf"
#define REPOS_MAX 256

static const struct schema s_zypper = { .types = T_MAP };
static const struct schema_prop schema_keys[] = { { "zypper", &s_zypper, false },
                                                  { NULL, NULL, false } };
static const char *const activate[] = { "zypper", NULL };

/* Python's truth of a value: cloud-init writes only the settings that are true. */
static bool truthy(const struct node *v)
{
        switch (v->type) {
        case NODE_NULL:
                return false;
        case NODE_BOOL:
                return v->b;
        case NODE_INT:
                return v->i != 0;
        case NODE_FLOAT:
                return v->str && strtod(v->str, NULL) != 0;
        case NODE_STR:
                return v->len > 0;
        default:
                return v->n > 0;
        }
}

/* "setting=value" lines for zypp.conf, as "%s=%s" % (k, v) prints them. */
static int write_zypp_conf(const struct module_ctx *ctx, const struct node *config)
{
        _cleanup_free_ char *old = NULL;
        struct buf add = BUF_INIT(1u << 20), out = BUF_INIT(9u << 20);
        size_t old_len = 0;
        int r, n = 0;

        r = fs_read_regular(ctx->root_fd, ZYPP_CONF, 8u << 20, &old, &old_len);
        if (r < 0 && r != -ENOENT)
                return log_error_errno(r, "Cannot read %s: %m", ZYPP_CONF);
        (void)buf_puts(&add, "# Added via cloud.cfg");
        for (size_t i = 0; i + 1 < config->n; i += 2) {
                const struct node *k = config->items[i], *v = config->items[i + 1];
                const char *key = node_str(k);

                if (!key || !sysconf_word_ok(key, "._-", 128)) {
                        sysconf_refuse(k, "zypper.config", "a setting is letters, digits, '.', "
                                                           "'_' and '-'");
                        continue;
                }
                if (streq(key, "configdir")) {
                        log_warning("Changing the location of the zypper configuration is not "
                                    "supported, skipping \"configdir\" setting");
                        continue;
                }
                if (!truthy(v))
                        continue;
                if (v->type == NODE_BOOL)
                        (void)buf_printf(&add, "\n%s=True", key); /* Python's str(True) */
                else if (v->type == NODE_INT)
                        (void)buf_printf(&add, "\n%s=%lld", key, v->i);
                else if ((v->type == NODE_STR || v->type == NODE_FLOAT) &&
                         node_str(v) && sysconf_line_ok(v->str))
                        (void)buf_printf(&add, "\n%s=%s", key, v->str);
                else {
                        sysconf_refuse(v, "zypper.config",
                                       "a value is one line of text, a number or true");
                        continue;
                }
                n++;
        }
        if (n == 0) {
                buf_free(&add);
                return 0;
        }
        /* cloud-init appends again on every boot; once is enough */
        if (old && add.data && old_len >= add.len && streq(old + old_len - add.len, add.data)) {
                buf_free(&add);
                return 0;
        }
        (void)buf_append(&out, old ? old : "", old_len);
        /* cloud-init glues the block to a last line without a newline ("x=1#
         * Added via cloud.cfg"), which changes that setting: not here */
        if (old_len && old[old_len - 1] != '\n')
                (void)buf_putc(&out, '\n');
        (void)buf_append(&out, add.data ? add.data : "", add.len);
        if (buf_error(&add) < 0)
                out.error = buf_error(&add);
        r = fs_write_buf(ctx->root_fd, ZYPP_CONF, &out, 0644, FS_NO_OWNER, (gid_t)-1);
        buf_free(&add);
        buf_free(&out);
        if (r < 0)
                return log_error_errno(r, "Cannot write %s: %m", ZYPP_CONF);
        log_info("Wrote %s", ZYPP_CONF);
        return 0;
}

/* One repository entry: its file's text, or why not (logged). */
static int render_repo(const struct node *repo, const char *id, struct buf *b)
{
        bool bad = false, enabled = false, autorefresh = false;

        (void)buf_printf(b, "[%s]", id);
        for (size_t j = 0; j + 1 < repo->n; j += 2) {
                const char *key = node_str(repo->items[j]);
                char lk[64];

                if (!key || !*key || streq(key, "id"))
                        continue;
                if (!repofile_key(key, lk, sizeof(lk))) {
                        sysconf_refuse(repo->items[j], "zypper.repos",
                                       "a key is letters, digits and '_'");
                        return -EINVAL;
                }
                enabled = enabled || streq(lk, "enabled");
                autorefresh = autorefresh || streq(lk, "autorefresh");
                (void)buf_printf(b, "\n%s = ", lk);
                (void)repofile_put_value(b, repo->items[j + 1], REPOFILE_CONFIGOBJ,
                                         "zypper.repos", &bad);
                if (bad)
                        return -EINVAL;
        }
        if (!enabled)
                (void)buf_puts(b, "\nenabled = 1");
        if (!autorefresh)
                (void)buf_puts(b, "\nautorefresh = 1");
        return buf_error(b);
}

static int write_repos(const struct module_ctx *ctx, const struct node *repos, const char *dir)
{
        const char *done[REPOS_MAX];
        size_t n_done = 0;
        int r = 0;

        for (size_t i = 0; i < repos->n; i++) {
                const struct node *repo = repos->items[i], *idn;
                struct buf b = BUF_INIT(1u << 20);
                char path[512], fid[128];
                size_t n;
                int k;

                if (repo->type != NODE_MAP) {
                        sysconf_refuse(repo, "zypper.repos", "an entry is a mapping");
                        r = -EINVAL;
                        continue;
                }
                idn = node_get(repo, "id");
                if (!idn || !node_get(repo, "baseurl")) {
                        log_warning("Repo config at index %zu is missing required config keys: "
                                    "%s%s%s",
                                    i, idn ? "" : "id", !idn && !node_get(repo, "baseurl") ? "," : "",
                                    node_get(repo, "baseurl") ? "" : "baseurl");
                        continue;
                }
                /* the id is the section name and, spaces as '_', the file name */
                if (!node_str(idn) || !sysconf_word_ok(idn->str, " ._:-@+", 100) ||
                    idn->str[0] == ' ' || endswith(idn->str, " ")) {
                        sysconf_refuse(idn, "zypper.repos",
                                       "a repository id is letters, digits, spaces inside, "
                                       "'.', '_', ':', '-', '@', '+'");
                        r = -EINVAL;
                        continue;
                }
                (void)snprintf(fid, sizeof(fid), "%s", idn->str);
                for (char *c = fid; *c; c++)
                        if (*c == ' ')
                                *c = '_';
                (void)snprintf(path, sizeof(path), "%s%s%s.repo", dir,
                               endswith(dir, "/") ? "" : "/", fid);
                if (fs_exists(ctx->root_fd, path)) {
                        log_info("Skipping repo %s, file %s already exists!", idn->str, path);
                        continue;
                }
                for (n = 0; n < n_done && !streq(done[n], idn->str); n++)
                        ;
                if (n < n_done) {
                        log_info("Skipping repo %s, file %s already pending!", idn->str, path);
                        continue;
                }
                k = render_repo(repo, idn->str, &b);
                if (k >= 0)
                        k = fs_write_buf(ctx->root_fd, path, &b, 0644, FS_NO_OWNER, (gid_t)-1);
                buf_free(&b);
                if (k == -EINVAL) {
                        r = k;
                        continue;
                }
                if (k < 0) {
                        r = log_error_errno(k, "Cannot write %s: %m", path);
                        continue;
                }
                log_info("Wrote %s", path);
                if (n_done < ELEMENTSOF(done))
                        done[n_done++] = idn->str;
        }
        return r;
}

static int zypper_add_repo_run(const struct module_ctx *ctx)
{
        const struct node *z = node_get(ctx->cfg, "zypper"), *repos, *config, *dnode;
        const char *dir = "/etc/zypp/repos.d/";
        int r, k;

        if (!z || z->type != NODE_MAP || z->n == 0) {
                log_debug("Skipping module named zypper_add_repo, no 'zypper' relevant "
                          "configuration found");
                return 0;
        }
        repos = node_get(z, "repos");
        if (!repos || repos->type != NODE_SEQ || repos->n == 0) {
                if (repos && repos->type != NODE_SEQ)
                        sysconf_refuse(repos, "zypper.repos", "must be a list");
                else
                        log_debug("Skipping module named zypper_add_repo, no 'repos' "
                                  "configuration found");
                return 0;
        }
        if (repos->n > REPOS_MAX) {
                sysconf_refuse(repos, "zypper.repos", "more than 256 repositories");
                return -E2BIG;
        }
        config = node_get(z, "config");
        if (config && config->type != NODE_MAP) {
                sysconf_refuse(config, "zypper.config", "must be a mapping");
                config = NULL;
        }
        dnode = config ? node_get(config, "reposdir") : NULL;
        if (dnode) {
                if (!node_str(dnode) || dnode->str[0] != '/' || strstr(dnode->str, "..") ||
                    !sysconf_word_ok(dnode->str, "/._-", 255)) {
                        sysconf_refuse(dnode, "zypper.config.reposdir",
                                       "must be an absolute path");
                        return -EINVAL;
                }
                dir = dnode->str;
        }
        r = config ? write_zypp_conf(ctx, config) : 0;
        k = write_repos(ctx, repos, dir);
        return r < 0 ? r : k;
}

const struct module mod_zypper_add_repo = {
        .name = "zypper_add_repo",
        .freq = FREQ_ALWAYS,
        .keys = schema_keys,
        .activate_keys = activate,
        .run = zypper_add_repo_run,
};
