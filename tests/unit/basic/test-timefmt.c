/* SPDX-License-Identifier: Apache-2.0 */
/* Tests of src/basic/timefmt.c: the times cloud-init writes, as Python's
 * time.strftime() writes them in UTC, whatever the local zone. */
#include <stdlib.h>

#include "testlib.h"
#include "timefmt.h"

/* time_rfc2822(t) is what strftime() writes of gmtime_r(t) in C's locale */
static void rfc2822_as_strftime(time_t t)
{
        char out[TIME_TEXT_MAX], want[64];
        struct tm tm;

        time_rfc2822(t, out);
        (void)strftime(want, sizeof(want), "%a, %d %b %Y %H:%M:%S +0000", gmtime_r(&t, &tm));
        if (strcmp(out, want) != 0)
                fail_msg("%lld: '%s', not '%s'", (long long)t, out, want);
}

static void test_rfc2822(void **state)
{
        (void)state;
        char out[TIME_TEXT_MAX];

        /* a zone of its own must not show: these are UTC */
        assert_int_equal(setenv("TZ", "America/New_York", 1), 0);
        tzset();
        time_rfc2822(0, out);
        assert_string_equal(out, "Thu, 01 Jan 1970 00:00:00 +0000");
        time_rfc2822(1796400668, out); /* 2026-12-04 16:11:08 UTC */
        assert_string_equal(out, "Fri, 04 Dec 2026 16:11:08 +0000");
        time_rfc2822(951782400, out); /* a leap day */
        assert_string_equal(out, "Tue, 29 Feb 2000 00:00:00 +0000");
        time_rfc2822(4102444799, out);
        assert_string_equal(out, "Thu, 31 Dec 2099 23:59:59 +0000");
        /* the calendar is computed, not asked of gmtime(): against
         * strftime() in C's locale, every day of 1900 to 2500 (leap years,
         * centuries, 2000, weekdays, month names) and random times from
         * year 1 to 9999 */
        for (time_t t = -2208988800 + 3671; t < 16725225600; t += 86400 + 7)
                rfc2822_as_strftime(t);
        srand(1);
        for (int i = 0; i < 100000; i++)
                rfc2822_as_strftime(-62135596800 +
                                    (time_t)(((unsigned long long)rand() << 31 ^ (unsigned)rand()) %
                                             315537897600ULL));
        assert_int_equal(unsetenv("TZ"), 0);
}

static void test_log_stamp(void **state)
{
        (void)state;
        char out[TIME_TEXT_MAX];
        struct timespec ts = { .tv_sec = 1796400668, .tv_nsec = 869999999 };

        time_log_stamp(&ts, out);
        assert_string_equal(out, "2026-12-04 16:11:08,869");
        ts = (struct timespec){ .tv_sec = 0, .tv_nsec = 5000000 };
        time_log_stamp(&ts, out);
        assert_string_equal(out, "1970-01-01 00:00:00,005");
        ts = (struct timespec){ .tv_sec = 951868799, .tv_nsec = 999999999 };
        time_log_stamp(&ts, out);
        assert_string_equal(out, "2000-02-29 23:59:59,999");
        ts = (struct timespec){ .tv_sec = -62135596800 + 59, .tv_nsec = 10000000 }; /* year 1 */
        time_log_stamp(&ts, out);
        assert_string_equal(out, "1-01-01 00:00:59,010");
        ts = (struct timespec){ .tv_sec = 253402300800 }; /* year 10000 */
        time_log_stamp(&ts, out);
        assert_string_equal(out, "10000-01-01 00:00:00,000");
        /* against strftime over random times */
        srand(2);
        for (int i = 0; i < 100000; i++) {
                char want[64], ms[8];
                struct tm tm;
                ts.tv_sec = (time_t)(((unsigned long long)rand() << 31 ^ (unsigned)rand()) %
                                     253402300800ULL);
                ts.tv_nsec = rand() % 1000000000;
                time_log_stamp(&ts, out);
                (void)strftime(want, sizeof(want) - sizeof(ms), "%Y-%m-%d %H:%M:%S",
                               gmtime_r(&ts.tv_sec, &tm));
                (void)snprintf(ms, sizeof(ms), ",%03d", (int)(ts.tv_nsec / 1000000));
                strcat(want, ms);
                if (strcmp(out, want) != 0)
                        fail_msg("%lld: '%s', not '%s'", (long long)ts.tv_sec, out, want);
        }
}

int main(void)
{
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_rfc2822),
                cmocka_unit_test(test_log_stamp),
        };
        return cmocka_run_group_tests_name("timefmt", tests, NULL, NULL);
}
