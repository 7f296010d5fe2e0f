/* SPDX-License-Identifier: Apache-2.0 */
/* Validation of a node tree against a schema (see schema.h). */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "schema.h"

void schema_pos(const struct node *n, char *buf, size_t size)
{
        (void)snprintf(buf, size, "%s:%u:%u", n && n->file ? n->file : "<config>", n ? n->line : 0,
                       n ? n->col : 0);
}

void schema_report_at(struct schema_report *rep, enum schema_severity sev, const struct node *at,
                      const char *fmt, ...)
{
        char pos[512], msg[512];
        va_list ap;

        va_start(ap, fmt);
        (void)vsnprintf(msg, sizeof(msg), fmt, ap);
        va_end(ap);
        schema_pos(at, pos, sizeof(pos));
        if (sev == SCHEMA_ERROR)
                rep->n_errors++;
        else if (sev == SCHEMA_WARNING)
                rep->n_warnings++;
        if (rep->emit)
                rep->emit(rep->userdata, sev, pos, msg);
}

static void types_text(unsigned types, char *buf, size_t size)
{
        size_t used = 0;

        buf[0] = '\0';
        for (int t = NODE_NULL; t <= NODE_MAP; t++) {
                if (!(types & (1u << t)))
                        continue;
                used += (size_t)snprintf(buf + used, size > used ? size - used : 0, "%s%s",
                                         used ? " or " : "", node_type_name((enum node_type)t));
                if (used >= size)
                        return;
        }
}

/* A value for a message: at most ~64 bytes, control characters as \n or
 * \xNN so that it cannot make a line of its own. */
static void shown_value(const char *v, char *buf, size_t size)
{
        size_t o = 0;
        for (size_t i = 0; v[i] && i < 64 && o + 5 < size; i++) {
                unsigned char c = (unsigned char)v[i];
                if (c == '\n')
                        o += (size_t)snprintf(buf + o, size - o, "\\n");
                else if (c < 0x20 || c == 0x7f)
                        o += (size_t)snprintf(buf + o, size - o, "\\x%02x", c);
                else
                        buf[o++] = (char)c;
        }
        buf[o] = '\0';
}

bool schema_check(const struct schema *s, struct node *v, const char *path,
                  struct schema_report *rep)
{
        char want[96], sub[256];
        bool ok = true;

        if (!(s->types & (1u << v->type))) {
                types_text(s->types, want, sizeof(want));
                schema_report_at(rep, SCHEMA_ERROR, v, "%s: expected %s, got %s", path, want,
                                 node_type_name(v->type));
                return false;
        }
        if (s->enums && v->type == NODE_STR) {
                const char *const *e;
                for (e = s->enums; *e; e++)
                        if (streq(*e, v->str))
                                break;
                if (!*e) {
                        schema_report_at(rep, SCHEMA_ERROR, v,
                                         "%s: '%.64s' is not one of the allowed values", path,
                                         v->str);
                        return false;
                }
        }
        if (s->check && v->type == NODE_STR) {
                const char *why = s->check(v->str);
                if (why) {
                        char shown[80];
                        if (s->secret)
                                (void)snprintf(shown, sizeof(shown), "(secret)");
                        else
                                shown_value(v->str, shown, sizeof(shown));
                        schema_report_at(rep, SCHEMA_ERROR, v, "%s: '%s' %s", path, shown, why);
                        if (!s->keep_bad)
                                return false;
                }
        }
        if (v->type == NODE_SEQ && s->items) {
                size_t j = 0;
                for (size_t i = 0; i < v->n; i++) {
                        (void)snprintf(sub, sizeof(sub), "%s.%zu", path, i);
                        if (!schema_check(s->items, v->items[i], sub, rep)) {
                                if (s->prune_items) {
                                        node_free(v->items[i]);
                                        continue;
                                }
                                ok = false;
                        }
                        v->items[j++] = v->items[i];
                }
                v->n = j;
        }
        if (v->type == NODE_MAP && s->props) {
                for (size_t i = 0; i + 1 < v->n; i += 2) {
                        const struct node *k = v->items[i];
                        const struct schema_prop *p = NULL;

                        if (k->type == NODE_STR)
                                for (p = s->props; p->name && !streq(p->name, k->str); p++)
                                        ;
                        if (!p || !p->name) {
                                if (s->closed) {
                                        schema_report_at(rep, SCHEMA_ERROR, k,
                                                         "%s: unknown key '%.64s'", path,
                                                         k->str ? k->str : "?");
                                        ok = false;
                                }
                                continue;
                        }
                        (void)snprintf(sub, sizeof(sub), "%s.%s", path, p->name);
                        if (p->schema && !schema_check(p->schema, v->items[i + 1], sub, rep))
                                ok = false;
                }
                for (const struct schema_prop *p = s->props; p->name; p++)
                        if (p->required && !node_get_key(v, p->name)) {
                                schema_report_at(rep, SCHEMA_ERROR, v, "%s: '%s' is required", path,
                                                 p->name);
                                ok = false;
                        }
        }
        return ok;
}
