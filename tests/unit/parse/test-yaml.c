/* SPDX-License-Identifier: Apache-2.0 */
/* Tests of src/yaml.c: scalar resolution as PyYAML does it, positions, and
 * every limit a hostile document could push on. */
#include "testlib.h"
#include "json.h"

static int load(const char *text, struct node **ret, struct yaml_error *err)
{
        return yaml_load(text, strlen(text), "t.yaml", NULL, ret, err);
}

static void expect_error(const char *text, int want_r, unsigned line, unsigned col, const char *msg)
{
        struct yaml_error err;
        struct node *n = NULL;
        int r = load(text, &n, &err);
        if (r >= 0)
                fail_msg("document parsed but should fail: %s", text);
        assert_null(n);
        assert_int_equal(r, want_r);
        if (line)
                assert_int_equal(err.line, line);
        if (col)
                assert_int_equal(err.col, col);
        if (!strstr(err.msg, msg))
                fail_msg("error \"%s\" lacks \"%s\"", err.msg, msg);
}

static void test_booleans_in_pyyaml_spellings(void **state)
{
        (void)state;
        struct node *n = test_yaml("a: yes\nb: No\nc: TRUE\nd: off\ne: On\nf: 'yes'\ng: y\n"
                                   "h: tRue\ni: yEs\nj: nULL\nk: .NaN\nl: .nAn\nm: Null\n");
        assert_int_equal(node_get(n, "a")->type, NODE_BOOL);
        assert_true(node_get(n, "a")->b);
        assert_false(node_get(n, "b")->b);
        assert_true(node_get(n, "c")->b);
        assert_false(node_get(n, "d")->b);
        assert_true(node_get(n, "e")->b);
        /* quoted stays a string; y is a string to PyYAML */
        assert_int_equal(node_get(n, "f")->type, NODE_STR);
        assert_int_equal(node_get(n, "g")->type, NODE_STR);
        /* PyYAML knows lower, Capitalised and UPPER only: mixed case is text */
        assert_int_equal(node_get(n, "h")->type, NODE_STR);
        assert_int_equal(node_get(n, "i")->type, NODE_STR);
        assert_int_equal(node_get(n, "j")->type, NODE_STR);
        assert_int_equal(node_get(n, "k")->type, NODE_FLOAT);
        assert_int_equal(node_get(n, "l")->type, NODE_STR);
        assert_int_equal(node_get(n, "m")->type, NODE_NULL);
        node_free(n);
}

static void test_integers_octal_hex_and_sexagesimal(void **state)
{
        (void)state;
        struct node *n = test_yaml("a: 0644\nb: 644\nc: 0x1F\nd: -12\ne: 1_000\nf: 1:30\n"
                                   "g: '0644'\nh: 08\ni: 0\nj: 0b101\n");
        assert_int_equal(node_get(n, "a")->type, NODE_INT);
        assert_int_equal(node_get(n, "a")->i, 0644);
        assert_int_equal(node_get(n, "b")->i, 644);
        assert_int_equal(node_get(n, "c")->i, 31);
        assert_int_equal(node_get(n, "d")->i, -12);
        assert_int_equal(node_get(n, "e")->i, 1000);
        assert_int_equal(node_get(n, "f")->i, 90);
        assert_int_equal(node_get(n, "g")->type, NODE_STR);
        assert_string_equal(node_get(n, "g")->str, "0644");
        /* 08 is neither octal nor decimal in YAML 1.1: a string */
        assert_int_equal(node_get(n, "h")->type, NODE_STR);
        assert_int_equal(node_get(n, "i")->i, 0);
        assert_int_equal(node_get(n, "j")->i, 5);
        node_free(n);
}

static void test_null_float_and_strings(void **state)
{
        (void)state;
        struct node *n = test_yaml("a: ~\nb: null\nc:\nd: 1.5\ne: .inf\nf: \"~\"\ng: 1.2.3\n"
                                   "h: 99999999999999999999999\n");
        assert_int_equal(node_get(n, "a")->type, NODE_NULL);
        assert_int_equal(node_get(n, "b")->type, NODE_NULL);
        assert_int_equal(node_get(n, "c")->type, NODE_NULL);
        assert_int_equal(node_get(n, "d")->type, NODE_FLOAT);
        assert_int_equal(node_get(n, "e")->type, NODE_FLOAT);
        assert_int_equal(node_get(n, "f")->type, NODE_STR);
        assert_int_equal(node_get(n, "g")->type, NODE_STR);
        /* PyYAML's float needs a digit before a signed point, after a bare one */
        struct node *m = test_yaml("a: -.6\nb: .6\nc: ._6\nd: +1.\ne: 1_0.5\n");
        assert_int_equal(node_get(m, "a")->type, NODE_STR);
        assert_int_equal(node_get(m, "b")->type, NODE_FLOAT);
        assert_int_equal(node_get(m, "c")->type, NODE_STR);
        assert_int_equal(node_get(m, "d")->type, NODE_FLOAT);
        assert_int_equal(node_get(m, "e")->type, NODE_FLOAT);
        node_free(m);
        /* too large for 64 bits: kept as text rather than wrapped */
        assert_int_equal(node_get(n, "h")->type, NODE_STR);
        node_free(n);
}

static void test_positions_are_one_based(void **state)
{
        (void)state;
        struct node *n = test_yaml("#cloud-config\nwrite_files:\n  - path: /x\n    content: hi\n");
        const struct node *wf = node_get(n, "write_files");
        assert_int_equal(wf->type, NODE_SEQ);
        assert_int_equal(wf->line, 3);
        assert_int_equal(wf->items[0]->line, 3);
        assert_int_equal(wf->items[0]->col, 5);
        assert_int_equal(node_get(wf->items[0], "content")->line, 4);
        assert_int_equal(node_get(wf->items[0], "content")->col, 14);
        assert_string_equal(node_get(wf->items[0], "content")->file, "test.yaml");
        node_free(n);
}

static void test_syntax_error_names_line_and_column(void **state)
{
        (void)state;
        expect_error("a: [1, 2\nb: 3\n", -EBADMSG, 2, 2, "did not find expected ',' or ']'");
        expect_error("a: b: c\n", -EBADMSG, 1, 5, "mapping values are not allowed");
        expect_error("key: \"unterminated\n", -EBADMSG, 2, 1, "found unexpected end of stream");
}

static void test_tab_indentation_is_an_error(void **state)
{
        (void)state;
        expect_error("a:\n\t- b\n", -EBADMSG, 2, 1, "found character that cannot start any token");
}

static void test_invalid_utf8_is_an_error(void **state)
{
        (void)state;
        /* the reader's errors are placed too, counted in characters */
        expect_error("a: \xff\xfe\n", -EBADMSG, 1, 4, "invalid");
        expect_error("x: \xc3\xa9\na: \xc3\x28\n", -EBADMSG, 2, 5,
                     "invalid"); /* at the bad octet */
}

static void test_nul_byte_is_an_error(void **state)
{
        (void)state;
        struct yaml_error err;
        struct node *n = NULL;
        const char doc[] = "a: b\0c\n";
        assert_int_equal(yaml_load(doc, sizeof(doc) - 1, "t", NULL, &n, &err), -EBADMSG);
        assert_true(strstr(err.msg, "control characters are not allowed") != NULL);
        assert_int_equal(err.line, 1);
        assert_int_equal(err.col, 5);
}

static void test_billion_laughs_is_refused_fast(void **state)
{
        (void)state;
        const char *bomb = "a: &a [x, x, x, x, x, x, x, x, x, x]\n"
                           "b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]\n"
                           "c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]\n"
                           "d: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]\n"
                           "e: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d, *d]\n"
                           "f: &f [*e, *e, *e, *e, *e, *e, *e, *e, *e, *e]\n"
                           "g: &g [*f, *f, *f, *f, *f, *f, *f, *f, *f, *f]\n"
                           "h: &h [*g, *g, *g, *g, *g, *g, *g, *g, *g, *g]\n"
                           "i: &i [*h, *h, *h, *h, *h, *h, *h, *h, *h, *h]\n";
        expect_error(bomb, -E2BIG, 0, 0, "the boot's alias budget");
}

/* n aliases of a 100-node list, as one document */
static char *alias_doc(unsigned n)
{
        struct buf b = BUF_INIT(1u << 20);
        assert_int_equal(buf_puts(&b, "a: &a [x"), 0);
        for (unsigned i = 1; i < 99; i++)
                assert_int_equal(buf_puts(&b, ", x"), 0);
        assert_int_equal(buf_puts(&b, "]\nb: ["), 0);
        for (unsigned i = 0; i < n; i++)
                assert_int_equal(buf_puts(&b, i ? ", *a" : "*a"), 0);
        assert_int_equal(buf_puts(&b, "]\n"), 0);
        return buf_steal(&b, NULL);
}

static void test_alias_budget_is_shared_by_the_boots_documents(void **state)
{
        (void)state;
        /* each document's aliases add 600 nodes: under the document's own
         * limit, but the second one overdraws a budget of 1000 */
        struct yaml_budget budget = { .max_nodes = 100000, .max_alias_nodes = 1000 };
        struct yaml_limits lim = YAML_LIMITS_DEFAULT;
        _cleanup_free_ char *doc = alias_doc(6);
        struct yaml_error err;
        struct node *n = NULL;

        lim.budget = &budget;
        assert_int_equal(yaml_load(doc, strlen(doc), "part1", &lim, &n, &err), 0);
        assert_int_equal(budget.alias_nodes, 600);
        node_free(n);
        n = NULL;
        assert_int_equal(yaml_load(doc, strlen(doc), "part2", &lim, &n, &err), -E2BIG);
        assert_null(n);
        if (!strstr(err.msg, "more than 1000 nodes in this boot's documents together (the boot's "
                             "alias budget)"))
                fail_msg("error \"%s\" does not name the alias budget", err.msg);
        /* a document without aliases still loads */
        assert_int_equal(yaml_load("c: 1\n", 5, "part3", &lim, &n, &err), 0);
        node_free(n);

        /* without a budget of its own, a load draws on the boot's */
        yaml_budget_reset();
        free(doc);
        doc = alias_doc(600); /* 60000 nodes of aliases, twice: over 100000 */
        assert_int_equal(load(doc, &n, &err), 0);
        assert_int_equal(yaml_boot_budget.alias_nodes, 60000);
        node_free(n);
        n = NULL;
        assert_int_equal(load(doc, &n, &err), -E2BIG);
        assert_non_null(strstr(err.msg, "the boot's alias budget"));
}

static void test_node_budget_is_shared_by_the_boots_documents(void **state)
{
        (void)state;
        struct yaml_budget budget = { .max_nodes = 25, .max_alias_nodes = 1000 };
        struct yaml_limits lim = YAML_LIMITS_DEFAULT;
        const char *doc = "[a, b, c, d, e, f, g, h, i, j, k, l, m, n, o]\n"; /* 16 nodes */
        struct yaml_error err;
        struct node *n = NULL;

        lim.budget = &budget;
        assert_int_equal(yaml_load(doc, strlen(doc), "one", &lim, &n, &err), 0);
        node_free(n);
        n = NULL;
        assert_int_equal(budget.nodes, 16);
        assert_int_equal(yaml_load(doc, strlen(doc), "two", &lim, &n, &err), -E2BIG);
        assert_null(n);
        assert_non_null(strstr(err.msg, "more than 25 nodes together, aliases included (the "
                                        "boot's node budget)"));
}

static void test_merge_keys_of_a_large_mapping_are_matched_by_index(void **state)
{
        (void)state;
        /* 2000 keys of its own and 2000 merged in: a scan per merged key
         * would compare about 2000 * 4000 / 2 keys */
        struct buf b = BUF_INIT(1u << 20);
        struct yaml_error err;
        struct node *n = NULL;
        unsigned long long before;

        assert_int_equal(buf_puts(&b, "base: &b\n"), 0);
        for (unsigned i = 0; i < 2000; i++)
                assert_int_equal(buf_printf(&b, "  m%u: %u\n", i, i), 0);
        assert_int_equal(buf_puts(&b, "top:\n  <<: *b\n"), 0);
        for (unsigned i = 0; i < 2000; i++)
                assert_int_equal(buf_printf(&b, "  k%u: %u\n", i, i), 0);
        assert_int_equal(buf_puts(&b, "  m7: own\n"), 0);
        before = node_key_compares;
        assert_int_equal(yaml_load(b.data, b.len, "t", NULL, &n, &err), 0);
        if (node_key_compares - before > 20000)
                fail_msg("%llu key comparisons to merge 2000 keys", node_key_compares - before);
        /* the merged keys were looked up in an index, not by a scan */
        assert_true(node_is_indexed(node_get(n, "top")));
        assert_int_equal(node_get(n, "top")->n, 2 * 4000); /* m7 once */
        assert_string_equal(node_get(node_get(n, "top"), "m7")->str, "own");
        assert_int_equal(node_get(node_get(n, "top"), "m1999")->i, 1999);
        node_free(n);
        buf_free(&b);
}

static void test_many_anchors_and_aliases_load(void **state)
{
        (void)state;
        /* 20000 anchors, each used once, and one name defined twice: the
         * latest definition wins */
        struct buf b = BUF_INIT(1u << 20);
        struct yaml_error err;
        struct node *n = NULL;

        for (unsigned i = 0; i < 20000; i++)
                assert_int_equal(buf_printf(&b, "a%u: &x%u v%u\n", i, i, i), 0);
        assert_int_equal(buf_puts(&b, "again: &x5 redefined\nl: ["), 0);
        for (unsigned i = 0; i < 20000; i++)
                assert_int_equal(buf_printf(&b, "%s*x%u", i ? ", " : "", i), 0);
        assert_int_equal(buf_puts(&b, "]\n"), 0);
        assert_int_equal(yaml_load(b.data, b.len, "t", NULL, &n, &err), 0);
        assert_string_equal(node_get(n, "l")->items[19999]->str, "v19999");
        assert_string_equal(node_get(n, "l")->items[5]->str, "redefined");
        node_free(n);
        buf_free(&b);
}

static void test_small_aliases_expand(void **state)
{
        (void)state;
        struct node *n = test_yaml("base: &b {x: 1}\nother: *b\nlist: [&s hi, *s]\n");
        assert_int_equal(node_get(node_get(n, "other"), "x")->i, 1);
        assert_string_equal(node_get(n, "list")->items[1]->str, "hi");
        node_free(n);
        expect_error("a: *nowhere\n", -EBADMSG, 1, 4, "undefined alias");
}

static void test_deep_nesting_is_refused(void **state)
{
        (void)state;
        char doc[2100];
        memset(doc, '[', 1000);
        memset(doc + 1000, ']', 1000);
        doc[2000] = '\0';
        expect_error(doc, -E2BIG, 1, 65, "nesting deeper than 64 levels");
}

static void test_huge_scalar_within_and_past_the_limit(void **state)
{
        (void)state;
        struct yaml_limits lim = { .max_bytes = 1u << 20, .max_depth = 8, .max_nodes = 100 };
        size_t big = (1u << 20) - 16;
        char *doc = malloc(big + 32);
        struct yaml_error err;
        struct node *n = NULL;

        assert_non_null(doc);
        memcpy(doc, "a: ", 3);
        memset(doc + 3, 'x', big - 3);
        doc[big] = '\n';
        assert_int_equal(yaml_load(doc, big + 1, "t", &lim, &n, &err), 0);
        assert_int_equal(node_get(n, "a")->len, big - 3);
        node_free(n);
        memset(doc + big, 'x', 31);
        doc[big + 31] = '\n';
        assert_int_equal(yaml_load(doc, big + 32, "t", &lim, &n, &err), -E2BIG);
        assert_true(strstr(err.msg, "more than the limit") != NULL);
        free(doc);
}

static void test_only_one_document(void **state)
{
        (void)state;
        expect_error("a: 1\n---\nb: 2\n", -EBADMSG, 2, 1, "single document");
}

static void test_empty_document_is_null(void **state)
{
        (void)state;
        struct node *n = test_yaml("#cloud-config\n");
        assert_int_equal(n->type, NODE_NULL);
        node_free(n);
}

static void test_merge_keys(void **state)
{
        (void)state;
        struct node *n = test_yaml("base: &b {x: 1, y: 2}\nm:\n  <<: *b\n  y: 3\n");
        const struct node *m = node_get(n, "m");
        assert_int_equal(node_get(m, "x")->i, 1);
        assert_int_equal(node_get(m, "y")->i, 3);
        assert_null(node_get(m, "<<"));
        node_free(n);
}

static void test_binary_tag_and_unknown_tags(void **state)
{
        (void)state;
        struct node *n = test_yaml("a: !!binary aGVsbG8AeA==\nb: !!str 12\nc: !!int '7'\n");
        assert_true(node_get(n, "a")->binary);
        assert_int_equal(node_get(n, "a")->len, 7);
        assert_memory_equal(node_get(n, "a")->str, "hello\0x", 7);
        assert_int_equal(node_get(n, "b")->type, NODE_STR);
        assert_int_equal(node_get(n, "c")->i, 7);
        node_free(n);
        expect_error("a: !!python/object:os.system x\n", -EBADMSG, 1, 4, "unsupported tag");
        /* PyYAML's !!binary skips what is not base64, so this is empty bytes */
        n = test_yaml("a: !!binary '%%%'\n");
        assert_true(node_get(n, "a")->binary);
        assert_int_equal(node_get(n, "a")->len, 0);
        node_free(n);
        expect_error("a: !!int abc\n", -EBADMSG, 1, 4, "does not fit its tag");
}

static void test_duplicate_keys_last_wins(void **state)
{
        (void)state;
        struct node *n = test_yaml("a: 1\na: 2\n");
        assert_int_equal(node_get(n, "a")->i, 2);
        node_free(n);
}

static void test_complex_keys_are_refused(void **state)
{
        (void)state;
        expect_error("? [a, b]\n: c\n", -EBADMSG, 1, 3, "mapping key must be a scalar");
}

static void test_json_round_trip(void **state)
{
        (void)state;
        struct node *n = test_yaml("s: \"a\\\"b\\n\"\ni: 3\nb: true\nl: [1, x]\nf: .inf\nz: ~\n"
                                   "bin: !!binary /w==\n");
        struct buf b = BUF_INIT(4096);
        struct node *back;
        assert_int_equal(json_write(&b, n, 0), 0);
        assert_string_equal(b.data, "{\"s\":\"a\\\"b\\n\",\"i\":3,\"b\":true,\"l\":[1,\"x\"],"
                                    "\"f\":\".inf\",\"z\":null,\"bin\":\"ci-b64:/w==\"}");
        back = test_yaml(b.data);
        assert_string_equal(node_get(back, "s")->str, "a\"b\n");
        node_free(back);
        buf_free(&b);
        node_free(n);
        /* keys YAML resolves to other types are written as Python's json.dumps
         * writes them: 00 is the integer 0, yes is true, ~ is null */
        n = test_yaml("{00: a, 0x10: b, yes: c, ~: d, k: e}\n");
        b = (struct buf)BUF_INIT(4096);
        assert_int_equal(json_write(&b, n, 0), 0);
        assert_string_equal(b.data, "{\"0\":\"a\",\"16\":\"b\",\"true\":\"c\",\"null\":\"d\","
                                    "\"k\":\"e\"}");
        buf_free(&b);
        node_free(n);
}

/* Each test is a boot of its own. */
static int reset_budget(void **state)
{
        (void)state;
        yaml_budget_reset();
        return 0;
}

int main(void)
{
        const struct CMUnitTest tests[] = {
                cmocka_unit_test_setup(test_booleans_in_pyyaml_spellings, reset_budget),
                cmocka_unit_test_setup(test_integers_octal_hex_and_sexagesimal, reset_budget),
                cmocka_unit_test_setup(test_null_float_and_strings, reset_budget),
                cmocka_unit_test_setup(test_positions_are_one_based, reset_budget),
                cmocka_unit_test_setup(test_syntax_error_names_line_and_column, reset_budget),
                cmocka_unit_test_setup(test_tab_indentation_is_an_error, reset_budget),
                cmocka_unit_test_setup(test_invalid_utf8_is_an_error, reset_budget),
                cmocka_unit_test_setup(test_nul_byte_is_an_error, reset_budget),
                cmocka_unit_test_setup(test_billion_laughs_is_refused_fast, reset_budget),
                cmocka_unit_test_setup(test_alias_budget_is_shared_by_the_boots_documents,
                                       reset_budget),
                cmocka_unit_test_setup(test_node_budget_is_shared_by_the_boots_documents,
                                       reset_budget),
                cmocka_unit_test_setup(test_merge_keys_of_a_large_mapping_are_matched_by_index,
                                       reset_budget),
                cmocka_unit_test_setup(test_many_anchors_and_aliases_load, reset_budget),
                cmocka_unit_test_setup(test_small_aliases_expand, reset_budget),
                cmocka_unit_test_setup(test_deep_nesting_is_refused, reset_budget),
                cmocka_unit_test_setup(test_huge_scalar_within_and_past_the_limit, reset_budget),
                cmocka_unit_test_setup(test_only_one_document, reset_budget),
                cmocka_unit_test_setup(test_empty_document_is_null, reset_budget),
                cmocka_unit_test_setup(test_merge_keys, reset_budget),
                cmocka_unit_test_setup(test_binary_tag_and_unknown_tags, reset_budget),
                cmocka_unit_test_setup(test_duplicate_keys_last_wins, reset_budget),
                cmocka_unit_test_setup(test_complex_keys_are_refused, reset_budget),
                cmocka_unit_test_setup(test_json_round_trip, reset_budget),
        };
        int r = cmocka_run_group_tests_name("yaml", tests, NULL, NULL);
        node_names_free();
        return r;
}
