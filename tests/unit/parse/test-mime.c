/* SPDX-License-Identifier: Apache-2.0 */
/* Tests of src/mime.c: walking MIME multipart user-data. */
#include "testlib.h"
#include "mime.h"

struct seen {
        char types[8][128], names[8][256], merge[8][512], bodies[8][256];
        unsigned n;
};

static int collect(void *userdata, const struct mime_part *p)
{
        struct seen *s = userdata;
        if (s->n < 8) {
                snprintf(s->types[s->n], sizeof(s->types[0]), "%s", p->ctype);
                snprintf(s->names[s->n], sizeof(s->names[0]), "%s", p->filename);
                snprintf(s->merge[s->n], sizeof(s->merge[0]), "%s", p->merge_type);
                snprintf(s->bodies[s->n], sizeof(s->bodies[0]), "%.*s", (int)p->len, p->body);
        }
        s->n++;
        return 0;
}

static void test_nested_encoded_and_folded(void **state)
{
        (void)state;
        const char *msg = "Content-Type: multipart/mixed;\r\n boundary=\"outer\"\r\n"
                          "MIME-Version: 1.0\r\n\r\n"
                          "preamble is ignored\r\n"
                          "--outer\r\n"
                          "Content-Type: text/cloud-config; charset=\"us-ascii\"\r\n"
                          "Merge-Type: list(append)+dict()+str()\r\n\r\n"
                          "#cloud-config\r\na: 1\r\n"
                          "--outer\r\n"
                          "Content-Type: multipart/alternative; boundary=inner\r\n\r\n"
                          "--inner\r\n"
                          "Content-Type: TEXT/X-SHELLSCRIPT\r\n"
                          "Content-Transfer-Encoding: base64\r\n"
                          "Content-Disposition: attachment;\r\n\tfilename=\"run.sh\"\r\n\r\n"
                          "IyEvYmluL3NoCmVj\r\naG8gaGkK\r\n"
                          "--inner\r\n"
                          "Content-Type: text/cloud-config\r\n"
                          "Content-Transfer-Encoding: quoted-printable\r\n"
                          "X-Merge-Type: dict(replace)\r\n\r\n"
                          "#cloud-config\r\nb: caf=C3=A9 and a long=\r\n line\r\n"
                          "--inner--\r\n"
                          "--outer--\r\nepilogue\r\n";
        struct seen s = { 0 };
        assert_int_equal(mime_walk(msg, strlen(msg), "m", 1 << 20, true, collect, &s), 3);
        assert_string_equal(s.types[0], "text/cloud-config");
        assert_string_equal(s.merge[0], "list(append)+dict()+str()");
        assert_string_equal(s.bodies[0], "#cloud-config\r\na: 1");
        assert_string_equal(s.types[1], "text/x-shellscript");
        assert_string_equal(s.names[1], "run.sh");
        assert_string_equal(s.bodies[1], "#!/bin/sh\necho hi\n");
        assert_string_equal(s.merge[2], "dict(replace)");
        assert_string_equal(s.bodies[2], "#cloud-config\r\nb: caf\xc3\xa9 and a long line");
}

static void test_missing_final_boundary_keeps_the_parts(void **state)
{
        (void)state;
        const char *msg = "Content-Type: multipart/mixed; boundary=b\n\n"
                          "--b\nContent-Type: text/plain\n\none\n"
                          "--b\nContent-Type: text/x-shellscript\n\n#!/bin/sh\n";
        struct seen s = { 0 };
        struct buf logbuf = BUF_INIT(1 << 16);
        log_capture(&logbuf);
        assert_int_equal(mime_walk(msg, strlen(msg), "m", 1 << 20, true, collect, &s), 2);
        log_capture(NULL);
        assert_string_equal(s.bodies[0], "one");
        assert_string_equal(s.bodies[1], "#!/bin/sh\n");
        assert_non_null(strstr(logbuf.data, "no closing boundary (--b--)"));
        buf_free(&logbuf);
}

static void test_broken_structures(void **state)
{
        (void)state;
        struct seen s = { 0 };
        struct buf logbuf = BUF_INIT(1 << 16);
        const char *no_boundary = "Content-Type: multipart/mixed\n\n--x\n\nbody\n--x--\n";
        const char *bad_b64 = "Content-Type: multipart/mixed; boundary=b\n\n--b\n"
                              "Content-Transfer-Encoding: base64\n\n%%%%\n--b\n\nok\n--b--\n";
        log_capture(&logbuf);
        assert_int_equal(
                mime_walk(no_boundary, strlen(no_boundary), "m", 1 << 20, true, collect, &s), 0);
        assert_int_equal(mime_walk(bad_b64, strlen(bad_b64), "m", 1 << 20, true, collect, &s), 2);
        log_capture(NULL);
        assert_int_equal(s.n, 1); /* the valid part only */
        assert_string_equal(s.bodies[0], "ok");
        assert_non_null(strstr(logbuf.data, "has no boundary"));
        assert_non_null(strstr(logbuf.data, "part 1 is not valid base64"));
        buf_free(&logbuf);
}

int main(void)
{
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_nested_encoded_and_folded),
                cmocka_unit_test(test_missing_final_boundary_keeps_the_parts),
                cmocka_unit_test(test_broken_structures),
        };
        return cmocka_run_group_tests_name("mime", tests, NULL, NULL);
}
