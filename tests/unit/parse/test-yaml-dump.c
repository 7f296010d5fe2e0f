/* SPDX-License-Identifier: Apache-2.0 */
/* Tests of src/parse/yaml_dump.c: a tree written as cloud-init's safeyaml.dumps
 * (PyYAML's SafeDumper) writes it. Each expected text is what PyYAML 6 printed
 * for the same document. */
#include "testlib.h"
#include "yaml.h"
#include "yaml_dump.h"

static void assert_dumps(const char *yaml_text, const char *want)
{
        _cleanup_node_ struct node *n = test_yaml(yaml_text);
        struct buf b = BUF_INIT(1 << 20);

        assert_non_null(n);
        assert_int_equal(yaml_dump(n, &b), 0);
        assert_string_equal(b.data, want);
        buf_free(&b);
}

/* sequences under a key indentless, items 4 deep, keys sorted, 0644 read as octal and a string 0644 quoted */
static void test_block_layout_as_pyyaml(void **state)
{
        (void)state;
        assert_dumps("users:\n- default\n- name: bob\n  groups: [a, b]\nwrite_files:\n- path: /x\n  permissions: '0644'\n  mode: 0644\n",
                     "---\nusers:\n- default\n-   groups:\n    - a\n    - b\n    name: bob\nwrite_files:\n-   mode: 420\n    path: /x\n    permissions: '0644'\n...\n");
}

/* a string YAML 1.1 reads as bool, null, int, float, timestamp, merge or value is quoted; non-ASCII escaped */
static void test_strings_quoted_when_yaml11_reads_another_type(void **state)
{
        (void)state;
        assert_dumps("a: [yes, 'yes', 'on', 'null', '', '~', '2001-12-14', '1_000', '0x1F', '1.5', '1e3', '<<', '=', 'a: b', '- x', ' lead', 'trail ', '#c', 'x #c', 'caf\xc3\xa9" "', \"tab\\there\"]\nb: [1.5, 1.0e+20, 0.0001, .inf, -.inf, .nan, 100.0, 12345678901234567.0, -0.5]\nc: [~, true, 0x10, 0b11, -7, 1:30]\n",
                     "---\na:\n- true\n- 'yes'\n- 'on'\n- 'null'\n- ''\n- '~'\n- '2001-12-14'\n- '1_000'\n- '0x1F'\n- '1.5'\n- 1e3\n- '<<'\n- '='\n- 'a: b'\n- '- x'\n- ' lead'\n- 'trail '\n- '#c'\n- 'x #c'\n- \"caf\\xE9\"\n- \"tab\\there\"\nb:\n- 1.5\n- 1.0e+20\n- 0.0001\n- .inf\n- -.inf\n- .nan\n- 100.0\n- 1.2345678901234568e+16\n- -0.5\nc:\n- null\n- true\n- 16\n- 3\n- -7\n- 90\n...\n");
}

/* long double-quoted text breaks with a backslash where PyYAML breaks it (libyaml alone breaks elsewhere) */
static void test_double_quoted_folded_as_pyyaml(void **state)
{
        (void)state;
        assert_dumps("content: \"server {\\n    server_name example.com;\\n    listen 80;\\n    root /var/www;\\n    location / {\\n        try_files $uri $uri/ $uri.html =404;\\n    }\\n}\\n\"\nnested:\n  - - \"line one\\n  indented and quite a long line that goes past the width of eighty columns\\n\"\n",
                     "---\ncontent: \"server {\\n    server_name example.com;\\n    listen 80;\\n    root /var/www;\\n\\\n    \\    location / {\\n        try_files $uri $uri/ $uri.html =404;\\n    }\\n}\\n\"\nnested:\n-   - \"line one\\n  indented and quite a long line that goes past the width of eighty\\\n        \\ columns\\n\"\n...\n");
}

/* multi-line text single-quoted, long plain text folded at 80 columns */
static void test_single_quoted_and_plain_folding(void **state)
{
        (void)state;
        assert_dumps("text: |\n  first line\n\n  after a blank line\nlong: this is a long plain string that goes on and on past the eighty column width limit of the dumper\n",
                     "---\nlong: this is a long plain string that goes on and on past the eighty column width\n    limit of the dumper\ntext: 'first line\n\n\n    after a blank line\n\n    '\n...\n");
}

/* !!binary written back as PyYAML writes bytes */
static void test_binary_as_literal_base64(void **state)
{
        (void)state;
        assert_dumps("blob: !!binary |\n  AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8gISIjJCUmJygpKissLS4vMDEyMzQ1Njc4OTo7PD0+P0BBQkNERUZH\n",
                     "---\nblob: !!binary |\n    AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8gISIjJCUmJygpKissLS4vMDEyMzQ1Njc4\n    OTo7PD0+P0BBQkNERUZH\n...\n");
}

/* a repeated key is one key with its last value; numeric keys by value; mixed keys unsorted; empty collections in flow style */
static void test_keys_duplicates_numbers_mixed_and_empty(void **state)
{
        (void)state;
        assert_dumps("b: 1\na: 2\nb: 3\nnums: {10: a, 2: b, 1.5: c}\nmixed: {b: 1, 1: 2}\nempty: {}\nlist: []\n",
                     "---\na: 2\nb: 3\nempty: {}\nlist: []\nmixed:\n    b: 1\n    1: 2\nnums:\n    1.5: c\n    2: b\n    10: a\n...\n");
}

static void test_empty_root_and_scalar_root(void **state)
{
        _cleanup_node_ struct node *m = node_new(NODE_MAP);
        _cleanup_node_ struct node *s = node_new_str("yes");
        struct buf b = BUF_INIT(1 << 10);

        (void)state;
        assert_int_equal(yaml_dump(m, &b), 0);
        assert_string_equal(b.data, "--- {}\n...\n");
        buf_free(&b);
        assert_int_equal(yaml_dump(s, &b), 0);
        assert_string_equal(b.data, "--- 'yes'\n...\n");
        buf_free(&b);
}

static void test_refuses_text_that_is_not_utf8_and_full_buffer(void **state)
{
        _cleanup_node_ struct node *bad = node_new_str("a\xff");
        _cleanup_node_ struct node *big = test_yaml("k: [aaaaaaaaaa, bbbbbbbbbb, cccccccccc]\n");
        struct buf b = BUF_INIT(16);

        (void)state;
        assert_int_equal(yaml_dump(bad, &b), -EINVAL);
        buf_free(&b);
        assert_int_equal(yaml_dump(big, &b), -E2BIG);
        buf_free(&b);
}

static void test_resolver_is_pyyamls(void **state)
{
        (void)state;
        assert_true(yaml_dump_resolves_nonstr("Yes"));
        assert_false(yaml_dump_resolves_nonstr("yEs")); /* PyYAML lists three spellings */
        assert_true(yaml_dump_resolves_nonstr("0o17") == false);
        assert_true(yaml_dump_resolves_nonstr("017"));
        assert_true(yaml_dump_resolves_nonstr("+.INF"));
        assert_true(yaml_dump_resolves_nonstr("2001-12-14t21:59:43.10-05:00"));
        assert_true(yaml_dump_resolves_nonstr("190:20:30"));
        assert_false(yaml_dump_resolves_nonstr("1e3"));
        assert_false(yaml_dump_resolves_nonstr("0x"));
        assert_false(yaml_dump_resolves_nonstr("nulls"));
}

int main(void)
{
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_block_layout_as_pyyaml),
                cmocka_unit_test(test_strings_quoted_when_yaml11_reads_another_type),
                cmocka_unit_test(test_double_quoted_folded_as_pyyaml),
                cmocka_unit_test(test_single_quoted_and_plain_folding),
                cmocka_unit_test(test_binary_as_literal_base64),
                cmocka_unit_test(test_keys_duplicates_numbers_mixed_and_empty),
                cmocka_unit_test(test_empty_root_and_scalar_root),
                cmocka_unit_test(test_refuses_text_that_is_not_utf8_and_full_buffer),
                cmocka_unit_test(test_resolver_is_pyyamls),
        };
        return cmocka_run_group_tests_name("yaml_dump", tests, NULL, NULL);
}
