/* SPDX-License-Identifier: Apache-2.0 */
/* Tests of src/boot/instance_data.c: cloud-init 25.1's instance-data keys and
 * values, and no secret in the public file. */
#include "testlib.h"
#include "datasource.h"
#include "instance_data.h"
#include "log.h"
#include "platform.h"
#include "state.h"

static void fill(struct ds_result *r, const struct datasource *ds, const char *platform,
                 const char *md)
{
        *r = (struct ds_result){ 0 };
        r->ds = ds;
        r->iid = strdup("i-1");
        r->dsmode = strdup("net");
        r->platform = strdup(platform);
        r->subplatform = strdup("seed-dir (/s)");
        r->ud_name = strdup("/s/user-data");
        r->md = test_yaml(md);
}

static void test_v1_has_cloud_inits_keys(void **state)
{
        (void)state;
        static const char *const keys[] = {
                "_beta_keys",     "availability-zone", "availability_zone",
                "cloud-name",     "cloud_id",          "cloud_name",
                "distro",         "distro_release",    "distro_version",
                "instance-id",    "instance_id",       "kernel_release",
                "local-hostname", "local_hostname",    "machine",
                "platform",       "public_ssh_keys",   "python_version",
                "region",         "subplatform",       "system_platform",
                "variant",
        };
        static const char *const top[] = {
                "base64_encoded_keys", "ds",       "merged_cfg", "merged_system_cfg",
                "sensitive_keys",      "sys_info", "v1"
        };
        struct troot t;
        struct ds_result r;
        struct node *full = NULL;
        const struct node *v1;

        troot_make(&t);
        troot_write(&t, "/etc/os-release",
                    "ID=debian\nVERSION_ID=\"13\"\nVERSION_CODENAME=trixie\n");
        fill(&r, &ds_nocloud, "nocloud", "instance-id: i-1\nlocal-hostname: h\n");
        assert_int_equal(instance_data_build(t.fd, &r, NULL, "DataSourceNoCloud", NULL, &full), 0);
        v1 = node_get(full, "v1");
        for (size_t i = 0; i < ELEMENTSOF(keys); i++)
                if (!node_get_key(v1, keys[i]))
                        fail_msg("v1 lacks %s", keys[i]);
        assert_int_equal(v1->n / 2, ELEMENTSOF(keys));
        for (size_t i = 0; i < ELEMENTSOF(top); i++)
                if (!node_get_key(full, top[i]))
                        fail_msg("instance-data lacks %s", top[i]);
        /* cloud-init 25.1 on NoCloud: cloud_name unknown, cloud_id the platform */
        assert_string_equal(node_get_str(v1, "cloud_name"), "unknown");
        assert_string_equal(node_get_str(v1, "cloud_id"), "nocloud");
        assert_string_equal(node_get_str(v1, "distro"), "debian");
        assert_string_equal(node_get_str(v1, "distro_version"), "13");
        assert_string_equal(node_get_str(v1, "distro_release"), "trixie");
        assert_string_equal(node_get_str(v1, "variant"), "debian");
        assert_string_equal(node_get_str(v1, "local_hostname"), "h");
        assert_string_equal(node_get_str(node_get(full, "_cloudboot"), "datasource"), "NoCloud");
        /* cloud-init's restricted config: system_info is not in merged_cfg */
        assert_null(node_get_path(full, "merged_cfg.system_info"));
        assert_non_null(node_get_path(full, "merged_cfg.def_log_file"));
        node_free(full);
        ds_result_done(&r);

        /* a cloud-name in meta-data wins, lowercased */
        fill(&r, &ds_nocloud, "nocloud", "instance-id: i-1\ncloud-name: MyCloud\n");
        assert_int_equal(instance_data_build(t.fd, &r, NULL, "x", NULL, &full), 0);
        assert_string_equal(node_get_str(node_get(full, "v1"), "cloud_name"), "mycloud");
        assert_string_equal(node_get_str(node_get(full, "v1"), "cloud_id"), "mycloud");
        node_free(full);
        ds_result_done(&r);
        troot_free(&t);
}

/* v1.local_hostname is cloud-init's get_hostname(): the short name of the
 * meta-data's local-hostname, ip-A-B-C-D for an IPv4 address. */
static void test_local_hostname_is_the_short_name(void **state)
{
        (void)state;
        static const char *const cases[][2] = { { "web.example.org", "web" },
                                                { "plain", "plain" },
                                                { "10.1.2.3", "ip-10-1-2-3" } };
        struct troot t;

        troot_make(&t);
        for (size_t i = 0; i < ELEMENTSOF(cases); i++) {
                struct ds_result r;
                struct node *full = NULL;
                char md[128];

                (void)snprintf(md, sizeof(md), "instance-id: i-1\nlocal-hostname: %s\n",
                               cases[i][0]);
                fill(&r, &ds_nocloud, "nocloud", md);
                assert_int_equal(instance_data_build(t.fd, &r, NULL, "d", NULL, &full), 0);
                assert_string_equal(node_get_str(node_get(full, "v1"), "local_hostname"),
                                    cases[i][1]);
                assert_string_equal(node_get_str(node_get(full, "v1"), "local-hostname"),
                                    cases[i][1]);
                node_free(full);
                ds_result_done(&r);
        }
        troot_free(&t);
}

static void test_cloud_id_is_canonical(void **state)
{
        (void)state;
        assert_string_equal(instance_data_cloud_id("aws", "cn-north-1", "ec2"), "aws-china");
        assert_string_equal(instance_data_cloud_id("aws", "us-gov-west-1", "ec2"), "aws-gov");
        assert_string_equal(instance_data_cloud_id("aws", "us-east-1", "ec2"), "aws");
        assert_string_equal(instance_data_cloud_id("azure", "chinaeast", "azure"), "azure-china");
        assert_string_equal(instance_data_cloud_id("unknown", NULL, "nocloud"), "nocloud");
        assert_string_equal(instance_data_cloud_id("openstack", NULL, "openstack"), "openstack");
}

/* cloud-init's names match whole, by name or by path, in any case. */
static void test_which_keys_are_sensitive(void **state)
{
        (void)state;
        static const struct {
                const char *name, *path;
                bool want;
        } cases[] = {
                { "merged_cfg", "merged_cfg", true },
                { "User-Data", "x/User-Data", true },
                { "USERDATA", "USERDATA", true },
                { "vendor_data", "ds/vendor_data", true },
                { "vendor_data", "ds/meta_data/vendor_data", false },
                { "Vendor_Data", "DS/Vendor_Data", true },
                { "merged_cfx", "merged_cfx", false },
                { "merged_cfg2", "merged_cfg2", false },
                { "user", "user", false },
                { "combined_cloud_config", "a/combined_cloud_config", true },
                { "security-credentials", "ds/meta_data/iam/security-credentials", true },
                { "Admin_Pass", "x/Admin_Pass", true },
                { "db_password", "ds/meta_data/db_password", true },
                { "db_password", "merged_cfg/db_password", false },
                { "", "", false },
        };
        for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
                if (instance_data_key_is_sensitive(cases[i].name, cases[i].path) != cases[i].want)
                        fail_msg("%s at %s: want %d", cases[i].name, cases[i].path,
                                 cases[i].want);
}

/* The path of a key deeper than the path buffer is not listed, and the walk
 * goes on with its siblings. */
static void test_long_paths_are_left_out(void **state)
{
        (void)state;
        struct troot t;
        struct ds_result r;
        struct node *full = NULL;
        const struct node *sens;
        char md[2000], key[201];
        size_t len = 0;

        /* six keys of 200 characters deep: its path is over 1024 bytes */
        memset(key, 'k', 200);
        key[200] = '\0';
        len += (size_t)snprintf(md + len, sizeof(md) - len, "instance-id: i-1\n");
        for (int i = 0; i < 6; i++)
                len += (size_t)snprintf(md + len, sizeof(md) - len, "%s: {", key);
        len += (size_t)snprintf(md + len, sizeof(md) - len, "password: a}}}}}}\n");
        (void)snprintf(md + len, sizeof(md) - len, "x: {password: b}\n");
        troot_make(&t);
        fill(&r, &ds_nocloud, "nocloud", md);
        assert_int_equal(instance_data_build(t.fd, &r, NULL, "x", NULL, &full), 0);
        sens = node_get(full, "sensitive_keys");
        assert_int_equal(sens->n, 3);
        assert_string_equal(sens->items[0]->str, "ds/meta_data/x/password");
        assert_string_equal(sens->items[1]->str, "merged_cfg");
        node_free(full);
        ds_result_done(&r);
        troot_free(&t);
}

static void test_secrets_are_redacted_in_the_public_copy(void **state)
{
        (void)state;
        struct troot t;
        struct ds_result r;
        struct node *full = NULL, *pub = NULL;
        const struct node *sens;

        troot_make(&t);
        fill(&r, &ds_nocloud, "nocloud",
             "instance-id: i-1\nadmin_pass: ap\nmeta: {password: pw, api_token: tk, role: web}\n"
             "security-credentials: {k: v}\nvendor-data: vd\n");
        assert_int_equal(instance_data_build(t.fd, &r, NULL, "x", NULL, &full), 0);
        sens = node_get(full, "sensitive_keys");
        assert_int_equal(sens->n, 7);
        assert_string_equal(sens->items[0]->str, "ds/meta_data/admin_pass");
        assert_string_equal(sens->items[1]->str, "ds/meta_data/meta/api_token");
        assert_string_equal(sens->items[2]->str, "ds/meta_data/meta/password");
        assert_string_equal(sens->items[3]->str, "ds/meta_data/security-credentials");
        assert_string_equal(sens->items[4]->str, "ds/meta_data/vendor-data");
        assert_string_equal(sens->items[5]->str, "merged_cfg");
        assert_string_equal(sens->items[6]->str, "merged_system_cfg");
        pub = node_copy(full);
        assert_int_equal(instance_data_redact(pub), 0);
        assert_string_equal(node_get_str(node_get_path(pub, "ds.meta_data"), "admin_pass"),
                            INSTANCE_DATA_REDACTED);
        assert_string_equal(node_get_str(node_get_path(pub, "ds.meta_data.meta"), "password"),
                            INSTANCE_DATA_REDACTED);
        assert_string_equal(node_get_str(node_get_path(pub, "ds.meta_data.meta"), "role"), "web");
        assert_string_equal(node_get_str(pub, "merged_cfg"), INSTANCE_DATA_REDACTED);
        assert_string_equal(node_get_str(node_get_path(full, "ds.meta_data.meta"), "password"),
                            "pw");
        node_free(pub);
        node_free(full);
        ds_result_done(&r);

        /* the files: the public one 0644 without the secrets, the other 0600 */
        fill(&r, &ds_nocloud, "nocloud", "instance-id: i-1\nadmin_pass: s3cr3t-ap\n");
        assert_int_equal(state_write_instance_data(t.fd, &r, NULL, "x", NULL, 0, NULL), 0);
        {
                char *p = troot_read(&t, INSTANCE_DATA),
                     *s = troot_read(&t, INSTANCE_DATA_SENSITIVE);
                assert_null(strstr(p, "s3cr3t-ap"));
                assert_non_null(strstr(s, "s3cr3t-ap"));
                free(p);
                free(s);
        }
        assert_int_equal(troot_mode(&t, INSTANCE_DATA) & 0777, 0644);
        assert_int_equal(troot_mode(&t, INSTANCE_DATA_SENSITIVE) & 0777, 0600);
        ds_result_done(&r);
        troot_free(&t);
}

#define CACHE "/var/lib/cloud/instances/i-1/" INSTANCE_DATA_CACHE

/* One write of the instance data with the cache; whether the cache served
 * it (its debug line), and the two files in *sens and *pub. */
static bool write_cached(struct troot *t, const struct ds_result *r, const struct platform *plat,
                         const char *desc, const struct node *syscfg, uint64_t digest, char **sens,
                         char **pub)
{
        struct buf log = BUF_INIT(1 << 16);
        bool served;

        log_set_debug(true);
        log_capture(&log);
        assert_int_equal(state_write_instance_data(t->fd, r, plat, desc, syscfg, digest, CACHE), 0);
        log_capture(NULL);
        log_set_debug(false);
        served = log.data && strstr(log.data, "instance data: as " CACHE " keeps it");
        buf_free(&log);
        *sens = troot_read(t, INSTANCE_DATA_SENSITIVE);
        *pub = troot_read(t, INSTANCE_DATA);
        assert_non_null(*sens);
        assert_non_null(*pub);
        return served;
}

/* One write that the copy must not serve; the sensitive file then holds
 * needle (NULL: anything). */
static void expect_made(struct troot *t, const struct ds_result *r, const struct platform *plat,
                        const char *desc, const struct node *syscfg, uint64_t digest,
                        const char *needle)
{
        char *sens, *pub;

        assert_false(write_cached(t, r, plat, desc, syscfg, digest, &sens, &pub));
        if (needle && !strstr(sens, needle))
                fail_msg("the file made again lacks %s", needle);
        free(sens);
        free(pub);
}

/* Made (the sensitive file holding needle), then served from the copy
 * (0600: it holds the secrets) byte for byte. */
static void expect_made_then_kept(struct troot *t, const struct ds_result *r,
                                  const struct platform *plat, const char *desc,
                                  const struct node *syscfg, uint64_t digest, const char *needle)
{
        char *sens, *pub, *sens1, *pub1;

        expect_made(t, r, plat, desc, syscfg, digest, needle);
        assert_int_equal(troot_mode(t, CACHE) & 07777, 0600);
        sens1 = troot_read(t, INSTANCE_DATA_SENSITIVE);
        pub1 = troot_read(t, INSTANCE_DATA);
        assert_true(write_cached(t, r, plat, desc, syscfg, digest, &sens, &pub));
        assert_string_equal(sens, sens1);
        assert_string_equal(pub, pub1);
        free(sens);
        free(pub);
        free(sens1);
        free(pub1);
}

/* The cache serves the very bytes a new making gives, and only while every
 * input is the same: the meta-data, the system config (its digest), the
 * description, the platform, os-release. With no system config known it is
 * neither read nor written. */
static void test_cache_serves_unchanged_inputs_only(void **state)
{
        (void)state;
        struct troot t;
        struct ds_result r;
        struct platform plat = { .hypervisor = "kvm" };
        struct node *syscfg = test_yaml("datasource_list: [NoCloud]\n");
        char *sens, *pub;

        troot_make(&t);
        troot_write(&t, "/etc/os-release", "ID=debian\nVERSION_ID=\"13\"\n");
        fill(&r, &ds_nocloud, "nocloud", "instance-id: i-1\nlocal-hostname: one\n");

        /* no system config: no cache */
        assert_false(write_cached(&t, &r, NULL, "x", NULL, 7, &sens, &pub));
        assert_null(troot_read(&t, CACHE));
        free(sens);
        free(pub);

        expect_made_then_kept(&t, &r, NULL, "x", syscfg, 7, NULL);

        /* the system config changed */
        expect_made(&t, &r, NULL, "x", syscfg, 8, NULL);
        /* the description */
        expect_made(&t, &r, NULL, "y", syscfg, 8, "\"description\": \"y\"");
        /* the platform */
        expect_made(&t, &r, &plat, "y", syscfg, 8, "\"hypervisor\": \"kvm\"");
        /* os-release */
        troot_write(&t, "/etc/os-release", "ID=debian\nVERSION_ID=\"14\"\n");
        expect_made(&t, &r, &plat, "y", syscfg, 8, "\"distro_version\": \"14\"");
        /* the meta-data */
        ds_result_done(&r);
        fill(&r, &ds_nocloud, "nocloud", "instance-id: i-1\nlocal-hostname: two\n");
        expect_made(&t, &r, &plat, "y", syscfg, 8, "\"local-hostname\": \"two\"");
        /* a value of another type, the same text */
        ds_result_done(&r);
        fill(&r, &ds_nocloud, "nocloud", "instance-id: i-1\nlocal-hostname: \"two\"\nx: 1\n");
        expect_made(&t, &r, &plat, "y", syscfg, 8, "\"x\": 1");
        ds_result_done(&r);
        fill(&r, &ds_nocloud, "nocloud", "instance-id: i-1\nlocal-hostname: \"two\"\nx: \"1\"\n");
        /* and what was made last serves the next boot, byte for byte */
        expect_made_then_kept(&t, &r, &plat, "y", syscfg, 8, "\"x\": \"1\"");
        ds_result_done(&r);
        node_free(syscfg);
        troot_free(&t);
}

#define CCACHE "/var/lib/cloud/instances/i-1/" COMBINED_CONFIG_CACHE

static bool write_combined(struct troot *t, const char *cfg_text, uint64_t key, char **ret)
{
        struct node *cfg = test_yaml(cfg_text);
        struct buf log = BUF_INIT(1 << 16);
        bool served;

        log_set_debug(true);
        log_capture(&log);
        assert_int_equal(state_write_combined_config(t->fd, cfg, key, CCACHE), 0);
        log_capture(NULL);
        log_set_debug(false);
        served = log.data && strstr(log.data, "combined config: as " CCACHE " keeps it");
        buf_free(&log);
        node_free(cfg);
        *ret = troot_read(t, COMBINED_CLOUD_CONFIG);
        assert_non_null(*ret);
        return served;
}

/* The combined config's copy serves its key only (the stage makes the key of
 * the system config, the model and the datasource's config); key 0 keeps
 * none. */
static void test_combined_config_copy_serves_its_key_only(void **state)
{
        (void)state;
        struct troot t;
        char *a, *b;

        troot_make(&t);
        assert_false(write_combined(&t, "final_message: one\n", 0, &a));
        assert_null(troot_read(&t, CCACHE));
        free(a);
        assert_false(write_combined(&t, "final_message: one\n", 5, &a));
        assert_int_equal(troot_mode(&t, CCACHE) & 07777, 0600);
        assert_true(write_combined(&t, "final_message: one\n", 5, &b));
        assert_string_equal(a, b);
        assert_int_equal(troot_mode(&t, COMBINED_CLOUD_CONFIG) & 07777, 0600);
        free(a);
        free(b);
        assert_false(write_combined(&t, "final_message: two\n", 6, &a));
        assert_non_null(strstr(a, "\"final_message\": \"two\""));
        free(a);
        troot_free(&t);
}

int main(void)
{
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_v1_has_cloud_inits_keys),
                cmocka_unit_test(test_cloud_id_is_canonical),
                cmocka_unit_test(test_local_hostname_is_the_short_name),
                cmocka_unit_test(test_which_keys_are_sensitive),
                cmocka_unit_test(test_long_paths_are_left_out),
                cmocka_unit_test(test_secrets_are_redacted_in_the_public_copy),
                cmocka_unit_test(test_cache_serves_unchanged_inputs_only),
                cmocka_unit_test(test_combined_config_copy_serves_its_key_only),
        };
        int r = cmocka_run_group_tests_name("instance-data", tests, NULL, NULL);
        node_names_free();
        return r;
}
