/* SPDX-License-Identifier: Apache-2.0 */
/* Tests of src/ds/configdrive.c: OpenStack config drives as seed directories
 * under a temp root (the same reader serves a mounted config-2 disk). */
#include "dstest.h"

#define CD "/var/lib/cloud/seed/config_drive/openstack/"

static int probe(struct troot *t, struct ds_result *res)
{
        return ds_probe_troot(t, true, res);
}

static const char meta_data[] = "{\"uuid\": \"83679162-1378-4288-a2d4-70e13ec132aa\",\n"
                                " \"hostname\": \"cd-host.novalocal\",\n"
                                " \"name\": \"cd-host\",\n"
                                " \"availability_zone\": \"nova\",\n"
                                " \"public_keys\": {\"mykey\": \"ssh-ed25519 AAAAC3Nza cd-key\"},\n"
                                " \"meta\": {\"role\": \"web\"}}\n";

static void test_latest_version(void **state)
{
        (void)state;
        struct troot t;
        struct ds_result res = { 0 };
        _cleanup_node_ struct node *keys = NULL;

        troot_make(&t);
        troot_write(&t, CD "latest/meta_data.json", meta_data);
        troot_write(&t, CD "latest/user_data", "#cloud-config\nhostname: from-drive\n");
        troot_write(&t, CD "latest/vendor_data.json",
                    "{\"cloud-init\": \"#cloud-config\\n{}\\n\"}");
        troot_write(&t, CD "latest/network_data.json", "{\"links\": []}");
        assert_int_equal(probe(&t, &res), 0);
        assert_string_equal(res.ds->name, "ConfigDrive");
        assert_string_equal(res.iid, "83679162-1378-4288-a2d4-70e13ec132aa");
        assert_string_equal(res.platform, "openstack");
        assert_string_equal(res.subplatform, "seed-dir (/var/lib/cloud/seed/config_drive)");
        assert_string_equal(res.dsmode, "net");
        assert_string_equal(node_get_str(res.md, "local-hostname"), "cd-host.novalocal");
        assert_string_equal(node_get_str(res.md, "availability-zone"), "nova");
        assert_string_equal(res.ud, "#cloud-config\nhostname: from-drive\n");
        assert_string_equal(res.vd, "#cloud-config\n{}\n");
        assert_string_equal(res.netcfg, "{\"links\": []}");
        assert_string_equal(res.ud_name, CD "latest/user_data");
        keys = ds_public_keys(res.md);
        assert_non_null(keys);
        assert_int_equal(keys->n, 1);
        assert_string_equal(keys->items[0]->str, "ssh-ed25519 AAAAC3Nza cd-key");
        ds_result_done(&res);
        troot_free(&t);
}

static void test_newest_dated_version_without_latest(void **state)
{
        (void)state;
        struct troot t;
        struct ds_result res = { 0 };

        troot_make(&t);
        troot_write(&t, CD "2012-08-10/meta_data.json", "{\"uuid\": \"old\"}");
        troot_write(&t, CD "2015-10-15/meta_data.json", "{\"uuid\": \"new\"}");
        troot_write(&t, CD "2015-10-15/user_data", "#!/bin/sh\necho hi\n");
        assert_int_equal(probe(&t, &res), 0);
        assert_string_equal(res.iid, "new");
        assert_string_equal(res.ud_name, CD "2015-10-15/user_data");
        /* vendor_data as a plain string, no user_data: both optional */
        ds_result_done(&res);
        troot_free(&t);
}

static void test_without_uuid_or_broken_json_is_not_a_drive(void **state)
{
        (void)state;
        struct troot t;
        struct ds_result res = { 0 };

        troot_make(&t);
        troot_write(&t, "/etc/cloud/cloud.cfg.d/90.cfg", "datasource_list: [ConfigDrive]\n");
        troot_write(&t, CD "latest/meta_data.json", "{\"hostname\": \"x\"}");
        assert_int_equal(probe(&t, &res), -ENOENT);
        assert_log_has(&t, "meta_data.json: no uuid: not OpenStack meta-data");
        troot_write(&t, CD "latest/meta_data.json", "{\"uuid\": \"x\",\n \"hostname\": [}\n");
        assert_int_equal(probe(&t, &res), -ENOENT);
        assert_log_has(&t, CD "latest/meta_data.json:2:");
        troot_free(&t);
}

static void test_dsmode_from_meta(void **state)
{
        (void)state;
        struct troot t;
        struct ds_result res = { 0 };

        troot_make(&t);
        troot_write(&t, CD "latest/meta_data.json",
                    "{\"uuid\": \"u\", \"meta\": {\"dsmode\": \"local\"}}");
        troot_write(&t, CD "latest/vendor_data.json", "\"#cloud-config\\ntimezone: UTC\\n\"");
        assert_int_equal(probe(&t, &res), 0);
        assert_string_equal(res.dsmode, "local");
        assert_string_equal(res.vd, "#cloud-config\ntimezone: UTC\n");
        ds_result_done(&res);
        troot_free(&t);
}

int main(void)
{
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_latest_version),
                cmocka_unit_test(test_newest_dated_version_without_latest),
                cmocka_unit_test(test_without_uuid_or_broken_json_is_not_a_drive),
                cmocka_unit_test(test_dsmode_from_meta),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
