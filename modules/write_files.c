/* SPDX-License-Identifier: Apache-2.0 */
/* write_files (init stage) and write_files_deferred (final stage, the items
 * with `defer: true`): cloud-init's cc_write_files. Each item is decoded,
 * given its owner and mode, and written atomically inside the target root; a
 * bad item is reported with its position and the others are still written. */
#include <fcntl.h>
#include <sys/stat.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "codec.h"
#include "datasource.h"
#include "fs.h"
#include "log.h"
#include "module.h"
#include "passwd.h"

#define WRITE_FILES_MAX DS_USERDATA_MAX

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

static int write_item(const struct module_ctx *ctx, const struct node *item)
{
        const char *path = node_get_str(item, "path");
        const char *enc = node_get_str(item, "encoding");
        const char *owner = node_get_str(item, "owner");
        const struct node *content = node_get(item, "content");
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
        if (node_get(item, "source"))
                log_warning("%s: write_files source: fetching from a URI is not supported by "
                            "this cloudboot; using content",
                            pos);
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
        r = decode(enc, content ? content->str : "", content ? content->len : 0, &data, &len,
                   &skipped);
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
                k = write_item(ctx, item);
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
