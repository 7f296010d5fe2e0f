/* SPDX-License-Identifier: Apache-2.0 */
/* YAML writing as cloud-init's safeyaml.dumps (see yaml_dump.h). */
#include <errno.h>
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <stdint.h>
#include <sys/random.h>
#include <time.h>

#include "codec.h"
#include "libyaml_dl.h"

#include "macro.h"
#include "pyfloat.h"
#include "yaml_dump.h"

/* PyYAML's implicit resolvers (resolver.py), as POSIX extended regexes. Each
 * applies only to scalars starting with one of its first characters; the
 * patterns below cannot match anything else, so they are tried on all. */
static const char *const nonstr_patterns[] = {
        /* bool */
        "^(yes|Yes|YES|no|No|NO|true|True|TRUE|false|False|FALSE|on|On|ON|off|Off|OFF)$",
        /* float */
        "^([-+]?([0-9][0-9_]*)\\.[0-9_]*([eE][-+][0-9]+)?|\\.[0-9][0-9_]*([eE][-+][0-9]+)?"
        "|[-+]?[0-9][0-9_]*(:[0-5]?[0-9])+\\.[0-9_]*|[-+]?\\.(inf|Inf|INF)|\\.(nan|NaN|NAN))$",
        /* int */
        "^([-+]?0b[0-1_]+|[-+]?0[0-7_]+|[-+]?(0|[1-9][0-9_]*)|[-+]?0x[0-9a-fA-F_]+"
        "|[-+]?[1-9][0-9_]*(:[0-5]?[0-9])+)$",
        /* merge, null, value, yaml */
        "^(<<|~|null|Null|NULL|=|!|&|\\*)$",
        /* timestamp */
        "^([0-9]{4}-[0-9]{2}-[0-9]{2}|[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}([Tt]|[ \t]+)[0-9]{1,2}"
        ":[0-9]{2}:[0-9]{2}(\\.[0-9]*)?([ \t]*(Z|[-+][0-9]{1,2}(:[0-9]{2})?))?)$",
};

static regex_t nonstr_re[ELEMENTSOF(nonstr_patterns)];
static bool nonstr_ready;

bool yaml_dump_resolves_nonstr(const char *s)
{
        if (!*s)
                return true; /* the empty plain scalar is null */
        if (!nonstr_ready) {
                for (size_t i = 0; i < ELEMENTSOF(nonstr_patterns); i++)
                        if (regcomp(&nonstr_re[i], nonstr_patterns[i], REG_EXTENDED | REG_NOSUB) !=
                            0)
                                abort(); /* constant patterns: a bug, not input */
                nonstr_ready = true;
        }
        /* Python's $ also matches before a final newline */
        for (size_t i = 0; i < ELEMENTSOF(nonstr_re); i++)
                if (regexec(&nonstr_re[i], s, 0, NULL, 0) == 0)
                        return true;
        return false;
}

static double float_value(const struct node *n)
{
        double v;
        (void)py_float_value(n->str, &v);
        return v;
}

/* A string PyYAML writes double-quoted goes through libyaml as a plain
 * placeholder, replaced afterwards by PyYAML's own rendering: libyaml folds
 * long double-quoted lines at other places than PyYAML does. */
struct quoted {
        const struct node *n;
        unsigned indent; /* of its continuation lines */
};

struct dumper {
        yaml_emitter_t em;
        struct buf *out;
        int error;
        struct quoted *q;
        size_t nq, qcap;
        unsigned long long nonce;
};

static int write_out(void *data, unsigned char *buffer, size_t size)
{
        struct dumper *d = data;
        int r = buf_append(d->out, buffer, size);

        if (r < 0) {
                d->error = r;
                return 0;
        }
        return 1;
}

static int emit(struct dumper *d, yaml_event_t *ev)
{
        if (!ly.emitter_emit(&d->em, ev)) {
                if (!d->error)
                        d->error = d->em.error == YAML_MEMORY_ERROR ? -ENOMEM : -EINVAL;
                return d->error;
        }
        return 0;
}

static int scalar(struct dumper *d, const char *tag, const char *s, size_t len, bool plain)
{
        yaml_event_t ev;

        if (!ly.scalar_event_initialize(&ev, NULL, (yaml_char_t *)tag, (yaml_char_t *)s,
                                          (int)len, plain, 1, YAML_ANY_SCALAR_STYLE))
                return -EINVAL; /* not UTF-8 */
        return emit(d, &ev);
}

/* A mapping's pair as written: positions in its items of the key and of the
 * value (a later one when the key is repeated). */
struct pair {
        size_t key, value;
};

/* Numeric keys compared with each other to merge equal ones, up to this
 * many in a mapping (each costs a scan). */
#define NUMBER_KEYS_MAX 4096

static double number_value(const struct node *n)
{
        return n->type == NODE_FLOAT ? float_value(n) : n->type == NODE_BOOL ? n->b : (double)n->i;
}

/* Python's sort of a mapping's keys (the pairs at positions a and b of the
 * mapping m): strings by code point (UTF-8 bytes compare the same), numbers
 * by value. */
static int key_cmp(const void *a, const void *b, void *m)
{
        size_t i = ((const struct pair *)a)->key, j = ((const struct pair *)b)->key;
        const struct node *x = ((const struct node *)m)->items[i],
                          *y = ((const struct node *)m)->items[j];
        int c;

        if (x->type == NODE_STR) {
                c = memcmp(x->str, y->str, x->len < y->len ? x->len : y->len);
                if (c == 0)
                        c = x->len < y->len ? -1 : x->len > y->len;
        } else {
                double u = number_value(x), v = number_value(y);
                c = u < v ? -1 : u > v;
        }
        return c ? c : i < j ? -1 : 1; /* stable */
}

static bool is_number(const struct node *n)
{
        return n->type == NODE_INT || n->type == NODE_FLOAT || n->type == NODE_BOOL;
}

/* bytes (!!binary) as PyYAML writes them: base64 in lines of 76, literal */
static int binary(struct dumper *d, const struct node *n)
{
        _cleanup_free_ char *b64 = NULL;
        struct buf lines = BUF_INIT(n->len * 2 + 64);
        yaml_event_t ev;
        size_t l;
        int r;

        r = b64_encode(n->str, n->len, &b64);
        if (r < 0)
                return r;
        l = strlen(b64);
        for (size_t i = 0; i < l; i += 76) {
                (void)buf_append(&lines, b64 + i, l - i < 76 ? l - i : 76);
                (void)buf_putc(&lines, '\n');
        }
        r = buf_error(&lines);
        if (r >= 0 && !ly.scalar_event_initialize(&ev, NULL, (yaml_char_t *)"tag:yaml.org,2002:binary",
                                                     (yaml_char_t *)(lines.data ? lines.data : ""),
                                                     (int)lines.len, 0, 0, YAML_LITERAL_SCALAR_STYLE))
                r = -ENOMEM;
        if (r >= 0)
                r = emit(d, &ev);
        buf_free(&lines);
        return r;
}

enum ctx { CTX_ROOT, CTX_KEY, CTX_VALUE, CTX_ITEM };

static int dump_node(struct dumper *d, const struct node *n, unsigned depth, unsigned parent,
                     enum ctx ctx);

static int dump_map(struct dumper *d, const struct node *n, unsigned depth, unsigned indent)
{
        _cleanup_free_ struct pair *pairs = NULL;
        size_t np = 0, nnum = 0, last_null = SIZE_MAX;
        bool strs = true, nums = true;
        yaml_event_t ev;
        int r;

        if (n->n > 0 && !(pairs = calloc(n->n / 2 + 1, sizeof(*pairs))))
                return -ENOMEM;
        /* every null key (null, ~, an empty key) is Python's one None */
        for (size_t i = 0; i + 1 < n->n; i += 2)
                if (n->items[i + 1] && n->items[i]->type == NODE_NULL)
                        last_null = i;
        for (size_t i = 0; i + 1 < n->n; i += 2) {
                const struct node *k = n->items[i];
                bool merged = false;
                if (!n->items[i + 1])
                        continue; /* removed, not swept */
                if (k->type == NODE_NULL && i != last_null)
                        continue;
                /* a key given twice is one key of a Python dict, with the last
                 * value; numbers of one value too (1 and 0x1, .inf and .Inf) */
                if (!is_number(k) && node_find(n, k) != (long)i)
                        continue;
                for (size_t j = 0; is_number(k) && nnum <= NUMBER_KEYS_MAX && j < np; j++)
                        if (is_number(n->items[pairs[j].key]) &&
                            number_value(n->items[pairs[j].key]) == number_value(k)) {
                                pairs[j].value = i + 1;
                                merged = true;
                                break;
                        }
                if (merged)
                        continue;
                nnum += is_number(k);
                pairs[np++] = (struct pair){ .key = i, .value = i + 1 };
                strs = strs && k->type == NODE_STR;
                nums = nums && is_number(k);
        }
        /* any other mix of keys raises TypeError in sorted(): PyYAML then
         * keeps the dict's order */
        if (np > 1 && (strs || nums))
                qsort_r(pairs, np, sizeof(*pairs), key_cmp, (void *)n);
        (void)ly.mapping_start_event_initialize(&ev, NULL,
                                                  (yaml_char_t *)YAML_DEFAULT_MAPPING_TAG, 1,
                                                  YAML_BLOCK_MAPPING_STYLE);
        r = emit(d, &ev);
        for (size_t i = 0; r >= 0 && i < np; i++) {
                r = dump_node(d, n->items[pairs[i].key], depth + 1, indent, CTX_KEY);
                if (r >= 0)
                        r = dump_node(d, n->items[pairs[i].value], depth + 1, indent, CTX_VALUE);
        }
        if (r < 0)
                return r;
        (void)ly.mapping_end_event_initialize(&ev);
        return emit(d, &ev);
}

/* Whether libyaml (as PyYAML) writes s, a mapping's value, double-quoted:
 * only text with a line break or a character outside printable ASCII can be. */
static bool double_quoted(const struct node *n)
{
        yaml_emitter_t em;
        yaml_event_t ev;
        struct buf b = BUF_INIT(n->len * 12 + 64);
        struct dumper d = { .out = &b };
        bool ok, dq = false;
        size_t i;

        for (i = 0; i < n->len; i++)
                if ((unsigned char)n->str[i] < 0x20 || (unsigned char)n->str[i] >= 0x7f)
                        break;
        if (i == n->len || !ly.emitter_initialize(&em))
                return false;
        ly.emitter_set_output(&em, write_out, &d);
        ly.emitter_set_width(&em, -1);
        ly.emitter_set_unicode(&em, 0);
        ok = ly.stream_start_event_initialize(&ev, YAML_UTF8_ENCODING) &&
             ly.emitter_emit(&em, &ev) &&
             ly.document_start_event_initialize(&ev, NULL, NULL, NULL, 1) &&
             ly.emitter_emit(&em, &ev) &&
             ly.mapping_start_event_initialize(&ev, NULL, NULL, 1, YAML_BLOCK_MAPPING_STYLE) &&
             ly.emitter_emit(&em, &ev) &&
             ly.scalar_event_initialize(&ev, NULL, NULL, (yaml_char_t *)"k", 1, 1, 1,
                                          YAML_ANY_SCALAR_STYLE) &&
             ly.emitter_emit(&em, &ev) &&
             ly.scalar_event_initialize(&ev, NULL, NULL, (yaml_char_t *)n->str, (int)n->len,
                                          1, 1, YAML_ANY_SCALAR_STYLE) &&
             ly.emitter_emit(&em, &ev) && ly.mapping_end_event_initialize(&ev) &&
             ly.emitter_emit(&em, &ev) && ly.document_end_event_initialize(&ev, 1) &&
             ly.emitter_emit(&em, &ev) && ly.stream_end_event_initialize(&ev) &&
             ly.emitter_emit(&em, &ev) && ly.emitter_flush(&em);
        if (ok && b.data)
                dq = startswith(b.data, "k: \"");
        ly.emitter_delete(&em);
        buf_free(&b);
        return dq;
}

static int placeholder(struct dumper *d, const struct node *n, unsigned indent)
{
        char t[64];

        if (d->nq == d->qcap) {
                size_t cap = d->qcap ? d->qcap * 2 : 16;
                struct quoted *q = realloc(d->q, cap * sizeof(*q));
                if (!q)
                        return -ENOMEM;
                d->q = q;
                d->qcap = cap;
        }
        d->q[d->nq] = (struct quoted){ .n = n, .indent = indent };
        (void)snprintf(t, sizeof(t), "cbdq%016llx%zuz", d->nonce, d->nq);
        d->nq++;
        return scalar(d, YAML_STR_TAG, t, strlen(t), true);
}

static int dump_node(struct dumper *d, const struct node *n, unsigned depth, unsigned parent,
                     enum ctx ctx)
{
        /* PyYAML's indents: a block collection 4 deeper than its parent's,
         * except a sequence that is a mapping's value (indentless); a
         * scalar's continuation lines 4 deeper than its collection */
        unsigned coll = ctx == CTX_ROOT                             ? 0
                        : ctx == CTX_VALUE && n->type == NODE_SEQ ? parent
                                                                   : parent + 4;
        unsigned sc = ctx == CTX_ROOT ? 4 : parent + 4;
        yaml_event_t ev;
        char t[64];
        int r = 0;

        if (depth > YAML_DUMP_DEPTH_MAX)
                return -E2BIG;
        switch (n->type) {
        case NODE_NULL:
                return scalar(d, YAML_NULL_TAG, "null", 4, true);
        case NODE_BOOL:
                return scalar(d, YAML_BOOL_TAG, n->b ? "true" : "false", n->b ? 4 : 5, true);
        case NODE_INT:
                (void)snprintf(t, sizeof(t), "%lld", n->i);
                return scalar(d, YAML_INT_TAG, t, strlen(t), true);
        case NODE_FLOAT:
                if (!py_float_text_repr(n->str, true, t, sizeof(t)))
                        py_float_repr(float_value(n), true, t, sizeof(t)); /* .inf, .nan */
                return scalar(d, YAML_FLOAT_TAG, t, strlen(t), true);
        case NODE_STR:
                if (n->binary)
                        return binary(d, n);
                if (ctx != CTX_KEY && double_quoted(n))
                        return placeholder(d, n, sc);
                return scalar(d, YAML_STR_TAG, n->str, n->len,
                              n->len == strlen(n->str) && !yaml_dump_resolves_nonstr(n->str));
        case NODE_SEQ:
                (void)ly.sequence_start_event_initialize(&ev, NULL,
                                                           (yaml_char_t *)YAML_DEFAULT_SEQUENCE_TAG,
                                                           1, YAML_BLOCK_SEQUENCE_STYLE);
                r = emit(d, &ev);
                for (size_t i = 0; r >= 0 && i < n->n; i++)
                        r = dump_node(d, n->items[i], depth + 1, coll, CTX_ITEM);
                if (r < 0)
                        return r;
                (void)ly.sequence_end_event_initialize(&ev);
                return emit(d, &ev);
        case NODE_MAP:
                return dump_map(d, n, depth, coll);
        }
        return -EINVAL;
}

/* The next UTF-8 code point of s (len bytes) at *i; invalid bytes as
 * themselves (libyaml refused such text before this runs). */
static unsigned next_cp(const unsigned char *s, size_t len, size_t *i)
{
        unsigned c = s[(*i)++], more = c >= 0xf0 ? 3 : c >= 0xe0 ? 2 : c >= 0xc0 ? 1 : 0;

        if (more)
                c &= 0x3fu >> more;
        while (more-- && *i < len)
                c = (c << 6) | (s[(*i)++] & 0x3f);
        return c;
}

/* PyYAML's write_double_quoted (allow_unicode off, width 80), column the
 * column of the opening quote. */
static int write_double(struct buf *b, const struct node *n, unsigned indent, size_t column)
{
        static const char esc[][2] = { { 0, '0' },    { 7, 'a' },    { 8, 'b' },   { 9, 't' },
                                       { 10, 'n' },   { 11, 'v' },   { 12, 'f' },  { 13, 'r' },
                                       { 27, 'e' },   { '"', '"' },  { '\\', '\\' } };
        _cleanup_free_ unsigned *cp = malloc((n->len + 1) * sizeof(*cp));
        size_t len = 0, start = 0;

        if (!cp)
                return -ENOMEM;
        for (size_t i = 0; i < n->len;)
                cp[len++] = next_cp((const unsigned char *)n->str, n->len, &i);
        (void)buf_putc(b, '"');
        column++;
        for (size_t end = 0; end <= len; end++) {
                bool last = end == len;
                unsigned ch = last ? 0 : cp[end];
                if (last || ch == '"' || ch == '\\' || ch < 0x20 || ch > 0x7e) {
                        for (size_t k = start; k < end; k++)
                                (void)buf_putc(b, (char)cp[k]);
                        column += end - start;
                        start = end;
                        if (!last) {
                                char e[16] = "";
                                for (size_t k = 0; k < ELEMENTSOF(esc); k++)
                                        if ((unsigned)(unsigned char)esc[k][0] == ch)
                                                (void)snprintf(e, sizeof(e), "\\%c", esc[k][1]);
                                if (!e[0])
                                        (void)snprintf(e, sizeof(e),
                                                       ch == 0x85     ? "\\N"
                                                       : ch == 0xa0   ? "\\_"
                                                       : ch == 0x2028 ? "\\L"
                                                       : ch == 0x2029 ? "\\P"
                                                       : ch <= 0xff   ? "\\x%02X"
                                                       : ch <= 0xffff ? "\\u%04X"
                                                                      : "\\U%08X",
                                                       ch);
                                (void)buf_puts(b, e);
                                column += strlen(e);
                                start = end + 1;
                        }
                }
                if (end > 0 && end + 1 < len && (ch == ' ' || start >= end) &&
                    column + (end - start) > 80) {
                        for (size_t k = start; k < end; k++)
                                (void)buf_putc(b, (char)cp[k]);
                        (void)buf_putc(b, '\\');
                        (void)buf_putc(b, '\n');
                        for (unsigned k = 0; k < indent; k++)
                                (void)buf_putc(b, ' ');
                        column = indent;
                        if (start < end)
                                start = end;
                        if (cp[start] == ' ') {
                                (void)buf_putc(b, '\\');
                                column++;
                        }
                }
        }
        (void)buf_putc(b, '"');
        return buf_error(b);
}

/* The dump with each placeholder replaced by its double-quoted text. */
static int fill_placeholders(struct dumper *d, const char *text, size_t len, struct buf *out)
{
        const char *p = text, *end = text + len;

        for (size_t i = 0; i < d->nq; i++) {
                char t[64];
                (void)snprintf(t, sizeof(t), "cbdq%016llx%zuz", d->nonce, i);
                const char *at = memmem(p, (size_t)(end - p), t, strlen(t));
                if (!at)
                        return -EINVAL;
                (void)buf_append(out, p, (size_t)(at - p));
                size_t col = 0;
                for (size_t k = out->len; k > 0 && out->data[k - 1] != '\n'; k--)
                        col++;
                int r = write_double(out, d->q[i].n, d->q[i].indent, col);
                if (r < 0)
                        return r;
                p = at + strlen(t);
        }
        (void)buf_append(out, p, (size_t)(end - p));
        return buf_error(out);
}

int yaml_dump(const struct node *n, struct buf *out)
{
        struct buf raw = BUF_INIT(out->max);
        struct dumper d = { .out = &raw };
        yaml_event_t ev;
        int r;

        r = libyaml_dl_load();
        if (r < 0)
                return r;
        /* placeholders no user text can spell by chance */
        if (getrandom(&d.nonce, sizeof(d.nonce), 0) != sizeof(d.nonce))
                d.nonce = (unsigned long long)(uintptr_t)&d ^ (unsigned long long)time(NULL);
        if (!ly.emitter_initialize(&d.em))
                return -ENOMEM;
        ly.emitter_set_output(&d.em, write_out, &d);
        ly.emitter_set_indent(&d.em, 4);
        ly.emitter_set_width(&d.em, 80);
        ly.emitter_set_unicode(&d.em, 0);
        ly.emitter_set_break(&d.em, YAML_LN_BREAK);
        (void)ly.stream_start_event_initialize(&ev, YAML_UTF8_ENCODING);
        r = emit(&d, &ev);
        if (r >= 0) {
                (void)ly.document_start_event_initialize(&ev, NULL, NULL, NULL,
                                                           /* implicit= */ 0);
                r = emit(&d, &ev);
        }
        if (r >= 0)
                r = dump_node(&d, n, 0, 0, CTX_ROOT);
        if (r >= 0) {
                (void)ly.document_end_event_initialize(&ev, /* implicit= */ 0);
                r = emit(&d, &ev);
        }
        if (r >= 0) {
                (void)ly.stream_end_event_initialize(&ev);
                r = emit(&d, &ev);
        }
        if (r >= 0 && !ly.emitter_flush(&d.em))
                r = d.error ? d.error : -EINVAL;
        ly.emitter_delete(&d.em);
        if (r >= 0)
                r = fill_placeholders(&d, raw.data ? raw.data : "", raw.len, out);
        free(d.q);
        buf_free_secret(&raw);
        return r;
}
