/* SPDX-License-Identifier: Apache-2.0 */
/* libyaml's event parser driven into a struct node tree (see yaml.h). */
#include <limits.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "codec.h"
#include "libyaml_dl.h"
#include "yaml.h"

#define TAG_PREFIX "tag:yaml.org,2002:"

struct anchor {
        char *name;
        struct node *node; /* points into the tree being built */
};

struct frame {
        struct node *node;
        char *anchor;
};

struct yaml_budget yaml_boot_budget = YAML_BUDGET_DEFAULT;

void yaml_budget_reset(void)
{
        yaml_boot_budget = YAML_BUDGET_DEFAULT;
}

struct loader {
        const struct yaml_limits *lim;
        struct yaml_budget *budget;
        const char *file;
        struct yaml_error *err;
        struct frame *stack;
        size_t depth;
        struct anchor *anchors;
        size_t n_anchors, cap_anchors;
        /* anchors by name: open addressing over their numbers, half full at
         * most; the latest definition of a name in its slot */
        uint32_t *anchor_slots;
        size_t anchor_mask;
        size_t n_nodes;
        struct node *root;
        /* Merge-key entries taken out of their mapping: freed at the end, since
         * an anchor may still point into them. */
        struct node *graveyard;
};

static int fail(struct loader *l, const yaml_mark_t *m, int r, const char *fmt, ...) _printf_(4, 5);
static int fail(struct loader *l, const yaml_mark_t *m, int r, const char *fmt, ...)
{
        va_list ap;

        if (l->err->msg[0])
                return r; /* keep the first error */
        l->err->line = m ? (unsigned)m->line + 1 : 0;
        l->err->col = m ? (unsigned)m->column + 1 : 0;
        va_start(ap, fmt);
        (void)vsnprintf(l->err->msg, sizeof(l->err->msg), fmt, ap);
        va_end(ap);
        return r;
}

/* PyYAML's resolver takes each word in three spellings only (lower,
 * Capitalised, UPPER): "tRue" stays a string there, so it does here. */
static bool match_word(const char *s, const char *const *words)
{
        for (; *words; words++)
                if (strcmp(s, *words) == 0)
                        return true;
        return false;
}

/* [-+]?digits with '_' allowed, in base; sets *ok. */
static long long parse_digits(const char *s, int base, bool *ok)
{
        unsigned long long v = 0;
        bool any = false;

        *ok = false;
        for (; *s; s++) {
                int d;
                if (*s == '_')
                        continue;
                if (*s >= '0' && *s <= '9')
                        d = *s - '0';
                else if (*s >= 'a' && *s <= 'f')
                        d = *s - 'a' + 10;
                else if (*s >= 'A' && *s <= 'F')
                        d = *s - 'A' + 10;
                else
                        return 0;
                if (d >= base)
                        return 0;
                if (v > (unsigned long long)(LLONG_MAX - d) / (unsigned)base)
                        return 0; /* overflow: left a string */
                v = v * (unsigned)base + (unsigned)d;
                any = true;
        }
        *ok = any;
        return (long long)v;
}

static bool resolve_int(const char *s, long long *ret)
{
        bool neg = false, ok;
        long long v;

        if (*s == '-' || *s == '+') {
                neg = *s == '-';
                s++;
        }
        if (!*s || *s == '_')
                return false;
        if (s[0] == '0' && (s[1] == 'b'))
                v = parse_digits(s + 2, 2, &ok);
        else if (s[0] == '0' && (s[1] == 'x'))
                v = parse_digits(s + 2, 16, &ok);
        else if (s[0] == '0' && s[1])
                v = parse_digits(s + 1, 8, &ok); /* YAML 1.1: 0644 is octal */
        else if (strchr(s, ':')) {
                /* Sexagesimal 1:30 = 90, as YAML 1.1 has it. */
                const char *p = s;
                v = 0;
                ok = *p >= '1' && *p <= '9';
                while (ok && *p) {
                        char part[32];
                        size_t n = strcspn(p, ":");
                        long long d;
                        if (n == 0 || n >= sizeof(part))
                                return false;
                        memcpy(part, p, n);
                        part[n] = '\0';
                        d = parse_digits(part, 10, &ok);
                        if (!ok || (p != s && d > 59) || v > LLONG_MAX / 60 - d)
                                return false;
                        v = v * 60 + d;
                        p += n;
                        if (*p == ':')
                                p++;
                }
        } else
                v = parse_digits(s, 10, &ok);
        if (!ok)
                return false;
        *ret = neg ? -v : v;
        return true;
}

static bool resolve_float(const char *s)
{
        static const char *const special[] = {
                ".inf", ".Inf", ".INF", "+.inf", "+.Inf", "+.INF", "-.inf", "-.Inf", "-.INF",
                ".nan", ".NaN", ".NAN", NULL
        };
        const char *p = s;
        bool digits = false;

        if (match_word(s, special))
                return true;
        if (*p == '-' || *p == '+')
                p++;
        /* PyYAML: a sign needs a digit before the point ("-.5" is text), and
         * a leading point a digit after it ("._5" is text) */
        if (p != s && !(*p >= '0' && *p <= '9'))
                return false;
        if (*p == '.' && !(p[1] >= '0' && p[1] <= '9'))
                return false;
        while ((*p >= '0' && *p <= '9') || (*p == '_' && digits)) {
                digits = true;
                p++;
        }
        if (*p != '.')
                return false;
        p++;
        while ((*p >= '0' && *p <= '9') || *p == '_') {
                digits = true;
                p++;
        }
        if (!digits)
                return false;
        if (*p == 'e' || *p == 'E') {
                p++;
                if (*p != '-' && *p != '+')
                        return false;
                p++;
                if (!(*p >= '0' && *p <= '9'))
                        return false;
                while (*p >= '0' && *p <= '9')
                        p++;
        }
        return *p == '\0';
}

void yaml_resolve_plain(struct node *n)
{
        static const char *const nulls[] = { "~", "null", "Null", "NULL", NULL };
        static const char *const trues[] = { "yes", "Yes", "YES", "true", "True", "TRUE",
                                             "on", "On", "ON", NULL };
        static const char *const falses[] = { "no", "No", "NO", "false", "False", "FALSE",
                                              "off", "Off", "OFF", NULL };
        const char *s = n->str;

        n->type = NODE_STR;
        if (n->len != strlen(s))
                return; /* embedded NUL: only ever a string */
        if (!*s || match_word(s, nulls))
                n->type = NODE_NULL;
        else if (match_word(s, trues)) {
                n->type = NODE_BOOL;
                n->b = true;
        } else if (match_word(s, falses)) {
                n->type = NODE_BOOL;
                n->b = false;
        } else if (resolve_int(s, &n->i))
                n->type = NODE_INT;
        else if (resolve_float(s))
                n->type = NODE_FLOAT;
}

/* Count add nodes against the document's limit and the boot's budget;
 * alias: they are copies that an alias or a merge key adds. */
static int count_nodes(struct loader *l, size_t add, bool alias, const yaml_mark_t *m)
{
        struct yaml_budget *b = l->budget;

        if (add > l->lim->max_nodes || l->n_nodes > l->lim->max_nodes - add)
                return fail(l, m, -E2BIG, "document has more than %zu nodes (aliases included)",
                            l->lim->max_nodes);
        if (alias && (add > b->max_alias_nodes || b->alias_nodes > b->max_alias_nodes - add))
                return fail(l, m, -E2BIG,
                            "aliases expand to more than %zu nodes in this boot's documents "
                            "together (the boot's alias budget)",
                            b->max_alias_nodes);
        if (add > b->max_nodes || b->nodes > b->max_nodes - add)
                return fail(l, m, -E2BIG,
                            "this boot's documents have more than %zu nodes together, aliases "
                            "included (the boot's node budget)",
                            b->max_nodes);
        l->n_nodes += add;
        b->nodes += add;
        if (alias)
                b->alias_nodes += add;
        return 0;
}

/* The slot of name in the anchor table: its own, or the empty one it goes in. */
static uint32_t *anchor_slot(struct loader *l, const char *name)
{
        for (size_t h = node_key_hash(name, strlen(name)) & l->anchor_mask;;
             h = (h + 1) & l->anchor_mask) {
                uint32_t q = l->anchor_slots[h];
                if (q == 0 || streq(l->anchors[q - 1].name, name))
                        return &l->anchor_slots[h];
        }
}

static int add_anchor(struct loader *l, const char *name, struct node *n)
{
        if (!name)
                return 0;
        if (l->n_anchors == l->cap_anchors) {
                size_t ncap = l->cap_anchors ? l->cap_anchors * 2 : 8;
                struct anchor *p = realloc(l->anchors, ncap * sizeof(*p));
                uint32_t *slots;
                if (!p)
                        return -ENOMEM;
                l->anchors = p;
                l->cap_anchors = ncap;
                /* the table at twice the anchors' room, refilled */
                slots = calloc(2 * ncap, sizeof(*slots));
                if (!slots)
                        return -ENOMEM;
                free(l->anchor_slots);
                l->anchor_slots = slots;
                l->anchor_mask = 2 * ncap - 1;
                for (size_t i = 0; i < l->n_anchors; i++)
                        *anchor_slot(l, l->anchors[i].name) = (uint32_t)i + 1;
        }
        l->anchors[l->n_anchors].name = strdup(name);
        if (!l->anchors[l->n_anchors].name)
                return -ENOMEM;
        l->anchors[l->n_anchors].node = n;
        /* The latest definition wins, as a redefined anchor does in YAML. */
        *anchor_slot(l, name) = (uint32_t)++l->n_anchors;
        return 0;
}

static struct node *find_anchor(struct loader *l, const char *name)
{
        uint32_t q;

        if (!l->anchor_slots)
                return NULL;
        q = *anchor_slot(l, name);
        return q ? l->anchors[q - 1].node : NULL;
}

/* Attach n to the container on top of the stack (or make it the root). */
static int attach(struct loader *l, struct node *n, const yaml_mark_t *m)
{
        struct node *parent;

        if (l->depth == 0) {
                l->root = n;
                return 0;
        }
        parent = l->stack[l->depth - 1].node;
        if (parent->type == NODE_MAP && parent->n % 2 == 0 &&
            (n->type == NODE_SEQ || n->type == NODE_MAP)) {
                const char *what = node_type_name(n->type);
                node_free(n);
                return fail(l, m, -EBADMSG, "a mapping key must be a scalar, not a %s", what);
        }
        if (node_append(parent, n) < 0) {
                node_free(n);
                return -ENOMEM;
        }
        return 0;
}

static const char *short_tag(const char *tag)
{
        if (tag && startswith(tag, TAG_PREFIX))
                return tag + strlen(TAG_PREFIX);
        return tag;
}

static int on_scalar(struct loader *l, yaml_event_t *e)
{
        const char *tag = short_tag((const char *)e->data.scalar.tag);
        struct node *n;
        int r;

        r = count_nodes(l, 1, false, &e->start_mark);
        if (r < 0)
                return r;
        n = node_new_strn((const char *)e->data.scalar.value, e->data.scalar.length);
        if (!n)
                return -ENOMEM;
        n->line = (uint32_t)e->start_mark.line + 1;
        n->col = (uint32_t)e->start_mark.column + 1;
        n->file = l->file;

        if (!tag || streq(tag, "!")) {
                if (!tag && e->data.scalar.plain_implicit &&
                    e->data.scalar.style == YAML_PLAIN_SCALAR_STYLE)
                        yaml_resolve_plain(n);
        } else if (streq(tag, "str")) {
                /* stays a string */
        } else if (streq(tag, "binary")) {
                char *raw;
                size_t raw_len;
                r = b64_decode_lenient(n->str, n->len, n->len, &raw, &raw_len, NULL);
                if (r < 0) {
                        node_free(n);
                        return fail(l, &e->start_mark, -EBADMSG,
                                    "invalid base64 in !!binary scalar");
                }
                node_take_strn(n, raw, raw_len);
                n->binary = true;
        } else if (streq(tag, "int") || streq(tag, "bool") || streq(tag, "null") ||
                   streq(tag, "float")) {
                enum node_type want = streq(tag, "int")    ? NODE_INT
                                      : streq(tag, "bool") ? NODE_BOOL
                                      : streq(tag, "null") ? NODE_NULL
                                                           : NODE_FLOAT;
                yaml_resolve_plain(n);
                if (n->type == NODE_INT && want == NODE_FLOAT)
                        n->type = NODE_FLOAT;
                if (n->type != want) {
                        node_free(n);
                        return fail(l, &e->start_mark, -EBADMSG, "value does not fit its tag !!%s",
                                    tag);
                }
        } else {
                node_free(n);
                return fail(l, &e->start_mark, -EBADMSG, "unsupported tag %s", tag);
        }
        r = add_anchor(l, (const char *)e->data.scalar.anchor, n);
        if (r < 0) {
                node_free(n);
                return r;
        }
        return attach(l, n, &e->start_mark);
}

static int on_start(struct loader *l, yaml_event_t *e, enum node_type type)
{
        const char *tag = short_tag((const char *)(type == NODE_MAP ? e->data.mapping_start.tag
                                                                    : e->data.sequence_start.tag));
        const char *anchor = (const char *)(type == NODE_MAP ? e->data.mapping_start.anchor
                                                             : e->data.sequence_start.anchor);
        struct node *n;
        int r;

        if (tag && !streq(tag, "!") && !streq(tag, type == NODE_MAP ? "map" : "seq"))
                return fail(l, &e->start_mark, -EBADMSG, "unsupported tag %s", tag);
        if (l->depth >= l->lim->max_depth)
                return fail(l, &e->start_mark, -E2BIG, "nesting deeper than %u levels",
                            l->lim->max_depth);
        r = count_nodes(l, 1, false, &e->start_mark);
        if (r < 0)
                return r;
        n = node_new(type);
        if (!n)
                return -ENOMEM;
        n->line = (uint32_t)e->start_mark.line + 1;
        n->col = (uint32_t)e->start_mark.column + 1;
        n->file = l->file;
        r = attach(l, n, &e->start_mark);
        if (r < 0)
                return r;
        l->stack[l->depth].node = n;
        l->stack[l->depth].anchor = anchor ? strdup(anchor) : NULL;
        l->depth++;
        return 0;
}

/* YAML 1.1 merge keys: `<<: *base` or `<<: [*a, *b]`. Keys written in the
 * mapping itself win, then earlier merged mappings over later ones. */
static int apply_merge_keys(struct loader *l, struct node *map, const yaml_mark_t *m)
{
        struct node **merges = NULL;
        size_t n_merges = 0, j = 0;
        int r = 0;

        for (size_t i = 0; i + 1 < map->n; i += 2)
                if (map->items[i]->type == NODE_STR && streq(map->items[i]->str, "<<"))
                        n_merges++;
        if (!n_merges)
                return 0;
        merges = calloc(n_merges, sizeof(*merges));
        if (!merges)
                return -ENOMEM;
        n_merges = 0;
        for (size_t i = 0; i + 1 < map->n; i += 2) {
                if (map->items[i]->type == NODE_STR && streq(map->items[i]->str, "<<")) {
                        merges[n_merges++] = map->items[i + 1];
                        if (node_append(l->graveyard, map->items[i]) < 0)
                                node_free(map->items[i]);
                        continue;
                }
                map->items[j++] = map->items[i];
                map->items[j++] = map->items[i + 1];
        }
        map->n = j;
        node_index_drop(map); /* rearranged */

        for (size_t s = 0; s < n_merges && r >= 0; s++) {
                struct node *src = merges[s];
                size_t count = src->type == NODE_SEQ ? src->n : 1;

                for (size_t k = 0; k < count && r >= 0; k++) {
                        struct node *one = src->type == NODE_SEQ ? src->items[k] : src;
                        if (one->type != NODE_MAP) {
                                r = fail(l, m, -EBADMSG,
                                         "a merge key (<<) needs a mapping or a list of mappings");
                                break;
                        }
                        for (size_t i = 0; i + 1 < one->n && r >= 0; i += 2) {
                                struct node *kc, *vc;
                                if (node_find(map, one->items[i]) >= 0)
                                        continue;
                                r = count_nodes(l, node_count(one->items[i + 1]) + 1, true, m);
                                if (r < 0)
                                        break;
                                kc = node_copy(one->items[i]);
                                vc = node_copy(one->items[i + 1]);
                                if (!kc || !vc || node_append(map, kc) < 0) {
                                        node_free(kc);
                                        node_free(vc);
                                        r = -ENOMEM;
                                        break;
                                }
                                if (node_append(map, vc) < 0) {
                                        node_free(vc);
                                        r = -ENOMEM;
                                }
                        }
                }
        }
        for (size_t s = 0; s < n_merges; s++)
                if (node_append(l->graveyard, merges[s]) < 0) {
                        node_free(merges[s]); /* the load fails: no alias is read again */
                        r = -ENOMEM;
                }
        free(merges);
        return r;
}

static int on_end(struct loader *l, yaml_event_t *e)
{
        struct frame *f = &l->stack[--l->depth];
        int r = 0;

        if (f->node->type == NODE_MAP)
                r = apply_merge_keys(l, f->node, &e->start_mark);
        /* Anchored only once complete, so an alias can never point at a node
         * that contains it (YAML forbids that; libyaml would not catch it). */
        if (r >= 0 && f->anchor)
                r = add_anchor(l, f->anchor, f->node);
        free(f->anchor);
        f->anchor = NULL;
        return r;
}

static int on_alias(struct loader *l, yaml_event_t *e)
{
        const char *name = (const char *)e->data.alias.anchor;
        struct node *target = find_anchor(l, name), *copy;
        int r;

        if (!target)
                return fail(l, &e->start_mark, -EBADMSG, "found undefined alias *%s", name);
        r = count_nodes(l, node_count(target), true, &e->start_mark);
        if (r < 0)
                return r;
        copy = node_copy(target);
        if (!copy)
                return -ENOMEM;
        return attach(l, copy, &e->start_mark);
}

int yaml_load(const char *data, size_t len, const char *file, const struct yaml_limits *lim,
              struct node **ret, struct yaml_error *err)
{
        struct yaml_limits def = YAML_LIMITS_DEFAULT;
        struct loader l = { .lim = lim ? lim : &def, .err = err };

        l.budget = l.lim->budget ? l.lim->budget : &yaml_boot_budget;
        yaml_parser_t parser;
        bool done = false, seen_doc = false;
        int r = 0;

        *err = (struct yaml_error){ 0 };
        l.file = node_intern_file(file);
        r = libyaml_dl_load();
        if (r < 0)
                return fail(&l, NULL, r, "libyaml (libyaml-0.so.2) cannot be loaded");
        if (len > l.lim->max_bytes)
                return fail(&l, NULL, -E2BIG, "document is %zu bytes, more than the limit of %zu",
                            len, l.lim->max_bytes);
        l.stack = calloc(l.lim->max_depth + 1, sizeof(*l.stack));
        l.graveyard = node_new(NODE_SEQ);
        if (!l.stack || !l.graveyard) {
                free(l.stack);
                node_free(l.graveyard);
                return -ENOMEM;
        }
        if (!ly.parser_initialize(&parser)) {
                free(l.stack);
                node_free(l.graveyard);
                return -ENOMEM;
        }
        ly.parser_set_input_string(&parser, (const unsigned char *)data, len);

        while (!done && r >= 0) {
                yaml_event_t e;

                if (!ly.parser_parse(&parser, &e)) {
                        const char *ctx = parser.context;
                        yaml_mark_t at = parser.problem_mark;
                        /* The reader (bad UTF-8, a control character) gives a
                         * byte offset, not a mark: count lines up to it. */
                        if (parser.error == YAML_READER_ERROR) {
                                at = (yaml_mark_t){ 0 };
                                for (size_t i = 0; i < parser.problem_offset && i < len; i++)
                                        if (data[i] == '\n') {
                                                at.line++;
                                                at.column = 0;
                                        } else if (((unsigned char)data[i] & 0xc0) != 0x80)
                                                at.column++;
                        }
                        r = fail(&l, &at, -EBADMSG, "%s%s%s",
                                 parser.problem ? parser.problem : "syntax error", ctx ? " " : "",
                                 ctx ? ctx : "");
                        break;
                }
                switch (e.type) {
                case YAML_STREAM_END_EVENT:
                        done = true;
                        break;
                case YAML_DOCUMENT_START_EVENT:
                        if (seen_doc)
                                r = fail(&l, &e.start_mark, -EBADMSG,
                                         "expected a single document, found another");
                        seen_doc = true;
                        break;
                case YAML_SCALAR_EVENT:
                        r = on_scalar(&l, &e);
                        break;
                case YAML_SEQUENCE_START_EVENT:
                        r = on_start(&l, &e, NODE_SEQ);
                        break;
                case YAML_MAPPING_START_EVENT:
                        r = on_start(&l, &e, NODE_MAP);
                        break;
                case YAML_SEQUENCE_END_EVENT:
                case YAML_MAPPING_END_EVENT:
                        r = on_end(&l, &e);
                        break;
                case YAML_ALIAS_EVENT:
                        r = on_alias(&l, &e);
                        break;
                default:
                        break;
                }
                ly.event_delete(&e);
        }
        ly.parser_delete(&parser);

        while (l.depth > 0)
                free(l.stack[--l.depth].anchor);
        free(l.stack);
        for (size_t i = 0; i < l.n_anchors; i++)
                free(l.anchors[i].name);
        free(l.anchors);
        free(l.anchor_slots);
        node_free(l.graveyard);

        if (r == -ENOMEM && !err->msg[0])
                (void)snprintf(err->msg, sizeof(err->msg), "out of memory");
        if (r < 0) {
                node_free(l.root);
                return r;
        }
        if (!l.root) {
                l.root = node_new(NODE_NULL);
                if (!l.root)
                        return -ENOMEM;
                l.root->file = l.file;
        }
        *ret = l.root;
        return 0;
}
