/* SPDX-License-Identifier: Apache-2.0 */
/* Tests of src/basic/log.c's file: one whole line per message, each with
 * cloud-init.log's stamp and the stage, however long the message. */
#include <regex.h>

#include "log.h"
#include "testlib.h"

static void test_file_has_one_line_per_message(void **state)
{
        (void)state;
        struct troot t;
        regex_t re;
        char *long_msg = malloc(8000);
        troot_make(&t);
        troot_write(&t, "/var/log/.keep", "");
        assert_int_equal(log_open_file(t.fd), 0);
        log_set_stage("init");
        log_info("short %d", 1);
        assert_non_null(long_msg);
        memset(long_msg, 'x', 7999);
        long_msg[7999] = '\0';
        log_warning("%s", long_msg);
        log_info("after");
        log_close();
        log_set_stage(NULL);

        _cleanup_free_ char *text = troot_read(&t, "/var/log/cloud-init.log");
        assert_non_null(text);
        assert_int_equal(regcomp(&re,
                                 "^[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2}:[0-9]{2},[0-9]{3} - "
                                 "cloudboot\\[INFO\\]: init: short 1\n"
                                 "[0-9 :,-]{23} - cloudboot\\[WARNING\\]: init: x{1000,}\n"
                                 "[0-9 :,-]{23} - cloudboot\\[INFO\\]: init: after\n$",
                                 REG_EXTENDED | REG_NOSUB),
                         0);
        assert_int_equal(regexec(&re, text, 0, NULL, 0), 0);
        /* the long message is cut at the logger's bound, not split */
        assert_true(strlen(text) < 4096 + 300);
        regfree(&re);
        free(long_msg);
        troot_free(&t);
}

int main(void)
{
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_file_has_one_line_per_message),
        };
        return cmocka_run_group_tests_name("log", tests, NULL, NULL);
}
