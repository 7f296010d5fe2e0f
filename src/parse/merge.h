/* SPDX-License-Identifier: Apache-2.0 */
/* cloud-init's mergers for cloud-config parts (doc/rtd/reference/merging.rst):
 * a spec such as "dict(replace)+list(append)+str()" says how a later part
 * merges into what the earlier parts built. Given in a part as merge_how or
 * merge_type (a string, or a list of {name, settings} or [name, settings...]),
 * or in a MIME part's Merge-Type or X-Merge-Type header; without one, a part
 * merges as dict(replace)+list()+str(). */
#pragma once

#include <stdbool.h>

#include "node.h"

enum list_method { LIST_REPLACE, LIST_APPEND, LIST_PREPEND, LIST_NO_REPLACE };

struct merge_spec {
        bool has_dict, has_list, has_str; /* a type without a merger keeps the old value */
        struct {
                bool replace, recurse_str, recurse_array, allow_delete;
        } dict;
        struct {
                enum list_method method;
                bool recurse_str, recurse_dict, recurse_array;
        } list;
        struct {
                bool append;
        } str;
};

/* dict(replace)+list()+str(): what a cloud-config part merges with by default. */
#define MERGE_SPEC_PART_DEFAULT                                                                    \
        ((struct merge_spec){ .has_dict = true,                                                    \
                              .has_list = true,                                                    \
                              .has_str = true,                                                     \
                              .dict = { .replace = true } })

/* Add the mergers of text ("dict(replace)+list(append)") to spec. -EINVAL,
 * with *ret_bad pointing at the item, for one that is not name(options). */
int merge_spec_parse(const char *text, struct merge_spec *spec, const char **ret_bad);
/* Add the mergers of a merge_how/merge_type value (a string or a list). */
int merge_spec_from_node(const struct node *v, struct merge_spec *spec);

/* *dst merged with src by spec, as cloud-init's merger.merge(dst, src), in
 * place: what src brings is copied into *dst (a value of another kind
 * replaces *dst); src is left alone. On failure *dst is whole but may hold
 * part of src. */
int merge_apply(const struct merge_spec *spec, struct node **dst, const struct node *src);
