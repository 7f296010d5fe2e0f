/* SPDX-License-Identifier: Apache-2.0 */
/* Logging: one call per event, sent to the journal (with STAGE=, MODULE= and
 * INSTANCE_ID= fields) when stderr is connected to it, to stderr otherwise, and
 * appended to /var/log/cloud-init.log in the target root. Warnings and errors
 * are also collected for status.json's recoverable_errors.
 * Nothing secret is ever passed to these functions: callers name keys, files
 * and positions, never values that came from user-data. */
#pragma once

#include <stdbool.h>
#include <sys/types.h>
#include "buf.h"

enum log_level { LOG_LVL_DEBUG, LOG_LVL_INFO, LOG_LVL_WARNING, LOG_LVL_ERROR };

void log_set_debug(bool on);
bool log_get_debug(void);
/* Open /var/log/cloud-init.log under the root given by its directory fd. */
int log_open_file(int root_fd);
/* Write the lines the log file has pending (log_close(), a fork and the
 * exit do it too). */
void log_flush(void);
void log_close(void);
/* Give the open log file an owner (-1 keeps one) and at most mode 0640, as
 * cloud-init gives its log; so is fd when it is >= 0 (the output log). */
int log_file_chown(int fd, uid_t uid, gid_t gid);
void log_set_stage(const char *stage);
void log_set_module(const char *module);
void log_set_instance(const char *iid);
/* Tests: every message is also appended, one per line, to this buffer. */
void log_capture(struct buf *b);

/* Warnings and errors logged since the last reset, for status.json. */
struct log_record {
        enum log_level level;
        char *msg;
};
size_t log_records(const struct log_record **ret);
void log_records_reset(void);

void log_full(enum log_level level, const char *fmt, ...) _printf_(2, 3);
/* Logs with errno set from the negative error r (so %m works) and returns r. */
int log_full_errno(enum log_level level, int r, const char *fmt, ...) _printf_(3, 4);

#define log_debug(...) log_full(LOG_LVL_DEBUG, __VA_ARGS__)
#define log_info(...) log_full(LOG_LVL_INFO, __VA_ARGS__)
#define log_warning(...) log_full(LOG_LVL_WARNING, __VA_ARGS__)
#define log_error(...) log_full(LOG_LVL_ERROR, __VA_ARGS__)
#define log_warning_errno(r, ...) log_full_errno(LOG_LVL_WARNING, r, __VA_ARGS__)
#define log_error_errno(r, ...) log_full_errno(LOG_LVL_ERROR, r, __VA_ARGS__)
#define log_debug_errno(r, ...) log_full_errno(LOG_LVL_DEBUG, r, __VA_ARGS__)
/* While b is set, warnings are logged at debug level and their text appended
 * to b, one per line, for a later stage to log (user-data processed before the
 * stage that reports on it). NULL ends it. */
void log_defer_warnings(struct buf *b);
