/* SPDX-License-Identifier: Apache-2.0 */
/* keys_to_console (final stage, per instance): cloud-init's
 * cc_keys_to_console. The host keys' fingerprints and public keys, between
 * the BEGIN/END markers that tools scrape from the serial console, written to
 * stdout (the journal and the console under systemd). Public data only. */
#include <dirent.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "exec.h"
#include "fs.h"
#include "log.h"
#include "module.h"
#include "sshkey.h"

static const struct schema s_list = { .types = T_SEQ };
static const struct schema s_ssh = { .types = T_MAP };
static const struct schema_prop schema_keys[] = {
        { "ssh", &s_ssh, false },
        { "ssh_fp_console_blacklist", &s_list, false },
        { "ssh_key_console_blacklist", &s_list, false },
        { NULL, NULL, false },
};

static bool listed(const struct node *list, const char *keytype)
{
        for (size_t i = 0; list && list->type == NODE_SEQ && i < list->n; i++)
                if (streq_ptr(node_str(list->items[i]), keytype))
                        return true;
        return false;
}

static int keys_to_console_run(const struct module_ctx *ctx)
{
        const struct node *fp_skip = node_get(ctx->cfg, "ssh_fp_console_blacklist");
        const struct node *key_skip = node_get(ctx->cfg, "ssh_key_console_blacklist");
        struct buf fps = BUF_INIT(64 * 1024), pubs = BUF_INIT(64 * 1024);
        char **names = NULL;
        size_t n = 0;
        int r;

        if (!node_get_bool(node_get(ctx->cfg, "ssh"), "emit_keys_to_console", true))
                return 0;
        r = fs_list_dir(ctx->root_fd, "/etc/ssh", "ssh_host_*key.pub", 32, &names, &n);
        if (r < 0)
                return log_warning_errno(r, "Cannot list /etc/ssh: %m");
        for (size_t i = 0; i < n; i++) {
                _cleanup_free_ char *pub = NULL;
                char path[300], keytype[64] = "";
                struct buf fp = BUF_INIT(4096);
                const char *argv[] = { "ssh-keygen", "-l", "-f", "-", NULL };
                struct exec_opts o = { .capture = &fp };

                (void)snprintf(path, sizeof(path), "/etc/ssh/%s", names[i]);
                if (fs_read_file(ctx->root_fd, path, 64 * 1024, &pub, NULL) < 0) {
                        buf_free(&fp);
                        continue;
                }
                (void)sscanf(pub, "%63s", keytype);
                o.input = pub;
                o.input_len = strlen(pub);
                /* ssh-keygen -l's line made here; ssh-keygen says what it
                 * does not know */
                if (listed(fp_skip, keytype) || sshkey_fingerprint_line(pub, &fps) >= 0)
                        ; /* skipped, or done */
                else if (exec_ok(&o, (char *const *)argv) >= 0 && fp.data)
                        (void)buf_puts(&fps, fp.data);
                if (!listed(key_skip, keytype))
                        (void)buf_printf(&pubs, "%s%s", pub,
                                         pub[0] && pub[strlen(pub) - 1] != '\n' ? "\n" : "");
                buf_free(&fp);
        }
        fs_list_free(names, n);
        if (buf_error(&fps) < 0 || buf_error(&pubs) < 0)
                log_warning_errno(buf_error(&fps) < 0 ? buf_error(&fps) : buf_error(&pubs),
                                  "The host keys are not shown on the console: %m");
        else if (fps.len || pubs.len) {
                printf("#############################################################\n"
                       "-----BEGIN SSH HOST KEY FINGERPRINTS-----\n%s"
                       "-----END SSH HOST KEY FINGERPRINTS-----\n"
                       "#############################################################\n"
                       "-----BEGIN SSH HOST KEY KEYS-----\n%s"
                       "-----END SSH HOST KEY KEYS-----\n",
                       fps.data ? fps.data : "", pubs.data ? pubs.data : "");
                (void)fflush(stdout);
        }
        buf_free(&fps);
        buf_free(&pubs);
        return 0;
}

const struct module mod_keys_to_console = {
        .name = "keys_to_console",
        .freq = FREQ_INSTANCE,
        .keys = schema_keys,
        .run = keys_to_console_run,
};
