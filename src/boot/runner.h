/* SPDX-License-Identifier: Apache-2.0 */
/* The module runner: which modules of a stage run, in what order and how
 * often. The stage (stage.c) builds the context; this decides and runs.
 *
 * What runs is decided by the module lists of the merged config, as in
 * cloud-init: cloud_init_modules, cloud_config_modules, cloud_final_modules
 * (system config, then vendor-data and user-data over it). A config without
 * such a key gets the compiled-in default list (Debian's, as data/cloud.cfg
 * ships it). STAGE_LOCAL's list (machine_id) is cloudboot's own and always
 * compiled in; machine_id also runs first in the init stage. */
#pragma once

#include <stdbool.h>

#include "module.h"

/* Most items of one list that are looked at; the rest are reported once. */
#define RUNNER_LIST_MAX 256u

/* One entry of a module list, as cloud-init reads them: NAME, cc_NAME,
 * [NAME, FREQUENCY, ARGS...] or {name: NAME, frequency: FREQUENCY}. */
struct runner_entry {
        char name[72]; /* without cc_ */
        enum freq freq; /* valid when has_freq */
        bool has_freq;
        const struct node *at; /* the list item, for positions (NULL: compiled-in default) */
};

/* Walking a stage's list without copying it: init, then next until false.
 * Same rules and reports as runner_stage_entries (below). */
struct runner_iter {
        const struct node *list; /* cfg's list, or NULL */
        const char *const *defaults; /* or the compiled-in one */
        const char *key;
        size_t i;
        bool report;
};
void runner_iter_init(struct runner_iter *it, const struct node *cfg, enum stage_kind kind,
                      bool report);
bool runner_iter_next(struct runner_iter *it, struct runner_entry *ret);

/* The entries of a stage's list in cfg (the compiled-in default when cfg has
 * no such key), at most max; returns how many. Malformed entries (wrong type,
 * a name that cannot be a module's, an unknown frequency: the module's own is
 * used) are logged as warnings with file:line:col when report. */
size_t runner_stage_entries(const struct node *cfg, enum stage_kind kind, bool report,
                            struct runner_entry *ret, size_t max);

/* Run the modules of a stage's list in order. A listed name that is no
 * module at all is warned about with its position; a listed cloud-init module
 * cloudboot lacks is reported at the key that asks for it. Returns how many
 * modules failed. */
int runner_run_stage(const struct module_ctx *ctx, enum stage_kind kind);
/* Call the prepare hook of each module of the stage's list that
 * runner_run_stage(ctx, kind) would run (activated, semaphore not set), so
 * that its slow work begins now (struct module's prepare). */
void runner_prepare_stage(const struct module_ctx *ctx, enum stage_kind kind);
/* Would runner_run_stage(ctx, kind) run nothing: every listed module either
 * not activated, or already run at its frequency (none runs always), and
 * no listed name to report? A provisioned boot's stage that is idle need not
 * start at all (stage.c, the skip marker). */
bool runner_stage_idle(const struct module_ctx *ctx, enum stage_kind kind);
/* Run one module unless its semaphore for freq is set (force: run anyway);
 * the semaphore is set after the run. Returns the module's result (an
 * external module: -EPROTO when it failed). */
int runner_run_module(const struct module_ctx *ctx, const struct module *m, enum freq freq,
                      bool force);
/* Should the module run this boot: does one of cfg's module lists name it (or
 * is it cloudboot's own), and is one of its activation keys set in cfg (or
 * has it none)? */
bool runner_activated(const struct module *m, const struct node *cfg);
/* Does one of this boot's module lists (cfg's, or the defaults where cfg has
 * none) name the module? name is without cc_. For the schema report: a key
 * whose module is not listed is not applied. */
bool runner_module_listed(const struct node *cfg, const char *name);
/* Load the external modules (external.h) when one of cfg's lists names a
 * module that is not built in (for a cloud-init module cloudboot lacks, such
 * as Debian's lists name: only when one of its keys is set), or when
 * /etc/cloud/modules.d exists (a module there may replace a built-in);
 * otherwise nothing is read. Call it once the
 * system config is known, before user-data is validated, so that external
 * modules' keys are validated as built-ins' are. */
int runner_load_modules(int root_fd, const struct node *cfg);
/* The module called name (without cc_): a built-in, else an external module
 * of the target (loaded now if need be); NULL when there is none. */
const struct module *runner_find(int root_fd, const char *name);
