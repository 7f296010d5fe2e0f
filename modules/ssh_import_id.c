/* SPDX-License-Identifier: Apache-2.0 */
/* ssh_import_id (config stage, per instance): cloud-init's cc_ssh_import_id
 * without the ssh-import-id tool. The default user gets the top-level
 * ssh_import_id list, other users their own `ssh_import_id`; each id is
 * gh:USER (https://github.com/USER.keys) or lp:USER / USER (Launchpad's
 * https://launchpad.net/~USER/+sshkeys), fetched through the bounded HTTP
 * fetcher. Each line of the answer must be one public key; it is given
 * ssh-import-id's comment ("# ssh-import-id gh:USER") and added through the
 * authorized-keys writer (0600, owned by the user, no symlink followed).
 * The URLs can be replaced (tests, mirrors) by cloudboot.ssh_import_id.gh_url
 * and lp_url, where {user} stands for the name. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "authkeys.h"
#include "buf.h"
#include "http.h"
#include "log.h"
#include "module.h"
#include "passwd.h"
#include "schema.h"
#include "sysconf.h"
#include "users.h"

#define KEYS_MAX (1u << 20)
#define MAX_KEYS 256

static const struct schema s_str = { .types = T_STR };
static const struct schema s_ids = { .types = T_SEQ | T_STR, .items = &s_str };
static const struct schema_prop schema_keys[] = { { "ssh_import_id", &s_ids, false },
                                                  { NULL, NULL, false } };

static bool name_ok(const char *s)
{
        return sysconf_word_ok(s, "-_.", 64) && *s != '-';
}

/* url for proto:user from the template (with {user}) or the default. */
static int make_url(const struct module_ctx *ctx, const char *proto, const char *user, char *ret,
                    size_t size)
{
        char key[32];
        const char *tmpl, *at;
        (void)snprintf(key, sizeof(key), "%s_url", proto);
        tmpl = node_get_str(node_get_path(ctx->cfg, "cloudboot.ssh_import_id"), key);
        if (!tmpl)
                tmpl = streq(proto, "gh") ? "https://github.com/{user}.keys"
                                          : "https://launchpad.net/~{user}/+sshkeys";
        at = strstr(tmpl, "{user}");
        if (!at || !sysconf_line_ok(tmpl))
                return -EINVAL;
        if ((size_t)snprintf(ret, size, "%.*s%s%s", (int)(at - tmpl), tmpl, user, at + 6) >= size)
                return -E2BIG;
        return 0;
}

/* Fetch one id's keys and append them (with the comment) to keys[]. */
static int fetch_id(const struct module_ctx *ctx, const struct node *idn, char **keys, size_t *n)
{
        const char *id = node_str(idn), *user, *proto = "lp";
        struct http_request req = { .body_max = KEYS_MAX, .timeout_ms = 20000 };
        struct http_retry retry = { .retries = 1 };
        struct http_response resp = { 0 };
        char url[1024], protoid[128];
        size_t added = 0;
        int r;

        if (!id) {
                sysconf_refuse(idn, "ssh_import_id", "must be a string");
                return -EINVAL;
        }
        user = id;
        if (startswith(id, "gh:") || startswith(id, "lp:")) {
                proto = id[0] == 'g' ? "gh" : "lp";
                user = id + 3;
        }
        if (!name_ok(user)) {
                sysconf_refuse(idn, "ssh_import_id", "must be gh:USER, lp:USER or USER");
                return -EINVAL;
        }
        r = make_url(ctx, proto, user, url, sizeof(url));
        if (r < 0)
                return log_error_errno(r, "ssh_import_id: bad URL template for %s", proto);
        r = http_fetch(url, &req, &retry, &resp);
        if (r >= 0 && resp.status != 200)
                r = -ENOENT;
        if (r < 0) {
                http_response_done(&resp);
                return log_error_errno(r, "ssh-import-id failed for %s:%s", proto, user);
        }
        (void)snprintf(protoid, sizeof(protoid), "%s:%s", proto, user);
        for (char *l = resp.body; l && *l && *n < MAX_KEYS;) {
                char *eol = strchr(l, '\n'), *s = l, *e;
                const char *blob;
                size_t blen;
                struct buf b = BUF_INIT(16384);
                if (eol)
                        *eol = '\0';
                l = eol ? eol + 1 : NULL;
                s += strspn(s, " \t\r");
                e = s + strlen(s);
                while (e > s && strchr(" \t\r", e[-1]))
                        *--e = '\0';
                if (!*s)
                        continue;
                if (!sysconf_line_ok(s) || !authkeys_blob(s, strlen(s), &blob, &blen)) {
                        log_warning("ssh_import_id %s: a line that is not a public key; skipped",
                                    protoid);
                        continue;
                }
                if (buf_printf(&b, "%s # ssh-import-id %s", s, protoid) < 0) {
                        buf_free(&b);
                        continue;
                }
                keys[(*n)++] = buf_steal(&b, NULL);
                added++;
        }
        http_response_done(&resp);
        log_info("Imported %zu key%s of %s", added, added == 1 ? "" : "s", protoid);
        return 0;
}

static int import_user(const struct module_ctx *ctx, const char *name, const struct node *ids)
{
        struct passwd_entry pw = { 0 };
        char *keys[MAX_KEYS];
        size_t n = 0;
        int r = 0, k;

        if (!ids || (ids->type == NODE_SEQ && ids->n == 0))
                return 0;
        k = passwd_entry_get(ctx->root_fd, name, &pw);
        if (k < 0)
                return log_error_errno(k, "ssh_import_id: no user %s in the target", name);
        if (ids->type == NODE_STR)
                r = fetch_id(ctx, ids, keys, &n);
        for (size_t i = 0; ids->type == NODE_SEQ && i < ids->n; i++) {
                k = fetch_id(ctx, ids->items[i], keys, &n);
                if (k < 0)
                        r = k;
        }
        if (n) {
                k = authkeys_install(ctx->root_fd, &pw, keys, n, NULL);
                if (k < 0)
                        r = log_error_errno(k, "Cannot add the imported keys of %s: %m", name);
        }
        for (size_t i = 0; i < n; i++)
                free(keys[i]);
        passwd_entry_done(&pw);
        return r;
}

static int ssh_import_id_run(const struct module_ctx *ctx)
{
        _cleanup_node_ struct node *users = NULL;
        int r = 0, k;

        /* cloud-init's is_key_in_nested_dict: only when some user asks */
        {
                const struct node *ul = node_get(ctx->cfg, "users");
                bool asked = node_get(ctx->cfg, "ssh_import_id") != NULL;
                for (size_t i = 0; !asked && ul && ul->type == NODE_SEQ && i < ul->n; i++)
                        asked = ul->items[i]->type == NODE_MAP &&
                                (node_get(ul->items[i], "ssh_import_id") ||
                                 node_get(ul->items[i], "ssh-import-id"));
                if (!asked)
                        return 0;
        }
        k = users_normalize(ctx->cfg, &users);
        if (k < 0)
                return k;
        for (size_t i = 0; users && i < users->n; i++) {
                const struct node *u = users->items[i];
                const char *name = node_get_str(u, "name");
                const struct node *ids = node_get_bool(u, "default", false)
                                                 ? node_get(ctx->cfg, "ssh_import_id")
                                                 : user_opt(u, "ssh_import_id");
                if (!name || !ids)
                        continue;
                k = import_user(ctx, name, ids);
                if (k < 0)
                        r = k;
        }
        return r;
}

const struct module mod_ssh_import_id = {
        .name = "ssh_import_id",
        .freq = FREQ_INSTANCE,
        .keys = schema_keys,
        .activate_keys = NULL,
        .run = ssh_import_id_run,
};
