/* SPDX-License-Identifier: Apache-2.0 */
/* Tests of modules/apk_configure.c on an Alpine-shaped --root tree; the
 * expected files are cloud-init's template rendered by jinja2. */
#include "testlib.h"

#define HEAD                                                                                       \
        "#\n# Created by cloud-init\n#\n# This file is written on first boot of an "               \
        "instance\n#\n\n"

static void expect(const char *cfg, const char *want)
{
        struct troot t;
        troot_make(&t);
        assert_int_equal(troot_run_module(&t, "apk_configure", cfg, NULL), 0);
        assert_file_eq(&t, "/etc/apk/repositories", want);
        assert_int_equal(troot_mode(&t, "/etc/apk/repositories") & 07777, 0644);
        troot_free(&t);
}

static void test_rendered_as_cloud_init(void **state)
{
        (void)state;
        expect("apk_repos: {alpine_repo: {version: v3.12}}\n",
               HEAD "https://dl-cdn.alpinelinux.org/alpine/v3.12/main\n\n");
        expect("apk_repos:\n  alpine_repo: {version: v3.12, community_enabled: true, "
               "testing_enabled: true}\n  local_repo_base_url: http://local\n",
               HEAD "https://dl-cdn.alpinelinux.org/alpine/v3.12/main\n"
                    "https://dl-cdn.alpinelinux.org/alpine/v3.12/community\n"
                    "#\n# Testing - using with non-Edge installation may cause problems!\n#\n"
                    "https://dl-cdn.alpinelinux.org/alpine/edge/testing\n\n"
                    "#\n# Local repo\n#\nhttp://local/v3.12\n\n");
        expect("apk_repos:\n  alpine_repo: {version: edge, testing_enabled: true, "
               "base_url: 'https://m.example/alpine'}\n",
               HEAD "https://m.example/alpine/edge/main\n"
                    "https://m.example/alpine/edge/testing\n\n");
}

static void test_preserve_and_bad_values(void **state)
{
        (void)state;
        struct troot t;
        troot_make(&t);
        assert_int_equal(troot_run_module(&t, "apk_configure",
                                          "apk_repos: {preserve_repositories: true, "
                                          "alpine_repo: {version: v3.12}}\n",
                                          NULL),
                         0);
        assert_false(fs_exists(t.fd, "/etc/apk/repositories"));
        assert_int_equal(
                troot_run_module(&t, "apk_configure",
                                 "apk_repos: {alpine_repo: {version: \"v3\\nhttp://evil\"}}\n",
                                 NULL),
                -EINVAL);
        assert_log_has(&t, "test.yaml:1:36: apk_repos.alpine_repo.version: must be one word");
        assert_false(fs_exists(t.fd, "/etc/apk/repositories"));
        troot_free(&t);
}

int main(void)
{
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_rendered_as_cloud_init),
                cmocka_unit_test(test_preserve_and_bad_values),
        };
        int r = cmocka_run_group_tests_name("mod-apk-configure", tests, NULL, NULL);
        node_names_free();
        return r;
}
