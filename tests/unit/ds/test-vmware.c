/* SPDX-License-Identifier: Apache-2.0 */
/* Tests of src/ds/vmware.c: guestinfo read through a fake vmware-rpctool (or
 * vmtoolsd) in a chroot target built around busybox, answering from files
 * /gi/KEY copied from tests/fixtures/ds/vmware; DMI faked under the root. */
#include "dstest.h"

static const char rpctool[] =
        "#!/bin/sh\n"
        "echo \"$0 $*\" >>/gi/calls\n"
        "[ \"$1\" = --cmd ] && shift\n"
        "[ -f /gi/broken ] && [ \"$0\" = /usr/bin/vmware-rpctool ] && exit 126\n"
        "key=${1#info-get guestinfo.}\n"
        "[ -f \"/gi/$key\" ] || { echo 'No value found' >&2; exit 1; }\n"
        "cat \"/gi/$key\"\n";

static char *fixture(const char *name)
{
        const char *top = getenv("TOP_SRCDIR");
        char path[1024], *data = NULL;
        int fd;

        (void)snprintf(path, sizeof(path), "%s/tests/fixtures/ds/vmware/%s", top ? top : "../..",
                       name);
        fd = fs_open_root("/");
        assert_int_equal(fs_read_file(fd, path, 1u << 20, &data, NULL), 0);
        (void)close(fd);
        return data;
}

static void put_fixture(struct troot *t, const char *key, const char *name)
{
        char path[256], *data = fixture(name);
        (void)snprintf(path, sizeof(path), "/gi/%s", key);
        troot_write(t, path, data);
        free(data);
}

/* A VMware guest with the tools (vmware-rpctool unless vmtoolsd_only);
 * false (test skipped) without root or busybox. */
static bool vm_make(struct troot *t, const char *product, bool vmtoolsd_only)
{
        troot_make(t);
        if (!troot_make_system(t)) {
                troot_free(t);
                return false;
        }
        troot_write(t, "/etc/cloud/cloud.cfg", "datasource_list: [VMware, None]\n");
        troot_write(t, "/sys/class/dmi/id/product_name", product);
        troot_write(t, "/sys/class/dmi/id/product_uuid", "564D1A2B-3C4D-5E6F-7081-92A3B4C5D6E7\n");
        troot_write(t, "/gi/calls", "");
        troot_write_exec(t, vmtoolsd_only ? "/usr/bin/vmtoolsd" : "/usr/bin/vmware-rpctool",
                         rpctool);
        return true;
}

static void test_guestinfo_plain(void **state)
{
        (void)state;
        struct troot t;
        struct ds_result res = { 0 };
        _cleanup_node_ struct node *keys = NULL;

        if (!vm_make(&t, "VMware Virtual Platform\n", false))
                skip();
        put_fixture(&t, "metadata", "metadata.yaml");
        put_fixture(&t, "userdata", "userdata");
        put_fixture(&t, "vendordata", "vendordata");
        assert_int_equal(ds_probe_troot(&t, true, &res), 0);
        assert_string_equal(res.ds->name, "VMware");
        assert_string_equal(res.iid, "cloud-vm-42");
        assert_string_equal(res.platform, "vmware");
        assert_null(res.cloud_name); /* the platform: "vmware" */
        assert_string_equal(res.subplatform, "guestinfo (guestinfo.metadata)");
        assert_string_equal(res.dsmode, "net");
        assert_string_equal(node_get_str(res.md, "local-hostname"), "cloud-vm");
        assert_string_equal(res.ud, "#cloud-config\nhostname: from-guestinfo");
        assert_string_equal(res.vd, "#cloud-config\ntimezone: Europe/Berlin");
        /* the meta-data's network mapping is the network-config */
        assert_non_null(res.netcfg);
        assert_non_null(strstr(res.netcfg, "\"ethernets\""));
        assert_non_null(strstr(res.netcfg, "\"ens*\""));
        keys = ds_public_keys(res.md);
        assert_int_equal(keys->n, 1);
        assert_string_equal(keys->items[0]->str,
                            "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIGuestinfoKey vmware-key");
        char *calls = troot_read(&t, "/gi/calls");
        assert_non_null(strstr(calls, "/usr/bin/vmware-rpctool info-get guestinfo.metadata\n"));
        assert_non_null(strstr(calls, "info-get guestinfo.userdata.encoding\n"));
        free(calls);
        ds_result_done(&res);
        troot_free(&t);
}

static void test_guestinfo_encodings(void **state)
{
        (void)state;
        struct troot t;
        struct ds_result res = { 0 };

        if (!vm_make(&t, "VMware7,1\n", false))
                skip();
        put_fixture(&t, "metadata", "metadata.b64");
        troot_write(&t, "/gi/metadata.encoding", "base64\n");
        put_fixture(&t, "userdata", "userdata.gz.b64");
        troot_write(&t, "/gi/userdata.encoding", "gz+b64\n");
        /* a value that does not decode is not used; the rest is */
        troot_write(&t, "/gi/vendordata", "!!! not base64 !!!\n");
        troot_write(&t, "/gi/vendordata.encoding", "b64\n");
        assert_int_equal(ds_probe_troot(&t, true, &res), 0);
        assert_string_equal(res.iid, "cloud-vm-42");
        assert_string_equal(res.ud, "#cloud-config\nhostname: from-guestinfo\n");
        assert_null(res.vd);
        assert_log_has(&t, "guestinfo.vendordata is not valid b64");
        ds_result_done(&res);
        troot_free(&t);
}

static void test_instance_id_from_product_uuid_and_redacted_values(void **state)
{
        (void)state;
        struct troot t;
        struct ds_result res = { 0 };

        if (!vm_make(&t, "VMware Virtual Platform\n", false))
                skip();
        /* "---" is what a redacted key holds: no value */
        troot_write(&t, "/gi/metadata", "---\n");
        troot_write(&t, "/gi/userdata", "#cloud-config\n{}\n");
        assert_int_equal(ds_probe_troot(&t, true, &res), 0);
        assert_string_equal(res.iid, "564d1a2b-3c4d-5e6f-7081-92a3b4c5d6e7");
        assert_string_equal(node_get_str(res.md, "instance-id"),
                            "564d1a2b-3c4d-5e6f-7081-92a3b4c5d6e7");
        assert_null(res.netcfg);
        ds_result_done(&res);
        troot_free(&t);
}

static void test_empty_guestinfo_is_not_found(void **state)
{
        (void)state;
        struct troot t;
        struct ds_result res = { 0 };

        if (!vm_make(&t, "VMware Virtual Platform\n", false))
                skip();
        troot_write(&t, "/gi/metadata", "   \n");
        assert_int_equal(ds_probe_troot(&t, true, &res), -ENOENT);
        assert_log_has(&t, "guestinfo holds no metadata, userdata or vendordata");
        troot_free(&t);
}

static void test_vmtoolsd_and_fallback(void **state)
{
        (void)state;
        struct troot t;
        struct ds_result res = { 0 };
        char *calls;

        /* only vmtoolsd: "--cmd" */
        if (!vm_make(&t, "VMware Virtual Platform\n", true))
                skip();
        put_fixture(&t, "metadata", "metadata.yaml");
        assert_int_equal(ds_probe_troot(&t, true, &res), 0);
        calls = troot_read(&t, "/gi/calls");
        assert_non_null(strstr(calls, "/usr/bin/vmtoolsd --cmd info-get guestinfo.metadata\n"));
        free(calls);
        ds_result_done(&res);
        troot_free(&t);

        /* vmware-rpctool that cannot run: vmtoolsd takes over */
        if (!vm_make(&t, "VMware Virtual Platform\n", false))
                skip();
        troot_write_exec(&t, "/usr/bin/vmtoolsd", rpctool);
        troot_write(&t, "/gi/broken", "");
        put_fixture(&t, "metadata", "metadata.yaml");
        assert_int_equal(ds_probe_troot(&t, true, &res), 0);
        assert_string_equal(res.iid, "cloud-vm-42");
        assert_log_has(&t, "falling back to vmtoolsd");
        ds_result_done(&res);
        troot_free(&t);
}

static void test_not_vmware_runs_no_tool(void **state)
{
        (void)state;
        struct troot t;
        struct ds_result res = { 0 };

        if (!vm_make(&t, "Standard PC (Q35 + ICH9, 2009)\n", false))
                skip();
        put_fixture(&t, "metadata", "metadata.yaml");
        assert_int_equal(ds_probe_troot(&t, true, &res), -ENOENT);
        assert_file_eq(&t, "/gi/calls", "");
        troot_free(&t);

        /* VMware without the tools: nothing to run */
        if (!vm_make(&t, "VMware Virtual Platform\n", false))
                skip();
        assert_int_equal(fs_unlink(t.fd, "/usr/bin/vmware-rpctool"), 0);
        assert_int_equal(ds_probe_troot(&t, true, &res), -ENOENT);
        assert_log_has(&t, "neither vmware-rpctool nor vmtoolsd is installed");
        troot_free(&t);
}

int main(void)
{
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_guestinfo_plain),
                cmocka_unit_test(test_guestinfo_encodings),
                cmocka_unit_test(test_instance_id_from_product_uuid_and_redacted_values),
                cmocka_unit_test(test_empty_guestinfo_is_not_found),
                cmocka_unit_test(test_vmtoolsd_and_fallback),
                cmocka_unit_test(test_not_vmware_runs_no_tool),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
