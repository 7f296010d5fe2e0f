/* SPDX-License-Identifier: Apache-2.0 */
/* Tests of src/basic/sdproto.c: the datagrams sd_notify and journald's
 * native protocol expect, read back from a socket of the test's own. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cmocka.h>

#include "macro.h"
#include "sdproto.h"

static int bound(char *path, size_t size)
{
        struct sockaddr_un sa = { .sun_family = AF_UNIX };
        int fd;

        (void)snprintf(path, size, "/tmp/cloudboot-sdproto.%d", (int)getpid());
        (void)unlink(path);
        (void)snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", path);
        fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
        assert_true(fd >= 0);
        assert_int_equal(bind(fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
        return fd;
}

static void test_notify_status(void **state)
{
        (void)state;
        char path[108], got[256];
        int fd = bound(path, sizeof(path));
        ssize_t n;

        assert_int_equal(setenv("NOTIFY_SOCKET", path, 1), 0);
        sd_proto_status("%s: running module %s", "modules-config", "ntp");
        n = recv(fd, got, sizeof(got) - 1, MSG_DONTWAIT);
        assert_true(n > 0);
        got[n] = 0;
        assert_string_equal(got, "STATUS=modules-config: running module ntp");
        /* unset: nothing sent, nothing fails */
        assert_int_equal(unsetenv("NOTIFY_SOCKET"), 0);
        sd_proto_status("quiet");
        assert_true(recv(fd, got, sizeof(got), MSG_DONTWAIT) < 0);
        close(fd);
        unlink(path);
}

static void test_journal_fields(void **state)
{
        (void)state;
        static const char want[] = "MESSAGE\n\x0b\0\0\0\0\0\0\0two\nlines !\n"
                                   "PRIORITY=4\n"
                                   "STAGE=init\n"
                                   "MODULE=\n";
        const struct journal_field f[] = {
                { "MESSAGE", "two\nlines !" },
                { "PRIORITY", "4" },
                { "STAGE", "init" },
                { "MODULE", "" },
        };
        char path[108], got[512];
        int fd = bound(path, sizeof(path));
        ssize_t n;

        assert_int_equal(sd_proto_journal_at(path, f, ELEMENTSOF(f)), 0);
        n = recv(fd, got, sizeof(got), MSG_DONTWAIT);
        assert_int_equal(n, (ssize_t)sizeof(want) - 1);
        assert_memory_equal(got, want, sizeof(want) - 1);
        close(fd);
        unlink(path);
        /* no journal there: an error, not a crash */
        assert_true(sd_proto_journal_at(path, f, ELEMENTSOF(f)) < 0);
}

int main(void)
{
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_notify_status),
                cmocka_unit_test(test_journal_fields),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
