/* SPDX-License-Identifier: Apache-2.0 */
/* final_message (final stage, every boot): cloud-init's cc_final_message.
 * Shows the message ($var and {{var}} substituted: version, timestamp,
 * datasource, uptime) and writes instance/boot-finished, which tools poll to
 * know the boot is over. */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "fs.h"
#include "log.h"
#include "module.h"
#include "state.h"
#include "template.h"
#include "timefmt.h"

/* cloud-init's default text, word for word: tools match on it. */
#define DEFAULT_MESSAGE                                                                            \
        "Cloud-init v. {{version}} finished at {{timestamp}}. Datasource {{datasource}}.  "        \
        "Up {{uptime}} seconds"

static const struct schema s_str = { .types = T_STR };
static const struct schema_prop schema_keys[] = { { "final_message", &s_str, false },
                                                  { NULL, NULL, false } };

static int final_message_run(const struct module_ctx *ctx)
{
        const char *msg = node_get_str(ctx->cfg, "final_message");
        char stamp[TIME_TEXT_MAX], uptime[32], text[256], path[512];
        time_t now = time(NULL);
        struct buf out = BUF_INIT(64 * 1024);
        const struct template_var vars[] = {
                { "version", PACKAGE_VERSION },
                { "timestamp", stamp },
                { "datasource", ctx->datasource ? ctx->datasource : "None" },
                { "uptime", uptime },
                { NULL, NULL },
        };
        int r;

        time_rfc2822(now, stamp);
        (void)snprintf(uptime, sizeof(uptime), "%.2f", state_uptime());
        r = template_render(msg ? msg : DEFAULT_MESSAGE, vars, &out);
        if (r >= 0) {
                /* To the console and the journal (stdout), and to the log. */
                printf("%s\n", out.data ? out.data : "");
                (void)fflush(stdout);
                log_info("%s", out.data ? out.data : "");
        }
        buf_free(&out);
        (void)snprintf(text, sizeof(text), "%s - %s - v. %s\n", uptime, stamp, PACKAGE_VERSION);
        (void)snprintf(path, sizeof(path), CLOUD_DIR "/instances/%s/boot-finished", ctx->iid);
        r = fs_write_boot(ctx->root_fd, path, text, strlen(text), 0644);
        if (r < 0)
                return log_error_errno(r, "Cannot write %s: %m", path);
        return 0;
}

const struct module mod_final_message = {
        .name = "final_message",
        .freq = FREQ_ALWAYS,
        .keys = schema_keys,
        .run = final_message_run,
};
