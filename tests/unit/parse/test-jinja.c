/* SPDX-License-Identifier: Apache-2.0 */
/* Tests of src/jinja.c: the Jinja subset user-data templates use. */
#include "testlib.h"
#include "jinja.h"
#include "yaml.h"

static struct node *vars(void)
{
        const char *doc = "{v1: {instance_id: iid-j, local_hostname: host-j, cloud_name: nocloud, "
                          "region: null}, ds: {meta_data: {local-hostname: md-host, tags: [a, b], "
                          "flag: true}}}";
        struct yaml_error err;
        struct node *n = NULL;
        assert_int_equal(yaml_load(doc, strlen(doc), "vars", NULL, &n, &err), 0);
        return n;
}

static void render_ok(const char *tpl, const char *want)
{
        struct node *v = vars();
        struct yaml_error err;
        char *out = NULL;
        size_t len = 0;
        int r = jinja_render(tpl, strlen(tpl), v, "t", 1 << 20, &out, &len, &err);
        if (r < 0)
                fail_msg("render failed at line %u: %s", err.line, err.msg);
        assert_string_equal(out, want);
        free(out);
        node_free(v);
}

static void render_bad(const char *tpl, unsigned line, const char *msg)
{
        struct node *v = vars();
        struct yaml_error err;
        char *out = NULL;
        size_t len = 0;
        assert_int_equal(jinja_render(tpl, strlen(tpl), v, "t", 1 << 20, &out, &len, &err),
                         -EINVAL);
        assert_int_equal(err.line, line);
        if (!strstr(err.msg, msg))
                fail_msg("message '%s' lacks '%s'", err.msg, msg);
        node_free(v);
}

static void test_variables(void **state)
{
        (void)state;
        render_ok("hostname: {{ v1.local_hostname }}\n", "hostname: host-j\n");
        render_ok("{{v1.instance_id}} {{ instance_id }}", "iid-j iid-j"); /* v1 aliased on top */
        render_ok("{{ ds.meta_data.local_hostname }}", "md-host"); /* '_' reaches '-' */
        render_ok("{{ ds.meta_data['local-hostname'] }}", "md-host");
        render_ok("{{ ds.meta_data.flag }}", "True");
        render_ok("{{ v1.region }}", "None");
        /* lists and dicts print as Python's repr, as in cloud-init's jinja */
        render_ok("{{ ds.meta_data.tags }}", "['a', 'b']");
        render_ok("{{ v1 }}", "{'instance_id': 'iid-j', 'local_hostname': 'host-j', "
                              "'cloud_name': 'nocloud', 'region': None}");
}

static void render_with(const char *doc, const char *tpl, const char *want)
{
        struct yaml_error err;
        struct node *v = NULL;
        char *out = NULL;
        size_t len = 0;

        assert_int_equal(yaml_load(doc, strlen(doc), "vars", NULL, &v, &err), 0);
        if (jinja_render(tpl, strlen(tpl), v, "t", 1 << 20, &out, &len, &err) < 0)
                fail_msg("render failed at line %u: %s", err.line, err.msg);
        assert_string_equal(out, want);
        free(out);
        node_free(v);
}

/* Python's repr: quotes chosen by content, escapes, numbers, nesting. */
static void test_repr_of_lists_and_dicts(void **state)
{
        (void)state;
        render_with("{x: [1, 2.5, 3.0, true, false, null, {k: [v]}]}", "{{ x }}",
                    "[1, 2.5, 3.0, True, False, None, {'k': ['v']}]");
        render_with("{x: [\"it's\", 'say \"hi\"', \"both ' and \\\"\"]}", "{{ x }}",
                    "[\"it's\", 'say \"hi\"', 'both \\' and \"']");
        render_with("{x: [\"a\\\\b\\tc\\nd\\u0001\\u00a0\\u00e9\"]}", "{{ x }}",
                    "['a\\\\b\\tc\\nd\\x01\\xa0\u00e9']");
        render_with("{x: []}", "{{ x }}|{{ y }}", "[]|CI_MISSING_JINJA_VAR/y");
        render_with("{x: {}}", "{{ x }}", "{}");
}

static void test_default_and_missing(void **state)
{
        (void)state;
        render_ok("{{ v1.zone | default('z1') }}", "z1");
        render_ok("{{ v1.zone|d(\"z2\") }}", "z2");
        render_ok("{{ v1.local_hostname | default('x') }}", "host-j");
        render_ok("{{ v1.region | default('r', true) }}", "r"); /* None is false */
        /* jinja's undefined name is the last one looked up, as cloud-init renders it */
        render_ok("{{ v1.nope }}", "CI_MISSING_JINJA_VAR/nope");
        render_ok("{{ nope }} {{ ds.meta_data.gone }}",
                  "CI_MISSING_JINJA_VAR/nope CI_MISSING_JINJA_VAR/gone");
        /* a name looked up in an undefined value is jinja's UndefinedError:
         * cloud-init ignores the template */
        render_bad("{{ nope.sub }}", 1, "'nope' is undefined");
        render_bad("x\n{{ v1.nope.sub }}", 2, "'dict object' has no attribute 'nope'");
        /* ... only where it is rendered */
        render_ok("{% if v1.nope %}{{ nope.sub }}{% endif %}ok", "ok");
        render_ok("{{ v1.cloud_name | upper }}", "NOCLOUD");
}

static void test_if_elif_else(void **state)
{
        (void)state;
        const char *tpl = "a\n"
                          "{% if v1.instance_id == 'iid-j' %}\n"
                          "yes\n"
                          "{% else %}\n"
                          "no\n"
                          "{% endif %}\n"
                          "b\n";
        render_ok(tpl, "a\nyes\nb\n");
        render_ok("{% if v1.nope %}1{% elif not v1.region and ds.meta_data.flag %}2{% else %}3{% "
                  "endif %}",
                  "2");
        render_ok("{% if v1.cloud_name != 'aws' or v1.nope %}x{% endif %}", "x");
        render_ok("{% if v1.nope is defined %}x{% else %}y{% endif %}", "y");
        render_ok("{% if v1.region is not defined %}x{% else %}y{% endif %}", "y");
        render_ok("{# a comment #}k", "k");
        render_ok("a   {%- if true -%}   b   {%- endif %}", "ab");
        render_ok("{% if false %}{% if true %}in{% endif %}{% else %}out{% endif %}", "out");
}

static void test_unsupported_is_an_error_with_its_line(void **state)
{
        (void)state;
        render_bad("a\nb\n{% for x in y %}{{ x }}{% endfor %}\n", 3, "{% for %} is not supported");
        render_bad("x\n{% set a = 1 %}", 2, "{% set %} is not supported");
        render_bad("{{ v1.instance_id | replace('a', 'b') }}", 1, "filter 'replace'");
        render_bad("{% if true %}never closed\n", 2, "not closed by endif");
        render_bad("{% endif %}", 1, "endif without if");
        render_bad("\n\n{{ v1.x ", 3, "is not closed");
        /* found by fuzzing: messages quoted bytes past the end of the template */
        render_bad("{% if \"3\" and(not vq == \"3\" and(no", 1, "is not closed");
        render_bad("{% if (v1.x %}", 1, "expected ) at ''");
        render_bad("{%-%}", 1, "is not supported");
        /* found by fuzzing: nesting overflowed the stack */
        render_bad("{% if ((((((((((((((((((((((((((((((((((((((((x %}{% endif %}", 1,
                   "nested deeper than 32 levels");
        render_bad(
                "{% if not not not not not not not not not not not not not not not not not not "
                "not not not not not not not not not not not not not not not not x %}{% endif %}",
                1, "nested deeper than 32 levels");
}

int main(void)
{
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_variables),
                cmocka_unit_test(test_repr_of_lists_and_dicts),
                cmocka_unit_test(test_default_and_missing),
                cmocka_unit_test(test_if_elif_else),
                cmocka_unit_test(test_unsupported_is_an_error_with_its_line),
        };
        return cmocka_run_group_tests_name("jinja", tests, NULL, NULL);
}
