/* SPDX-License-Identifier: Apache-2.0 */
/* Tests of modules/install_hotplug.c on a --root tree: the udev rule as
 * cloud-init's HOTPLUG_UDEV_RULES_TEMPLATE lays it out, per datasource. */
#include "testlib.h"

#define RULES "/etc/udev/rules.d/90-cloud-init-hook-hotplug.rules"
#define ASKED "updates: {network: {when: [boot, hotplug]}}\n"

static int run_ds(struct troot *t, const char *ds, const char *cfg_text)
{
        struct node *cfg = test_yaml(cfg_text), *md = test_yaml("{}");
        struct schema_report rep = { 0 };
        struct module_ctx ctx = { .root_fd = t->fd,
                                  .root = t->path,
                                  .iid = "i-test",
                                  .iid_raw = "i-test",
                                  .datasource = ds,
                                  .stage = "test",
                                  .cfg = cfg,
                                  .md = md };
        int r;
        schema_validate_config(cfg, &rep);
        r = module_find("install_hotplug")->run(&ctx);
        node_free(cfg);
        node_free(md);
        return r;
}

static void test_rule_per_datasource(void **state)
{
        (void)state;
        struct troot t;
        troot_make(&t);
        troot_write_exec(&t, "/usr/bin/udevadm", "#!/bin/sh\nexit 0\n");
        assert_int_equal(run_ds(&t, "DataSourceEc2 [http://169.254.169.254]", ASKED), 0);
        assert_file_eq(&t, RULES,
                       "ACTION!=\"add\", GOTO=\"cloudinit_end\"\n"
                       "\n"
                       "ENV{ID_NET_DRIVER}==\"vif|ena|ixgbevf\", GOTO=\"cloudinit_hook\"\n"
                       "GOTO=\"cloudinit_end\"\n"
                       "\n"
                       "LABEL=\"cloudinit_hook\"\n"
                       "SUBSYSTEM==\"net\", RUN+=\"/usr/bin/cloudboot devel hook\"\n"
                       "LABEL=\"cloudinit_end\"\n");
        assert_int_equal(troot_mode(&t, RULES) & 07777, 0644);
        assert_int_equal(run_ds(&t, "DataSourceOpenStack [net,ver=2]", ASKED), 0);
        assert_file_eq(&t, RULES,
                       "ACTION!=\"add\", GOTO=\"cloudinit_end\"\n"
                       "LABEL=\"cloudinit_hook\"\n"
                       "SUBSYSTEM==\"net\", RUN+=\"/usr/bin/cloudboot devel hook\"\n"
                       "LABEL=\"cloudinit_end\"\n");
        /* not asked any more: the rule goes */
        assert_int_equal(run_ds(&t, "DataSourceOpenStack [net,ver=2]",
                                "updates: {network: {when: [boot]}}\n"),
                         0);
        assert_false(fs_exists(t.fd, RULES));
        troot_free(&t);
}

static void test_unsupported_or_no_udevadm(void **state)
{
        (void)state;
        struct troot t;
        troot_make(&t);
        assert_int_equal(run_ds(&t, "DataSourceEc2 [x]", ASKED), 0);
        assert_false(fs_exists(t.fd, RULES)); /* no udevadm in the target */
        troot_write_exec(&t, "/usr/bin/udevadm", "#!/bin/sh\nexit 0\n");
        assert_int_equal(run_ds(&t, NULL, ASKED), 0);
        assert_false(fs_exists(t.fd, RULES));
        assert_log_has(&t, "Hotplug is unsupported by current datasource. Udev rules will NOT "
                           "be installed.");
        /* NoCloud supports it, as every cloud-init datasource */
        assert_int_equal(troot_run_module(&t, "install_hotplug", ASKED, NULL), 0);
        assert_true(fs_exists(t.fd, RULES));
        troot_free(&t);
}

int main(void)
{
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_rule_per_datasource),
                cmocka_unit_test(test_unsupported_or_no_udevadm),
        };
        int r = cmocka_run_group_tests_name("mod-install-hotplug", tests, NULL, NULL);
        node_names_free();
        return r;
}
