/* SPDX-License-Identifier: Apache-2.0 */
/* seed_random (init stage, per instance): cloud-init's cc_seed_random.
 * random_seed.data (decoded by encoding: raw, base64/b64, gzip/gz) and the
 * datasource's meta-data random_seed are appended to random_seed.file
 * (/dev/urandom by default: mixed into this machine's pool, uncredited as
 * cloud-init does, and only when the target is this machine -- a device
 * path under --root is left alone). Then random_seed.command runs in the
 * target with RANDOM_SEED_FILE set, if its program is there; when it is
 * not, command_required makes that an error. The seed is never logged. */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "codec.h"
#include "fs.h"
#include "log.h"
#include "module.h"
#include "schema.h"
#include "sysconf.h"

#define SEED_MAX (1u << 20)

static const struct schema s_str = { .types = T_STR };
static const struct schema s_bool = { .types = T_BOOL };
static const struct schema s_strs = { .types = T_SEQ, .items = &s_str };
static const char *const encodings[] = { "raw", "base64", "b64", "gzip", "gz", NULL };
static const struct schema s_enc = { .types = T_STR, .enums = encodings };
static const struct schema_prop seed_props[] = {
        { "file", &s_str, false },
        { "data", &s_str, false },
        { "encoding", &s_enc, false },
        { "command", &s_strs, false },
        { "command_required", &s_bool, false },
        { NULL, NULL, false },
};
static const struct schema s_seed = { .types = T_MAP, .props = seed_props, .closed = true };
static const struct schema_prop schema_keys[] = { { "random_seed", &s_seed, false },
                                                  { NULL, NULL, false } };

static int decode(const struct node *data, const char *enc, struct buf *out)
{
        _cleanup_free_ char *tmp = NULL, *raw = NULL;
        size_t len = 0, rlen = 0;
        int r;

        if (!enc || !strcasecmp(enc, "raw"))
                return buf_append(out, data->str, data->len);
        if (!strcasecmp(enc, "base64") || !strcasecmp(enc, "b64")) {
                r = b64_decode(data->str, data->len, SEED_MAX, &tmp, &len);
                return r < 0 ? r : buf_append(out, tmp, len);
        }
        if (!strcasecmp(enc, "gzip") || !strcasecmp(enc, "gz")) {
                /* the bytes themselves (!!binary), or base64 text of them */
                const char *in = data->str;
                size_t inlen = data->len;
                if (!gzip_is(in, inlen)) {
                        r = b64_decode(in, inlen, SEED_MAX, &raw, &rlen);
                        if (r < 0)
                                return r;
                        in = raw;
                        inlen = rlen;
                }
                r = gzip_decode(in, inlen, SEED_MAX, &tmp, &len);
                return r < 0 ? r : buf_append(out, tmp, len);
        }
        return -EINVAL;
}

static bool is_device(const char *path)
{
        return startswith(path, "/dev/");
}

static int seed_random_run(const struct module_ctx *ctx)
{
        const struct node *cfg = node_get(ctx->cfg, "random_seed");
        const struct node *fnode = node_get(cfg, "file"), *data = node_get(cfg, "data");
        const struct node *cmd = node_get(cfg, "command"),
                          *mdseed = node_get(ctx->md, "random_seed");
        const char *path = node_str(fnode) ? fnode->str : "/dev/urandom";
        struct sysconf_target t = { .chroot = ctx->root, .is_host = ctx->root_is_host };
        struct buf seed = BUF_INIT(2 * SEED_MAX + 1);
        int r = 0, k;

        if (path[0] != '/' || strstr(path, "..") || !sysconf_word_ok(path, "/._-", 255)) {
                sysconf_refuse(fnode, "random_seed.file", "must be an absolute path");
                return -EINVAL;
        }
        if (data && data->str && data->len) {
                k = decode(data, node_get_str(cfg, "encoding"), &seed);
                if (k < 0) {
                        sysconf_refuse(data, "random_seed.data",
                                       "cannot be decoded with its encoding (or is too large)");
                        r = -EINVAL;
                }
        }
        /* bytes (OpenStack's decoded random_seed may hold NULs): not node_str() */
        if (mdseed && mdseed->type == NODE_STR && mdseed->len &&
            buf_append(&seed, mdseed->str, mdseed->len) < 0)
                log_warning("meta-data random_seed is too large; not used");

        if (seed.len) {
                if (is_device(path)) {
                        if (!ctx->root_is_host)
                                log_info("random_seed: %s is a device of this machine, not of the "
                                         "target; %zu bytes not written",
                                         path, seed.len);
                        else {
                                _cleanup_close_ int fd =
                                        open(path, O_WRONLY | O_APPEND | O_NOCTTY | O_CLOEXEC);
                                if (fd < 0 || write(fd, seed.data, seed.len) != (ssize_t)seed.len)
                                        r = log_error_errno(-errno, "Cannot write to %s: %m", path);
                                else
                                        log_info("Added %zu bytes of random seed to %s", seed.len,
                                                 path);
                        }
                } else {
                        _cleanup_free_ char *old = NULL;
                        size_t olen = 0;
                        struct buf all = BUF_INIT(4 * SEED_MAX);
                        k = fs_read_file(ctx->root_fd, path, 2 * SEED_MAX, &old, &olen);
                        if (k >= 0)
                                k = buf_append(&all, old, olen);
                        else if (k == -ENOENT)
                                k = 0;
                        if (k >= 0)
                                k = buf_append(&all, seed.data, seed.len);
                        if (k >= 0)
                                k = fs_write_atomic(ctx->root_fd, path, all.data, all.len, 0644,
                                                    FS_NO_OWNER, (gid_t)-1);
                        buf_free_secret(&all);
                        if (k < 0)
                                r = log_error_errno(k, "Cannot append the random seed to %s: %m",
                                                    path);
                        else
                                log_info("Added %zu bytes of random seed to %s", seed.len, path);
                }
        }
        buf_free_secret(&seed);

        if (cmd && cmd->type == NODE_SEQ && cmd->n) {
                const char *argv[65];
                size_t n = 0;
                char env0[300];
                const char *env[] = { env0, NULL };
                for (size_t i = 0; i < cmd->n && n < 64; i++) {
                        const char *s = node_str(cmd->items[i]);
                        if (!s || !sysconf_line_ok(s)) {
                                sysconf_refuse(cmd->items[i], "random_seed.command",
                                               "each word must be one line of text");
                                return -EINVAL;
                        }
                        argv[n++] = s;
                }
                argv[n] = NULL;
                if (!sysconf_have(ctx->root_fd, argv[0])) {
                        if (node_get_bool(cfg, "command_required", false))
                                return log_warning_errno(-ENOENT,
                                                         "handling random command failed: "
                                                         "command '%s' not found but "
                                                         "required=true",
                                                         argv[0]);
                        log_info("random_seed: command '%s' not found; skipped", argv[0]);
                        return r;
                }
                (void)snprintf(env0, sizeof(env0), "RANDOM_SEED_FILE=%s", path);
                k = sysconf_run(&t, argv, env, NULL, 0, 300, NULL);
                if (k < 0)
                        r = log_warning_errno(k, "random_seed command %s failed", argv[0]);
        } else if (node_get_bool(cfg, "command_required", false))
                return log_warning_errno(-EINVAL, "handling random command failed: no command "
                                                  "found but required=true");
        return r;
}

const struct module mod_seed_random = {
        .name = "seed_random",
        .freq = FREQ_INSTANCE,
        .keys = schema_keys,
        .activate_keys = NULL,
        .run = seed_random_run,
};
