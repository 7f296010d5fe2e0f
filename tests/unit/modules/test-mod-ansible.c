/* SPDX-License-Identifier: Apache-2.0 */
/* Tests of the ansible external module (modules/ext/ansible.c, compiled in
 * with EXTMOD_NO_MAIN): the argv of ansible-pull, ansible-galaxy, git and
 * ansible-playbook in the target, as the run_user, and what is refused. */
#include "extmod.h"
#include "testlib.h"

extern const struct module mod_ansible;
extern const struct extmod ext_ansible;

/* Every fake tool appends "name args..." to /calls; runuser and env record
 * themselves, then run the command they wrap. */
static const char fake_runuser[] = FAKE_RECORDER "shift 3\n"
                                                 "exec \"$@\"\n";
static const char fake_env[] = FAKE_RECORDER "shift 2\n"
                                             "exec \"$@\"\n";
static const char *const tools[] = { "/usr/bin/ansible",          "/usr/bin/ansible-galaxy",
                                     "/usr/bin/ansible-playbook", "/usr/bin/git",
                                     "/usr/bin/apt-get",          NULL };

/* A target whose ansible-pull says it is ansible-core `version`. */
static void setup(struct troot *t, const char *version)
{
        char pull[256];

        troot_make_fakes(t, FAKE_RECORDER, tools);
        (void)snprintf(pull, sizeof(pull),
                       "#!/bin/sh\n"
                       "if [ \"$1\" = --version ]; then echo 'ansible-pull [core %s]'; exit 0; fi\n"
                       "echo \"${0##*/} $*\" >> /calls\n"
                       "echo \"ANSIBLE_CONFIG=$ANSIBLE_CONFIG HOME=$HOME\" >> /env\n",
                       version);
        troot_write_exec(t, "/usr/bin/ansible-pull", pull);
        troot_write_exec(t, "/usr/sbin/runuser", fake_runuser);
        troot_write_exec(t, "/usr/bin/env", fake_env);
}

/* cfg succeeds on a fresh target with ansible-core `version`, and runs
 * exactly `calls`; the caller checks more and frees the root. */
static void run_ok(struct troot *t, const char *version, const char *cfg, const char *calls)
{
        setup(t, version);
        assert_int_equal(troot_run_mod(t, &mod_ansible, cfg, NULL), 0);
        assert_calls(t, calls);
}

static void test_pull_options_in_order(void **state)
{
        (void)state;
        struct troot t;

        /* ansible is there: nothing installed; one run for both playbooks */
        run_ok(&t, "2.19.1",
               "ansible:\n"
               "  install_method: distro\n"
               "  package_name: ansible-core\n"
               "  ansible_config: /etc/ansible/custom.cfg\n"
               "  pull:\n"
               "    - url: https://git.example/playbooks.git\n"
               "      checkout: main\n"
               "      accept_host_key: true\n"
               "      clean: false\n"
               "      private_key: /root/.ssh/deploy\n"
               "      playbook_names: [site.yml, extra.yml]\n",
               "ansible-pull --url=https://git.example/playbooks.git --checkout=main "
               "--accept-host-key --private-key=/root/.ssh/deploy site.yml extra.yml\n");
        assert_file_eq(&t, "/env", "ANSIBLE_CONFIG=/etc/ansible/custom.cfg HOME=/root\n");
        troot_free(&t);
}

static void test_old_ansible_one_run_per_playbook_as_user(void **state)
{
        (void)state;
        struct troot t;

        run_ok(&t, "2.9.6",
               "ansible:\n"
               "  install_method: distro\n"
               "  package_name: ansible\n"
               "  run_user: debian\n"
               "  pull:\n"
               "    url: https://git.example/p.git\n"
               "    playbook_names: [a.yml, b.yml]\n",
               "runuser -u debian -- ansible-pull --version\n"
               "runuser -u debian -- ansible-pull --url=https://git.example/p.git a.yml\n"
               "ansible-pull --url=https://git.example/p.git a.yml\n"
               "runuser -u debian -- ansible-pull --url=https://git.example/p.git b.yml\n"
               "ansible-pull --url=https://git.example/p.git b.yml\n");
        troot_free(&t);
}

static void test_galaxy_and_controller(void **state)
{
        (void)state;
        struct troot t;

        run_ok(&t, "2.19.1",
               "ansible:\n"
               "  install_method: distro\n"
               "  package_name: ansible\n"
               "  galaxy:\n"
               "    actions:\n"
               "      - [ansible-galaxy, collection, install, community.general]\n"
               "  setup_controller:\n"
               "    repositories:\n"
               "      - {path: /opt/pb, source: https://git.example/pb.git}\n"
               "    run_ansible:\n"
               "      - playbook_dir: /opt/pb\n"
               "        playbook_name: site.yml\n"
               "        check: true\n"
               "        diff: false\n"
               "        forks: 5\n"
               "        inventory: hosts\n",
               "ansible-galaxy collection install community.general\n"
               "git clone -- https://git.example/pb.git /opt/pb\n"
               "env -C /opt/pb ansible-playbook site.yml --check --forks=5 --inventory=hosts\n"
               "ansible-playbook site.yml --check --forks=5 --inventory=hosts\n");
        troot_free(&t);
}

static void test_installs_distro_package_when_missing(void **state)
{
        (void)state;
        struct troot t;

        setup(&t, "2.19.1");
        assert_int_equal(fs_unlink(t.fd, "/usr/bin/ansible"), 0);
        /* apt-get is a fake: ansible stays missing, the module fails after it */
        assert_true(troot_run_mod(&t, &mod_ansible,
                                  "ansible:\n"
                                  "  install_method: distro\n"
                                  "  package_name: ansible-core\n"
                                  "  pull: {url: 'https://x/y.git', playbook_name: s.yml}\n",
                                  NULL) < 0);
        {
                char *calls = troot_read(&t, "/calls");
                assert_non_null(calls);
                assert_non_null(strstr(calls, "apt-get --assume-yes update\n"));
                assert_non_null(strstr(calls, " install ansible-core\n"));
                assert_null(strstr(calls, "ansible-pull"));
                free(calls);
        }
        assert_log_has(&t, "ansible is not installed");
        troot_free(&t);
}

static void test_pip_install_as_user(void **state)
{
        (void)state;
        struct troot t;

        setup(&t, "2.19.1");
        /* pip lists ansible only once it installed it */
        troot_write_exec(&t, "/usr/bin/python3",
                         "#!/bin/sh\n"
                         "echo \"${0##*/} $*\" >> /calls\n"
                         "case \"$*\" in\n"
                         "  *' list'*) [ -e /pipdone ] && echo 'ansible-core 2.19.1';;\n"
                         "  *' install '*ansible*) : > /pipdone;;\n"
                         "esac\n"
                         "exit 0\n");
        troot_write_exec(&t, "/usr/bin/pip3", FAKE_RECORDER);
        troot_write(&t, "/usr/lib/python3.13/EXTERNALLY-MANAGED", "[externally-managed]\n");
        assert_int_equal(troot_run_mod(&t, &mod_ansible,
                                       "ansible:\n"
                                       "  install_method: pip\n"
                                       "  package_name: ansible\n"
                                       "  run_user: debian\n",
                                       NULL),
                         0);
        assert_calls(&t, "runuser -u debian -- python3 -m pip list --user\n"
                         "python3 -m pip list --user\n"
                         "runuser -u debian -- python3 -m pip install --break-system-packages "
                         "--user --upgrade pip\n"
                         "python3 -m pip install --break-system-packages --user --upgrade pip\n"
                         "runuser -u debian -- python3 -m pip install --break-system-packages "
                         "--user ansible\n"
                         "python3 -m pip install --break-system-packages --user ansible\n"
                         "runuser -u debian -- python3 -m pip list --user\n"
                         "python3 -m pip list --user\n");
        troot_free(&t);
}

static void test_refusals(void **state)
{
        /* Values refused by the schema: the whole ansible key is dropped with
         * the bad value, nothing runs. */
        static const char *const refused[] = {
                /* a playbook name that ansible-pull would read as an option
                 * (and then the pull lacks a playbook) */
                "ansible:\n"
                "  install_method: distro\n"
                "  package_name: ansible\n"
                "  pull: {url: 'https://x/y.git', playbook_name: '--vault-id=x'}\n",
                /* a repository source that git would read as an option */
                "ansible:\n"
                "  install_method: distro\n"
                "  package_name: ansible\n"
                "  setup_controller:\n"
                "    repositories:\n"
                "      - {path: /opt/x, source: '--upload-pack=touch /p'}\n"
                "    run_ansible:\n"
                "      - {playbook_dir: /opt/x, playbook_name: s.yml}\n",
                /* a newline in an option value */
                "ansible:\n"
                "  install_method: distro\n"
                "  package_name: ansible\n"
                "  pull: {url: \"https://x/y.git\\n--x\", playbook_name: s.yml}\n",
        };
        (void)state;
        struct troot t;

        /* cloud-init requires install_method and package_name: nothing runs */
        setup(&t, "2.19.1");
        assert_true(troot_run_mod(&t, &mod_ansible,
                                  "ansible:\n"
                                  "  package_name: ansible\n"
                                  "  pull: {url: 'https://x/y.git', playbook_name: s.yml}\n",
                                  NULL) < 0);
        assert_calls(&t, NULL);
        assert_log_has(&t, "missing required key 'install_method'");
        troot_free(&t);

        for (size_t i = 0; i < sizeof(refused) / sizeof(refused[0]); i++) {
                setup(&t, "2.19.1");
                (void)troot_run_mod(&t, &mod_ansible, refused[i], NULL);
                assert_calls(&t, NULL);
                troot_free(&t);
        }
}

static void test_describe(void **state)
{
        (void)state;
        struct buf b = BUF_INIT(1 << 20);

        assert_int_equal(extmod_describe(&ext_ansible, &b), 0);
        assert_non_null(strstr(b.data, "\"api\":1,\"name\":\"ansible\",\"stage\":\"final\""));
        assert_non_null(strstr(b.data, "\"activate_by_schema_keys\":[\"ansible\"]"));
        assert_non_null(strstr(b.data, "\"install_method\":{\"type\":\"string\",\"enum\":["));
        buf_free(&b);
}

int main(void)
{
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_pull_options_in_order),
                cmocka_unit_test(test_old_ansible_one_run_per_playbook_as_user),
                cmocka_unit_test(test_galaxy_and_controller),
                cmocka_unit_test(test_installs_distro_package_when_missing),
                cmocka_unit_test(test_pip_install_as_user),
                cmocka_unit_test(test_refusals),
                cmocka_unit_test(test_describe),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
