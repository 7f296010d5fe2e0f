/* SPDX-License-Identifier: Apache-2.0 */
/* Tests of modules/phone_home.c and src/http.c against a one-shot HTTP
 * server of the test's own on 127.0.0.1. */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <pthread.h>
#include <sys/socket.h>

#include "http.h"
#include "testlib.h"

struct server {
        int fd;
        int port;
        int status;
        char request[8192];
};

static void *serve(void *arg)
{
        struct server *s = arg;
        int c = accept(s->fd, NULL, NULL);
        size_t len = 0;
        char reply[128];

        if (c < 0)
                return NULL;
        /* headers, then the body its Content-Length announces */
        for (;;) {
                ssize_t n = read(c, s->request + len, sizeof(s->request) - 1 - len);
                char *body, *cl;
                if (n <= 0)
                        break;
                len += (size_t)n;
                s->request[len] = '\0';
                body = strstr(s->request, "\r\n\r\n");
                cl = strcasestr(s->request, "Content-Length: ");
                if (body && (!cl || strlen(body + 4) >= (size_t)atoi(cl + 16)))
                        break;
        }
        (void)snprintf(reply, sizeof(reply),
                       "HTTP/1.1 %d X\r\nContent-Length: 0\r\nConnection: close\r\n\r\n",
                       s->status);
        (void)write(c, reply, strlen(reply));
        close(c);
        return NULL;
}

static void server_start(struct server *s, int status, pthread_t *th)
{
        struct sockaddr_in a = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
        socklen_t al = sizeof(a);
        s->fd = socket(AF_INET, SOCK_STREAM, 0);
        assert_true(s->fd >= 0);
        assert_int_equal(bind(s->fd, (struct sockaddr *)&a, sizeof(a)), 0);
        assert_int_equal(listen(s->fd, 1), 0);
        assert_int_equal(getsockname(s->fd, (struct sockaddr *)&a, &al), 0);
        s->port = ntohs(a.sin_port);
        s->status = status;
        s->request[0] = '\0';
        assert_int_equal(pthread_create(th, NULL, serve, s), 0);
}

static void test_posts_all_fields(void **state)
{
        (void)state;
        struct troot t;
        struct server s;
        pthread_t th;
        char cfg[256];
        troot_make(&t);
        troot_write(&t, "/etc/ssh/ssh_host_ed25519_key.pub", "ssh-ed25519 AAAAfake root@h\n");
        server_start(&s, 200, &th);
        (void)snprintf(cfg, sizeof(cfg),
                       "phone_home: {url: 'http://127.0.0.1:%d/$INSTANCE_ID/', tries: 1}\n"
                       "fqdn: web.example.com\n",
                       s.port);
        assert_int_equal(troot_run_module(&t, "phone_home", cfg, NULL), 0);
        pthread_join(th, NULL);
        close(s.fd);
        assert_non_null(strstr(s.request, "POST /i-test/ HTTP/1.1"));
        assert_non_null(strstr(s.request, "User-Agent: cloudboot/" PACKAGE_VERSION));
        assert_non_null(strstr(s.request, "pub_key_rsa=N%2FA&pub_key_ecdsa=N%2FA&"
                                          "pub_key_ed25519=ssh-ed25519%20AAAAfake%20root%40h&"
                                          "instance_id=i-test&hostname=web&fqdn=web.example.com"));
        assert_log_has(&t, "phone_home: posted 6 fields");
        troot_free(&t);
}

static void test_posts_only_listed_fields_and_reports_failure(void **state)
{
        (void)state;
        struct troot t;
        struct server s;
        pthread_t th;
        char cfg[256];
        troot_make(&t);
        server_start(&s, 500, &th);
        (void)snprintf(
                cfg, sizeof(cfg),
                "phone_home: {url: 'http://127.0.0.1:%d/x', post: [instance_id], tries: 1}\n",
                s.port);
        assert_int_equal(troot_run_module(&t, "phone_home", cfg, NULL), -EIO);
        pthread_join(th, NULL);
        close(s.fd);
        assert_non_null(strstr(s.request, "\r\n\r\ninstance_id=i-test"));
        assert_null(strstr(s.request, "pub_key"));
        assert_log_has(&t, "failed 1 times; giving up");
        /* only http and https */
        assert_int_equal(troot_run_module(&t, "phone_home",
                                          "phone_home: {url: 'file:///etc/passwd', tries: 1}\n",
                                          NULL),
                         -EIO);
        troot_free(&t);
}

/* A URL with user:password and a token in the query: the request carries
 * them (basic auth, the query), what is logged does not. */
static void test_credentials_in_url_are_used_not_logged(void **state)
{
        (void)state;
        struct troot t;
        struct server s;
        pthread_t th;
        char cfg[256], want[128];
        troot_make(&t);
        server_start(&s, 500, &th);
        (void)snprintf(cfg, sizeof(cfg),
                       "phone_home: {url: 'http://agent:s3cr3t-pw@127.0.0.1:%d/$INSTANCE_ID/"
                       "?token=t0ken-value#frag', post: [instance_id], tries: 1}\n",
                       s.port);
        assert_int_equal(troot_run_module(&t, "phone_home", cfg, NULL), -EIO);
        pthread_join(th, NULL);
        close(s.fd);
        assert_non_null(strstr(s.request, "POST /i-test/?token=t0ken-value HTTP/1.1"));
        assert_non_null(strstr(s.request, "Authorization: Basic "));
        (void)snprintf(want, sizeof(want), "posting to http://127.0.0.1:%d/i-test/?... failed",
                       s.port);
        assert_log_has(&t, want);
        assert_null(strstr(t.log.data, "s3cr3t-pw"));
        assert_null(strstr(t.log.data, "agent"));
        assert_null(strstr(t.log.data, "t0ken-value"));
        assert_null(strstr(t.log.data, "frag"));
        troot_free(&t);
}

/* The URL helpers, on libcurl's URL API. */
static void test_url_check_and_redact(void **state)
{
        (void)state;
        char out[256];
        assert_int_equal(http_url_check("http://h/"), 0);
        assert_int_equal(http_url_check("HTTPS://u:p@H:8443/x?y"), 0);
        assert_int_equal(http_url_check("file:///etc/passwd"), -EPROTONOSUPPORT);
        assert_int_equal(http_url_check("ftp://h/"), -EPROTONOSUPPORT);
        assert_int_equal(http_url_check("not a url"), -EINVAL);
        assert_int_equal(http_url_check("http://"), -EINVAL);
        http_url_redact("https://user:pw@h.example:8443/p/a?token=x#f", out, sizeof(out));
        assert_string_equal(out, "https://h.example:8443/p/a?...");
        http_url_redact("http://user@h/p", out, sizeof(out));
        assert_string_equal(out, "http://h/p");
        http_url_redact("http://h/p#secret", out, sizeof(out));
        assert_string_equal(out, "http://h/p?...");
        http_url_redact("http://u:p@169.254.169.254", out, sizeof(out));
        assert_string_equal(out, "http://169.254.169.254");
        http_url_redact("http://h/", out, sizeof(out));
        assert_string_equal(out, "http://h/");
        http_url_redact("http://h?x", out, sizeof(out));
        assert_string_equal(out, "http://h?...");
        http_url_redact("ftp://u:p@h/f", out, sizeof(out));
        assert_string_equal(out, "ftp://h/f");
        http_url_redact("user:pass garbage", out, sizeof(out));
        assert_string_equal(out, "(a malformed URL)");
}

/* The log's safety net: user-info that a caller did not redact is masked. */
static void test_log_masks_userinfo(void **state)
{
        (void)state;
        struct buf log = BUF_INIT(4096);
        log_capture(&log);
        log_warning("a https://user:pa55word@h.example/x and ftp://a@b/ and http://h/@x end");
        log_capture(NULL);
        assert_string_equal(log.data, "WARNING: a https://***@h.example/x and ftp://*@b/ and "
                                      "http://h/@x end\n");
        buf_free(&log);
}

int main(void)
{
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_posts_all_fields),
                cmocka_unit_test(test_posts_only_listed_fields_and_reports_failure),
                cmocka_unit_test(test_credentials_in_url_are_used_not_logged),
                cmocka_unit_test(test_url_check_and_redact),
                cmocka_unit_test(test_log_masks_userinfo),
        };
        int r = cmocka_run_group_tests_name("mod-phone-home", tests, NULL, NULL);
        node_names_free();
        return r;
}
