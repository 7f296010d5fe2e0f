/* SPDX-License-Identifier: Apache-2.0 */
/* Tests of modules/users_groups.c and src/users.c: the argv handed to the
 * shadow tools (stubs on PATH), the sudoers file, and no password in argv or
 * in the log. */
#include "testlib.h"
#include "users.h"

static const char *const tools[] = { "useradd", "groupadd", "usermod", "chpasswd", "passwd", NULL };

static void base_system(struct troot *t)
{
        troot_write(t, "/etc/passwd", "root:x:0:0:root:/root:/bin/sh\n");
        troot_write(t, "/etc/group", "root:x:0:\nadm:x:4:\nsudo:x:27:\n");
}

static void assert_calls_have(const char *stubs, const char *needle)
{
        char *calls = stubs_read(stubs, "calls");
        if (!strstr(calls, needle))
                fail_msg("calls lack \"%s\"; they are:\n%s", needle, calls);
        free(calls);
}

static void assert_calls_lack(const char *stubs, const char *needle)
{
        char *calls = stubs_read(stubs, "calls");
        if (strstr(calls, needle))
                fail_msg("calls have \"%s\"; they are:\n%s", needle, calls);
        free(calls);
}

static struct node *normalize(const char *cfg_text)
{
        struct node *cfg = test_yaml(cfg_text),
                    *base = test_yaml("system_info: {default_user: {name: debian, lock_passwd: "
                                      "true, shell: /bin/bash}}\n");
        struct node *users = NULL;
        assert_int_equal(node_merge(base, cfg), 0);
        assert_int_equal(users_normalize(base, &users), 0);
        node_free(cfg);
        node_free(base);
        return users;
}

static void test_normalize_forms(void **state)
{
        (void)state;
        struct node *u = normalize("{}\n");
        assert_int_equal(u->n, 1);
        assert_string_equal(users_default_name(u), "debian");
        assert_string_equal(node_get_str(u->items[0], "shell"), "/bin/bash");
        node_free(u);

        u = normalize("users: []\n");
        assert_string_equal(users_default_name(u), "debian");
        node_free(u);

        u = normalize("users: [default, 'alice, bob', {name: carol, lock-passwd: false}]\n");
        assert_int_equal(u->n, 4);
        assert_string_equal(node_get_str(u->items[1], "name"), "alice");
        assert_string_equal(node_get_str(u->items[2], "name"), "bob");
        /* hyphenated keys are read as their underscore names */
        assert_false(node_get_bool(u->items[3], "lock_passwd", true));
        node_free(u);

        /* users without default: no default user */
        u = normalize("users: [alice]\n");
        assert_null(users_default_name(u));
        node_free(u);

        /* user: overrides the default user's name and keys */
        u = normalize("user: {name: ops, shell: /bin/zsh}\nusers: [alice]\n");
        assert_string_equal(users_default_name(u), "ops");
        node_free(u);

        /* options given with "- name: default" win over the default's own */
        u = normalize("users: [{name: default, shell: /bin/dash}]\n");
        assert_string_equal(node_get_str(u->items[0], "name"), "debian");
        assert_string_equal(node_get_str(u->items[0], "shell"), "/bin/dash");
        node_free(u);
}

static void test_new_user_argv_password_and_sudo(void **state)
{
        (void)state;
        struct troot t;
        char stubs[256], expect[600];
        char *in, *sudoers, *d;
        troot_make(&t);
        base_system(&t);
        stubs_make(stubs, sizeof(stubs), tools);
        assert_int_equal(troot_run_module(&t, "users_groups",
                                          "users:\n"
                                          "- name: alice\n"
                                          "  gecos: Alice A\n"
                                          "  groups: [adm, newgrp]\n"
                                          "  shell: /bin/bash\n"
                                          "  uid: 1500\n"
                                          "  sudo: ALL=(ALL) NOPASSWD:ALL\n"
                                          "  lock_passwd: false\n"
                                          "  plain_text_passwd: s3cret-pw\n",
                                          NULL),
                         0);
        (void)snprintf(expect, sizeof(expect), "groupadd [--root] [%s] [newgrp]", t.path);
        assert_calls_have(stubs, expect);
        assert_calls_lack(stubs, "[adm]\ngroupadd");
        (void)snprintf(
                expect, sizeof(expect),
                "useradd [--root] [%s] [alice] [--comment] [Alice A] [--shell] [/bin/bash] "
                "[--uid] [1500] [--groups] [adm,newgrp] [--create-home]",
                t.path);
        assert_calls_have(stubs, expect);
        (void)snprintf(expect, sizeof(expect), "chpasswd [--root] [%s] [--encrypted]", t.path);
        assert_calls_have(stubs, expect);
        (void)snprintf(expect, sizeof(expect), "usermod [--root] [%s] [--unlock] [alice]",
                       t.path);
        assert_calls_have(stubs, expect);
        /* the password travels hashed, on stdin; never in argv or the log */
        in = stubs_read(stubs, "stdin");
        assert_true(strncmp(in, "alice:$", 7) == 0);
        assert_null(strstr(in, "s3cret-pw"));
        free(in);
        assert_calls_lack(stubs, "s3cret-pw");
        assert_null(strstr(t.log.data, "s3cret-pw"));
        /* sudo */
        sudoers = troot_read(&t, "/etc/sudoers.d/90-cloud-init-users");
        assert_non_null(sudoers);
        assert_non_null(strstr(sudoers, "\nalice ALL=(ALL) NOPASSWD:ALL\n"));
        free(sudoers);
        assert_int_equal(troot_mode(&t, "/etc/sudoers.d/90-cloud-init-users") & 07777, 0440);
        assert_int_equal(troot_mode(&t, "/etc/sudoers.d") & 07777, 0750);
        d = troot_read(&t, "/etc/sudoers");
        assert_non_null(strstr(d, "#includedir /etc/sudoers.d\n"));
        free(d);
        stubs_free(stubs);
        troot_free(&t);
}

static void test_default_user_and_existing_user(void **state)
{
        (void)state;
        struct troot t;
        char stubs[256], expect[600];
        troot_make(&t);
        base_system(&t);
        troot_write(&t, "/etc/passwd",
                    "root:x:0:0:root:/root:/bin/sh\n"
                    "bob:x:1000:1000::/home/bob:/bin/sh\n");
        troot_write(&t, "/etc/sudoers", "@includedir /etc/sudoers.d\n");
        stubs_make(stubs, sizeof(stubs), tools);
        assert_int_equal(troot_run_module(&t, "users_groups",
                                          "system_info:\n  default_user:\n    name: debian\n"
                                          "    sudo: ['ALL=(ALL) NOPASSWD:ALL']\n"
                                          "    groups: [adm, sudo]\n"
                                          "users: [default, bob]\n",
                                          NULL),
                         0);
        (void)snprintf(expect, sizeof(expect),
                       "useradd [--root] [%s] [debian] [--groups] [adm,sudo] [--create-home]",
                       t.path);
        assert_calls_have(stubs, expect);
        /* bob exists: not created again, but locked (lock_passwd defaults to true) */
        assert_calls_lack(stubs, "[bob] [--create-home]");
        (void)snprintf(expect, sizeof(expect), "usermod [--root] [%s] [--lock] [bob]", t.path);
        assert_calls_have(stubs, expect);
        assert_log_has(&t, "User bob already exists");
        /* @includedir is as good as #includedir: sudoers untouched */
        assert_file_eq(&t, "/etc/sudoers", "@includedir /etc/sudoers.d\n");
        stubs_free(stubs);
        troot_free(&t);
}

static void test_groups_and_members(void **state)
{
        (void)state;
        struct troot t;
        char stubs[256], expect[600];
        troot_make(&t);
        base_system(&t);
        troot_write(&t, "/etc/passwd",
                    "root:x:0:0:root:/root:/bin/sh\n"
                    "alice:x:1000:1000::/home/alice:/bin/sh\n");
        stubs_make(stubs, sizeof(stubs), tools);
        assert_int_equal(troot_run_module(&t, "users_groups",
                                          "users: []\nsystem_info: {}\n"
                                          "groups:\n- admins: [alice, ghost]\n- 'g1, g2'\n",
                                          NULL),
                         -EPROTO);
        (void)snprintf(expect, sizeof(expect), "groupadd [--root] [%s] [admins]", t.path);
        assert_calls_have(stubs, expect);
        (void)snprintf(expect, sizeof(expect),
                       "usermod [--root] [%s] [--append] [--groups] [admins] [alice]", t.path);
        assert_calls_have(stubs, expect);
        assert_log_has(&t, "Cannot add ghost to group admins: there is no such user");
        assert_calls_have(stubs, "[g1]");
        assert_calls_have(stubs, "[g2]");
        stubs_free(stubs);
        troot_free(&t);
}

static void test_bad_names_never_reach_a_command(void **state)
{
        (void)state;
        struct troot t;
        char stubs[256];
        troot_make(&t);
        base_system(&t);
        stubs_make(stubs, sizeof(stubs), tools);
        assert_int_equal(
                troot_run_module(&t, "users_groups",
                                 "system_info: {}\n"
                                 "users: [{name: '-ou0'}, {name: 'a;reboot'}, {name: \"x y\"}]\n",
                                 NULL),
                -EINVAL);
        assert_calls_lack(stubs, "useradd");
        assert_log_has(&t, "'-ou0' is not a valid user name");
        assert_log_has(&t, "'a;reboot' is not a valid user name");
        stubs_free(stubs);
        troot_free(&t);
}

static void test_useradd_failure_is_reported(void **state)
{
        (void)state;
        struct troot t;
        char stubs[256], path[512];
        FILE *f;
        troot_make(&t);
        base_system(&t);
        stubs_make(stubs, sizeof(stubs), tools);
        (void)snprintf(path, sizeof(path), "%s/exit-useradd", stubs);
        f = fopen(path, "w");
        fputs("9", f);
        fclose(f);
        assert_int_equal(
                troot_run_module(&t, "users_groups", "system_info: {}\nusers: [alice]\n", NULL),
                -EPROTO);
        assert_log_has(&t, "useradd alice failed");
        assert_calls_lack(stubs, "usermod");
        stubs_free(stubs);
        troot_free(&t);
}

int main(void)
{
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_normalize_forms),
                cmocka_unit_test(test_new_user_argv_password_and_sudo),
                cmocka_unit_test(test_default_user_and_existing_user),
                cmocka_unit_test(test_groups_and_members),
                cmocka_unit_test(test_bad_names_never_reach_a_command),
                cmocka_unit_test(test_useradd_failure_is_reported),
        };
        int r = cmocka_run_group_tests_name("mod-users", tests, NULL, NULL);
        node_names_free();
        return r;
}
