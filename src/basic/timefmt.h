/* SPDX-License-Identifier: Apache-2.0 */
/* Times as cloud-init writes them, formatted here rather than by
 * strftime(): glibc's strftime() loads the time zone (/etc/localtime: six
 * system calls) although none of these needs one. */
#pragma once

#include <time.h>

#define TIME_TEXT_MAX 96 /* room for any int a struct tm holds, as the compiler counts */

/* t in UTC as cloud-init's util.time_rfc2822() writes it:
 * "Fri, 04 Dec 2026 16:11:08 +0000". */
void time_rfc2822(time_t t, char out[static TIME_TEXT_MAX]);

/* t in UTC as cloud-init's log lines begin, to the millisecond:
 * "2026-12-04 16:11:08,869". */
void time_log_stamp(const struct timespec *t, char out[static TIME_TEXT_MAX]);
