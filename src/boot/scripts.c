/* SPDX-License-Identifier: Apache-2.0 */
/* shellify and run-parts (see scripts.h). */
#include <dirent.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "exec.h"
#include "fs.h"
#include "log.h"
#include "schema.h"
#include "scripts.h"

/* str() of a YAML scalar as Python prints it, since cloud-init builds the
 * script with str(): True, None, 420 for 0644. */
static int python_str(struct buf *b, const struct node *n)
{
        switch (n->type) {
        case NODE_BOOL:
                return buf_puts(b, n->b ? "True" : "False");
        case NODE_NULL:
                return buf_puts(b, "None");
        case NODE_INT:
                return buf_printf(b, "%lld", n->i);
        default:
                return buf_append(b, n->str, n->len);
        }
}

int shellify(const struct node *list, const char *key, struct buf *out)
{
        char pos[512];
        int r = buf_puts(out, "#!/bin/sh\n");

        for (size_t i = 0; i < list->n && r >= 0; i++) {
                const struct node *item = list->items[i];

                if (item->type == NODE_SEQ) {
                        for (size_t k = 0; k < item->n && r >= 0; k++) {
                                const struct node *w = item->items[k];
                                struct buf word = BUF_INIT(out->max);

                                if (w->type == NODE_SEQ || w->type == NODE_MAP) {
                                        schema_pos(w, pos, sizeof(pos));
                                        log_warning("%s: %s item %zu: a word must be a scalar", pos,
                                                    key, i);
                                        return -EINVAL;
                                }
                                r = python_str(&word, w);
                                if (r >= 0)
                                        r = buf_puts(out, k ? " '" : "'");
                                for (size_t c = 0; r >= 0 && c < word.len; c++)
                                        r = word.data[c] == '\'' ? buf_puts(out, "'\\''")
                                                                 : buf_putc(out, word.data[c]);
                                if (r >= 0)
                                        r = buf_putc(out, '\'');
                                buf_free(&word);
                        }
                        if (r >= 0)
                                r = buf_putc(out, '\n');
                } else if (item->type == NODE_STR) {
                        r = buf_append(out, item->str, item->len);
                        if (r >= 0)
                                r = buf_putc(out, '\n');
                } else {
                        schema_pos(item, pos, sizeof(pos));
                        log_warning("%s: %s item %zu must be a string or a list, not %s", pos, key,
                                    i, node_type_name(item->type));
                        return -EINVAL;
                }
        }
        return r;
}

void exec_opts_target(const struct module_ctx *ctx, struct exec_opts *o)
{
        *o = (struct exec_opts){ .chroot_dir = ctx->root_is_host ? NULL : ctx->root };
}

int runparts(const struct module_ctx *ctx, const char *dir)
{
        _cleanup_close_ int dfd = -1;
        char **names = NULL;
        size_t n = 0;
        int r;

        r = fs_list_dir(ctx->root_fd, dir, NULL, 4096, &names, &n);
        if (r < 0)
                return log_warning_errno(r, "Cannot list %s: %m", dir);
        if (n)
                dfd = fs_open_in_root(ctx->root_fd, dir, O_RDONLY | O_DIRECTORY, 0);
        for (size_t i = 0; i < n && dfd >= 0; i++) {
                struct stat st;
                char path[4096];
                int status = 0, k;

                if (fstatat(dfd, names[i], &st, AT_SYMLINK_NOFOLLOW) < 0 || !S_ISREG(st.st_mode))
                        continue;
                (void)snprintf(path, sizeof(path), "%s/%s", dir, names[i]);
                if (!(st.st_mode & 0111)) {
                        log_warning("%s is not executable; skipped", path);
                        continue;
                }
                {
                        /* path is inside the target: under --root, run it chrooted there */
                        struct exec_opts o;
                        char *argv[] = { path, NULL };
                        exec_opts_target(ctx, &o);
                        k = exec_argv(&o, argv, &status);
                }
                if (k < 0) {
                        log_warning_errno(k, "%s did not finish: %m", path);
                        r = -EPROTO;
                } else if (status != 0) {
                        log_warning("%s failed with exit status %d", path, status);
                        r = -EPROTO;
                } else
                        log_info("Ran %s", path);
        }
        fs_list_free(names, n);
        return r;
}
