/* SPDX-License-Identifier: Apache-2.0 */
/* Tests of src/basic/exec.c: the timeout is the process's, not its pipes'. */
#include <signal.h>
#include <sys/wait.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "exec.h"
#include "testlib.h"

/* Is the process pid gone (or a zombie nobody will reap: not ours)? */
static bool gone(pid_t pid)
{
        char path[64], state = 0;
        FILE *f;
        (void)snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
        f = fopen(path, "re");
        if (!f)
                return true;
        if (fscanf(f, "%*d %*s %c", &state) != 1)
                state = 'Z';
        (void)fclose(f);
        return state == 'Z' || state == 'X';
}

/* The pid a script wrote to file (it is not ours to wait for). */
static pid_t pid_in(const char *file)
{
        long pid = 0;
        for (int i = 0; i < 200 && pid <= 0; i++) {
                FILE *f = fopen(file, "re");
                if (f) {
                        if (fscanf(f, "%ld", &pid) != 1)
                                pid = 0;
                        (void)fclose(f);
                }
                if (pid <= 0)
                        (void)nanosleep(&(struct timespec){ .tv_nsec = 10000000 }, NULL);
        }
        return (pid_t)pid;
}

static void test_exit_status_and_capture(void **state)
{
        (void)state;
        struct buf out = BUF_INIT(1024);
        struct exec_opts o = { .capture = &out };
        int status = -1;
        char *const argv[] = { "sh", "-c", "echo hello; exit 3", NULL };
        assert_int_equal(exec_argv(&o, argv, &status), 0);
        assert_int_equal(status, 3);
        assert_string_equal(out.data, "hello\n");
        buf_free(&out);
}

/* A command that closes stdout and stderr and keeps running: it is still
 * killed at the deadline (before, the wait ended with the pipes and then
 * waited for the process without end). */
static void test_timeout_holds_when_fds_are_closed(void **state)
{
        (void)state;
        struct buf log = BUF_INIT(1 << 16);
        struct exec_opts o = { .timeout_sec = 1 };
        int status = -1;
        char *const argv[] = { "sh", "-c", "exec >&- 2>&-; sleep 30", NULL };
        log_capture(&log);
        assert_int_equal(exec_argv(&o, argv, &status), -ETIMEDOUT);
        log_capture(NULL);
        assert_non_null(strstr(log.data, "sh timed out after 1 s"));
        buf_free(&log);
}

/* A best-effort wait (udevadm settle) that times out: still killed, but an
 * info line, not a warning (warnings make the boot's status degraded). */
static void test_best_effort_timeout_is_info(void **state)
{
        (void)state;
        struct buf log = BUF_INIT(1 << 16);
        struct exec_opts o = { .timeout_sec = 1, .best_effort = true };
        int status = -1;
        char *const argv[] = { "sh", "-c", "sleep 30", NULL };
        log_capture(&log);
        assert_int_equal(exec_argv(&o, argv, &status), -ETIMEDOUT);
        log_capture(NULL);
        assert_non_null(strstr(log.data, "sh timed out after 1 s"));
        assert_non_null(strstr(log.data, "(the boot goes on without it)"));
        assert_null(strstr(log.data, "WARNING"));
        buf_free(&log);
}

struct stop_probe {
        const char *pidfile;
        int asked;
};

/* true once the command has written its background child's pid */
static bool stop_when_written(void *data)
{
        struct stop_probe *p = data;
        struct stat st;
        p->asked++;
        return stat(p->pidfile, &st) == 0 && st.st_size > 0;
}

/* A wait with a stop condition (the fallback NIC's arrival during udevadm
 * settle): asked while the command runs; once it holds, the command and what
 * it started are ended, -ECANCELED, nothing logged, no status. */
static void test_stop_ends_the_wait(void **state)
{
        (void)state;
        char pidfile[] = "/tmp/cloudboot-test-stop.XXXXXX";
        int fd = mkstemp(pidfile), status = -1;
        struct stop_probe p = { .pidfile = pidfile };
        struct buf log = BUF_INIT(1 << 16);
        struct exec_opts o = { .timeout_sec = 60, .stop = stop_when_written, .stop_data = &p };
        char script[160];
        pid_t bg;
        assert_true(fd >= 0);
        close(fd);
        (void)snprintf(script, sizeof(script), "sleep 60 & echo $! >%s; wait", pidfile);
        char *const argv[] = { "sh", "-c", script, NULL };
        log_capture(&log);
        assert_int_equal(exec_argv(&o, argv, &status), -ECANCELED);
        log_capture(NULL);
        assert_true(p.asked >= 1);
        assert_int_equal(status, -1);
        bg = pid_in(pidfile);
        assert_true(bg > 0);
        for (int i = 0; i < 100 && !gone(bg); i++)
                (void)nanosleep(&(struct timespec){ .tv_nsec = 20000000 }, NULL);
        assert_true(gone(bg)); /* the command's group went with it */
        assert_true(log.len == 0 || !strstr(log.data, "timed out"));
        unlink(pidfile);
        buf_free(&log);
}

/* A command that ignores SIGTERM is killed after the grace. */
static void test_timeout_kills_what_ignores_term(void **state)
{
        (void)state;
        struct exec_opts o = { .timeout_sec = 1 };
        char *const argv[] = { "sh", "-c", "trap '' TERM; exec >&-; while :; do sleep 1; done",
                               NULL };
        assert_int_equal(exec_argv(&o, argv, NULL), -ETIMEDOUT);
}

/* A grandchild that keeps the pipe open while the command goes on: the
 * whole group is killed at the deadline, the grandchild too. */
static void test_timeout_kills_the_group(void **state)
{
        (void)state;
        char file[] = "/tmp/cloudboot-test-exec.XXXXXX";
        char script[512];
        int fd = mkstemp(file);
        pid_t gc;
        assert_true(fd >= 0);
        close(fd);
        (void)snprintf(script, sizeof(script), "sleep 30 & echo $! > %s; wait", file);
        {
                struct exec_opts o = { .timeout_sec = 1 };
                char *const argv[] = { "sh", "-c", script, NULL };
                assert_int_equal(exec_argv(&o, argv, NULL), -ETIMEDOUT);
        }
        gc = pid_in(file);
        assert_true(gc > 0);
        for (int i = 0; i < 100 && !gone(gc); i++)
                (void)nanosleep(&(struct timespec){ .tv_nsec = 10000000 }, NULL);
        if (!gone(gc)) {
                (void)kill(gc, SIGKILL);
                fail_msg("the grandchild %d outlived the timeout", (int)gc);
        }
        (void)unlink(file);
}

/* A command that exits and leaves a background process holding its output:
 * the wait ends with the command, its output is kept, its status returned. */
static void test_background_holder_of_the_pipe_is_not_waited_for(void **state)
{
        (void)state;
        char file[] = "/tmp/cloudboot-test-exec.XXXXXX";
        char script[512];
        struct buf out = BUF_INIT(1024);
        int status = -1, fd = mkstemp(file);
        pid_t gc;
        assert_true(fd >= 0);
        close(fd);
        (void)snprintf(script, sizeof(script), "sleep 30 & echo $! > %s; echo done; exit 7", file);
        {
                struct exec_opts o = { .timeout_sec = 20, .capture = &out };
                char *const argv[] = { "sh", "-c", script, NULL };
                assert_int_equal(exec_argv(&o, argv, &status), 0);
        }
        assert_int_equal(status, 7);
        assert_string_equal(out.data, "done\n");
        gc = pid_in(file);
        assert_true(gc > 0);
        /* it was not waited for: still running, and not ours to end but the test's */
        assert_false(gone(gc));
        (void)kill(gc, SIGKILL);
        (void)unlink(file);
        buf_free(&out);
}

int main(void)
{
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_exit_status_and_capture),
                cmocka_unit_test(test_timeout_holds_when_fds_are_closed),
                cmocka_unit_test(test_best_effort_timeout_is_info),
                cmocka_unit_test(test_stop_ends_the_wait),
                cmocka_unit_test(test_timeout_kills_what_ignores_term),
                cmocka_unit_test(test_timeout_kills_the_group),
                cmocka_unit_test(test_background_holder_of_the_pipe_is_not_waited_for),
        };
        return cmocka_run_group_tests_name("exec", tests, NULL, NULL);
}
