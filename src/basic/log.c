/* SPDX-License-Identifier: Apache-2.0 */
/* Logging sinks and the record of warnings and errors (see log.h). */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

#include "fs.h"
#include "log.h"
#include "sdproto.h"
#include "timefmt.h"

#define LOG_MSG_MAX 4096
#define LOG_RECORDS_MAX 256

static bool debug_on;
static int file_fd = -1;
/* Lines for the log file not yet written: see log_emit() */
static char pending[8192];
static size_t n_pending;
static bool hooked; /* log_flush() runs before a fork and at exit */
static int journal_state = -1; /* -1 unknown, 0 no, 1 yes */
static const char *cur_stage;
static const char *cur_module;
static char cur_iid[128];
static struct buf *capture;
static struct log_record records[LOG_RECORDS_MAX];
static size_t n_records;

static const char *const level_names[] = { "DEBUG", "INFO", "WARNING", "ERROR" };
static const int level_prio[] = { LOG_DEBUG, LOG_INFO, LOG_WARNING, LOG_ERR };

void log_set_debug(bool on)
{
        debug_on = on;
}

bool log_get_debug(void)
{
        return debug_on;
}

void log_set_stage(const char *stage)
{
        cur_stage = stage;
}

void log_set_module(const char *module)
{
        cur_module = module;
}

void log_set_instance(const char *iid)
{
        (void)snprintf(cur_iid, sizeof(cur_iid), "%s", iid ? iid : "");
}

void log_capture(struct buf *b)
{
        capture = b;
}

/* systemd sets JOURNAL_STREAM to the device and inode of the stream it gave us;
 * it is ours only if stderr still is that stream. */
static bool stderr_is_journal(void)
{
        const char *e;
        unsigned long long dev, ino;
        struct stat st;

        if (journal_state >= 0)
                return journal_state;
        journal_state = 0;
        e = getenv("JOURNAL_STREAM");
        if (e && sscanf(e, "%llu:%llu", &dev, &ino) == 2 && fstat(STDERR_FILENO, &st) == 0 &&
            (unsigned long long)st.st_dev == dev && (unsigned long long)st.st_ino == ino)
                journal_state = 1;
        return journal_state;
}

void log_flush(void)
{
        if (n_pending && file_fd >= 0)
                (void)!write(file_fd, pending, n_pending);
        n_pending = 0;
}

int log_open_file(int root_fd)
{
        int fd;

        log_close();
        /* what is pending is written before any fork (a child would write
         * it again, or run a program that logs after it) and at exit */
        if (!hooked)
                hooked = pthread_atfork(log_flush, NULL, NULL) == 0 && atexit(log_flush) == 0;
        fd = fs_open_in_root(root_fd, "/var/log/cloud-init.log",
                             O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0640);
        if (fd < 0)
                return fd;
        file_fd = fd;
        return 0;
}

static int chown_fd(int fd, uid_t uid, gid_t gid)
{
        struct stat st;

        if (fstat(fd, &st) < 0)
                return -errno;
        /* every stage does this: a log already right (every boot but the
         * first) costs no more calls */
        if ((st.st_mode & 07777 & ~0640u) == 0 && st.st_uid == uid && st.st_gid == gid)
                return 0;
        /* the stricter of 0640 and what the file has */
        if (fchmod(fd, st.st_mode & 0640) < 0 || fchown(fd, uid, gid) < 0)
                return -errno;
        return 0;
}

int log_file_chown(int fd, uid_t uid, gid_t gid)
{
        int r = 0;

        if (file_fd >= 0)
                r = chown_fd(file_fd, uid, gid);
        if (r >= 0 && fd >= 0)
                r = chown_fd(fd, uid, gid);
        return r;
}

void log_close(void)
{
        log_flush();
        if (file_fd >= 0)
                (void)close(file_fd);
        file_fd = -1;
}

size_t log_records(const struct log_record **ret)
{
        *ret = records;
        return n_records;
}

void log_records_reset(void)
{
        for (size_t i = 0; i < n_records; i++)
                free(records[i].msg);
        n_records = 0;
}

/* s appended to buf[at..] as far as size allows, NUL-terminated; returns
 * the new end. A line is put together this way, not by snprintf(), whose
 * "%s" copies byte by byte: a stage logs a score of lines. */
static size_t put(char *buf, size_t size, size_t at, const char *s)
{
        size_t n = strlen(s);

        if (at >= size)
                return at;
        if (n > size - at - 1)
                n = size - at - 1;
        memcpy(buf + at, s, n);
        buf[at + n] = '\0';
        return at + n;
}

static void log_emit(enum log_level level, const char *msg)
{
        char prefix[160] = "";
        size_t p = 0;

        if (cur_stage) {
                p = put(prefix, sizeof(prefix), p, cur_stage);
                if (cur_module) {
                        p = put(prefix, sizeof(prefix), p, "/");
                        p = put(prefix, sizeof(prefix), p, cur_module);
                }
                (void)put(prefix, sizeof(prefix), p, ": ");
        }

        if (level >= LOG_LVL_WARNING && n_records < LOG_RECORDS_MAX) {
                char *copy = strdup(msg);
                if (copy)
                        records[n_records++] = (struct log_record){ level, copy };
        }

        if (capture) {
                (void)buf_printf(capture, "%s: %s\n", level_names[level], msg);
        }

        if (file_fd >= 0) {
                struct timespec ts;
                char stamp[TIME_TEXT_MAX], line[LOG_MSG_MAX + sizeof(prefix) + 64];
                size_t len;

                (void)clock_gettime(CLOCK_REALTIME, &ts);
                time_log_stamp(&ts, stamp);
                /* Whole lines, written together: a stage logs a score of
                 * them, and a write each was a tenth of its system calls.
                 * With O_APPEND a write lands whole even when two stages log
                 * at once. They are written when the next would not fit, at
                 * a warning or an error, before a fork (a program run, whose
                 * lines come after), at log_close() and at exit: a crash
                 * loses at most the info and debug lines since the last
                 * of those. A line too long for the buffer still ends. */
                len = put(line, sizeof(line), 0, stamp);
                len = put(line, sizeof(line), len, " - cloudboot[");
                len = put(line, sizeof(line), len, level_names[level]);
                len = put(line, sizeof(line), len, "]: ");
                len = put(line, sizeof(line), len, prefix);
                len = put(line, sizeof(line), len, msg);
                len = put(line, sizeof(line), len, "\n");
                line[len - 1] = '\n'; /* a line cut short still ends */
                if (!hooked || len > sizeof(pending) - n_pending)
                        log_flush();
                if (!hooked || len > sizeof(pending))
                        (void)!write(file_fd, line, len);
                else {
                        memcpy(pending + n_pending, line, len);
                        n_pending += len;
                }
                if (level >= LOG_LVL_WARNING)
                        log_flush();
        }

        if (stderr_is_journal()) {
                char message[LOG_MSG_MAX + sizeof(prefix)], prio[4];

                (void)put(message, sizeof(message), put(message, sizeof(message), 0, prefix), msg);
                (void)snprintf(prio, sizeof(prio), "%d", level_prio[level]);
                const struct journal_field f[] = {
                        { "MESSAGE", message },
                        { "PRIORITY", prio },
                        { "SYSLOG_IDENTIFIER", "cloudboot" },
                        { "STAGE", cur_stage ? cur_stage : "" },
                        { "MODULE", cur_module ? cur_module : "" },
                        { "INSTANCE_ID", cur_iid },
                };
                (void)sd_proto_journal(f, ELEMENTSOF(f));
                return;
        }
        if (level == LOG_LVL_DEBUG && !debug_on)
                return;
        (void)fprintf(stderr, "cloudboot[%s]: %s%s\n", level_names[level], prefix, msg);
}

/* Control characters in a message (a user name with a newline, say) are shown
 * escaped: a value from user-data cannot forge a log line of its own. */
static void escape_controls(const char *in, char *out, size_t size)
{
        static const char hex[] = "0123456789abcdef";
        size_t o = 0;

        for (; *in && o + 5 < size; in++) {
                unsigned char c = (unsigned char)*in;
                if (c == '\n' || c == '\r') {
                        out[o++] = '\\';
                        out[o++] = c == '\n' ? 'n' : 'r';
                } else if ((c < 0x20 && c != '\t') || c == 0x7f) {
                        out[o++] = '\\';
                        out[o++] = 'x';
                        out[o++] = hex[c >> 4];
                        out[o++] = hex[c & 15];
                } else
                        out[o++] = (char)c;
        }
        out[o] = '\0';
}

/* A safety net under http_url_redact(), which callers use for the URLs they
 * log: user-info in anything shaped like scheme://user:password@host is
 * masked in place, so that a caller that forgot cannot leak a password into
 * the log, the journal or status.json. */
static void mask_userinfo(char *msg)
{
        for (char *p = strstr(msg, "://"); p; p = strstr(p, "://")) {
                char *auth = p + 3, *end = auth + strcspn(auth, "/?# \t\"'<>"), *at = NULL;

                for (char *q = auth; q < end; q++)
                        if (*q == '@')
                                at = q;
                if (at && at - auth >= 3) { /* never longer than it was */
                        memmove(auth + 3, at, strlen(at) + 1);
                        memcpy(auth, "***", 3);
                        end = auth + 3;
                } else if (at)
                        memset(auth, '*', (size_t)(at - auth));
                p = end;
        }
}

static struct buf *deferred;

void log_defer_warnings(struct buf *b)
{
        deferred = b;
}

static void log_va(enum log_level level, const char *fmt, va_list ap)
{
        char msg[LOG_MSG_MAX], shown[LOG_MSG_MAX];

        if (level == LOG_LVL_DEBUG && !debug_on && file_fd < 0 && !capture)
                return;
        (void)vsnprintf(msg, sizeof(msg), fmt, ap);
        mask_userinfo(msg);
        escape_controls(msg, shown, sizeof(shown));
        if (deferred && level == LOG_LVL_WARNING) {
                /* shown has no newline: one line each */
                (void)buf_printf(deferred, "%s\n", shown);
                level = LOG_LVL_DEBUG;
        }
        log_emit(level, shown);
}

void log_full(enum log_level level, const char *fmt, ...)
{
        va_list ap;
        int saved = errno;

        va_start(ap, fmt);
        log_va(level, fmt, ap);
        va_end(ap);
        errno = saved;
}

int log_full_errno(enum log_level level, int r, const char *fmt, ...)
{
        va_list ap;

        errno = r < 0 ? -r : r;
        va_start(ap, fmt);
        log_va(level, fmt, ap);
        va_end(ap);
        return r < 0 ? r : -r;
}
