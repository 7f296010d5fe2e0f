/* SPDX-License-Identifier: Apache-2.0 */
/* Tests of modules/zypper_add_repo.c on an openSUSE-shaped --root tree. The
 * expected files are what cloud-init's _format_repository_config (ConfigObj)
 * and _write_zypp_config make of the same entries. */
#include "testlib.h"

static void test_repos_rendered_as_configobj(void **state)
{
        (void)state;
        struct troot t;
        troot_make(&t);
        troot_write(&t, "/etc/zypp/zypp.conf", "[main]\n");
        assert_int_equal(troot_run_module(&t, "zypper_add_repo",
                                          "zypper:\n"
                                          "  repos:\n"
                                          "    - id: opensuse-oss\n"
                                          "      name: os-oss\n"
                                          "      baseurl: http://dl.opensuse.org/dist/leap/v/repo/oss/\n"
                                          "      Auto-Refresh: false\n"
                                          "      priority: 0x10\n"
                                          "      gpgkey: [http://a/k1, http://a/k2]\n"
                                          "      type: 'rpm, md'\n"
                                          "      path: ''\n"
                                          "    - id: my repo\n"
                                          "      baseurl: http://b/\n"
                                          "      enabled: 0\n"
                                          "    - name: no id\n"
                                          "  config:\n"
                                          "    reposdir: /etc/zypp/repos.d\n"
                                          "    servicesdir: /etc/zypp/services.d\n"
                                          "    download.use_deltarpm: true\n"
                                          "    solver.onlyRequires: 0\n"
                                          "    configdir: /x\n",
                                          NULL),
                         0);
        assert_file_eq(&t, "/etc/zypp/repos.d/opensuse-oss.repo",
                       "[opensuse-oss]\n"
                       "name = os-oss\n"
                       "baseurl = http://dl.opensuse.org/dist/leap/v/repo/oss/\n"
                       "auto_refresh = 0\n"
                       "priority = 16\n"
                       "gpgkey = '''http://a/k1\n    http://a/k2'''\n"
                       "type = \"rpm, md\"\n"
                       "path = \"\"\n"
                       "enabled = 1\n"
                       "autorefresh = 1");
        assert_file_eq(&t, "/etc/zypp/repos.d/my_repo.repo",
                       "[my repo]\nbaseurl = http://b/\nenabled = 0\nautorefresh = 1");
        assert_int_equal(troot_mode(&t, "/etc/zypp/repos.d/my_repo.repo") & 07777, 0644);
        assert_file_eq(&t, "/etc/zypp/zypp.conf",
                       "[main]\n# Added via cloud.cfg\n"
                       "reposdir=/etc/zypp/repos.d\n"
                       "servicesdir=/etc/zypp/services.d\n"
                       "download.use_deltarpm=True");
        assert_log_has(&t, "Repo config at index 2 is missing required config keys: id,baseurl");
        assert_log_has(&t, "skipping \"configdir\" setting");
        /* every boot: the settings are not appended twice, the repo kept */
        troot_write(&t, "/etc/zypp/repos.d/my_repo.repo", "mine");
        assert_int_equal(troot_run_module(&t, "zypper_add_repo",
                                          "zypper: {repos: [{id: my repo, baseurl: 'http://c/'}],"
                                          " config: {download.use_deltarpm: true}}\n",
                                          NULL),
                         0);
        assert_file_eq(&t, "/etc/zypp/repos.d/my_repo.repo", "mine");
        assert_file_eq(&t, "/etc/zypp/zypp.conf",
                       "[main]\n# Added via cloud.cfg\n"
                       "reposdir=/etc/zypp/repos.d\n"
                       "servicesdir=/etc/zypp/services.d\n"
                       "download.use_deltarpm=True\n# Added via cloud.cfg\n"
                       "download.use_deltarpm=True");
        troot_free(&t);
}

static void test_bad_values_refused(void **state)
{
        (void)state;
        struct troot t;
        troot_make(&t);
        assert_int_equal(troot_run_module(&t, "zypper_add_repo",
                                          "zypper:\n"
                                          "  repos:\n"
                                          "    - id: a\n"
                                          "      baseurl: \"http://a/\\n[evil]\\nx=1\"\n"
                                          "    - id: \"b]\\n[c\"\n"
                                          "      baseurl: http://b/\n"
                                          "    - id: d\n"
                                          "      baseurl: http://d/\n"
                                          "      \"bad key\": 1\n"
                                          "    - id: e\n"
                                          "      baseurl: http://e/\n"
                                          "      gpgkey: [\"x'''y\\\"\\\"\\\"\", z]\n"
                                          "    - id: good\n"
                                          "      baseurl: http://g/\n"
                                          "  config:\n"
                                          "    reposdir: ../../etc\n",
                                          NULL),
                         -EINVAL);
        assert_log_has(&t, "test.yaml:16:15: zypper.config.reposdir: must be an absolute path");
        assert_false(fs_exists(t.fd, "/etc/zypp/repos.d/good.repo"));
        assert_int_equal(troot_run_module(&t, "zypper_add_repo",
                                          "zypper:\n"
                                          "  repos:\n"
                                          "    - id: a\n"
                                          "      baseurl: \"http://a/\\n[evil]\\nx=1\"\n"
                                          "    - id: \"b]\\n[c\"\n"
                                          "      baseurl: http://b/\n"
                                          "    - id: d\n"
                                          "      baseurl: http://d/\n"
                                          "      \"bad key\": 1\n"
                                          "    - id: e\n"
                                          "      baseurl: http://e/\n"
                                          "      gpgkey: [\"x'''y\\\"\\\"\\\"\", z]\n"
                                          "    - id: good\n"
                                          "      baseurl: http://g/\n"
                                          "  config:\n"
                                          "    \"x\\ny\": 1\n"
                                          "    solver: \"a\\nb\"\n",
                                          NULL),
                         -EINVAL);
        assert_log_has(&t, "test.yaml:4:16: zypper.repos: values must be one line");
        assert_log_has(&t, "test.yaml:5:11: zypper.repos: a repository id is");
        assert_log_has(&t, "test.yaml:9:7: zypper.repos: a key is letters");
        assert_log_has(&t, "test.yaml:12:15: zypper.repos: a value cannot hold both");
        assert_log_has(&t, "test.yaml:16:5: zypper.config: a setting is");
        assert_log_has(&t, "test.yaml:17:13: zypper.config: a value is one line");
        assert_false(fs_exists(t.fd, "/etc/zypp/repos.d/a.repo"));
        assert_false(fs_exists(t.fd, "/etc/zypp/repos.d/d.repo"));
        assert_false(fs_exists(t.fd, "/etc/zypp/repos.d/e.repo"));
        assert_false(fs_exists(t.fd, "/etc/zypp/zypp.conf"));
        assert_file_eq(&t, "/etc/zypp/repos.d/good.repo",
                       "[good]\nbaseurl = http://g/\nenabled = 1\nautorefresh = 1");
        troot_free(&t);
}

int main(void)
{
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_repos_rendered_as_configobj),
                cmocka_unit_test(test_bad_values_refused),
        };
        int r = cmocka_run_group_tests_name("mod-zypper-add-repo", tests, NULL, NULL);
        node_names_free();
        return r;
}
