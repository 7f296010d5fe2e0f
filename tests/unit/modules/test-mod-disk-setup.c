/* SPDX-License-Identifier: Apache-2.0 */
/* Tests of modules/disk_setup.c, modules/fs_setup.c and the layout, type and
 * alias computations of src/system/disk.c they use. Real partitioning and
 * formatting are in tests/blackbox/test-disk-setup.sh (loop devices). */
#include "testlib.h"

#include "../../modules/disk_setup.h"
#include "disk.h"

static void test_layout_percentages(void **state)
{
        (void)state;
        unsigned pct[5] = { 33, 66 }, full[5] = { 20, 80 }, five[5] = { 20, 20, 20, 20, 20 };
        uint64_t sizes[5];

        /* int(size * percent / 100), the last partition the rest (0) */
        assert_int_equal(disk_layout_sizes(DISK_MBR, 1000003, pct, 2, sizes), 0);
        assert_int_equal(sizes[0], 330000);
        assert_int_equal(sizes[1], 0);
        assert_int_equal(disk_layout_sizes(DISK_GPT, 2097152, full, 2, sizes), 0);
        assert_int_equal(sizes[0], 419430);
        /* no overflow on a big disk: 64 TiB in sectors */
        assert_int_equal(disk_layout_sizes(DISK_GPT, 1ull << 37, full, 2, sizes), 0);
        assert_int_equal(sizes[0], (1ull << 37) / 5);
        /* MBR takes four partitions, GPT more */
        assert_int_equal(disk_layout_sizes(DISK_MBR, 1000000, five, 5, sizes), -E2BIG);
        assert_int_equal(disk_layout_sizes(DISK_GPT, 1000000, five, 5, sizes), 0);
        assert_int_equal(sizes[3], 200000);
        /* more than the disk, nothing, or a percentage out of range */
        pct[1] = 68;
        assert_int_equal(disk_layout_sizes(DISK_MBR, 1000000, pct, 2, sizes), -ERANGE);
        assert_int_equal(disk_layout_sizes(DISK_MBR, 1000000, pct, 0, sizes), -E2BIG);
        pct[0] = 0;
        assert_int_equal(disk_layout_sizes(DISK_MBR, 1000000, pct, 1, sizes), -EINVAL);
        pct[0] = 101;
        assert_int_equal(disk_layout_sizes(DISK_MBR, 1000000, pct, 1, sizes), -EINVAL);
}

static void test_partition_types(void **state)
{
        (void)state;
        char t[DISK_TYPE_MAX];

        assert_int_equal(disk_part_type(DISK_MBR, NULL, t), 0);
        assert_string_equal(t, "83");
        assert_int_equal(disk_part_type(DISK_MBR, "82", t), 0);
        assert_string_equal(t, "82");
        assert_int_equal(disk_part_type(DISK_MBR, "FD", t), 0);
        assert_string_equal(t, "fd");
        assert_int_equal(disk_part_type(DISK_MBR, "7", t), 0);
        assert_string_equal(t, "7");
        assert_int_equal(disk_part_type(DISK_MBR, "830", t), -EINVAL);
        assert_int_equal(disk_part_type(DISK_MBR, "0", t), -EINVAL);
        assert_int_equal(disk_part_type(DISK_MBR, "L", t), -EINVAL);
        /* GPT: two digits are padded (82 is sgdisk's 8200), GUIDs pass */
        assert_int_equal(disk_part_type(DISK_GPT, NULL, t), 0);
        assert_string_equal(t, "0FC63DAF-8483-4772-8E79-3D69D8477DE4");
        assert_int_equal(disk_part_type(DISK_GPT, "82", t), 0);
        assert_string_equal(t, "0657FD6D-A4AB-43C4-84E5-0933C84B4F4F");
        assert_int_equal(disk_part_type(DISK_GPT, "ef00", t), 0);
        assert_string_equal(t, "C12A7328-F81F-11D2-BA4B-00A0C93EC93B");
        assert_int_equal(disk_part_type(DISK_GPT, "8e00", t), 0);
        assert_string_equal(t, "E6D6D379-F507-44C2-A23C-238F2A3DF928");
        assert_int_equal(disk_part_type(DISK_GPT, "0fc63daf-8483-4772-8e79-3d69d8477de4", t), 0);
        assert_string_equal(t, "0FC63DAF-8483-4772-8E79-3D69D8477DE4");
        assert_int_equal(disk_part_type(DISK_GPT, "9999", t), -ENOENT);
        assert_int_equal(disk_part_type(DISK_GPT, "zz", t), -EINVAL);
        assert_int_equal(disk_part_type(DISK_GPT, "0FC63DAF-8483-4772-8E79-3D69D8477DE", t),
                         -EINVAL);
        assert_int_equal(disk_part_type(DISK_GPT, "0FC63DAF-8483-4772-8E79-3D69D8477DE4\n", t),
                         -EINVAL);
}

static void test_layout_matches(void **state)
{
        (void)state;
        struct disk_probe *p = calloc(1, sizeof(*p));
        struct disk_layout_part parts[2] = { { .type = "" }, { .type = "82" } };

        assert_non_null(p);
        strcpy(p->pttype, "dos");
        p->n_parts = 2;
        strcpy(p->types[0], "83");
        strcpy(p->types[1], "82");
        /* types are compared where the layout names one */
        assert_true(disk_layout_matches(p, DISK_MBR, parts, 2));
        assert_false(disk_layout_matches(p, DISK_GPT, parts, 2));
        assert_false(disk_layout_matches(p, DISK_MBR, parts, 1));
        strcpy(parts[0].type, "8e");
        assert_false(disk_layout_matches(p, DISK_MBR, parts, 2));
        /* layout: true is any table with a partition */
        assert_true(disk_layout_matches(p, DISK_MBR, parts, 0));
        p->n_parts = 0;
        assert_false(disk_layout_matches(p, DISK_MBR, parts, 0));
        strcpy(p->pttype, "gpt");
        p->n_parts = 1;
        strcpy(p->types[0], "0657fd6d-a4ab-43c4-84e5-0933c84b4f4f");
        strcpy(parts[0].type, "0657FD6D-A4AB-43C4-84E5-0933C84B4F4F");
        assert_true(disk_layout_matches(p, DISK_GPT, parts, 1));
        free(p);
}

static void test_aliases(void **state)
{
        (void)state;
        struct node *aliases = test_yaml("{data: /dev/vdb, eph: ephemeral0}"),
                    *md = test_yaml("block-device-mapping: {ephemeral0: sdzz, swap: sdzy, "
                                    "root: /dev/null}");
        char *dev = NULL;

        assert_int_equal(disk_alias(aliases, md, "data", &dev), 0);
        assert_string_equal(dev, "/dev/vdb");
        free(dev);
        /* a name nothing maps stays as it is */
        assert_int_equal(disk_alias(aliases, md, "/dev/vdc", &dev), 0);
        assert_string_equal(dev, "/dev/vdc");
        free(dev);
        /* the datasource's names, checked on this machine */
        assert_int_equal(disk_alias(aliases, md, "root", &dev), 0);
        assert_string_equal(dev, "/dev/null");
        free(dev);
        assert_int_equal(disk_alias(aliases, md, "swap", &dev), 0);
        assert_string_equal(dev, "sdzy");
        free(dev);
        /* an ephemeral0 the machine lacks is none (cloud-init leaves it alone) */
        assert_int_equal(disk_alias(aliases, md, "ephemeral0", &dev), 0);
        assert_null(dev);
        /* through an alias, the alias stays */
        assert_int_equal(disk_alias(aliases, md, "eph", &dev), 0);
        assert_string_equal(dev, "ephemeral0");
        free(dev);
        node_free(aliases);
        node_free(md);
}

static void test_extra_opts_split(void **state)
{
        (void)state;
        char *w[8];
        size_t n = 0;

        assert_int_equal(fs_setup_split("-m 0 -E \"lazy_itable_init=1,x y\"", w, 8, &n), 0);
        assert_int_equal(n, 4);
        assert_string_equal(w[0], "-m");
        assert_string_equal(w[1], "0");
        assert_string_equal(w[3], "lazy_itable_init=1,x y");
        for (size_t i = 0; i < n; i++)
                free(w[i]);
        assert_int_equal(fs_setup_split("  'a b'  c\\ d \"\" 'x'\"y\" ", w, 8, &n), 0);
        assert_int_equal(n, 4);
        assert_string_equal(w[0], "a b");
        assert_string_equal(w[1], "c d");
        assert_string_equal(w[2], "");
        assert_string_equal(w[3], "xy");
        for (size_t i = 0; i < n; i++)
                free(w[i]);
        assert_int_equal(fs_setup_split("", w, 8, &n), 0);
        assert_int_equal(n, 0);
        assert_int_equal(fs_setup_split("-O 'unclosed", w, 8, &n), -EBADMSG);
        assert_int_equal(fs_setup_split("a b c", w, 2, &n), -E2BIG);
}

static void test_cmd_template(void **state)
{
        (void)state;
        const char *v[3] = { "my label;rm -rf /", "ext4", "/dev/vdb1" };
        char *s = NULL;

        /* the shell sees the values as its positional parameters, never as text */
        assert_int_equal(fs_setup_template("mkfs -t %(filesystem)s -L %(label)s %(device)s 100%%",
                                           true, v, &s),
                         0);
        assert_string_equal(s, "mkfs -t \"$2\" -L \"$1\" \"$3\" 100%");
        free(s);
        /* an argv item gets the value itself: it is one argument whatever it holds */
        assert_int_equal(fs_setup_template("-L%(label)s", false, v, &s), 0);
        assert_string_equal(s, "-Lmy label;rm -rf /");
        free(s);
        assert_int_equal(fs_setup_template("mkfs %(bogus)s", true, v, &s), -EINVAL);
        assert_int_equal(fs_setup_template("mkfs %s", true, v, &s), -EINVAL);
        assert_int_equal(fs_setup_template("mkfs %(label)", true, v, &s), -EINVAL);
}

static void test_module_refuses_bad_entries(void **state)
{
        (void)state;
        struct troot t;

        troot_make(&t);
        assert_int_equal(troot_run_module(&t, "disk_setup",
                                          "disk_setup:\n"
                                          "  /etc/passwd: {layout: true}\n"
                                          "  /dev/null: {layout: true, overwrite: true}\n"
                                          "  /dev/vdq: {layout: [60, 60]}\n"
                                          "  /dev/vdr: {layout: [1, 1, 1, 1, 1]}\n"
                                          "  /dev/vds: {table_type: gpt, layout: [[50, zz]]}\n"
                                          "  /dev/vdt: {table_type: gpt, layout: [[50, '9999'], "
                                          "50], bogus: 1}\n"
                                          "  /dev/vdu: [1]\n"
                                          "  ephemeral0: {layout: true}\n"
                                          "  7: {layout: true}\n"
                                          "  /dev/vdv: {table_type: gpt, layout: [[50, "
                                          "'44479540-F297-41B2-9AF7-D131D5F0458A'], 50]}\n"
                                          "fs_setup:\n"
                                          "  - {label: \"a\\nb\", filesystem: ext4, device: "
                                          "/dev/null}\n"
                                          "  - {label: ok, filesystem: ../../bin/x, device: "
                                          "/dev/null}\n"
                                          "  - {label: ok, filesystem: ext4, device: /tmp/x}\n"
                                          "  - {label: ok, filesystem: ext4, device: /dev/null}\n"
                                          "  - {label: ok, device: /dev/null}\n"
                                          "  - {label: ok, filesystem: ext4, device: /dev/null, "
                                          "partition: sideways}\n",
                                          NULL),
                         0);
        assert_log_has(&t, "disk_setup: '/etc/passwd' is not a device of this machine");
        assert_log_has(&t, "disk_setup: /dev/null is not a block device");
        assert_log_has(&t, "disk_setup: the layout adds up to 120% of the disk, more than 100%");
        assert_log_has(&t, "disk_setup: 5 partitions; an MBR table takes at most 4");
        assert_log_has(&t, "disk_setup: 'zz' is not a GPT (code or GUID) partition type");
        assert_log_has(&t, "disk_setup: unknown GPT partition type 9999, using Linux");
        assert_log_has(&t, "disk_setup./dev/vdt: unknown key 'bogus'");
        assert_log_has(&t, "disk_setup: /dev/vdt cannot be found");
        assert_log_has(&t, "disk_setup: invalid disk definition for /dev/vdu");
        assert_log_has(&t, "disk_setup: 'ephemeral0' is not a device of this machine");
        assert_log_has(&t, "disk_setup: a disk is named by a string");
        /* a GUID type is taken: the disk is looked for */
        assert_log_has(&t, "disk_setup: /dev/vdv cannot be found");
        assert_log_has(&t, "fs_setup: label: ");
        assert_log_has(&t, "fs_setup: filesystem '../../bin/x' is not a filesystem type");
        assert_log_has(&t, "fs_setup: device '/tmp/x' is not a device of this machine");
        assert_log_has(&t, "fs_setup: /dev/null is not a block device");
        assert_log_has(&t, "fs_setup: no way to create filesystem 'ok'");
        assert_log_has(&t, "fs_setup: partition must be any, auto, none or a number");
        troot_free(&t);
}

int main(void)
{
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_layout_percentages),
                cmocka_unit_test(test_partition_types),
                cmocka_unit_test(test_layout_matches),
                cmocka_unit_test(test_aliases),
                cmocka_unit_test(test_extra_opts_split),
                cmocka_unit_test(test_cmd_template),
                cmocka_unit_test(test_module_refuses_bad_entries),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
