/* SPDX-License-Identifier: Apache-2.0 */
/* cloud-init's dict, list and str mergers (see merge.h), on node trees. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "log.h"
#include "macro.h"
#include "merge.h"

#define MERGE_DEPTH_MAX 64

static bool has_opt(char **opts, size_t n, const char *o)
{
        for (size_t i = 0; i < n; i++)
                if (streq(opts[i], o))
                        return true;
        return false;
}

/* One merger: name (dict, list or str; '-' read as '_') with its options. */
static int add_merger(struct merge_spec *s, const char *name, char **o, size_t n)
{
        if (streq(name, "dict")) {
                if (s->has_dict)
                        return 0; /* the first one given wins, as in cloud-init */
                s->has_dict = true;
                /* the first of replace / no_replace named; no_replace by default */
                s->dict.replace = false;
                for (size_t i = 0; i < n; i++)
                        if (streq(o[i], "replace") || streq(o[i], "no_replace")) {
                                s->dict.replace = streq(o[i], "replace");
                                break;
                        }
                s->dict.recurse_str = has_opt(o, n, "recurse_str");
                s->dict.recurse_array =
                        has_opt(o, n, "recurse_array") || has_opt(o, n, "recurse_list");
                s->dict.allow_delete = has_opt(o, n, "allow_delete");
        } else if (streq(name, "list")) {
                if (s->has_list)
                        return 0;
                s->has_list = true;
                s->list.method = LIST_REPLACE;
                for (size_t i = 0; i < n; i++) {
                        if (streq(o[i], "append"))
                                s->list.method = LIST_APPEND;
                        else if (streq(o[i], "prepend"))
                                s->list.method = LIST_PREPEND;
                        else if (streq(o[i], "no_replace"))
                                s->list.method = LIST_NO_REPLACE;
                        else if (streq(o[i], "replace"))
                                s->list.method = LIST_REPLACE;
                        else
                                continue;
                        break;
                }
                s->list.recurse_str = has_opt(o, n, "recurse_str");
                s->list.recurse_dict = has_opt(o, n, "recurse_dict");
                s->list.recurse_array =
                        has_opt(o, n, "recurse_array") || has_opt(o, n, "recurse_list");
        } else if (streq(name, "str")) {
                if (s->has_str)
                        return 0;
                s->has_str = true;
                s->str.append = has_opt(o, n, "append");
        } else {
                log_warning("merge type %s is not dict, list or str; ignored", name);
        }
        return 0;
}

/* lowercased, trimmed, '-' as '_', into ret */
static void canon(const char *s, size_t len, char *ret, size_t size)
{
        size_t j = 0;
        while (len > 0 && (*s == ' ' || *s == '\t')) {
                s++;
                len--;
        }
        while (len > 0 && (s[len - 1] == ' ' || s[len - 1] == '\t'))
                len--;
        for (size_t i = 0; i < len && j + 1 < size; i++) {
                char c = s[i];
                ret[j++] = c == '-' ? '_' : (c >= 'A' && c <= 'Z') ? (char)(c - 'A' + 'a') : c;
        }
        ret[j] = 0;
}

int merge_spec_parse(const char *text, struct merge_spec *spec, const char **ret_bad)
{
        for (const char *p = text; *p;) {
                size_t len = strcspn(p, "+");
                char item[256], name[64], *opts[16], optbuf[16][64];
                size_t n = 0;
                const char *open, *close;

                canon(p, len, item, sizeof(item));
                if (item[0]) {
                        open = strchr(item, '(');
                        close = strrchr(item, ')');
                        if (!open || !close || close < open || close[1] || open == item) {
                                if (ret_bad)
                                        *ret_bad = p;
                                return -EINVAL;
                        }
                        (void)snprintf(name, sizeof(name), "%.*s", (int)(open - item), item);
                        for (const char *o = open + 1; o < close && n < ELEMENTSOF(opts);) {
                                size_t ol = strcspn(o, ",)");
                                if (o + ol > close)
                                        ol = (size_t)(close - o);
                                canon(o, ol, optbuf[n], sizeof(optbuf[n]));
                                if (optbuf[n][0]) {
                                        opts[n] = optbuf[n];
                                        n++;
                                }
                                /* past the option and its ',' (or a stray ')':
                                 * "dict(a)b)" must not stop the walk) */
                                o += ol;
                                if (o < close)
                                        o++;
                        }
                        add_merger(spec, name, opts, n);
                }
                p += len;
                p += *p == '+';
        }
        return 0;
}

int merge_spec_from_node(const struct node *v, struct merge_spec *spec)
{
        if (node_str(v)) {
                const char *bad = NULL;
                int r = merge_spec_parse(v->str, spec, &bad);
                if (r < 0)
                        log_warning("%s:%u:%u: merge type '%s' is not in the form "
                                    "name(options)+...; ignored",
                                    v->file ? v->file : "user-data", v->line, v->col, v->str);
                return r;
        }
        if (!v || v->type != NODE_SEQ) {
                if (v)
                        log_warning("%s:%u:%u: merge_how must be a string or a list; ignored",
                                    v->file ? v->file : "user-data", v->line, v->col);
                return -EINVAL;
        }
        for (size_t i = 0; i < v->n; i++) {
                const struct node *m = v->items[i], *settings = NULL;
                char name[64], *opts[16], optbuf[16][64];
                size_t n = 0, first = 0;
                const char *nm = NULL;

                if (m->type == NODE_MAP) {
                        nm = node_get_str(m, "name");
                        settings = node_get(m, "settings");
                } else if (m->type == NODE_SEQ && m->n > 0) {
                        nm = node_str(m->items[0]);
                        settings = m;
                        first = 1;
                }
                if (!nm) {
                        log_warning("%s:%u:%u: a merger needs a name; ignored",
                                    m->file ? m->file : "user-data", m->line, m->col);
                        continue;
                }
                canon(nm, strlen(nm), name, sizeof(name));
                for (size_t j = first; settings && settings->type == NODE_SEQ && j < settings->n &&
                                       n < ELEMENTSOF(opts);
                     j++)
                        if (node_str(settings->items[j])) {
                                canon(settings->items[j]->str, settings->items[j]->len, optbuf[n],
                                      sizeof(optbuf[n]));
                                opts[n] = optbuf[n];
                                n++;
                        }
                add_merger(spec, name, opts, n);
        }
        return 0;
}

/* The mergers work in place on the tree built so far: a part costs what it
 * brings, not a copy of everything merged before it (256 parts would copy
 * the growing tree 256 times). */
static int merge_into(const struct merge_spec *s, struct node **old, const struct node *new,
                      unsigned depth);

/* *slot = a copy of n. */
static int replace(struct node **slot, const struct node *n)
{
        struct node *c = node_copy(n);
        if (!c)
                return -ENOMEM;
        node_free(*slot);
        *slot = c;
        return 0;
}

/* The value slot of the last string key named key in map, or NULL. */
static struct node **value_slot(struct node *map, const char *key)
{
        struct node k = { .type = NODE_STR, .str = (char *)key, .len = strlen(key) };
        long i = node_find(map, &k);
        return i < 0 ? NULL : &map->items[i + 1];
}

static int dict_same_key(const struct merge_spec *s, struct node **o, const struct node *n,
                         unsigned depth)
{
        if (s->dict.replace)
                return replace(o, n);
        if ((n->type == NODE_SEQ && s->dict.recurse_array) ||
            (n->type == NODE_STR && s->dict.recurse_str) || n->type == NODE_MAP)
                return merge_into(s, o, n, depth + 1);
        return 0;
}

static int merge_dict(const struct merge_spec *s, struct node *res, const struct node *new,
                      unsigned depth)
{
        size_t dead = 0;
        int r = 0;

        if (new->type != NODE_MAP)
                return 0;
        for (size_t i = 0; i + 1 < new->n &&r >= 0; i += 2) {
                const struct node *k = new->items[i], *v = new->items[i + 1];
                const char *key = k->str;
                struct node **cur;

                if (!key)
                        continue;
                cur = value_slot(res, key);
                if (cur && v->type == NODE_NULL && s->dict.allow_delete) {
                        dead += node_del_deferred(res, key);
                        continue;
                }
                if (cur)
                        r = dict_same_key(s, cur, v, depth);
                else {
                        /* a copy of the key keeps its file:line:col for messages */
                        struct node *kc = node_copy(k), *vc = node_copy(v);

                        if (!kc || !vc || node_append(res, kc) < 0) {
                                node_free(kc);
                                node_free(vc);
                                r = -ENOMEM;
                        } else if ((r = node_append(res, vc)) < 0) {
                                node_free(vc);
                                node_free(res->items[--res->n]);
                        }
                }
        }
        if (dead)
                node_sweep(res);
        return r;
}

static int list_same_index(const struct merge_spec *s, struct node **o, const struct node *n,
                           unsigned depth)
{
        if (s->list.method == LIST_NO_REPLACE)
                return 0;
        if ((n->type == NODE_SEQ && s->list.recurse_array) ||
            (n->type == NODE_STR && s->list.recurse_str) ||
            (n->type == NODE_MAP && s->list.recurse_dict))
                return merge_into(s, o, n, depth + 1);
        return replace(o, n);
}

/* Append copies of part's items (part itself when it is not a list) to seq. */
static int append_copies(struct node *seq, const struct node *part)
{
        size_t count = part->type == NODE_SEQ ? part->n : 1;

        for (size_t i = 0; i < count; i++) {
                struct node *c = node_copy(part->type == NODE_SEQ ? part->items[i] : part);
                int r = node_append(seq, c);
                if (r < 0) {
                        node_free(c);
                        return r;
                }
        }
        return 0;
}

static int merge_list(const struct merge_spec *s, struct node **slot, const struct node *new,
                      unsigned depth)
{
        struct node *old = *slot;

        if (s->list.method == LIST_REPLACE && new->type != NODE_SEQ)
                return replace(slot, new);
        if (s->list.method == LIST_APPEND)
                return append_copies(old, new);
        if (s->list.method == LIST_PREPEND) {
                /* copies of new's items, then the old ones moved over */
                size_t count = new->type == NODE_SEQ ? new->n : 1, total = count + old->n;
                struct node **items = calloc(total ? total : 1, sizeof(*items));
                if (!items)
                        return -ENOMEM;
                for (size_t i = 0; i < count; i++) {
                        items[i] = node_copy(new->type == NODE_SEQ ? new->items[i] : new);
                        if (!items[i]) {
                                while (i > 0)
                                        node_free(items[--i]);
                                free(items);
                                return -ENOMEM;
                        }
                }
                if (old->n)
                        memcpy(items + count, old->items, old->n * sizeof(*items));
                free(old->items);
                old->items = items;
                old->n = old->cap = total;
                return 0;
        }
        if (new->type != NODE_SEQ)
                return 0; /* no_replace with something not a list */
        for (size_t i = 0; i < old->n && i < new->n; i++) {
                int r = list_same_index(s, &old->items[i], new->items[i], depth);
                if (r < 0)
                        return r;
        }
        return 0;
}

static int merge_into(const struct merge_spec *s, struct node **slot, const struct node *new,
                      unsigned depth)
{
        struct node *old = *slot;

        if (depth > MERGE_DEPTH_MAX)
                return 0;
        switch (old->type) {
        case NODE_MAP:
                return s->has_dict ? merge_dict(s, old, new, depth) : 0;
        case NODE_SEQ:
                return s->has_list ? merge_list(s, slot, new, depth) : 0;
        case NODE_STR:
                if (!s->has_str)
                        return 0;
                if (s->str.append && new->type == NODE_STR) {
                        char *cat = malloc(old->len + new->len + 1);
                        if (!cat)
                                return -ENOMEM;
                        memcpy(cat, old->str, old->len);
                        memcpy(cat + old->len, new->str, new->len + 1);
                        node_take_strn(old, cat, old->len + new->len);
                        old->binary = false;
                        return 0;
                }
                return replace(slot, new);
        default:
                /* cloud-init has no merger for numbers, booleans or null: the old
                 * value stays */
                return 0;
        }
}

int merge_apply(const struct merge_spec *spec, struct node **dst, const struct node *src)
{
        return merge_into(spec, dst, src, 0);
}
