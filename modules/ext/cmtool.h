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
#include "fs.h"
#include "json.h"
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

/* A node tree as block-style YAML (what cloud-init's yaml.dump and
 * safeyaml.dumps write for csr_attributes, the salt minion's conf and
 * grains): mappings and lists in blocks, every scalar written as JSON (a
 * double-quoted string, a number, true/false/null), which YAML reads as the
 * same value. No value can add a line or a key: strings are escaped. */

static inline void cm_yaml_indent(struct buf *b, int level)
{
        for (int i = 0; i < level; i++)
                buf_puts(b, "  ");
}

static inline void cm_yaml_value(struct buf *b, const struct node *n, int level);

/* One scalar. A float is written as the text it was read from (JSON has no
 * .nan or .inf: json_write would make those strings); that text is the
 * YAML resolver's float, so it holds no character that could start a key,
 * a comment or a line. */
static inline void cm_yaml_scalar(struct buf *b, const struct node *n)
{
        if (n->type == NODE_FLOAT && n->str && *n->str &&
            strspn(n->str, "0123456789+-._eEinfaINFA") == strlen(n->str)) {
                buf_puts(b, n->str);
                return;
        }
        (void)json_write(b, n, 0);
}

static inline bool cm_yaml_empty(const struct node *n)
{
        return (n->type == NODE_MAP || n->type == NODE_SEQ) && n->n == 0;
}

static inline void cm_yaml_value(struct buf *b, const struct node *n, int level)
{
        if (n->type == NODE_MAP && n->n) {
                for (size_t i = 0; i + 1 < n->n; i += 2) {
                        const struct node *v = n->items[i + 1];

                        cm_yaml_indent(b, level);
                        cm_yaml_scalar(b, n->items[i]);
                        if ((v->type == NODE_MAP || v->type == NODE_SEQ) && !cm_yaml_empty(v)) {
                                buf_puts(b, ":\n");
                                cm_yaml_value(b, v, level + 1);
                        } else {
                                buf_puts(b, ": ");
                                cm_yaml_scalar(b, v);
                                buf_putc(b, '\n');
                        }
                }
        } else if (n->type == NODE_SEQ && n->n) {
                for (size_t i = 0; i < n->n; i++) {
                        const struct node *v = n->items[i];

                        cm_yaml_indent(b, level);
                        if ((v->type == NODE_MAP || v->type == NODE_SEQ) && !cm_yaml_empty(v)) {
                                buf_puts(b, "-\n");
                                cm_yaml_value(b, v, level + 1);
                        } else {
                                buf_puts(b, "- ");
                                cm_yaml_scalar(b, v);
                                buf_putc(b, '\n');
                        }
                }
        } else {
                cm_yaml_indent(b, level);
                cm_yaml_scalar(b, n);
                buf_putc(b, '\n');
        }
}

/* Write n as YAML to path in the target (atomically, with mode). */
static inline int cm_write_yaml(int root_fd, const char *path, const struct node *n, mode_t mode)
{
        struct buf b = BUF_INIT(16u << 20);
        int r;

        cm_yaml_value(&b, n, 0);
        r = fs_write_buf(root_fd, path, &b, mode, FS_NO_OWNER, (gid_t)-1);
        buf_free_secret(&b);
        return r;
}

#include "http.h"

#define CM_SCRIPT_MAX (4u << 20)

/* An installer script (puppet's AIO, chef's omnibus) fetched with the
 * bounded HTTP fetcher and run by argv in the target: written 0700 into a
 * 0700 directory of root's (/var/tmp/cloudboot-NAME, cloud-init's temporary
 * exec directory), removed afterwards. args: the script's arguments. */
static inline int cm_fetch_run(const struct sysconf_target *t, int root_fd, const char *url,
                               const char *name, unsigned retries, char *const *args)
{
        struct http_request req = { .body_max = CM_SCRIPT_MAX, .timeout_ms = 60000 };
        struct http_retry retry = { .retries = retries };
        struct http_response resp = { 0 };
        struct cm_argv cmd = { .n = 0 };
        char dir[128], path[256], shown[256];
        int r;

        http_url_redact(url, shown, sizeof(shown));
        r = http_url_check(url);
        if (r < 0)
                return log_error_errno(r, "%s: %s is not an http or https URL", name, shown);
        r = http_fetch(url, &req, &retry, &resp);
        if (r < 0)
                return log_error_errno(r, "%s: cannot fetch %s: %m", name, shown);
        if (resp.status != 200) {
                log_error("%s: %s answered HTTP %ld", name, shown, resp.status);
                http_response_done(&resp);
                return -EPROTO;
        }
        (void)snprintf(dir, sizeof(dir), "/var/tmp/cloudboot-%s", name);
        (void)snprintf(path, sizeof(path), "%s/%s", dir, name);
        r = fs_mkdir_p(root_fd, dir, 0700);
        if (r >= 0)
                r = fs_write_atomic(root_fd, path, resp.body, resp.len, 0700, 0, 0);
        http_response_done(&resp);
        if (r < 0)
                return log_error_errno(r, "%s: cannot write %s: %m", name, path);
        cm_add(&cmd, path);
        for (size_t i = 0; args && args[i]; i++)
                cm_add(&cmd, args[i]);
        log_info("Running %s from %s", name, shown);
        r = cmd.failed ? -E2BIG : cm_run(t, NULL, NULL, cmd.v, NULL, NULL, 0, 3600, NULL, NULL);
        cm_argv_done(&cmd);
        (void)fs_rm_rf(root_fd, dir, false);
        if (r < 0)
                log_error_errno(r, "%s: the installer failed: %m", name);
        return r;
}

/* Refuse a value: with its position when it has one (a unit test's YAML),
 * by key path alone when it came on stdin (JSON has no useful position). */
static inline void cm_refuse(const struct node *at, const char *key, const char *why)
{
        if (at && at->line && at->file && !streq(at->file, "<stdin>"))
                sysconf_refuse(at, key, why);
        else
                log_error("%s: %s", key, why);
}
