/* SPDX-License-Identifier: Apache-2.0 */
/* $var / ${var} / {{ var }} substitution (see template.h). */
#include <ctype.h>
#include <string.h>

#include "template.h"

static const char *lookup(const struct template_var *vars, const char *name, size_t len)
{
        for (; vars->name; vars++)
                if (strlen(vars->name) == len && strncmp(vars->name, name, len) == 0)
                        return vars->value;
        return NULL;
}

static size_t ident_len(const char *p)
{
        size_t n = 0;
        while (isalnum((unsigned char)p[n]) || p[n] == '_' || p[n] == '.')
                n++;
        return n;
}

int template_render(const char *text, const struct template_var *vars, struct buf *out)
{
        const char *p = text;
        int r = 0;

        while (*p && r >= 0) {
                const char *v = NULL, *name = NULL;
                size_t nlen = 0, skip = 0;

                if (p[0] == '{' && p[1] == '{') {
                        const char *q = p + 2;
                        while (*q == ' ')
                                q++;
                        nlen = ident_len(q);
                        name = q;
                        q += nlen;
                        while (*q == ' ')
                                q++;
                        if (nlen && q[0] == '}' && q[1] == '}')
                                skip = (size_t)(q + 2 - p);
                } else if (p[0] == '$' && p[1] == '{') {
                        nlen = ident_len(p + 2);
                        name = p + 2;
                        if (nlen && p[2 + nlen] == '}')
                                skip = 3 + nlen;
                } else if (p[0] == '$') {
                        nlen = ident_len(p + 1);
                        name = p + 1;
                        /* a trailing '.' ends a sentence, not a name */
                        while (nlen && name[nlen - 1] == '.')
                                nlen--;
                        if (nlen)
                                skip = 1 + nlen;
                }
                if (skip && (v = lookup(vars, name, nlen))) {
                        r = buf_puts(out, v);
                        p += skip;
                } else {
                        r = buf_putc(out, *p);
                        p++;
                }
        }
        return r;
}
