/* SPDX-License-Identifier: Apache-2.0 */
/* Tests of src/system/passwd.c: names looked up in the target's databases,
 * the names every system knows, and one read of each database for a list. */
#include "testlib.h"
#include "passwd.h"

/* The files opened: fs_read_file() opens through openat2(2). */
static unsigned opens;
TEST_COUNT_OPENAT2(opens)

#define PASSWD                                                                                     \
        "debian:x:1000:1000:Debian:/home/debian:/bin/bash\n"                                       \
        "\n"                                                                                       \
        "deb:x:1001:1001::/home/deb:/bin/sh\n"                                                     \
        "svc:x:998:997\n"
#define GROUP "adm:x:4:debian\ndebian:x:1000:\nwheel:x:10:\n"

static void test_owner_by_name_number_and_root(void **state)
{
        (void)state;
        struct troot t;
        uid_t u;
        gid_t g;
        troot_make(&t);
        troot_write(&t, "/etc/passwd", PASSWD);
        troot_write(&t, "/etc/group", GROUP);

        assert_int_equal(passwd_owner(t.fd, "debian:adm", &u, &g), 0);
        assert_int_equal(u, 1000);
        assert_int_equal(g, 4);
        /* a name is matched whole: "deb" is not the start of "debian" */
        assert_int_equal(passwd_owner(t.fd, "deb", &u, &g), 0);
        assert_int_equal(u, 1001);
        assert_int_equal(g, (gid_t)-1);
        /* "user:" leaves the group alone; ":group" the user */
        assert_int_equal(passwd_owner(t.fd, "svc:", &u, &g), 0);
        assert_int_equal(u, 998);
        assert_int_equal(g, (gid_t)-1);
        assert_int_equal(passwd_owner(t.fd, ":wheel", &u, &g), 0);
        assert_int_equal(u, (uid_t)-1);
        assert_int_equal(g, 10);
        /* root and numbers need no line */
        assert_int_equal(passwd_owner(t.fd, "root:root", &u, &g), 0);
        assert_int_equal(u, 0);
        assert_int_equal(g, 0);
        assert_int_equal(passwd_owner(t.fd, "4242:4343", &u, &g), 0);
        assert_int_equal(u, 4242);
        assert_int_equal(g, 4343);
        /* unknown names: the user -ENOENT, the group -ESRCH */
        assert_int_equal(passwd_owner(t.fd, "syslog:adm", &u, &g), -ENOENT);
        assert_int_equal(passwd_owner(t.fd, "debian:nogroup", &u, &g), -ESRCH);
        /* passwd_user gives the user's own group */
        assert_int_equal(passwd_user(t.fd, "deb", &u, &g), 0);
        assert_int_equal(g, 1001);
        troot_free(&t);
}

static void test_bad_line_and_missing_database(void **state)
{
        (void)state;
        struct troot t;
        uid_t u;
        gid_t g;
        troot_make(&t);
        /* no /etc/passwd at all: root still resolves, others do not */
        assert_int_equal(passwd_owner(t.fd, "root", &u, &g), 0);
        assert_int_equal(u, 0);
        assert_int_equal(passwd_owner(t.fd, "debian", &u, &g), -ENOENT);
        troot_write(&t, "/etc/passwd", "bad:x:notanumber:1\nworse:x:12\n");
        assert_int_equal(passwd_owner(t.fd, "bad", &u, &g), -EBADMSG);
        /* passwd_user wants the group field too */
        assert_int_equal(passwd_user(t.fd, "worse", &u, &g), -EBADMSG);
        assert_int_equal(passwd_owner(t.fd, "worse", &u, &g), -EBADMSG);
        troot_free(&t);
}

/* syslog_fix_perms' built-in list on a Debian tree: the first pair whose
 * names both exist wins, and the list costs one read of each database. */
static void test_db_reads_each_database_once(void **state)
{
        (void)state;
        static const char *const specs[] = { "syslog:adm", "nobody:adm", "debian:wheel",
                                             "root:adm" };
        struct passwd_db db;
        struct troot t;
        uid_t u = 7;
        gid_t g = 7;
        int r[ELEMENTSOF(specs)];
        troot_make(&t);
        troot_write(&t, "/etc/passwd", PASSWD);
        troot_write(&t, "/etc/group", GROUP);

        db = (struct passwd_db){ .root_fd = t.fd };
        opens = 0;
        for (size_t i = 0; i < ELEMENTSOF(specs); i++)
                r[i] = passwd_db_owner(&db, specs[i], &u, &g);
        assert_opens(opens, 2);
        assert_int_equal(r[0], -ENOENT);
        assert_int_equal(r[1], -ENOENT);
        assert_int_equal(r[2], 0);
        assert_int_equal(r[3], 0);
        assert_int_equal(u, 0);
        assert_int_equal(g, 4);
        /* the kept text is looked up again unchanged */
        assert_int_equal(passwd_db_owner(&db, "debian:debian", &u, &g), 0);
        assert_int_equal(u, 1000);
        assert_int_equal(g, 1000);
        assert_opens(opens, 2);
        passwd_db_done(&db);
        assert_null(db.passwd);
        assert_int_equal(db.root_fd, t.fd);
        /* a database that cannot be read stays so for the list: one try */
        assert_int_equal(unlinkat(t.fd, "etc/group", 0), 0);
        opens = 0;
        assert_int_equal(passwd_db_owner(&db, "debian:adm", &u, &g), -ESRCH);
        assert_int_equal(passwd_db_owner(&db, "debian:wheel", &u, &g), -ESRCH);
        assert_int_equal(passwd_db_owner(&db, "debian:root", &u, &g), 0);
        assert_int_equal(g, 0);
        assert_opens(opens, 2);
        passwd_db_done(&db);
        troot_free(&t);
}

int main(void)
{
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_owner_by_name_number_and_root),
                cmocka_unit_test(test_bad_line_and_missing_database),
                cmocka_unit_test(test_db_reads_each_database_once),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
