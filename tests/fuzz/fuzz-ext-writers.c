/* SPDX-License-Identifier: Apache-2.0 */
/* What the configuration-management external modules render from
 * user-data: the block YAML writer (modules/ext/cmtool.h; puppet's
 * csr_attributes, salt's minion and grains) and puppet.conf's INI merge
 * (modules/ext/puppet.c). The first byte picks one. YAML: the input's tree,
 * written and read back, must be the same tree (no value adds a key or a
 * line). INI: rewriting what was written changes nothing. */
#define EXTMOD_NO_MAIN 1
#include "fuzz.h"
#include "node.h"

#include "puppet.c" /* its INI reader and writer are static */

static bool ascii(const struct node *n)
{
        for (size_t i = 0; n->str && i < n->len; i++)
                if ((unsigned char)n->str[i] >= 0x80)
                        return false;
        return !n->binary;
}

/* Same shape, and the same text for every plain ASCII scalar. */
static bool same(const struct node *a, const struct node *b)
{
        if (a->type == NODE_FLOAT || b->type == NODE_FLOAT)
                return a->type == b->type;
        if (a->type != b->type || a->n != b->n)
                return false;
        if (a->type == NODE_STR && ascii(a) && (a->len != b->len || memcmp(a->str, b->str, a->len)))
                return false;
        if (a->type == NODE_INT && a->i != b->i)
                return false;
        if (a->type == NODE_BOOL && a->b != b->b)
                return false;
        for (size_t i = 0; i < a->n; i++)
                if (!same(a->items[i], b->items[i]))
                        return false;
        return true;
}

static void yaml_roundtrip(const char *text, size_t len)
{
        struct node *n = NULL, *back = NULL;
        struct yaml_error err;
        struct buf b = BUF_INIT(1u << 24);

        if (yaml_load(text, len, "fuzz.yaml", NULL, &n, &err) < 0 || !n)
                return;
        cm_yaml_value(&b, n, 0);
        if (buf_error(&b) == 0 && b.data) {
                yaml_budget_reset();
                if (yaml_load(b.data, b.len, "written.yaml", NULL, &back, &err) < 0) {
                        fprintf(stderr, "written YAML does not parse: %s\n%s\n", err.msg, b.data);
                        abort();
                }
                if (back && !same(n, back)) {
                        fprintf(stderr, "written YAML reads back differently:\n%s\n", b.data);
                        abort();
                }
        }
        node_free(back);
        node_free(n);
        buf_free(&b);
}

static void ini_rewrite(const char *text)
{
        struct ini *a = calloc(1, sizeof(*a)), *b = calloc(1, sizeof(*b));
        struct buf o1 = BUF_INIT(1u << 22), o2 = BUF_INIT(1u << 22);

        if (a && b && ini_read(a, text) >= 0) {
                ini_write(a, &o1);
                if (buf_error(&o1) == 0 && o1.data && ini_read(b, o1.data) >= 0) {
                        ini_write(b, &o2);
                        if (buf_error(&o2) == 0 &&
                            (o1.len != o2.len || memcmp(o1.data, o2.data, o1.len) != 0)) {
                                fprintf(stderr, "puppet.conf rewrite is not stable:\n%s---\n%s\n",
                                        o1.data, o2.data ? o2.data : "");
                                abort();
                        }
                }
        }
        if (a)
                ini_done(a);
        if (b)
                ini_done(b);
        free(a);
        free(b);
        buf_free(&o1);
        buf_free(&o2);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
        char *s;

        if (size < 1)
                return 0;
        fuzz_quiet();
        s = fuzz_str(data + 1, size - 1);
        if (!s)
                return 0;
        if (data[0] & 1)
                ini_rewrite(s);
        else
                yaml_roundtrip(s, size - 1);
        free(s);
        return 0;
}
