/* SPDX-License-Identifier: Apache-2.0 */
/* JSON: written from a struct node tree (status.json, result.json,
 * instance-data), and read with json-c (json_read.c). Every JSON document is
 * read here: what metadata services and config drives send, cloudboot's own
 * state files, an external module's stdin. Documents a person writes that
 * may be YAML or JSON (cloud-config, network-config in YAML, module
 * descriptors) go through yaml_load() instead, whose nodes carry the
 * line and column a message must point at. */
#pragma once

#include "buf.h"
#include "node.h"

/* Append n as JSON; indent > 0 pretty-prints with that many spaces a level.
 * Bytes that are not UTF-8 are written as "ci-b64:<base64>", as cloud-init does. */
int json_write(struct buf *b, const struct node *n, int indent);
/* The tree json_load() would make of what json_write() writes of n, made
 * without writing or parsing (a later stage then reads the copy instead of
 * the file): the same types, keys and "ci-b64:" strings; no line or column,
 * every node of file (interned). NULL when out of memory. */
struct node *json_reread(const struct node *n, const char *file);

/* Parse the JSON document data (len bytes), named name in messages, into a
 * node tree (json_read.c, json-c loaded on first use). On failure err says
 * where and what: -EBADMSG for a broken document, -ENOPKG when json-c cannot
 * be loaded. */
struct yaml_error;
int json_load(const char *data, size_t len, const char *name, struct node **ret,
              struct yaml_error *err);
