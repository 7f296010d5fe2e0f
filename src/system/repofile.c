/* SPDX-License-Identifier: Apache-2.0 */
/* Repository INI files as cloud-init writes them (see repofile.h). */
#include <string.h>

#include "repofile.h"
#include "sysconf.h"

bool repofile_key(const char *key, char *ret, size_t size)
{
        size_t m = 0;

        if (!key || size == 0)
                return false;
        key += strspn(key, " \t");
        for (; *key && m + 1 < size; key++)
                ret[m++] = *key == '-'                    ? '_'
                           : (*key >= 'A' && *key <= 'Z') ? (char)(*key + 32)
                                                          : *key;
        if (*key) /* longer than a key can be */
                return false;
        while (m && strchr(" \t", ret[m - 1]))
                m--;
        ret[m] = '\0';
        return sysconf_word_ok(ret, "_.", size - 1);
}

/* ConfigObj's _quote() of a value that is one line, or (multiline) the
 * continued lines of a list. */
static int put_configobj(struct buf *b, const char *v, bool multiline, const struct node *at,
                         const char *cfgkey, bool *bad)
{
        static const char wspace_plus[] = " \r\n\v\t'\"";
        size_t n = strlen(v);
        bool sq = strchr(v, '\'') != NULL, dq = strchr(v, '"') != NULL;

        if (n == 0)
                return buf_puts(b, "\"\"");
        if ((sq && dq) || multiline) {
                /* triple quotes; a value holding both kinds cannot be read back */
                if (strstr(v, "'''") && strstr(v, "\"\"\"")) {
                        sysconf_refuse(at, cfgkey, "a value cannot hold both ''' and \"\"\"");
                        *bad = true;
                        return 0;
                }
                return buf_printf(b, strstr(v, "\"\"\"") ? "\"\"\"%s\"\"\"" : "'''%s'''", v);
        }
        if (!strchr(wspace_plus, v[0]) && !strchr(wspace_plus, v[n - 1]) && !strchr(v, ',') &&
            !strchr(v, '#'))
                return buf_puts(b, v);
        return buf_printf(b, dq ? "'%s'" : "\"%s\"", v);
}

static int put_scalar(struct buf *b, const struct node *v, enum repofile_style style,
                      const char *cfgkey, bool *bad)
{
        switch (v->type) {
        case NODE_BOOL:
                return buf_puts(b, v->b ? "1" : "0");
        case NODE_INT: /* str(int): 0x10 is 16 */
                return buf_printf(b, "%lld", v->i);
        case NODE_FLOAT:
                return buf_puts(b, v->str ? v->str : "");
        case NODE_STR:
                /* a line break would make a continuation or a new key */
                if (!node_str(v) || !sysconf_line_ok(v->str) ||
                    (style == REPOFILE_CONFIGPARSER && strchr(v->str, '%'))) {
                        sysconf_refuse(v, cfgkey,
                                       style == REPOFILE_CONFIGPARSER
                                               ? "values must be one line, without '%'"
                                               : "values must be one line");
                        *bad = true;
                        return 0;
                }
                if (style == REPOFILE_CONFIGOBJ)
                        return put_configobj(b, v->str, false, v, cfgkey, bad);
                return buf_puts(b, v->str);
        default:
                sysconf_refuse(v, cfgkey, "values must be strings, numbers, booleans or lists");
                *bad = true;
                return 0;
        }
}

int repofile_put_value(struct buf *b, const struct node *v, enum repofile_style style,
                       const char *cfgkey, bool *bad)
{
        struct buf joined = BUF_INIT(1u << 20);
        int r = 0;

        if (v->type != NODE_SEQ)
                return put_scalar(b, v, style, cfgkey, bad);
        if (style == REPOFILE_CONFIGPARSER) {
                for (size_t i = 0; i < v->n && r >= 0; i++) {
                        if (i)
                                r = buf_puts(b, "\n\t");
                        if (r >= 0 && v->items[i]->type == NODE_SEQ)
                                *bad = true; /* nested lists: not a repo value */
                        else if (r >= 0)
                                r = put_scalar(b, v->items[i], style, cfgkey, bad);
                }
                return r;
        }
        /* ConfigObj: cloud-init joins the items' text with "\n    " first
         * (only strings: a boolean or number in the list fails it there) */
        for (size_t i = 0; i < v->n; i++) {
                const struct node *it = v->items[i];
                if (it->type != NODE_STR || !node_str(it) || !sysconf_line_ok(it->str)) {
                        sysconf_refuse(it, cfgkey, "list items must be one-line strings");
                        *bad = true;
                        buf_free(&joined);
                        return 0;
                }
                (void)buf_printf(&joined, "%s%s", i ? "\n    " : "", it->str);
        }
        r = buf_error(&joined);
        if (r >= 0)
                r = put_configobj(b, joined.data ? joined.data : "", v->n > 1, v, cfgkey, bad);
        buf_free(&joined);
        return r;
}
