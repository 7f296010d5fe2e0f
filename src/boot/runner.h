/* SPDX-License-Identifier: Apache-2.0 */
/* The module runner: which modules of a stage run, in what order and how
 * often. The stage (stage.c) builds the context; this decides and runs. */
#pragma once

#include <stdbool.h>

#include "module.h"

/* Run the modules of a stage's list in order. A listed module cloudboot lacks
 * is reported at the key that asks for it. */
void runner_run_stage(const struct module_ctx *ctx, enum stage_kind kind);
/* Run one module unless its semaphore for freq is set (force: run anyway);
 * the semaphore is set after the run. Returns the module's result. */
int runner_run_module(const struct module_ctx *ctx, const struct module *m, enum freq freq,
                      bool force);
/* Is one of the module's activation keys set in cfg (or has it none)? */
bool runner_activated(const struct module *m, const struct node *cfg);
