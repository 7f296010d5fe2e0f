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

static struct node *merge(const struct merge_spec *s, const struct node *old,
                          const struct node *new, unsigned depth);

static struct node *dict_same_key(const struct merge_spec *s, const struct node *o,
                                  const struct node *n, unsigned depth)
{
        if (s->dict.replace)
                return node_copy(n);
        if ((n->type == NODE_SEQ && s->dict.recurse_array) ||
            (n->type == NODE_STR && s->dict.recurse_str) || n->type == NODE_MAP)
                return merge(s, o, n, depth + 1);
        return node_copy(o);
}

static struct node *merge_dict(const struct merge_spec *s, const struct node *old,
                               const struct node *new, unsigned depth)
{
        struct node *res = node_copy(old);

        if (!res || new->type != NODE_MAP)
                return res;
        for (size_t i = 0; i + 1 < new->n; i += 2) {
                const struct node *k = new->items[i], *v = new->items[i + 1];
                const char *key = k->str;
                struct node *cur;

                if (!key)
                        continue;
                cur = node_get(res, key);
                if (cur && v->type == NODE_NULL && s->dict.allow_delete) {
                        node_del(res, key);
                        continue;
                }
                if (!cur) {
                        /* a copy of the key keeps its file:line:col for messages */
                        if (node_append(res, node_copy(k)) < 0)
                                return node_free(res);
                        if (node_append(res, node_copy(v)) < 0) {
                                node_free(res->items[--res->n]);
                                return node_free(res);
                        }
                } else if (node_set(res, key, dict_same_key(s, cur, v, depth)) < 0)
                        return node_free(res);
        }
        return res;
}

static struct node *list_same_index(const struct merge_spec *s, const struct node *o,
                                    const struct node *n, unsigned depth)
{
        if (s->list.method == LIST_NO_REPLACE)
                return node_copy(o);
        if ((n->type == NODE_SEQ && s->list.recurse_array) ||
            (n->type == NODE_STR && s->list.recurse_str) ||
            (n->type == NODE_MAP && s->list.recurse_dict))
                return merge(s, o, n, depth + 1);
        return node_copy(n);
}

static struct node *merge_list(const struct merge_spec *s, const struct node *old,
                               const struct node *new, unsigned depth)
{
        struct node *res;

        if (s->list.method == LIST_REPLACE && new->type != NODE_SEQ)
                return node_copy(new);
        if (s->list.method == LIST_APPEND || s->list.method == LIST_PREPEND) {
                const struct node *first = s->list.method == LIST_APPEND ? old : new;
                const struct node *second = s->list.method == LIST_APPEND ? new : old;
                res = node_new(NODE_SEQ);
                /* A value that is not a list goes in as one item. */
                for (const struct node *part = first;; part = second) {
                        if (part->type == NODE_SEQ) {
                                for (size_t i = 0; res && i < part->n; i++)
                                        if (node_append(res, node_copy(part->items[i])) < 0)
                                                res = node_free(res);
                        } else if (res && node_append(res, node_copy(part)) < 0)
                                res = node_free(res);
                        if (part == second)
                                break;
                }
                if (res) {
                        res->line = old->line;
                        res->col = old->col;
                        res->file = old->file;
                }
                return res;
        }
        res = node_copy(old);
        if (new->type != NODE_SEQ)
                return res; /* no_replace with something not a list */
        for (size_t i = 0; res && i < res->n && i < new->n; i++) {
                struct node *m = list_same_index(s, res->items[i], new->items[i], depth);
                if (!m)
                        return node_free(res);
                node_free(res->items[i]);
                res->items[i] = m;
        }
        return res;
}

static struct node *merge(const struct merge_spec *s, const struct node *old,
                          const struct node *new, unsigned depth)
{
        if (depth > MERGE_DEPTH_MAX)
                return node_copy(old);
        switch (old->type) {
        case NODE_MAP:
                return s->has_dict ? merge_dict(s, old, new, depth) : node_copy(old);
        case NODE_SEQ:
                return s->has_list ? merge_list(s, old, new, depth) : node_copy(old);
        case NODE_STR:
                if (!s->has_str)
                        return node_copy(old);
                if (s->str.append && new->type == NODE_STR) {
                        struct node *r;
                        char *cat = malloc(old->len + new->len + 1);
                        if (!cat)
                                return NULL;
                        memcpy(cat, old->str, old->len);
                        memcpy(cat + old->len, new->str, new->len + 1);
                        r = node_new_strn(cat, old->len + new->len);
                        free(cat);
                        if (r) {
                                r->line = old->line;
                                r->col = old->col;
                                r->file = old->file;
                        }
                        return r;
                }
                return node_copy(new);
        default:
                /* cloud-init has no merger for numbers, booleans or null: the old
                 * value stays */
                return node_copy(old);
        }
}

int merge_apply(const struct merge_spec *spec, struct node **dst, const struct node *src)
{
        struct node *m = merge(spec, *dst, src, 0);
        if (!m)
                return -ENOMEM;
        node_free(*dst);
        *dst = m;
        return 0;
}
