/* SPDX-License-Identifier: Apache-2.0 */
/* The boot, stage by stage: find a datasource, record the instance, read and
 * validate the cloud-config, and run the modules of this stage in cloud-init's
 * order, each gated by its frequency's semaphore. */
#pragma once

#include <stdbool.h>

#include "module.h"

struct boot_opts {
        const char *root; /* target root, "/" by default */
        bool probe_devices; /* scan block devices for a cidata label */
};

/* Each returns the process exit code: 0 fine (recoverable errors included,
 * they go to status.json), 1 when the stage could not do its work. */
int stage_init(const struct boot_opts *o, bool local);
int stage_modules(const struct boot_opts *o, enum stage_kind kind);
int stage_single(const struct boot_opts *o, const char *name, const char *freq);
/* The configuration the modules see: system config, vendor-data's and the
 * user's cloud-config merged (for `query merged_cfg`). */
struct node;
int stage_merged_config(int root_fd, struct node **ret);
