/* SPDX-License-Identifier: Apache-2.0 */
/* The module runner and the external modules: the lists of the config decide
 * what runs and in what order; descriptors are checked and their schema
 * translated; an external program gets its keys on stdin. */
#include "testlib.h"

#include "external.h"
#include "runner.h"
#include "state.h"

static struct module_ctx ctx_of(struct troot *t, const struct node *cfg, const char *stage)
{
        return (struct module_ctx){ .root_fd = t->fd,
                                    .root = t->path,
                                    .iid = "i-test",
                                    .iid_raw = "i-test",
                                    .datasource = "DataSourceNoCloud [seed=/s][dsmode=net]",
                                    .stage = stage,
                                    .cfg = cfg };
}

static void test_list_entry_forms(void **state)
{
        (void)state;
        struct troot t;
        struct runner_entry e[RUNNER_LIST_MAX];
        struct node *cfg;
        size_t n;

        troot_make(&t);
        cfg = test_yaml("cloud_config_modules:\n"
                        " - runcmd\n"
                        " - cc_timezone\n"
                        " - [final_message, always]\n"
                        " - {name: write_files, frequency: once}\n"
                        " - [phone_home, per-instance, [an, arg]]\n"
                        " - ssh-import-id\n"
                        " - 42\n"
                        " - ../../bin/sh\n"
                        " - \"a\\x01b\"\n"
                        " - [bootcmd, sometimes]\n"
                        " - {frequency: always}\n"
                        " -\n");
        n = runner_stage_entries(cfg, STAGE_CONFIG, true, e, ELEMENTSOF(e));
        assert_int_equal(n, 7);
        assert_string_equal(e[0].name, "runcmd");
        assert_false(e[0].has_freq);
        assert_string_equal(e[1].name, "timezone");
        assert_string_equal(e[2].name, "final_message");
        assert_true(e[2].has_freq);
        assert_int_equal(e[2].freq, FREQ_ALWAYS);
        assert_string_equal(e[3].name, "write_files");
        assert_int_equal(e[3].freq, FREQ_ONCE);
        assert_string_equal(e[4].name, "phone_home");
        assert_int_equal(e[4].freq, FREQ_INSTANCE);
        assert_string_equal(e[5].name, "ssh_import_id");
        /* an unknown frequency: the module's own is used, and that is said */
        assert_string_equal(e[6].name, "bootcmd");
        assert_false(e[6].has_freq);
        assert_log_has(&t, "test.yaml:8:4: cloud_config_modules item 6: must be a module name, a "
                           "list or a mapping, not integer");
        assert_log_has(&t, "test.yaml:9:4: cloud_config_modules item 7: not a module name");
        assert_log_has(&t, "test.yaml:10:4: cloud_config_modules item 8: not a module name");
        assert_log_has(&t, "test.yaml:11:14: cloud_config_modules item 9: unknown frequency");
        assert_log_has(&t, "test.yaml:12:4: cloud_config_modules item 10: names no module");
        /* the name itself is never echoed */
        assert_null(strstr(t.log.data, "\x01"));
        node_free(cfg);
        troot_free(&t);
}

/* Every built-in answers to its own name and to no other; names are unique
 * (the lookup is a binary search by name); a name that is none is found
 * nowhere. */
static void test_builtins_found_by_name(void **state)
{
        (void)state;
        size_t n = 0;

        for (const struct module *const *m = module_builtins(); *m; m++, n++) {
                assert_ptr_equal(module_builtin_find((*m)->name), *m);
                for (const struct module *const *o = m + 1; *o; o++)
                        assert_string_not_equal((*m)->name, (*o)->name);
        }
        assert_true(n > 40);
        assert_null(module_builtin_find(""));
        assert_null(module_builtin_find("zzz"));
        assert_null(module_builtin_find("aaa"));
        assert_null(module_builtin_find("runcmd "));
}

static void test_list_defaults_and_wrong_types(void **state)
{
        (void)state;
        struct troot t;
        struct runner_entry e[RUNNER_LIST_MAX];
        struct node *cfg;
        const char *const *def = module_stage_list(STAGE_FINAL);
        size_t n, k = 0;

        troot_make(&t);
        cfg = test_yaml("{}\n");
        n = runner_stage_entries(cfg, STAGE_FINAL, true, e, ELEMENTSOF(e));
        while (def[k])
                k++;
        assert_int_equal(n, k);
        for (size_t i = 0; i < n; i++)
                assert_string_equal(e[i].name, def[i]);
        node_free(cfg);

        cfg = test_yaml("cloud_final_modules: runcmd\ncloud_init_modules: []\n"
                        "cloud_config_modules: ~\n");
        /* a list of the wrong type: reported, and the default list runs */
        assert_int_equal(runner_stage_entries(cfg, STAGE_FINAL, true, e, ELEMENTSOF(e)), k);
        assert_log_has(&t, "test.yaml:1:22: cloud_final_modules must be a list, not string; the "
                           "default list is used");
        assert_int_equal(runner_stage_entries(cfg, STAGE_INIT, true, e, ELEMENTSOF(e)), 0);
        assert_int_equal(runner_stage_entries(cfg, STAGE_CONFIG, true, e, ELEMENTSOF(e)), 0);
        node_free(cfg);
        troot_free(&t);
}

static void test_huge_list_is_bounded(void **state)
{
        (void)state;
        struct troot t;
        struct runner_entry e[RUNNER_LIST_MAX];
        struct buf y = BUF_INIT(1u << 20);
        struct node *cfg;

        troot_make(&t);
        assert_int_equal(buf_puts(&y, "cloud_final_modules:\n"), 0);
        for (int i = 0; i < 5000; i++)
                assert_int_equal(buf_puts(&y, " - final_message\n"), 0);
        cfg = test_yaml(y.data);
        assert_int_equal(runner_stage_entries(cfg, STAGE_FINAL, true, e, ELEMENTSOF(e)),
                         RUNNER_LIST_MAX);
        assert_log_has(&t, "cloud_final_modules has 5000 items; only the first 256 are used");
        node_free(cfg);
        buf_free(&y);
        troot_free(&t);
}

static void test_listed_activated_and_unlisted_keys(void **state)
{
        (void)state;
        struct troot t;
        struct node *cfg;

        troot_make(&t);
        cfg = test_yaml("cloud_config_modules: [timezone]\n"
                        "runcmd: [ls]\n"
                        "timezone: UTC\n");
        assert_false(runner_module_listed(cfg, "runcmd"));
        assert_true(runner_module_listed(cfg, "timezone"));
        /* absent lists are the defaults; machine_id is cloudboot's own */
        assert_true(runner_module_listed(cfg, "final_message"));
        assert_true(runner_module_listed(cfg, "machine_id"));
        assert_false(runner_activated(module_find("runcmd"), cfg));
        assert_true(runner_activated(module_find("timezone"), cfg));
        schema_report_stage(cfg, STAGE_INIT);
        assert_log_has(&t, "test.yaml:2:1: 'runcmd' is for module runcmd, which is not in this "
                           "boot's module lists; not applied");
        assert_null(strstr(t.log.data, "'timezone' is for"));
        node_free(cfg);
        troot_free(&t);
}

/* Where "start: STAGE/config-NAME" first appears in the log, or -1. */
static long started_at(struct troot *t, const char *name)
{
        char needle[128];
        const char *p;

        (void)snprintf(needle, sizeof(needle), "start: test/config-%s:", name);
        p = t->log.data ? strstr(t->log.data, needle) : NULL;
        return p ? p - t->log.data : -1;
}

static void test_stage_runs_in_list_order_with_list_frequency(void **state)
{
        (void)state;
        struct troot t;
        struct module_ctx ctx;
        struct node *cfg;

        troot_make(&t);
        log_set_debug(false);
        cfg = test_yaml(
                "cloud_final_modules: [scripts_per_once, scripts_per_boot, nosuch_module]\n");
        ctx = ctx_of(&t, cfg, "test");
        assert_int_equal(runner_run_stage(&ctx, STAGE_FINAL), 0);
        assert_true(started_at(&t, "scripts_per_once") >= 0);
        assert_true(started_at(&t, "scripts_per_once") < started_at(&t, "scripts_per_boot"));
        assert_int_equal(started_at(&t, "final_message"), -1);
        assert_log_has(&t, "test.yaml:1:59: cloud_final_modules: no module named nosuch_module");
        /* the name that is not built in made the runner look for external modules */
        assert_non_null(external_registry());
        external_unload();
        node_free(cfg);
        buf_free(&t.log);
        t.log = BUF_INIT(1u << 20);
        log_capture(&t.log);

        /* reversed, and scripts_per_once forced to always: it runs again */
        cfg = test_yaml("cloud_final_modules: [scripts_per_boot, [scripts_per_once, always]]\n");
        ctx = ctx_of(&t, cfg, "test");
        assert_int_equal(runner_run_stage(&ctx, STAGE_FINAL), 0);
        assert_true(started_at(&t, "scripts_per_boot") >= 0);
        assert_true(started_at(&t, "scripts_per_boot") < started_at(&t, "scripts_per_once"));
        node_free(cfg);

        /* an empty list: nothing of the stage runs */
        buf_free(&t.log);
        t.log = BUF_INIT(1u << 20);
        log_capture(&t.log);
        cfg = test_yaml("cloud_final_modules: []\n");
        ctx = ctx_of(&t, cfg, "test");
        assert_int_equal(runner_run_stage(&ctx, STAGE_FINAL), 0);
        assert_null(strstr(t.log.data ? t.log.data : "", "start: test/config-"));
        node_free(cfg);
        troot_free(&t);
}

static const char issue_desc[] = "{\n"
                                 "  \"api\": 1,\n"
                                 "  \"name\": \"greet\",\n"
                                 "  \"stage\": \"config\",\n"
                                 "  \"frequency\": \"once-per-instance\",\n"
                                 "  \"timeout\": 20,\n"
                                 "  \"schema\": {\"type\": \"object\", \"properties\": {\n"
                                 "    \"greet\": {\"type\": \"object\",\n"
                                 "      \"additionalProperties\": false,\n"
                                 "      \"required\": [\"text\"],\n"
                                 "      \"properties\": {\"text\": {\"type\": \"string\"},\n"
                                 "        \"mood\": {\"enum\": [\"happy\", \"calm\"]},\n"
                                 "        \"lines\": {\"type\": \"array\", \"items\": "
                                 "{\"type\": [\"string\", \"integer\"]}}}}}}\n"
                                 "}\n";

static void emit_to_log(void *userdata, enum schema_severity sev, const char *pos, const char *msg)
{
        (void)userdata;
        (void)sev;
        log_warning("%s: %s", pos, msg);
}

static void test_schema_translation_validates_with_positions(void **state)
{
        (void)state;
        struct troot t;
        struct node *desc, *cfg;
        struct external_schema *s = NULL;
        const struct schema_prop *props = NULL;
        struct schema_report rep = { .emit = emit_to_log };

        troot_make(&t);
        desc = test_yaml(issue_desc);
        assert_int_equal(external_schema_from(node_get(desc, "schema"), "greet.json", &s, &props),
                         0);
        assert_string_equal(props[0].name, "greet");
        assert_null(props[1].name);
        cfg = test_yaml("greet: {text: hi, mood: happy, lines: [a, 1]}\n");
        assert_true(schema_check(props[0].schema, node_get(cfg, "greet"), "greet", &rep));
        assert_int_equal(rep.n_errors, 0);
        node_free(cfg);
        cfg = test_yaml("greet:\n  text: 5\n  mood: sad\n  lines: [[x]]\n  other: 1\n");
        assert_false(schema_check(props[0].schema, node_get(cfg, "greet"), "greet", &rep));
        assert_int_equal(rep.n_errors, 4);
        node_free(cfg);
        cfg = test_yaml("greet: {mood: calm}\n");
        assert_false(schema_check(props[0].schema, node_get(cfg, "greet"), "greet", &rep));
        node_free(cfg);
        external_schema_free(s);
        node_free(desc);

        /* a keyword outside the subset is refused, not dropped */
        desc = test_yaml("type: object\nproperties:\n  k: {type: string, pattern: '^a'}\n");
        assert_int_equal(external_schema_from(desc, "x.json", &s, &props), -EINVAL);
        assert_log_has(&t, "x.json:3:21: schema: keyword 'pattern' is not supported");
        node_free(desc);
        desc = test_yaml("type: string\n");
        assert_int_equal(external_schema_from(desc, "y.json", &s, &props), -EINVAL);
        assert_log_has(&t, "y.json:1:1: schema: must be an object schema with properties");
        node_free(desc);
        troot_free(&t);
}

static void put(struct troot *t, const char *path, const char *content, mode_t mode)
{
        assert_int_equal(fs_write_atomic(t->fd, path, content, strlen(content), mode, FS_NO_OWNER,
                                         (gid_t)-1),
                         0);
}

static void test_descriptors_checked_and_shadowing_refused(void **state)
{
        (void)state;
        struct troot t;
        const struct module *m;

        troot_make(&t);
        put(&t, EXTERNAL_DIR_PKG "/greet.json", issue_desc, 0644);
        put(&t, EXTERNAL_DIR_PKG "/greet", "#!/bin/sh\n", 0755);
        /* broken JSON, an unknown key, a name that is not the file's */
        put(&t, EXTERNAL_DIR_PKG "/broken.json", "{\"api\": 1,\n \"name\": [\n", 0644);
        put(&t, EXTERNAL_DIR_PKG "/odd.yaml", "api: 1\nname: odd\nflavour: x\nschema: {}\n", 0644);
        put(&t, EXTERNAL_DIR_PKG "/other.yaml", "api: 1\nname: another\nschema: {}\n", 0644);
        put(&t, EXTERNAL_DIR_PKG "/api2.yaml", "api: 2\nname: api2\n", 0644);
        /* a program outside its directory */
        put(&t, EXTERNAL_DIR_PKG "/escape.yaml",
            "api: 1\nname: escape\nprogram: ../../../bin/sh\n"
            "schema: {type: object, properties: {escape: {}}}\n",
            0644);
        /* a built-in from a package: refused even with replaces */
        put(&t, EXTERNAL_DIR_PKG "/runcmd.yaml",
            "api: 1\nname: runcmd\nreplaces: runcmd\n"
            "schema: {type: object, properties: {runcmd: {type: array}}}\n",
            0644);
        /* the admin's, without replaces: refused */
        put(&t, EXTERNAL_DIR_LOCAL "/timezone.yaml",
            "api: 1\nname: timezone\nschema: {type: object, properties: {timezone: {}}}\n", 0644);
        /* the admin's, with replaces: it takes the built-in's place */
        put(&t, EXTERNAL_DIR_LOCAL "/bootcmd.yaml",
            "api: 1\nname: bootcmd\nreplaces: bootcmd\nstage: init\nfrequency: always\n"
            "schema: {type: object, properties: {bootcmd: {type: array}}}\n",
            0644);
        /* a key another module owns */
        put(&t, EXTERNAL_DIR_LOCAL "/thief.yaml",
            "api: 1\nname: thief\nschema: {type: object, properties: {hostname: {}}}\n", 0644);
        /* writable by others: not trusted */
        put(&t, EXTERNAL_DIR_LOCAL "/loose.yaml",
            "api: 1\nname: loose\nschema: {type: object, properties: {loose: {}}}\n", 0646);

        assert_int_equal(external_load(t.fd), 3);
        m = module_find("greet");
        assert_non_null(m);
        assert_non_null(m->ext);
        assert_string_equal(m->source, EXTERNAL_DIR_PKG "/greet.json");
        assert_int_equal(module_default_stage(m), STAGE_CONFIG);
        assert_string_equal(m->activate_keys[0], "greet");
        m = module_find("bootcmd");
        assert_non_null(m->ext);
        assert_string_equal(external_replaces(m), "bootcmd");
        assert_int_equal(m->freq, FREQ_ALWAYS);
        assert_null(module_find("timezone")->ext);
        assert_null(module_find("runcmd")->ext);
        assert_null(module_find("escape"));
        assert_null(module_find("thief"));
        assert_null(module_find("loose"));
        assert_log_has(&t, EXTERNAL_DIR_PKG "/broken.json:3:1:");
        assert_log_has(&t, EXTERNAL_DIR_PKG "/odd.yaml:3:1: unknown key 'flavour' (api 1)");
        assert_log_has(&t, EXTERNAL_DIR_PKG "/other.yaml:2:7: 'name' must be the file's name");
        assert_log_has(&t, EXTERNAL_DIR_PKG "/api2.yaml:1:6: 'api: 1' is needed");
        assert_log_has(&t, EXTERNAL_DIR_PKG "/escape.yaml:3:10: 'program' must be a file name");
        assert_log_has(&t, EXTERNAL_DIR_PKG "/runcmd.yaml:2:7: module runcmd is built in");
        assert_log_has(&t, EXTERNAL_DIR_LOCAL "/timezone.yaml:2:7: module timezone is built in");
        assert_log_has(&t, EXTERNAL_DIR_LOCAL "/bootcmd.yaml: module bootcmd replaces the "
                                              "built-in one");
        assert_log_has(&t, "key 'hostname' belongs to another module; module thief skipped");
        assert_log_has(&t, EXTERNAL_DIR_LOCAL "/loose.yaml: not a regular file owned by root");
        /* every module once in the registry: the replaced built-in is gone */
        {
                size_t n_boot = 0;
                for (const struct module *const *p = module_all(); *p; p++)
                        n_boot += streq((*p)->name, "bootcmd");
                assert_int_equal(n_boot, 1);
        }
        external_unload();
        assert_null(module_find("greet"));
        assert_null(module_find("bootcmd")->ext);
        troot_free(&t);
}

static void test_external_program_gets_its_keys_and_environment(void **state)
{
        (void)state;
        struct troot t;
        struct module_ctx ctx;
        const struct module *m;
        struct node *cfg;
        char *env;

        troot_make(&t);
        if (!troot_make_system(&t)) {
                troot_free(&t);
                skip();
        }
        put(&t, EXTERNAL_DIR_PKG "/greet.json", issue_desc, 0644);
        put(&t, EXTERNAL_DIR_PKG "/greet",
            "#!/bin/sh\ncat > /tmp/stdin\nenv > /tmp/env\necho greeted\n"
            "[ -e /tmp/fail ] && exit 3\nexit 0\n",
            0755);
        cfg = test_yaml("greet: {text: \"hi \\\"there\\\"\\n\"}\nruncmd: [x]\n"
                        "cloud_config_modules: [greet]\n");
        assert_int_equal(runner_load_modules(t.fd, cfg), 1);
        m = module_find("greet");
        assert_non_null(m);
        ctx = ctx_of(&t, cfg, "modules-config");
        assert_int_equal(runner_run_stage(&ctx, STAGE_CONFIG), 0);
        assert_file_eq(&t, "/tmp/stdin", "{\"greet\":{\"text\":\"hi \\\"there\\\"\\n\"}}\n");
        env = troot_read(&t, "/tmp/env");
        assert_non_null(env);
        assert_non_null(strstr(env, "CLOUDBOOT_API=1\n"));
        assert_non_null(strstr(env, "CLOUDBOOT_ROOT=/\n"));
        assert_non_null(strstr(env, "CLOUDBOOT_INSTANCE_ID=i-test\n"));
        assert_non_null(strstr(env, "CLOUDBOOT_DATASOURCE=DataSourceNoCloud [seed=/s]"));
        assert_non_null(strstr(env, "CLOUDBOOT_STAGE=modules-config\n"));
        assert_non_null(strstr(env, "CLOUDBOOT_FREQUENCY=once-per-instance\n"));
        assert_non_null(strstr(env, "CLOUDBOOT_WORKDIR=/var/lib/cloud/instance/modules/greet\n"));
        free(env);
        assert_int_equal(troot_mode(&t, "/var/lib/cloud/instances/i-test/modules/greet") & 07777,
                         0700);
        assert_true(state_sem_has(t.fd, "i-test", "greet", FREQ_INSTANCE));
        /* once per instance: not again */
        put(&t, "/tmp/stdin", "", 0644);
        assert_int_equal(runner_run_stage(&ctx, STAGE_CONFIG), 0);
        assert_file_eq(&t, "/tmp/stdin", "");
        /* a failure is the module's result */
        put(&t, "/tmp/fail", "", 0644);
        assert_int_equal(runner_run_module(&ctx, m, FREQ_ALWAYS, false), -EPROTO);
        assert_log_has(&t, "Module greet failed: " EXTERNAL_DIR_PKG "/greet exited with status 3");
        /* a program that is not executable is not run */
        put(&t, EXTERNAL_DIR_PKG "/greet", "#!/bin/sh\nexit 0\n", 0644);
        assert_int_equal(runner_run_module(&ctx, m, FREQ_ALWAYS, false), -EPROTO);
        assert_log_has(&t, "is not an executable regular file owned by root");
        node_free(cfg);
        external_unload();
        troot_free(&t);
}

static void test_modules_dirs_not_read_when_lists_are_built_in(void **state)
{
        (void)state;
        struct troot t;
        struct node *cfg;

        troot_make(&t);
        put(&t, EXTERNAL_DIR_PKG "/greet.json", issue_desc, 0644);
        cfg = test_yaml("cloud_init_modules: [bootcmd]\ncloud_config_modules: [runcmd]\n"
                        "cloud_final_modules: [final_message]\n");
        assert_int_equal(runner_load_modules(t.fd, cfg), 0);
        assert_null(external_registry());
        node_free(cfg);
        /* Debian's lists name cloud-init modules cloudboot lacks: no scan for them
         * unless their keys are set */
        cfg = test_yaml("{}\n");
        assert_int_equal(runner_load_modules(t.fd, cfg), 0);
        assert_null(external_registry());
        node_free(cfg);
        cfg = test_yaml("puppet: {install: false}\n");
        assert_int_equal(runner_load_modules(t.fd, cfg), 1);
        assert_non_null(external_registry());
        external_unload();
        node_free(cfg);
        cfg = test_yaml("cloud_final_modules: [final_message, greet]\n");
        assert_int_equal(runner_load_modules(t.fd, cfg), 1);
        assert_non_null(external_registry());
        node_free(cfg);
        external_unload();
        troot_free(&t);
}

/* Each test starts with no external module loaded (a stage is one process). */
static int fresh_registry(void **state)
{
        (void)state;
        external_unload();
        return 0;
}

int main(void)
{
        const struct CMUnitTest tests[] = {
                cmocka_unit_test_setup(test_list_entry_forms, fresh_registry),
                cmocka_unit_test_setup(test_list_defaults_and_wrong_types, fresh_registry),
                cmocka_unit_test_setup(test_builtins_found_by_name, fresh_registry),
                cmocka_unit_test_setup(test_huge_list_is_bounded, fresh_registry),
                cmocka_unit_test_setup(test_listed_activated_and_unlisted_keys, fresh_registry),
                cmocka_unit_test_setup(test_stage_runs_in_list_order_with_list_frequency,
                                       fresh_registry),
                cmocka_unit_test_setup(test_schema_translation_validates_with_positions,
                                       fresh_registry),
                cmocka_unit_test_setup(test_descriptors_checked_and_shadowing_refused,
                                       fresh_registry),
                cmocka_unit_test_setup(test_external_program_gets_its_keys_and_environment,
                                       fresh_registry),
                cmocka_unit_test_setup(test_modules_dirs_not_read_when_lists_are_built_in,
                                       fresh_registry),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
