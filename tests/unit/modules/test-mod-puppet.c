/* SPDX-License-Identifier: Apache-2.0 */
/* Tests of the puppet external module (modules/ext/puppet.c, compiled in with
 * EXTMOD_NO_MAIN): puppet.conf merged and rewritten, ca.pem and
 * csr_attributes.yaml with their modes and owners, and the argv of the
 * package install, puppet agent and systemctl in the target. */
#include "extmod.h"
#include "testlib.h"

extern const struct module mod_puppet;
extern const struct extmod ext_puppet;

/* puppet config print answers as the Debian package's puppet does */
static const char fake_puppet[] = "#!/bin/sh\n"
                                  "if [ \"$1\" = config ]; then case \"$3\" in\n"
                                  "  config) echo /etc/puppet/puppet.conf;;\n"
                                  "  ssldir) echo /var/lib/puppet/ssl;;\n"
                                  "  csr_attributes) echo /etc/puppet/csr_attributes.yaml;;\n"
                                  "esac; exit 0; fi\n"
                                  "echo \"${0##*/} $*\" >> /calls\n";

static void setup(struct troot *t)
{
        troot_make_fakes(t, FAKE_RECORDER,
                         (const char *const[]){ "/usr/bin/apt-get", "/usr/bin/systemctl", NULL });
        troot_write_exec(t, "/usr/bin/puppet", fake_puppet);
        troot_write(t, "/etc/passwd",
                    "root:x:0:0:root:/root:/bin/sh\n"
                    "puppet:x:110:115::/var/lib/puppet:/usr/sbin/nologin\n");
        troot_write(t, "/etc/group", "root:x:0:\npuppet:x:115:\n");
        troot_write(t, "/etc/hostname", "Node1.Example.org\n");
        troot_write(t, "/etc/puppet/puppet.conf",
                    "# Debian's\n"
                    "[main]\n"
                    "  ssldir = /var/lib/puppet/ssl\n"
                    "Server = old.example\n"
                    "\n"
                    "[agent]\n"
                    "report: true\n");
}

static const char pem[] = "-----BEGIN CERTIFICATE-----\\nMIIB\\n-----END CERTIFICATE-----\\n";

static void test_conf_ca_csr_and_commands(void **state)
{
        (void)state;
        struct troot t;
        char *old;
        struct stat st;
        char cfg[2048];

        setup(&t);
        (void)snprintf(cfg, sizeof(cfg),
                       "puppet:\n"
                       "  package_name: puppet-agent\n"
                       "  exec: true\n"
                       "  exec_args: ['--test', '--waitforcert=60']\n"
                       "  conf:\n"
                       "    agent:\n"
                       "      server: puppetserver.example.org\n"
                       "      certname: '%%i.%%f'\n"
                       "      runinterval: 600\n"
                       "      usecacheonfailure: false\n"
                       "    ca_cert: \"%s\"\n"
                       "  csr_attributes:\n"
                       "    custom_attributes:\n"
                       "      1.2.840.113549.1.9.7: 342thbjkt82094y0uthhor289jnqthpc2290\n"
                       "    extension_requests:\n"
                       "      pp_uuid: ED803750-E3C7-44F5-BB08-41A04433FE2E\n",
                       pem);
        assert_int_equal(troot_run_mod(&t, &mod_puppet, cfg, NULL), 0);
        assert_file_eq(&t, "/etc/puppet/puppet.conf",
                       "[main]\n"
                       "ssldir = /var/lib/puppet/ssl\n"
                       "server = old.example\n"
                       "\n"
                       "[agent]\n"
                       "report = true\n"
                       "server = puppetserver.example.org\n"
                       "certname = i-test.node1.example.org\n"
                       "runinterval = 600\n"
                       "usecacheonfailure = False\n"
                       "\n");
        old = troot_read(&t, "/etc/puppet/puppet.conf.old");
        assert_non_null(old);
        assert_non_null(strstr(old, "# Debian's"));
        free(old);
        assert_file_eq(&t, "/var/lib/puppet/ssl/certs/ca.pem",
                       "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n");
        assert_int_equal(troot_mode(&t, "/var/lib/puppet/ssl/certs/ca.pem") & 07777, 0644);
        assert_int_equal(troot_mode(&t, "/var/lib/puppet/ssl") & 07777, 0771);
        assert_int_equal(fs_stat(t.fd, "/var/lib/puppet/ssl/certs/ca.pem", false, &st), 0);
        assert_int_equal(st.st_uid, 110);
        assert_int_equal(st.st_gid, 0);
        assert_file_eq(&t, "/etc/puppet/csr_attributes.yaml",
                       "\"custom_attributes\":\n"
                       "  \"1.2.840.113549.1.9.7\": \"342thbjkt82094y0uthhor289jnqthpc2290\"\n"
                       "\"extension_requests\":\n"
                       "  \"pp_uuid\": \"ED803750-E3C7-44F5-BB08-41A04433FE2E\"\n");
        assert_calls(&t, "apt-get --assume-yes update\n"
                         "apt-get --option=Dpkg::Options::=--force-confold "
                         "--option=Dpkg::options::=--force-unsafe-io --assume-yes --quiet install "
                         "puppet-agent\n"
                         "systemctl enable puppet-agent.service\n"
                         "puppet agent --test --waitforcert=60\n"
                         "systemctl enable puppet-agent.service\n");
        troot_free(&t);
}

static void test_no_install_defaults(void **state)
{
        (void)state;
        struct troot t;

        setup(&t);
        assert_int_equal(troot_run_mod(&t, &mod_puppet,
                                       "puppet:\n"
                                       "  install: false\n"
                                       "  start_service: false\n"
                                       "  exec: true\n",
                                       NULL),
                         0);
        /* exec without exec_args: --test, cloud-init's default */
        assert_calls(&t, "puppet agent --test\n");
        troot_free(&t);
}

static void test_bad_conf_values(void **state)
{
        (void)state;
        struct troot t;

        setup(&t);
        /* a value with a newline would add a line: refused, the rest written */
        assert_true(troot_run_mod(&t, &mod_puppet,
                                  "puppet:\n"
                                  "  install: false\n"
                                  "  start_service: false\n"
                                  "  conf:\n"
                                  "    main:\n"
                                  "      server: \"a\\n[evil]\\nx = y\"\n"
                                  "      'bad key': v\n"
                                  "      environment: prod\n",
                                  NULL) < 0);
        {
                char *c = troot_read(&t, "/etc/puppet/puppet.conf");
                assert_non_null(c);
                assert_null(strstr(c, "[evil]"));
                assert_null(strstr(c, "bad key"));
                assert_non_null(strstr(c, "environment = prod\n"));
                free(c);
        }
        assert_log_has(&t, "puppet.conf.main.server: must be one line of text");
        troot_free(&t);
}

static void test_describe(void **state)
{
        (void)state;
        struct buf b = BUF_INIT(1 << 20);

        assert_int_equal(extmod_describe(&ext_puppet, &b), 0);
        assert_non_null(strstr(b.data, "\"name\":\"puppet\",\"stage\":\"final\""));
        assert_non_null(strstr(b.data, "\"install_type\":{\"type\":\"string\",\"enum\":["
                                       "\"packages\",\"aio\"]}"));
        buf_free(&b);
}

int main(void)
{
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_conf_ca_csr_and_commands),
                cmocka_unit_test(test_no_install_defaults),
                cmocka_unit_test(test_bad_conf_values),
                cmocka_unit_test(test_describe),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
