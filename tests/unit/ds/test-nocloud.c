/* SPDX-License-Identifier: Apache-2.0 */
/* Tests of src/cmdline.c and src/ds/nocloud.c on seed trees in a temp root. */
#include "testlib.h"
#include "cmdline.h"
#include "dstest.h"
#include "syscfg.h"

static struct node *parse_line(const char *line, int want, bool *net)
{
        struct node *md = node_new(NODE_MAP);
        assert_int_equal(cmdline_parse_nocloud(line, md, net), want);
        return md;
}

static void test_cmdline_short_keys_and_extras(void **state)
{
        (void)state;
        bool net = true;
        struct node *md = parse_line("BOOT_IMAGE=/vmlinuz ro ds=nocloud;s=file:///seed/;h=myhost;"
                                     "i=iid-7;dsmode=local;flag quiet",
                                     1, &net);
        assert_false(net);
        assert_string_equal(node_get_str(md, "seedfrom"), "file:///seed/");
        assert_string_equal(node_get_str(md, "local-hostname"), "myhost");
        assert_string_equal(node_get_str(md, "instance-id"), "iid-7");
        assert_string_equal(node_get_str(md, "dsmode"), "local");
        assert_int_equal(node_get(md, "flag")->type, NODE_NULL);
        node_free(md);
}

static void test_cmdline_forms_that_do_not_match(void **state)
{
        (void)state;
        node_free(parse_line("root=/dev/vda1 quiet", 0, NULL));
        node_free(parse_line("ds=nocloudfoo;h=x", 0, NULL));
        node_free(parse_line("xds=nocloud;h=x", 0, NULL));
        node_free(parse_line("", 0, NULL));
}

static void test_cmdline_nocloud_net_and_bare(void **state)
{
        (void)state;
        bool net = false;
        struct node *md = parse_line("ds=nocloud-net;s=http://10.0.0.1:8000/", 1, &net);
        assert_true(net);
        assert_string_equal(node_get_str(md, "seedfrom"), "http://10.0.0.1:8000/");
        node_free(md);
        md = parse_line("ds=nocloud", 1, &net);
        assert_false(net);
        assert_int_equal(md->n, 0);
        node_free(md);
        /* a value may hold '=' (a query string) */
        md = parse_line("ds=nocloud;s=http://h/?a=b", 1, &net);
        assert_string_equal(node_get_str(md, "seedfrom"), "http://h/?a=b");
        node_free(md);
}

static void test_cmdline_datasource(void **state)
{
        (void)state;
        char name[64];
        assert_int_equal(cmdline_datasource("ro ds=ec2 quiet", name, sizeof(name)), 1);
        assert_string_equal(name, "ec2");
        assert_int_equal(cmdline_datasource("ds=nocloud;s=http://x/ ci.ds=GCE", name,
                                            sizeof(name)),
                         1);
        assert_string_equal(name, "GCE"); /* the last word wins */
        assert_int_equal(cmdline_datasource("ci.datasource=OpenStack\n", name, sizeof(name)), 1);
        assert_string_equal(name, "OpenStack");
        assert_int_equal(cmdline_datasource("ds=nocloud-net;h=x", name, sizeof(name)), 1);
        assert_string_equal(name, "nocloud-net");
        assert_int_equal(cmdline_datasource("xds=ec2 ds= ds=;s=x quiet", name, sizeof(name)), 0);
}

static void test_cmdline_has_word(void **state)
{
        (void)state;
        assert_true(cmdline_has_word("ro cloud-init=disabled quiet", "cloud-init=disabled"));
        assert_true(cmdline_has_word("cloud-init=disabled\n", "cloud-init=disabled"));
        assert_false(cmdline_has_word("xcloud-init=disabled", "cloud-init=disabled"));
        assert_false(cmdline_has_word("cloud-init=disabledx", "cloud-init=disabled"));
}

static int probe(struct troot *t, bool local, struct ds_result *res)
{
        return ds_probe_troot(t, local, res);
}

static void test_seed_dir_is_found(void **state)
{
        (void)state;
        struct troot t;
        struct ds_result res = { 0 };
        troot_make(&t);
        troot_write(&t, "/var/lib/cloud/seed/nocloud/meta-data",
                    "instance-id: i-1\nlocal-hostname: h1\n");
        troot_write(&t, "/var/lib/cloud/seed/nocloud/user-data", "#cloud-config\nhostname: x\n");
        troot_write(&t, "/var/lib/cloud/seed/nocloud/vendor-data", "#cloud-config\n{}\n");
        assert_int_equal(probe(&t, true, &res), 0);
        assert_string_equal(res.ds->name, "NoCloud");
        assert_string_equal(res.iid, "i-1");
        assert_string_equal(res.dsmode, "net");
        assert_string_equal(res.subplatform, "seed-dir (/var/lib/cloud/seed/nocloud)");
        assert_string_equal(res.ud, "#cloud-config\nhostname: x\n");
        assert_string_equal(res.vd, "#cloud-config\n{}\n");
        assert_null(res.netcfg);
        assert_string_equal(res.ud_name, "/var/lib/cloud/seed/nocloud/user-data");
        assert_string_equal(node_get_str(res.md, "local-hostname"), "h1");
        /* the dsmode merged into the meta-data, as cloud-init's defaults are */
        assert_string_equal(node_get_str(res.md, "dsmode"), "net");
        ds_result_done(&res);
        troot_free(&t);
}

static void test_seed_dir_needs_both_files(void **state)
{
        (void)state;
        struct troot t;
        struct ds_result res = { 0 };
        troot_make(&t);
        troot_write(&t, "/var/lib/cloud/seed/nocloud/meta-data", "instance-id: i-1\n");
        /* no user-data: not a seed; in the local stage nothing is found */
        assert_int_equal(probe(&t, true, &res), -ENOENT);
        /* in the network stage the None datasource takes over */
        assert_int_equal(probe(&t, false, &res), 0);
        assert_string_equal(res.ds->name, "None");
        assert_string_equal(res.iid, "iid-datasource-none");
        ds_result_done(&res);
        troot_free(&t);
}

static void test_nocloud_net_seed_dir_and_default_instance_id(void **state)
{
        (void)state;
        struct troot t;
        struct ds_result res = { 0 };
        troot_make(&t);
        troot_write(&t, "/var/lib/cloud/seed/nocloud-net/meta-data", "");
        troot_write(&t, "/var/lib/cloud/seed/nocloud-net/user-data", "");
        assert_int_equal(probe(&t, true, &res), 0);
        assert_string_equal(res.iid, "nocloud");
        assert_string_equal(res.seed, "/var/lib/cloud/seed/nocloud-net");
        ds_result_done(&res);
        troot_free(&t);
}

static void test_cmdline_wins_over_serial_and_seed(void **state)
{
        (void)state;
        struct troot t;
        struct ds_result res = { 0 };
        troot_make(&t);
        troot_write(&t, "/sys/class/dmi/id/product_serial",
                    "ds=nocloud;h=from-serial;i=serial-iid\n");
        troot_write(&t, "/proc/cmdline", "ro ds=nocloud;h=from-cmdline\n");
        troot_write(&t, "/var/lib/cloud/seed/nocloud/meta-data",
                    "instance-id: seed-iid\nlocal-hostname: from-seed\nregion: r1\n");
        troot_write(&t, "/var/lib/cloud/seed/nocloud/user-data", "#cloud-config\n");
        assert_int_equal(probe(&t, true, &res), 0);
        assert_string_equal(node_get_str(res.md, "local-hostname"), "from-cmdline");
        assert_string_equal(res.iid, "serial-iid");
        assert_string_equal(node_get_str(res.md, "region"), "r1");
        /* ds=nocloud by name: local mode */
        assert_string_equal(res.dsmode, "local");
        ds_result_done(&res);
        troot_free(&t);
}

/* With a platform (every boot's case), ds= and NoCloud's keys come from the
 * command line it read: /proc/cmdline is not read again. */
static void test_cmdline_comes_from_the_platform(void **state)
{
        (void)state;
        struct troot t;
        struct ds_result res = { 0 };
        struct node *cfg = NULL;
        struct limits lim;
        struct platform plat;

        troot_make(&t);
        troot_write(&t, "/proc/cmdline", "ro ds=nocloud;h=from-proc\n");
        troot_write(&t, "/var/lib/cloud/seed/nocloud/meta-data", "instance-id: seed-iid\n");
        troot_write(&t, "/var/lib/cloud/seed/nocloud/user-data", "#cloud-config\n");
        assert_int_equal(syscfg_load(t.fd, &cfg), 0);
        syscfg_limits(cfg, &lim);
        platform_detect(t.fd, "ro ds=nocloud;h=from-platform;i=plat-iid", &plat);
        struct ds_ctx ctx = { .root_fd = t.fd,
                              .syscfg = cfg,
                              .local_stage = true,
                              .user_data_max = lim.user_data_max,
                              .plat = &plat };
        assert_int_equal(ds_find(&ctx, &res), 0);
        assert_string_equal(res.ds->name, "NoCloud");
        assert_string_equal(node_get_str(res.md, "local-hostname"), "from-platform");
        assert_string_equal(res.iid, "plat-iid");
        ds_result_done(&res);
        /* ds= names the list from the platform's line too: [ConfigDrive,
         * None] finds nothing in the local stage, where /proc/cmdline's
         * ds=nocloud would have found the seed */
        platform_detect(t.fd, "ro ds=ConfigDrive", &plat);
        res = (struct ds_result){ 0 };
        assert_int_equal(ds_find(&ctx, &res), -ENOENT);
        node_free(cfg);
        troot_free(&t);
}

static void test_serial_alone_with_file_seedfrom(void **state)
{
        (void)state;
        struct troot t;
        struct ds_result res = { 0 };
        troot_make(&t);
        troot_write(&t, "/sys/class/dmi/id/product_serial",
                    "ds=nocloud;s=file:///smbios_seed;h=myhost\n");
        troot_write(&t, "/smbios_seed/meta-data", "instance-id: sm-1\nlocal-hostname: other\n");
        troot_write(&t, "/smbios_seed/user-data", "#cloud-config\nfqdn: a.b\n");
        assert_int_equal(probe(&t, true, &res), 0);
        assert_string_equal(res.iid, "sm-1");
        assert_string_equal(node_get_str(res.md, "local-hostname"), "myhost");
        assert_string_equal(res.ud, "#cloud-config\nfqdn: a.b\n");
        assert_string_equal(res.dsmode, "local");
        assert_string_equal(res.subplatform, "seed-dir (/smbios_seed)");
        ds_result_done(&res);
        troot_free(&t);
}

static void test_http_seedfrom_is_left_to_the_network_stage(void **state)
{
        (void)state;
        struct troot t;
        struct ds_result res = { 0 };
        troot_make(&t);
        troot_write(&t, "/proc/cmdline", "ds=nocloud;s=http://127.0.0.1:9/\n");
        troot_write(&t, "/etc/cloud/cloud.cfg", "datasource_list: [NoCloud]\n");
        assert_int_equal(probe(&t, true, &res), -ENOENT);
        troot_free(&t);
}

static void test_dsmode_disabled_and_meta_data_dsmode(void **state)
{
        (void)state;
        struct troot t;
        struct ds_result res = { 0 };
        troot_make(&t);
        troot_write(&t, "/var/lib/cloud/seed/nocloud/meta-data", "dsmode: disabled\n");
        troot_write(&t, "/var/lib/cloud/seed/nocloud/user-data", "");
        troot_write(&t, "/etc/cloud/cloud.cfg", "datasource_list: [NoCloud]\n");
        assert_int_equal(probe(&t, true, &res), -ENOENT);
        troot_write(&t, "/var/lib/cloud/seed/nocloud/meta-data", "dsmode: local\n");
        assert_int_equal(probe(&t, true, &res), 0);
        assert_string_equal(res.dsmode, "local");
        ds_result_done(&res);
        troot_free(&t);
}

static void test_broken_meta_data_is_reported_and_empty(void **state)
{
        (void)state;
        struct troot t;
        struct ds_result res = { 0 };
        troot_make(&t);
        troot_write(&t, "/var/lib/cloud/seed/nocloud/meta-data", "instance-id: [oops\n");
        troot_write(&t, "/var/lib/cloud/seed/nocloud/user-data", "#cloud-config\n");
        assert_int_equal(probe(&t, true, &res), 0);
        assert_string_equal(res.iid, "nocloud");
        assert_log_has(&t, "WARNING: /var/lib/cloud/seed/nocloud/meta-data:2:1: ");
        ds_result_done(&res);
        troot_free(&t);
}

static void test_inline_system_config_seed(void **state)
{
        (void)state;
        struct troot t;
        struct ds_result res = { 0 };
        troot_make(&t);
        troot_write(&t, "/etc/cloud/cloud.cfg.d/50-seed.cfg",
                    "datasource:\n  NoCloud:\n    meta-data: {instance-id: inline-1}\n"
                    "    user-data: \"#cloud-config\\nhostname: inl\\n\"\n");
        assert_int_equal(probe(&t, true, &res), 0);
        assert_string_equal(res.iid, "inline-1");
        assert_string_equal(res.ud, "#cloud-config\nhostname: inl\n");
        ds_result_done(&res);
        troot_free(&t);
}

/* Too large a user-data is left out, reported once; the meta-data still
 * makes the instance (the boot goes on with what is valid). */
static void test_oversized_user_data_is_left_out(void **state)
{
        (void)state;
        struct troot t;
        struct ds_result res = { 0 };
        size_t big = DS_USERDATA_MAX + 1;
        char *data = malloc(big);
        troot_make(&t);
        memset(data, 'a', big);
        assert_int_equal(fs_write_atomic(t.fd, "/var/lib/cloud/seed/nocloud/user-data", data, big,
                                         0600, FS_NO_OWNER, (gid_t)-1),
                         0);
        free(data);
        troot_write(&t, "/var/lib/cloud/seed/nocloud/meta-data", "instance-id: big\n");
        troot_write(&t, "/etc/cloud/cloud.cfg", "datasource_list: [NoCloud]\n");
        assert_int_equal(probe(&t, true, &res), 0);
        assert_string_equal(res.iid, "big");
        assert_int_equal(res.ud_len, 0);
        ds_result_done(&res);
        assert_log_has(&t, "user-data is larger than 16777216 bytes");
        /* reported once, where it was found */
        assert_null(strstr(t.log.data, "Argument list too long"));
        troot_free(&t);
}

static void test_user_data_limit_is_configurable(void **state)
{
        (void)state;
        struct troot t;
        struct ds_result res = { 0 };
        char ud[6000];
        troot_make(&t);
        memset(ud, 'a', sizeof(ud) - 1);
        ud[sizeof(ud) - 1] = '\0';
        troot_write(&t, "/var/lib/cloud/seed/nocloud/user-data", ud);
        troot_write(&t, "/var/lib/cloud/seed/nocloud/meta-data", "instance-id: lim\n");
        troot_write(&t, "/etc/cloud/cloud.cfg",
                    "datasource_list: [NoCloud]\n"
                    "cloudboot: {max_user_data_bytes: 4096}\n");
        assert_int_equal(probe(&t, true, &res), 0);
        assert_int_equal(res.ud_len, 0);
        ds_result_done(&res);
        assert_log_has(&t, "user-data is larger than 4096 bytes; not used");
        troot_write(&t, "/etc/cloud/cloud.cfg",
                    "datasource_list: [NoCloud]\n"
                    "cloudboot: {max_user_data_bytes: 8192}\n");
        assert_int_equal(probe(&t, true, &res), 0);
        assert_int_equal(res.ud_len, sizeof(ud) - 1);
        ds_result_done(&res);
        /* out of range: reported, and the default kept */
        troot_write(&t, "/etc/cloud/cloud.cfg", "cloudboot: {max_user_data_bytes: 12}\n");
        assert_int_equal(probe(&t, true, &res), 0);
        assert_log_has(&t, "/etc/cloud/cloud.cfg:1:34: cloudboot.max_user_data_bytes must be an "
                           "integer from 4096 to 268435456; using 16777216");
        ds_result_done(&res);
        troot_free(&t);
}

static void test_public_keys_normalised(void **state)
{
        (void)state;
        const char *docs[] = {
                "public-keys: \"ssh-rsa AAA one\\nssh-ed25519 BBB two\\n\"\n",
                "public-keys: [ssh-rsa AAA one, ssh-ed25519 BBB two]\n",
                "public-keys: {a: ssh-rsa AAA one, b: [ssh-ed25519 BBB two]}\n",
        };
        for (size_t i = 0; i < ELEMENTSOF(docs); i++) {
                struct node *md = test_yaml(docs[i]);
                struct node *keys = ds_public_keys(md);
                assert_int_equal(keys->n, 2);
                assert_string_equal(keys->items[0]->str, "ssh-rsa AAA one");
                assert_string_equal(keys->items[1]->str, "ssh-ed25519 BBB two");
                node_free(keys);
                node_free(md);
        }
}

/* A memo of parsed meta-data (the boot layer's md_memo.c) as
 * ds_parse_meta_data() uses it: what it loads is taken without a parse; a
 * parse that gives a mapping is stored, with its bytes and name; a broken
 * document or one that is not a mapping is reported and never stored. */
static unsigned memo_stores;
static struct node *memo_tree;
static struct node *fake_load(const char *data, size_t len, const char *name)
{
        (void)data;
        (void)len;
        (void)name;
        return memo_tree ? node_copy(memo_tree) : NULL;
}
static void fake_store(const char *data, size_t len, const char *name, const struct node *md)
{
        assert_int_equal(len, strlen("a: 1\n"));
        assert_memory_equal(data, "a: 1\n", len);
        assert_string_equal(name, "m");
        assert_string_equal(node_get(md, "a")->str, "1");
        memo_stores++;
}

static void test_meta_data_memo(void **state)
{
        (void)state;
        static const struct ds_md_memo memo = { .load = fake_load, .store = fake_store };
        struct node *md;

        ds_set_meta_data_memo(&memo);
        md = ds_parse_meta_data("a: 1\n", 5, "m");
        assert_int_equal(memo_stores, 1);
        node_free(md);
        md = ds_parse_meta_data("a: [1\n", 6, "m"); /* broken: empty, reported */
        assert_int_equal(md->n, 0);
        node_free(md);
        md = ds_parse_meta_data("- 1\n", 4, "m"); /* not a mapping */
        assert_int_equal(md->n, 0);
        node_free(md);
        assert_int_equal(memo_stores, 1);
        memo_tree = test_yaml("kept: here\n");
        md = ds_parse_meta_data("a: [1\n", 6, "m"); /* the memo answers: no parse */
        assert_string_equal(node_get_str(md, "kept"), "here");
        assert_int_equal(memo_stores, 1);
        node_free(md);
        node_free(memo_tree);
        memo_tree = NULL;
        ds_set_meta_data_memo(NULL);
        md = ds_parse_meta_data("a: 1\n", 5, "m");
        assert_int_equal(memo_stores, 1);
        node_free(md);
}

int main(void)
{
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_cmdline_short_keys_and_extras),
                cmocka_unit_test(test_cmdline_datasource),
                cmocka_unit_test(test_cmdline_forms_that_do_not_match),
                cmocka_unit_test(test_cmdline_nocloud_net_and_bare),
                cmocka_unit_test(test_cmdline_has_word),
                cmocka_unit_test(test_seed_dir_is_found),
                cmocka_unit_test(test_seed_dir_needs_both_files),
                cmocka_unit_test(test_nocloud_net_seed_dir_and_default_instance_id),
                cmocka_unit_test(test_cmdline_wins_over_serial_and_seed),
                cmocka_unit_test(test_cmdline_comes_from_the_platform),
                cmocka_unit_test(test_serial_alone_with_file_seedfrom),
                cmocka_unit_test(test_http_seedfrom_is_left_to_the_network_stage),
                cmocka_unit_test(test_dsmode_disabled_and_meta_data_dsmode),
                cmocka_unit_test(test_broken_meta_data_is_reported_and_empty),
                cmocka_unit_test(test_inline_system_config_seed),
                cmocka_unit_test(test_oversized_user_data_is_left_out),
                cmocka_unit_test(test_user_data_limit_is_configurable),
                cmocka_unit_test(test_public_keys_normalised),
                cmocka_unit_test(test_meta_data_memo),
        };
        int r = cmocka_run_group_tests_name("nocloud", tests, NULL, NULL);
        node_names_free();
        return r;
}
