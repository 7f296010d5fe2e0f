/* SPDX-License-Identifier: Apache-2.0 */
/* Load one YAML document into a struct node tree, with limits on everything a
 * hostile document could make large: input size, nesting depth, and the number
 * of nodes including those that aliases expand into ("billion laughs"). */
#pragma once

#include <stddef.h>

#include "node.h"

struct yaml_limits {
        size_t max_bytes;
        unsigned max_depth;
        size_t max_nodes;
};

#define YAML_MAX_BYTES_DEFAULT (16u * 1024 * 1024)
#define YAML_LIMITS_DEFAULT                                                                        \
        ((struct yaml_limits){                                                                     \
                .max_bytes = YAML_MAX_BYTES_DEFAULT, .max_depth = 64, .max_nodes = 200000 })

struct yaml_error {
        unsigned line, col; /* 1-based, 0 when unknown */
        char msg[256];
};

/* Parse data (len bytes) named file in messages. An empty document gives a
 * NODE_NULL node. On failure err says where and what, and an error < 0 is
 * returned: -EBADMSG for syntax, -E2BIG for a limit. */
int yaml_load(const char *data, size_t len, const char *file, const struct yaml_limits *lim,
              struct node **ret, struct yaml_error *err);

/* Resolve a plain scalar's text the way PyYAML's safe loader does. */
void yaml_resolve_plain(struct node *n);
