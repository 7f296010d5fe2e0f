/* SPDX-License-Identifier: Apache-2.0 */
/* users_groups (init stage, per instance): cloud-init's cc_users_groups.
 * Groups first (groupadd, members added with usermod -a -G), then each user:
 * created with useradd when new (options as cloud-init maps them), then, new
 * or not, passwords, locking (lock_passwd defaults to true), sudo rules
 * (/etc/sudoers.d/90-cloud-init-users, 0440, with the #includedir ensured) and
 * ssh_authorized_keys. All by argv on the target; no password is logged. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "accounts.h"
#include "authkeys.h"
#include "fs.h"
#include "log.h"
#include "module.h"
#include "passwd.h"
#include "schema.h"
#include "users.h"
#include "valid.h"

#define SUDOERS "/etc/sudoers"
#define SUDOERS_FILE "/etc/sudoers.d/90-cloud-init-users"

/* A user's keys with the types cloud-init's schema gives them: a value of
 * another type is reported with its position and not used. */
static const char *one_line(const char *s)
{
        return valid_line(s, 4096);
}

/* Reported by the schema (cloudboot schema, the boot's log) and kept: the
 * module refuses the user itself, with what that means. */
static const struct schema s_ustr = { .types = T_STR, .check = one_line, .keep_bad = true };
static const struct schema s_uname = { .types = T_STR, .check = valid_user_name, .keep_bad = true };
static const struct schema s_ugecos = { .types = T_STR, .check = valid_gecos, .keep_bad = true };
static const struct schema s_uhome = { .types = T_STR, .check = valid_home, .keep_bad = true };
static const struct schema s_ushell = { .types = T_STR, .check = valid_shell, .keep_bad = true };
static const struct schema s_usecret = {
        .types = T_STR, .check = one_line, .keep_bad = true, .secret = true
};
static const struct schema s_uhash = {
        .types = T_STR, .check = valid_password_hash, .keep_bad = true, .secret = true
};
static const struct schema s_ubool = { .types = T_BOOL };
static const struct schema s_unum = { .types = T_INT | T_STR };
static const struct schema s_unames = { .types = T_STR | T_SEQ };
static const struct schema s_usudo = { .types = T_STR | T_SEQ | T_BOOL | T_NULL };
static const struct schema_prop user_props[] = {
        { "name", &s_uname, false },
        { "gecos", &s_ugecos, false },
        { "homedir", &s_uhome, false },
        { "primary_group", &s_uname, false },
        { "shell", &s_ushell, false },
        { "expiredate", &s_ustr, false },
        { "selinux_user", &s_ustr, false },
        { "passwd", &s_uhash, false },
        { "hashed_passwd", &s_uhash, false },
        { "plain_text_passwd", &s_usecret, false },
        { "lock_passwd", &s_ubool, false },
        { "no_create_home", &s_ubool, false },
        { "system", &s_ubool, false },
        { "no_user_group", &s_ubool, false },
        { "no_log_init", &s_ubool, false },
        { "create_groups", &s_ubool, false },
        { "uid", &s_unum, false },
        { "inactive", &s_unum, false },
        { "groups", &s_unames, false },
        { "ssh_authorized_keys", &s_unames, false },
        { "sudo", &s_usudo, false },
        { NULL, NULL, false },
};
static const struct schema s_user_item = { .types = T_STR | T_MAP, .props = user_props };
static const struct schema s_users = { .types = T_STR | T_SEQ | T_MAP,
                                       .items = &s_user_item,
                                       .prune_items = true };
static const struct schema s_user = { .types = T_STR | T_MAP, .props = user_props };
static const struct schema s_groups = { .types = T_STR | T_SEQ | T_MAP };
static const struct schema_prop schema_keys[] = {
        { "users", &s_users, false },
        { "user", &s_user, false },
        { "groups", &s_groups, false },
        { NULL, NULL, false },
};

/* Keys of a user mapping cloud-init knows that cloudboot does not act on. */
static const char *const unsupported_user_keys[] = { "doas", "ssh_redirect_user", "snapuser",
                                                     NULL };

static bool user_bool(const struct node *u, const char *key, bool def)
{
        const struct node *v = user_opt(u, key);
        return v && v->type == NODE_BOOL ? v->b : def;
}

static const char *user_str(const struct node *u, const char *key)
{
        return node_str(user_opt(u, key));
}

/* "a, b" or [a, b] into names; each must be a valid name. */
static int names_of(const struct node *v, char ***ret, size_t *ret_n)
{
        char **names = NULL;
        size_t n = 0;
        int r = 0;

        if (!v || v->type == NODE_NULL) {
                *ret = NULL;
                *ret_n = 0;
                return 0;
        }
        for (size_t i = 0; i < (v->type == NODE_SEQ ? v->n : 1) && r >= 0; i++) {
                const struct node *item = v->type == NODE_SEQ ? v->items[i] : v;
                const char *p = item->type == NODE_STR ? item->str : NULL;

                if (!p) {
                        r = -EINVAL;
                        break;
                }
                while (*p && r >= 0) {
                        size_t l = strcspn(p, ",");
                        const char *a = p, *b = p + l;
                        while (a < b && *a == ' ')
                                a++;
                        while (b > a && b[-1] == ' ')
                                b--;
                        if (b > a) {
                                char **q = realloc(names, (n + 1) * sizeof(*names));
                                if (!q || !(q[n] = strndup(a, (size_t)(b - a)))) {
                                        names = q ? q : names;
                                        r = -ENOMEM;
                                        break;
                                }
                                names = q;
                                if (!passwd_name_valid(names[n++]))
                                        r = -EINVAL;
                        }
                        p += l + (p[l] == ',');
                }
        }
        if (r < 0) {
                for (size_t i = 0; i < n; i++)
                        free(names[i]);
                free(names);
                return r;
        }
        *ret = names;
        *ret_n = n;
        return 0;
}

static void names_free(char **names, size_t n)
{
        for (size_t i = 0; i < n; i++)
                free(names[i]);
        free(names);
}

static int ensure_group(const struct module_ctx *ctx, const char *name, bool system)
{
        const char *argv[] = { "groupadd", name, system ? "--system" : NULL, NULL };
        int r;

        if (passwd_group_exists(ctx->root_fd, name))
                return 0;
        r = account_tool(module_chroot(ctx), argv);
        if (r < 0)
                return log_warning_errno(r, "groupadd %s failed", name);
        log_info("Created group %s", name);
        return 0;
}

static int add_member(const struct module_ctx *ctx, const char *group, const char *user)
{
        const char *argv[] = { "usermod", "--append", "--groups", group, user, NULL };
        struct passwd_entry pw;
        int r;

        if (passwd_entry_get(ctx->root_fd, user, &pw) < 0)
                return log_warning_errno(
                        -ENOENT, "Cannot add %s to group %s: there is no such user", user, group);
        passwd_entry_done(&pw);
        r = account_tool(module_chroot(ctx), argv);
        if (r < 0)
                return log_warning_errno(r, "Cannot add %s to group %s", user, group);
        return 0;
}

/* groups: [g, {g: [members]}], {g: [members]} or "g1, g2". */
static int do_groups(const struct module_ctx *ctx, const struct node *groups)
{
        int r = 0;

        if (!groups)
                return 0;
        for (size_t i = 0; i < (groups->type == NODE_SEQ ? groups->n : 1); i++) {
                const struct node *g = groups->type == NODE_SEQ ? groups->items[i] : groups;
                char pos[512];

                schema_pos(g, pos, sizeof(pos));
                if (g->type == NODE_STR) {
                        char **names;
                        size_t n;
                        if (names_of(g, &names, &n) < 0) {
                                r = log_warning_errno(-EINVAL, "%s: invalid group name", pos);
                                continue;
                        }
                        for (size_t k = 0; k < n; k++)
                                if (ensure_group(ctx, names[k], false) < 0)
                                        r = -EPROTO;
                        names_free(names, n);
                } else if (g->type == NODE_MAP) {
                        for (size_t k = 0; k + 1 < g->n; k += 2) {
                                const char *name = node_str(g->items[k]);
                                char **members;
                                size_t n;

                                if (!name || !passwd_name_valid(name)) {
                                        r = log_warning_errno(-EINVAL, "%s: invalid group name",
                                                              pos);
                                        continue;
                                }
                                if (ensure_group(ctx, name, false) < 0) {
                                        r = -EPROTO;
                                        continue;
                                }
                                if (names_of(g->items[k + 1], &members, &n) < 0) {
                                        r = log_warning_errno(-EINVAL, "%s: invalid members of %s",
                                                              pos, name);
                                        continue;
                                }
                                for (size_t m = 0; m < n; m++)
                                        if (add_member(ctx, name, members[m]) < 0)
                                                r = -EPROTO;
                                names_free(members, n);
                        }
                } else
                        r = log_warning_errno(
                                -EINVAL, "%s: a groups entry must be a name or a mapping", pos);
        }
        return r;
}

/* A user key whose value cannot be used: reported where it is given. */
static int refuse(const struct node *at, const char *key, const char *name, const char *must_be)
{
        char pos[512];
        schema_pos(at, pos, sizeof(pos));
        return log_warning_errno(-EINVAL, "%s: %s of %s must be %s; the user is not created", pos,
                                 key, name, must_be);
}

/* The fields useradd writes into /etc/passwd and /etc/group, each by its
 * type (a default user from system_info arrives here unchecked by the
 * schema): a ':' or a line break would add a field or a line. */
static int check_fields(const struct node *u, const char *name)
{
        static const struct {
                const char *key;
                const char *(*check)(const char *);
                const char *must_be;
        } fields[] = {
                { "gecos", valid_gecos, "one line without ':'" },
                { "homedir", valid_home,
                  "an absolute path without '..', ':' or control characters" },
                { "shell", valid_shell,
                  "an absolute path without ':', spaces or control characters" },
                { "primary_group", valid_user_name, "a valid group name" },
                { "passwd", valid_password_hash, "a crypt(3) hash" },
                { "hashed_passwd", valid_password_hash, "a crypt(3) hash" },
                { "expiredate", one_line, "one line" },
                { "selinux_user", one_line, "one line" },
        };
        for (size_t i = 0; i < ELEMENTSOF(fields); i++) {
                const struct node *v = user_opt(u, fields[i].key);
                const char *why = node_str(v) ? fields[i].check(v->str) : NULL;
                if (why) {
                        char pos[512];
                        schema_pos(v, pos, sizeof(pos));
                        return log_warning_errno(-EINVAL,
                                                 "%s: %s of %s must be %s (it %s); the user is not "
                                                 "created",
                                                 pos, fields[i].key, name, fields[i].must_be, why);
                }
        }
        return 0;
}

static int create_user(const struct module_ctx *ctx, const struct node *u, const char *name)
{
        const char *argv[64];
        char uidbuf[32];
        size_t n = 0;
        const struct node *v;
        const char *s;
        char **groups = NULL;
        size_t n_groups = 0;
        struct buf joined = BUF_INIT(64 * 1024);
        int r;

        r = check_fields(u, name);
        if (r < 0)
                return r;
        /* a primary group that does not exist is made first (cloud-init
         * 22.4; 25.1's useradd --gid fails and loses the user) */
        s = user_str(u, "primary_group");
        if (s && user_bool(u, "create_groups", true) && ensure_group(ctx, s, false) < 0)
                return log_warning_errno(-EPROTO, "useradd %s: its primary group %s cannot be made",
                                         name, s);
        argv[n++] = "useradd";
        argv[n++] = name;
#define OPT(key, flag)                                                                             \
        do {                                                                                       \
                const char *s_ = user_str(u, key);                                                 \
                if (s_) {                                                                          \
                        argv[n++] = flag;                                                          \
                        argv[n++] = s_;                                                            \
                }                                                                                  \
        } while (0)
        OPT("gecos", "--comment");
        OPT("homedir", "--home");
        OPT("primary_group", "--gid");
        OPT("shell", "--shell");
        OPT("expiredate", "--expiredate");
        OPT("selinux_user", "--selinux-user");
#undef OPT
        v = user_opt(u, "inactive");
        if (v && (v->type == NODE_INT || v->type == NODE_STR)) {
                int64_t days;
                if (valid_parse_int(v->str, -1, INT32_MAX, &days) < 0)
                        return refuse(v, "inactive", name, "a number of days (or -1)");
                argv[n++] = "--inactive";
                argv[n++] = v->str;
        }
        v = user_opt(u, "uid");
        if (v && (v->type == NODE_INT || v->type == NODE_STR)) {
                uint64_t id;
                if (valid_parse_uint(v->str, 0, 4294967294u, &id) < 0)
                        return refuse(v, "uid", name, "a number from 0 to 4294967294");
                (void)snprintf(uidbuf, sizeof(uidbuf), "%s", v->str);
                argv[n++] = "--uid";
                argv[n++] = uidbuf;
        }
        r = names_of(user_opt(u, "groups"), &groups, &n_groups);
        if (r < 0)
                return r == -EINVAL
                               ? refuse(user_opt(u, "groups"), "groups", name, "valid group names")
                               : r;
        for (size_t i = 0; i < n_groups && r >= 0; i++) {
                /* missing groups are made, unless create_groups: false */
                if (user_bool(u, "create_groups", true))
                        (void)ensure_group(ctx, groups[i], false);
                r = buf_printf(&joined, "%s%s", i ? "," : "", groups[i]);
        }
        if (r < 0) {
                names_free(groups, n_groups);
                buf_free(&joined);
                return r;
        }
        if (n_groups) {
                argv[n++] = "--groups";
                argv[n++] = joined.data;
        }
        if (user_bool(u, "no_user_group", false))
                argv[n++] = "--no-user-group";
        if (user_bool(u, "system", false))
                argv[n++] = "--system";
        if (user_bool(u, "no_log_init", false))
                argv[n++] = "--no-log-init";
        argv[n++] = user_bool(u, "no_create_home", false) || user_bool(u, "system", false)
                            ? "--no-create-home"
                            : "--create-home";
        argv[n] = NULL;
        r = account_tool(module_chroot(ctx), argv);
        names_free(groups, n_groups);
        buf_free(&joined);
        if (r < 0)
                return log_warning_errno(r, "useradd %s failed", name);
        log_info("Created user %s", name);
        return 0;
}

/* sudo: a rule, a list of rules, or false/null for none. */
static int collect_sudo(const struct node *u, const char *name, struct buf *rules)
{
        const struct node *v = user_opt(u, "sudo");
        int r = 0;

        if (!v || v->type == NODE_NULL || (v->type == NODE_BOOL && !v->b))
                return 0;
        r = buf_printf(rules, "\n# User rules for %s\n", name);
        for (size_t i = 0; i < (v->type == NODE_SEQ ? v->n : 1) && r >= 0; i++) {
                const struct node *rule = v->type == NODE_SEQ ? v->items[i] : v;
                if (!node_str(rule) || strpbrk(rule->str, "\n\r")) {
                        char pos[512];
                        schema_pos(rule, pos, sizeof(pos));
                        log_warning("%s: sudo rule for %s must be one line of text; skipped", pos,
                                    name);
                        continue;
                }
                r = buf_printf(rules, "%s %s\n", name, rule->str);
        }
        return r;
}

static int write_sudoers(const struct module_ctx *ctx, const struct buf *rules)
{
        _cleanup_free_ char *sudoers = NULL;
        _cleanup_close_ int dfd = -1;
        struct buf out = BUF_INIT(1u << 20);
        int r;

        r = fs_mkdir_p(ctx->root_fd, "/etc/sudoers.d", 0750);
        if (r < 0)
                return log_warning_errno(r, "Cannot create /etc/sudoers.d: %m");
        /* cloud-init's ensure_dir() also makes an existing one 0750 */
        dfd = fs_open_nofollow(ctx->root_fd, "/etc/sudoers.d", O_RDONLY | O_DIRECTORY | O_CLOEXEC,
                               0);
        if (dfd < 0 || fchmod(dfd, 0750) < 0)
                return log_warning_errno(dfd < 0 ? dfd : -errno,
                                         "Cannot make /etc/sudoers.d 0750: %m");
        /* sudo must read the directory: make sure /etc/sudoers includes it. */
        r = fs_read_file(ctx->root_fd, SUDOERS, 1u << 20, &sudoers, NULL);
        if (r < 0 && r != -ENOENT)
                return log_warning_errno(r, "Cannot read %s: %m", SUDOERS);
        if (!sudoers || (!strstr(sudoers, "#includedir /etc/sudoers.d") &&
                         !strstr(sudoers, "@includedir /etc/sudoers.d"))) {
                r = buf_printf(&out,
                               "%s%s# See sudoers(5) for more information on \"#include\" "
                               "directives:\n\n#includedir /etc/sudoers.d\n",
                               sudoers ? sudoers : "",
                               sudoers && *sudoers && sudoers[strlen(sudoers) - 1] != '\n' ? "\n\n"
                                                                                           : "\n");
                if (r >= 0)
                        r = fs_write_buf(ctx->root_fd, SUDOERS, &out, 0440, FS_NO_OWNER, (gid_t)-1);
                buf_free(&out);
                if (r < 0)
                        return log_warning_errno(r, "Cannot write %s: %m", SUDOERS);
        }
        r = buf_printf(&out, "# Created by cloudboot v. %s\n%s", PACKAGE_VERSION, rules->data);
        if (r >= 0)
                r = fs_write_buf(ctx->root_fd, SUDOERS_FILE, &out, 0440, FS_NO_OWNER, (gid_t)-1);
        buf_free(&out);
        if (r < 0)
                return log_warning_errno(r, "Cannot write %s: %m", SUDOERS_FILE);
        log_info("Wrote %s", SUDOERS_FILE);
        return 0;
}

static int user_keys(const struct module_ctx *ctx, const struct node *u, const char *name)
{
        const struct node *v = user_opt(u, "ssh_authorized_keys");
        struct passwd_entry pw;
        char **keys = NULL;
        size_t n = 0;
        int r;

        if (!v)
                return 0;
        r = authkeys_collect(v, &keys, &n);
        if (r < 0) {
                free(keys);
                return r;
        }
        r = passwd_entry_get(ctx->root_fd, name, &pw);
        if (r < 0) {
                free(keys);
                return log_warning_errno(r, "Cannot install keys for %s: no such user", name);
        }
        /* an empty list still makes the file, as in cloud-init */
        r = authkeys_install(ctx->root_fd, &pw, keys, n, NULL);
        passwd_entry_done(&pw);
        free(keys);
        return r;
}

static int do_user(const struct module_ctx *ctx, const struct node *u, struct buf *sudo)
{
        const char *name = node_get_str(u, "name");
        struct passwd_entry pw;
        bool exists, password_set = false;
        const char *s;
        int r = 0, k;

        if (!name || !passwd_name_valid(name)) {
                char pos[512];
                schema_pos(node_get(u, "name"), pos, sizeof(pos));
                return log_warning_errno(-EINVAL, "%s: '%.32s' is not a valid user name", pos,
                                         name ? name : "");
        }
        for (const char *const *key = unsupported_user_keys; *key; key++)
                if (user_opt(u, *key))
                        log_warning("User %s: '%s' is not supported by this cloudboot; ignored",
                                    name, *key);
        exists = passwd_entry_get(ctx->root_fd, name, &pw) >= 0;
        if (exists) {
                passwd_entry_done(&pw);
                log_info("User %s already exists; its passwords, locking, sudo and keys are "
                         "still applied",
                         name);
        } else {
                r = create_user(ctx, u, name);
                if (r < 0)
                        return r;
                /* passwd: a hash, for new users only */
                s = user_str(u, "passwd");
                if (s && *s) {
                        k = account_set_password(module_chroot(ctx), name, s, true);
                        if (k < 0)
                                r = log_warning_errno(k, "Cannot set the password of %s", name);
                        password_set = k >= 0;
                }
        }
        s = user_str(u, "plain_text_passwd");
        if (s && *s) {
                k = account_set_password(module_chroot(ctx), name, s, false);
                if (k < 0)
                        r = log_warning_errno(k, "Cannot set the password of %s", name);
                password_set = password_set || k >= 0;
        }
        s = user_str(u, "hashed_passwd");
        if (s && *s && valid_password_hash(s)) {
                char pos[512];
                schema_pos(user_opt(u, "hashed_passwd"), pos, sizeof(pos));
                r = log_warning_errno(-EINVAL, "%s: hashed_passwd: %s; not set for %s", pos,
                                      valid_password_hash(s), name);
        } else if (s && *s) {
                k = account_set_password(module_chroot(ctx), name, s, true);
                if (k < 0)
                        r = log_warning_errno(k, "Cannot set the password of %s", name);
                password_set = password_set || k >= 0;
        }
        /* A password already locked (useradd leaves a new user's "!") is
         * what `usermod --lock` would leave: the exec, which rewrites passwd
         * and shadow and asks nscd and sssd to forget them, is spared. */
        if (user_bool(u, "lock_passwd", true))
                k = !password_set && passwd_shadow_locked(ctx->root_fd, name)
                            ? 0
                            : account_lock(module_chroot(ctx), name);
        else
                k = password_set || exists ? account_unlock(module_chroot(ctx), name) : 0;
        if (k < 0)
                r = log_warning_errno(k, "Cannot %s the password of %s",
                                      user_bool(u, "lock_passwd", true) ? "lock" : "unlock", name);
        k = collect_sudo(u, name, sudo);
        if (k < 0)
                r = k;
        k = user_keys(ctx, u, name);
        if (k < 0)
                r = k;
        return r;
}

static int users_groups_run(const struct module_ctx *ctx)
{
        _cleanup_node_ struct node *users = NULL;
        struct buf sudo = BUF_INIT(1u << 20);
        int r, k;

        r = do_groups(ctx, node_get(ctx->cfg, "groups"));
        k = users_normalize(ctx->cfg, &users);
        if (k < 0)
                return log_error_errno(k, "Cannot work out the users: %m");
        for (size_t i = 0; i < users->n; i++) {
                k = do_user(ctx, users->items[i], &sudo);
                if (k < 0)
                        r = k;
        }
        if (sudo.len) {
                k = write_sudoers(ctx, &sudo);
                if (k < 0)
                        r = k;
        }
        buf_free(&sudo);
        return r;
}

const struct module mod_users_groups = {
        .name = "users_groups",
        .freq = FREQ_INSTANCE,
        .keys = schema_keys,
        .run = users_groups_run,
};
