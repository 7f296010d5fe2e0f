/* SPDX-License-Identifier: Apache-2.0 */
/* yum_add_repo (config stage, per instance): cloud-init's cc_yum_add_repo.
 * Each yum_repos entry becomes <yum_repo_dir>/<id>.repo (spaces in the id
 * become '-'), an INI section as Python's ConfigParser writes it after a
 * "# Created by cloud-init on <RFC 2822 date>" line: keys lowercased with
 * '-' as '_', booleans as 1/0, lists one item per continuation line. An
 * entry without baseurl, metalink or mirrorlist is skipped with a warning;
 * an existing file is left alone. Ids, keys and values are checked: nothing
 * can add a line, a key or a section. */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "buf.h"
#include "fs.h"
#include "log.h"
#include "module.h"
#include "repofile.h"
#include "schema.h"
#include "sysconf.h"
#include "timefmt.h"

static const struct schema s_str = { .types = T_STR };
static const struct schema s_repos = { .types = T_MAP };
static const struct schema_prop schema_keys[] = { { "yum_repos", &s_repos, false },
                                                  { "yum_repo_dir", &s_str, false },
                                                  { NULL, NULL, false } };
static const char *const activate[] = { "yum_repos", NULL };

static int yum_add_repo_run(const struct module_ctx *ctx)
{
        const struct node *repos = node_get(ctx->cfg, "yum_repos"), *dnode;
        const char *dir = "/etc/yum.repos.d/";
        char date[TIME_TEXT_MAX], done[64][128];
        size_t n_done = 0;
        time_t now = time(NULL);
        int r = 0, k;

        if (!repos || repos->type != NODE_MAP || repos->n == 0)
                return 0;
        dnode = node_get(ctx->cfg, "yum_repo_dir");
        if (node_str(dnode)) {
                if (dnode->str[0] != '/' || strstr(dnode->str, "..") ||
                    !sysconf_word_ok(dnode->str, "/._-", 255)) {
                        sysconf_refuse(dnode, "yum_repo_dir", "must be an absolute path");
                        return -EINVAL;
                }
                dir = dnode->str;
        }
        time_rfc2822(now, date);

        for (size_t i = 0; i + 1 < repos->n; i += 2) {
                const struct node *idn = repos->items[i], *cfg = repos->items[i + 1];
                char id[128], path[512];
                struct buf b = BUF_INIT(1u << 20);
                bool bad = false, has_url = false;
                size_t n;

                if (!node_str(idn) || !sysconf_word_ok(idn->str, " ._:-@+", 100)) {
                        sysconf_refuse(idn, "yum_repos",
                                       "a repository id is letters, digits, "
                                       "'.', '_', ':', '-', '@', '+'");
                        r = -EINVAL;
                        continue;
                }
                (void)snprintf(id, sizeof(id), "%s", idn->str);
                for (char *c = id; *c; c++)
                        if (*c == ' ')
                                *c = '-';
                (void)snprintf(path, sizeof(path), "%s%s%s.repo", dir,
                               endswith(dir, "/") ? "" : "/", id);
                if (fs_exists(ctx->root_fd, path)) {
                        log_info("Skipping repo %s, file %s already exists!", idn->str, path);
                        continue;
                }
                for (n = 0; n < n_done && strcmp(done[n], id); n++)
                        ;
                if (n < n_done) {
                        log_info("Skipping repo %s, file %s already pending!", idn->str, path);
                        continue;
                }
                k = buf_printf(&b, "# Created by cloud-init on %s\n[%s]\n", date, id);
                for (size_t j = 0; cfg->type == NODE_MAP && j + 1 < cfg->n && k >= 0; j += 2) {
                        const char *key = node_str(cfg->items[j]);
                        char lk[64];

                        if (!key || !*(key + strspn(key, " \t")))
                                continue;
                        if (!repofile_key(key, lk, sizeof(lk))) {
                                sysconf_refuse(cfg->items[j], "yum_repos",
                                               "a key is letters, digits and '_'");
                                bad = true;
                                break;
                        }
                        if (streq(lk, "baseurl") || streq(lk, "metalink") ||
                            streq(lk, "mirrorlist"))
                                has_url = true;
                        k = buf_printf(&b, "%s = ", lk);
                        if (k >= 0)
                                k = repofile_put_value(&b, cfg->items[j + 1],
                                               REPOFILE_CONFIGPARSER, "yum_repos", &bad);
                        if (k >= 0)
                                k = buf_putc(&b, '\n');
                }
                if (k >= 0)
                        k = buf_putc(&b, '\n');
                if (k < 0 || bad) {
                        buf_free(&b);
                        r = k < 0 ? k : -EINVAL;
                        continue;
                }
                if (!has_url) {
                        log_warning("Repository %s should contain at least one of the following "
                                    "configuration entries: baseurl, metalink, mirrorlist, "
                                    "skipping!",
                                    idn->str);
                        buf_free(&b);
                        continue;
                }
                k = fs_write_atomic(ctx->root_fd, path, b.data, b.len, 0644, FS_NO_OWNER,
                                    (gid_t)-1);
                buf_free(&b);
                if (k < 0) {
                        r = log_error_errno(k, "Cannot write %s: %m", path);
                        continue;
                }
                log_info("Wrote %s", path);
                if (n_done < ELEMENTSOF(done))
                        (void)snprintf(done[n_done++], sizeof(done[0]), "%s", id);
        }
        return r;
}

const struct module mod_yum_add_repo = {
        .name = "yum_add_repo",
        .freq = FREQ_INSTANCE,
        .keys = schema_keys,
        .activate_keys = activate,
        .run = yum_add_repo_run,
};
