/* SPDX-License-Identifier: Apache-2.0 */
/* apk_configure (config stage, per instance; Alpine's module lists):
 * cloud-init's cc_apk_configure. Unless apk_repos.preserve_repositories,
 * /etc/apk/repositories (0644) is written as cloud-init's template renders
 * it from alpine_repo (version, base_url, community_enabled,
 * testing_enabled) and local_repo_base_url. Every URL and the version are
 * checked: one word on one line. */
#include <stdio.h>
#include <string.h>

#include "buf.h"
#include "fs.h"
#include "log.h"
#include "module.h"
#include "schema.h"
#include "sysconf.h"

#define REPO_FN "/etc/apk/repositories"

static const struct schema s_str = { .types = T_STR };
static const struct schema s_bool = { .types = T_BOOL };
static const struct schema_prop repo_props[] = {
        { "base_url", &s_str, false },
        { "community_enabled", &s_bool, false },
        { "testing_enabled", &s_bool, false },
        { "version", &s_str, true },
        { NULL, NULL, false },
};
static const struct schema s_repo = { .types = T_MAP, .props = repo_props, .closed = true };
static const struct schema_prop apk_props[] = {
        { "preserve_repositories", &s_bool, false },
        { "alpine_repo", &s_repo, false },
        { "local_repo_base_url", &s_str, false },
        { NULL, NULL, false },
};
static const struct schema s_apk = { .types = T_MAP, .props = apk_props, .closed = true };
static const struct schema_prop schema_keys[] = { { "apk_repos", &s_apk, false },
                                                  { NULL, NULL, false } };
static const char *const activate[] = { "apk_repos", NULL };

static bool word_ok(const struct node *v, const char *key)
{
        if (node_str(v) && sysconf_line_ok(v->str) && !strpbrk(v->str, " \t"))
                return true;
        sysconf_refuse(v, key, "must be one word on one line");
        return false;
}

static int apk_configure_run(const struct module_ctx *ctx)
{
        const struct node *apk = node_get(ctx->cfg, "apk_repos"), *repo, *ver, *base, *local;
        const char *b = "https://dl-cdn.alpinelinux.org/alpine", *l = "";
        struct buf out = BUF_INIT(65536);
        int r;

        if (!apk || apk->type != NODE_MAP || apk->n == 0)
                return 0;
        if (node_get_bool(apk, "preserve_repositories", false)) {
                log_info("apk_configure: preserve_repositories is set; nothing done");
                return 0;
        }
        repo = node_get(apk, "alpine_repo");
        ver = node_get(repo, "version");
        if (!repo || !ver || (node_str(ver) && !*ver->str)) {
                log_info("apk_configure: no alpine_repo version; nothing done");
                return 0;
        }
        if (!word_ok(ver, "apk_repos.alpine_repo.version"))
                return -EINVAL;
        if ((base = node_get(repo, "base_url"))) {
                if (!word_ok(base, "apk_repos.alpine_repo.base_url"))
                        return -EINVAL;
                b = base->str;
        }
        if ((local = node_get(apk, "local_repo_base_url"))) {
                if (!word_ok(local, "apk_repos.local_repo_base_url"))
                        return -EINVAL;
                l = local->str;
        }
        r = buf_printf(&out,
                       "#\n# Created by cloud-init\n#\n"
                       "# This file is written on first boot of an instance\n#\n\n"
                       "%s/%s/main\n",
                       b, ver->str);
        if (r >= 0 && node_get_bool(repo, "community_enabled", false))
                r = buf_printf(&out, "%s/%s/community\n", b, ver->str);
        if (r >= 0 && node_get_bool(repo, "testing_enabled", false)) {
                if (!streq(ver->str, "edge"))
                        r = buf_puts(&out, "#\n# Testing - using with non-Edge installation may "
                                           "cause problems!\n#\n");
                if (r >= 0)
                        r = buf_printf(&out, "%s/edge/testing\n", b);
        }
        if (r >= 0)
                r = buf_putc(&out, '\n');
        if (r >= 0 && *l)
                r = buf_printf(&out, "#\n# Local repo\n#\n%s/%s\n\n", l, ver->str);
        if (r >= 0)
                r = fs_write_atomic(ctx->root_fd, REPO_FN, out.data, out.len, 0644, FS_NO_OWNER,
                                    (gid_t)-1);
        buf_free(&out);
        if (r < 0)
                return log_error_errno(r, "Cannot write %s: %m", REPO_FN);
        log_info("Wrote %s", REPO_FN);
        return 0;
}

const struct module mod_apk_configure = {
        .name = "apk_configure",
        .freq = FREQ_INSTANCE,
        .keys = schema_keys,
        .activate_keys = activate,
        .run = apk_configure_run,
};
