/* SPDX-License-Identifier: Apache-2.0 */
/* Tests of src/schema.c: problems reported with positions, invalid values
 * pruned so that the rest still applies. */
#include "testlib.h"
#include "config_schema.h"
#include "schema.h"

struct collected {
        char text[4096];
        size_t len;
};

static void collect(void *userdata, enum schema_severity sev, const char *pos, const char *msg)
{
        struct collected *c = userdata;
        static const char *const names[] = { "error", "warning", "note" };
        c->len += (size_t)snprintf(c->text + c->len, sizeof(c->text) - c->len, "%s: %s: %s\n", pos,
                                   names[sev], msg);
}

static struct node *validate(const char *text, struct collected *c, struct schema_report *rep)
{
        struct node *cfg = test_yaml(text);
        *c = (struct collected){ 0 };
        *rep = (struct schema_report){ .emit = collect, .userdata = c };
        schema_validate_config(cfg, rep);
        return cfg;
}

static void assert_has(const struct collected *c, const char *needle)
{
        if (!strstr(c->text, needle))
                fail_msg("report lacks \"%s\"; it is:\n%s", needle, c->text);
}

static void test_valid_config_has_no_errors(void **state)
{
        (void)state;
        struct collected c;
        struct schema_report rep;
        struct node *cfg =
                validate("hostname: h\nfqdn: h.example\npreserve_hostname: false\n"
                         "write_files:\n- path: /a\n  content: x\n  permissions: '0600'\n"
                         "  owner: root:root\n  encoding: b64\n  append: true\n  defer: false\n",
                         &c, &rep);
        assert_int_equal(rep.n_errors, 0);
        assert_int_equal(c.len, 0);
        node_free(cfg);
}

static void test_wrong_type_is_reported_and_pruned(void **state)
{
        (void)state;
        struct collected c;
        struct schema_report rep;
        struct node *cfg = validate("hostname: [a, b]\nfqdn: ok.example\n", &c, &rep);
        assert_int_equal(rep.n_errors, 1);
        assert_has(&c, "test.yaml:1:11: error: hostname: expected string, got list");
        assert_null(node_get(cfg, "hostname"));
        assert_string_equal(node_get_str(cfg, "fqdn"), "ok.example");
        node_free(cfg);
}

static void test_bad_write_files_item_is_dropped_alone(void **state)
{
        (void)state;
        struct collected c;
        struct schema_report rep;
        struct node *cfg = validate("write_files:\n"
                                    "- path: /good\n"
                                    "- content: no path\n"
                                    "- path: /bad-enc\n  encoding: rot13\n"
                                    "- path: /typo\n  permisions: '0600'\n"
                                    "- path: /also-good\n",
                                    &c, &rep);
        const struct node *wf = node_get(cfg, "write_files");
        assert_int_equal(rep.n_errors, 3);
        assert_has(&c, "test.yaml:3:3: error: write_files.1: 'path' is required");
        assert_has(&c, "test.yaml:5:13: error: write_files.2.encoding: 'rot13' is not one of the "
                       "allowed values");
        assert_has(&c, "test.yaml:7:3: error: write_files.3: unknown key 'permisions'");
        assert_int_equal(wf->n, 2);
        assert_string_equal(node_get_str(wf->items[0], "path"), "/good");
        assert_string_equal(node_get_str(wf->items[1], "path"), "/also-good");
        node_free(cfg);
}

static void test_unknown_and_unsupported_keys(void **state)
{
        (void)state;
        struct collected c;
        struct schema_report rep;
        struct node *cfg =
                validate("hostnme: typo\nbyobu_by_default: enable\nsystem_info: {}\n", &c, &rep);
        /* the boot's validation leaves keys that are not applied to the stages */
        assert_int_equal(rep.n_errors, 0);
        assert_int_equal(c.len, 0);
        node_free(cfg);

        cfg = test_yaml("hostnme: typo\nbyobu_by_default: enable\nsystem_info: {}\n"
                        "rh_subscription: {}\noutput: {}\nversion: v1\n");
        c = (struct collected){ 0 };
        rep = (struct schema_report){ .emit = collect, .userdata = &c };
        schema_validate_config_all(cfg, &rep);
        assert_int_equal(rep.n_errors, 1);
        assert_int_equal(rep.n_warnings, 2);
        assert_has(&c, "test.yaml:1:1: error: unknown key 'hostnme': no cloud-init module reads "
                       "it; not applied");
        assert_has(&c, "test.yaml:2:1: warning: 'byobu_by_default' needs module byobu, which this "
                       "cloudboot does not implement; not applied");
        assert_has(&c, "test.yaml:4:1: note: 'rh_subscription' is for module rh_subscription, "
                       "which cloud-init runs only on fedora rhel openeuler, not on debian; not applied");
        assert_has(&c, "test.yaml:5:1: warning: 'output' is a setting of cloud-init itself");
        assert_has(&c, "test.yaml:6:1: note: 'version' has no effect");
        assert_null(strstr(c.text, "system_info"));
        node_free(cfg);
}

static void test_key_verdicts(void **state)
{
        (void)state;
        struct node *cfg = test_yaml("system_info: {distro: ubuntu}\n");
        struct key_verdict v;

        schema_key_verdict(NULL, "runcmd", &v);
        assert_int_equal(v.fate, KEY_APPLIED);
        assert_int_equal(v.stage, STAGE_CONFIG);
        schema_key_verdict(NULL, "write_files", &v);
        assert_int_equal(v.fate, KEY_APPLIED);
        assert_int_equal(v.stage, STAGE_INIT);
        schema_key_verdict(NULL, "puppet", &v);
        assert_int_equal(v.fate, KEY_NOT_IMPLEMENTED);
        assert_string_equal(v.module, "puppet");
        assert_int_equal(v.stage, STAGE_FINAL);
        schema_key_verdict(NULL, "rh_subscription", &v);
        assert_int_equal(v.fate, KEY_NOT_FOR_DISTRO);
        assert_int_equal(v.stage, STAGE_INIT);
        /* implemented, in none of Debian's lists */
        schema_key_verdict(NULL, "zypper", &v);
        /* zypper_add_repo's distros (openSUSE's) say more than the lists */
        assert_int_equal(v.fate, KEY_NOT_FOR_DISTRO);
        schema_key_verdict(NULL, "snap", &v);
        assert_int_equal(v.fate, KEY_NOT_FOR_DISTRO);
        assert_int_equal(v.stage, STAGE_CONFIG);
        /* on Ubuntu snap would run: not implemented; wireguard (implemented) is in no
         * default list */
        schema_key_verdict(cfg, "snap", &v);
        assert_int_equal(v.fate, KEY_NOT_IMPLEMENTED);
        schema_key_verdict(cfg, "wireguard", &v);
        assert_int_equal(v.fate, KEY_NOT_LISTED);
        schema_key_verdict(NULL, "reporting", &v);
        assert_int_equal(v.fate, KEY_BASE_IGNORED);
        schema_key_verdict(NULL, "merge_how", &v);
        assert_int_equal(v.fate, KEY_APPLIED);
        schema_key_verdict(NULL, "no-such-key", &v);
        assert_int_equal(v.fate, KEY_UNKNOWN);
        assert_string_equal(schema_key_owner("timezone"), "cc_timezone");
        assert_string_equal(schema_key_owner("rpi"), "cc_raspberry_pi");
        assert_string_equal(schema_key_owner("output"), "base");
        assert_null(schema_key_owner("no-such-key"));
        node_free(cfg);
}

/* Every key of every built-in is found, and names the first module of the
 * registry that reads it, whatever other keys share its first bytes
 * (ssh_authorized_keys, ssh_deletekeys, ...; the index compares 8-byte heads
 * first); a key that is a prefix of one, or one past the last, is none. */
static void test_every_registry_key_found(void **state)
{
        (void)state;
        size_t n = 0;

        for (const struct module *const *m = module_all(); *m; m++)
                for (const struct schema_prop *p = (*m)->keys; p && p->name; p++, n++) {
                        const struct module *first = NULL;
                        for (const struct module *const *o = module_all(); *o && !first; o++)
                                for (const struct schema_prop *q = (*o)->keys; q && q->name; q++)
                                        if (streq(q->name, p->name)) {
                                                first = *o;
                                                break;
                                        }
                        if (!schema_key_module(p->name) ||
                            !streq(schema_key_module(p->name), first->name))
                                fail_msg("%s: %s, not %s", p->name,
                                         schema_key_module(p->name) ?: "(none)", first->name);
                }
        assert_true(n > 60);
        assert_null(schema_key_module("ssh_"));
        assert_null(schema_key_module("ssh_authorized_key"));
        assert_null(schema_key_module("ssh_authorized_keysz"));
        assert_null(schema_key_module(""));
        assert_null(schema_key_module("\xff\xff\xff\xff\xff\xff\xff\xff\xff"));
}

/* One source of truth: a key is either in a module descriptor or in the table
 * of keys cloudboot does not implement, never both; tables are sorted. */
static void test_no_key_in_descriptor_and_not_implemented_table(void **state)
{
        (void)state;
        const char *key = NULL;
        int r = schema_tables_check(&key);
        if (r < 0)
                fail_msg("schema tables: key '%s' is out of order or declared twice", key);
}

static void test_top_level_must_be_a_mapping(void **state)
{
        (void)state;
        struct collected c;
        struct schema_report rep;
        struct node *cfg = validate("- a\n- b\n", &c, &rep);
        assert_int_equal(rep.n_errors, 1);
        assert_has(&c, "test.yaml:1:1: error: cloud-config must be a mapping, got list");
        node_free(cfg);
}

int main(void)
{
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_valid_config_has_no_errors),
                cmocka_unit_test(test_wrong_type_is_reported_and_pruned),
                cmocka_unit_test(test_bad_write_files_item_is_dropped_alone),
                cmocka_unit_test(test_unknown_and_unsupported_keys),
                cmocka_unit_test(test_top_level_must_be_a_mapping),
                cmocka_unit_test(test_key_verdicts),
                cmocka_unit_test(test_no_key_in_descriptor_and_not_implemented_table),
                cmocka_unit_test(test_every_registry_key_found),
        };
        int r = cmocka_run_group_tests_name("schema", tests, NULL, NULL);
        node_names_free();
        return r;
}
