/* SPDX-License-Identifier: Apache-2.0 */
/* XML for Azure's documents (the provisioning ISO's ovf-env.xml, the
 * wireserver's goal state), read with expat into a small element tree.
 * libexpat is loaded with dlopen on first use, as libcurl is (http.c): only
 * a boot that reads Azure's provisioning data pays for it. A document type
 * declaration (and with it every entity) is refused; the tree is bounded in
 * elements and depth. */
#pragma once

#include <stddef.h>

#define XML_ELEMENTS_MAX 4096
#define XML_DEPTH_MAX 32

struct xml_elem {
        char *name; /* "namespace-URI|local" or "local" */
        char *text; /* character data directly inside, NUL-terminated ("" when none) */
        size_t text_len, text_cap;
        unsigned line, col;
        struct xml_elem *parent, *child, *next;
};

struct xml_error {
        unsigned line, col;
        char msg[160];
};

/* Parse len bytes. -EBADMSG with err filled for a document that is not
 * well-formed or is refused; -ENOPKG when libexpat cannot be loaded. */
int xml_parse(const char *data, size_t len, struct xml_elem **ret, struct xml_error *err);
/* Free a tree; text is wiped first (passwords travel in ovf-env.xml). */
struct xml_elem *xml_free(struct xml_elem *e);
static inline void xml_freep(struct xml_elem **e)
{
        xml_free(*e);
}
#define _cleanup_xml_ __attribute__((cleanup(xml_freep)))

/* The children of parent named ns|local (ns NULL: no namespace): the first
 * one, and in *ret_count how many there are. */
const struct xml_elem *xml_child(const struct xml_elem *parent, const char *ns, const char *local,
                                 size_t *ret_count);
/* The next sibling after e with e's name, or NULL. */
const struct xml_elem *xml_next_same(const struct xml_elem *e);
