/* SPDX-License-Identifier: Apache-2.0 */
/* expat through dlopen (see azure_xml.h). */
#include <errno.h>
#include <expat.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dynlib.h"
#include "azure_xml.h"
#include "macro.h"

#define NS_SEP '|'

static struct {
        void *lib;
        XML_Parser (*create_ns)(const XML_Char *, XML_Char);
        void (*parser_free)(XML_Parser);
        void (*set_user_data)(XML_Parser, void *);
        void (*set_element_handler)(XML_Parser, XML_StartElementHandler, XML_EndElementHandler);
        void (*set_character_data_handler)(XML_Parser, XML_CharacterDataHandler);
        void (*set_start_doctype_decl_handler)(XML_Parser, XML_StartDoctypeDeclHandler);
        void (*set_entity_decl_handler)(XML_Parser, XML_EntityDeclHandler);
        enum XML_Status (*parse)(XML_Parser, const char *, int, int);
        enum XML_Status (*stop_parser)(XML_Parser, XML_Bool);
        enum XML_Error (*get_error_code)(XML_Parser);
        const XML_LChar *(*error_string)(enum XML_Error);
        XML_Size (*line)(XML_Parser);
        XML_Size (*col)(XML_Parser);
} ex;

static int load(void)
{
        static const struct dynlib_sym syms[] = {
                DYNLIB_SYM(ex, create_ns, "XML_ParserCreateNS"),
                DYNLIB_SYM(ex, parser_free, "XML_ParserFree"),
                DYNLIB_SYM(ex, set_user_data, "XML_SetUserData"),
                DYNLIB_SYM(ex, set_element_handler, "XML_SetElementHandler"),
                DYNLIB_SYM(ex, set_character_data_handler, "XML_SetCharacterDataHandler"),
                DYNLIB_SYM(ex, set_start_doctype_decl_handler, "XML_SetStartDoctypeDeclHandler"),
                DYNLIB_SYM(ex, set_entity_decl_handler, "XML_SetEntityDeclHandler"),
                DYNLIB_SYM(ex, parse, "XML_Parse"),
                DYNLIB_SYM(ex, stop_parser, "XML_StopParser"),
                DYNLIB_SYM(ex, get_error_code, "XML_GetErrorCode"),
                DYNLIB_SYM(ex, error_string, "XML_ErrorString"),
                DYNLIB_SYM(ex, line, "XML_GetCurrentLineNumber"),
                DYNLIB_SYM(ex, col, "XML_GetCurrentColumnNumber"),
        };

        return dynlib_load(&ex, "libexpat.so.1", syms, ELEMENTSOF(syms));
}

struct xml_elem *xml_free(struct xml_elem *e)
{
        while (e) {
                struct xml_elem *next = e->next;
                xml_free(e->child);
                free(e->name);
                free_secret(e->text, e->text_len);
                free(e);
                e = next;
        }
        return NULL;
}

struct state {
        XML_Parser p;
        struct xml_elem *root, *cur;
        size_t count;
        unsigned depth;
        struct xml_error *err;
        int r;
};

static void stop(struct state *s, int r, const char *msg)
{
        if (s->r >= 0) {
                s->r = r;
                s->err->line = (unsigned)ex.line(s->p);
                s->err->col = (unsigned)ex.col(s->p) + 1;
                (void)snprintf(s->err->msg, sizeof(s->err->msg), "%s", msg);
        }
        (void)ex.stop_parser(s->p, XML_FALSE);
}

static void on_start(void *data, const XML_Char *name, const XML_Char **attrs)
{
        struct state *s = data;
        struct xml_elem *e;

        (void)attrs;
        if (s->r < 0)
                return;
        if (++s->count > XML_ELEMENTS_MAX)
                return stop(s, -EBADMSG, "too many elements");
        if (s->depth >= XML_DEPTH_MAX)
                return stop(s, -EBADMSG, "elements nested too deep");
        e = calloc(1, sizeof(*e));
        if (!e || !(e->name = strdup(name)) || !(e->text = strdup(""))) {
                xml_free(e);
                return stop(s, -ENOMEM, "out of memory");
        }
        e->line = (unsigned)ex.line(s->p);
        e->col = (unsigned)ex.col(s->p) + 1;
        e->parent = s->cur;
        if (!s->cur)
                s->root = e;
        else {
                /* append: walk to the end of cur's children (bounded by XML_ELEMENTS_MAX) */
                struct xml_elem **at = &s->cur->child;
                while (*at)
                        at = &(*at)->next;
                *at = e;
        }
        s->cur = e;
        s->depth++;
}

static void on_end(void *data, const XML_Char *name)
{
        struct state *s = data;

        (void)name;
        if (s->r < 0 || !s->cur)
                return;
        s->cur = s->cur->parent;
        s->depth--;
}

static void on_text(void *data, const XML_Char *t, int len)
{
        struct state *s = data;
        struct xml_elem *e = s->cur;

        if (s->r < 0 || !e || len <= 0)
                return;
        if (e->text_len + (size_t)len + 1 > e->text_cap) {
                size_t cap = (e->text_len + (size_t)len + 1) * 2;
                char *n = malloc(cap);
                if (!n)
                        return stop(s, -ENOMEM, "out of memory");
                memcpy(n, e->text, e->text_len);
                free_secret(e->text, e->text_len);
                e->text = n;
                e->text_cap = cap;
        }
        memcpy(e->text + e->text_len, t, (size_t)len);
        e->text_len += (size_t)len;
        e->text[e->text_len] = 0;
}

/* No DTD: the documents Azure sends have none, and entities are how XML
 * expands a small input into a large one. */
static void on_doctype(void *data, const XML_Char *name, const XML_Char *sysid,
                       const XML_Char *pubid, int has_internal_subset)
{
        (void)name, (void)sysid, (void)pubid, (void)has_internal_subset;
        stop(data, -EBADMSG, "a document type declaration is not accepted");
}

static void on_entity(void *data, const XML_Char *name, int is_param, const XML_Char *value,
                      int value_len, const XML_Char *base, const XML_Char *sysid,
                      const XML_Char *pubid, const XML_Char *notation)
{
        (void)name, (void)is_param, (void)value, (void)value_len, (void)base, (void)sysid;
        (void)pubid, (void)notation;
        stop(data, -EBADMSG, "an entity declaration is not accepted");
}

int xml_parse(const char *data, size_t len, struct xml_elem **ret, struct xml_error *err)
{
        struct state s = { .err = err };
        int r;

        *err = (struct xml_error){ 0 };
        r = load();
        if (r < 0) {
                (void)snprintf(err->msg, sizeof(err->msg), "libexpat.so.1 cannot be loaded");
                return r;
        }
        if (len > INT_MAX) {
                (void)snprintf(err->msg, sizeof(err->msg), "too large");
                return -EBADMSG;
        }
        s.p = ex.create_ns(NULL, NS_SEP);
        if (!s.p)
                return -ENOMEM;
        ex.set_user_data(s.p, &s);
        ex.set_element_handler(s.p, on_start, on_end);
        ex.set_character_data_handler(s.p, on_text);
        ex.set_start_doctype_decl_handler(s.p, on_doctype);
        ex.set_entity_decl_handler(s.p, on_entity);
        if (ex.parse(s.p, data, (int)len, XML_TRUE) != XML_STATUS_OK && s.r >= 0) {
                s.r = -EBADMSG;
                err->line = (unsigned)ex.line(s.p);
                err->col = (unsigned)ex.col(s.p) + 1;
                (void)snprintf(err->msg, sizeof(err->msg), "%s",
                               ex.error_string(ex.get_error_code(s.p)));
        }
        if (s.r >= 0 && !s.root) {
                s.r = -EBADMSG;
                (void)snprintf(err->msg, sizeof(err->msg), "no element");
        }
        ex.parser_free(s.p);
        if (s.r < 0) {
                xml_free(s.root);
                return s.r;
        }
        *ret = s.root;
        return 0;
}

static bool named(const struct xml_elem *e, const char *ns, const char *local)
{
        const char *sep = strchr(e->name, NS_SEP);

        if (!ns)
                return !sep && streq(e->name, local);
        return sep && (size_t)(sep - e->name) == strlen(ns) && !strncmp(e->name, ns, strlen(ns)) &&
               streq(sep + 1, local);
}

const struct xml_elem *xml_child(const struct xml_elem *parent, const char *ns, const char *local,
                                 size_t *ret_count)
{
        const struct xml_elem *first = NULL;
        size_t n = 0;

        for (const struct xml_elem *c = parent ? parent->child : NULL; c; c = c->next)
                if (named(c, ns, local)) {
                        if (!first)
                                first = c;
                        n++;
                }
        if (ret_count)
                *ret_count = n;
        return first;
}

const struct xml_elem *xml_next_same(const struct xml_elem *e)
{
        for (const struct xml_elem *c = e->next; c; c = c->next)
                if (streq(c->name, e->name))
                        return c;
        return NULL;
}
