/* SPDX-License-Identifier: Apache-2.0 */
/* OpenNebula's context.sh, read as data: the subset of POSIX shell that
 * OpenNebula writes (NAME='value' lines, values in single quotes with '\''
 * for a quote, double quotes without expansions, plain words, comments),
 * parsed by hand and never given to a shell. Anything else on a line (a
 * command, an expansion, a redirection) is reported with its position and
 * the line skipped; the other variables still count. */
#pragma once

#include <stddef.h>

#include "node.h"

#define ONE_CONTEXT_MAX (1u * 1024 * 1024)
#define ONE_VARS_MAX 1024
#define ONE_NAME_MAX 64

/* A mapping of variable names to string values (a later assignment of a name
 * wins, as in the shell). name is the file in messages. -E2BIG: more than
 * ONE_CONTEXT_MAX bytes; -ENOMEM. Bad lines are logged, not errors. */
int one_context_parse(const char *data, size_t len, const char *name, struct node **ret);

/* cloud-init's network-config (version 2) for the context's ETHx_*
 * variables and the physical NICs of <root>/sys/class/net, as JSON text
 * (name: the context file in messages); *ret NULL when the context has no ETHx_IP* variable. */
int one_network_config(int root_fd, const struct node *ctx, const char *name, char **ret,
                       size_t *ret_len);
