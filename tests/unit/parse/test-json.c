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

int main(void)
{
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_types),
                cmocka_unit_test(test_nul_in_string_keeps_length),
                cmocka_unit_test(test_errors_name_line_and_column),
                cmocka_unit_test(test_depth_is_bounded),
        };
        return cmocka_run_group_tests_name("json", tests, NULL, NULL);
}
