/* SPDX-License-Identifier: Apache-2.0 */
/* Tests of modules/ca_certs.c on a Debian-shaped busybox target with fake
 * update-ca-certificates and debconf-set-selections. */
#include "testlib.h"

/* A real self-signed certificate (openssl req -x509, P-256). */
static const char CERT[] = "-----BEGIN CERTIFICATE-----\n"
                           "MIIBejCCAR+gAwIBAgIULvvoxqwuoRh/ZOmG6lZrUfQqGvwwCgYIKoZIzj0EAwIw\n"
                           "EjEQMA4GA1UEAwwHdGVzdC1jYTAeFw0yNjEyMDIwNjM0MTRaFw0zNjExMjkwNjM0\n"
                           "MTRaMBIxEDAOBgNVBAMMB3Rlc3QtY2EwWTATBgcqhkjOPQIBBggqhkjOPQMBBwNC\n"
                           "AATKcCnk6nMnSxwYowzjUtu0UKpYEHQLWnq1V/ZPaLcvzMA+eH0VhvAvUtsYtRzm\n"
                           "GcYMorQCBcvLdG2BJeCfZxa0o1MwUTAdBgNVHQ4EFgQUJsNN3CN7MPml5kUCSY0Q\n"
                           "O9gAQpowHwYDVR0jBBgwFoAUJsNN3CN7MPml5kUCSY0QO9gAQpowDwYDVR0TAQH/\n"
                           "BAUwAwEB/zAKBggqhkjOPQQDAgNJADBGAiEAomfGfBEtAdmAbu9OaVsdC6DnlUN6\n"
                           "zhmJCi9/HCZCnrICIQCjPwpq/Q6VfjZOUPJPWT3sH1Todi43l64jPTkc2lQf6Q==\n"
                           "-----END CERTIFICATE-----\n";

/* CERT as an item of a YAML list, a literal block. */
#define CERT_ITEM                                                                                  \
        "    - |\n"                                                                                \
        "      -----BEGIN CERTIFICATE-----\n"                                                      \
        "      MIIBejCCAR+gAwIBAgIULvvoxqwuoRh/ZOmG6lZrUfQqGvwwCgYIKoZIzj0EAwIw\n"                 \
        "      EjEQMA4GA1UEAwwHdGVzdC1jYTAeFw0yNjEyMDIwNjM0MTRaFw0zNjExMjkwNjM0\n"                 \
        "      MTRaMBIxEDAOBgNVBAMMB3Rlc3QtY2EwWTATBgcqhkjOPQIBBggqhkjOPQMBBwNC\n"                 \
        "      AATKcCnk6nMnSxwYowzjUtu0UKpYEHQLWnq1V/ZPaLcvzMA+eH0VhvAvUtsYtRzm\n"                 \
        "      GcYMorQCBcvLdG2BJeCfZxa0o1MwUTAdBgNVHQ4EFgQUJsNN3CN7MPml5kUCSY0Q\n"                 \
        "      O9gAQpowHwYDVR0jBBgwFoAUJsNN3CN7MPml5kUCSY0QO9gAQpowDwYDVR0TAQH/\n"                 \
        "      BAUwAwEB/zAKBggqhkjOPQQDAgNJADBGAiEAomfGfBEtAdmAbu9OaVsdC6DnlUN6\n"                 \
        "      zhmJCi9/HCZCnrICIQCjPwpq/Q6VfjZOUPJPWT3sH1Todi43l64jPTkc2lQf6Q==\n"                 \
        "      -----END CERTIFICATE-----\n"

static const char *const tools[] = { "/usr/sbin/update-ca-certificates",
                                     "/usr/bin/debconf-set-selections", NULL };

static void setup(struct troot *t)
{
        troot_make_fakes(t, FAKE_RECORDER_STDIN, tools);
        troot_write(t, "/etc/ca-certificates.conf",
                    "# comment\nmozilla/A.crt\n!mozilla/B.crt\n\nmozilla/C.crt\n");
}

static void test_trusted_and_remove_defaults(void **state)
{
        (void)state;
        struct troot t;
        setup(&t);
        assert_int_equal(
                troot_run_module(
                        &t, "ca_certs",
                        "ca_certs:\n  remove_defaults: true\n  trusted:\n" CERT_ITEM CERT_ITEM,
                        NULL),
                0);
        assert_file_eq(&t, "/usr/local/share/ca-certificates/cloud-init-ca-cert-1.crt", CERT);
        assert_file_eq(&t, "/usr/local/share/ca-certificates/cloud-init-ca-cert-2.crt", CERT);
        assert_int_equal(
                troot_mode(&t, "/usr/local/share/ca-certificates/cloud-init-ca-cert-1.crt") & 07777,
                0644);
        assert_file_eq(&t, "/etc/ca-certificates.conf",
                       "# comment\n"
                       "# Modified by cloud-init to deselect certs due to user-data\n"
                       "!mozilla/A.crt\n!mozilla/B.crt\n\n!mozilla/C.crt\n");
        assert_calls(&t, "debconf-set-selections -\nupdate-ca-certificates \n");
        assert_file_eq(&t, "/stdin", "ca-certificates ca-certificates/trust_new_crts select no");
        troot_free(&t);
}

static void test_not_pem_refused_rest_applies(void **state)
{
        (void)state;
        struct troot t;
        setup(&t);
        assert_int_equal(troot_run_module(&t, "ca_certs",
                                          "ca-certs:\n  trusted:\n"
                                          "    - not a certificate\n"
                                          "    - \"-----BEGIN CERTIFICATE-----\\n!!!\\n-----END "
                                          "CERTIFICATE-----\\n\"\n" CERT_ITEM,
                                          NULL),
                         -EINVAL);
        assert_log_has(&t, "test.yaml:3:7: ca_certs.trusted: not a PEM certificate");
        assert_log_has(&t, "test.yaml:4:7: ca_certs.trusted: not a PEM certificate");
        assert_false(fs_exists(t.fd, "/usr/local/share/ca-certificates/cloud-init-ca-cert-1.crt"));
        assert_file_eq(&t, "/usr/local/share/ca-certificates/cloud-init-ca-cert-3.crt", CERT);
        assert_calls(&t, "update-ca-certificates \n");
        assert_file_eq(&t, "/etc/ca-certificates.conf",
                       "# comment\nmozilla/A.crt\n!mozilla/B.crt\n\nmozilla/C.crt\n");
        troot_free(&t);
}

static void test_rhel_anchors(void **state)
{
        (void)state;
        struct troot t;
        troot_make(&t);
        troot_write(&t, "/etc/pki/ca-trust/old", "x");
        assert_int_equal(
                troot_run_module(&t, "ca_certs",
                                 "system_info: {distro: fedora}\n"
                                 "ca_certs:\n  remove_defaults: true\n  trusted:\n" CERT_ITEM,
                                 NULL),
                -EPROTO);
        assert_false(fs_exists(t.fd, "/etc/pki/ca-trust/old"));
        assert_file_eq(&t, "/usr/share/pki/ca-trust-source/anchors/cloud-init-ca-cert-1.crt", CERT);
        troot_free(&t);
}

int main(void)
{
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_trusted_and_remove_defaults),
                cmocka_unit_test(test_not_pem_refused_rest_applies),
                cmocka_unit_test(test_rhel_anchors),
        };
        int r = cmocka_run_group_tests_name("mod-ca-certs", tests, NULL, NULL);
        node_names_free();
        return r;
}
