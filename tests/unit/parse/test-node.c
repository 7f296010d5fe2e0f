/* SPDX-License-Identifier: Apache-2.0 */
/* Tests of src/parse/node.c: lookups in large mappings go through an index
 * (counted key comparisons show a scan without timing anything), small ones
 * get none, and the index never gives an answer a scan would not. */
#include "testlib.h"

/* A mapping of n pairs "k<i>": i. */
static struct node *big_map(size_t n)
{
        struct node *m = node_new(NODE_MAP);
        char key[32];

        assert_non_null(m);
        for (size_t i = 0; i < n; i++) {
                (void)snprintf(key, sizeof(key), "k%zu", i);
                assert_int_equal(node_append(m, node_new_str(key)), 0);
                assert_int_equal(node_append(m, node_new_int((long long)i)), 0);
        }
        return m;
}

static void test_small_maps_get_no_index(void **state)
{
        (void)state;
        _cleanup_node_ struct node *m = big_map(NODE_INDEX_MIN_PAIRS - 1);

        assert_int_equal(node_get(m, "k3")->i, 3);
        assert_null(node_get(m, "nope"));
        assert_false(node_is_indexed(m));
        /* one more pair and the next lookup builds one */
        assert_int_equal(node_set(m, "last", node_new_int(-1)), 0);
        assert_int_equal(node_get(m, "last")->i, -1);
        assert_true(node_is_indexed(m));
}

static void test_lookups_in_a_large_map_cost_no_scan(void **state)
{
        (void)state;
        const size_t n = 100000;
        _cleanup_node_ struct node *m = big_map(n);
        unsigned long long before = node_key_compares;
        char key[32];

        for (size_t i = 0; i < n; i++) {
                (void)snprintf(key, sizeof(key), "k%zu", i);
                assert_int_equal(node_get(m, key)->i, (long long)i);
                (void)snprintf(key, sizeof(key), "x%zu", i);
                assert_null(node_get(m, key));
        }
        /* a scan would be about n * n comparisons; a hash at most half full
         * costs a few per lookup */
        if (node_key_compares - before > 4 * 2 * n)
                fail_msg("%llu key comparisons for %zu lookups", node_key_compares - before, 2 * n);
        assert_true(node_is_indexed(m));
}

static void test_the_index_follows_appends_sets_and_deletes(void **state)
{
        (void)state;
        _cleanup_node_ struct node *m = big_map(200);

        assert_int_equal(node_get(m, "k199")->i, 199); /* indexed now */
        assert_true(node_is_indexed(m));
        for (int i = 0; i < 1000; i++) {
                char key[32];
                (void)snprintf(key, sizeof(key), "n%d", i);
                assert_int_equal(node_set(m, key, node_new_int(i)), 0);
                assert_int_equal(node_get(m, key)->i, i);
        }
        assert_true(node_is_indexed(m)); /* grown, not dropped */
        assert_int_equal(node_set(m, "k5", node_new_str("five")), 0);
        assert_string_equal(node_get(m, "k5")->str, "five");
        assert_int_equal(m->n, 2 * 1200);
        assert_int_equal(node_del(m, "k5"), 1);
        assert_null(node_get(m, "k5"));
        assert_int_equal(node_get(m, "k6")->i, 6);
        assert_int_equal(node_get(m, "n999")->i, 999);
}

/* node_take() moves the last value of a key out and leaves a null in its
 * place: the map keeps its pairs, in a small map and an indexed one. */
static void test_take_moves_the_last_value_out(void **state)
{
        (void)state;
        _cleanup_node_ struct node *m = test_yaml("{a: 1, b: [x], a: 2}");
        _cleanup_node_ struct node *big = big_map(100), *v = NULL, *w = NULL;

        v = node_take(m, "a");
        assert_non_null(v);
        assert_int_equal(v->i, 2);
        assert_int_equal(m->n, 6);
        assert_int_equal(node_get(m, "a")->type, NODE_NULL);
        assert_int_equal(m->items[1]->i, 1); /* the first a untouched */
        assert_null(node_take(m, "zz"));
        assert_null(node_take(v, "a")); /* not a mapping */
        w = node_take(big, "k42");
        assert_int_equal(w->i, 42);
        assert_true(node_is_indexed(big));
        assert_int_equal(node_get(big, "k42")->type, NODE_NULL);
        assert_int_equal(node_get(big, "k43")->i, 43);
}

static void test_a_map_rearranged_behind_the_index_is_reindexed(void **state)
{
        (void)state;
        _cleanup_node_ struct node *m = big_map(100);
        struct node *k0, *v0;

        assert_int_equal(node_get(m, "k0")->i, 0);
        /* pair 0 cut out by hand (as a schema pass compacts a mapping), then
         * a pair appended: as many pairs as before, none where it was */
        k0 = m->items[0];
        v0 = m->items[1];
        memmove(m->items, m->items + 2, (m->n - 2) * sizeof(*m->items));
        m->n -= 2;
        node_free(k0);
        node_free(v0);
        assert_int_equal(node_append(m, node_new_str("new")), 0);
        assert_int_equal(node_append(m, node_new_int(7)), 0);
        assert_null(node_get(m, "k0"));
        for (int i = 1; i < 100; i++) {
                char key[32];
                (void)snprintf(key, sizeof(key), "k%d", i);
                assert_int_equal(node_get(m, key)->i, i);
        }
        assert_int_equal(node_get(m, "new")->i, 7);
}

/* Lookups and node_merge give the same answers with and without an index. */
static void check_repeats(size_t filler)
{
        _cleanup_node_ struct node *m = big_map(filler), *src = big_map(0);

        assert_int_equal(node_append(m, node_new_str("dup")), 0);
        assert_int_equal(node_append(m, node_new_int(1)), 0);
        assert_int_equal(node_append(m, node_new_str("mid")), 0);
        assert_int_equal(node_append(m, node_new_int(5)), 0);
        assert_int_equal(node_append(m, node_new_str("dup")), 0);
        assert_int_equal(node_append(m, node_new_int(2)), 0);
        /* the last of a repeated key counts */
        assert_int_equal(node_get(m, "dup")->i, 2);
        assert_int_equal(node_set(src, "dup", node_new_int(3)), 0);
        assert_int_equal(node_set(src, "other", node_new_int(4)), 0);
        assert_int_equal(node_merge(m, src), 0);
        /* both old pairs gone, the merged one at the end, the rest in order */
        assert_int_equal(m->n, 2 * (filler + 3));
        assert_string_equal(m->items[2 * filler]->str, "mid");
        assert_string_equal(m->items[2 * filler + 2]->str, "dup");
        assert_int_equal(m->items[2 * filler + 3]->i, 3);
        assert_string_equal(m->items[2 * filler + 4]->str, "other");
        assert_int_equal(node_get(m, "dup")->i, 3);
        assert_int_equal(node_get(m, "mid")->i, 5);
}

static void test_repeated_keys_with_and_without_an_index(void **state)
{
        (void)state;
        check_repeats(3);
        check_repeats(500);
}

static void test_merging_large_maps_is_linear(void **state)
{
        (void)state;
        const size_t n = 50000;
        _cleanup_node_ struct node *dst = big_map(n), *src = big_map(n);
        unsigned long long before;
        struct node *sub;

        /* half of src replaces dst's keys, half is new */
        for (size_t i = 0; i < n; i += 2) {
                char key[32];
                (void)snprintf(key, sizeof(key), "n%zu", i);
                node_take_strn(src->items[2 * i], strdup(key), strlen(key));
        }
        sub = node_new(NODE_MAP);
        assert_int_equal(node_set(sub, "a", node_new_int(1)), 0);
        assert_int_equal(node_set(dst, "sub", sub), 0);
        sub = node_new(NODE_MAP);
        assert_int_equal(node_set(sub, "b", node_new_int(2)), 0);
        assert_int_equal(node_set(src, "sub", sub), 0);
        before = node_key_compares;
        assert_int_equal(node_merge(dst, src), 0);
        if (node_key_compares - before > 8 * n)
                fail_msg("%llu key comparisons to merge %zu keys", node_key_compares - before, n);
        assert_int_equal(dst->n, 2 * (n + n / 2 + 1));
        assert_int_equal(node_get(dst, "k1")->i, 1);
        assert_int_equal(node_get(dst, "n0")->i, 0);
        assert_int_equal(node_get(node_get(dst, "sub"), "a")->i, 1); /* merged into */
        assert_int_equal(node_get(node_get(dst, "sub"), "b")->i, 2);
}

static void test_a_copy_has_its_own_index(void **state)
{
        (void)state;
        _cleanup_node_ struct node *m = big_map(300), *c = NULL;

        assert_non_null(node_get(m, "k1"));
        c = node_copy(m);
        assert_false(node_is_indexed(c));
        assert_int_equal(node_get(c, "k299")->i, 299);
        assert_true(node_is_indexed(c));
        assert_int_equal(node_set(c, "k1", node_new_int(-1)), 0);
        assert_int_equal(node_get(m, "k1")->i, 1);
}

static void test_file_names_are_interned_once(void **state)
{
        (void)state;
        const char *first = node_intern_file("user-data[part 1]");
        char name[64];

        for (int i = 0; i < 20000; i++) {
                (void)snprintf(name, sizeof(name), "user-data[entry %d]", i);
                assert_string_equal(node_intern_file(name), name);
        }
        assert_ptr_equal(node_intern_file("user-data[part 1]"), first);
        assert_ptr_equal(node_intern_file("user-data[entry 7]"),
                         node_intern_file("user-data[entry 7]"));
        node_names_free();
        assert_string_equal(node_intern_file("again"), "again");
        node_names_free();
}

int main(void)
{
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_small_maps_get_no_index),
                cmocka_unit_test(test_lookups_in_a_large_map_cost_no_scan),
                cmocka_unit_test(test_the_index_follows_appends_sets_and_deletes),
                cmocka_unit_test(test_take_moves_the_last_value_out),
                cmocka_unit_test(test_a_map_rearranged_behind_the_index_is_reindexed),
                cmocka_unit_test(test_repeated_keys_with_and_without_an_index),
                cmocka_unit_test(test_merging_large_maps_is_linear),
                cmocka_unit_test(test_a_copy_has_its_own_index),
                cmocka_unit_test(test_file_names_are_interned_once),
        };
        return cmocka_run_group_tests_name("node", tests, NULL, NULL);
}
