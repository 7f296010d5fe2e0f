/* SPDX-License-Identifier: Apache-2.0 */
/* Shell scripts from cloud-config commands, and running script directories.
 * Only bootcmd, runcmd and user scripts reach /bin/sh; everything else cloudboot
 * runs by argv. */
#pragma once

#include "buf.h"
#include "exec.h"
#include "module.h"
#include "node.h"

/* cloud-init's shellify: "#!/bin/sh" then one line per item; a string item is
 * written as it is, a list item as single-quoted words. -EINVAL (logged with
 * the item's position) for an item that is neither. */
int shellify(const struct node *list, const char *key, struct buf *out);
/* Run every executable regular file of dir (inside the target) in name
 * order, each as its own program. Non-executable files are reported and
 * skipped. Returns -EPROTO if any failed (each failure is logged). */
int runparts(const struct module_ctx *ctx, const char *dir);
/* Options for a command that must act on the target: chrooted under --root. */
void exec_opts_target(const struct module_ctx *ctx, struct exec_opts *o);
