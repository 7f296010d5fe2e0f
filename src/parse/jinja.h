/* SPDX-License-Identifier: Apache-2.0 */
/* The part of Jinja that real user-data uses, for "## template: jinja"
 * payloads: {{ v1.instance_id }}-style variables from instance-data (keys
 * with '-' also reachable with '_', v1's keys also at the top level, as
 * cloud-init offers them), the default/d filter (and lower, upper, trim),
 * {% if %}/{% elif %}/{% else %}/{% endif %} with ==, !=, not, and, or,
 * comments, and whitespace control ({%- -%}); a block tag eats the newline
 * after it (cloud-init renders with trim_blocks). A variable that is not
 * there renders as CI_MISSING_JINJA_VAR/<name>, with a warning, as in
 * cloud-init. Anything else ({% for %}, {% set %}, other filters, macros) is an
 * error naming its line: never passed through silently. */
#pragma once

#include <stddef.h>

#include "node.h"
#include "yaml.h"

/* Render text (len bytes, the payload after its "## template: jinja" line)
 * with vars (the instance-data mapping). -EINVAL with err filled for what is
 * not supported or malformed; -E2BIG past max bytes of output. */
int jinja_render(const char *text, size_t len, const struct node *vars, const char *name,
                 size_t max, char **ret, size_t *ret_len, struct yaml_error *err);
