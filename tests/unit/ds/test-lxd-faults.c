/* SPDX-License-Identifier: Apache-2.0 */
/* Issue 23's failure modes for LXD (src/ds/lxd.c), whose metadata service
 * is HTTP on the unix socket /dev/lxd/sock: a 404, no answer in time, and
 * a malformed document. The devlxd here is a small server forked by the
 * test that answers each path from a table; test-lxd.c has the successful
 * reads against tests/helpers/fake-lxd.py. */
#include <signal.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>

#include "dstest.h"

struct answer {
        const char *path;
        int status; /* 0: never answer (the client times out) */
        const char *body;
};

static pid_t server = -1;

static void stop(void)
{
        if (server > 0) {
                (void)kill(server, SIGKILL);
                (void)waitpid(server, NULL, 0);
        }
        server = -1;
}

static const struct answer *lookup(const struct answer *a, const char *path)
{
        for (; a->path; a++)
                if (streq(a->path, path))
                        return a;
        return NULL;
}

/* The devlxd at <root>/dev/lxd/sock, answering from the table (others: 404). */
static void serve(struct troot *t, const struct answer *table)
{
        struct sockaddr_un sa = { .sun_family = AF_UNIX };
        int fd;

        stop();
        assert_int_equal(fs_mkdir_p(t->fd, "/dev/lxd", 0755), 0);
        assert_true((size_t)snprintf(sa.sun_path, sizeof(sa.sun_path), "%s/dev/lxd/sock",
                                     t->path) < sizeof(sa.sun_path));
        fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
        assert_true(fd >= 0);
        assert_int_equal(bind(fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
        assert_int_equal(listen(fd, 8), 0);
        server = fork();
        assert_true(server >= 0);
        if (server > 0) {
                (void)close(fd);
                return;
        }
        for (;;) {
                char req[4096], path[256] = "", head[256];
                size_t got = 0;
                int c = accept(fd, NULL, NULL);
                if (c < 0)
                        _exit(0);
                while (got < sizeof(req) - 1) {
                        ssize_t n = read(c, req + got, sizeof(req) - 1 - got);
                        if (n <= 0)
                                break;
                        got += (size_t)n;
                        req[got] = 0;
                        if (strstr(req, "\r\n\r\n"))
                                break;
                }
                req[got] = 0;
                (void)sscanf(req, "GET %255s", path);
                const struct answer *a = lookup(table, path);
                if (a && a->status == 0) {
                        (void)sleep(10); /* the client gives up first */
                        (void)close(c);
                        continue;
                }
                const char *body = a ? a->body : "not found\n";
                int n = snprintf(head, sizeof(head),
                                 "HTTP/1.1 %d X\r\nContent-Length: %zu\r\nConnection: close\r\n\r\n",
                                 a ? a->status : 404, strlen(body));
                if (write(c, head, (size_t)n) < 0 || write(c, body, strlen(body)) < 0)
                        _exit(1);
                (void)close(c);
        }
}

static void make(struct troot *t)
{
        troot_make(t);
        troot_write(t, "/etc/cloud/cloud.cfg",
                    "datasource_list: [LXD, None]\n"
                    "datasource:\n  LXD: {timeout: 1, max_wait: 2, retries: 0}\n");
}

static const char md_ok[] = "instance-id: lxd-faults\nlocal-hostname: c1\n";

static void test_meta_data_404(void **state)
{
        (void)state;
        struct troot t;
        struct ds_result res = { 0 };
        static const struct answer table[] = { { "/1.0/config", 200, "[]" }, { NULL, 0, NULL } };

        make(&t);
        serve(&t, table);
        assert_int_equal(ds_probe_troot(&t, true, &res), -ENOENT);
        stop();
        assert_log_has(&t, "LXD: http://lxd/1.0/meta-data");
        ds_result_done(&res);
        troot_free(&t);
}

static void test_meta_data_timeout(void **state)
{
        (void)state;
        struct troot t;
        struct ds_result res = { 0 };
        static const struct answer table[] = { { "/1.0/meta-data", 0, NULL },
                                               { NULL, 0, NULL } };
        struct timespec a, b;

        make(&t);
        serve(&t, table);
        (void)clock_gettime(CLOCK_MONOTONIC, &a);
        assert_int_equal(ds_probe_troot(&t, true, &res), -ENOENT);
        (void)clock_gettime(CLOCK_MONOTONIC, &b);
        stop();
        /* timeout 1 s, no retry: bounded well before the server's 10 s */
        assert_true(b.tv_sec - a.tv_sec < 5);
        assert_log_has(&t, "LXD: http://lxd/1.0/meta-data");
        ds_result_done(&res);
        troot_free(&t);
}

static void test_meta_data_malformed(void **state)
{
        (void)state;
        struct troot t;
        struct ds_result res = { 0 };
        static const struct answer table[] = { { "/1.0/meta-data", 200, "instance-id: [1, 2\n" },
                                               { "/1.0/config", 200, "[]" },
                                               { NULL, 0, NULL } };

        make(&t);
        serve(&t, table);
        assert_int_equal(ds_probe_troot(&t, true, &res), -ENOENT);
        stop();
        /* named with its position, then counted as empty: no instance-id */
        assert_log_has(&t, "http://lxd/1.0/meta-data:");
        assert_log_has(&t, "has no instance-id");
        ds_result_done(&res);
        troot_free(&t);
}

static void test_config_malformed(void **state)
{
        (void)state;
        struct troot t;
        struct ds_result res = { 0 };
        static const struct answer table[] = { { "/1.0/meta-data", 200, md_ok },
                                               { "/1.0/config", 200, "[\"/1.0/config/user" },
                                               { NULL, 0, NULL } };

        make(&t);
        serve(&t, table);
        /* the meta-data still counts: found, without user-data */
        assert_int_equal(ds_probe_troot(&t, true, &res), 0);
        stop();
        assert_string_equal(res.iid, "lxd-faults");
        assert_null(res.ud);
        assert_log_has(&t, "http://lxd/1.0/config:1:");
        assert_log_has(&t, "no user-data");
        ds_result_done(&res);
        troot_free(&t);
}

int main(void)
{
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_meta_data_404),
                cmocka_unit_test(test_meta_data_timeout),
                cmocka_unit_test(test_meta_data_malformed),
                cmocka_unit_test(test_config_malformed),
        };
        signal(SIGPIPE, SIG_IGN);
        atexit(stop);
        return cmocka_run_group_tests(tests, NULL, NULL);
}
