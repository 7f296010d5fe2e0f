/* SPDX-License-Identifier: Apache-2.0 */
/* Load one YAML document into a struct node tree, with limits on everything a
 * hostile document could make large: input size, nesting depth, and the number
 * of nodes including those that aliases expand into ("billion laughs"). */
#pragma once

#include <stddef.h>

#include "node.h"

/* What all the documents of one boot may cost together: the nodes they load
 * (aliases included) and, within that, the nodes that aliases and merge keys
 * add. Every part of the user-data, vendor-data and each system config file
 * draw on the same budget, so that many documents each under its own limit
 * (32 MIME parts, each an alias bomb just short of max_nodes) cannot add up
 * to gigabytes. Spent budget is not given back when a document is freed. */
struct yaml_budget {
        size_t max_nodes, max_alias_nodes;
        size_t nodes, alias_nodes; /* spent so far */
};

/* Per document; YAML_MAX_NODES_DEFAULT bounds one document's nodes. */
#define YAML_MAX_NODES_DEFAULT 200000
/* Per boot (process): two documents at the per-document limit, and half a
 * document's worth of alias expansion. */
#define YAML_BUDGET_NODES_DEFAULT 400000
#define YAML_BUDGET_ALIAS_NODES_DEFAULT 100000
#define YAML_BUDGET_DEFAULT                                                                        \
        ((struct yaml_budget){ .max_nodes = YAML_BUDGET_NODES_DEFAULT,                             \
                               .max_alias_nodes = YAML_BUDGET_ALIAS_NODES_DEFAULT })

/* The boot's budget, which every load draws on unless its limits name
 * another. A program that is not one boot (a test, a long-lived tool) resets
 * it with yaml_budget_reset(). */
extern struct yaml_budget yaml_boot_budget;
void yaml_budget_reset(void);

struct yaml_limits {
        size_t max_bytes;
        unsigned max_depth;
        size_t max_nodes;
        struct yaml_budget *budget; /* NULL: yaml_boot_budget */
};

#define YAML_MAX_BYTES_DEFAULT (16u * 1024 * 1024)
#define YAML_LIMITS_DEFAULT                                                                        \
        ((struct yaml_limits){ .max_bytes = YAML_MAX_BYTES_DEFAULT,                                \
                               .max_depth = 64,                                                    \
                               .max_nodes = YAML_MAX_NODES_DEFAULT })

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
