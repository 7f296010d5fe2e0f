/* SPDX-License-Identifier: Apache-2.0 */
/* Tests of src/ds/azure_ovf.c, azure_wireserver.c (the XML parts) and
 * ec2_netcfg.c: ovf-env.xml as cloud-init's OvfEnvXml reads it, the goal
 * state, the health report's escaping, and EC2's network config. */
#include "testlib.h"
#include "azure_ovf.h"
#include "azure_wireserver.h"
#include "ec2_netcfg.h"
#include "json.h"

#define HEAD                                                                                       \
        "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n"                                             \
        "<Environment xmlns=\"http://schemas.dmtf.org/ovf/environment/1\" "                        \
        "xmlns:wa=\"http://schemas.microsoft.com/windowsazure\">\n"                               \
        "<wa:ProvisioningSection><wa:Version>1.0</wa:Version>\n"                                   \
        "<LinuxProvisioningConfigurationSet xmlns=\"http://schemas.microsoft.com/windowsazure\">\n"
#define TAIL                                                                                       \
        "</LinuxProvisioningConfigurationSet></wa:ProvisioningSection>\n"                          \
        "<wa:PlatformSettingsSection><PlatformSettings "                                           \
        "xmlns=\"http://schemas.microsoft.com/windowsazure\">"                                     \
        "<PreprovisionedVm>true</PreprovisionedVm></PlatformSettings>"                             \
        "</wa:PlatformSettingsSection></Environment>\n"

static int parse(const char *xml, struct azure_ovf *o, char *why)
{
        return azure_ovf_parse(xml, strlen(xml), 1u << 20, o, why, 256);
}

static void test_ovf_fields(void **state)
{
        (void)state;
        struct azure_ovf o;
        char why[256];
        _cleanup_free_ char *cfg = NULL;
        size_t len;

        assert_int_equal(parse(HEAD "<HostName> vm1 </HostName><UserName>admin</UserName>"
                                    "<UserPassword>pw&amp;1</UserPassword>"
                                    "<CustomData>I2Nsb3VkLWNvbmZpZwo=</CustomData>"
                                    "<DisableSshPasswordAuthentication>false"
                                    "</DisableSshPasswordAuthentication>"
                                    "<SSH><PublicKeys><PublicKey><Fingerprint>AB</Fingerprint>"
                                    "<Path>/home/admin/.ssh/authorized_keys</Path>"
                                    "<Value>ssh-ed25519 AAAA k1</Value></PublicKey>"
                                    "<PublicKey><Fingerprint>CD</Fingerprint></PublicKey>"
                                    "</PublicKeys></SSH>" TAIL,
                               &o, why),
                         0);
        assert_string_equal(o.hostname, "vm1");
        assert_string_equal(o.username, "admin");
        assert_string_equal(o.password, "pw&1");
        assert_int_equal(o.custom_data_len, 14);
        assert_memory_equal(o.custom_data, "#cloud-config\n", 14);
        assert_int_equal(o.disable_ssh_pwauth, 0);
        assert_int_equal(o.nkeys, 1); /* the fingerprint-only key is not fetched */
        assert_string_equal(o.keys[0], "ssh-ed25519 AAAA k1");
        assert_true(o.preprovisioned);
        assert_int_equal(azure_ovf_config(&o, &cfg, &len), 0);
        assert_non_null(strstr(cfg, "\"ssh_pwauth\": true"));
        assert_non_null(strstr(cfg, "\"name\": \"admin\""));
        assert_non_null(strstr(cfg, "\"lock_passwd\": false"));
        assert_non_null(strstr(cfg, "\"hashed_passwd\": \"$6$"));
        assert_null(strstr(cfg, "pw&1")); /* never the password itself */
        azure_ovf_done(&o);
}

static void test_ovf_redacted_password_is_no_password(void **state)
{
        (void)state;
        struct azure_ovf o;
        char why[256];
        _cleanup_free_ char *cfg = NULL;
        size_t len;

        assert_int_equal(
                parse(HEAD "<HostName>h</HostName><UserPassword>REDACTED</UserPassword>" TAIL, &o,
                      why),
                0);
        assert_int_equal(azure_ovf_config(&o, &cfg, &len), 0);
        assert_null(strstr(cfg, "hashed_passwd"));
        assert_non_null(strstr(cfg, "\"lock_passwd\": false"));
        azure_ovf_done(&o);
}

static void test_ovf_refused(void **state)
{
        (void)state;
        static const struct {
                const char *xml, *why;
                int r;
        } cases[] = {
                { "<Environment/>", "no ProvisioningSection", -ENOENT },
                { HEAD "<UserName>a</UserName>" TAIL, "missing configuration for 'HostName'",
                  -EBADMSG },
                { HEAD "<HostName>a</HostName><HostName>b</HostName>" TAIL,
                  "multiple configuration matches for 'HostName'", -EBADMSG },
                { HEAD "<HostName>a</HostName><CustomData>!!!</CustomData>" TAIL, "not base64",
                  -EBADMSG },
                { HEAD "<HostName>a</HostName><UserPassword>"
                       "0123456789012345678901234567890123456789012345678901234567890123456789"
                       "012</UserPassword>" TAIL,
                  "longer than 72", -EBADMSG },
                { HEAD "<HostName>a</HostName>", "no element found", -EBADMSG },
                { "<?xml version=\"1.0\"?><!DOCTYPE x [<!ENTITY a \"b\">]><x>&a;</x>",
                  "document type declaration", -EBADMSG },
                { "<!DOCTYPE x SYSTEM \"file:///etc/shadow\"><x/>", "document type declaration",
                  -EBADMSG },
                { HEAD "<HostName>a</HostName></LinuxProvisioningConfigurationSet>"
                       "</wa:ProvisioningSection></Environment>",
                  "missing configuration for 'PlatformSettingsSection'", -EBADMSG },
        };
        for (size_t i = 0; i < ELEMENTSOF(cases); i++) {
                struct azure_ovf o;
                char why[256];
                int r = parse(cases[i].xml, &o, why);
                if (r != cases[i].r || !strstr(why, cases[i].why))
                        fail_msg("case %zu: %d '%s', expected %d '%s'", i, r, why, cases[i].r,
                                 cases[i].why);
        }
}

static void test_ovf_depth_and_size_bounded(void **state)
{
        (void)state;
        struct azure_ovf o;
        char why[256];
        size_t n = 100;
        char *deep = malloc(n * 7 + 1), *p = deep;

        for (size_t i = 0; i < n; i++)
                p += sprintf(p, "<a>");
        assert_int_equal(parse(deep, &o, why), -EBADMSG);
        assert_non_null(strstr(why, "nested too deep"));
        free(deep);

        struct buf b = BUF_INIT(1u << 20);
        assert_int_equal(buf_puts(&b, "<r>"), 0);
        for (size_t i = 0; i < XML_ELEMENTS_MAX + 1; i++)
                assert_int_equal(buf_puts(&b, "<e/>"), 0);
        assert_int_equal(buf_puts(&b, "</r>"), 0);
        assert_int_equal(azure_ovf_parse(b.data, b.len, 1024, &o, why, sizeof(why)), -EBADMSG);
        assert_non_null(strstr(why, "too many elements"));
        buf_free(&b);
}

static const char goal_state[] =
        "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<GoalState><Incarnation>7</Incarnation>"
        "<Container><ContainerId>c-1</ContainerId><RoleInstanceList><RoleInstance>"
        "<InstanceId>i&lt;1&gt;</InstanceId></RoleInstance></RoleInstanceList></Container>"
        "</GoalState>";

static void test_goal_state_and_report(void **state)
{
        (void)state;
        struct azure_goal_state gs;
        char why[256];
        struct buf b = BUF_INIT(16384);

        assert_int_equal(azure_goal_state_parse(goal_state, strlen(goal_state), &gs, why,
                                                sizeof(why)),
                         0);
        assert_string_equal(gs.incarnation, "7");
        assert_string_equal(gs.container_id, "c-1");
        assert_string_equal(gs.instance_id, "i<1>");
        assert_int_equal(azure_health_report(&gs, "NotReady", "ProvisioningFailed",
                                             "bad <x> & \"y\"\x01", &b),
                         0);
        assert_non_null(strstr(b.data, "<InstanceId>i&lt;1&gt;</InstanceId>"));
        assert_non_null(strstr(b.data, "<GoalStateIncarnation>7</GoalStateIncarnation>"));
        assert_non_null(strstr(b.data, "<State>NotReady</State>"));
        assert_non_null(strstr(b.data, "<SubStatus>ProvisioningFailed</SubStatus>"));
        assert_non_null(strstr(b.data, "<Description>bad &lt;x&gt; &amp; &quot;y&quot; "
                                       "</Description>"));
        buf_free(&b);

        /* without an InstanceId, or one with a line break: refused */
        static const char no_iid[] = "<GoalState><Incarnation>1</Incarnation><Container>"
                                     "<ContainerId>c</ContainerId></Container></GoalState>";
        assert_int_equal(azure_goal_state_parse(no_iid, strlen(no_iid), &gs, why, sizeof(why)),
                         -EBADMSG);
        assert_non_null(strstr(why, "InstanceId"));
        static const char nl[] = "<GoalState><Incarnation>1</Incarnation><Container>"
                                 "<ContainerId>c&#10;x</ContainerId><RoleInstanceList>"
                                 "<RoleInstance><InstanceId>i</InstanceId></RoleInstance>"
                                 "</RoleInstanceList></Container></GoalState>";
        assert_int_equal(azure_goal_state_parse(nl, strlen(nl), &gs, why, sizeof(why)), -EBADMSG);
}

static struct node *md_of(const char *json)
{
        struct node *n = NULL;
        struct yaml_error err;
        assert_int_equal(json_load(json, strlen(json), "md", &n, &err), 0);
        return n;
}

static void test_ec2_network_config(void **state)
{
        (void)state;
        _cleanup_node_ struct node *md = md_of(
                "{\"network\": {\"interfaces\": {\"macs\": {"
                "\"0E:5E:21:AA:BB:02\": {\"device-number\": \"1\", \"local-ipv4s\": \"10.0.1.7\"},"
                "\"0e:49:61:0f:c3:11\": {\"device-number\": \"0\","
                " \"local-ipv4s\": \"10.0.0.5\\n10.0.0.6\","
                " \"subnet-ipv4-cidr-block\": \"10.0.0.0/20\","
                " \"ipv6s\": \"2001:db8::1\\n2001:db8::2\"},"
                "\"not-a-mac\": {\"device-number\": \"2\"}}}}}");
        _cleanup_free_ char *out = NULL;
        size_t len;

        assert_int_equal(ec2_network_config(md, true, &out, &len), 0);
        _cleanup_node_ struct node *doc = md_of(out);
        /* eth0 is device-number 0 whatever the order in the meta-data */
        assert_string_equal(node_get_str(node_get_path(doc, "ethernets.eth0.match"), "macaddress"),
                            "0e:49:61:0f:c3:11");
        assert_string_equal(node_get_str(node_get_path(doc, "ethernets.eth1.match"), "macaddress"),
                            "0e:5e:21:aa:bb:02");
        assert_int_equal(node_get_path(doc, "ethernets.eth0.dhcp4-overrides.route-metric")->i, 100);
        assert_int_equal(node_get_path(doc, "ethernets.eth0.dhcp6-overrides.route-metric")->i, 100);
        assert_int_equal(node_get_path(doc, "ethernets.eth1.dhcp4-overrides.route-metric")->i, 200);
        assert_true(node_get_path(doc, "ethernets.eth0.dhcp6")->b);
        assert_false(node_get_path(doc, "ethernets.eth1.dhcp6")->b);
        assert_null(node_get_path(doc, "ethernets.eth1.addresses"));
        assert_int_equal(node_get_path(doc, "ethernets.eth0.addresses")->n, 2);
        assert_non_null(strstr(out, "\"10.0.0.6/20\""));
        assert_non_null(strstr(out, "\"2001:db8::2/128\""));
        assert_null(strstr(out, "\"10.0.0.5/"));
        assert_null(strstr(out, "not-a-mac"));
        free(out);
        out = NULL;

        /* the primary alone: no overrides, no static addresses */
        assert_int_equal(ec2_network_config(md, false, &out, &len), 0);
        assert_null(strstr(out, "route-metric"));
        assert_null(strstr(out, "addresses"));
        assert_null(strstr(out, "eth1"));

        _cleanup_node_ struct node *none = md_of("{\"instance-id\": \"i-1\"}");
        char *o2 = NULL;
        assert_int_equal(ec2_network_config(none, true, &o2, &len), -ENOENT);
        assert_null(o2);
}

int main(void)
{
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_ovf_fields),
                cmocka_unit_test(test_ovf_redacted_password_is_no_password),
                cmocka_unit_test(test_ovf_refused),
                cmocka_unit_test(test_ovf_depth_and_size_bounded),
                cmocka_unit_test(test_goal_state_and_report),
                cmocka_unit_test(test_ec2_network_config),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
