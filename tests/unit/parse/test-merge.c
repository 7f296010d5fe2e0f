/* SPDX-License-Identifier: Apache-2.0 */
/* Tests of src/merge.c: cloud-init's mergers, cases from its merging
 * documentation and its merger tests. */
#include "testlib.h"
#include "merge.h"
#include "yaml.h"
#include "json.h"

static struct node *y(const char *text)
{
        struct yaml_error err;
        struct node *n = NULL;
        assert_int_equal(yaml_load(text, strlen(text), "t.yaml", NULL, &n, &err), 0);
        return n;
}

/* merge the parts (YAML texts, NULL-ended) in order from {} with spec, or
 * with each part's own merge_how, and compare with want (YAML) */
static void check(const struct merge_spec *spec, const char *const *parts, const char *want)
{
        struct node *acc = node_new(NODE_MAP), *w = y(want);
        struct buf a = BUF_INIT(1 << 20), b = BUF_INIT(1 << 20);

        for (const char *const *p = parts; *p; p++) {
                struct node *part = y(*p);
                struct merge_spec s = { 0 };
                const struct node *how = node_get(part, "merge_how");
                if (how) {
                        assert_int_equal(merge_spec_from_node(how, &s), 0);
                        node_del(part, "merge_how");
                } else
                        s = spec ? *spec : MERGE_SPEC_PART_DEFAULT;
                assert_int_equal(merge_apply(&s, &acc, part), 0);
                node_free(part);
        }
        assert_int_equal(json_write(&a, acc, 0), 0);
        assert_int_equal(json_write(&b, w, 0), 0);
        assert_string_equal(a.data, b.data);
        buf_free(&a);
        buf_free(&b);
        node_free(acc);
        node_free(w);
}

static void test_default_replaces_top_level_keys(void **state)
{
        (void)state;
        const char *parts[] = { "{runcmd: [a, b], users: {x: 1, y: 2}, s: one}",
                                "{runcmd: [c], users: {z: 3}}", NULL };
        check(NULL, parts, "{runcmd: [c], users: {z: 3}, s: one}");
}

static void test_docs_example_appends_runcmd(void **state)
{
        (void)state;
        const char *parts[] = {
                "{runcmd: [bash1, bash2]}",
                "{merge_how: 'list(append)+dict(no_replace,recurse_list)+str()', runcmd: [bash3, "
                "bash4]}",
                NULL
        };
        check(NULL, parts, "{runcmd: [bash1, bash2, bash3, bash4]}");
}

static void test_list_form_of_merge_how(void **state)
{
        (void)state;
        const char *parts[] = {
                "{packages: [a], write_files: [{path: /x}], hostname: one}",
                "{merge_how: [{name: list, settings: [append]}, {name: dict, settings: "
                "[no_replace, recurse_list]}], packages: [b], write_files: [{path: /y}], hostname: "
                "two}",
                NULL
        };
        /* no_replace keeps the old hostname; recurse_list appends the lists */
        check(NULL, parts,
              "{packages: [a, b], write_files: [{path: /x}, {path: /y}], hostname: one}");
}

static void test_prepend_and_nested_dicts(void **state)
{
        (void)state;
        const char *parts[] = {
                "{a: {b: [1], c: keep}, l: [x]}",
                "{merge_how: 'dict(no_replace,recurse_array)+list(prepend)+str()', a: {b: [0], d: "
                "new}, l: [w]}",
                NULL
        };
        check(NULL, parts, "{a: {b: [0, 1], c: keep, d: new}, l: [w, x]}");
}

static void test_allow_delete_and_str_append(void **state)
{
        (void)state;
        const char *parts[] = {
                "{gone: 1, kept: 2, s: abc}",
                "{merge_how: 'dict(no_replace,allow_delete,recurse_str)+list()+str(append)', gone: "
                "null, s: def, new: null}",
                NULL
        };
        check(NULL, parts, "{kept: 2, s: abcdef, new: null}");
}

static void test_list_replace_by_index_keeps_the_rest(void **state)
{
        (void)state;
        const char *parts[] = {
                "{l: [1, 2, 3]}",
                "{merge_how: 'dict(no_replace,recurse_list)+list(replace)+str()', l: [9]}", NULL
        };
        check(NULL, parts, "{l: [9, 2, 3]}");
}

static void test_without_a_dict_merger_the_part_changes_nothing(void **state)
{
        (void)state;
        const char *parts[] = { "{a: 1}", "{merge_how: 'list(append)', a: 2, b: 3}", NULL };
        check(NULL, parts, "{a: 1}");
}

static void test_spec_parsing(void **state)
{
        (void)state;
        struct merge_spec s = { 0 };
        const char *bad = NULL;

        assert_int_equal(
                merge_spec_parse(" Dict( Replace , recurse-list )+LIST(append)+str() ", &s, &bad),
                0);
        assert_true(s.has_dict && s.has_list && s.has_str);
        assert_true(s.dict.replace);
        assert_true(s.dict.recurse_array);
        assert_int_equal(s.list.method, LIST_APPEND);
        assert_false(s.str.append);
        s = (struct merge_spec){ 0 };
        assert_int_equal(merge_spec_parse("dict(replace)+list(append", &s, &bad), -EINVAL);
        assert_string_equal(bad, "list(append");
        /* found by fuzzing: a ')' inside the options looped forever */
        s = (struct merge_spec){ 0 };
        assert_int_equal(merge_spec_parse("dict(replace)x)+list(a)p)", &s, &bad), 0);
        assert_true(s.dict.replace);
        s = (struct merge_spec){ 0 };
        assert_int_equal(merge_spec_parse("dict(no_replace)+dict(replace)", &s, &bad), 0);
        assert_false(s.dict.replace); /* the first given wins */
}

static void test_parts_merge_in_place_without_copying_what_came_before(void **state)
{
        (void)state;
        /* 256 parts of 1000 keys, each list(append)ed: the tree merged so far
         * is not copied per part (its nodes stay where they are), and each
         * key is found through the mapping's index */
        struct merge_spec s = { 0 };
        _cleanup_node_ struct node *acc = node_new(NODE_MAP);
        struct node *first_list = NULL, *first_item = NULL;
        unsigned long long before = node_key_compares;

        assert_int_equal(merge_spec_parse("dict(recurse_array,no_replace)+list(append)", &s, NULL),
                         0);
        for (int p = 0; p < 256; p++) {
                _cleanup_node_ struct node *part = node_new(NODE_MAP);
                for (int k = 0; k < 1000; k++) {
                        char key[16];
                        struct node *l = node_new(NODE_SEQ);
                        (void)snprintf(key, sizeof(key), "l%03d", k);
                        assert_int_equal(node_append(l, node_new_int(p)), 0);
                        assert_int_equal(node_set(part, key, l), 0);
                }
                assert_int_equal(merge_apply(&s, &acc, part), 0);
                if (p == 0) {
                        first_list = node_get(acc, "l000");
                        first_item = first_list->items[0];
                }
        }
        if (node_key_compares - before > 10ull * 256 * 1000)
                fail_msg("%llu key comparisons for 256 parts of 1000 keys",
                         node_key_compares - before);
        assert_ptr_equal(node_get(acc, "l000"), first_list);
        assert_ptr_equal(first_list->items[0], first_item);
        assert_int_equal(acc->n, 2 * 1000);
        assert_int_equal(node_get(acc, "l999")->n, 256);
        assert_int_equal(node_get(acc, "l999")->items[255]->i, 255);
}

static void test_allow_delete_of_many_keys(void **state)
{
        (void)state;
        /* a part that deletes 5000 of 10000 keys: one sweep, not one each */
        struct merge_spec s = { 0 };
        _cleanup_node_ struct node *acc = node_new(NODE_MAP), *part = node_new(NODE_MAP);
        unsigned long long before;

        assert_int_equal(merge_spec_parse("dict(allow_delete,no_replace)", &s, NULL), 0);
        for (int k = 0; k < 10000; k++) {
                char key[16];
                (void)snprintf(key, sizeof(key), "k%d", k);
                assert_int_equal(node_set(acc, key, node_new_int(k)), 0);
                if (k % 2 == 0)
                        assert_int_equal(node_set(part, key, node_new(NODE_NULL)), 0);
        }
        assert_int_equal(node_set(part, "new", node_new_int(-1)), 0);
        before = node_key_compares;
        assert_int_equal(merge_apply(&s, &acc, part), 0);
        if (node_key_compares - before > 10ull * 10000)
                fail_msg("%llu key comparisons", node_key_compares - before);
        assert_int_equal(acc->n, 2 * 5001);
        assert_null(node_get(acc, "k0"));
        assert_int_equal(node_get(acc, "k1")->i, 1);
        assert_string_equal(acc->items[0]->str, "k1"); /* order kept */
        assert_int_equal(node_get(acc, "new")->i, -1);
}

int main(void)
{
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_default_replaces_top_level_keys),
                cmocka_unit_test(test_docs_example_appends_runcmd),
                cmocka_unit_test(test_list_form_of_merge_how),
                cmocka_unit_test(test_prepend_and_nested_dicts),
                cmocka_unit_test(test_allow_delete_and_str_append),
                cmocka_unit_test(test_list_replace_by_index_keeps_the_rest),
                cmocka_unit_test(test_without_a_dict_merger_the_part_changes_nothing),
                cmocka_unit_test(test_spec_parsing),
                cmocka_unit_test(test_parts_merge_in_place_without_copying_what_came_before),
                cmocka_unit_test(test_allow_delete_of_many_keys),
        };
        return cmocka_run_group_tests_name("merge", tests, NULL, NULL);
}
