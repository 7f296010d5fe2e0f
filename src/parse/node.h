/* SPDX-License-Identifier: Apache-2.0 */
/* The typed tree that YAML and JSON documents load into. Every node keeps the
 * file, line and column it came from, so a later check (schema, a module) can
 * point at the exact place in the user's input. Scalars are resolved as
 * PyYAML's safe loader (YAML 1.1) resolves them, which is what cloud-init sees. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "macro.h"

enum node_type { NODE_NULL, NODE_BOOL, NODE_INT, NODE_FLOAT, NODE_STR, NODE_SEQ, NODE_MAP };

struct node_index;

struct node {
        enum node_type type;
        bool binary; /* !!binary: str holds decoded bytes (may hold NULs) */
        bool b; /* NODE_BOOL */
        uint32_t line, col; /* 1-based; 0 when made by code, not read from a file */
        const char *file; /* interned, lives until node_names_free() */
        char *str; /* scalar text (decoded bytes for binary); NULL for containers;
                    * set it with node_take_strn(), never free it */
        size_t len;
        long long i; /* NODE_INT */
        struct node **items; /* NODE_SEQ: values; NODE_MAP: key, value, key, value, ... */
        size_t n; /* number of items (for a map: twice the number of pairs) */
        size_t cap;
        /* A mapping of NODE_INDEX_MIN_PAIRS pairs or more gets a hash index of
         * its keys on its first lookup, so that a loop of lookups costs O(1)
         * each, not a scan. Appends through node_append() keep it; code that
         * removes or reorders a mapping's items itself calls node_index_drop()
         * (a shrunken or rearranged map is also detected and re-indexed). */
        struct node_index *index;
};

#define NODE_INDEX_MIN_PAIRS 64

struct node *node_new(enum node_type type);
struct node *node_new_str(const char *s);
struct node *node_new_strn(const char *s, size_t len);
/* A node of any type with the text s (len bytes), in one allocation. */
struct node *node_new_scalar(enum node_type type, const char *s, size_t len);
struct node *node_new_int(long long v);
struct node *node_new_bool(bool v);
struct node *node_free(struct node *n);
/* Give n the text s (len bytes, NUL-terminated, malloc'ed; n owns it now). */
void node_take_strn(struct node *n, char *s, size_t len);
static inline void node_freep(struct node **n)
{
        node_free(*n);
}
#define _cleanup_node_ _cleanup_(node_freep)

struct node *node_copy(const struct node *n);
/* Number of nodes in the subtree, n included. */
size_t node_count(const struct node *n);
/* The same tree: types, bytes, keys in their order, values, file names;
 * lines and columns are not compared. */
bool node_same(const struct node *a, const struct node *b);
/* Append to a sequence, or a key and value to a mapping; takes ownership. */
int node_append(struct node *container, struct node *item);
/* Value of key in a mapping (the last one when repeated), or NULL. */
struct node *node_get(const struct node *map, const char *key);
/* The key node for key (for its position), or NULL. */
const struct node *node_get_key(const struct node *map, const char *key);
/* The value of key (the last one when repeated), moved out of the mapping: a
 * null takes its place, so the map keeps its keys and its index. NULL when
 * there is no such key or no memory; the caller owns what is returned. */
struct node *node_take(struct node *map, const char *key);
/* Set key to value (taking ownership), replacing an existing value. */
int node_set(struct node *map, const char *key, struct node *value);
/* Remove every key equal to key; returns how many were removed. */
size_t node_del(struct node *map, const char *key);
/* Merge src into dst: mappings recursively, anything else replaced by a copy of
 * src's value. This is cloud-init's merging of system config files. */
int node_merge(struct node *dst, const struct node *src);

/* Position in map->items of the last key equal to key (same type, same
 * bytes), or -1: O(1) on an indexed mapping. */
long node_find(const struct node *map, const struct node *key);
/* Remove the pairs named key but leave them in place, dead (value NULL),
 * until node_sweep(map): many removals then cost one pass, not one each.
 * Lookups skip dead pairs; nothing else may see map before the sweep. */
size_t node_del_deferred(struct node *map, const char *key);
void node_sweep(struct node *map);
/* The keyed hash the index uses, for other tables of untrusted strings. */
uint64_t node_key_hash(const char *s, size_t len);
/* Forget map's index (after rearranging its items directly). */
void node_index_drop(struct node *map);
/* Whether map holds an index now (for tests). */
bool node_is_indexed(const struct node *map);
/* Key comparisons made by lookups so far (for tests: a scan shows here). */
extern unsigned long long node_key_compares;

/* Typed accessors. The text of a string node; NULL for any other node and
 * for a string with a NUL byte inside. */
const char *node_str(const struct node *n);
/* "string", "integer", ... for messages. */
const char *node_type_name(enum node_type t);
/* Boolean value of the key, or def when absent, null or not a boolean. */
bool node_get_bool(const struct node *map, const char *key, bool def);
/* String value of the key, or NULL when absent or not a string. */
const char *node_get_str(const struct node *map, const char *key);
/* Follow a dotted path through mappings ("datasource.NoCloud.fs_label"). */
struct node *node_get_path(const struct node *root, const char *path);

/* Interned file names that nodes point to. */
const char *node_intern_file(const char *name);
void node_names_free(void);
