/* SPDX-License-Identifier: Apache-2.0 */
/* status.json and result.json, in cloud-init's format, so that tools which
 * read them (and `cloud-init status`) keep working:
 *   {"v1": {"datasource": ..., "stage": ..., "init-local": {"start", "finished",
 *           "errors": [], "recoverable_errors": {"WARNING": [...]}}, ...}}
 * The files live in /var/lib/cloud/data and are linked from /run/cloud-init. */
#pragma once

#include "node.h"

#define STATUS_JSON "/var/lib/cloud/data/status.json"
#define RESULT_JSON "/var/lib/cloud/data/result.json"
#define STATUS_LINK "/run/cloud-init/status.json"
#define RESULT_LINK "/run/cloud-init/result.json"
/* status.json as the last stage left it, read by the next (model_shadow_*) */
#define STATUS_SHADOW "/run/cloud-init/cloudboot-status"

/* The first stage of a boot starts afresh: old status and result go. */
int status_reset(int root_fd);
int status_stage_begin(int root_fd, const char *stage);
/* Record the end of a stage: its fatal errors (fatal, may be NULL) and the
 * warnings and errors logged meanwhile as recoverable_errors. */
int status_stage_end(int root_fd, const char *stage, const char *datasource, const char *fatal);
/* A later stage that will not start this boot (nothing to run): marked as
 * begun and finished now, without errors, in the document the calling stage
 * writes at its end (status_stage_end), so that `status` still sees every
 * stage done. */
int status_stage_skipped(int root_fd, const char *stage);
/* The runner calls this with a module's result r. When a command the module
 * ran failed (r == -EPROTO), the failure goes to the stage's "errors", as
 * cloud-init records a module's exception: `status` says error (exit 1), not
 * degraded. Other errors are input refused item by item, already logged as
 * warnings (recoverable). */
void status_module_failed(const char *module, int r);
/* How many modules failed (as above) in this process so far. */
unsigned status_module_failures(void);
/* Final stage: result.json with the errors of every stage. */
int status_write_result(int root_fd, const char *datasource);
/* Load status.json (through the /run link); -ENOENT when this boot has none. */
int status_load(int root_fd, const char *path, struct node **ret);
