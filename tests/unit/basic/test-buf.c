/* SPDX-License-Identifier: Apache-2.0 */
/* Tests of src/basic/buf.c: bounded, and its first failure sticky, so that a
 * text that could not be built whole is never written. */
#include "testlib.h"

static void test_append_within_max(void **state)
{
        (void)state;
        struct buf b = BUF_INIT(8);
        assert_int_equal(buf_puts(&b, "abc"), 0);
        assert_int_equal(buf_printf(&b, "%d", 42), 0);
        assert_int_equal(buf_putc(&b, '!'), 0);
        assert_string_equal(b.data, "abc42!");
        assert_int_equal(buf_error(&b), 0);
        buf_free(&b);
}

/* The first append that passes the maximum fails and is kept: later ones,
 * even small enough to fit, are no-ops that return it; the data stays what
 * it was before the failure; steal refuses the incomplete text. */
static void test_error_is_sticky(void **state)
{
        (void)state;
        struct buf b = BUF_INIT(8);
        size_t len = 99;
        assert_int_equal(buf_puts(&b, "12345"), 0);
        assert_int_equal(buf_puts(&b, "6789"), -E2BIG);
        assert_int_equal(buf_error(&b), -E2BIG);
        assert_int_equal(buf_putc(&b, 'x'), -E2BIG);
        assert_int_equal(buf_printf(&b, "%s", "y"), -E2BIG);
        assert_int_equal(buf_append(&b, "z", 1), -E2BIG);
        assert_string_equal(b.data, "12345");
        assert_null(buf_steal(&b, &len));
        assert_int_equal(len, 99);
        /* freed: empty, no error, usable again */
        assert_int_equal(buf_error(&b), 0);
        assert_int_equal(buf_puts(&b, "ok"), 0);
        assert_string_equal(b.data, "ok");
        buf_free(&b);
}

/* Appends that fit in what is allocated take the short way: byte by byte
 * up to the maximum exactly, across every growth, and the next byte fails. */
static void test_small_appends_up_to_the_max(void **state)
{
        (void)state;
        struct buf b = BUF_INIT(1000);
        char want[1001];

        for (int i = 0; i < 1000; i++) {
                want[i] = (char)('a' + i % 26);
                if (i % 3 == 0)
                        assert_int_equal(buf_putc(&b, want[i]), 0);
                else
                        assert_int_equal(buf_append(&b, &want[i], 1), 0);
                assert_int_equal(b.len, (size_t)i + 1);
                assert_int_equal(b.data[b.len], '\0');
        }
        want[1000] = '\0';
        assert_string_equal(b.data, want);
        assert_int_equal(buf_putc(&b, 'x'), -E2BIG);
        assert_int_equal(buf_append(&b, "", 0), -E2BIG);
        assert_int_equal(b.len, 1000);
        assert_string_equal(b.data, want);
        buf_free(&b);
        /* an empty append to a fresh buffer gives an empty text, not NULL */
        b = BUF_INIT(4);
        assert_int_equal(buf_append(&b, NULL, 0), 0);
        assert_non_null(b.data);
        assert_string_equal(b.data, "");
        buf_free(&b);
}

/* A buffer in error is never installed: the write is refused with its
 * error and the file that was there stays as it was. */
static void test_write_of_buffer_in_error_is_refused(void **state)
{
        (void)state;
        struct troot t;
        struct buf b = BUF_INIT(16);
        troot_make(&t);
        troot_write(&t, "/etc/conf", "old contents\n");
        assert_int_equal(buf_puts(&b, "line 1\n"), 0);
        assert_int_equal(buf_puts(&b, "a line that passes the maximum\n"), -E2BIG);
        (void)buf_puts(&b, "line 3\n");
        assert_int_equal(fs_write_buf(t.fd, "/etc/conf", &b, 0644, FS_NO_OWNER, (gid_t)-1), -E2BIG);
        assert_file_eq(&t, "/etc/conf", "old contents\n");
        assert_int_equal(fs_write_buf(t.fd, "/etc/new", &b, 0644, FS_NO_OWNER, (gid_t)-1), -E2BIG);
        assert_false(fs_exists(t.fd, "/etc/new"));
        buf_free(&b);
        /* whole, it is written */
        assert_int_equal(buf_puts(&b, "new\n"), 0);
        assert_int_equal(fs_write_buf(t.fd, "/etc/conf", &b, 0600, FS_NO_OWNER, (gid_t)-1), 0);
        assert_file_eq(&t, "/etc/conf", "new\n");
        buf_free(&b);
        troot_free(&t);
}

/* An empty buffer (nothing appended) writes an empty file. */
static void test_write_of_empty_buffer(void **state)
{
        (void)state;
        struct troot t;
        struct buf b = BUF_INIT(16);
        troot_make(&t);
        assert_int_equal(fs_write_buf(t.fd, "/empty", &b, 0644, FS_NO_OWNER, (gid_t)-1), 0);
        assert_file_eq(&t, "/empty", "");
        troot_free(&t);
}

int main(void)
{
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_append_within_max),
                cmocka_unit_test(test_error_is_sticky),
                cmocka_unit_test(test_small_appends_up_to_the_max),
                cmocka_unit_test(test_write_of_buffer_in_error_is_refused),
                cmocka_unit_test(test_write_of_empty_buffer),
        };
        return cmocka_run_group_tests_name("buf", tests, NULL, NULL);
}
