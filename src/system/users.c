/* SPDX-License-Identifier: Apache-2.0 */
/* Users normalisation (see users.h). */
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "macro.h"
#include "schema.h"
#include "users.h"

const struct node *user_opt(const struct node *user, const char *key)
{
        const struct node *v = node_get(user, key);
        char alias[64];

        if (v || strlen(key) >= sizeof(alias))
                return v;
        (void)snprintf(alias, sizeof(alias), "%s", key);
        for (char *c = alias; *c; c++)
                if (*c == '_')
                        *c = '-';
        return node_get(user, alias);
}

/* Copy src's options into dst (a user mapping) where dst lacks them. */
static int fill_from(struct node *dst, const struct node *src)
{
        for (size_t i = 0; src && src->type == NODE_MAP && i + 1 < src->n; i += 2) {
                const struct node *k = src->items[i];
                char key[64];
                int r;

                if (k->type != NODE_STR || k->len >= sizeof(key))
                        continue;
                (void)snprintf(key, sizeof(key), "%s", k->str);
                for (char *c = key; *c; c++)
                        if (*c == '-')
                                *c = '_';
                if (node_get(dst, key))
                        continue;
                r = node_set(dst, key, node_copy(src->items[i + 1]));
                if (r < 0)
                        return r;
        }
        return 0;
}

/* n made by code takes the position of at (where its value came from), so
 * messages about it still name the file, line and column. */
static struct node *placed(struct node *n, const struct node *at)
{
        if (n && at) {
                n->file = at->file;
                n->line = at->line;
                n->col = at->col;
        }
        return n;
}

/* Add (or merge into) the entry for name: later options win, as cloud-init's
 * mergemanydict([new, old]) has it. at is where the name was given. */
static int add_user(struct node *list, const char *name, const struct node *opts, bool is_default,
                    const struct node *at)
{
        struct node *entry = NULL, *merged;
        int r;

        for (size_t i = 0; i < list->n; i++)
                if (streq_ptr(node_get_str(list->items[i], "name"), name))
                        entry = list->items[i];
        merged = placed(node_new(NODE_MAP), opts ? opts : at);
        if (!merged)
                return -ENOMEM;
        r = node_set(merged, "name", placed(node_new_str(name), at));
        if (r >= 0)
                r = fill_from(merged, opts);
        if (r >= 0 && entry)
                r = fill_from(merged, entry);
        if (r >= 0 && is_default)
                r = node_set(merged, "default", node_new_bool(true));
        if (r < 0) {
                node_free(merged);
                return r;
        }
        if (entry) {
                for (size_t i = 0; i < list->n; i++)
                        if (list->items[i] == entry) {
                                node_free(entry);
                                list->items[i] = merged;
                        }
                return 0;
        }
        r = node_append(list, merged);
        if (r < 0)
                node_free(merged);
        return r;
}

/* The default user; options given with `- name: default` win over its own. */
static int add_default(struct node *list, const struct node *default_user,
                       const struct node *overrides)
{
        const char *name = node_get_str(default_user, "name");
        _cleanup_node_ struct node *opts = NULL;
        int r;

        if (!name) {
                log_warning("'default' is in users, but system_info.default_user has no name");
                return 0;
        }
        opts = node_new(NODE_MAP);
        if (!opts)
                return -ENOMEM;
        r = fill_from(opts, overrides);
        if (r >= 0)
                r = node_set(opts, "name", node_new_str(name));
        if (r >= 0)
                r = fill_from(opts, default_user);
        return r < 0 ? r : add_user(list, name, opts, true, node_get(overrides, "name"));
}

/* "a, b ,c" into names, each added as a plain user (or the default). */
static int add_names(struct node *list, const struct node *s, const struct node *default_user)
{
        const char *p = s->str;
        int r = 0;

        while (*p && r >= 0) {
                size_t n = strcspn(p, ",");
                char name[64];
                const char *a = p, *b = p + n;

                while (a < b && (*a == ' ' || *a == '\t'))
                        a++;
                while (b > a && (b[-1] == ' ' || b[-1] == '\t'))
                        b--;
                if (b > a && (size_t)(b - a) < sizeof(name)) {
                        memcpy(name, a, (size_t)(b - a));
                        name[b - a] = '\0';
                        r = streq(name, "default") ? add_default(list, default_user, NULL)
                                                   : add_user(list, name, NULL, false, s);
                }
                p += n + (p[n] == ',');
        }
        return r;
}

/* `user:` counts when Python would call it true: a non-empty string or
 * mapping. */
static bool user_given(const struct node *user)
{
        return user && ((node_str(user) && user->str[0]) || (user->type == NODE_MAP && user->n));
}

static int cmp_str(const void *a, const void *b)
{
        return strcmp(*(char *const *)a, *(char *const *)b);
}

/* users: "b, a" (a string for the whole list): cloud-init sorts it
 * (uniq_merge_sorted); names as in add_names. */
static int add_names_sorted(struct node *list, const struct node *s,
                            const struct node *default_user)
{
        _cleanup_free_ char *copy = strdup(s->str);
        char *words[256], *save = NULL;
        size_t n = 0;
        int r = 0;

        if (!copy)
                return -ENOMEM;
        for (char *w = strtok_r(copy, ",", &save); w; w = strtok_r(NULL, ",", &save)) {
                if (n == ELEMENTSOF(words)) {
                        char pos[512];
                        schema_pos(s, pos, sizeof(pos));
                        log_warning("%s: users: more than %zu names; the rest are not created", pos,
                                    ELEMENTSOF(words));
                        break;
                }
                w += strspn(w, " \t");
                for (size_t l = strlen(w); l && (w[l - 1] == ' ' || w[l - 1] == '\t'); l--)
                        w[l - 1] = '\0';
                if (*w)
                        words[n++] = w;
        }
        qsort(words, n, sizeof(words[0]), cmp_str);
        for (size_t i = 0; i < n && r >= 0; i++) {
                struct node one = *s;
                one.str = words[i];
                one.len = strlen(words[i]);
                r = add_names(list, &one, default_user);
        }
        return r;
}

int users_normalize(const struct node *cfg, struct node **ret)
{
        const struct node *base_default = node_get_path(cfg, "system_info.default_user");
        const struct node *user = node_get(cfg, "user");
        const struct node *users = node_get(cfg, "users");
        _cleanup_node_ struct node *list = node_new(NODE_SEQ);
        _cleanup_node_ struct node *def = node_new(NODE_MAP);
        char pos[512];
        int r = 0;

        if (!list || !def)
                return -ENOMEM;
        /* `user:` overrides the distribution's default user, key by key. */
        if (node_str(user))
                r = node_set(def, "name", node_new_str(user->str));
        else if (user && user->type == NODE_MAP)
                r = fill_from(def, user);
        if (r >= 0)
                r = fill_from(def, base_default);
        if (r < 0)
                return r;

        if (users && users->type == NODE_STR)
                r = add_names_sorted(list, users, def);
        else if (users && users->type == NODE_MAP) {
                /* {name: {options}} as an older form */
                for (size_t i = 0; i + 1 < users->n && r >= 0; i += 2)
                        if (node_str(users->items[i]))
                                r = streq(users->items[i]->str, "default")
                                            ? add_default(list, def, NULL)
                                            : add_user(list, users->items[i]->str,
                                                       users->items[i + 1], false, users->items[i]);
        } else if (users && users->type == NODE_SEQ) {
                for (size_t i = 0; i < users->n && r >= 0; i++) {
                        const struct node *u = users->items[i];
                        const char *name = node_get_str(u, "name");

                        if (u->type == NODE_STR)
                                r = add_names(list, u, def);
                        else if (u->type == NODE_MAP && name)
                                r = streq(name, "default")
                                            ? add_default(list, def, u)
                                            : add_user(list, name, u, false, node_get(u, "name"));
                        else {
                                schema_pos(u, pos, sizeof(pos));
                                log_warning("%s: users entry %zu has no name; skipped", pos, i);
                        }
                }
        }
        if (r < 0)
                return r;
        /* No users key: the default user, as cloud.cfg's `users: [default]`
         * gives it; so too when `user:` names one. An empty list (or null)
         * replaces cloud.cfg's: no users at all, as in cloud-init. */
        if ((!users || user_given(user)) && !users_default_name(list))
                r = add_default(list, def, NULL);
        if (r < 0)
                return r;
        /* cloud-init's normalisation takes the default user out of its place
         * and adds it back last: [alice, default, bob] is alice, bob, then
         * the default user (which decides who gets which uid). */
        for (size_t i = 0; i + 1 < list->n; i++)
                if (node_get_bool(list->items[i], "default", false)) {
                        struct node *d = list->items[i];
                        memmove(&list->items[i], &list->items[i + 1],
                                (list->n - i - 1) * sizeof(list->items[0]));
                        list->items[list->n - 1] = d;
                        break;
                }
        *ret = TAKE_PTR(list);
        return 0;
}

const char *users_default_name(const struct node *users)
{
        for (size_t i = 0; users && i < users->n; i++)
                if (node_get_bool(users->items[i], "default", false))
                        return node_get_str(users->items[i], "name");
        return NULL;
}
