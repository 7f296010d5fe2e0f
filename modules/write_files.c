/* SPDX-License-Identifier: Apache-2.0 */
/* write_files (init stage) and write_files_deferred (final stage, the items
 * with `defer: true`): cloud-init's cc_write_files. Each item is decoded,
 * given its owner and mode, and written atomically inside the target root; a
 * bad item is reported with its position and the others are still written. */
#include <fcntl.h>
#include <stdio.h>
#include <sys/stat.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "codec.h"
#include "datasource.h"
#include "fs.h"
#include "http.h"
#include "log.h"
#include "module.h"
#include "passwd.h"
#include "valid.h"

#define WRITE_FILES_MAX DS_USERDATA_MAX
#define SOURCE_HEADERS_MAX 32
/* cloud-init: retries=3, sec_between=3; here http.c's backoff within a bound */
#define SOURCE_RETRIES 3
#define SOURCE_TIMEOUT_MS 30000u
#define SOURCE_DEADLINE_USEC (120ull * 1000000ull)

static const char *const encodings[] = { "gz",       "gzip", "gz+base64", "gzip+base64", "gz+b64",
                                         "gzip+b64", "b64",  "base64",    "text/plain",  NULL };

static const struct schema s_str = { .types = T_STR };
static const struct schema s_bool = { .types = T_BOOL };
static const struct schema s_perm = { .types = T_STR | T_INT };
static const struct schema s_enc = { .types = T_STR, .enums = encodings };
static const struct schema s_headers = { .types = T_MAP };
static const struct schema_prop source_props[] = {
        { "uri", &s_str, true },
        { "headers", &s_headers, false },
        { NULL, NULL, false },
};
static const struct schema s_source = { .types = T_MAP, .props = source_props, .closed = true };
static const struct schema_prop item_props[] = {
        { "path", &s_str, true },
        { "content", &s_str, false },
        { "source", &s_source, false },
        { "owner", &s_str, false },
        { "permissions", &s_perm, false },
        { "encoding", &s_enc, false },
        { "append", &s_bool, false },
        { "defer", &s_bool, false },
        { NULL, NULL, false },
};
static const struct schema s_item = { .types = T_MAP, .props = item_props, .closed = true };
static const struct schema s_write_files = { .types = T_SEQ,
                                             .items = &s_item,
                                             .prune_items = true };
static const struct schema_prop write_files_keys[] = {
        { "write_files", &s_write_files, false },
        { NULL, NULL, false },
};
static const char *const activate[] = { "write_files", NULL };

static void where(const struct node *n, char *buf, size_t size)
{
        schema_pos(n, buf, size);
}

/* cloud-init's decode_perms: an integer as is (0644 in YAML 1.1 is octal
 * already), a string as octal. */
static int parse_mode(const struct node *n, mode_t *ret)
{
        long long v;

        if (!n) {
                *ret = 0644;
                return 0;
        }
        if (n->type == NODE_INT)
                v = n->i;
        else {
                const char *s = n->str;
                char *end;
                if (startswith(s, "0o") || startswith(s, "0O"))
                        s += 2;
                errno = 0;
                v = strtoll(s, &end, 8);
                if (errno || end == s || *end)
                        return -EINVAL;
        }
        if (v < 0 || v > 07777)
                return -ERANGE;
        *ret = (mode_t)v;
        return 0;
}

/* Decode content as its encoding says. Base64 is decoded as cloud-init's
 * Python does, skipping characters outside the alphabet; *ret_skipped says
 * how many, so the caller can warn about data that was not clean. */
static int decode(const char *enc, const char *in, size_t len, char **ret, size_t *ret_len,
                  size_t *ret_skipped)
{
        _cleanup_free_ char *tmp = NULL;
        size_t tlen;
        int r;

        *ret_skipped = 0;
        if (!enc || streq(enc, "text/plain")) {
                *ret = malloc(len + 1);
                if (!*ret)
                        return -ENOMEM;
                memcpy(*ret, in, len);
                (*ret)[len] = '\0';
                *ret_len = len;
                return 0;
        }
        if (strstr(enc, "b64") || strstr(enc, "base64")) {
                r = b64_decode_lenient(in, len, WRITE_FILES_MAX, &tmp, &tlen, ret_skipped);
                if (r < 0)
                        return r;
                in = tmp;
                len = tlen;
        }
        if (startswith(enc, "gz"))
                return gzip_decode(in, len, WRITE_FILES_MAX, ret, ret_len);
        *ret = TAKE_PTR(tmp);
        *ret_len = len;
        return 0;
}

/* An HTTP header name: an RFC 9110 token, as far as names go in practice. */
static bool header_name_ok(const char *s)
{
        size_t n = 0;
        for (; s[n]; n++)
                if (!((s[n] >= 'A' && s[n] <= 'Z') || (s[n] >= 'a' && s[n] <= 'z') ||
                      (s[n] >= '0' && s[n] <= '9') || strchr("-_.", s[n])))
                        return false;
        return n > 0 && n <= 64;
}

/* source.headers as "Name: value" lines (never logged: tokens travel here). */
static int source_headers(const struct node *h, char *lines[SOURCE_HEADERS_MAX + 1])
{
        size_t n = 0;
        char pos[512];

        for (size_t i = 0; h && i + 1 < h->n; i += 2) {
                const char *name = node_str(h->items[i]), *value = node_str(h->items[i + 1]);
                if (n == SOURCE_HEADERS_MAX || !name || !header_name_ok(name) || !value ||
                    valid_line(value, 8192)) {
                        where(h->items[i], pos, sizeof(pos));
                        log_warning("%s: write_files source headers: a header is a name of "
                                    "letters, digits, '-', '_', '.' and a one-line string "
                                    "value, 32 at most",
                                    pos);
                        return -EINVAL;
                }
                if (asprintf(&lines[n], "%s: %s", name, value) < 0)
                        return -ENOMEM;
                lines[++n] = NULL;
        }
        return 0;
}

/* source.uri's contents, as they are (no encoding applies to them): http
 * and https through the bounded fetcher, file:///path (or /path) inside the
 * target root. Negative, logged, when nothing could be fetched: the caller
 * falls back to content as cloud-init does. */
static int fetch_source(const struct module_ctx *ctx, const struct node *src, const char *uri,
                        char **ret, size_t *ret_len)
{
        char *headers[SOURCE_HEADERS_MAX + 1] = { NULL };
        struct http_response resp = { 0 };
        char shown[512], pos[512];
        int r;

        where(node_get(src, "uri"), pos, sizeof(pos));
        http_url_redact(uri, shown, sizeof(shown));
        if (startswith(uri, "file://") || uri[0] == '/') {
                const char *path = startswith(uri, "file://") ? uri + strlen("file://") : uri;
                if (path[0] != '/')
                        r = -EINVAL; /* file://host/...: not this machine's */
                else
                        r = fs_read_regular(ctx->root_fd, path, WRITE_FILES_MAX, ret, ret_len);
                goto done;
        }
        r = http_url_check(uri);
        if (r < 0)
                goto done;
        r = source_headers(node_get(src, "headers"), headers);
        if (r >= 0) {
                struct http_request req = { .headers = (const char *const *)headers,
                                            .body_max = WRITE_FILES_MAX,
                                            .timeout_ms = SOURCE_TIMEOUT_MS };
                struct http_retry retry = { .retries = SOURCE_RETRIES,
                                            .deadline_usec = http_now_usec() +
                                                             SOURCE_DEADLINE_USEC };
                r = http_fetch(uri, &req, &retry, &resp);
        }
        for (size_t i = 0; headers[i]; i++) {
                explicit_bzero(headers[i], strlen(headers[i]));
                free(headers[i]);
        }
        if (r >= 0 && (resp.status < 200 || resp.status > 299))
                r = -EREMOTEIO;
        if (r >= 0) {
                *ret_len = resp.len;
                *ret = TAKE_PTR(resp.body);
        }
        http_response_done(&resp);
done:
        if (r < 0)
                log_warning_errno(r,
                                  "%s: Failed to retrieve contents from source \"%s\"; falling "
                                  "back to data from \"contents\" key: %m",
                                  pos, shown);
        return r;
}

#define LINK_REFUSED                                                                               \
        "a symlink on the way belongs to a user other than root or sits in a directory another "   \
        "user can write; not followed, not written"

/* What is at path already: nothing, or a regular file (through symlinks that
 * may be followed). A user's symlink, a device, a FIFO or a socket is refused
 * here, with the item's position, before anything is read or written: never
 * written into, never waited on. */
static int check_target(int root_fd, const char *path, const struct node *item)
{
        struct stat st;
        char pos[512];
        int r = fs_stat(root_fd, path, /* follow= */ true, &st);

        if (r == -ENOENT)
                return 0;
        where(item, pos, sizeof(pos));
        if (r == -EACCES)
                return log_warning_errno(r, "%s: write_files: %s: " LINK_REFUSED, pos, path);
        if (r < 0) /* a missing parent, a name too long: fs_write_atomic says */
                return 0;
        if (!S_ISREG(st.st_mode))
                return log_warning_errno(-EINVAL,
                                         "%s: write_files: %s is %s, not a regular file; not "
                                         "written",
                                         pos, path, fs_type_name(st.st_mode));
        return 0;
}

static int write_item(const struct module_ctx *ctx, const struct node *item, size_t index)
{
        const char *path = node_get_str(item, "path");
        const char *enc = node_get_str(item, "encoding");
        const char *owner = node_get_str(item, "owner");
        const struct node *content = node_get(item, "content"), *src = node_get(item, "source");
        const char *uri = src ? node_get_str(src, "uri") : NULL;
        bool fetched = false;
        _cleanup_free_ char *data = NULL, *old = NULL;
        char pos[512];
        size_t len = 0, old_len = 0, skipped = 0;
        uid_t uid = 0;
        gid_t gid = 0;
        mode_t mode;
        int r;

        where(item, pos, sizeof(pos));
        if (!path || path[0] == '\0')
                return log_warning_errno(-EINVAL, "%s: write_files item has an empty path", pos);
        if (parse_mode(node_get(item, "permissions"), &mode) < 0) {
                where(node_get(item, "permissions"), pos, sizeof(pos));
                return log_warning_errno(-EINVAL,
                                         "%s: write_files permissions for %s must be an octal "
                                         "mode from 0 to 07777",
                                         pos, path);
        }
        if (owner) {
                r = passwd_owner(ctx->root_fd, owner, &uid, &gid);
                if (r < 0) {
                        where(node_get(item, "owner"), pos, sizeof(pos));
                        return log_warning_errno(r,
                                                 "%s: write_files owner '%.64s' of %s does not "
                                                 "exist in the target system",
                                                 pos, owner, path);
                }
                if (uid == (uid_t)-1)
                        uid = 0;
                if (gid == (gid_t)-1)
                        gid = 0;
        }
        if (uri && *uri)
                fetched = fetch_source(ctx, src, uri, &data, &len) >= 0;
        if (!fetched && uri && *uri && !content) {
                /* cloud-init warns and goes on; the module does not fail */
                log_warning("No content could be loaded for entry %zu in module write_files; "
                            "skipping",
                            index + 1);
                return 0;
        }
        where(item, pos, sizeof(pos));
        r = fetched ? 0
                    : decode(enc, content ? content->str : "", content ? content->len : 0, &data,
                             &len, &skipped);
        if (r >= 0 && skipped) {
                where(content, pos, sizeof(pos));
                log_warning("%s: write_files content for %s has %zu characters that are not "
                            "base64; skipped, as cloud-init skips them",
                            pos, path, skipped);
        }
        if (r < 0) {
                where(content ? content : item, pos, sizeof(pos));
                if (r == -E2BIG)
                        return log_warning_errno(r,
                                                 "%s: write_files content for %s decodes to more "
                                                 "than %u bytes; not written",
                                                 pos, path, WRITE_FILES_MAX);
                return log_warning_errno(r,
                                         "%s: write_files content for %s is not valid %s; "
                                         "not written",
                                         pos, path, enc);
        }
        r = check_target(ctx->root_fd, path, item);
        if (r < 0)
                return r;
        if (node_get_bool(item, "append", false)) {
                r = fs_read_regular(ctx->root_fd, path, WRITE_FILES_MAX, &old, &old_len);
                if (r < 0 && r != -ENOENT)
                        return log_warning_errno(r, "%s: cannot read %s to append to it: %m", pos,
                                                 path);
                if (old && old_len + len > WRITE_FILES_MAX)
                        return log_warning_errno(-E2BIG, "%s: appending to %s passes %u bytes", pos,
                                                 path, WRITE_FILES_MAX);
                if (old) {
                        char *joined = realloc(old, old_len + len + 1);
                        if (!joined)
                                return -ENOMEM;
                        memcpy(joined + old_len, data, len);
                        old = NULL;
                        free(data);
                        data = joined;
                        len += old_len;
                }
        }
        r = fs_write_atomic(ctx->root_fd, path, data, len, mode, uid, gid);
        if (r == -EACCES)
                return log_warning_errno(r, "%s: write_files: %s: " LINK_REFUSED, pos, path);
        if (r < 0)
                return log_warning_errno(r, "%s: cannot write %s: %m", pos, path);
        log_info("Wrote %s (%zu bytes, mode %04o, owner %u:%u)", path, len, (unsigned)mode,
                 (unsigned)uid, (unsigned)gid);
        return 0;
}

static int write_files(const struct module_ctx *ctx, bool deferred)
{
        const struct node *list = node_get(ctx->cfg, "write_files");
        int r = 0;

        if (!list || list->type != NODE_SEQ)
                return 0;
        for (size_t i = 0; i < list->n; i++) {
                const struct node *item = list->items[i];
                int k;
                if (node_get_bool(item, "defer", false) != deferred)
                        continue;
                k = write_item(ctx, item, i);
                if (k < 0)
                        r = k;
        }
        return r;
}

static int write_files_run(const struct module_ctx *ctx)
{
        return write_files(ctx, false);
}

static int write_files_deferred_run(const struct module_ctx *ctx)
{
        return write_files(ctx, true);
}

const struct module mod_write_files = {
        .name = "write_files",
        .freq = FREQ_INSTANCE,
        .keys = write_files_keys,
        .activate_keys = activate,
        .run = write_files_run,
};

const struct module mod_write_files_deferred = {
        .name = "write_files_deferred",
        .freq = FREQ_INSTANCE,
        .keys = write_files_keys,
        .activate_keys = activate,
        .run = write_files_deferred_run,
};
