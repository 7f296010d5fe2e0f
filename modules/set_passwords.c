/* SPDX-License-Identifier: Apache-2.0 */
/* set_passwords (init stage, per instance): cloud-init's cc_set_passwords.
 * ssh_pwauth sets PasswordAuthentication, in sshd_config.d/50-cloud-init.conf
 * when sshd_config includes that directory, else in sshd_config itself.
 * chpasswd (users: name, password, type text|hash|RANDOM; expire, default
 * true) and password (the default user's) set passwords. A RANDOM password
 * is shown on the console and nowhere else. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "accounts.h"
#include "console.h"
#include "exec.h"
#include "fs.h"
#include "log.h"
#include "module.h"
#include "passwd.h"
#include "schema.h"
#include "sshd_config.h"
#include "users.h"
#include "valid.h"

#define DROPIN "/etc/ssh/sshd_config.d/50-cloud-init.conf"
#define RANDOM_LEN 20

static const char *const pw_types[] = { "hash", "text", "RANDOM", NULL };
static const struct schema s_str = { .types = T_STR };
static const struct schema s_bool = { .types = T_BOOL };
static const struct schema s_type = { .types = T_STR, .enums = pw_types };
static const struct schema_prop user_props[] = {
        { "name", &s_str, true },
        { "password", &s_str, false },
        { "type", &s_type, false },
        { NULL, NULL, false },
};
static const struct schema s_user = { .types = T_MAP, .props = user_props, .closed = true };
static const struct schema s_users = { .types = T_SEQ, .items = &s_user, .prune_items = true };
static const struct schema s_list = { .types = T_STR | T_SEQ };
static const struct schema_prop chpasswd_props[] = {
        { "expire", &s_bool, false },
        { "users", &s_users, false },
        { "list", &s_list, false },
        { NULL, NULL, false },
};
static const struct schema s_chpasswd = { .types = T_MAP, .props = chpasswd_props, .closed = true };
static const struct schema s_pwauth = { .types = T_BOOL | T_STR };
static const struct schema_prop schema_keys[] = {
        { "ssh_pwauth", &s_pwauth, false },
        { "chpasswd", &s_chpasswd, false },
        { "password", &s_str, false },
        { NULL, NULL, false },
};

/* PasswordAuthentication yes|no where sshd will read it first. */
static int set_pwauth(const struct module_ctx *ctx, const char *value)
{
        _cleanup_free_ char *cfg = NULL;
        struct buf out = BUF_INIT(2u << 20);
        char line[64];
        int r;

        (void)snprintf(line, sizeof(line), "PasswordAuthentication %s\n", value);
        if (sshd_config_includes_dir(ctx->root_fd, "/etc/ssh/sshd_config.d")) {
                r = fs_write_atomic(ctx->root_fd, DROPIN, line, strlen(line), 0600, FS_NO_OWNER,
                                    (gid_t)-1);
                if (r < 0)
                        return log_warning_errno(r, "Cannot write %s: %m", DROPIN);
                log_info("Wrote %s", DROPIN);
        } else {
                bool done = false;
                char *l, *save = NULL;

                r = fs_read_file(ctx->root_fd, "/etc/ssh/sshd_config", 1u << 20, &cfg, NULL);
                if (r < 0 && r != -ENOENT)
                        return log_warning_errno(r, "Cannot read /etc/ssh/sshd_config: %m");
                r = 0;
                for (l = cfg ? strtok_r(cfg, "\n", &save) : NULL; l && r >= 0;
                     l = strtok_r(NULL, "\n", &save)) {
                        const char *t = l + strspn(l, " \t");
                        if (!done && strncasecmp(t, "PasswordAuthentication", 22) == 0 &&
                            strchr(" \t=", t[22])) {
                                r = buf_puts(&out, line);
                                done = true;
                        } else
                                r = buf_printf(&out, "%s\n", l);
                }
                if (r >= 0 && !done)
                        r = buf_puts(&out, line);
                if (r >= 0)
                        r = fs_write_buf(ctx->root_fd, "/etc/ssh/sshd_config", &out, 0644,
                                         FS_NO_OWNER, (gid_t)-1);
                buf_free(&out);
                if (r < 0)
                        return log_warning_errno(r, "Cannot write /etc/ssh/sshd_config: %m");
                log_info("Set PasswordAuthentication %s in /etc/ssh/sshd_config", value);
        }
        /* A running sshd rereads its configuration only when told. */
        if (ctx->root_is_host && exec_have("systemctl")) {
                const char *active[] = { "systemctl", "is-active", "--quiet", "ssh", NULL };
                const char *restart[] = { "systemctl", "restart", "ssh", NULL };
                if (exec_ok(NULL, (char *const *)active) >= 0 &&
                    exec_ok(NULL, (char *const *)restart) < 0)
                        log_warning("Cannot restart ssh after changing PasswordAuthentication");
        }
        return 0;
}

struct pw_change {
        const char *name;
        const char *secret;
        bool is_hash;
        bool random;
        const struct node *at; /* where it was given, for messages */
};

static int apply(const struct module_ctx *ctx, struct pw_change *c, struct buf *console,
                 bool expire)
{
        char random[RANDOM_LEN + 1];
        int r;

        char pos[512];

        schema_pos(c->at, pos, sizeof(pos));
        if (!passwd_name_valid(c->name))
                return log_warning_errno(-EINVAL, "%s: chpasswd: '%.32s' is not a valid user name",
                                         pos, c->name);
        /* a hash goes to chpasswd -e as it is: a line break would be a second
         * name:hash line, a ':' more /etc/shadow fields */
        if (c->is_hash && !c->random && valid_password_hash(c->secret))
                return log_warning_errno(-EINVAL, "%s: chpasswd: the hash for %s %s; not set", pos,
                                         c->name, valid_password_hash(c->secret));
        if (c->random) {
                r = password_random(random, sizeof(random), RANDOM_LEN);
                if (r < 0)
                        return r;
                c->secret = random;
        }
        r = account_set_password(module_chroot(ctx), c->name, c->secret, c->is_hash);
        if (r >= 0 && c->random)
                r = buf_printf(console, "%s:%s\n", c->name, random);
        explicit_bzero(random, sizeof(random));
        if (r < 0)
                return log_warning_errno(r, "Cannot set the password of %s", c->name);
        log_info("Set the password of %s", c->name);
        /* cloud-init expires what it set in the clear (text and RANDOM). */
        if (expire && !c->is_hash && account_expire(module_chroot(ctx), c->name) < 0)
                return log_warning_errno(-EPROTO, "Cannot expire the password of %s", c->name);
        return 0;
}

static bool looks_hashed(const char *s)
{
        return s[0] == '$' && strchr(s + 1, '$');
}

static int set_passwords_run(const struct module_ctx *ctx)
{
        const struct node *pwauth = node_get(ctx->cfg, "ssh_pwauth");
        const struct node *chp = node_get(ctx->cfg, "chpasswd");
        const char *password = node_get_str(ctx->cfg, "password");
        bool expire = node_get_bool(chp, "expire", true);
        struct buf console = BUF_INIT(64 * 1024);
        int r = 0, k;

        if (pwauth && !(node_str(pwauth) && streq(pwauth->str, "unchanged"))) {
                const char *v = pwauth->type == NODE_BOOL ? (pwauth->b ? "yes" : "no")
                                : node_str(pwauth) && (streq(pwauth->str, "yes") ||
                                                       streq(pwauth->str, "no"))
                                        ? pwauth->str
                                        : NULL;
                if (v)
                        r = set_pwauth(ctx, v);
                else
                        r = log_warning_errno(-EINVAL, "ssh_pwauth must be true, false or "
                                                       "unchanged; sshd left alone");
        }
        if (password) {
                _cleanup_node_ struct node *users = NULL;
                k = users_normalize(ctx->cfg, &users);
                if (k >= 0 && users_default_name(users)) {
                        struct pw_change c = { .name = users_default_name(users),
                                               .secret = password,
                                               .random = streq(password, "RANDOM"),
                                               .at = node_get(ctx->cfg, "password") };
                        k = apply(ctx, &c, &console, expire);
                } else if (k >= 0)
                        k = log_warning_errno(-ENOENT, "password: there is no default user");
                if (k < 0)
                        r = k;
        }
        for (size_t i = 0; chp && node_get(chp, "users") && i < node_get(chp, "users")->n; i++) {
                const struct node *u = node_get(chp, "users")->items[i];
                const char *type = node_get_str(u, "type");
                struct pw_change c = { .name = node_get_str(u, "name"),
                                       .secret = node_get_str(u, "password"),
                                       .is_hash = !type || streq(type, "hash"),
                                       .random = type && streq(type, "RANDOM"),
                                       .at = node_get(u, "password") ? node_get(u, "password")
                                                                     : u };
                if (c.random)
                        c.is_hash = false;
                if (!c.secret && !c.random) {
                        log_warning("chpasswd: user %s has no password", c.name);
                        r = -EINVAL;
                        continue;
                }
                k = apply(ctx, &c, &console, expire);
                if (k < 0)
                        r = k;
        }
        /* The older "list": name:password lines (or a list of them). */
        if (chp && node_get(chp, "list")) {
                const struct node *l = node_get(chp, "list");
                log_warning("chpasswd.list is deprecated; use chpasswd.users");
                for (size_t i = 0; i < (l->type == NODE_SEQ ? l->n : 1); i++) {
                        const struct node *item = l->type == NODE_SEQ ? l->items[i] : l;
                        char *copy, *line, *save = NULL;
                        if (!node_str(item))
                                continue;
                        copy = strdup(item->str);
                        if (!copy)
                                return -ENOMEM;
                        for (line = strtok_r(copy, "\n", &save); line;
                             line = strtok_r(NULL, "\n", &save)) {
                                char *colon = strchr(line, ':');
                                struct pw_change c;
                                if (!colon)
                                        continue;
                                *colon = '\0';
                                c = (struct pw_change){ .name = line,
                                                        .secret = colon + 1,
                                                        .random = streq(colon + 1, "RANDOM"),
                                                        .is_hash = looks_hashed(colon + 1),
                                                        .at = item };
                                k = apply(ctx, &c, &console, expire);
                                if (k < 0)
                                        r = k;
                        }
                        explicit_bzero(copy, strlen(item->str));
                        free(copy);
                }
        }
        if (console.len) {
                struct buf msg = BUF_INIT(128 * 1024);
                k = buf_printf(&msg, "Set the following 'random' passwords\n%s", console.data);
                if (k >= 0)
                        k = console_write(ctx->root_fd, ctx->root_is_host, msg.data, msg.len);
                buf_free_secret(&msg);
                if (k < 0)
                        r = log_warning_errno(k, "Random passwords were set but there is no "
                                                 "console to show them on: %m");
        }
        buf_free_secret(&console);
        return r;
}

const struct module mod_set_passwords = {
        .name = "set_passwords",
        .freq = FREQ_INSTANCE,
        .keys = schema_keys,
        .run = set_passwords_run,
};
