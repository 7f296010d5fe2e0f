/* SPDX-License-Identifier: Apache-2.0 */
/* Tests of src/boot/state.c, status.c and model.c: the on-disk contract. */
#include "testlib.h"
#include "datasource.h"
#include "model.h"
#include "state.h"
#include "status.h"

static void fill(struct ds_result *r, const char *iid)
{
        *r = (struct ds_result){ 0 };
        r->ds = &ds_nocloud;
        r->iid = strdup(iid);
        r->dsmode = strdup("net");
        r->platform = strdup("nocloud");
        r->subplatform = strdup("seed-dir (/s)");
        r->seed = strdup("/s");
        r->ud_name = strdup("/s/user-data");
        r->md = test_yaml("instance-id: x\nlocal-hostname: h\npassword: hunter2\n"
                          "public-keys: [ssh-ed25519 AAAA k]\n");
        r->ud = strdup("#cloud-config\npassword: hunter2\n");
        r->ud_len = strlen(r->ud);
}

static void test_iid_path_is_one_component(void **state)
{
        (void)state;
        char *p;
        assert_int_equal(state_iid_path("a/b/c", &p), 0);
        assert_string_equal(p, "a_b_c");
        free(p);
        assert_int_equal(state_iid_path("..", &p), 0);
        assert_string_equal(p, "__");
        free(p);
        assert_int_equal(state_iid_path("x\ny", &p), 0);
        assert_string_equal(p, "x_y");
        free(p);
        assert_int_equal(state_iid_path("", &p), -EINVAL);
}

static void test_store_lays_out_instance(void **state)
{
        (void)state;
        struct troot t;
        struct ds_result r;
        bool is_new = false;
        char target[256];
        ssize_t n;
        char link[300];

        troot_make(&t);
        fill(&r, "iid/one");
        assert_int_equal(state_store(t.fd, &r, &is_new), 0);
        assert_true(is_new);
        assert_file_eq(&t, "/var/lib/cloud/data/instance-id", "iid/one\n");
        assert_file_eq(&t, "/var/lib/cloud/data/previous-instance-id", "NO_PREVIOUS_INSTANCE_ID\n");
        assert_file_eq(&t, "/run/cloud-init/.instance-id", "iid/one\n");
        assert_file_eq(&t, "/var/lib/cloud/instances/iid_one/user-data.txt",
                       "#cloud-config\npassword: hunter2\n");
        assert_int_equal(troot_mode(&t, "/var/lib/cloud/instances/iid_one/user-data.txt") & 0777,
                         0600);
        assert_int_equal(troot_mode(&t, "/var/lib/cloud/instances/iid_one/vendor-data.txt") & 0777,
                         0600);
        /* vendor-data2: empty, as cloud-init writes it when the datasource has none */
        assert_file_eq(&t, "/var/lib/cloud/instances/iid_one/vendor-data2.txt", "");
        assert_int_equal(troot_mode(&t, "/var/lib/cloud/instances/iid_one/vendor-data2.txt") & 0777,
                         0600);
        assert_file_eq(&t, "/var/lib/cloud/instances/iid_one/datasource",
                       "DataSourceNoCloud: DataSourceNoCloud [seed=/s]\n");
        (void)snprintf(link, sizeof(link), "%s/var/lib/cloud/instance", t.path);
        n = readlink(link, target, sizeof(target) - 1);
        assert_true(n > 0);
        target[n] = '\0';
        assert_string_equal(target, "/var/lib/cloud/instances/iid_one");

        /* same instance again: not new */
        assert_int_equal(state_store(t.fd, &r, &is_new), 0);
        assert_false(is_new);
        assert_file_eq(&t, "/var/lib/cloud/data/previous-instance-id", "iid/one\n");
        ds_result_done(&r);

        /* another instance-id: new, previous recorded */
        fill(&r, "iid-two");
        assert_int_equal(state_store(t.fd, &r, &is_new), 0);
        assert_true(is_new);
        assert_file_eq(&t, "/var/lib/cloud/data/previous-instance-id", "iid/one\n");
        assert_file_eq(&t, "/var/lib/cloud/data/previous-datasource",
                       "DataSourceNoCloud: DataSourceNoCloud [seed=/s]\n");
        ds_result_done(&r);
        troot_free(&t);
}

/* cloud-init's init stage records the instance init-local found a second
 * time: previous-instance-id then holds what init-local wrote (the current id
 * on a first boot) and the description leaves the default dsmode out. */
static void test_reflect_as_cloud_inits_init_stage(void **state)
{
        (void)state;
        struct troot t;
        struct ds_result r;
        struct instance inst;
        bool is_new = false;
        char *desc = NULL;

        troot_make(&t);
        fill(&r, "iid-one");
        assert_int_equal(state_store(t.fd, &r, &is_new), 0);
        assert_file_eq(&t, "/var/lib/cloud/data/previous-instance-id", "NO_PREVIOUS_INSTANCE_ID\n");
        assert_int_equal(ds_describe(&r, &desc), 0);
        assert_int_equal(instance_from_result(&r, desc, &inst), 0);
        assert_int_equal(state_reflect(t.fd, &inst), 0);
        assert_file_eq(&t, "/var/lib/cloud/data/previous-instance-id", "iid-one\n");
        assert_file_eq(&t, "/var/lib/cloud/data/instance-id", "iid-one\n");
        assert_file_eq(&t, "/run/cloud-init/.instance-id", "iid-one\n");
        assert_file_eq(&t, "/var/lib/cloud/data/previous-datasource",
                       "DataSourceNoCloud: DataSourceNoCloud [seed=/s]\n");
        instance_done(&inst);
        free(desc);
        /* a dsmode other than net is named, as cloud-init 25.1 names it */
        free(r.dsmode);
        r.dsmode = strdup("local");
        assert_int_equal(ds_describe(&r, &desc), 0);
        assert_string_equal(desc, "DataSourceNoCloud [seed=/s][dsmode=local]");
        free(desc);
        ds_result_done(&r);
        troot_free(&t);
}

static void test_instance_data_public_file_has_no_secrets(void **state)
{
        (void)state;
        struct troot t;
        struct ds_result r;
        struct instance inst = { 0 };
        char *pub, *sens;

        troot_make(&t);
        fill(&r, "i-9");
        assert_int_equal(state_write_instance_data(t.fd, &r, NULL, "DataSourceNoCloud [seed=/s]",
                                                   NULL, 0, NULL),
                         0);
        pub = troot_read(&t, INSTANCE_DATA);
        sens = troot_read(&t, INSTANCE_DATA_SENSITIVE);
        assert_non_null(pub);
        assert_non_null(sens);
        assert_null(strstr(pub, "hunter2"));
        assert_non_null(strstr(pub, "redacted for non-root user"));
        assert_non_null(strstr(sens, "hunter2"));
        assert_non_null(strstr(pub, "\"public_ssh_keys\": [\n   \"ssh-ed25519 AAAA k\"\n  ]"));
        assert_int_equal(troot_mode(&t, INSTANCE_DATA) & 0777, 0644);
        assert_int_equal(troot_mode(&t, INSTANCE_DATA_SENSITIVE) & 0777, 0600);
        free(pub);
        free(sens);

        assert_int_equal(state_restore(t.fd, &inst), 0);
        assert_string_equal(inst.iid_raw, "i-9");
        assert_string_equal(inst.dsmode, "net");
        assert_string_equal(inst.description, "DataSourceNoCloud [seed=/s]");
        assert_string_equal(inst.ud_name, "/s/user-data");
        assert_string_equal(node_get_str(inst.md, "local-hostname"), "h");
        instance_done(&inst);

        /* the write left its copy (0600): each restore reads it, and gets
         * the same */
        assert_int_equal(troot_mode(&t, INSTANCE_SHADOW) & 0777, 0600);
        assert_int_equal(state_restore(t.fd, &inst), 0);
        assert_string_equal(inst.iid_raw, "i-9");
        assert_string_equal(inst.description, "DataSourceNoCloud [seed=/s]");
        assert_string_equal(node_get_str(inst.md, "local-hostname"), "h");
        instance_done(&inst);
        /* the JSON replaced (a new inode): the copy no longer serves */
        troot_write(&t, INSTANCE_DATA_SENSITIVE,
                    "{\"v1\": {\"instance_id\": \"i-new\"}, \"ds\": {\"meta_data\": {}}}\n");
        assert_int_equal(state_restore(t.fd, &inst), 0);
        assert_string_equal(inst.iid_raw, "i-new");
        instance_done(&inst);
        ds_result_done(&r);
        troot_free(&t);
}

/* Instance data that names no instance is refused; meta-data that is not a
 * mapping reads as an empty one, from the JSON and from the copy it leaves. */
static void test_restore_of_odd_instance_data(void **state)
{
        (void)state;
        struct troot t;
        struct instance inst = { 0 };

        troot_make(&t);
        troot_write(&t, INSTANCE_DATA_SENSITIVE, "{\"v1\": {\"platform\": \"x\"}}\n");
        assert_int_equal(state_restore(t.fd, &inst), -EBADMSG);
        assert_false(fs_exists(t.fd, INSTANCE_SHADOW));
        troot_write(&t, INSTANCE_DATA_SENSITIVE, "{\"v1\": {\"instance_id\": \"\"}}\n");
        assert_int_equal(state_restore(t.fd, &inst), -EINVAL);
        troot_write(&t, INSTANCE_DATA_SENSITIVE,
                    "{\"v1\": {\"instance_id\": \"a/b\", \"platform\": \"p\"},"
                    " \"ds\": {\"meta_data\": [1, 2]}}\n");
        for (int i = 0; i < 2; i++) { /* from the JSON, then from its copy */
                assert_int_equal(state_restore(t.fd, &inst), 0);
                assert_int_equal(fs_exists(t.fd, INSTANCE_SHADOW), true);
                assert_string_equal(inst.iid_raw, "a/b");
                assert_string_equal(inst.iid, "a_b");
                assert_string_equal(inst.platform, "p");
                assert_null(inst.dsname);
                assert_int_equal(inst.md->type, NODE_MAP);
                assert_int_equal(inst.md->n, 0);
                instance_done(&inst);
        }
        troot_free(&t);
}

/* The stage that writes the instance data leaves the copy the later stages
 * read, and it holds what reading the JSON gives: the same fields, the same
 * meta-data tree (bytes restored at the top, base64 text deeper, keys as
 * JSON has them). */
static void test_shadow_of_written_data_is_what_the_json_gives(void **state)
{
        (void)state;
        struct troot t;
        struct ds_result r;
        struct instance a = { 0 }, b = { 0 };
        struct node *seed, *deep;

        troot_make(&t);
        fill(&r, "i-7");
        seed = node_new_strn("\x01\xff\x00z", 4);
        seed->binary = true;
        assert_int_equal(node_set(r.md, "random_seed", seed), 0);
        deep = test_yaml("{7: seven, true: yes-key, f: 2.50, l: [x, 3]}");
        assert_int_equal(node_set(deep, "raw", node_new_strn("\xc3\x28", 2)), 0);
        assert_int_equal(node_set(r.md, "deep", deep), 0);
        assert_int_equal(state_write_instance_data(t.fd, &r, NULL, "DataSourceNoCloud [seed=/s]",
                                                   NULL, 0, NULL),
                         0);
        assert_true(fs_exists(t.fd, INSTANCE_SHADOW));
        assert_int_equal(troot_mode(&t, INSTANCE_SHADOW) & 0777, 0600);
        assert_int_equal(state_restore(t.fd, &a), 0);
        assert_int_equal(fs_unlink(t.fd, INSTANCE_SHADOW), 0);
        assert_int_equal(state_restore(t.fd, &b), 0); /* from the JSON */
        assert_string_equal(a.iid_raw, b.iid_raw);
        assert_string_equal(a.iid, b.iid);
        assert_string_equal(a.dsname, b.dsname);
        assert_string_equal(a.description, b.description);
        assert_string_equal(a.dsmode, b.dsmode);
        assert_string_equal(a.platform, b.platform);
        assert_string_equal(a.subplatform, b.subplatform);
        assert_string_equal(a.ud_name, b.ud_name);
        assert_node_same(a.md, b.md, "meta-data");
        /* and what that is */
        assert_true(node_get(a.md, "random_seed")->binary);
        assert_int_equal(node_get(a.md, "random_seed")->len, 4);
        assert_memory_equal(node_get(a.md, "random_seed")->str, "\x01\xff\x00z", 4);
        assert_string_equal(node_get_str(node_get(a.md, "deep"), "raw"), "wyg=");
        assert_string_equal(node_get_str(node_get(a.md, "deep"), "7"), "seven");
        instance_done(&a);
        instance_done(&b);
        ds_result_done(&r);
        troot_free(&t);
}

static void test_semaphores_per_frequency(void **state)
{
        (void)state;
        struct troot t;
        char *sem;
        troot_make(&t);
        assert_false(state_sem_has(t.fd, "i1", "write-files", FREQ_INSTANCE));
        assert_int_equal(state_sem_set(t.fd, "i1", "write-files", FREQ_INSTANCE), 0);
        assert_true(state_sem_has(t.fd, "i1", "write-files", FREQ_INSTANCE));
        assert_true(fs_exists(t.fd, "/var/lib/cloud/instances/i1/sem/config_write_files"));
        assert_false(state_sem_has(t.fd, "i2", "write-files", FREQ_INSTANCE));
        /* format: "<pid>: <time>\n" */
        sem = troot_read(&t, "/var/lib/cloud/instances/i1/sem/config_write_files");
        assert_non_null(strstr(sem, ": "));
        assert_int_equal(atoi(sem), getpid());
        free(sem);
        assert_int_equal(state_sem_set(t.fd, "i1", "x", FREQ_ONCE), 0);
        assert_true(fs_exists(t.fd, "/var/lib/cloud/sem/config_x.once"));
        assert_true(state_sem_has(t.fd, "i2", "x", FREQ_ONCE));
        assert_int_equal(state_sem_set(t.fd, "i1", "y", FREQ_ALWAYS), 0);
        assert_false(state_sem_has(t.fd, "i1", "y", FREQ_ALWAYS));
        troot_free(&t);
}

/* Semaphores as a stage sees them: what it sets is seen at once, what
 * another hand removes is seen gone, and another tree (the same fd number,
 * the same instance) has its own. */
static void test_semaphores_as_a_stage_sees_them(void **state)
{
        (void)state;
        struct troot t, u;
        const char *names[] = { "b", "a", "c", "a-b" };

        troot_make(&t);
        troot_write(&t, "/var/lib/cloud/instances/i1/sem/config_zz", "1: 2\n");
        assert_true(state_sem_has(t.fd, "i1", "zz", FREQ_INSTANCE));
        for (size_t i = 0; i < ELEMENTSOF(names); i++) {
                assert_false(state_sem_has(t.fd, "i1", names[i], FREQ_INSTANCE));
                assert_int_equal(state_sem_set(t.fd, "i1", names[i], FREQ_INSTANCE), 0);
                for (size_t j = 0; j <= i; j++)
                        assert_true(state_sem_has(t.fd, "i1", names[j], FREQ_INSTANCE));
        }
        assert_true(state_sem_has(t.fd, "i1", "a_b", FREQ_INSTANCE));
        assert_int_equal(fs_unlink(t.fd, "/var/lib/cloud/instances/i1/sem/config_zz"), 0);
        assert_false(state_sem_has(t.fd, "i1", "zz", FREQ_INSTANCE));
        assert_false(state_sem_has_file(t.fd, "i1", "consume_data"));
        assert_int_equal(state_sem_set_file(t.fd, "i1", "consume_data"), 0);
        assert_true(state_sem_has_file(t.fd, "i1", "consume_data"));
        /* an instance of its own, and the "once" directory beside it */
        assert_false(state_sem_has(t.fd, "i2", "a", FREQ_INSTANCE));
        assert_false(state_sem_has(t.fd, "i2", "o", FREQ_ONCE));
        assert_int_equal(state_sem_set(t.fd, "i2", "o", FREQ_ONCE), 0);
        assert_true(state_sem_has(t.fd, "i1", "o", FREQ_ONCE));
        assert_true(state_sem_has(t.fd, "i1", "a", FREQ_INSTANCE));
        troot_free(&t);

        /* another tree, very likely the same fd number and inode number */
        troot_make(&u);
        troot_write(&u, "/var/lib/cloud/instances/i1/sem/config_only_here", "");
        troot_write(&u, "/var/lib/cloud/sem/config_p.once", "");
        assert_false(state_sem_has(u.fd, "i1", "a", FREQ_INSTANCE));
        assert_true(state_sem_has(u.fd, "i1", "only_here", FREQ_INSTANCE));
        assert_false(state_sem_has(u.fd, "i1", "o", FREQ_ONCE));
        assert_true(state_sem_has(u.fd, "i1", "p", FREQ_ONCE));
        troot_free(&u);
}

static void test_status_json_through_a_boot(void **state)
{
        (void)state;
        struct troot t;
        struct node *doc = NULL;
        char *res;
        troot_make(&t);
        assert_int_equal(status_stage_begin(t.fd, "init-local"), 0);
        assert_int_equal(status_load(t.fd, STATUS_LINK, &doc), 0);
        assert_string_equal(node_get_str(node_get(doc, "v1"), "stage"), "init-local");
        assert_int_equal(node_get(node_get(node_get(doc, "v1"), "init-local"), "start")->type,
                         NODE_FLOAT);
        node_free(doc);

        log_warning("a recoverable problem");
        assert_int_equal(status_stage_end(t.fd, "init-local", "DataSourceNoCloud", NULL), 0);
        log_records_reset();
        assert_int_equal(status_stage_end(t.fd, "init", "DataSourceNoCloud", "it broke"), 0);
        assert_int_equal(status_load(t.fd, STATUS_LINK, &doc), 0);
        assert_null(node_get_str(node_get(doc, "v1"), "stage"));
        assert_string_equal(node_get_str(node_get(doc, "v1"), "datasource"), "DataSourceNoCloud");
        assert_string_equal(
                node_get_path(doc, "v1.init-local.recoverable_errors.WARNING")->items[0]->str,
                "a recoverable problem");
        assert_string_equal(node_get_path(doc, "v1.init.errors")->items[0]->str, "it broke");
        node_free(doc);

        assert_int_equal(status_write_result(t.fd, "DataSourceNoCloud"), 0);
        res = troot_read(&t, RESULT_LINK);
        assert_non_null(res);
        assert_non_null(strstr(res, "\"errors\": [\n   \"it broke\"\n  ]"));
        /* as cloud-init's: the datasource and the errors, no recoverable ones */
        assert_null(strstr(res, "recoverable"));
        free(res);
        assert_int_equal(status_reset(t.fd), 0);
        assert_false(fs_exists(t.fd, STATUS_JSON));
        assert_false(fs_exists(t.fd, RESULT_JSON));
        troot_free(&t);
}

static struct model test_model(void)
{
        struct model m = { .key = 0x1234567890abcdefull, .complete = true };
        struct yaml_error err;

        m.iid = strdup("iid_one");
        assert_int_equal(yaml_load("a: 1\nb: [-7, true, null, 1.5, !!binary AAEC]\n"
                                   "c: {d: text}\n",
                                   strlen("a: 1\nb: [-7, true, null, 1.5, !!binary AAEC]\n"
                                          "c: {d: text}\n"),
                                   "user-data[part 2]", NULL, &m.user, &err),
                         0);
        m.vendor = test_yaml("x: vendor\n");
        assert_int_equal(model_add_diag(&m, "user-data:1:1: a warning"), 0);
        assert_int_equal(model_add_hook(&m, "/var/lib/cloud/instances/i/boothooks/part-001", true),
                         0);
        return m;
}

/* Same type, value, position and file name (the interned pointer), all the way down. */
static void assert_same_tree(const struct node *a, const struct node *b)
{
        assert_int_equal(a->type, b->type);
        assert_int_equal(a->binary, b->binary);
        assert_int_equal(a->line, b->line);
        assert_int_equal(a->col, b->col);
        assert_ptr_equal(a->file, b->file);
        assert_int_equal(a->len, b->len);
        if (a->str)
                assert_memory_equal(a->str, b->str, a->len);
        else
                assert_null(b->str);
        assert_int_equal(a->i, b->i);
        assert_int_equal(a->b, b->b);
        assert_int_equal(a->n, b->n);
        for (size_t i = 0; i < a->n; i++)
                assert_same_tree(a->items[i], b->items[i]);
}

static void test_model_round_trip_keeps_positions(void **state)
{
        (void)state;
        struct model m = test_model(), back = { 0 };
        struct buf b;

        assert_int_equal(model_encode(&m, 1u << 20, &b), 0);
        assert_int_equal(model_decode(b.data, b.len, &back), 0);
        assert_int_equal(back.key, m.key);
        assert_string_equal(back.iid, "iid_one");
        assert_true(back.complete);
        assert_same_tree(m.user, back.user);
        assert_same_tree(m.vendor, back.vendor);
        assert_string_equal(back.user->file, "user-data[part 2]");
        assert_int_equal(node_get(back.user, "b")->items[0]->i, -7);
        assert_int_equal(back.n_diags, 1);
        assert_string_equal(back.diags[0], "user-data:1:1: a warning");
        assert_int_equal(back.n_hooks, 1);
        assert_true(back.hooks[0].shebang);
        assert_string_equal(back.hooks[0].path, "/var/lib/cloud/instances/i/boothooks/part-001");
        model_done(&back);
        /* no cloud-config at all is a model too */
        node_free(m.user);
        node_free(m.vendor);
        m.user = m.vendor = NULL;
        buf_free(&b);
        assert_int_equal(model_encode(&m, 1u << 20, &b), 0);
        assert_int_equal(model_decode(b.data, b.len, &back), 0);
        assert_null(back.user);
        assert_null(back.vendor);
        model_done(&back);
        model_done(&m);
        buf_free(&b);
}

static void test_model_decode_refuses_damage(void **state)
{
        (void)state;
        struct model m = test_model(), back;
        struct buf b;

        assert_int_equal(model_encode(&m, 1u << 20, &b), 0);
        /* torn at every length */
        for (size_t len = 0; len < b.len; len++)
                assert_int_equal(model_decode(b.data, len, &back), -EBADMSG);
        /* any byte changed */
        for (size_t i = 0; i < b.len; i++) {
                b.data[i] ^= 0x41;
                assert_int_equal(model_decode(b.data, b.len, &back), -EBADMSG);
                b.data[i] ^= 0x41;
        }
        assert_int_equal(model_decode(b.data, b.len, &back), 0);
        model_done(&back);
        model_done(&m);
        buf_free(&b);
}

static void test_model_load_checks_key_and_instance(void **state)
{
        (void)state;
        struct troot t;
        struct model m = test_model(), back;

        troot_make(&t);
        assert_int_equal(model_load(t.fd, MODEL_RUN, 0, NULL, &back), -ENOENT);
        assert_int_equal(model_store(t.fd, MODEL_RUN, &m), 0);
        assert_int_equal(troot_mode(&t, MODEL_RUN) & 0777, 0600);
        assert_int_equal(model_load(t.fd, MODEL_RUN, m.key + 1, NULL, &back), -ESTALE);
        assert_int_equal(model_load(t.fd, MODEL_RUN, 0, "iid_two", &back), -ESTALE);
        assert_int_equal(model_load(t.fd, MODEL_RUN, m.key, "iid_one", &back), 0);
        model_done(&back);
        /* a key covers each input and its length */
        assert_true(model_key_add(model_key_add(MODEL_KEY_INIT, "ab", 2), "c", 1) !=
                    model_key_add(model_key_add(MODEL_KEY_INIT, "a", 1), "bc", 2));
        model_done(&m);
        troot_free(&t);
}

static void test_store_lays_out_cloud_init_dirs(void **state)
{
        (void)state;
        static const char *const dirs[] = {
                "/var/lib/cloud/instances/i1/handlers",
                "/var/lib/cloud/instances/i1/scripts",
                "/var/lib/cloud/instances/i1/sem",
                "/var/lib/cloud/handlers",
                "/var/lib/cloud/scripts/per-boot",
                "/var/lib/cloud/scripts/per-instance",
                "/var/lib/cloud/scripts/per-once",
                "/var/lib/cloud/scripts/vendor",
                "/var/lib/cloud/seed",
                "/var/lib/cloud/sem",
                "/run/cloud-init/sem",
                NULL,
        };
        struct troot t;
        struct ds_result r;
        bool is_new;
        char *sem;

        troot_make(&t);
        fill(&r, "i1");
        /* the raw files are left alone when told */
        assert_int_equal(state_store_instance(t.fd, &r, false, &is_new), 0);
        assert_false(fs_exists(t.fd, "/var/lib/cloud/instances/i1/user-data.txt"));
        assert_false(fs_exists(t.fd, "/var/lib/cloud/instances/i1/vendor-data.txt"));
        for (const char *const *d = dirs; *d; d++)
                assert_int_equal(troot_mode(&t, *d) & 07777, 0755);
        assert_false(state_sem_has_file(t.fd, "i1", "consume_data"));
        assert_int_equal(state_sem_set_file(t.fd, "i1", "consume_data"), 0);
        assert_true(state_sem_has_file(t.fd, "i1", "consume_data"));
        sem = troot_read(&t, "/var/lib/cloud/instances/i1/sem/consume_data");
        assert_int_equal(atoi(sem), getpid());
        assert_non_null(strstr(sem, ": "));
        free(sem);
        ds_result_done(&r);
        troot_free(&t);
}

static void test_cloud_id_file_and_link(void **state)
{
        (void)state;
        struct troot t;
        char link[300];
        ssize_t n;

        troot_make(&t);
        assert_int_equal(state_write_cloud_id(t.fd, "nocloud"), 0);
        assert_file_eq(&t, "/run/cloud-init/cloud-id-nocloud", "nocloud\n");
        assert_int_equal(troot_mode(&t, "/run/cloud-init/cloud-id-nocloud") & 0777, 0644);
        n = readlinkat(t.fd, "run/cloud-init/cloud-id", link, sizeof(link) - 1);
        assert_true(n > 0);
        link[n] = 0;
        assert_string_equal(link, "/run/cloud-init/cloud-id-nocloud");
        /* another cloud: the link follows, the old file goes */
        assert_int_equal(state_write_cloud_id(t.fd, "aws"), 0);
        n = readlinkat(t.fd, "run/cloud-init/cloud-id", link, sizeof(link) - 1);
        link[n > 0 ? n : 0] = 0;
        assert_string_equal(link, "/run/cloud-init/cloud-id-aws");
        assert_file_eq(&t, "/run/cloud-init/cloud-id-aws", "aws\n");
        assert_false(fs_exists(t.fd, "/run/cloud-init/cloud-id-nocloud"));
        /* a cloud-id that is no file name is refused */
        assert_int_equal(state_write_cloud_id(t.fd, "../x"), -EINVAL);
        assert_int_equal(state_write_cloud_id(t.fd, "a\nb"), -EINVAL);
        troot_free(&t);
}

int main(void)
{
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_iid_path_is_one_component),
                cmocka_unit_test(test_store_lays_out_instance),
                cmocka_unit_test(test_reflect_as_cloud_inits_init_stage),
                cmocka_unit_test(test_instance_data_public_file_has_no_secrets),
                cmocka_unit_test(test_shadow_of_written_data_is_what_the_json_gives),
                cmocka_unit_test(test_restore_of_odd_instance_data),
                cmocka_unit_test(test_semaphores_per_frequency),
                cmocka_unit_test(test_semaphores_as_a_stage_sees_them),
                cmocka_unit_test(test_status_json_through_a_boot),
                cmocka_unit_test(test_model_round_trip_keeps_positions),
                cmocka_unit_test(test_model_decode_refuses_damage),
                cmocka_unit_test(test_model_load_checks_key_and_instance),
                cmocka_unit_test(test_store_lays_out_cloud_init_dirs),
                cmocka_unit_test(test_cloud_id_file_and_link),
        };
        int r = cmocka_run_group_tests_name("state", tests, NULL, NULL);
        node_names_free();
        return r;
}
