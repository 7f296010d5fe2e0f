/* SPDX-License-Identifier: Apache-2.0 */
/* /run/cloud-init/instance-data.json (0644) and instance-data-sensitive.json
 * (0600), with the keys cloud-init 25.1 writes: v1 (the standardised keys),
 * ds (the datasource's meta-data), merged_cfg and merged_system_cfg (the
 * system configuration), sys_info, sensitive_keys and base64_encoded_keys;
 * and _cloudboot, cloudboot's own record of the instance (see
 * docs/instance-data.md). The public file has every sensitive key's value
 * replaced by "redacted for non-root user". */
#pragma once

#include <stdbool.h>

#include "datasource.h"
#include "node.h"
#include "platform.h"

#define INSTANCE_DATA_REDACTED "redacted for non-root user"

/* The full instance-data of a datasource result. syscfg (may be NULL: read
 * from root_fd) becomes merged_cfg; plat may be NULL. */
int instance_data_build(int root_fd, const struct ds_result *r, const struct platform *plat,
                        const char *description, const struct node *syscfg, struct node **ret);
/* Redact, in doc itself, every key its sensitive_keys lists. */
int instance_data_redact(struct node *doc);
/* Is this key (its name, or its path "ds/meta_data/meta/password") a secret?
 * cloud-init's list, and what OpenStack-style meta-data holds: admin_pass,
 * and names that say password, passwd, secret or token. */
bool instance_data_key_is_sensitive(const char *name, const char *path);
/* cloud-init's canonical_cloud_id(): "aws-china" for an aws region cn-..., etc. */
const char *instance_data_cloud_id(const char *cloud_name, const char *region,
                                   const char *platform);
