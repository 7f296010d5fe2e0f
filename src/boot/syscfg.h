/* SPDX-License-Identifier: Apache-2.0 */
/* System configuration: /etc/cloud/cloud.cfg, then the drop-ins cloud.cfg.d/NAME.cfg
 * in lexical order, then /run/cloud-init/cloud.cfg, each merged over the one
 * before (mappings recursively, anything else replaced), over built-in
 * defaults. A broken file is reported with its position and skipped. */
#pragma once

#include <stdint.h>

#include "node.h"

#define CONFIG_FILE_MAX (1u * 1024 * 1024)
/* All the files together (a file past it is reported and ignored). */
#define CONFIG_TOTAL_MAX (16u * 1024 * 1024)
/* The merged system config as parsed (the instance model's format, keyed by
 * the files' digest): parsed when the files changed, loaded by every other
 * stage, of this boot and of the boots to come. Kept with the instance data
 * rather than in /run, so that a provisioned boot parses none of it. */
#define SYSCFG_FILE "/var/lib/cloud/data/cloudboot-syscfg"

int syscfg_load(int root_fd, struct node **ret);
/* The same, and a digest of every file read (names and bytes): what the
 * instance model is keyed by. This one (the stages') stores the parsed tree
 * in SYSCFG_FILE for the stages after it. With replay (the first stage of a
 * boot), the warnings the parse gave are logged again when the stored copy
 * serves, so each boot's log names a broken system config file. */
int syscfg_load_digest(int root_fd, struct node **ret, uint64_t *ret_digest, bool replay);
/* Does cfg leave vendor-data on? Off only for vendor_data: {enabled: false}
 * (a boolean, or the string false in any case). */
bool syscfg_vendor_data_enabled(const struct node *cfg);

/* Limits an operator may set in system config:
 *   cloudboot:
 *     max_user_data_bytes: 16777216   # user-data and vendor-data, raw or decompressed */
struct limits {
        size_t user_data_max;
};
#define LIMIT_USER_DATA_MIN (4u * 1024)
#define LIMIT_USER_DATA_CAP (256u * 1024 * 1024)
/* Read the limits; an invalid value is reported and the default kept. */
void syscfg_limits(const struct node *syscfg, struct limits *ret);
/* Read and parse one YAML file of the target root; name is used in messages
 * (the path when NULL). -ENOENT is returned silently; other failures are
 * logged as warnings with file:line:col. */
int syscfg_read_yaml(int root_fd, const char *path, const char *name, size_t max,
                     struct node **ret);
