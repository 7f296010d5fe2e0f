/* SPDX-License-Identifier: Apache-2.0 */
/* Tests of src/basic/log.c's file: one whole line per message, each with
 * cloud-init.log's stamp and the stage, however long the message. */
#include <regex.h>
#include <sys/wait.h>

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

/* Lines are written together, but each once and in order: a warning is
 * written at once; what is pending before a fork is written by the parent
 * only (a child that exits through exit() writes nothing of it again); the
 * rest at log_close(). */
static void test_lines_once_in_order_across_fork(void **state)
{
        (void)state;
        struct troot t;
        pid_t pid;
        int status = -1;
        char *text;

        troot_make(&t);
        troot_write(&t, "/var/log/.keep", "");
        assert_int_equal(log_open_file(t.fd), 0);
        log_info("one");
        log_warning("two");
        text = troot_read(&t, "/var/log/cloud-init.log");
        assert_non_null(strstr(text, "]: one\n"));
        assert_non_null(strstr(text, "]: two\n"));
        free(text);
        log_info("three");
        pid = fork();
        assert_true(pid >= 0);
        if (pid == 0)
                exit(0);
        assert_int_equal(waitpid(pid, &status, 0), pid);
        log_info("four");
        for (int i = 0; i < 300; i++) /* more than the buffer holds */
                log_debug("line %d", i);
        log_info("five");
        log_close();
        text = troot_read(&t, "/var/log/cloud-init.log");
        assert_non_null(text);
        {
                const char *words[] = { "]: one\n", "]: two\n", "]: three\n", "]: four\n",
                                        "]: line 0\n", "]: line 299\n", "]: five\n" };
                const char *at = text;
                for (size_t i = 0; i < ELEMENTSOF(words); i++) {
                        const char *p = strstr(at, words[i]);
                        if (!p)
                                fail_msg("'%s' missing or out of order", words[i]);
                        if (strstr(p + 1, words[i]))
                                fail_msg("'%s' written twice", words[i]);
                        at = p;
                }
        }
        free(text);
        troot_free(&t);
}

int main(void)
{
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_file_has_one_line_per_message),
                cmocka_unit_test(test_lines_once_in_order_across_fork),
        };
        return cmocka_run_group_tests_name("log", tests, NULL, NULL);
}
