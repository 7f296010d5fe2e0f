/* SPDX-License-Identifier: Apache-2.0 */
/* Tests of src/json_read.c: JSON read with json-c into node trees, strict,
 * bounded in depth, with the position of what is wrong. */
#include "testlib.h"
#include "json.h"
#include "yaml.h"

static struct node *ok(const char *text)
{
        struct yaml_error err;
        struct node *n = NULL;
        assert_int_equal(json_load(text, strlen(text), "t.json", &n, &err), 0);
        assert_non_null(n);
        return n;
}

static void bad(const char *text, size_t len, unsigned line, unsigned col, const char *msg)
{
        struct yaml_error err;
        struct node *n = NULL;
        assert_int_equal(json_load(text, len, "t.json", &n, &err), -EBADMSG);
        assert_null(n);
        assert_int_equal(err.line, line);
        assert_int_equal(err.col, col);
        if (!strstr(err.msg, msg))
                fail_msg("message '%s' lacks '%s'", err.msg, msg);
}

static void test_types(void **state)
{
        (void)state;
        struct node *n = ok("{\"s\": \"a\\u00e9\\n\", \"i\": -12, \"f\": 1.5, \"b\": true,\n"
                            " \"z\": null, \"l\": [1, \"two\", {\"k\": []}]}\n");
        assert_int_equal(n->type, NODE_MAP);
        assert_string_equal(node_get_str(n, "s"), "a\xc3\xa9\n");
        assert_int_equal(node_get(n, "i")->type, NODE_INT);
        assert_int_equal(node_get(n, "i")->i, -12);
        assert_string_equal(node_get(n, "i")->str, "-12");
        assert_int_equal(node_get(n, "f")->type, NODE_FLOAT);
        assert_true(node_get_bool(n, "b", false));
        assert_int_equal(node_get(n, "z")->type, NODE_NULL);
        assert_int_equal(node_get(n, "l")->n, 3);
        assert_string_equal(node_str(node_get(n, "l")->items[1]), "two");
        assert_int_equal(node_get(node_get(n, "l")->items[2], "k")->type, NODE_SEQ);
        assert_string_equal(node_get(n, "s")->file, "t.json");
        node_free(n);
}

/* A document that is one scalar ends where the input does (json-c waited
 * for more: "null" was "unexpected end of the document"); one cut short
 * still is. */
static void test_scalar_documents(void **state)
{
        (void)state;
        struct node *n;

        n = ok("null");
        assert_int_equal(n->type, NODE_NULL);
        node_free(n);
        n = ok("42");
        assert_int_equal(n->type, NODE_INT);
        assert_int_equal(n->i, 42);
        node_free(n);
        n = ok(" -1.5 ");
        assert_int_equal(n->type, NODE_FLOAT);
        assert_string_equal(n->str, "-1.5");
        node_free(n);
        n = ok("true");
        assert_true(n->type == NODE_BOOL && n->b);
        node_free(n);
        n = ok("\"s\"");
        assert_string_equal(node_str(n), "s");
        node_free(n);
        bad("1e", 2, 1, 3, "unexpected end");
        bad("tru", 3, 1, 4, "unexpected end");
        bad("[1,2", 4, 1, 5, "unexpected end");
}

static void test_nul_in_string_keeps_length(void **state)
{
        (void)state;
        struct node *n = ok("[\"a\\u0000b\"]");
        assert_int_equal(n->items[0]->len, 3);
        assert_memory_equal(n->items[0]->str, "a\0b", 3);
        node_free(n);
}

static void test_errors_name_line_and_column(void **state)
{
        (void)state;
        bad("{\"a\": 1,\n \"b\": oops}", 21, 2, 7, "");
        bad("{\"a\": [1, 2,]}", 14, 1, 13, ""); /* strict: no trailing comma */
        bad("{\"a\": \"unterminated", 19, 1, 20, "unexpected end");
        bad("{\"a\": 1} {\"b\": 2}", 17, 1, 10, "unexpected");
        bad("[\"\xff\"]", 4, 1, 3, ""); /* not UTF-8 */
        bad("", 0, 1, 1, "unexpected end");
}

static void test_depth_is_bounded(void **state)
{
        (void)state;
        char deep[400];
        memset(deep, '[', 200);
        memset(deep + 200, ']', 200);
        struct yaml_error err;
        struct node *n = NULL;
        assert_int_equal(json_load(deep, sizeof(deep), "deep.json", &n, &err), -EBADMSG);
        if (!strstr(err.msg, "too deep") && !strstr(err.msg, "depth"))
                fail_msg("message: %s", err.msg);
        memset(deep, '[', 60);
        memset(deep + 60, ']', 60);
        n = ok((deep[120] = 0, deep));
        node_free(n);
}

/* json_reread() gives the tree json_load() makes of json_write()'s text:
 * bytes that are not UTF-8 (top level, in a sequence, as a key), a NUL,
 * integer, boolean and null keys, a key met twice, floats JSON can and cannot
 * carry, a float tagged on an integer's text, and an empty map and list. */
static void test_reread_is_what_reading_back_gives(void **state)
{
        (void)state;
        struct yaml_error err;
        struct buf b = BUF_INIT(1u << 20);
        struct node *n = NULL, *back = NULL, *fast;
        static const char bytes[] = "\xff\xfe\x00" "a";
        const char *file = node_intern_file("t.json");

        n = test_yaml("s: text with \"quotes\" and \\\n"
                      "i: 42\n"
                      "neg: -7\n"
                      "t: true\n"
                      "z: ~\n"
                      "f: 1.50\n"
                      "inf: .inf\n"
                      "tagged: !!float 3\n"
                      "1: int key\n"
                      "true: bool key\n"
                      "null: null key\n"
                      "~: tilde key\n"
                      "1.50: float key\n"
                      "\"1\": the same key as text\n"
                      "empty: {}\n"
                      "none: []\n"
                      "nested: {list: [a, 2, {k: v}], 0x1F: hex}\n"
                      "uni: \"caf\u00e9 \\t tab\"\n");
        struct node *bin = node_new_strn(bytes, sizeof(bytes) - 1);
        bin->binary = true;
        assert_int_equal(node_set(n, "bin", bin), 0);
        struct node *seq = node_new(NODE_SEQ);
        struct node *raw = node_new_strn("\x80\x81", 2); /* not UTF-8, not marked */
        assert_int_equal(node_append(seq, raw), 0);
        assert_int_equal(node_set(n, "seq", seq), 0);
        struct node *nul = node_new_strn("a\0b", 3);
        assert_int_equal(node_set(n, "nul", nul), 0);

        assert_int_equal(json_write(&b, n, 1), 0);
        assert_int_equal(json_load(b.data, b.len, "t.json", &back, &err), 0);
        fast = json_reread(n, file);
        assert_node_same(fast, back, "reread");
        /* and what it is: the first spelling of a key met twice is gone */
        assert_string_equal(node_get_str(fast, "1"), "the same key as text");
        assert_string_equal(node_get_str(fast, "true"), "bool key");
        assert_string_equal(node_get_str(fast, "null"), "tilde key");
        assert_string_equal(node_get_str(fast, "1.5"), "float key");
        assert_string_equal(node_get_str(fast, "bin"), "ci-b64://4AYQ==");
        assert_int_equal(node_get(fast, "tagged")->type, NODE_FLOAT);
        assert_string_equal(node_get(fast, "tagged")->str, "3.0");
        assert_int_equal(node_get(fast, "inf")->type, NODE_STR);
        assert_int_equal(node_get(fast, "f")->type, NODE_FLOAT);
        assert_string_equal(node_get(fast, "f")->str, "1.5");
        node_free(fast);
        node_free(back);
        node_free(n);
        buf_free(&b);
}

/* A YAML float goes out as cloud-init's json.dumps writes the double PyYAML
 * read: valid JSON for every YAML 1.1 spelling (".5" and "+1.5" were written
 * as they are, which no JSON reader takes), Python's repr() of the value;
 * what JSON cannot carry is a string. */
static void test_floats_as_python_writes_them(void **state)
{
        (void)state;
        struct buf b = BUF_INIT(1u << 16);
        struct node *n = test_yaml("a: 1.\nb: .5\nc: +1.5\nd: 01.5\ne: 1_000.5\nf: 1.0e+3\n"
                                   "g: 6.8523015e+5\nh: 1.0e+20\ni: 0.00001\nj: -0.0\n"
                                   "k: .inf\nl: -.Inf\nm: .NaN\nn: 1.0e-400\n"
                                   "o: 12345678901234567.0\np: 0.1\n");
        struct node *back = NULL;
        struct yaml_error err;

        assert_int_equal(json_write(&b, n, 0), 0);
        assert_string_equal(b.data, "{\"a\":1.0,\"b\":0.5,\"c\":1.5,\"d\":1.5,\"e\":1000.5,"
                                    "\"f\":1000.0,\"g\":685230.15,\"h\":1e+20,\"i\":1e-05,"
                                    "\"j\":-0.0,\"k\":\".inf\",\"l\":\"-.Inf\",\"m\":\".NaN\","
                                    "\"n\":0.0,\"o\":1.2345678901234568e+16,\"p\":0.1}");
        assert_int_equal(json_load(b.data, b.len, "t.json", &back, &err), 0);
        node_free(back);
        node_free(n);
        buf_free(&b);
}

/* Each byte that JSON escapes, at each place in and around a word of eight
 * (json_write() scans eight bytes at a time), in a run of plain text
 * and next to bytes above 0x7f: the text is what one escape at a time
 * gives, and json-c reads back the very bytes. */
static void test_escapes_at_every_offset(void **state)
{
        (void)state;
        static const char specials[] = { '"', '\\', '\n', '\t', '\r', 0x01, 0x1f, 0x7f, 0x00 };
        static const char *const escaped[] = { "\\\"",    "\\\\",    "\\n",     "\\t",    "\\r",
                                               "\\u0001", "\\u001f", "\\u007f", "\\u0000" };

        for (size_t k = 0; k < sizeof(specials); k++)
                for (size_t at = 0; at < 20; at++) {
                        char in[24], want[64];
                        struct buf b = BUF_INIT(1u << 12);
                        struct node *n, *back = NULL;
                        struct yaml_error err;
                        size_t len = 21;

                        memset(in, 'a', len);
                        in[len - 1] = (char)0xc3; /* one é after the special */
                        in[len] = (char)0xa9;
                        len++;
                        in[at] = specials[k];
                        (void)snprintf(want, sizeof(want), "\"%.*s%s%.*s\xc3\xa9\"", (int)at,
                                       "aaaaaaaaaaaaaaaaaaaa", escaped[k], (int)(19 - at),
                                       "aaaaaaaaaaaaaaaaaaaa");
                        n = node_new_strn(in, len);
                        assert_non_null(n);
                        assert_int_equal(json_write(&b, n, 0), 0);
                        assert_string_equal(b.data, want);
                        assert_int_equal(json_load(b.data, b.len, "t.json", &back, &err), 0);
                        assert_int_equal(back->len, len);
                        assert_memory_equal(back->str, in, len);
                        node_free(back);
                        node_free(n);
                        buf_free(&b);
                }
}

/* Bytes that are not UTF-8 anywhere in a long ASCII run (the check skips
 * ASCII eight bytes at a time) make the string ci-b64 text. */
static void test_bad_utf8_at_every_offset(void **state)
{
        (void)state;
        for (size_t at = 0; at < 20; at++) {
                char in[20];
                struct buf b = BUF_INIT(1u << 12);
                struct node *n;

                memset(in, 'a', sizeof(in));
                in[at] = (char)0xff;
                n = node_new_strn(in, sizeof(in));
                assert_non_null(n);
                assert_int_equal(json_write(&b, n, 0), 0);
                if (!startswith(b.data, "\"ci-b64:"))
                        fail_msg("offset %zu: %s", at, b.data);
                node_free(n);
                buf_free(&b);
        }
}

int main(void)
{
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_types),
                cmocka_unit_test(test_scalar_documents),
                cmocka_unit_test(test_nul_in_string_keeps_length),
                cmocka_unit_test(test_errors_name_line_and_column),
                cmocka_unit_test(test_depth_is_bounded),
                cmocka_unit_test(test_reread_is_what_reading_back_gives),
                cmocka_unit_test(test_floats_as_python_writes_them),
                cmocka_unit_test(test_escapes_at_every_offset),
                cmocka_unit_test(test_bad_utf8_at_every_offset),
        };
        return cmocka_run_group_tests_name("json", tests, NULL, NULL);
}
