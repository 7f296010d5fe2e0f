/* SPDX-License-Identifier: Apache-2.0 */
/* Tests of modules/phone_home.c and src/http.c against a one-shot HTTP
 * server of the test's own on 127.0.0.1. */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <pthread.h>
#include <sys/socket.h>

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

int main(void)
{
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_posts_all_fields),
                cmocka_unit_test(test_posts_only_listed_fields_and_reports_failure),
        };
        int r = cmocka_run_group_tests_name("mod-phone-home", tests, NULL, NULL);
        node_names_free();
        return r;
}
