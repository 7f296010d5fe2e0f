/* SPDX-License-Identifier: Apache-2.0 */
/* What the configuration-management and container modules (ansible, puppet,
 * chef, salt_minion, lxd, snap) share: an argv built from checked values with
 * a fixed bound, run in the target (as another user through runuser, in
 * another directory through env -C: never a shell line, where cloud-init's
 * do_as builds one for su -c), and the typed checks of values that become
 * arguments or lines. Header-only: each module is its own small program. */
#pragma once

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "exec.h"
#include "log.h"
#include "macro.h"
#include "sysconf.h"
#include "valid.h"

#define CM_ARGV_MAX 256
#define CM_ARG_MAX 4096

struct cm_argv {
        char *v[CM_ARGV_MAX + 1];
        size_t n;
        bool failed; /* out of memory or over CM_ARGV_MAX: never run */
};

static inline void cm_argv_done(struct cm_argv *a)
{
        for (size_t i = 0; i < a->n; i++)
                free(a->v[i]);
        a->n = 0;
        a->v[0] = NULL;
}

static inline void cm_add(struct cm_argv *a, const char *s)
{
        char *c;

        if (a->failed || a->n >= CM_ARGV_MAX || !(c = strdup(s))) {
                a->failed = true;
                return;
        }
        a->v[a->n++] = c;
        a->v[a->n] = NULL;
}

_printf_(2, 3) static inline void cm_addf(struct cm_argv *a, const char *fmt, ...)
{
        char *c = NULL;
        va_list ap;
        int r;

        va_start(ap, fmt);
        r = vasprintf(&c, fmt, ap);
        va_end(ap);
        if (r < 0 || a->failed || a->n >= CM_ARGV_MAX) {
                if (r >= 0)
                        free(c);
                a->failed = true;
                return;
        }
        a->v[a->n++] = c;
        a->v[a->n] = NULL;
}

/* The schema's check for a value that becomes one argument or one line:
 * bounded, no control character. */
static inline const char *cm_check_arg(const char *s)
{
        return valid_line(s, CM_ARG_MAX);
}

/* A path the module writes or names: absolute, one line. */
static inline const char *cm_check_path(const char *s)
{
        const char *why = valid_line(s, 1024);

        if (why)
                return why;
        return s[0] == '/' ? NULL : "is not an absolute path";
}

/* A positional argument that must not be read as an option. */
static inline const char *cm_check_operand(const char *s)
{
        const char *why = valid_line(s, CM_ARG_MAX);

        if (why)
                return why;
        return s[0] == '-' || !s[0] ? "is empty or starts with '-' (it would be an option)" : NULL;
}

/* A package, service or user name as a plain word. */
static inline const char *cm_check_word(const char *s)
{
        return sysconf_word_ok(s, "+-._@:", 128) && s[0] != '-' ? NULL
                                                                 : "is not a plain name";
}

/* Run argv in the target, as user when not NULL (runuser -u user --, which
 * sets HOME, USER and LOGNAME as su does), in dir when not NULL (env -C dir),
 * with extra environment and stdin. capture (may be NULL) takes stdout. */
static inline int cm_run(const struct sysconf_target *t, const char *user, const char *dir,
                         char *const *argv, const char *const *env, const void *input,
                         size_t input_len, unsigned timeout_sec, struct buf *capture,
                         int *ret_status)
{
        struct cm_argv full = { .n = 0 };
        struct exec_opts o = { .chroot_dir = t->is_host ? NULL : t->chroot,
                               .env = (char *const *)env,
                               .timeout_sec = timeout_sec,
                               .input = input,
                               .input_len = input_len,
                               .capture = capture };
        int status = 0, r;

        if (user) {
                cm_add(&full, "runuser");
                cm_add(&full, "-u");
                cm_add(&full, user);
                cm_add(&full, "--");
        }
        if (dir) {
                cm_add(&full, "env");
                cm_add(&full, "-C");
                cm_add(&full, dir);
        }
        for (size_t i = 0; argv[i]; i++)
                cm_add(&full, argv[i]);
        if (full.failed) {
                cm_argv_done(&full);
                return -E2BIG;
        }
        r = exec_argv(&o, full.v, &status);
        cm_argv_done(&full);
        if (ret_status)
                *ret_status = status;
        if (r < 0)
                return r;
        return status == 0 ? 0 : -EPROTO;
}

/* "a b c" of an argv for a log line (never for an argv holding a secret). */
static inline void cm_argv_str(char *const *argv, char *buf, size_t size)
{
        size_t off = 0;

        buf[0] = '\0';
        for (size_t i = 0; argv[i] && off < size; i++) {
                int n = snprintf(buf + off, size - off, "%s%s", i ? " " : "", argv[i]);
                if (n < 0)
                        break;
                off += (size_t)n;
        }
}
