/* SPDX-License-Identifier: Apache-2.0 */
/* A node tree written as YAML the way cloud-init's safeyaml.dumps writes it
 * (PyYAML's SafeDumper: `---` and `...`, indent 4, block style, keys sorted,
 * width 80, non-ASCII escaped), through libyaml's emitter, the C twin of
 * PyYAML's. A string is written plain only when a YAML 1.1 reader would read
 * it back as a string (PyYAML's implicit resolvers), else quoted. */
#pragma once

#include "buf.h"
#include "node.h"

/* Append the document to out. -EINVAL when libyaml refuses a scalar (text
 * that is not UTF-8), -E2BIG when out is full or the tree is nested deeper
 * than YAML_DUMP_DEPTH_MAX, -ENOMEM. */
int yaml_dump(const struct node *n, struct buf *out);

#define YAML_DUMP_DEPTH_MAX 256

/* Whether PyYAML's resolver reads the plain scalar s as something other than
 * a string (bool, int, float, null, timestamp, merge, value). */
bool yaml_dump_resolves_nonstr(const char *s);
