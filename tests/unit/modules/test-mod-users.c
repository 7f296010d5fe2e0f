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

/* A root with base_system() and the shadow tools stubbed on PATH. */
static void setup(struct troot *t, char *stubs, size_t size)
{
        troot_make(t);
        base_system(t);
        stubs_make(stubs, size, tools);
}

static void teardown(struct troot *t, const char *stubs)
{
        stubs_free(stubs);
        troot_free(t);
}

/* The stubs ran "TOOL --root <the root> ARGS...". */
static void assert_root_call(struct troot *t, const char *stubs, const char *tool, const char *args)
{
        char want[600];
        (void)snprintf(want, sizeof(want), "%s [--root] [%s] %s", tool, t->path, args);
        assert_calls_have(stubs, want);
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

/* normalize(cfg_text) gives exactly the users `names`, in this order; the
 * caller frees what it returns. */
static struct node *expect_users(const char *cfg_text, const char *const *names)
{
        struct node *u = normalize(cfg_text);
        size_t n = 0;
        while (names[n])
                n++;
        assert_int_equal(u->n, n);
        for (size_t i = 0; i < n; i++)
                assert_string_equal(node_get_str(u->items[i], "name"), names[i]);
        return u;
}

static void test_normalize_forms(void **state)
{
        (void)state;
        struct node *u = normalize("{}\n");
        assert_int_equal(u->n, 1);
        assert_string_equal(users_default_name(u), "debian");
        assert_string_equal(node_get_str(u->items[0], "shell"), "/bin/bash");
        node_free(u);

        /* an empty list replaces cloud.cfg's [default]: no users at all */
        u = normalize("users: []\n");
        assert_int_equal(u->n, 0);
        assert_null(users_default_name(u));
        node_free(u);

        /* the default user comes last, wherever "default" stands */
        u = expect_users("users: [default, 'alice, bob', {name: carol, lock-passwd: false}]\n",
                         (const char *const[]){ "alice", "bob", "carol", "debian", NULL });
        /* hyphenated keys are read as their underscore names */
        assert_false(node_get_bool(u->items[2], "lock_passwd", true));
        assert_true(node_get_bool(u->items[3], "default", false));
        node_free(u);

        u = expect_users("users: [alice, default, bob]\n",
                         (const char *const[]){ "alice", "bob", "debian", NULL });
        node_free(u);

        /* users as one string: sorted, as cloud-init's uniq_merge_sorted */
        u = expect_users("users: 'zed, default, amy'\n",
                         (const char *const[]){ "amy", "zed", "debian", NULL });
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
        char stubs[256];
        char *in, *sudoers, *d;
        setup(&t, stubs, sizeof(stubs));
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
        assert_root_call(&t, stubs, "groupadd", "[newgrp]");
        assert_calls_lack(stubs, "[adm]\ngroupadd");
        assert_root_call(&t, stubs, "useradd",
                         "[alice] [--comment] [Alice A] [--shell] [/bin/bash] [--uid] [1500] "
                         "[--groups] [adm,newgrp] [--create-home]");
        assert_root_call(&t, stubs, "chpasswd", "[--encrypted]");
        assert_root_call(&t, stubs, "usermod", "[--unlock] [alice]");
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
        teardown(&t, stubs);
}

static void test_default_user_and_existing_user(void **state)
{
        (void)state;
        struct troot t;
        char stubs[256];
        setup(&t, stubs, sizeof(stubs));
        troot_write(&t, "/etc/passwd",
                    "root:x:0:0:root:/root:/bin/sh\n"
                    "bob:x:1000:1000::/home/bob:/bin/sh\n");
        troot_write(&t, "/etc/sudoers", "@includedir /etc/sudoers.d\n");
        assert_int_equal(troot_run_module(&t, "users_groups",
                                          "system_info:\n  default_user:\n    name: debian\n"
                                          "    sudo: ['ALL=(ALL) NOPASSWD:ALL']\n"
                                          "    groups: [adm, sudo]\n"
                                          "users: [default, bob]\n",
                                          NULL),
                         0);
        assert_root_call(&t, stubs, "useradd", "[debian] [--groups] [adm,sudo] [--create-home]");
        /* bob exists: not created again, but locked (lock_passwd defaults to true) */
        assert_calls_lack(stubs, "[bob] [--create-home]");
        assert_root_call(&t, stubs, "usermod", "[--lock] [bob]");
        assert_log_has(&t, "User bob already exists");
        /* @includedir is as good as #includedir: sudoers untouched */
        assert_file_eq(&t, "/etc/sudoers", "@includedir /etc/sudoers.d\n");
        teardown(&t, stubs);
}

/* usermod --lock is spared where /etc/shadow shows the password locked
 * already: it would leave the field as it is. */
static void test_lock_spared_when_locked(void **state)
{
        (void)state;
        struct troot t;
        char stubs[256];
        setup(&t, stubs, sizeof(stubs));
        troot_write(&t, "/etc/passwd",
                    "root:x:0:0:root:/root:/bin/sh\n"
                    "bob:x:1000:1000::/home/bob:/bin/sh\n"
                    "carol:x:1001:1001::/home/carol:/bin/sh\n"
                    "dave:x:1002:1002::/home/dave:/bin/sh\n");
        troot_write(&t, "/etc/shadow",
                    "root:*:19000:0:99999:7:::\n"
                    "bobby:$6$salt$notlocked:19000:0:99999:7:::\n"
                    "bob:!:19000:0:99999:7:::\n"
                    "carol:$6$salt$c4r0lHash:19000:0:99999:7:::\n"
                    "dave:*:19000:0:99999:7:::\n");
        assert_int_equal(troot_run_module(&t, "users_groups", "users: [bob, carol, dave]\n", NULL),
                         0);
        assert_calls_lack(stubs, "[--lock] [bob]");
        assert_root_call(&t, stubs, "usermod", "[--lock] [carol]");
        /* "*" is not locked: usermod makes it "!*" */
        assert_root_call(&t, stubs, "usermod", "[--lock] [dave]");
        assert_null(t.log.data ? strstr(t.log.data, "c4r0lHash") : NULL);
        teardown(&t, stubs);
}

static void test_groups_and_members(void **state)
{
        (void)state;
        struct troot t;
        char stubs[256];
        setup(&t, stubs, sizeof(stubs));
        troot_write(&t, "/etc/passwd",
                    "root:x:0:0:root:/root:/bin/sh\n"
                    "alice:x:1000:1000::/home/alice:/bin/sh\n");
        assert_int_equal(troot_run_module(&t, "users_groups",
                                          "users: []\nsystem_info: {}\n"
                                          "groups:\n- admins: [alice, ghost]\n- 'g1, g2'\n",
                                          NULL),
                         -EPROTO);
        assert_root_call(&t, stubs, "groupadd", "[admins]");
        assert_root_call(&t, stubs, "usermod", "[--append] [--groups] [admins] [alice]");
        assert_log_has(&t, "Cannot add ghost to group admins: there is no such user");
        assert_calls_have(stubs, "[g1]");
        assert_calls_have(stubs, "[g2]");
        teardown(&t, stubs);
}

static void test_bad_names_never_reach_a_command(void **state)
{
        (void)state;
        struct troot t;
        char stubs[256];
        setup(&t, stubs, sizeof(stubs));
        assert_int_equal(troot_run_module(&t, "users_groups",
                                          "system_info: {}\n"
                                          "users: ['-ou0', 'a;reboot', \"x y\"]\n",
                                          NULL),
                         -EINVAL);
        assert_calls_lack(stubs, "useradd");
        assert_log_has(&t, "'-ou0' is not a valid user name");
        assert_log_has(&t, "'a;reboot' is not a valid user name");
        teardown(&t, stubs);
}

struct msgs {
        char text[4096];
        size_t len;
};

static void collect(void *userdata, enum schema_severity sev, const char *pos, const char *msg)
{
        struct msgs *m = userdata;
        (void)sev;
        m->len +=
                (size_t)snprintf(m->text + m->len, sizeof(m->text) - m->len, "%s: %s\n", pos, msg);
}

/* What `cloudboot schema` and the boot report: the key, its position, why. */
static void test_schema_names_bad_user_fields(void **state)
{
        struct msgs m = { .len = 0 };
        struct schema_report rep = { .emit = collect, .userdata = &m };
        struct node *cfg;
        (void)state;
        cfg = test_yaml("users:\n"
                        "- name: eve\n"
                        "  gecos: \"Eve\\nmallory::0:0::/root:/bin/sh\"\n"
                        "- name: al\n"
                        "  homedir: /home/al:x\n"
                        "- name: bo\n"
                        "  shell: \"/bin/sh:0\"\n"
                        "- name: cy\n"
                        "  passwd: \"$6$s$h\\nroot::0:0:::\"\n"
                        "- name: ok\n");
        schema_validate_config(cfg, &rep);
        if (!strstr(m.text, "test.yaml:3:10: users.0.gecos: 'Eve\\nmallory::0:0::/root:/bin/sh' "
                            "contains a line break") ||
            !strstr(m.text, "users.1.homedir: '/home/al:x' contains ':'") ||
            !strstr(m.text, "users.2.shell: '/bin/sh:0' contains ':'") ||
            !strstr(m.text, "users.3.passwd: '(secret)' contains a line break"))
                fail_msg("schema messages:\n%s", m.text);
        /* kept for the module, which refuses each user with what that means */
        assert_int_equal(node_get(cfg, "users")->n, 5);
        node_free(cfg);
}

/* The default user from system_info is not checked by the schema: the module
 * checks every field that reaches /etc/passwd itself. */
static void test_bad_fields_never_reach_useradd(void **state)
{
        static const char *const cases[] = {
                "system_info: {default_user: {name: deb, gecos: \"a\\nb::0:0::/:/bin/sh\"}}\n",
                "system_info: {default_user: {name: deb, gecos: \"a:0\"}}\n",
                "system_info: {default_user: {name: deb, homedir: \"/home/deb\\n\"}}\n",
                "system_info: {default_user: {name: deb, shell: \"/bin/sh\\nx\"}}\n",
                "system_info: {default_user: {name: deb, passwd: \"$6$a$b:0:0\"}}\n",
                "system_info: {default_user: {name: deb, primary_group: \"g:x\"}}\n",
        };
        (void)state;
        for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
                struct troot t;
                char stubs[256];
                setup(&t, stubs, sizeof(stubs));
                assert_int_equal(troot_run_module(&t, "users_groups", cases[i], NULL), -EINVAL);
                assert_calls_lack(stubs, "useradd");
                assert_calls_lack(stubs, "chpasswd");
                assert_log_has(&t, "of deb must be");
                assert_log_has(&t, "the user is not created");
                teardown(&t, stubs);
        }
}

/* cloud-init 22.4: a primary group that does not exist is made, then the
 * user with it (25.1 loses the user; not copied). */
static void test_missing_primary_group_is_created(void **state)
{
        struct troot t;
        char stubs[256], *calls, *g, *u;
        (void)state;
        setup(&t, stubs, sizeof(stubs));
        assert_int_equal(troot_run_module(&t, "users_groups",
                                          "system_info: {}\nusers:\n- name: alice\n"
                                          "  primary_group: devs\n",
                                          NULL),
                         0);
        assert_root_call(&t, stubs, "groupadd", "[devs]");
        assert_calls_have(stubs, "useradd [--root]");
        assert_calls_have(stubs, "[alice] [--gid] [devs]");
        calls = stubs_read(stubs, "calls");
        g = strstr(calls, "groupadd");
        u = strstr(calls, "useradd");
        assert_true(g && u && g < u);
        free(calls);
        teardown(&t, stubs);
}

/* users: [] creates nobody, not even the default user. */
static void test_empty_users_creates_nobody(void **state)
{
        struct troot t;
        char stubs[256];
        (void)state;
        setup(&t, stubs, sizeof(stubs));
        assert_int_equal(troot_run_module(&t, "users_groups",
                                          "system_info: {default_user: {name: debian}}\n"
                                          "users: []\n",
                                          NULL),
                         0);
        assert_calls_lack(stubs, "useradd");
        teardown(&t, stubs);
}

static void test_useradd_failure_is_reported(void **state)
{
        (void)state;
        struct troot t;
        char stubs[256], path[512];
        FILE *f;
        setup(&t, stubs, sizeof(stubs));
        (void)snprintf(path, sizeof(path), "%s/exit-useradd", stubs);
        f = fopen(path, "w");
        fputs("9", f);
        fclose(f);
        assert_int_equal(
                troot_run_module(&t, "users_groups", "system_info: {}\nusers: [alice]\n", NULL),
                -EPROTO);
        assert_log_has(&t, "useradd alice failed");
        assert_calls_lack(stubs, "usermod");
        teardown(&t, stubs);
}

int main(void)
{
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_normalize_forms),
                cmocka_unit_test(test_new_user_argv_password_and_sudo),
                cmocka_unit_test(test_default_user_and_existing_user),
                cmocka_unit_test(test_lock_spared_when_locked),
                cmocka_unit_test(test_groups_and_members),
                cmocka_unit_test(test_bad_names_never_reach_a_command),
                cmocka_unit_test(test_useradd_failure_is_reported),
                cmocka_unit_test(test_schema_names_bad_user_fields),
                cmocka_unit_test(test_bad_fields_never_reach_useradd),
                cmocka_unit_test(test_missing_primary_group_is_created),
                cmocka_unit_test(test_empty_users_creates_nobody),
        };
        int r = cmocka_run_group_tests_name("mod-users", tests, NULL, NULL);
        node_names_free();
        return r;
}
