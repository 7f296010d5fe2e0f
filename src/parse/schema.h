/* SPDX-License-Identifier: Apache-2.0 */
/* cloudboot's own validation of cloud-config. A schema is a small const tree
 * (allowed node types, list items, mapping properties, enums). Validating
 * reports each problem with file:line:col and prunes what is invalid, so the
 * boot goes on with what is valid: a wrongly typed key is dropped, and a bad
 * item of a list whose schema says prune_items is dropped alone. */
#pragma once

#include <stdbool.h>

#include "buf.h"
#include "node.h"

#define T_NULL (1u << NODE_NULL)
#define T_BOOL (1u << NODE_BOOL)
#define T_INT (1u << NODE_INT)
#define T_FLOAT (1u << NODE_FLOAT)
#define T_STR (1u << NODE_STR)
#define T_SEQ (1u << NODE_SEQ)
#define T_MAP (1u << NODE_MAP)
#define T_ANY 0xffu

struct schema_prop;

struct schema {
        unsigned types;
        const struct schema *items; /* for lists */
        const struct schema_prop *props; /* for mappings, ended by { NULL } */
        bool closed; /* unknown mapping keys are errors */
        bool prune_items; /* drop a bad list item, keep the rest */
        const char *const *enums; /* allowed strings, NULL-ended */
        /* A typed check of a string value (src/basic/valid.h): NULL when
         * good, else why not. A value that fails is reported and pruned,
         * unless keep_bad: then reported only, for a module that refuses it
         * itself with what that means (e.g. no hostname set at all). */
        const char *(*check)(const char *value);
        bool keep_bad;
        bool secret; /* never shown in a message (a password, a hash) */
};

struct schema_prop {
        const char *name;
        const struct schema *schema;
        bool required;
};

enum schema_severity { SCHEMA_ERROR, SCHEMA_WARNING, SCHEMA_NOTE };

struct schema_report {
        /* Called once per problem; msg has no position, pos is "file:line:col". */
        void (*emit)(void *userdata, enum schema_severity sev, const char *pos, const char *msg);
        void *userdata;
        unsigned n_errors;
        unsigned n_warnings;
};

/* Check v against s, reporting each problem under path ("key.sub.0"); returns
 * true when v is valid after pruning what may be pruned. */
bool schema_check(const struct schema *s, struct node *v, const char *path,
                  struct schema_report *rep);
/* Report one problem at node at ("file:line:col" from its position). */
void schema_report_at(struct schema_report *rep, enum schema_severity sev, const struct node *at,
                      const char *fmt, ...) _printf_(4, 5);

/* "file:line:col" of a node into buf. */
void schema_pos(const struct node *n, char *buf, size_t size);
