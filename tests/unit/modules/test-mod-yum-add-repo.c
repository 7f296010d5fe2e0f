/* SPDX-License-Identifier: Apache-2.0 */
/* Tests of modules/yum_add_repo.c on a Fedora-shaped --root tree. The
 * expected file is what cloud-init's _format_repository_config makes of the
 * same entry (ConfigParser), after its dated first line. */
#include "testlib.h"

static void assert_repo(struct troot *t, const char *path, const char *body)
{
        char *got = troot_read(t, path);
        const char *nl;
        assert_non_null(got);
        assert_true(startswith(got, "# Created by cloud-init on "));
        assert_non_null(strstr(got, " +0000\n"));
        nl = strchr(got, '\n');
        if (strcmp(nl + 1, body) != 0)
                fail_msg("%s holds \"%s\", expected \"%s\"", path, nl + 1, body);
        free(got);
        assert_int_equal(troot_mode(t, path) & 07777, 0644);
}

static void test_repo_rendered_as_configparser(void **state)
{
        (void)state;
        struct troot t;
        troot_make(&t);
        assert_int_equal(troot_run_module(&t, "yum_add_repo",
                                          "yum_repos:\n"
                                          "  epel-testing:\n"
                                          "    name: Extra Packages - Testing\n"
                                          "    baseurl: http://x/$basearch/\n"
                                          "    enabled: false\n"
                                          "    failovermethod: priority\n"
                                          "    gpgcheck: true\n"
                                          "    gpgkey: [file:///a, file:///b]\n"
                                          "    priority: 10\n"
                                          "  my repo:\n"
                                          "    MirrorList: https://m/\n"
                                          "  nourl:\n"
                                          "    name: x\n",
                                          NULL),
                         0);
        assert_repo(&t, "/etc/yum.repos.d/epel-testing.repo",
                    "[epel-testing]\n"
                    "name = Extra Packages - Testing\n"
                    "baseurl = http://x/$basearch/\n"
                    "enabled = 0\n"
                    "failovermethod = priority\n"
                    "gpgcheck = 1\n"
                    "gpgkey = file:///a\n\tfile:///b\n"
                    "priority = 10\n"
                    "\n");
        assert_repo(&t, "/etc/yum.repos.d/my-repo.repo", "[my-repo]\nmirrorlist = https://m/\n\n");
        assert_false(fs_exists(t.fd, "/etc/yum.repos.d/nourl.repo"));
        assert_log_has(&t, "Repository nourl should contain at least one of the following");
        troot_free(&t);
}

static void test_existing_kept_and_dir(void **state)
{
        (void)state;
        struct troot t;
        troot_make(&t);
        troot_write(&t, "/store/r.repo", "mine\n");
        assert_int_equal(
                troot_run_module(
                        &t, "yum_add_repo",
                        "yum_repo_dir: /store\n"
                        "yum_repos: {r: {baseurl: 'http://a/'}, s: {baseurl: 'http://b/'}}\n",
                        NULL),
                0);
        assert_file_eq(&t, "/store/r.repo", "mine\n");
        assert_repo(&t, "/store/s.repo", "[s]\nbaseurl = http://b/\n\n");
        troot_free(&t);
}

static void test_bad_values_refused(void **state)
{
        (void)state;
        struct troot t;
        troot_make(&t);
        assert_int_equal(troot_run_module(&t, "yum_add_repo",
                                          "yum_repos:\n"
                                          "  a:\n    baseurl: \"http://a/\\n[evil]\\nx=1\"\n"
                                          "  \"b]\\n[c\":\n    baseurl: http://b/\n"
                                          "  d:\n    \"base url\": http://d/\n"
                                          "  good:\n    baseurl: http://g/\n",
                                          NULL),
                         -EINVAL);
        assert_log_has(&t, "test.yaml:3:14: yum_repos: values must be one line");
        assert_log_has(&t, "test.yaml:4:3: yum_repos: a repository id is");
        assert_log_has(&t, "test.yaml:7:5: yum_repos: a key is letters");
        assert_false(fs_exists(t.fd, "/etc/yum.repos.d/a.repo"));
        assert_false(fs_exists(t.fd, "/etc/yum.repos.d/d.repo"));
        assert_repo(&t, "/etc/yum.repos.d/good.repo", "[good]\nbaseurl = http://g/\n\n");
        troot_free(&t);
}

int main(void)
{
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_repo_rendered_as_configparser),
                cmocka_unit_test(test_existing_kept_and_dir),
                cmocka_unit_test(test_bad_values_refused),
        };
        int r = cmocka_run_group_tests_name("mod-yum-add-repo", tests, NULL, NULL);
        node_names_free();
        return r;
}
