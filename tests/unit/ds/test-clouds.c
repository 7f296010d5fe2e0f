/* SPDX-License-Identifier: Apache-2.0 */
/* Tests of src/ds/clouds.c and clouds_load.c: what the binary decides
 * before it loads cloudboot-clouds.so (each cloud datasource's name, local,
 * cloud and ephemeral network) is what the object's own descriptors say. */
#include "testlib.h"
#include "clouds.h"

static void test_each_cloud_has_its_stub(void **state)
{
        (void)state;
        const struct clouds_plugin *p = clouds_load();

        /* linked statically here: no dlopen */
        assert_ptr_equal(p, &cloudboot_clouds);
        assert_int_equal(p->n, 17);
        for (size_t i = 0; i < p->n; i++) {
                const struct datasource *real = p->list[i];
                const struct datasource *stub = ds_lookup(real->name);

                assert_non_null(real->probe);
                assert_non_null(stub);
                assert_ptr_not_equal(stub, real);
                assert_null(stub->probe);
                assert_string_equal(stub->name, real->name);
                assert_int_equal(stub->local, real->local);
                assert_true(streq_ptr(stub->cloud, real->cloud));
                assert_int_equal(stub->ephemeral, real->ephemeral);
                assert_ptr_equal(clouds_datasource(real->name), real);
        }
}

static void test_local_seeds_are_in_the_binary(void **state)
{
        (void)state;
        static const char *const names[] = { "NoCloud", "ConfigDrive", "Credentials", "None" };

        for (size_t i = 0; i < ELEMENTSOF(names); i++) {
                assert_non_null(ds_lookup(names[i])->probe);
                assert_null(clouds_datasource(names[i]));
        }
        /* case as datasource_list may write it */
        assert_string_equal(ds_lookup("ec2")->name, "Ec2");
        assert_null(ds_lookup("Nimbus"));
}

static void test_ds_is_names_the_finder(void **state)
{
        (void)state;
        struct ds_result r = { .ds = ds_lookup("Ec2") };

        assert_true(ds_is(&r, "Ec2"));
        assert_false(ds_is(&r, "GCE"));
        assert_false(ds_is(NULL, "Ec2"));
        r.ds = NULL;
        assert_false(ds_is(&r, "Ec2"));
}

int main(void)
{
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_each_cloud_has_its_stub),
                cmocka_unit_test(test_local_seeds_are_in_the_binary),
                cmocka_unit_test(test_ds_is_names_the_finder),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
