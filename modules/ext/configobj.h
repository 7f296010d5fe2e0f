/* SPDX-License-Identifier: Apache-2.0 */
/* The files cloud-init edits with Python's ConfigObj (mcollective's
 * server.cfg, landscape's client.conf): `key = value` lines at the top, then
 * `[section]`s of them. An edit keeps the file's comment lines where they
 * are, rewrites each entry as `key = value` (as ConfigObj writes it), sets a
 * key in place or appends it at the end of its section (top-level keys before
 * the first section). Values are one line; one that ConfigObj would quote
 * (a `#`, a `,`, a quote, blanks at an end, empty) is quoted as it does.
 * Header-only: each module is its own small program. */
#pragma once

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "macro.h"

#define COBJ_MAX_LINES 4096

struct cobj_line {
        char *section; /* "" at the top; for a section header, its name */
        char *key; /* NULL: a comment, a blank or a section header */
        char *value;
        char *text; /* comment or blank line as it was, or NULL */
        bool header;
};

struct cobj {
        struct cobj_line l[COBJ_MAX_LINES];
        size_t n;
        bool full;
};

static inline void cobj_done(struct cobj *c)
{
        for (size_t i = 0; i < c->n; i++) {
                free(c->l[i].section);
                free(c->l[i].key);
                free(c->l[i].value);
                free(c->l[i].text);
        }
        c->n = 0;
}

static inline char *cobj_strip(char *s)
{
        char *e;

        while (*s == ' ' || *s == '\t')
                s++;
        e = s + strlen(s);
        while (e > s && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\r'))
                *--e = '\0';
        return s;
}

/* A value as ConfigObj reads it: quotes taken off, an inline comment dropped. */
static inline char *cobj_unquote(char *v)
{
        if ((v[0] == '"' || v[0] == '\'') && strchr(v + 1, v[0])) {
                char *end = strchr(v + 1, v[0]);
                *end = '\0';
                return v + 1;
        }
        char *hash = strchr(v, '#');
        if (hash)
                *hash = '\0';
        return cobj_strip(v);
}

static inline int cobj_push(struct cobj *c, const char *section, const char *key,
                            const char *value, const char *text, bool header, size_t at)
{
        struct cobj_line x = { .header = header };

        if (c->n >= COBJ_MAX_LINES) {
                c->full = true;
                return -E2BIG;
        }
        x.section = strdup(section);
        x.key = key ? strdup(key) : NULL;
        x.value = value ? strdup(value) : NULL;
        x.text = text ? strdup(text) : NULL;
        if (!x.section || (key && !x.key) || (value && !x.value) || (text && !x.text)) {
                free(x.section);
                free(x.key);
                free(x.value);
                free(x.text);
                return -ENOMEM;
        }
        memmove(&c->l[at + 1], &c->l[at], (c->n - at) * sizeof(c->l[0]));
        c->l[at] = x;
        c->n++;
        return 0;
}

/* The existing file's text into c. */
static inline int cobj_read(struct cobj *c, const char *text)
{
        _cleanup_free_ char *copy = strdup(text ? text : "");
        char *save = NULL, *line, *section = NULL;
        const char *sec = "";
        int r = 0;

        if (!copy)
                return -ENOMEM;
        for (line = strtok_r(copy, "\n", &save); line && r >= 0;
             line = strtok_r(NULL, "\n", &save)) {
                char *l = cobj_strip(line), *eq;

                if (!*l || *l == '#') {
                        r = cobj_push(c, sec, NULL, NULL, l, false, c->n);
                } else if (*l == '[') {
                        char *name = l + strspn(l, "[");
                        name[strcspn(name, "]")] = '\0';
                        free(section);
                        section = strdup(cobj_strip(name));
                        if (!section)
                                return -ENOMEM;
                        sec = section;
                        r = cobj_push(c, sec, NULL, NULL, NULL, true, c->n);
                } else if ((eq = strchr(l, '='))) {
                        *eq = '\0';
                        r = cobj_push(c, sec, cobj_strip(l), cobj_unquote(cobj_strip(eq + 1)),
                                      NULL, false, c->n);
                }
                /* a line ConfigObj cannot read is dropped (it would refuse the file) */
        }
        free(section);
        return r;
}

/* The value of key in section, or NULL. */
static inline const char *cobj_get(const struct cobj *c, const char *section, const char *key)
{
        for (size_t i = 0; i < c->n; i++)
                if (c->l[i].key && streq(c->l[i].section, section) && streq(c->l[i].key, key))
                        return c->l[i].value;
        return NULL;
}

/* Set key in section (made when missing). */
static inline int cobj_set(struct cobj *c, const char *section, const char *key, const char *value)
{
        size_t last = SIZE_MAX, first_section = c->n;
        bool have_section = !*section;

        for (size_t i = 0; i < c->n; i++) {
                if (c->l[i].header && first_section == c->n)
                        first_section = i;
                if (!streq(c->l[i].section, section))
                        continue;
                if (c->l[i].header)
                        have_section = true;
                if (c->l[i].key && streq(c->l[i].key, key)) {
                        char *v = strdup(value);
                        if (!v)
                                return -ENOMEM;
                        free(c->l[i].value);
                        c->l[i].value = v;
                        return 0;
                }
                if (c->l[i].key || c->l[i].header)
                        last = i;
        }
        if (!have_section) {
                int r = cobj_push(c, section, NULL, NULL, NULL, true, c->n);
                if (r < 0)
                        return r;
                last = c->n - 1;
        }
        if (last == SIZE_MAX)
                last = !*section ? (first_section ? first_section - 1 : SIZE_MAX) : c->n - 1;
        return cobj_push(c, section, key, value, NULL, false, last == SIZE_MAX ? 0 : last + 1);
}

/* Does value need ConfigObj's quotes? */
static inline bool cobj_needs_quotes(const char *v)
{
        size_t n = strlen(v);

        return !n || strpbrk(v, "#,\"'") || v[0] == ' ' || v[0] == '\t' || v[n - 1] == ' ' ||
               v[n - 1] == '\t';
}

/* Can value be written at all (one line, quotable)? NULL when it can. */
static inline const char *cobj_value_why(const char *v)
{
        for (const char *p = v; *p; p++)
                if ((unsigned char)*p < 0x20 && *p != '\t')
                        return "holds a line break or a control character";
        if (strchr(v, '"') && strchr(v, '\''))
                return "holds both kinds of quote";
        return NULL;
}

static inline void cobj_write(const struct cobj *c, struct buf *b)
{
        for (size_t i = 0; i < c->n; i++) {
                const struct cobj_line *l = &c->l[i];

                if (l->header)
                        buf_printf(b, "[%s]\n", l->section);
                else if (!l->key)
                        buf_printf(b, "%s\n", l->text ? l->text : "");
                else if (cobj_needs_quotes(l->value))
                        buf_printf(b, "%s = %c%s%c\n", l->key, strchr(l->value, '"') ? '\'' : '"',
                                   l->value, strchr(l->value, '"') ? '\'' : '"');
                else
                        buf_printf(b, "%s = %s\n", l->key, l->value);
        }
}

/* A scalar as Python's str() shows it (ConfigObj stores what cloud-init
 * gives it: True, 5, text). */
static inline const char *cobj_scalar(const struct node *n, char *buf, size_t size)
{
        switch (n->type) {
        case NODE_BOOL:
                return n->b ? "True" : "False";
        case NODE_NULL:
                return "None";
        default:
                (void)snprintf(buf, size, "%s", n->str ? n->str : "");
                return buf;
        }
}
