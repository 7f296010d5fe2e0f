/* SPDX-License-Identifier: Apache-2.0 */
/* Tests of src/ds/credentials.c: the systemd credentials datasource read from
 * /run/credentials/@system under a temp root. */
#include "dstest.h"

#define CRED "/run/credentials/@system/cloudboot."

static int probe(struct troot *t, bool local, struct ds_result *res)
{
        return ds_probe_troot(t, local, res);
}

static void test_all_four_credentials(void **state)
{
        (void)state;
        struct troot t;
        struct ds_result res = { 0 };

        troot_make(&t);
        troot_write(&t, CRED "meta-data", "instance-id: cred-1\nlocal-hostname: credhost\n");
        troot_write(&t, CRED "user-data", "#cloud-config\nhostname: from-cred\n");
        troot_write(&t, CRED "vendor-data", "#cloud-config\ntimezone: UTC\n");
        troot_write(&t, CRED "network-config", "version: 2\n");
        /* found in the local stage: credentials need no network */
        assert_int_equal(probe(&t, true, &res), 0);
        assert_string_equal(res.ds->name, "Credentials");
        assert_string_equal(res.iid, "cred-1");
        assert_string_equal(res.dsmode, "net");
        assert_string_equal(res.platform, "credentials");
        assert_string_equal(res.subplatform, "systemd-credentials (/run/credentials/@system)");
        assert_string_equal(node_get_str(res.md, "local-hostname"), "credhost");
        assert_string_equal(res.ud, "#cloud-config\nhostname: from-cred\n");
        assert_string_equal(res.vd, "#cloud-config\ntimezone: UTC\n");
        assert_string_equal(res.netcfg, "version: 2\n");
        assert_string_equal(res.ud_name, "/run/credentials/@system/cloudboot.user-data");
        ds_result_done(&res);
        troot_free(&t);
}

static void test_user_data_alone_is_one_instance(void **state)
{
        (void)state;
        struct troot t;
        struct ds_result res = { 0 };

        troot_make(&t);
        troot_write(&t, CRED "user-data", "#cloud-config\n");
        assert_int_equal(probe(&t, true, &res), 0);
        assert_string_equal(res.ds->name, "Credentials");
        assert_string_equal(res.iid, "iid-datasource-credentials");
        assert_int_equal(res.md->type, NODE_MAP);
        ds_result_done(&res);
        troot_free(&t);
}

static void test_nocloud_seed_comes_first(void **state)
{
        (void)state;
        struct troot t;
        struct ds_result res = { 0 };

        troot_make(&t);
        troot_write(&t, CRED "user-data", "#cloud-config\n");
        troot_write(&t, "/var/lib/cloud/seed/nocloud/meta-data", "instance-id: nc\n");
        troot_write(&t, "/var/lib/cloud/seed/nocloud/user-data", "#cloud-config\n");
        assert_int_equal(probe(&t, true, &res), 0);
        assert_string_equal(res.ds->name, "NoCloud");
        ds_result_done(&res);

        /* datasource_list decides */
        troot_write(&t, "/etc/cloud/cloud.cfg.d/90.cfg", "datasource_list: [Credentials, None]\n");
        assert_int_equal(probe(&t, true, &res), 0);
        assert_string_equal(res.ds->name, "Credentials");
        ds_result_done(&res);
        troot_free(&t);
}

static void test_other_credentials_are_not_a_datasource(void **state)
{
        (void)state;
        struct troot t;
        struct ds_result res = { 0 };

        troot_make(&t);
        troot_write(&t, "/run/credentials/@system/firstboot.hostname", "h\n");
        troot_write(&t, "/etc/cloud/cloud.cfg.d/90.cfg", "datasource_list: [Credentials]\n");
        assert_int_equal(probe(&t, true, &res), -ENOENT);
        troot_free(&t);
}

static void test_bad_meta_data_is_reported_and_ignored(void **state)
{
        (void)state;
        struct troot t;
        struct ds_result res = { 0 };

        troot_make(&t);
        troot_write(&t, CRED "meta-data", "instance-id: [unclosed\n");
        troot_write(&t, CRED "user-data", "#cloud-config\n");
        assert_int_equal(probe(&t, true, &res), 0);
        assert_string_equal(res.iid, "iid-datasource-credentials");
        assert_log_has(&t, "/run/credentials/@system/cloudboot.meta-data:2:1:");
        ds_result_done(&res);

        /* dsmode: disabled declines */
        troot_write(&t, CRED "meta-data", "instance-id: x\ndsmode: disabled\n");
        troot_write(&t, "/etc/cloud/cloud.cfg.d/90.cfg", "datasource_list: [Credentials]\n");
        assert_int_equal(probe(&t, true, &res), -ENOENT);
        troot_free(&t);
}

static void test_oversized_user_data_is_refused(void **state)
{
        (void)state;
        struct troot t;
        struct ds_result res = { 0 };
        size_t n = 8192;
        char *big = malloc(n + 1);

        assert_non_null(big);
        memset(big, '#', n);
        big[n] = '\0';
        troot_make(&t);
        troot_write(&t, "/etc/cloud/cloud.cfg.d/90.cfg",
                    "cloudboot: {max_user_data_bytes: 4096}\n");
        troot_write(&t, CRED "meta-data", "instance-id: big\n");
        troot_write(&t, CRED "user-data", big);
        assert_int_equal(probe(&t, true, &res), 0);
        assert_string_equal(res.ds->name, "Credentials");
        assert_null(res.ud);
        assert_log_has(&t, "cloudboot.user-data is larger than 4096 bytes; not used");
        ds_result_done(&res);
        free(big);
        troot_free(&t);
}

int main(void)
{
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_all_four_credentials),
                cmocka_unit_test(test_user_data_alone_is_one_instance),
                cmocka_unit_test(test_nocloud_seed_comes_first),
                cmocka_unit_test(test_other_credentials_are_not_a_datasource),
                cmocka_unit_test(test_bad_meta_data_is_reported_and_ignored),
                cmocka_unit_test(test_oversized_user_data_is_refused),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
