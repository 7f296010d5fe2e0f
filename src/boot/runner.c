/* SPDX-License-Identifier: Apache-2.0 */
/* Running modules: a stage's list in order, each gated by its activation keys
 * and its frequency's semaphore (see runner.h). */
#include <string.h>

#include <systemd/sd-daemon.h>

#include "config_schema.h"
#include "log.h"
#include "runner.h"
#include "schema.h"
#include "state.h"
#include "status.h"

int runner_run_module(const struct module_ctx *ctx, const struct module *m, enum freq freq,
                      bool force)
{
        int r;

        if (!force && state_sem_has(ctx->root_fd, ctx->iid, m->name, freq)) {
                log_debug("Module %s already ran (%s)", m->name, freq_name(freq));
                return 0;
        }
        log_set_module(m->name);
        /* `systemctl status` shows which module runs (NotifyAccess=main) */
        (void)sd_notifyf(false, "STATUS=%s: running module %s", ctx->stage, m->name);
        log_debug("start: %s/config-%s: running config-%s with frequency %s", ctx->stage, m->name,
                  m->name, freq_name(freq));
        r = m->run(ctx);
        if (r < 0)
                status_module_failed(m->name, r);
        log_debug("finish: %s/config-%s: %s", ctx->stage, m->name, r < 0 ? "FAIL" : "SUCCESS");
        log_set_module(NULL);
        /* The semaphore comes after the run: a crash mid-module redoes it next
         * boot. A module that failed is not retried, as in cloud-init. */
        if (state_sem_set(ctx->root_fd, ctx->iid, m->name, freq) < 0)
                log_warning("Cannot record that module %s ran", m->name);
        return r;
}

bool runner_activated(const struct module *m, const struct node *cfg)
{
        if (!m->activate_keys)
                return true;
        for (const char *const *k = m->activate_keys; *k; k++)
                if (node_get_key(cfg, *k))
                        return true;
        return false;
}

void runner_run_stage(const struct module_ctx *ctx, enum stage_kind kind)
{
        schema_report_stage(ctx->cfg, kind);
        for (const char *const *name = module_stage_list(kind); *name; name++) {
                const struct module *m = module_find(*name);

                if (!m)
                        continue; /* its keys are reported by schema_report_stage() */
                if (!runner_activated(m, ctx->cfg)) {
                        log_debug("Module %s: none of its keys are set; skipped", m->name);
                        continue;
                }
                (void)runner_run_module(ctx, m, m->freq, false);
        }
}
