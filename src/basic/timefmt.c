/* SPDX-License-Identifier: Apache-2.0 */
/* Times as cloud-init writes them (see timefmt.h). */
#include <stdio.h>

#include "timefmt.h"

/* The UTC calendar fields of t, computed here: glibc's gmtime_r() loads the
 * local zone on its first call although it does not use it. Days since
 * 1970-01-01 to a civil date by whole 400-year eras (146,097 days each),
 * counted from March so that a leap day ends its year. */
static void utc_fields(time_t t, struct tm *tm)
{
        long long days = t / 86400, secs = t % 86400, era, y;
        unsigned doe, yoe, doy, mp;

        if (secs < 0) {
                secs += 86400;
                days--;
        }
        *tm = (struct tm){ .tm_hour = (int)(secs / 3600), .tm_min = (int)(secs / 60 % 60),
                           .tm_sec = (int)(secs % 60) };
        tm->tm_wday = (int)(((days % 7) + 11) % 7); /* 1970-01-01 was a Thursday */
        days += 719468; /* from 0000-03-01 */
        era = (days >= 0 ? days : days - 146096) / 146097;
        doe = (unsigned)(days - era * 146097);
        yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
        y = (long long)yoe + era * 400;
        doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        mp = (5 * doy + 2) / 153;
        tm->tm_mday = (int)(doy - (153 * mp + 2) / 5 + 1);
        tm->tm_mon = (int)(mp < 10 ? mp + 2 : mp - 10);
        tm->tm_year = (int)(y + (tm->tm_mon <= 1) - 1900);
}

void time_rfc2822(time_t t, char out[static TIME_TEXT_MAX])
{
        static const char days[7][4] = { "Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat" };
        static const char months[12][4] = { "Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                            "Jul", "Aug", "Sep", "Oct", "Nov", "Dec" };
        struct tm tm;

        utc_fields(t, &tm);
        (void)snprintf(out, TIME_TEXT_MAX, "%s, %02d %s %d %02d:%02d:%02d +0000", days[tm.tm_wday],
                       tm.tm_mday, months[tm.tm_mon], tm.tm_year + 1900, tm.tm_hour, tm.tm_min,
                       tm.tm_sec);
}

/* v as width digits, zero-padded (v < 10^width) */
static char *put_digits(char *p, unsigned v, int width)
{
        for (int i = width - 1; i >= 0; i--, v /= 10)
                p[i] = (char)('0' + v % 10);
        return p + width;
}

void time_log_stamp(const struct timespec *t, char out[static TIME_TEXT_MAX])
{
        struct tm tm;
        char *p = out;
        int year;

        utc_fields(t->tv_sec, &tm);
        year = tm.tm_year + 1900;
        if (year < 0 || year > 9999) {
                (void)snprintf(out, TIME_TEXT_MAX, "%d-%02d-%02d %02d:%02d:%02d,%03d", year,
                               tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
                               (int)(t->tv_nsec / 1000000));
                return;
        }
        /* written digit by digit: a stage logs a score of lines, and
         * snprintf's seven conversions cost more than the rest of each */
        p = put_digits(p, (unsigned)year, year > 999 ? 4 : year > 99 ? 3 : year > 9 ? 2 : 1);
        *p++ = '-';
        p = put_digits(p, (unsigned)tm.tm_mon + 1, 2);
        *p++ = '-';
        p = put_digits(p, (unsigned)tm.tm_mday, 2);
        *p++ = ' ';
        p = put_digits(p, (unsigned)tm.tm_hour, 2);
        *p++ = ':';
        p = put_digits(p, (unsigned)tm.tm_min, 2);
        *p++ = ':';
        p = put_digits(p, (unsigned)tm.tm_sec, 2);
        *p++ = ',';
        p = put_digits(p, (unsigned)(t->tv_nsec / 1000000) % 1000, 3);
        *p = '\0';
}
