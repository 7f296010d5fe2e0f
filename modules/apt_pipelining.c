/* SPDX-License-Identifier: Apache-2.0 */
/* apt_pipelining (config stage, per instance): cloud-init's cc_apt_pipelining.
 * false writes a pipeline depth of 0, a number 0 to 5 writes that depth, and
 * none/unchanged/os leave apt's default; the file is
 * /etc/apt/apt.conf.d/90cloud-init-pipelining (0644). */
#include <stdio.h>
#include <string.h>

#include "fs.h"
#include "log.h"
#include "module.h"
#include "schema.h"
#include "sysconf.h"

#define PIPELINING_FN "/etc/apt/apt.conf.d/90cloud-init-pipelining"

static const struct schema s_value = { .types = T_BOOL | T_INT | T_STR };
static const struct schema_prop schema_keys[] = { { "apt_pipelining", &s_value, false },
                                                  { NULL, NULL, false } };
static const char *const activate[] = { "apt_pipelining", NULL };

static int apt_pipelining_run(const struct module_ctx *ctx)
{
        const struct node *v = node_get(ctx->cfg, "apt_pipelining");
        char text[128];
        int depth = -1, r;

        if (!v)
                return 0;
        if (v->type == NODE_BOOL && !v->b)
                depth = 0;
        else if (v->type == NODE_INT && v->i >= 0 && v->i <= 5)
                depth = (int)v->i;
        else if (v->type == NODE_STR) {
                /* cloud-init compares str(value).lower().strip() */
                char s[16];
                size_t n = 0;
                const char *p = v->str + strspn(v->str, " \t\n");
                for (; *p && n + 1 < sizeof(s); p++)
                        s[n++] = (char)((*p >= 'A' && *p <= 'Z') ? *p + 32 : *p);
                while (n && strchr(" \t\n", s[n - 1]))
                        n--;
                s[n] = '\0';
                if (*p == '\0' && (streq(s, "none") || streq(s, "unchanged") || streq(s, "os")))
                        return 0;
                if (*p == '\0' && streq(s, "false"))
                        depth = 0;
                else if (*p == '\0' && n == 1 && s[0] >= '0' && s[0] <= '5')
                        depth = s[0] - '0';
        }
        if (depth < 0) {
                sysconf_refuse(v, "apt_pipelining", "must be false, none, unchanged, os or 0 to 5");
                return -EINVAL;
        }
        (void)snprintf(text, sizeof(text),
                       "//Written by cloud-init per 'apt_pipelining'\n"
                       "Acquire::http::Pipeline-Depth \"%d\";\n",
                       depth);
        r = fs_write_atomic(ctx->root_fd, PIPELINING_FN, text, strlen(text), 0644, FS_NO_OWNER,
                            (gid_t)-1);
        if (r < 0)
                return log_error_errno(r, "Cannot write %s: %m", PIPELINING_FN);
        log_info("Wrote %s with apt pipeline depth %d", PIPELINING_FN, depth);
        return 0;
}

const struct module mod_apt_pipelining = {
        .name = "apt_pipelining",
        .freq = FREQ_INSTANCE,
        .keys = schema_keys,
        .activate_keys = activate,
        .run = apt_pipelining_run,
};
