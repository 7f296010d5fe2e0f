/* SPDX-License-Identifier: Apache-2.0 */
/* JSON writer (see json.h). */
#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "codec.h"
#include "json.h"
#include "pyfloat.h"
#include "utf8.h"

/* Bytes that are no UTF-8 text (or !!binary) as cloud-init writes them
 * into JSON: "ci-b64:" and their base64. */
static char *ci_b64_text(const char *s, size_t len)
{
        _cleanup_free_ char *enc = NULL;
        char *text;

        if (b64_encode(s, len, &enc) < 0 || asprintf(&text, "ci-b64:%s", enc) < 0)
                return NULL;
        return text;
}

static bool plain(unsigned char c)
{
        return c >= 0x20 && c != 0x7f && c != '"' && c != '\\';
}

/* Where the bytes from i on that go out as they are end: eight at a time
 * while no byte of the eight is a control character, DEL, '"' or '\\' (the
 * tests below are exact for "any byte of the word"), then byte by byte. */
static size_t plain_end(const char *s, size_t i, size_t len)
{
        const uint64_t ones = 0x0101010101010101ull, high = 0x8080808080808080ull;

        for (; len - i >= 8; i += 8) {
                uint64_t w, q, bs, del;
                memcpy(&w, s + i, 8);
                q = w ^ (ones * '"');
                bs = w ^ (ones * '\\');
                del = w ^ (ones * 0x7f);
                if ((((w - ones * 0x20) & ~w) | ((q - ones) & ~q) | ((bs - ones) & ~bs) |
                     ((del - ones) & ~del)) &
                    high)
                        break;
        }
        while (i < len && plain((unsigned char)s[i]))
                i++;
        return i;
}

static int write_string(struct buf *b, const char *s, size_t len, bool binary)
{
        int r;

        if (binary || !utf8_is_valid(s, len)) {
                _cleanup_free_ char *text = ci_b64_text(s, len);
                return text ? buf_printf(b, "\"%s\"", text) : -ENOMEM;
        }
        r = buf_putc(b, '"');
        /* runs that need no escape are appended whole: a byte at a time was
         * a third of a provisioned init-local's instructions */
        for (size_t i = 0; r >= 0; i++) {
                size_t end = plain_end(s, i, len);
                if (end > i)
                        r = buf_append(b, s + i, end - i);
                if (end == len || r < 0)
                        break;
                i = end;
                switch (s[i]) {
                case '"':
                        r = buf_puts(b, "\\\"");
                        break;
                case '\\':
                        r = buf_puts(b, "\\\\");
                        break;
                case '\n':
                        r = buf_puts(b, "\\n");
                        break;
                case '\t':
                        r = buf_puts(b, "\\t");
                        break;
                case '\r':
                        r = buf_puts(b, "\\r");
                        break;
                default:
                        r = buf_printf(b, "\\u%04x", (unsigned char)s[i]);
                }
        }
        return r < 0 ? r : buf_putc(b, '"');
}

static int newline(struct buf *b, int indent, int level)
{
        static const char spaces[] = "                                ";
        int n = indent * level, r;

        if (indent <= 0)
                return 0;
        r = buf_putc(b, '\n');
        for (; n > 0 && r >= 0; n -= (int)sizeof(spaces) - 1)
                r = buf_append(b, spaces, n < (int)sizeof(spaces) - 1 ? (size_t)n : sizeof(spaces) - 1);
        return r;
}

/* A float as cloud-init writes it: PyYAML (or json) makes a double of the
 * text, and json.dumps writes that double's repr(). So "1.", ".5", "+1.5",
 * "01.5" and "1_000.5" (YAML 1.1 spellings JSON has no room for) go out as
 * 1.0, 0.5, 1.5, 1.5 and 1000.5. NULL when JSON cannot carry it (.inf,
 * .nan, out of range, not a number): it goes out as a string. */
static const char *float_text(const char *s, char *out, size_t size)
{
        return py_float_text_repr(s, false, out, size) ? out : NULL;
}

/* JSON keys are strings: the text of one that is not, as Python's json.dumps
 * writes it (YAML's 1, 00, true, 1.50 keys become "1", "0", "true", "1.5";
 * a list or map as a key, "null"); NULL for a string key. */
static const char *key_text(const struct node *k, char *num, size_t size)
{
        if (k->type == NODE_INT) {
                (void)snprintf(num, size, "%lld", k->i);
                return num;
        }
        if (k->type == NODE_BOOL)
                return k->b ? "true" : "false";
        if (k->type == NODE_NULL)
                return "null";
        if (k->type == NODE_FLOAT && float_text(k->str, num, size))
                return num;
        return k->str ? NULL : "null";
}

static int write_node(struct buf *b, const struct node *n, int indent, int level)
{
        int r = 0;

        if (!n)
                return buf_puts(b, "null");
        switch (n->type) {
        case NODE_NULL:
                return buf_puts(b, "null");
        case NODE_BOOL:
                return buf_puts(b, n->b ? "true" : "false");
        case NODE_INT:
                return buf_printf(b, "%lld", n->i);
        case NODE_FLOAT: {
                char num[64];
                if (float_text(n->str, num, sizeof(num)))
                        return buf_puts(b, num);
                return write_string(b, n->str, n->len, false);
        }
        case NODE_STR:
                return write_string(b, n->str, n->len, n->binary);
        case NODE_SEQ:
                if (n->n == 0)
                        return buf_puts(b, "[]");
                r = buf_putc(b, '[');
                for (size_t i = 0; i < n->n && r >= 0; i++) {
                        if (i)
                                r = buf_putc(b, ',');
                        if (r >= 0)
                                r = newline(b, indent, level + 1);
                        if (r >= 0)
                                r = write_node(b, n->items[i], indent, level + 1);
                }
                if (r >= 0)
                        r = newline(b, indent, level);
                return r < 0 ? r : buf_putc(b, ']');
        case NODE_MAP:
                if (n->n == 0)
                        return buf_puts(b, "{}");
                r = buf_putc(b, '{');
                for (size_t i = 0; i + 1 < n->n && r >= 0; i += 2) {
                        const struct node *k = n->items[i];
                        if (i)
                                r = buf_putc(b, ',');
                        if (r >= 0)
                                r = newline(b, indent, level + 1);
                        char num[64];
                        const char *kt = key_text(k, num, sizeof(num));
                        if (r >= 0)
                                r = kt ? write_string(b, kt, strlen(kt), false)
                                       : write_string(b, k->str, k->len, k->binary);
                        if (r >= 0)
                                r = buf_puts(b, indent > 0 ? ": " : ":");
                        if (r >= 0)
                                r = write_node(b, n->items[i + 1], indent, level + 1);
                }
                if (r >= 0)
                        r = newline(b, indent, level);
                return r < 0 ? r : buf_putc(b, '}');
        }
        return -EINVAL;
}

int json_write(struct buf *b, const struct node *n, int indent)
{
        return write_node(b, n, indent, 0);
}

/* A string as json_write() writes it and json-c gives it back: bytes that
 * are not UTF-8 as "ci-b64:" text; json-c hands a key over as a C string. */
static struct node *reread_str(const char *s, size_t len, bool binary)
{
        _cleanup_free_ char *text = NULL;

        if (!binary && utf8_is_valid(s, len))
                return node_new_strn(s, len);
        text = ci_b64_text(s, len);
        return text ? node_new_str(text) : NULL;
}

struct node *json_reread(const struct node *n, const char *file)
{
        struct node *r = NULL;

        switch (n ? n->type : NODE_NULL) {
        case NODE_NULL:
                r = node_new(NODE_NULL);
                break;
        case NODE_BOOL:
                r = node_new_bool(n->b);
                break;
        case NODE_INT:
                r = node_new_int(n->i);
                break;
        case NODE_FLOAT: {
                /* json-c keeps the text of a double it read (always with a
                 * "." or an exponent, as written) */
                char num[64];
                if (!float_text(n->str, num, sizeof(num)))
                        r = node_new_strn(n->str, n->len);
                else if ((r = node_new_str(num)))
                        r->type = NODE_FLOAT;
                break;
        }
        case NODE_STR:
                r = reread_str(n->str, n->len, n->binary);
                break;
        case NODE_SEQ:
                r = node_new(NODE_SEQ);
                for (size_t i = 0; r && i < n->n; i++)
                        if (node_append(r, json_reread(n->items[i], file)) < 0)
                                r = node_free(r);
                break;
        case NODE_MAP:
                r = node_new(NODE_MAP);
                for (size_t i = 0; r && i + 1 < n->n; i += 2) {
                        const struct node *k = n->items[i];
                        _cleanup_node_ struct node *key = NULL;
                        char num[64];
                        const char *kt = key_text(k, num, sizeof(num));
                        key = kt ? node_new_str(kt) : reread_str(k->str, k->len, k->binary);
                        /* a key met twice: the last value stays, as in json-c */
                        if (!key || node_set(r, key->str, json_reread(n->items[i + 1], file)) < 0)
                                r = node_free(r);
                }
                break;
        }
        if (r)
                r->file = file;
        return r;
}
