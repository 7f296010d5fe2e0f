/* SPDX-License-Identifier: Apache-2.0 */
/* Serialise a struct node tree as JSON (for status.json, result.json and
 * instance-data). Reading JSON back goes through yaml_load(): JSON is a
 * subset of the YAML flow style that libyaml parses. */
#pragma once

#include "buf.h"
#include "node.h"

/* Append n as JSON; indent > 0 pretty-prints with that many spaces a level.
 * Bytes that are not UTF-8 are written as "ci-b64:<base64>", as cloud-init does. */
int json_write(struct buf *b, const struct node *n, int indent);

/* Parse the JSON document data (len bytes), named name in messages, into a
 * node tree (json_read.c, json-c loaded on first use). On failure err says
 * where and what: -EBADMSG for a broken document, -ENOPKG when json-c cannot
 * be loaded. */
struct yaml_error;
int json_load(const char *data, size_t len, const char *name, struct node **ret,
              struct yaml_error *err);
