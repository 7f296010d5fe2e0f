/* SPDX-License-Identifier: Apache-2.0 */
/* Tests of modules/hostname.c (set_hostname, update_hostname) on a temp root. */
#include "testlib.h"
#include "module.h"

static int run(struct troot *t, const char *mod, const char *cfg_text, const char *md_text)
{
        struct node *cfg = test_yaml(cfg_text), *md = test_yaml(md_text);
        struct module_ctx ctx = {
                .root_fd = t->fd, .iid = "i1", .stage = "init", .cfg = cfg, .md = md
        };
        int r;
        if (md->type != NODE_MAP) {
                node_free(md);
                md = node_new(NODE_MAP);
                ctx.md = md;
        }
        r = module_find(mod)->run(&ctx);
        node_free(cfg);
        node_free(md);
        return r;
}

/* The init stage runs both, in this order. */
static void boot(struct troot *t, const char *cfg, const char *md)
{
        assert_int_equal(run(t, "set_hostname", cfg, md), 0);
        assert_int_equal(run(t, "update_hostname", cfg, md), 0);
}

static void test_hostname_key(void **state)
{
        (void)state;
        struct troot t;
        troot_make(&t);
        boot(&t, "hostname: test-system\n", "local-hostname: md-host\n");
        assert_file_eq(&t, "/etc/hostname", "test-system\n");
        assert_file_eq(&t, "/var/lib/cloud/data/set-hostname",
                       "{\"hostname\":\"test-system\",\"fqdn\":\"md-host\"}\n");
        assert_file_eq(&t, "/var/lib/cloud/data/previous-hostname", "test-system\n");
        assert_int_equal(troot_mode(&t, "/etc/hostname") & 0777, 0644);
        troot_free(&t);
}

static void test_fqdn_and_prefer_fqdn(void **state)
{
        (void)state;
        struct troot t;
        troot_make(&t);
        boot(&t, "fqdn: web.example.com\n", "");
        assert_file_eq(&t, "/etc/hostname", "web\n");
        assert_file_eq(&t, "/var/lib/cloud/data/set-hostname",
                       "{\"hostname\":\"web\",\"fqdn\":\"web.example.com\"}\n");
        troot_free(&t);
        troot_make(&t);
        boot(&t, "fqdn: web.example.com\nprefer_fqdn_over_hostname: true\n", "");
        assert_file_eq(&t, "/etc/hostname", "web.example.com\n");
        troot_free(&t);
        troot_make(&t);
        /* a dotted hostname is taken as the fqdn */
        boot(&t, "hostname: db.example.org\n", "");
        assert_file_eq(&t, "/etc/hostname", "db\n");
        assert_file_eq(&t, "/var/lib/cloud/data/set-hostname",
                       "{\"hostname\":\"db\",\"fqdn\":\"db.example.org\"}\n");
        troot_free(&t);
}

static void test_meta_data_local_hostname(void **state)
{
        (void)state;
        struct troot t;
        troot_make(&t);
        boot(&t, "{}\n", "local-hostname: node1.lab.example\n");
        assert_file_eq(&t, "/etc/hostname", "node1\n");
        assert_file_eq(&t, "/var/lib/cloud/data/set-hostname",
                       "{\"hostname\":\"node1\",\"fqdn\":\"node1.lab.example\"}\n");
        troot_free(&t);
        troot_make(&t);
        /* an IPv4 address becomes ip-a-b-c-d (LP: #475354) */
        boot(&t, "{}\n", "local-hostname: 10.1.2.3\n");
        assert_file_eq(&t, "/etc/hostname", "ip-10-1-2-3\n");
        troot_free(&t);
}

static void test_no_name_leaves_localhost_alone(void **state)
{
        (void)state;
        struct troot t;
        troot_make(&t);
        boot(&t, "{}\n", "");
        assert_false(fs_exists(t.fd, "/etc/hostname"));
        assert_false(fs_exists(t.fd, "/var/lib/cloud/data/set-hostname"));
        troot_free(&t);
}

static void test_preserve_hostname(void **state)
{
        (void)state;
        struct troot t;
        troot_make(&t);
        troot_write(&t, "/etc/hostname", "keep\n");
        boot(&t, "hostname: other\npreserve_hostname: true\n", "");
        assert_file_eq(&t, "/etc/hostname", "keep\n");
        assert_false(fs_exists(t.fd, "/var/lib/cloud/data/set-hostname"));
        troot_free(&t);
}

static void test_create_hostname_file_false(void **state)
{
        (void)state;
        struct troot t;
        troot_make(&t);
        boot(&t, "hostname: h\ncreate_hostname_file: false\n", "");
        assert_false(fs_exists(t.fd, "/etc/hostname"));
        assert_log_has(&t, "create_hostname_file is false");
        /* an existing file is still updated */
        troot_write(&t, "/etc/hostname", "old\n");
        (void)fs_unlink(t.fd, "/var/lib/cloud/data/set-hostname");
        assert_int_equal(run(&t, "set_hostname", "hostname: h\ncreate_hostname_file: false\n", ""),
                         0);
        assert_file_eq(&t, "/etc/hostname", "h\n");
        troot_free(&t);
}

static void test_comments_in_hostname_file_kept(void **state)
{
        (void)state;
        struct troot t;
        troot_make(&t);
        troot_write(&t, "/etc/hostname", "# managed by the image\nold\n");
        boot(&t, "hostname: new\n", "");
        assert_file_eq(&t, "/etc/hostname", "# managed by the image\nnew\n");
        troot_free(&t);
}

static void test_admin_change_survives_later_boots(void **state)
{
        (void)state;
        struct troot t;
        troot_make(&t);
        boot(&t, "hostname: first\n", "");
        /* the admin renames the machine */
        troot_write(&t, "/etc/hostname", "mine\n");
        /* next boot: set_hostname is per instance (not rerun), update_hostname always runs */
        assert_int_equal(run(&t, "update_hostname", "hostname: first\n", ""), 0);
        assert_file_eq(&t, "/etc/hostname", "mine\n");
        assert_log_has(&t, "keeping the hostname the admin set");
        troot_free(&t);
}

static void test_set_hostname_skips_unchanged_pair(void **state)
{
        (void)state;
        struct troot t;
        troot_make(&t);
        /* the fqdn comes from meta-data, so the pair does not depend on the
         * current system hostname (which is what cloud-init falls back to) */
        assert_int_equal(run(&t, "set_hostname", "hostname: a\n", "local-hostname: a.example\n"),
                         0);
        troot_write(&t, "/etc/hostname", "changed-by-hand\n");
        assert_int_equal(run(&t, "set_hostname", "hostname: a\n", "local-hostname: a.example\n"),
                         0);
        assert_file_eq(&t, "/etc/hostname", "changed-by-hand\n");
        assert_log_has(&t, "No hostname changes");
        troot_free(&t);
}

static void test_invalid_hostname_is_refused(void **state)
{
        (void)state;
        struct troot t;
        troot_make(&t);
        assert_int_equal(run(&t, "set_hostname", "hostname: \"bad name;rm -rf\"\n", ""), -EINVAL);
        assert_false(fs_exists(t.fd, "/etc/hostname"));
        assert_log_has(&t, "is not a valid host name");
        troot_free(&t);
}

/* Names the old check let through: bad labels, '_', a trailing '.', a label
 * over 63 bytes, a line break. Each refused with its position and why; no
 * /etc/hostname and not the meta-data's name in its place. */
static void test_bad_labels_are_refused(void **state)
{
        static const struct {
                const char *cfg, *why;
        } cases[] = {
                { "hostname: web_1\n", "has a character other than letters" },
                { "hostname: -web\n", "has a label starting with '-'" },
                { "hostname: web-\n", "has a label ending with '-'" },
                { "fqdn: a..example.com\n", "has an empty label" },
                { "fqdn: host.example.com.\n", "has an empty label" },
                { "fqdn: \"host\\n127.0.0.1 evil\"\n", "has a character other than letters" },
                { "hostname: "
                  "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\n",
                  "has a label longer than 63 bytes" },
        };
        (void)state;
        for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
                struct troot t;
                troot_make(&t);
                assert_int_equal(run(&t, "set_hostname", cases[i].cfg, "local-hostname: md\n"),
                                 -EINVAL);
                assert_false(fs_exists(t.fd, "/etc/hostname"));
                assert_log_has(&t, "test.yaml:1:");
                assert_log_has(&t, cases[i].why);
                troot_free(&t);
        }
}

int main(void)
{
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_hostname_key),
                cmocka_unit_test(test_fqdn_and_prefer_fqdn),
                cmocka_unit_test(test_meta_data_local_hostname),
                cmocka_unit_test(test_no_name_leaves_localhost_alone),
                cmocka_unit_test(test_preserve_hostname),
                cmocka_unit_test(test_create_hostname_file_false),
                cmocka_unit_test(test_comments_in_hostname_file_kept),
                cmocka_unit_test(test_admin_change_survives_later_boots),
                cmocka_unit_test(test_set_hostname_skips_unchanged_pair),
                cmocka_unit_test(test_invalid_hostname_is_refused),
                cmocka_unit_test(test_bad_labels_are_refused),
        };
        int r = cmocka_run_group_tests_name("mod-hostname", tests, NULL, NULL);
        node_names_free();
        return r;
}
