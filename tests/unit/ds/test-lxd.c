/* SPDX-License-Identifier: Apache-2.0 */
/* Tests of src/ds/lxd.c: a fake devlxd (tests/helpers/fake-lxd.py, HTTP over
 * a unix socket) at <root>/dev/lxd/sock serving tests/fixtures/ds/lxd. */
#include <signal.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>

#include "dstest.h"
#include "exec.h"

static pid_t server = -1;
static int server_out = -1; /* its stdout, read until "ready" */

static const char *top(void)
{
        return getenv("TOP_SRCDIR") ? getenv("TOP_SRCDIR") : "../..";
}

static void stop(void);

/* Start the fake devlxd on <root>/dev/lxd/sock; false if it cannot run. */
static bool serve(struct troot *t, const char *status_rule)
{
        char helper[1024], fix[1024], sock[512];

        (void)snprintf(helper, sizeof(helper), "%s/tests/helpers/fake-lxd.py", top());
        (void)snprintf(fix, sizeof(fix), "%s/tests/fixtures/ds/lxd", top());
        (void)snprintf(sock, sizeof(sock), "%s/dev/lxd/sock", t->path);
        stop(); /* one a failed test left */
        assert_int_equal(fs_mkdir_p(t->fd, "/dev/lxd", 0755), 0);
        if (!exec_have("python3"))
                return false;
        int pipefd[2];
        /* the system's python3, not a wrapper that may print on its own */
        const char *py = access("/usr/bin/python3", X_OK) == 0 ? "/usr/bin/python3" : "python3";
        char out[4096];
        size_t got = 0;
        assert_int_equal(pipe(pipefd), 0);
        server = fork();
        assert_true(server >= 0);
        if (server == 0) {
                (void)dup2(pipefd[1], STDOUT_FILENO);
                (void)close(pipefd[0]);
                (void)close(pipefd[1]);
                if (status_rule)
                        execlp(py, py, helper, sock, fix, "--status", status_rule, (char *)NULL);
                else
                        execlp(py, py, helper, sock, fix, (char *)NULL);
                _exit(127);
        }
        (void)close(pipefd[1]);
        /* "ready" once it listens: a socket file alone may not accept yet */
        for (;;) {
                ssize_t n = read(pipefd[0], out + got, sizeof(out) - 1 - got);
                if (n <= 0)
                        break;
                got += (size_t)n;
                out[got] = 0;
                if (strstr(out, "ready\n") || got >= sizeof(out) - 1)
                        break;
        }
        out[got] = 0;
        if (!strstr(out, "ready\n"))
                fail_msg("the fake devlxd did not start");
        /* kept open until stop(): the server's later output must not kill it */
        server_out = pipefd[0];
        return true;
}

static void stop(void)
{
        if (server > 0) {
                (void)kill(server, SIGTERM);
                (void)waitpid(server, NULL, 0);
        }
        server = -1;
        if (server_out >= 0)
                (void)close(server_out);
        server_out = -1;
}

static void make(struct troot *t)
{
        troot_make(t);
        troot_write(t, "/etc/cloud/cloud.cfg",
                    "datasource_list: [LXD, None]\ndatasource:\n  LXD:\n    timeout: 2\n");
}

static void test_devlxd(void **state)
{
        (void)state;
        struct troot t;
        struct ds_result res = { 0 };

        make(&t);
        if (!serve(&t, NULL)) {
                troot_free(&t);
                skip();
        }
        assert_int_equal(ds_probe_troot(&t, true, &res), 0);
        stop();
        assert_string_equal(res.ds->name, "LXD");
        assert_string_equal(res.iid, "5f2a2d4c-lxd-c1");
        assert_string_equal(res.platform, "lxd");
        assert_string_equal(res.subplatform, "LXD socket API v. 1.0 (/dev/lxd/sock)");
        assert_string_equal(res.dsmode, "net");
        assert_string_equal(node_get_str(res.md, "local-hostname"), "c1");
        /* user.meta-data merged over meta-data */
        assert_string_equal(node_get_str(res.md, "availability-zone"), "lxd-zone");
        /* cloud-init.user-data wins over user.user-data */
        assert_string_equal(res.ud, "#cloud-config\nhostname: from-lxd\n");
        assert_string_equal(res.ud_name, "http://lxd/1.0/config/cloud-init.user-data");
        assert_log_has(&t, "ignoring config user.user-data in favor of cloud-init.user-data");
        assert_null(res.vd);
        assert_string_equal(res.netcfg, "version: 2\nethernets:\n  eth0:\n    dhcp4: true\n");
        /* keys that are not ours are not fetched */
        char *log = troot_read(&t, "/dev/lxd/sock.log");
        assert_non_null(log);
        assert_null(strstr(log, "user.some-other-key"));
        assert_non_null(strstr(log, "/1.0/meta-data\n"));
        free(log);
        ds_result_done(&res);
        troot_free(&t);
}

static void test_failures(void **state)
{
        (void)state;
        struct troot t;
        struct ds_result res = { 0 };

        /* no socket: not LXD, nothing is connected to */
        make(&t);
        assert_int_equal(ds_probe_troot(&t, true, &res), -ENOENT);
        /* a regular file where the socket should be */
        troot_write(&t, "/dev/lxd/sock", "");
        assert_int_equal(ds_probe_troot(&t, true, &res), -ENOENT);
        assert_log_has(&t, "/dev/lxd/sock is not a socket");
        troot_free(&t);

        /* meta-data refused: not found, with the reason */
        make(&t);
        if (!serve(&t, "/1.0/meta-data=403")) {
                troot_free(&t);
                skip();
        }
        assert_int_equal(ds_probe_troot(&t, true, &res), -ENOENT);
        stop();
        assert_log_has(&t, "http://lxd/1.0/meta-data");
        troot_free(&t);

        /* config broken: meta-data still counts, no user-data */
        make(&t);
        if (!serve(&t, "/1.0/config=500")) {
                troot_free(&t);
                skip();
        }
        assert_int_equal(ds_probe_troot(&t, true, &res), 0);
        stop();
        assert_string_equal(res.iid, "5f2a2d4c-lxd-c1");
        assert_null(res.ud);
        assert_log_has(&t, "http://lxd/1.0/config");
        ds_result_done(&res);
        troot_free(&t);
}

int main(void)
{
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_devlxd),
                cmocka_unit_test(test_failures),
        };
        signal(SIGPIPE, SIG_IGN);
        atexit(stop);
        return cmocka_run_group_tests(tests, NULL, NULL);
}
