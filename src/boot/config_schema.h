/* SPDX-License-Identifier: Apache-2.0 */
/* The merged cloud-config checked against the module registry. */
#pragma once

#include "node.h"
#include "schema.h"

/* Validate a whole cloud-config mapping: supported modules' keys against their
 * schemas, unsupported modules' keys named with their module, unknown keys
 * flagged. Invalid values are removed from cfg. */
void schema_validate_config(struct node *cfg, struct schema_report *rep);

/* Name of the cloud-init module that owns key, or NULL. "base" for keys of the
 * system configuration itself. */
const char *schema_key_owner(const char *key);
/* Does cfg set any key that the cloud-init module (e.g. "cc_timezone") owns? */
const char *schema_module_key_in(const char *cc_module, const struct node *cfg);
