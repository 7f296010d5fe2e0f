/* SPDX-License-Identifier: Apache-2.0 */
/* Package repository files in INI form, as cloud-init writes them from a
 * mapping of user-data: yum's .repo files through Python's ConfigParser,
 * zypper's through ConfigObj. Both normalise keys the same way (stripped,
 * lowercased, '-' as '_') and render values by type (booleans 1/0, numbers
 * as text, lists one item per continuation line); they differ in how a
 * value is quoted and how a list continues. Every value is checked so that
 * nothing in it can add a line, a key or a section. */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#include "buf.h"
#include "node.h"

enum repofile_style {
        REPOFILE_CONFIGPARSER, /* "key = value", lists "\n\t"-continued, no quoting */
        REPOFILE_CONFIGOBJ, /* "key = value", ConfigObj's quoting, lists in ''' ''' */
};

/* key as cloud-init normalises it into ret; false when it is empty or is
 * not a plain word ([a-z0-9_.]) afterwards. */
bool repofile_key(const char *key, char *ret, size_t size);
/* Append v rendered as style writes it. A value that cannot be written
 * safely is reported at its position under cfgkey, *bad is set, and nothing
 * is appended for it. Negative only when the buffer fails. */
int repofile_put_value(struct buf *b, const struct node *v, enum repofile_style style,
                       const char *cfgkey, bool *bad);
