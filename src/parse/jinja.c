/* SPDX-License-Identifier: Apache-2.0 */
/* A Jinja subset for user-data templates (see jinja.h). */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "jinja.h"
#include "log.h"
#include "macro.h"

#define IF_DEPTH_MAX 32

/* A value: a node from instance-data, a literal, or undefined. */
struct val {
        const struct node *n; /* when from vars */
        const char *s; /* literal text (points into the template or a static) */
        size_t len;
        bool undefined;
        /* jinja's name of the undefined value, the last one looked up (for
         * CI_MISSING_JINJA_VAR/<name>); or, when bad_deref, the error that
         * jinja raises on a name looked up in an undefined value */
        char path[128];
        bool bad_deref;
};

struct ctx {
        unsigned depth; /* of ( and not in a condition: bounded, like everything */
        const struct node *vars;
        const char *name;
        unsigned line; /* of the tag being read */
        struct yaml_error *err;
};

struct lex {
        const char *p, *end;
};

static int fail(struct ctx *c, const char *fmt, const char *what, size_t len)
{
        c->err->line = c->line;
        c->err->col = 0;
        (void)snprintf(c->err->msg, sizeof(c->err->msg), fmt, (int)len, what);
        return -EINVAL;
}

/* At most max bytes of what is left, for a message: never past the tag. */
static size_t rest(const struct lex *l, size_t max)
{
        size_t left = l->p < l->end ? (size_t)(l->end - l->p) : 0;
        return left < max ? left : max;
}

static void skip_ws(struct lex *l)
{
        while (l->p < l->end && strchr(" \t\r\n", *l->p))
                l->p++;
}

static bool is_ident(char c, bool first)
{
        return c == '_' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
               (!first && (c >= '0' && c <= '9'));
}

/* The next word (identifier) if there is one: its length, 0 when none. */
static size_t peek_ident(struct lex *l)
{
        size_t n = 0;
        skip_ws(l);
        while (l->p + n < l->end && is_ident(l->p[n], n == 0))
                n++;
        return n;
}

static bool accept_word(struct lex *l, const char *w)
{
        size_t n = peek_ident(l);
        if (n == strlen(w) && strncmp(l->p, w, n) == 0) {
                l->p += n;
                return true;
        }
        return false;
}

static bool accept(struct lex *l, const char *tok)
{
        skip_ws(l);
        size_t n = strlen(tok);
        if ((size_t)(l->end - l->p) >= n && strncmp(l->p, tok, n) == 0) {
                l->p += n;
                return true;
        }
        return false;
}

/* key of map matching name, where '_' in name also matches '-' in the key */
static const struct node *lookup(const struct node *map, const char *name, size_t len)
{
        if (!map || map->type != NODE_MAP)
                return NULL;
        for (size_t i = 0; i + 1 < map->n; i += 2) {
                const struct node *k = map->items[i];
                if (!k->str || k->len != len)
                        continue;
                size_t j = 0;
                while (j < len && (k->str[j] == name[j] || (name[j] == '_' && k->str[j] == '-')))
                        j++;
                if (j == len)
                        return map->items[i + 1];
        }
        return NULL;
}

static int parse_string(struct ctx *c, struct lex *l, struct val *v)
{
        char q = *l->p;
        const char *s = ++l->p;
        while (l->p < l->end && *l->p != q)
                l->p++;
        if (l->p >= l->end)
                return fail(c, "unterminated string %.*s", s - 1, (size_t)(l->end - s + 1));
        v->s = s;
        v->len = (size_t)(l->p - s);
        l->p++;
        return 0;
}

static int primary(struct ctx *c, struct lex *l, struct val *v)
{
        size_t n;

        *v = (struct val){ 0 };
        skip_ws(l);
        if (l->p < l->end && (*l->p == '\'' || *l->p == '"'))
                return parse_string(c, l, v);
        if (l->p < l->end && ((*l->p >= '0' && *l->p <= '9') || *l->p == '-')) {
                const char *s = l->p++;
                while (l->p < l->end && strchr("0123456789.", *l->p))
                        l->p++;
                v->s = s;
                v->len = (size_t)(l->p - s);
                return 0;
        }
        n = peek_ident(l);
        if (n == 0)
                return fail(c, "expected a variable or a literal at '%.*s'", l->p, rest(l, 20));
        if ((n == 4 && (!strncmp(l->p, "true", 4) || !strncmp(l->p, "True", 4))) ||
            (n == 5 && (!strncmp(l->p, "false", 5) || !strncmp(l->p, "False", 5)))) {
                v->s = *l->p == 't' || *l->p == 'T' ? "True" : "False";
                v->len = strlen(v->s);
                l->p += n;
                return 0;
        }
        /* a path: name(.name | ['name'])* */
        const struct node *cur = NULL;
        bool first = true, missing = false;
        for (;;) {
                const char *name;
                size_t len;
                struct val key;
                if (first || accept(l, ".")) {
                        len = peek_ident(l);
                        if (len == 0)
                                return fail(c, "expected a name after '.' at '%.*s'", l->p,
                                            rest(l, 10));
                        name = l->p;
                        l->p += len;
                } else if (accept(l, "[")) {
                        skip_ws(l);
                        if (l->p >= l->end || (*l->p != '\'' && *l->p != '"'))
                                return fail(c, "only ['name'] subscripts are supported: '%.*s'",
                                            l->p, rest(l, 10));
                        if (parse_string(c, l, &key) < 0)
                                return -EINVAL;
                        if (!accept(l, "]"))
                                return fail(c, "expected ] at '%.*s'", l->p, rest(l, 10));
                        name = key.s;
                        len = key.len;
                } else
                        break;
                if (missing) {
                        /* an attribute of an undefined value: jinja raises an error
                         * naming the first name that was missing (kept in path) */
                        if (!v->bad_deref) {
                                char what[64];
                                (void)snprintf(what, sizeof(what), "%.63s", v->path);
                                if (v->n) /* the parent was defined */
                                        (void)snprintf(v->path, sizeof(v->path),
                                                       "'%s object' has no attribute '%s'",
                                                       v->n->type == NODE_MAP ? "dict" : "str",
                                                       what);
                                else
                                        (void)snprintf(v->path, sizeof(v->path),
                                                       "'%s' is undefined", what);
                        }
                        v->bad_deref = true;
                } else {
                        const struct node *next = lookup(first ? c->vars : cur, name, len);
                        /* v1's keys are also top-level names, as cloud-init aliases them */
                        if (!next && first)
                                next = lookup(node_get(c->vars, "v1"), name, len);
                        if (!next) {
                                (void)snprintf(v->path, sizeof(v->path), "%.*s", (int)len, name);
                                v->n = cur; /* the parent, for the message above */
                        }
                        cur = next;
                        missing = !next;
                }
                first = false;
        }
        if (!missing)
                v->n = cur;
        else
                v->n = NULL;
        v->undefined = missing;
        return 0;
}

/* Nesting of a value rendered as Python's repr; instance-data is shallower. */
#define REPR_DEPTH_MAX 64

/* One code point of UTF-8 at s (len bytes left): its length, 0 if not UTF-8. */
static size_t utf8_point(const unsigned char *s, size_t len, uint32_t *ret)
{
        size_t n = s[0] < 0x80 ? 1 : (s[0] & 0xe0) == 0xc0 ? 2 : (s[0] & 0xf0) == 0xe0 ? 3
                                                           : (s[0] & 0xf8) == 0xf0 ? 4
                                                                                   : 0;
        uint32_t c;

        if (n == 0 || n > len)
                return 0;
        c = n == 1 ? s[0] : s[0] & (0x7f >> n);
        for (size_t i = 1; i < n; i++) {
                if ((s[i] & 0xc0) != 0x80)
                        return 0;
                c = c << 6 | (s[i] & 0x3f);
        }
        if ((n == 2 && c < 0x80) || (n == 3 && c < 0x800) || (n == 4 && c < 0x10000) ||
            c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff))
                return 0;
        *ret = c;
        return n;
}

/* Code points Python's str.isprintable() refuses that instance-data could
 * hold: controls, the non-breaking and soft hyphen, the invisible format
 * characters and separators. (Python knows the whole Unicode table; these
 * are the ones met in text.) */
static bool repr_escaped(uint32_t c)
{
        return c < 0x20 || (c >= 0x7f && c <= 0xa0) || c == 0xad || (c >= 0x200b && c <= 0x200f) ||
               (c >= 0x2028 && c <= 0x202e) || (c >= 0x2060 && c <= 0x206f) || c == 0xfeff ||
               (c >= 0xfff9 && c <= 0xfffb);
}

/* A string as Python's repr() writes it: single quotes unless it holds a '
 * and no ", backslash escapes for the quote, \\ \t \n \r and the rest of what
 * is not printable. */
static void repr_str(struct buf *b, const char *str, size_t len)
{
        const unsigned char *p = (const unsigned char *)str;
        char q = memchr(str, '\'', len) && !memchr(str, '"', len) ? '"' : '\'';

        (void)buf_putc(b, q);
        for (size_t i = 0; i < len;) {
                uint32_t c;
                size_t n = utf8_point(p + i, len - i, &c);

                if (n == 0) { /* not text: the byte, as a bytes repr shows it */
                        (void)buf_printf(b, "\\x%02x", p[i]);
                        i++;
                        continue;
                }
                if (c == (uint32_t)q || c == '\\')
                        (void)buf_printf(b, "\\%c", (char)c);
                else if (c == '\t')
                        (void)buf_puts(b, "\\t");
                else if (c == '\n')
                        (void)buf_puts(b, "\\n");
                else if (c == '\r')
                        (void)buf_puts(b, "\\r");
                else if (repr_escaped(c))
                        (void)buf_printf(b, c < 0x100 ? "\\x%02x" : "\\u%04x", c);
                else
                        (void)buf_append(b, str + i, n);
                i += n;
        }
        (void)buf_putc(b, q);
}

/* A float as Python's repr(): the shortest text that reads back the same,
 * with ".0" when it would look like an integer. */
static void repr_float(struct buf *b, const struct node *n)
{
        char tmp[64], *end = NULL;
        double d = strtod(n->str, &end);

        if (!end || *end) { /* YAML's own spellings (.inf, .nan): as they are */
                (void)buf_append(b, n->str, n->len);
                return;
        }
        if (d != d) {
                (void)buf_puts(b, "nan");
                return;
        }
        if (d == HUGE_VAL || d == -HUGE_VAL) {
                (void)buf_puts(b, d > 0 ? "inf" : "-inf");
                return;
        }
        for (int prec = 1; prec <= 17; prec++) {
                (void)snprintf(tmp, sizeof(tmp), "%.*g", prec, d);
                if (strtod(tmp, NULL) == d)
                        break;
        }
        (void)buf_puts(b, tmp);
        if (!strpbrk(tmp, ".en"))
                (void)buf_puts(b, ".0");
}

/* A value inside a list or dict, as Python's repr() writes it (what jinja
 * prints for a list or dict: cloud-init's templates see Python objects). */
static int repr_write(struct buf *b, const struct node *n, unsigned depth)
{
        int r = 0;

        if (depth > REPR_DEPTH_MAX)
                return -E2BIG;
        switch (n->type) {
        case NODE_NULL:
                return buf_puts(b, "None");
        case NODE_BOOL:
                return buf_puts(b, n->b ? "True" : "False");
        case NODE_INT:
                return buf_printf(b, "%lld", n->i);
        case NODE_FLOAT:
                repr_float(b, n);
                return buf_error(b);
        case NODE_STR:
                repr_str(b, n->str, n->len);
                return buf_error(b);
        case NODE_SEQ:
                (void)buf_putc(b, '[');
                for (size_t i = 0; r >= 0 && i < n->n; i++) {
                        if (i > 0)
                                (void)buf_puts(b, ", ");
                        r = repr_write(b, n->items[i], depth + 1);
                }
                (void)buf_putc(b, ']');
                break;
        case NODE_MAP:
                (void)buf_putc(b, '{');
                for (size_t i = 0; r >= 0 && i + 1 < n->n; i += 2) {
                        if (i > 0)
                                (void)buf_puts(b, ", ");
                        r = repr_write(b, n->items[i], depth + 1);
                        (void)buf_puts(b, ": ");
                        if (r >= 0)
                                r = repr_write(b, n->items[i + 1], depth + 1);
                }
                (void)buf_putc(b, '}');
                break;
        }
        return r < 0 ? r : buf_error(b);
}

/* The text of a defined value. */
static void text_of(const struct val *v, struct buf *b)
{
        if (v->s) {
                (void)buf_append(b, v->s, v->len);
                return;
        }
        if (!v->n)
                return;
        switch (v->n->type) {
        case NODE_BOOL:
                (void)buf_puts(b, v->n->b ? "True" : "False");
                break;
        case NODE_NULL:
                (void)buf_puts(b, "None");
                break;
        case NODE_SEQ:
        case NODE_MAP:
                (void)repr_write(b, v->n, 0);
                break;
        case NODE_FLOAT:
                repr_float(b, v->n);
                break;
        default:
                (void)buf_append(b, v->n->str, v->n->len);
        }
}

static bool truthy(const struct val *v)
{
        if (v->undefined)
                return false;
        if (v->s)
                return v->len > 0 && !(v->len == 5 && !strncmp(v->s, "False", 5));
        switch (v->n->type) {
        case NODE_NULL:
                return false;
        case NODE_BOOL:
                return v->n->b;
        case NODE_INT:
                return v->n->i != 0;
        case NODE_SEQ:
        case NODE_MAP:
                return v->n->n > 0;
        default:
                return v->n->len > 0;
        }
}

/* primary | filter(...) ... ; owned text, if a filter made one, goes to tmp */
static int expr(struct ctx *c, struct lex *l, struct val *v, struct buf *tmp)
{
        int r = primary(c, l, v);
        if (r < 0)
                return r;
        while (accept(l, "|")) {
                size_t n = peek_ident(l);
                const char *f = l->p;
                l->p += n;
                if ((n == 7 && !strncmp(f, "default", 7)) || (n == 1 && *f == 'd')) {
                        struct val def, boolean;
                        if (!accept(l, "("))
                                return fail(c, "expected ( after %.*s", f, n);
                        if ((r = primary(c, l, &def)) < 0)
                                return r;
                        bool if_false = false;
                        if (accept(l, ",")) {
                                if ((r = primary(c, l, &boolean)) < 0)
                                        return r;
                                if_false = truthy(&boolean);
                        }
                        if (!accept(l, ")"))
                                return fail(c, "expected ) after the default at '%.*s'", l->p,
                                            rest(l, 10));
                        if (v->undefined || (if_false && !truthy(v)))
                                *v = def;
                } else if ((n == 5 && !strncmp(f, "lower", 5)) ||
                           (n == 5 && !strncmp(f, "upper", 5)) ||
                           (n == 4 && !strncmp(f, "trim", 4))) {
                        if (v->undefined)
                                continue;
                        struct buf t = BUF_INIT(1 << 20);
                        text_of(v, &t);
                        char *s = t.data ? t.data : (char *)"";
                        size_t len = t.len;
                        for (size_t i = 0; (*f == 'l' || *f == 'u') && i < len; i++) {
                                if (*f == 'l' && s[i] >= 'A' && s[i] <= 'Z')
                                        s[i] = (char)(s[i] - 'A' + 'a');
                                else if (*f == 'u' && s[i] >= 'a' && s[i] <= 'z')
                                        s[i] = (char)(s[i] - 'a' + 'A');
                        }
                        size_t start = 0;
                        if (*f == 't') {
                                while (start < len && strchr(" \t\r\n", s[start]))
                                        start++;
                                while (len > start && strchr(" \t\r\n", s[len - 1]))
                                        len--;
                        }
                        size_t at = tmp->len;
                        r = buf_error(&t) < 0 ? buf_error(&t)
                                              : buf_append(tmp, s + start, len - start);
                        buf_free(&t);
                        if (r < 0) /* never a value pointing past what tmp holds */
                                return r;
                        *v = (struct val){ .s = tmp->data + at, .len = len - start };
                } else
                        return fail(c, "the filter '%.*s' is not supported by cloudboot", f, n);
        }
        return 0;
}

static bool equal(const struct val *a, const struct val *b)
{
        struct buf x = BUF_INIT(1 << 20), y = BUF_INIT(1 << 20);
        bool eq;
        if (a->undefined || b->undefined)
                return a->undefined && b->undefined;
        text_of(a, &x);
        text_of(b, &y);
        eq = x.len == y.len && (x.len == 0 || memcmp(x.data, y.data, x.len) == 0);
        buf_free(&x);
        buf_free(&y);
        return eq;
}

static int cond(struct ctx *c, struct lex *l, bool *ret);
static int cond_not(struct ctx *c, struct lex *l, bool *ret);

static int cond_not_inner(struct ctx *c, struct lex *l, bool *ret)
{
        struct buf tmp = BUF_INIT(1 << 20);
        struct val a, b;
        int r;

        if (accept_word(l, "not")) {
                r = cond_not(c, l, ret);
                *ret = !*ret;
                return r;
        }
        if (accept(l, "(")) {
                r = cond(c, l, ret);
                if (r >= 0 && !accept(l, ")"))
                        r = fail(c, "expected ) at '%.*s'", l->p, rest(l, 10));
                return r;
        }
        r = expr(c, l, &a, &tmp);
        if (r >= 0 && accept(l, "==")) {
                r = expr(c, l, &b, &tmp);
                *ret = r >= 0 && equal(&a, &b);
        } else if (r >= 0 && accept(l, "!=")) {
                r = expr(c, l, &b, &tmp);
                *ret = r >= 0 && !equal(&a, &b);
        } else if (r >= 0 && accept_word(l, "is")) {
                bool neg = accept_word(l, "not");
                if (accept_word(l, "defined"))
                        *ret = !a.undefined != neg;
                else
                        r = fail(c, "only 'is defined' tests are supported: '%.*s'", l->p,
                                 rest(l, 10));
        } else
                *ret = r >= 0 && truthy(&a);
        buf_free(&tmp);
        return r;
}

#define COND_DEPTH_MAX 32

static int cond_not(struct ctx *c, struct lex *l, bool *ret)
{
        int r;
        *ret = false; /* defined on every path, errors too */
        if (c->depth >= COND_DEPTH_MAX)
                return fail(c, "a condition nested deeper than %.*s levels", "32", 2);
        c->depth++;
        r = cond_not_inner(c, l, ret);
        c->depth--;
        return r;
}

static int cond(struct ctx *c, struct lex *l, bool *ret)
{
        bool v = false, w = false;
        int r = cond_not(c, l, &v);
        while (r >= 0) {
                if (accept_word(l, "and")) {
                        r = cond_not(c, l, &w);
                        v = v && w;
                } else if (accept_word(l, "or")) {
                        r = cond_not(c, l, &w);
                        v = v || w;
                } else
                        break;
        }
        *ret = v;
        return r;
}

struct frame {
        bool parent; /* the enclosing text is output */
        bool taking; /* this branch is output */
        bool taken; /* a branch of this if was output */
        bool in_else;
};

int jinja_render(const char *text, size_t len, const struct node *vars, const char *name,
                 size_t max, char **ret, size_t *ret_len, struct yaml_error *err)
{
        struct ctx c = { .vars = vars, .name = name, .line = 1, .err = err };
        struct frame stack[IF_DEPTH_MAX];
        struct buf out = BUF_INIT(max);
        struct buf missing = BUF_INIT(1024); /* names rendered as CI_MISSING_JINJA_VAR */
        const char *p = text, *end = text + len;
        unsigned depth = 0, line = 1;
        int r = 0;

        *err = (struct yaml_error){ 0 };
#define ACTIVE (depth == 0 || stack[depth - 1].taking)
        while (p < end && r >= 0) {
                const char *open = p;
                while (open + 1 < end && !(open[0] == '{' && strchr("{%#", open[1])))
                        open++;
                if (open + 1 >= end)
                        open = end;
                if (ACTIVE)
                        r = buf_append(&out, p, (size_t)(open - p));
                for (const char *q = p; q < open; q++)
                        line += *q == '\n';
                if (open >= end || r < 0)
                        break;
                char kind = open[1];
                const char *close_tok = kind == '{' ? "}}" : kind == '%' ? "%}" : "#}";
                const char *inner = open + 2, *close = NULL;
                for (const char *q = inner; q + 1 < end; q++)
                        if (q[0] == close_tok[0] && q[1] == close_tok[1]) {
                                close = q;
                                break;
                        }
                c.line = line;
                if (!close) {
                        r = fail(&c, "'%.*s' is not closed", open, 2);
                        break;
                }
                for (const char *q = open; q < close; q++)
                        line += *q == '\n';
                p = close + 2;
                bool strip_before = inner < close && *inner == '-';
                bool strip_after = close > inner && close[-1] == '-';
                struct lex l = { inner + strip_before, close - strip_after };
                if (l.end < l.p) /* "{%-%}": one '-' seen from both sides */
                        l.end = l.p;
                if (strip_before && ACTIVE)
                        while (out.len > 0 && strchr(" \t\r\n", out.data[out.len - 1]))
                                out.data[--out.len] = 0;
                if (kind == '#') {
                        /* a comment */
                } else if (kind == '{') {
                        struct buf tmp = BUF_INIT(1 << 20);
                        struct val v;
                        r = expr(&c, &l, &v, &tmp);
                        skip_ws(&l);
                        if (r >= 0 && l.p < l.end)
                                r = fail(&c, "unexpected '%.*s' in {{ }}", l.p,
                                         (size_t)(l.end - l.p));
                        if (r >= 0 && ACTIVE) {
                                if (v.bad_deref)
                                        /* cloud-init: "Ignoring jinja template for ...: <why>" */
                                        r = fail(&c, "%.*s", v.path, strlen(v.path));
                                else if (v.undefined) {
                                        (void)buf_printf(&missing, "%s'%s'",
                                                         missing.len ? ", " : "", v.path);
                                        r = buf_printf(&out, "CI_MISSING_JINJA_VAR/%s", v.path);
                                } else
                                        text_of(&v, &out);
                        }
                        buf_free(&tmp);
                } else {
                        bool t = false;
                        if (accept_word(&l, "if")) {
                                if (depth >= IF_DEPTH_MAX)
                                        r = fail(&c, "if nested deeper than %.*s", "32", 2);
                                else {
                                        r = cond(&c, &l, &t);
                                        stack[depth] = (struct frame){ .parent = ACTIVE };
                                        stack[depth].taking = stack[depth].parent && t;
                                        stack[depth].taken = t;
                                        depth++;
                                }
                        } else if (accept_word(&l, "elif")) {
                                if (depth == 0 || stack[depth - 1].in_else)
                                        r = fail(&c, "%.*s without if", "elif", 4);
                                else {
                                        r = cond(&c, &l, &t);
                                        struct frame *f = &stack[depth - 1];
                                        f->taking = f->parent && !f->taken && t;
                                        f->taken = f->taken || t;
                                }
                        } else if (accept_word(&l, "else")) {
                                if (depth == 0 || stack[depth - 1].in_else)
                                        r = fail(&c, "%.*s without if", "else", 4);
                                else {
                                        struct frame *f = &stack[depth - 1];
                                        f->taking = f->parent && !f->taken;
                                        f->in_else = true;
                                }
                        } else if (accept_word(&l, "endif")) {
                                if (depth == 0)
                                        r = fail(&c, "%.*s without if", "endif", 5);
                                else
                                        depth--;
                        } else {
                                skip_ws(&l);
                                size_t n = peek_ident(&l);
                                r = fail(&c, "{%% %.*s %%} is not supported by cloudboot", l.p,
                                         n ? n : (size_t)(l.end - l.p));
                        }
                        skip_ws(&l);
                        if (r >= 0 && l.p < l.end)
                                r = fail(&c, "unexpected '%.*s' in {%% %%}", l.p,
                                         (size_t)(l.end - l.p));
                        /* trim_blocks: the newline after a block tag goes */
                        if (p < end && *p == '\n') {
                                p++;
                                line++;
                        } else if (p + 1 < end && p[0] == '\r' && p[1] == '\n') {
                                p += 2;
                                line++;
                        }
                }
                if (strip_after)
                        while (p < end && strchr(" \t\r\n", *p)) {
                                line += *p == '\n';
                                p++;
                        }
        }
        if (r >= 0 && depth > 0) {
                c.line = line;
                r = fail(&c, "%.*s: an if is not closed by endif", "end of template", 15);
        }
        if (r >= 0)
                r = buf_error(&out); /* an append that failed: the text is not whole */
        if (r < 0) {
                if (r == -E2BIG) {
                        err->line = line;
                        (void)snprintf(err->msg, sizeof(err->msg),
                                       "the rendered template is larger than %zu bytes", max);
                }
                buf_free_secret(&out);
                buf_free(&missing);
                return r;
        }
        /* one warning per template, as cloud-init words it */
        if (missing.len)
                log_warning("Could not render jinja template variables in file '%s': %s", name,
                            missing.data);
        buf_free(&missing);
        *ret = buf_steal(&out, ret_len);
        return 0;
#undef ACTIVE
}
