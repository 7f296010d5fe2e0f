/* SPDX-License-Identifier: Apache-2.0 */
/* Tree operations on struct node (see node.h). */
#include <stdlib.h>
#include <string.h>

#include "node.h"

struct node *node_new(enum node_type type)
{
        struct node *n = calloc(1, sizeof(*n));
        if (n)
                n->type = type;
        return n;
}

struct node *node_new_strn(const char *s, size_t len)
{
        struct node *n = node_new(NODE_STR);
        if (!n)
                return NULL;
        n->str = malloc(len + 1);
        if (!n->str)
                return node_free(n);
        memcpy(n->str, s, len);
        n->str[len] = '\0';
        n->len = len;
        return n;
}

struct node *node_new_str(const char *s)
{
        return node_new_strn(s, strlen(s));
}

struct node *node_new_int(long long v)
{
        char text[32];
        struct node *n;

        (void)snprintf(text, sizeof(text), "%lld", v);
        n = node_new_str(text);
        if (n) {
                n->type = NODE_INT;
                n->i = v;
        }
        return n;
}

struct node *node_new_bool(bool v)
{
        struct node *n = node_new_str(v ? "true" : "false");
        if (n) {
                n->type = NODE_BOOL;
                n->b = v;
        }
        return n;
}

struct node *node_free(struct node *n)
{
        if (!n)
                return NULL;
        for (size_t i = 0; i < n->n; i++)
                node_free(n->items[i]);
        free(n->items);
        free(n->str);
        free(n);
        return NULL;
}

struct node *node_copy(const struct node *n)
{
        struct node *c;

        if (!n)
                return NULL;
        c = malloc(sizeof(*c));
        if (!c)
                return NULL;
        *c = *n;
        c->items = NULL;
        c->n = c->cap = 0;
        c->str = NULL;
        if (n->str) {
                c->str = malloc(n->len + 1);
                if (!c->str)
                        return node_free(c);
                memcpy(c->str, n->str, n->len + 1);
        }
        if (n->n) {
                c->items = calloc(n->n, sizeof(*c->items));
                if (!c->items)
                        return node_free(c);
                c->cap = n->n;
                for (size_t i = 0; i < n->n; i++) {
                        c->items[i] = node_copy(n->items[i]);
                        c->n = i + 1;
                        if (!c->items[i])
                                return node_free(c);
                }
        }
        return c;
}

size_t node_count(const struct node *n)
{
        size_t c = 1;

        if (!n)
                return 0;
        for (size_t i = 0; i < n->n; i++)
                c += node_count(n->items[i]);
        return c;
}

int node_append(struct node *container, struct node *item)
{
        if (!item)
                return -ENOMEM;
        if (container->n == container->cap) {
                size_t ncap = container->cap ? container->cap * 2 : 8;
                struct node **p = realloc(container->items, ncap * sizeof(*p));
                if (!p)
                        return -ENOMEM;
                container->items = p;
                container->cap = ncap;
        }
        container->items[container->n++] = item;
        return 0;
}

static bool key_is(const struct node *k, const char *key)
{
        /* Only string keys match: PyYAML turns `on:` into the key True, which
         * no lookup by name finds either. */
        return k->type == NODE_STR && !k->binary && streq(k->str, key);
}

const struct node *node_get_key(const struct node *map, const char *key)
{
        if (!map || map->type != NODE_MAP)
                return NULL;
        for (size_t i = map->n; i >= 2; i -= 2)
                if (key_is(map->items[i - 2], key))
                        return map->items[i - 2];
        return NULL;
}

struct node *node_get(const struct node *map, const char *key)
{
        if (!map || map->type != NODE_MAP)
                return NULL;
        for (size_t i = map->n; i >= 2; i -= 2)
                if (key_is(map->items[i - 2], key))
                        return map->items[i - 1];
        return NULL;
}

int node_set(struct node *map, const char *key, struct node *value)
{
        struct node *k;
        int r;

        if (!value)
                return -ENOMEM;
        if (map->type != NODE_MAP) {
                node_free(value);
                return -EINVAL;
        }
        for (size_t i = map->n; i >= 2; i -= 2)
                if (key_is(map->items[i - 2], key)) {
                        node_free(map->items[i - 1]);
                        map->items[i - 1] = value;
                        return 0;
                }
        k = node_new_str(key);
        r = node_append(map, k);
        if (r < 0) {
                node_free(value);
                return r;
        }
        r = node_append(map, value);
        if (r < 0) {
                map->n--;
                node_free(k);
                node_free(value);
        }
        return r;
}

size_t node_del(struct node *map, const char *key)
{
        size_t removed = 0, j = 0;

        if (!map || map->type != NODE_MAP)
                return 0;
        for (size_t i = 0; i + 1 < map->n; i += 2) {
                if (key_is(map->items[i], key)) {
                        node_free(map->items[i]);
                        node_free(map->items[i + 1]);
                        removed++;
                        continue;
                }
                map->items[j++] = map->items[i];
                map->items[j++] = map->items[i + 1];
        }
        map->n = j;
        return removed;
}

int node_merge(struct node *dst, const struct node *src)
{
        if (!src || src->type != NODE_MAP || dst->type != NODE_MAP)
                return -EINVAL;
        for (size_t i = 0; i + 1 < src->n; i += 2) {
                const struct node *k = src->items[i], *v = src->items[i + 1];
                struct node *cur;
                int r;

                if (k->type != NODE_STR)
                        continue;
                cur = node_get(dst, k->str);
                if (cur && cur->type == NODE_MAP && v->type == NODE_MAP) {
                        struct node *ck = (struct node *)node_get_key(dst, k->str);
                        /* messages point at the source merged last */
                        ck->file = k->file;
                        ck->line = k->line;
                        ck->col = k->col;
                        r = node_merge(cur, v);
                } else {
                        struct node *kc;
                        node_del(dst, k->str);
                        kc = node_copy(k);
                        r = node_append(dst, kc);
                        if (r >= 0) {
                                r = node_append(dst, node_copy(v));
                                if (r < 0)
                                        node_free(dst->items[--dst->n]);
                        } else {
                                node_free(kc);
                        }
                }
                if (r < 0)
                        return r;
        }
        return 0;
}

const char *node_str(const struct node *n)
{
        /* A string with a NUL byte inside ("a\0b" in YAML) is no C string:
         * cut short it would name another file or user than was written. */
        if (!n || n->type != NODE_STR || memchr(n->str, 0, n->len))
                return NULL;
        return n->str;
}

const char *node_type_name(enum node_type t)
{
        static const char *const names[] = { "null",   "boolean", "integer", "number",
                                             "string", "list",    "mapping" };
        return names[t];
}

bool node_get_bool(const struct node *map, const char *key, bool def)
{
        const struct node *v = node_get(map, key);
        return v && v->type == NODE_BOOL ? v->b : def;
}

const char *node_get_str(const struct node *map, const char *key)
{
        return node_str(node_get(map, key));
}

struct node *node_get_path(const struct node *root, const char *path)
{
        char part[128];
        const struct node *cur = root;

        while (cur && *path) {
                const char *dot = strchr(path, '.');
                size_t len = dot ? (size_t)(dot - path) : strlen(path);

                if (len >= sizeof(part))
                        return NULL;
                memcpy(part, path, len);
                part[len] = '\0';
                cur = node_get(cur, part);
                path += len + (dot ? 1 : 0);
        }
        return (struct node *)cur;
}

/* File names interned once per process: nodes are copied and merged across
 * trees freely, and a pointer to a shared name survives all of that. */
struct name {
        struct name *next;
        char s[];
};
static struct name *names;

const char *node_intern_file(const char *name)
{
        size_t len;
        struct name *n;

        if (!name)
                return NULL;
        for (n = names; n; n = n->next)
                if (streq(n->s, name))
                        return n->s;
        len = strlen(name);
        n = malloc(sizeof(*n) + len + 1);
        if (!n)
                return NULL;
        memcpy(n->s, name, len + 1);
        n->next = names;
        names = n;
        return n->s;
}

void node_names_free(void)
{
        while (names) {
                struct name *n = names;
                names = n->next;
                free(n);
        }
}
